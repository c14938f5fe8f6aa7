"""What each role may do in the purchasing areas (registered from apps.py).

- "purchasing": purchase orders, their lines, receipts and returns (store scope). "send" sends a draft to the
  supplier; "receive" books deliveries at the store.
- "supplier_management": contracts, price lists, supplier documents and scorecards (company scope).
- "supplier_portal": the supplier role's own orders (scoped by the user's supplier), confirm and state dates.
The supplier role holds nothing but "supplier_portal"; no other role holds "supplier_portal".
"""

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.permissions import ADD, ALL, CHANGE, READ, VIEW, WRITE

MANAGE = frozenset({VIEW, ADD, CHANGE, "send", "receive"})

GRANTS = {
    "purchasing": {
        R.ADMIN: ALL | {"send", "receive"},
        R.COO: ALL | {"send", "receive"},
        R.REGIONAL_MANAGER: MANAGE,
        R.SUPERVISOR: MANAGE,
        R.STORE_MANAGER: frozenset({VIEW, "receive"}),
        R.STAFF: READ,
        R.AUDITOR: READ,
    },
    "supplier_management": {
        R.ADMIN: ALL,
        R.COO: ALL,
        R.REGIONAL_MANAGER: READ,
        R.SUPERVISOR: WRITE,
        R.AUDITOR: READ,
    },
    "supplier_portal": {R.SUPPLIER: frozenset({VIEW, CHANGE})},
}
