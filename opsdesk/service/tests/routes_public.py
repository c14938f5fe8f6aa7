"""Permission-matrix routes of customer service's public pages (no login): filled by the public-pages change."""

PUBLIC_ROUTES: list = []
