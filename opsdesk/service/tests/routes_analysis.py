"""Permission-matrix declaration of the service analysis page (joined to `routes.ROUTES` like the public pages)."""

from __future__ import annotations

from opsdesk.core.testing.matrix import Route

ANALYSIS_ROUTES = [
    Route("service:analysis", "list", area="service"),
]
