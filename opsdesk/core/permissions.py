"""What each role may do, by permission area. Scope (which rows) is separate: see scoping.py.

A model declares its `permission_area`; a role holds a set of actions per area. No entry means no access.
Later domain apps add their areas with `register_area()` so the matrix stays in one place.
"""

from opsdesk.core.choices import RoleChoices as R

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL = frozenset({VIEW, ADD, CHANGE, DELETE})
READ = frozenset({VIEW})
WRITE = frozenset({VIEW, ADD, CHANGE})

_MATRIX: dict[str, dict[str, frozenset[str]]] = {
    # Regions and stores (organisation master data).
    "org": {
        R.ADMIN: ALL,
        R.COO: ALL,
        R.REGIONAL_MANAGER: frozenset({VIEW, CHANGE}),
        R.SUPERVISOR: READ,
        R.STORE_MANAGER: READ,
        R.STAFF: READ,
        R.AUDITOR: READ,
        R.HR: READ,
    },
    # Departments, positions and employees.
    "people": {
        R.ADMIN: ALL,
        R.COO: ALL,
        R.HR: ALL,
        R.REGIONAL_MANAGER: ALL,
        R.SUPERVISOR: WRITE,
        R.STORE_MANAGER: WRITE,
        R.STAFF: READ,
        R.AUDITOR: READ,
    },
    # Products, categories, suppliers (company master data).
    "catalog": {
        R.ADMIN: ALL,
        R.COO: ALL,
        R.REGIONAL_MANAGER: READ,
        R.SUPERVISOR: READ,
        R.STORE_MANAGER: READ,
        R.STAFF: READ,
        R.AUDITOR: READ,
    },
    # Sales and stock facts.
    "facts": {
        R.ADMIN: ALL,
        R.COO: ALL,
        R.REGIONAL_MANAGER: WRITE,
        R.SUPERVISOR: WRITE,
        R.STORE_MANAGER: WRITE,
        R.STAFF: READ,
        R.AUDITOR: READ,
    },
    # The company's own settings (name, country for holidays, currency, time zone, default language).
    "company_settings": {R.ADMIN: frozenset({VIEW, CHANGE}), R.COO: frozenset({VIEW, CHANGE})},
    # User accounts, roles and scopes.
    "users": {R.ADMIN: ALL},
    # The audit trail.
    "audit": {R.ADMIN: READ, R.COO: READ, R.AUDITOR: READ, R.REGIONAL_MANAGER: READ, R.HR: READ},
}


def register_area(area: str, grants: dict[str, frozenset[str]]) -> None:
    """Add a permission area (used by domain apps for their own models)."""
    _MATRIX[area] = dict(grants)


def role_can(role: str | None, area: str, action: str) -> bool:
    """Whether a role may perform an action in a permission area."""
    if not role:
        return False
    return action in _MATRIX.get(area, {}).get(role, frozenset())


def user_can(user, area: str, action: str) -> bool:
    """Whether a signed-in, active user's role allows the action (scope is checked separately)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return role_can(user.role, area, action)


def areas() -> dict[str, dict[str, frozenset[str]]]:
    """The whole matrix (read-only use: tests and the roles page)."""
    return _MATRIX
