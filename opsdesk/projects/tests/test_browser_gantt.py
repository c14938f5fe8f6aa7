"""Browser test: a supervisor drags a task on the Gantt; the server moves its dependents and the page redraws the
critical path through the dragged task."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.browser import browser_context, screenshot, sign_in  # noqa: F401
from opsdesk.projects.models import Dependency, Project, Task

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-pass-2026"


@pytest.fixture
def project(transactional_db):
    """The textbook network A(3) -> B(2, lag 1) -> D(4); A -> C(5) -> D; D -> M (milestone, lag 2), from today."""
    company = Company.objects.create(code="PJ", name="项目测试连锁")
    region = Region.objects.create(company=company, code="E", name="华东区")
    store = Store.objects.create(company=company, region=region, code="SH030", name="上海静安店", city="上海")
    user = User.objects.create_user("supervisor_pj", password=PASSWORD, role="supervisor", company=company,
                                    language="zh-hans")
    user.scope_stores.set([store])
    start = date.today()
    project = Project.objects.create(company=company, code="P-1", name="收银排队改进", store=store, region=region,
                                     start_date=start, status="active")
    rows = [("A", 0, 3), ("B", 4, 2), ("C", 3, 5), ("D", 8, 4), ("M", 14, 0)]
    tasks = [Task.objects.create(project=project, name=name, start_date=start + timedelta(days=offset),
                                 finish_date=start + timedelta(days=offset + max(duration - 1, 0)),
                                 is_milestone=duration == 0, position=index)
             for index, (name, offset, duration) in enumerate(rows)]
    for predecessor, successor, lag in ((0, 1, 1), (0, 2, 0), (1, 3, 0), (2, 3, 0), (3, 4, 2)):
        Dependency.objects.create(predecessor=tasks[predecessor], successor=tasks[successor], lag_days=lag)
    return project


def _critical(page) -> list[str]:
    return sorted(page.eval_on_selector_all(".bar-wrapper[class*='-critical']",
                                            "nodes => nodes.map(node => node.dataset.id)"))


def test_dragging_a_task_moves_its_dependents_and_redraws_the_critical_path(project, browser_context):  # noqa: F811
    # given
    tasks = {task.name: task for task in project.tasks.all()}
    start = project.start_date
    page = browser_context.new_page()
    sign_in(page, "supervisor_pj", PASSWORD)
    page.goto(f"/projects/projects/{project.pk}/gantt/")
    page.wait_for_selector(f".bar-wrapper[data-id='{tasks['B'].pk}'] .bar")
    assert _critical(page) == sorted(str(tasks[name].pk) for name in ("A", "C", "D", "M"))
    # one day in pixels: the Day view's column width
    day = page.evaluate("window.opsdeskGantt.config.column_width")
    bar = page.locator(f".bar-wrapper[data-id='{tasks['B'].pk}'] .bar").bounding_box()

    # when B (2 days of float) is dragged 4 days later
    x, y = bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(x + day * 4 * step / 8, y)
    page.mouse.up()
    page.wait_for_function("() => document.getElementById('gantt').dataset.critical.split(',').length === 3"
                           " && !document.getElementById('gantt').dataset.busy")

    # then B moved 4 days, D and M 2 (D now waits for B), A and C stayed; the critical path runs through B
    dates = {task.name: (task.start_date - start).days for task in project.tasks.all()}
    assert dates == {"A": 0, "B": 8, "C": 3, "D": 10, "M": 16}
    assert _critical(page) == sorted(str(tasks[name].pk) for name in ("B", "D", "M"))
    assert page.get_attribute("#gantt", "data-critical").split(",") == [
        str(tasks[name].pk) for name in ("B", "D", "M")]
    assert page.inner_text("#gantt-finish") == (start + timedelta(days=16)).isoformat()
    screenshot(page, "projects-gantt-after-drag")
