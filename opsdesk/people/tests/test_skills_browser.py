"""Browser test: a supervisor opens the skills matrix, the succession view and an employee's readiness on the demo
store ladder (skills from the demo builder)."""

from datetime import date

import pytest

from opsdesk.core.demo.names import POSITIONS
from opsdesk.core.testing.browser import browser_context, screenshot, sign_in  # noqa: F401
from opsdesk.core.testing.factories import EmployeeFactory
from opsdesk.people.demo.skills import build
from opsdesk.people.models import Position

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_reads_matrix_and_succession(browser_context):  # noqa: F811
    from opsdesk.core.testing.org import build_org

    # given: the demo store ladder at stores a1 and a2, skills from the demo builder
    org = build_org()
    positions = {code: Position.objects.create(company=org.company, code=code, name=name, level=level, track=track)
                 for code, name, level, track, _next in POSITIONS}
    for code, _name, _level, _track, next_code in POSITIONS:
        if next_code:
            Position.objects.filter(pk=positions[code].pk).update(next_position=positions[next_code])
    for store in ("a1", "a2"):
        for number, code in enumerate(("CLERK", "CLERK", "CLERK", "SECTION_LEAD", "ASSISTANT_MANAGER",
                                       "STORE_MANAGER")):
            EmployeeFactory(store=org.stores[store], position=positions[code], name=f"员工{store}{number}",
                            position_since=date(2023, 1, 1 + number))
    build(org.company, date.today())
    supervisor = org.users["supervisor"]
    supervisor.set_password("skills-pass-1")
    supervisor.save()
    page = browser_context.new_page()
    sign_in(page, supervisor.username, "skills-pass-1")
    # when
    page.goto("/people/skills/matrix/")
    # then: six rows of a1, coloured cells
    assert page.locator("#skills-matrix tbody tr").count() == 7  # six plus the org's own a1 employee
    assert page.locator("#skills-matrix td.tone-met").count() > 0
    screenshot(page, "skills-matrix")
    page.goto("/people/skills/succession/")
    assert page.locator(".succession-position").count() == 7  # 4 of the store ladder, 3 of the operations ladder
    screenshot(page, "skills-succession")
    page.goto("/people/skills/gaps/")
    assert page.locator("#gap-report tbody tr").count() > 0
    screenshot(page, "skills-gaps")
