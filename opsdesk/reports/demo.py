"""The reports of the demo company: two meetings with decisions (one open, one done per meeting) and a weekly
company pack subscription (e-mail to the COO; robots are left to the user)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from opsdesk.core.models import Store, User
from opsdesk.reports.choices import DecisionStatusChoices, PackKindChoices
from opsdesk.reports.models import Meeting, MeetingDecision, ReportSubscription


def demo_builder(company, *, end_date: date, seed: int) -> dict[str, int]:
    """The demo's meetings, decisions and subscription (registered with core.demo.extensions)."""
    coo = User.objects.filter(company=company, role="coo").order_by("username").first()
    managers = list(User.objects.filter(company=company, role="store_manager", is_active=True).order_by("username"))
    store = Store.objects.filter(company=company).order_by("code").first()
    company_meeting = Meeting.objects.create(
        company=company, title="月度经营例会", held_on=end_date - timedelta(days=6),
        notes="回顾上月销售与目标进展。\n库存周转偏慢的门店需制定清理计划。\n客诉响应时效需提升。")
    company_meeting.attendees.set([user for user in [coo, *managers[:3]] if user is not None])
    store_meeting = None
    if store is not None:
        store_meeting = Meeting.objects.create(
            company=company, region=store.region, store=store, title="门店周会", held_on=end_date - timedelta(days=2),
            notes="排班调整与周末促销准备。")
        store_meeting.attendees.set([user for user in managers[:1]])
    decisions = [
        (company_meeting, "各门店提交滞销品清理计划", managers[0] if managers else coo, end_date + timedelta(days=7),
         DecisionStatusChoices.OPEN),
        (company_meeting, "客诉 24 小时内首次响应", coo, end_date - timedelta(days=1), DecisionStatusChoices.DONE),
    ]
    if store_meeting is not None:
        decisions += [(store_meeting, "周六增加一名收银员", managers[0] if managers else coo,
                       end_date + timedelta(days=3), DecisionStatusChoices.OPEN)]
    for meeting, text, owner, due, status in decisions:
        MeetingDecision.objects.create(meeting=meeting, text=text, owner=owner, due_on=due, status=status,
                                       done_at=timezone.now() if status == DecisionStatusChoices.DONE else None)
    ReportSubscription.objects.create(company=company, title="公司周报", kind=PackKindChoices.WEEKLY,
                                      language="zh-hans", emails=coo.email if coo and coo.email else "")
    return {"meetings": 1 + (store_meeting is not None), "decisions": len(decisions), "subscriptions": 1}
