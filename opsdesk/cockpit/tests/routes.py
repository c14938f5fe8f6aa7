"""Permission-matrix declarations of the cockpit's pages (see opsdesk/core/testing/matrix.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from opsdesk.core.testing.matrix import Route


def overdue_action(org, user, in_scope):
    """An overdue corrective action in the user's in-scope (or out-of-scope) store."""
    from opsdesk.storeops.models import CorrectiveAction

    store = org.store_for(user, in_scope)
    return CorrectiveAction.objects.create(store=store, title=f"整改 {store.code}",
                                           due_date=timezone.localdate() - timedelta(days=2))


def _comment(org, user, action):
    return {"provider": "corrective_action", "key": str(action.pk), "action": "comment", "text": "matrix"}


def _bulk_done(org, user, action):
    return {"items": f"corrective_action:{action.pk}", "action": "done"}


ROUTES = [
    Route("cockpit:index", "list", area="cockpit"),
    Route("cockpit:extension_tiles", "list", area="cockpit"),
    Route("cockpit:inbox", "list", area="inbox"),
    Route("cockpit:inbox_preview", "list", area="inbox"),
    Route("cockpit:inbox_item", "detail", area="inbox", make_object=overdue_action,
          url_args=lambda action: ["corrective_action", str(action.pk)]),
    Route("cockpit:inbox_act", "action", area="inbox", action="change", make_object=overdue_action,
          object_in_url=False, post_data=_comment),
    Route("cockpit:inbox_bulk", "action", area="inbox", action="change", make_object=overdue_action,
          object_in_url=False, post_data=_bulk_done),
]
