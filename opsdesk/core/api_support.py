"""Helpers every app's API module may use (app API modules never import each other)."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

from opsdesk.core.kit.guards import MAX_ID, is_valid_id
from opsdesk.core.permissions import user_can

#: A row id in a query or a body: a positive integer a 64-bit key can hold (else 422, never an overflow).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: The last page a list may be asked for: page x page size must stay a valid SQL offset.
MAX_PAGE = 1_000_000


def require_area(request: HttpRequest, area: str, action: str = "view") -> None:
    """403 for a role that may not act in an area (list endpoints call it first; scope misses answer 404)."""
    if not user_can(request.auth, area, action):
        raise HttpError(403, "Your role does not allow this action.")


def require_valid_id(name: str, value: int | None) -> None:
    """422 for an id query parameter no row can have (`Id` does this for schema fields; this for plain arguments)."""
    if value is not None and not is_valid_id(value):
        raise HttpError(422, f"{name}: not a valid id (a positive integer up to {MAX_ID}).")


class PageNumberPagination(NinjaPageNumberPagination):
    """django-ninja's page-number pagination with a bounded ?page= (a 25-digit page is a 422, not a SQL error)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)
