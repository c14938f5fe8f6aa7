"""The skills demo builder on a small store ladder: every working employee is assessed on their position's and the
next position's required skills, levels stay 1-5, key positions are marked and plans get actions."""

from datetime import date

import pytest

from opsdesk.core.demo.names import POSITIONS
from opsdesk.core.testing.factories import EmployeeFactory
from opsdesk.people.demo.skills import KEY_POSITIONS, build
from opsdesk.people.models import Position
from opsdesk.people.models.skills import DevelopmentAction, DevelopmentPlan, EmployeeSkill, PositionSkill

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)


def test_demo_build(org):
    # given: the demo store ladder and a few employees at a1 and b1
    positions = {code: Position.objects.create(company=org.company, code=code, name=name, level=level, track=track)
                 for code, name, level, track, _next in POSITIONS}
    for code, _name, _level, _track, next_code in POSITIONS:
        if next_code:
            positions[code].next_position = positions[next_code]
            positions[code].save(update_fields=["next_position"])
    staff = [EmployeeFactory(store=org.stores[store], position=positions[code], status="active")
             for store in ("a1", "b1") for code in ("CLERK", "CLERK", "SECTION_LEAD", "ASSISTANT_MANAGER",
                                                    "STORE_MANAGER")]
    gone = EmployeeFactory(store=org.stores["a1"], position=positions["CLERK"], status="left")
    # when
    counts = build(org.company, TODAY)
    # then
    assert counts["skills"] == 28
    assert counts["plans"] == 2
    assert counts["actions"] == 6
    assert counts["assessments"] == EmployeeSkill.objects.filter(employee__company=org.company).count()
    assert set(Position.objects.filter(company=org.company, is_key=True, code__in=KEY_POSITIONS)
               .values_list("code", flat=True)) == set(KEY_POSITIONS)
    for employee in staff:
        wanted = set(PositionSkill.objects.filter(position__in=[employee.position, employee.position.next_position])
                     .values_list("skill_id", flat=True))
        assert set(employee.skill_assessments.values_list("skill_id", flat=True)) == wanted
    assert not gone.skill_assessments.exists()
    assert set(EmployeeSkill.objects.values_list("level", flat=True)) <= {1, 2, 3, 4, 5}
    assert DevelopmentPlan.objects.filter(employee__position__code="ASSISTANT_MANAGER").count() == 2
    assert DevelopmentAction.objects.filter(plan__employee__company=org.company).count() == 6
