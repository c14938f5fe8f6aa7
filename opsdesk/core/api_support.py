"""Helpers every app's API module may use (app API modules never import each other)."""

from django.http import HttpRequest
from ninja.errors import HttpError

from opsdesk.core.permissions import user_can


def require_area(request: HttpRequest, area: str, action: str = "view") -> None:
    """403 for a role that may not act in an area (list endpoints call it first; scope misses answer 404)."""
    if not user_can(request.auth, area, action):
        raise HttpError(403, "Your role does not allow this action.")
