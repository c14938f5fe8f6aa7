"""The areas of the people app. Each area keeps its own module in models/, services/, selectors/, specs/,
views/, api/ and wiring/ (any of them may be absent); the app's urls, API, menu and models iterate this list, so
adding an area never edits another area's files."""

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

AREAS = ("employees", "skills", "training", "appraisals", "cases", "recruitment")


def area_modules(room: str) -> list[ModuleType]:
    """The `opsdesk.people.<room>.<area>` modules that exist, in AREAS order."""
    modules = []
    for area in AREAS:
        name = f"opsdesk.people.{room}.{area}"
        if find_spec(name) is not None:
            modules.append(import_module(name))
    return modules
