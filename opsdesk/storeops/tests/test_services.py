"""Services: running and completing inspections, versioning, findings -> actions, tie-ins, schedules, reminders."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.testing.factories import make_user
from opsdesk.storeops import selectors, services, specs
from opsdesk.storeops.choices import ActionStatusChoices, PriorityChoices, RunStatusChoices
from opsdesk.storeops.models import (
    CorrectiveAction,
    Finding,
    InspectionAnswer,
    InspectionRun,
    StockCheck,
    TrainingSuggestion,
)
from opsdesk.storeops.tests.conftest import answer_all, items_of


def test_completing_a_run_scores_it_and_raises_findings_and_actions(ops, template):
    # given: the store manager runs the checklist and fails the shelf item and the critical exit item
    manager = ops["manager"]
    run = services.run_start(actor=manager, store=ops["a1"], template=template)
    answer_all(run, manager, items_of(template), failing={"STK", "EXIT"})
    # when
    run = services.run_complete(actor=manager, run=run, signed_by_name="王店长")
    # then: earned PF 2 + SC 0.75 + TMP 1 = 3.75 of 6 -> 62.5, failed by the critical item too
    run.refresh_from_db()
    assert (run.status, run.score, run.is_passed) == ("completed", Decimal("62.5"), False)
    assert run.has_critical_failure is True
    assert run.signed_by_name == "王店长"
    assert run.signed_at is not None
    assert sorted(Finding.objects.filter(run=run).values_list("item__code", flat=True)) == ["EXIT", "STK"]
    actions = {a.finding.item.code: a for a in CorrectiveAction.objects.filter(store=ops["a1"])}
    assert actions["EXIT"].priority == PriorityChoices.CRITICAL
    assert actions["EXIT"].due_date == timezone.localdate() + timedelta(days=1)
    assert actions["STK"].priority == PriorityChoices.MEDIUM
    assert {a.owner for a in actions.values()} == {manager}
    assert StockCheck.objects.filter(run=run).count() == 1


def test_completion_needs_every_item_answered(ops, template):
    # given: only one item answered
    manager = ops["manager"]
    run = services.run_start(actor=manager, store=ops["a1"], template=template)
    services.answer_save(actor=manager, run=run, item=items_of(template)["PF"], data={"is_pass": True})
    # when / then
    with pytest.raises(ValidationError, match="4"):
        services.run_complete(actor=manager, run=run, signed_by_name="王店长")
    assert InspectionRun.objects.get(pk=run.pk).status == RunStatusChoices.IN_PROGRESS
    assert Finding.objects.count() == 0


def test_a_completed_run_cannot_be_changed(ops, template):
    # given
    manager = ops["manager"]
    run = services.run_start(actor=manager, store=ops["a1"], template=template)
    items = items_of(template)
    answer_all(run, manager, items)
    services.run_complete(actor=manager, run=run, signed_by_name="王店长")
    # when / then
    with pytest.raises(ValidationError):
        services.answer_save(actor=manager, run=run, item=items["PF"], data={"is_pass": False})
    assert InspectionAnswer.objects.get(run=run, item=items["PF"]).is_pass is True


def test_a_run_keeps_the_version_it_started_with(ops, template):
    # given: a run started on v1 (PF weight 2)
    coo, manager = ops["coo"], ops["manager"]
    old_run = services.run_start(actor=manager, store=ops["a1"], template=template)
    v1 = template.current_version
    # when: v2 gives PF weight 10 and is published
    services.template_draft(actor=coo, template=template)
    draft_pf = [i for i in items_of_version(template, "draft") if i.code == "PF"][0]
    services.item_save(actor=coo, template=template, item=draft_pf, data={"weight": Decimal("10")})
    v2 = services.template_publish(actor=coo, template=template, change_note="加重地面")
    new_run = services.run_start(actor=manager, store=ops["a1"], template=template)
    answer_all(old_run, manager, items_of_version_map(v1), failing={"PF"})
    answer_all(new_run, manager, items_of_version_map(v2), failing={"PF"})
    old_run = services.run_complete(actor=manager, run=old_run, signed_by_name="王")
    new_run = services.run_complete(actor=manager, run=new_run, signed_by_name="王")
    # then: v1 run scored with weight 2 -> (0.75 + 1 + 1 + 1) / 6; v2 run with weight 10 -> 3.75 / 14
    assert (old_run.template_version_id, new_run.template_version_id) == (v1.pk, v2.pk)
    assert (v2.number, template.versions.get(pk=v1.pk).status) == (2, "retired")
    assert old_run.score == Decimal("62.5")
    assert new_run.score == Decimal("26.8")


def items_of_version(template, status):
    from opsdesk.storeops.models import TemplateItem

    return list(TemplateItem.objects.filter(section__version__template=template, section__version__status=status))


def items_of_version_map(version):
    from opsdesk.storeops.models import TemplateItem

    return {i.code: i for i in TemplateItem.objects.filter(section__version=version)}


def test_published_items_are_frozen(ops, template):
    # given: an item of the published version
    item = items_of(template)["PF"]
    services.template_draft(actor=ops["coo"], template=template)
    # when / then
    with pytest.raises(ValidationError):
        services.item_save(actor=ops["coo"], template=template, item=item, data={"weight": Decimal("5")})
    item.refresh_from_db()
    assert item.weight == Decimal("2")


def test_store_manager_cannot_inspect_another_store(ops, template):
    # given / when / then
    with pytest.raises(PermissionDenied):
        services.run_start(actor=ops["manager"], store=ops["b1"], template=template)
    assert InspectionRun.objects.count() == 0


def test_auditor_cannot_start_or_answer(ops, template):
    # given
    run = services.run_start(actor=ops["manager"], store=ops["a1"], template=template)
    # when / then
    with pytest.raises(PermissionDenied):
        services.run_start(actor=ops["auditor"], store=ops["a1"], template=template)
    with pytest.raises(PermissionDenied):
        services.answer_save(actor=ops["auditor"], run=run, item=items_of(template)["PF"], data={"is_pass": True})
    assert InspectionAnswer.objects.count() == 0


def _failed_action(ops, template, actor=None):
    actor = actor or ops["manager"]
    run = services.run_start(actor=actor, store=ops["a1"], template=template)
    answer_all(run, actor, items_of(template), failing={"PF"})
    services.run_complete(actor=actor, run=run, signed_by_name="王")
    return CorrectiveAction.objects.get(finding__run=run)


def test_owner_progresses_and_supervisor_verifies(ops, template):
    # given: an action owned by the store manager
    action = _failed_action(ops, template)
    # when: the owner marks it done, the staff member (not owner) tries, the supervisor verifies
    services.action_progress(actor=ops["manager"], action=action, status="done", resolution_note="已拖地")
    with pytest.raises(PermissionDenied):
        services.action_verify(actor=ops["manager"], action=action, approve=True)
    services.action_verify(actor=ops["supervisor"], action=action, approve=True, note="现场确认")
    # then
    action.refresh_from_db()
    assert action.status == ActionStatusChoices.VERIFIED
    assert action.verified_by == ops["supervisor"]
    assert "现场确认" in action.resolution_note


@pytest.mark.parametrize("owner_key", ["supplier", "manager_b"])
def test_an_owner_who_may_not_see_the_store_is_refused(ops, owner_key):
    # given: a supplier-portal account of the company, and the manager of another region's store
    from opsdesk.storeops.forms import CorrectiveActionForm

    ops["supplier"] = make_user(R.SUPPLIER, company=ops["company"], username="supplier-portal")
    owner = ops[owner_key]
    # when
    with pytest.raises(ValidationError) as error:
        services.action_create(actor=ops["supervisor"], store=ops["a1"], data={
            "title": "补齐价签", "owner": owner, "due_date": date(2030, 1, 1)})
    choices = CorrectiveActionForm(user=ops["supervisor"]).fields["owner"].queryset
    # then
    assert list(error.value.message_dict) == ["owner"]
    assert CorrectiveAction.objects.count() == 0
    assert owner not in choices
    assert {ops["manager"], ops["staff"], ops["supervisor"]} <= set(choices)


def test_staff_updates_only_their_own_actions(ops, template):
    # given: one action owned by staff, one by the manager
    own = _failed_action(ops, template)
    services.action_update(actor=ops["supervisor"], action=own, data={"owner": ops["staff"]})
    other = _failed_action(ops, template)
    # when
    services.action_progress(actor=ops["staff"], action=own, status="in_progress")
    with pytest.raises(PermissionDenied):
        services.action_progress(actor=ops["staff"], action=other, status="in_progress")
    # then
    assert CorrectiveAction.objects.get(pk=own.pk).status == "in_progress"
    assert CorrectiveAction.objects.get(pk=other.pk).status == "open"


def test_verify_only_done_actions(ops, template):
    # given
    action = _failed_action(ops, template)
    # when / then
    with pytest.raises(ValidationError):
        services.action_verify(actor=ops["supervisor"], action=action, approve=True)
    assert CorrectiveAction.objects.get(pk=action.pk).status == "open"


def test_stock_check_lists_out_and_low_skus(ops, template):
    # given: three SKUs with 28 days of sales of 2/day; on hand 0 (out), 4 (2 days: low), 100 (50 days: fine)
    from opsdesk.catalog.models import Product
    from opsdesk.inventory.models import StockSnapshot
    from opsdesk.sales.models import SkuDaySales

    last = date(2025, 3, 31)
    products = [Product.objects.create(company=ops["company"], sku=f"SKU{i}", name=f"商品{i}", cost=1, price=2)
                for i in range(3)]
    for product, on_hand in zip(products, [0, 4, 100], strict=True):
        StockSnapshot.objects.create(store=ops["a1"], product=product, date=last, on_hand=on_hand)
        SkuDaySales.objects.bulk_create(
            SkuDaySales(store=ops["a1"], product=product, date=last - timedelta(days=d), quantity=2)
            for d in range(28))
    # when: the shelf item fails
    run = services.run_start(actor=ops["manager"], store=ops["a1"], template=template)
    answer_all(run, ops["manager"], items_of(template), failing={"STK"})
    services.run_complete(actor=ops["manager"], run=run, signed_by_name="王")
    # then
    check = StockCheck.objects.get(run=run)
    lines = [(line.product.sku, line.reason, line.on_hand, line.daily_rate, line.days_of_cover)
             for line in check.lines.order_by("product__sku")]
    assert check.snapshot_date == last
    assert lines == [("SKU0", "out", Decimal("0"), Decimal("2"), Decimal("0")),
                     ("SKU1", "low", Decimal("4"), Decimal("2"), Decimal("2"))]


def test_repeated_service_failures_suggest_training(ops, template):
    # given / when: the service item fails in three runs
    for _n in range(3):
        run = services.run_start(actor=ops["manager"], store=ops["a1"], template=template)
        answer_all(run, ops["manager"], items_of(template), failing={"SC"})
        services.run_complete(actor=ops["manager"], run=run, signed_by_name="王")
    # then: one open suggestion counting three failures
    suggestion = TrainingSuggestion.objects.get()
    assert (suggestion.store, suggestion.item_code, suggestion.failure_count, suggestion.status) == (
        ops["a1"], "SC", 3, "open")


def test_weekly_region_schedule_generates_due_runs_once(ops, template):
    # given: a weekly patrol of region east due on Wednesday, assigned to supervisors
    schedule = services.schedule_create(actor=ops["regional"], data={
        "template": template, "region": ops["east"], "frequency": "weekly", "weekday": 2,
        "assignee_role": "supervisor", "start_date": date(2025, 1, 1)})
    friday = date(2025, 3, 7)
    # when
    first = services.schedules_generate_runs(today=friday)
    again = services.schedules_generate_runs(today=friday)
    due = list(selectors.inspections_due_for_user(user=ops["supervisor"], today=friday))
    next_week = services.schedules_generate_runs(today=friday + timedelta(days=7))
    # then: one run per store of the region, overdue since Wednesday; the unstarted ones become missed
    assert (first, again, next_week) == (2, 0, 2)
    assert sorted(run.store.code for run in due) == ["A1", "A2"]
    assert all(run.due_date == date(2025, 3, 5) and run.is_overdue for run in due)
    assert InspectionRun.objects.filter(schedule=schedule, status="missed").count() == 2
    assert list(selectors.inspections_due_for_user(user=ops["manager"], today=friday)) == []


def test_compliance_reminder_is_sent_once_per_expiry(ops):
    # given: a licence expiring in 10 days with a 30-day reminder window
    today = date(2025, 6, 1)
    specs.compliance.create(actor=ops["manager"], data={
        "store": ops["a1"], "kind": "food_licence", "name": "食品经营许可证", "expiry_date": today + timedelta(days=10),
        "reminder_days": 30})
    # when
    first = services.compliance_send_reminders(today=today)
    second = services.compliance_send_reminders(today=today + timedelta(days=1))
    # then
    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["sm@example.com", "sup@example.com"]


def test_maintenance_request_in_scope_only(ops):
    # given / when
    request = specs.maintenance.create(actor=ops["staff"], data={
        "store": ops["a1"], "title": "冷柜不制冷", "equipment": "冷藏柜", "priority": "high"})
    # then: a store out of scope is a field error; staff may report but not change
    assert request.reported_by == ops["staff"]
    with pytest.raises(ValidationError) as error:
        specs.maintenance.create(actor=ops["staff"], data={"store": ops["b1"], "title": "x", "equipment": "y"})
    assert list(error.value.message_dict) == ["store"]
    with pytest.raises(PermissionDenied):
        specs.maintenance.update(actor=ops["staff"], instance=request, data={"status": "done"})
