"""The navigation menu, grouped by domain; entries a user's role cannot view are left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsdesk.core.permissions import user_can


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    area: str
    action: str = "view"


@dataclass
class MenuGroup:
    label: str
    items: list[MenuItem] = field(default_factory=list)


MENU: list[MenuGroup] = [
    MenuGroup(
        _("组织"),
        [
            MenuItem(_("门店"), "core:store_list", "org"),
            MenuItem(_("区域"), "core:region_list", "org"),
        ],
    ),
    MenuGroup(
        _("系统"),
        [
            MenuItem(_("公司设置"), "core:company_settings", "company_settings", "change"),
            MenuItem(_("用户与权限"), "core:user_list", "users"),
            MenuItem(_("审计日志"), "core:audit_list", "audit"),
            MenuItem(_("API 令牌"), "core:token_list", "org"),
            MenuItem(_("API 文档"), "api-1.0.0:openapi-view", "org"),
        ],
    ),
]


def register_group(group: MenuGroup, position: int | None = None) -> None:
    """Domain apps add their menu group here (called from their AppConfig.ready)."""
    MENU.insert(len(MENU) - 1 if position is None else position, group)


def menu_for(user) -> list[dict]:
    """The menu groups and items the user's role may view, with resolved URLs."""
    groups = []
    for group in MENU:
        items = [
            {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
            for item in group.items
            if user_can(user, item.area, item.action)
        ]
        if items:
            groups.append({"label": group.label, "items": items})
    return groups
