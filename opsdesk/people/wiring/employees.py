"""Employees, departments and positions: audited models and menu items."""

from django.utils.translation import pgettext_lazy

from opsdesk.core.navigation import MenuItem

MENU_ITEMS = [
    MenuItem(pgettext_lazy("plural", "员工"), "people:employee_list", "people"),
    MenuItem(pgettext_lazy("plural", "部门"), "people:department_list", "people"),
    MenuItem(pgettext_lazy("plural", "职位"), "people:position_list", "people"),
]


def register() -> None:
    """Called from the people app's ready()."""
    from opsdesk.core import audit
    from opsdesk.people import models

    for model in (models.Department, models.Position, models.Employee):
        audit.register(model)
