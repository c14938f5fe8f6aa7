"""Reusable test infrastructure of OpsDesk (after NetBox's utilities/testing).

- `factories`: factory-boy factories for the organisation and `make_user(role, ...)`.
- `org`: `build_org()`, the one shared organisation every security test runs against.
- `matrix`: the permission-matrix suite; every URL pattern and API route declares a `Route` and is walked for
  every role with an in-scope and an out-of-scope object.
- `routes`: the declarations of the core app's own routes.
"""
