"""Models of the people app, one module per area (see areas.py); each module lists its models in __all__."""

from opsdesk.people.areas import area_modules

__all__: list[str] = []
for _module in area_modules("models"):
    for _name in _module.__all__:
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
