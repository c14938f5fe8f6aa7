"""Kit specs of the people app: each area module lists its specs in ALL (pages people:*, REST /api/v1/people/)."""

from opsdesk.people.areas import area_modules


def all_specs() -> list:
    """Every spec of every area, in AREAS order."""
    return [spec for module in area_modules("specs") for spec in module.ALL]
