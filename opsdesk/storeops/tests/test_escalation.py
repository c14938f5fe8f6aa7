"""Escalation timing: an overdue action climbs supervisor (1 day) -> regional manager (3) -> COO (7)."""

from datetime import date, datetime, timedelta

import time_machine
from django.utils import timezone

from opsdesk.storeops import services
from opsdesk.storeops.models import ActionEscalation, CorrectiveAction

DUE = date(2025, 3, 10)


def _at(day: date, hour: int = 9):
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def _action(ops, store_key="a1"):
    return services.action_create(actor=ops["coo"], store=ops[store_key], data={
        "title": "补齐价签", "owner": ops["manager"] if store_key == "a1" else ops["manager_b"], "due_date": DUE})


def test_escalation_follows_the_time_rule(ops):
    # given
    action = _action(ops)
    levels = {}
    # when: the job runs each morning from the due date to 8 days later
    for offset in range(0, 9):
        with time_machine.travel(_at(DUE + timedelta(days=offset)), tick=False):
            services.actions_escalate_overdue()
        action.refresh_from_db()
        levels[offset] = (action.escalation_level, action.escalated_to.username if action.escalated_to else None)
    # then
    assert levels[0] == (0, None)
    assert levels[1] == levels[2] == (1, "supervisor")
    assert levels[3] == levels[6] == (2, "regional")
    assert levels[7] == levels[8] == (3, "coo")
    assert list(ActionEscalation.objects.filter(action=action).values_list("level", "days_overdue")) == [
        (1, 1), (2, 3), (3, 7)]


def test_escalation_is_idempotent_and_stops_when_done(ops):
    # given: an action two days overdue, escalated once
    action = _action(ops)
    with time_machine.travel(_at(DUE + timedelta(days=2)), tick=False):
        first = services.actions_escalate_overdue()
        again = services.actions_escalate_overdue()
    services.action_progress(actor=ops["manager"], action=action, status="done")
    # when: a week later the action is done
    with time_machine.travel(_at(DUE + timedelta(days=9)), tick=False):
        later = services.actions_escalate_overdue()
    # then
    assert (first, again, later) == (1, 0, 0)
    assert CorrectiveAction.objects.get(pk=action.pk).escalation_level == 1


def test_missing_levels_are_passed_over_upward(ops):
    # given: store b1 (region south) has no supervisor and no regional manager
    action = _action(ops, "b1")
    # when: one day overdue
    with time_machine.travel(_at(DUE + timedelta(days=1)), tick=False):
        steps = services.actions_escalate_overdue()
    # then: it goes straight to the COO, who gets a mail
    from django.core import mail

    action.refresh_from_db()
    assert steps == 1
    assert (action.escalation_level, action.escalated_to) == (3, ops["coo"])
    assert [m.to for m in mail.outbox] == [["coo@example.com"]]


def test_a_new_due_date_restarts_escalation(ops):
    # given: an escalated action
    action = _action(ops)
    with time_machine.travel(_at(DUE + timedelta(days=4)), tick=False):
        services.actions_escalate_overdue()
        # when: the supervisor grants a new due date
        action = services.action_update(actor=ops["supervisor"], action=action,
                                        data={"due_date": DUE + timedelta(days=10)})
    # then
    assert (action.escalation_level, action.escalated_to) == (0, None)
    assert ActionEscalation.objects.filter(action=action).count() == 0
