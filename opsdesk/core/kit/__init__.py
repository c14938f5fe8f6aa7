"""The CRUD kit: one declarative `ObjectSpec` per model gives pages, REST operations, writes and matrix routes.

See `spec.py` for the spec, `services.py` for the generic writes, `guards.py` for the one copy of the scope and
permission checks, `opsdesk.core.selectors.assignable_people` for who may own an object, and
`opsdesk.core.testing.kit.spec_routes` for the permission-matrix routes.
"""

from opsdesk.core.kit.spec import ObjectSpec

__all__ = ["ObjectSpec"]
