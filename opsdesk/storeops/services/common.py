"""Permission areas of store operations. The checks every service makes (role, scope, field assignment, re-read
through the scope) are the kit's one copy in `opsdesk.core.kit.guards`."""

AREA = "storeops"
TEMPLATE_AREA = "storeops_templates"
VERIFY_AREA = "storeops_verify"
