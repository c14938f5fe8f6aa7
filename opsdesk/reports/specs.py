"""Kit specs of reports: meetings (with their decisions and minutes downloads), decisions, subscriptions (company-wide
users) and stored packs (read-only, with their delivery log)."""

from __future__ import annotations

from opsdesk.core.kit import ObjectSpec
from opsdesk.reports import services, views
from opsdesk.reports.models import Meeting, MeetingDecision, ReportPack, ReportSubscription

meeting = ObjectSpec(
    Meeting, path="meetings", name="meeting",
    fields=("title", "held_on", "region", "store", "attendees", "notes"),
    columns=("held_on", "title", "region", "store"),
    detail_fields=("title", "held_on", "region", "store", "notes"),
    search_fields=("title", "notes"), filter_fields=("region", "store", "held_on"),
    select_related=("region", "store"), create_with=services.meeting_create, update_with=services.meeting_update,
    detail_template="reports/meeting_detail.html", detail_context=views.meeting_detail_context,
)

decision = ObjectSpec(
    MeetingDecision, path="decisions", name="meetingdecision",
    fields=("meeting", "text", "owner", "due_on", "status"),
    columns=("text", "meeting", "owner", "due_on", "status"),
    search_fields=("text",), filter_fields=("meeting", "owner", "status"), assignee_fields=("owner",),
    select_related=("meeting", "owner"), create_with=services.decision_create, update_with=services.decision_update,
)

subscription = ObjectSpec(
    ReportSubscription, path="subscriptions", name="reportsubscription",
    fields=("title", "kind", "region", "store", "language", "emails", "dingtalk_webhook", "wecom_webhook",
            "is_active"),
    columns=("title", "kind", "region", "store", "language", "is_active"),
    search_fields=("title",), filter_fields=("kind", "is_active"), select_related=("region", "store"),
)

pack = ObjectSpec(
    ReportPack, path="packs", name="reportpack", fields=(), read_only=True,
    columns=("title", "kind", "period_start", "period_end", "region", "store", "language", "generated_at"),
    filter_fields=("kind", "region", "store", "language"), search_fields=("title",),
    select_related=("region", "store"), detail_template="reports/pack_detail.html",
    detail_context=views.pack_detail_context,
)

ALL = (meeting, decision, subscription, pack)
