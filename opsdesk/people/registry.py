"""What the people app adds at start-up: each area's `wiring.<area>.register()` (permission areas, audited models,
inbox providers, KPIs, import kinds, cockpit tiles, brief sections, jobs) and one menu group holding every area's
`MENU_ITEMS`."""

from django.utils.translation import pgettext_lazy


def register_all() -> None:
    """Called from PeopleConfig.ready()."""
    from opsdesk.core.navigation import MenuGroup, register_group
    from opsdesk.people.areas import area_modules

    items = []
    for module in area_modules("wiring"):
        module.register()
        items.extend(getattr(module, "MENU_ITEMS", ()))
    register_group(MenuGroup(pgettext_lazy("menu", "人员"), items))
    from opsdesk.core.demo import extensions
    from opsdesk.people.demo import demo_builder

    extensions.register("people", demo_builder)
    from opsdesk.core.extensions import register_brief_section
    from opsdesk.people.brief import brief_section

    register_brief_section(brief_section)
