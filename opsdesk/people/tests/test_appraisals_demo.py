"""The appraisal demo builder on the shared organisation: two quarterly cycles, the older closed and signed, the
recent one in progress; templates that add up; idempotent."""

from __future__ import annotations

from datetime import date

from opsdesk.people.demo import appraisals as demo
from opsdesk.people.models import Employee
from opsdesk.people.models.appraisals import Appraisal, AppraisalCycle, AppraisalTemplate


def test_last_two_quarters_before_the_demo_day():
    assert demo.last_two_quarters(date(2026, 12, 3)) == [(date(2026, 4, 1), date(2026, 6, 30)),
                                                         (date(2026, 7, 1), date(2026, 9, 30))]
    assert demo.last_two_quarters(date(2027, 1, 1)) == [(date(2026, 7, 1), date(2026, 9, 30)),
                                                        (date(2026, 10, 1), date(2026, 12, 31))]


def test_demo_builds_two_cycles_for_the_active_employees(org):
    # when
    counts = demo.build(org.company, date(2026, 12, 3))
    # then
    active = Employee.objects.filter(company=org.company, status="active").count()
    older, recent = AppraisalCycle.objects.filter(company=org.company).order_by("period_end")
    assert counts == {"cycles": 2, "appraisals": 2 * active, "peer_answers": counts["peer_answers"]}
    assert (older.name, older.status) == ("2026年第2季度绩效考核", "closed")
    assert (recent.name, recent.status) == ("2026年第3季度绩效考核", "open")
    done = Appraisal.objects.filter(cycle=older)
    assert done.count() == active
    assert not done.exclude(status="done").exists()
    assert not done.filter(final_rating__isnull=True).exists()
    assert not done.filter(employee_signed_at__isnull=True).exists()
    assert all(template.weight_problems() == [] for template in AppraisalTemplate.objects.filter(company=org.company))
    assert Appraisal.objects.filter(cycle=recent).count() == active
    # and a second run adds nothing
    assert demo.build(org.company, date(2026, 12, 3)) == {"cycles": 0, "appraisals": 0}
