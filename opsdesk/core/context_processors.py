"""Template context shared by every page: navigation and the scope badge."""

from opsdesk.core.navigation import menu_for
from opsdesk.core.selectors import scope_summary


def shell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"scope": scope_summary(user), "menu": menu_for(user)}
