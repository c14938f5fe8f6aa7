"""What each role may do in the purchasing areas (registered from apps.py).

- "purchasing": purchase orders, their lines, receipts and returns (store scope). "send" sends a draft to the
  supplier; "receive" books deliveries at the store.
- "supplier_management": contracts, price lists, supplier documents and scorecards (company scope).
- "supplier_management" also covers the supplier overview, master data, contacts and documents. Deleting a
  document needs "delete" (admin, COO); removing a contact or a price line is a "change" of the supplier's
  contact book or the contract's price list.
- "supplier_complaints": complaints about suppliers' products (store scope; complaints without a store are
  company-wide). Store managers file them for their stores; "resolve" closes one with its resolution.
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
    "supplier_complaints": {
        R.ADMIN: ALL | {"resolve"},
        R.COO: ALL | {"resolve"},
        R.REGIONAL_MANAGER: WRITE | {"resolve"},
        R.SUPERVISOR: WRITE | {"resolve"},
        R.STORE_MANAGER: frozenset({VIEW, ADD}),
        R.STAFF: READ,
        R.AUDITOR: READ,
    },
    "supplier_portal": {R.SUPPLIER: frozenset({VIEW, CHANGE})},
}
