"""Permission-matrix declarations of reports (see core/testing/matrix.py).

Meetings, decisions and packs of store a1 are in scope; `org.store_for(user, False)` gives the out-of-scope store
(b1 for store and region users, the other company's store for company-wide users). Subscriptions belong to the
company (company A in scope, company B out of scope)."""

from __future__ import annotations

from datetime import date

from opsdesk.core.documents import Document, Paragraph
from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.reports import specs
from opsdesk.reports.models import (
    AREA,
    Meeting,
    MeetingDecision,
    ReportPack,
    ReportSubscription,
    document_to_data,
)


def _meeting(org, user, in_scope) -> Meeting:
    store = org.store_for(user, in_scope)
    return Meeting.objects.create(company=store.company, region=store.region, store=store, title="矩阵会议",
                                  held_on=date(2026, 11, 20), notes="纪要")


def _meeting_data(org, user, meeting):
    return {"title": "矩阵会议", "held_on": "2026-11-20", "region": "", "store": org.stores["a1"].pk, "attendees": [],
            "notes": "改过的纪要"}


def _decision(org, user, in_scope) -> MeetingDecision:
    return MeetingDecision.objects.create(meeting=_meeting(org, user, in_scope), text="矩阵决议",
                                          due_on=date(2026, 12, 1))


def _decision_data(org, user, decision):
    meeting = decision.meeting if decision is not None else _meeting(org, user, True)
    return {"meeting": meeting.pk, "text": "矩阵决议", "owner": "", "due_on": "2026-12-01", "status": "open"}


def _subscription(org, user, in_scope) -> ReportSubscription:
    company = org.company if in_scope else org.other_company
    return ReportSubscription.objects.create(company=company, title="矩阵订阅", emails="coo@example.com")


def _subscription_data(org, user, subscription):
    return {"title": "矩阵订阅", "kind": "weekly", "region": "", "store": "", "language": "zh-hans",
            "emails": "coo@example.com", "dingtalk_webhook": "", "wecom_webhook": "", "is_active": "on"}


def _pack(org, user, in_scope) -> ReportPack:
    store = org.store_for(user, in_scope)
    document = Document(title="矩阵汇报包", blocks=[Paragraph("内容")])
    return ReportPack.objects.create(company=store.company, region=store.region, store=store, kind="weekly",
                                     period_start=date(2026, 11, 16), period_end=date(2026, 11, 22),
                                     title="矩阵汇报包", content=document_to_data(document))


ROUTES = [
    *spec_routes(specs.meeting, _meeting, _meeting_data),
    *spec_routes(specs.decision, _decision, _decision_data),
    *spec_routes(specs.subscription, _subscription, _subscription_data),
    *spec_routes(specs.pack, _pack),
    Route("reports:pack_page", "list", area=AREA),
    Route("reports:pack_download", "list", area=AREA),
    Route("reports:pack_store", "action", area=AREA, action="add", model=ReportPack,
          post_data=lambda org, user, obj: {}),
    Route("reports:reportpack_download", "detail", area=AREA, make_object=_pack,
          url_args=lambda pack: [pack.pk, "md"]),
    Route("reports:meeting_download", "detail", area=AREA, make_object=_meeting,
          url_args=lambda meeting: [meeting.pk, "md"]),
    Route("reports:decision_done", "action", area=AREA, action="change", make_object=_decision,
          post_data=lambda org, user, obj: {}),
    Route("reports:brief_page", "list", area=AREA),
    Route("reports:brief_download", "list", area=AREA),
]
