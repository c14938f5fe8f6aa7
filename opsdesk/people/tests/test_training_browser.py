"""Browser test: a supervisor runs a training session (enrols two trainees, confirms, shows the QR code), the two
trainees check in on their phones (390 px) through the QR code's page, take the test and give feedback, the
supervisor closes the session, and the quarter's "trainings held" on the plan page moves from n to n + 1."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.browser import browser_context, screenshot, sign_in  # noqa: F401
from opsdesk.people.models import Employee
from opsdesk.people.models.training import Enrolment, TrainingProgramme, TrainingQuestion, TrainingSession

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-pass-2026"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def training(transactional_db):
    company = Company.objects.create(code="TR", name="培训测试连锁")
    region = Region.objects.create(company=company, code="E", name="华东区")
    store = Store.objects.create(company=company, region=region, code="SH020", name="上海徐汇店", city="上海")
    supervisor = User.objects.create_user("supervisor_tr", password=PASSWORD, role="supervisor", company=company,
                                          language="zh-hans", first_name="督导")
    supervisor.scope_stores.set([store])
    trainees = []
    for number in (1, 2):
        user = User.objects.create_user(f"trainee_{number}", password=PASSWORD, role="staff", company=company,
                                        language="zh-hans")
        user.scope_stores.set([store])
        trainees.append(Employee.objects.create(company=company, employee_no=f"TR-00{number}",
                                                name=f"学员{number}", store=store, user=user))
    programme = TrainingProgramme.objects.create(company=company, code="SVC", name="服务态度与礼仪",
                                                 topic="service_attitude", duration_hours=2, pass_mark=50)
    TrainingQuestion.objects.create(programme=programme, order=1, text="顾客进店时应该？",
                                    choices="主动问候\n低头整理货架", correct_choice=1)
    starts = timezone.now() - timedelta(minutes=15)
    # A session held earlier this quarter, so n is not simply 0.
    TrainingSession.objects.create(company=company, programme=programme, store=store, status="held",
                                   starts_at=starts - timedelta(hours=3), ends_at=starts - timedelta(hours=1))
    session = TrainingSession.objects.create(company=company, programme=programme, store=store, place="二楼培训室",
                                             starts_at=starts, ends_at=starts + timedelta(hours=2),
                                             trainer=supervisor)
    return {"session": session, "trainees": trainees}


def _checkin_on_phone(browser, base_url: str, username: str, url: str, answer: str) -> int:
    phone = browser.new_context(base_url=base_url, viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = phone.new_page()
    sign_in(page, username, PASSWORD)
    page.goto(url)
    page.click("#checkin-submit")
    page.wait_for_load_state("networkidle")
    assert "签到成功" in page.locator("main").inner_text()
    page.click(f"#test-form label[for$='_{answer}']")
    page.click("#test-submit")
    page.wait_for_load_state("networkidle")
    page.click("label[for=rating_5]")
    page.fill("textarea[name=text]", "案例很实用")
    page.click("#feedback-submit")
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert page.locator("#feedback-done").count() == 1
    screenshot(page, f"training-checkin-{username}")
    phone.close()
    return width


def test_supervisor_runs_a_session_trainees_check_in_by_qr_and_q4_held_moves(training, browser_context,  # noqa: F811
                                                                             live_server):
    session = training["session"]
    quarter = (timezone.localdate().month - 1) // 3 + 1
    supervisor = browser_context.new_page()
    sign_in(supervisor, "supervisor_tr", PASSWORD)

    # given: the plan page's held count for this quarter
    supervisor.goto("/people/training/plan/")
    held_before = int(supervisor.locator(f"#held-q{quarter}").inner_text())

    # when: the supervisor enrols the two trainees, confirms the session and shows the QR code
    supervisor.goto(f"/people/training/sessions/{session.pk}/")
    supervisor.select_option("#enrol-form select[name=employee]", [str(e.pk) for e in training["trainees"]])
    supervisor.click("#enrol-submit")
    supervisor.wait_for_load_state("networkidle")
    supervisor.click("#session-confirm")
    supervisor.wait_for_load_state("networkidle")
    assert supervisor.locator("#session-qr svg").count() == 1
    checkin_url = supervisor.locator("#checkin-url").get_attribute("href")
    screenshot(supervisor, "training-session-qr")

    # and: both trainees scan it on their phones, check in, answer and rate
    widths = [_checkin_on_phone(browser_context.browser, live_server.url, employee.user.username, checkin_url,
                                answer) for employee, answer in zip(training["trainees"], ("1", "2"), strict=True)]

    # then: the roster shows two attended, and the supervisor closes the session
    supervisor.reload()
    assert "出席 2 人" in supervisor.locator("#session-attended").inner_text()
    supervisor.click("#session-close")
    supervisor.wait_for_load_state("networkidle")
    assert supervisor.locator("#session-status").inner_text() == "已举办"

    # and: the quarter's held count moved by one
    supervisor.goto("/people/training/plan/")
    assert int(supervisor.locator(f"#held-q{quarter}").inner_text()) == held_before + 1
    screenshot(supervisor, "training-plan")
    assert all(width <= PHONE["width"] for width in widths)
    scores = dict(Enrolment.objects.filter(session=session).values_list("employee__name", "test_score"))
    assert scores == {"学员1": 100, "学员2": 0}
