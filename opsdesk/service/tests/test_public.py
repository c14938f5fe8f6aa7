"""The public pages of customer service: a store's feedback page, the tracking and rating page, surveys, and the
staff pages around them (photo, QR code)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from opsdesk.service import services
from opsdesk.service.choices import QuestionKindChoices, SurveyKindChoices, TicketStatusChoices
from opsdesk.service.models import (
    CsatRequest,
    FeedbackLink,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Ticket,
    TicketCategory,
)
from opsdesk.service.views.public import ADDRESS_LIMIT

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The rate-limit counters live in the cache, which outlives a test's database savepoint."""
    caches["shared"].clear()
    yield
    caches["shared"].clear()


@pytest.fixture
def link(org) -> FeedbackLink:
    return services.feedback_link_for(org.stores["a1"])


def _feedback_url(link: FeedbackLink) -> str:
    return reverse("service:public_feedback", args=[link.token])


def _post_feedback(client, link, address: str = "203.0.113.7", **overrides):
    data = {"type": "complaint", "title": "酸奶是温的", "description": "冷柜坏了", "rating": "2"}
    data.update(overrides)
    return client.post(_feedback_url(link), data, REMOTE_ADDR=address)


def _jpeg_bytes(size=(32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _handled_ticket(link, *, status=TicketStatusChoices.RESOLVED, title="A 的工单") -> tuple[Ticket, str]:
    ticket, token = services.public_ticket_create(link=link, data={"title": title})
    ticket.status, ticket.resolution = status, "已更换冷柜"
    ticket.save(update_fields=["status", "resolution"])
    return ticket, token


# --------------------------------------------------------------------------------------------- feedback page


def test_feedback_page_shows_the_form_without_staff_navigation(client, link):
    # when
    response = client.get(_feedback_url(link))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="feedback-form"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="website"' in page
    assert "上海一店" in page
    assert 'id="mainnav"' not in page
    assert 'name="viewport"' in page


def test_unknown_or_inactive_token_answers_404(client, link, org):
    # given
    inactive = services.feedback_link_for(org.stores["a2"])
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    # when
    unknown = client.get(reverse("service:public_feedback", args=["no-such-token"]))
    retired = client.get(_feedback_url(inactive))
    posted = _post_feedback(client, inactive)
    # then
    assert unknown.status_code == 404
    assert retired.status_code == 404
    assert posted.status_code == 404
    assert Ticket.objects.count() == 0


def test_feedback_creates_a_ticket_and_shows_number_and_tracking_link(client, link, org):
    # when
    response = _post_feedback(client, link, customer_phone="13800000000")
    # then
    ticket = Ticket.objects.get()
    page = response.content.decode()
    tracking = CsatRequest.objects.get(ticket=ticket)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert ticket.store == org.stores["a1"]
    assert (ticket.channel, ticket.type, ticket.title, ticket.rating) == ("qr", "complaint", "酸奶是温的", 2)
    assert ticket.customer_phone == "13800000000"
    assert f'<strong id="ticket-number">{ticket.number}</strong>' in page
    token = page.split('id="tracking-link">http://testserver/service/r/')[1].split("/")[0]
    assert CsatRequest.hash_token(token) == tracking.token_hash


def test_feedback_with_photo_stores_a_reencoded_jpeg_the_staff_can_open(client, link, login, org):
    # given
    photo = SimpleUploadedFile("evil.png", _jpeg_bytes((2400, 1200)), content_type="image/png")
    # when
    response = client.post(_feedback_url(link), {"type": "complaint", "title": "地面湿滑", "photo": photo})
    # then
    ticket = Ticket.objects.get()
    assert response.status_code == 200
    assert ticket.photo.name.startswith("service/photos/")
    assert ticket.photo.name.endswith(".jpg")
    with Image.open(ticket.photo.path) as stored:
        assert (stored.format, stored.size) == ("JPEG", (1600, 800))
    # when: the store manager opens it; the signed-out client cannot
    client.logout()
    anonymous = client.get(reverse("service:ticket_photo", args=[ticket.pk]))
    served = login(org.users["store_manager"]).get(reverse("service:ticket_photo", args=[ticket.pk]))
    # then
    assert anonymous.status_code == 302
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_a_file_that_is_not_an_image_is_refused(client, link):
    # given
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>" * 10, content_type="image/jpeg")
    # when
    response = client.post(_feedback_url(link), {"type": "complaint", "title": "假照片", "photo": fake})
    # then
    assert response.status_code == 200
    assert "文件不是有效的图片。" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_description_over_4000_characters_is_refused(client, link):
    # when
    response = _post_feedback(client, link, description="长" * 4001)
    # then
    assert response.status_code == 200
    assert 'id="feedback-form"' in response.content.decode()
    assert Ticket.objects.count() == 0


def test_category_of_another_company_is_refused(client, link, org):
    # given
    services.company_defaults_ensure(org.other_company.pk)
    services.company_defaults_ensure(org.company.pk)
    foreign = TicketCategory.objects.get(company=org.other_company, code="hygiene")
    own = TicketCategory.objects.get(company=org.company, code="hygiene")
    # when
    refused = _post_feedback(client, link, category=str(foreign.pk))
    accepted = _post_feedback(client, link, category=str(own.pk), address="203.0.113.8")
    # then
    assert refused.status_code == 200
    assert accepted.status_code == 200
    assert list(Ticket.objects.values_list("category_id", flat=True)) == [own.pk]


def test_sixth_post_from_one_address_answers_429_and_stores_nothing(client, link):
    # given: five tickets from one address
    for number in range(ADDRESS_LIMIT[0]):
        assert _post_feedback(client, link, title=f"第 {number} 条").status_code == 200
    # when
    response = _post_feedback(client, link, title="第六条")
    other_address = _post_feedback(client, link, title="另一位顾客", address="198.51.100.1")
    # then
    assert response.status_code == 429
    assert "提交次数过多，请稍后再试。" in response.content.decode()
    assert other_address.status_code == 200
    assert Ticket.objects.count() == 6
    assert not Ticket.objects.filter(title="第六条").exists()


def test_store_limit_answers_429_across_addresses(client, link, monkeypatch):
    # given: a store limit of 2 per hour
    monkeypatch.setattr("opsdesk.service.views.public.STORE_LIMIT", (2, 3600))
    _post_feedback(client, link, address="198.51.100.1")
    _post_feedback(client, link, address="198.51.100.2")
    # when
    response = _post_feedback(client, link, address="198.51.100.3")
    # then
    assert response.status_code == 429
    assert Ticket.objects.count() == 2


def test_oversize_body_answers_413_and_stores_nothing(client, link):
    # given: a 13 MB upload
    big = SimpleUploadedFile("big.jpg", b"\xff" * (13 * 1024 * 1024), content_type="image/jpeg")
    # when
    response = client.post(_feedback_url(link), {"type": "complaint", "title": "大文件", "photo": big})
    # then
    assert response.status_code == 413
    assert "提交的内容超过 12 MB，请缩小照片后重试。" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_csrf_stays_on_for_the_public_form(link):
    # given
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    # when
    response = strict.post(_feedback_url(link), {"type": "complaint", "title": "无令牌"})
    # then
    assert response.status_code == 403
    assert Ticket.objects.count() == 0


def test_script_in_text_renders_escaped_on_thank_you_and_staff_pages(client, link, login, org):
    # when
    thanks = _post_feedback(client, link, title=SCRIPT, description=SCRIPT, customer_name=SCRIPT)
    ticket = Ticket.objects.get()
    staff = login(org.users["store_manager"]).get(ticket.get_absolute_url())
    # then
    assert ticket.title == SCRIPT
    assert thanks.status_code == 200
    assert ESCAPED in thanks.content.decode()
    assert SCRIPT not in thanks.content.decode()
    assert staff.status_code == 200
    assert ESCAPED in staff.content.decode()
    assert SCRIPT not in staff.content.decode()


def test_honeypot_filled_answers_the_thank_you_page_and_stores_nothing(client, link):
    # when
    response = _post_feedback(client, link, website="http://spam.example")
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="thanks"' in page
    assert 'id="tracking-link"' in page
    assert Ticket.objects.count() == 0
    assert CsatRequest.objects.count() == 0


# --------------------------------------------------------------------------------------------- tracking and rating


def test_tracking_page_shows_only_its_own_ticket(client, link, org):
    # given: tickets A and B at the same store, with staff and another ticket's text around
    ticket_a, _token_a = _handled_ticket(link, title="A 的秘密标题")
    ticket_b, token_b = services.public_ticket_create(link=link, data={"title": "B 的标题", "customer_name": "李四"})
    # when
    response = client.get(reverse("service:public_csat", args=[token_b]))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<dd class="col-8" id="ticket-number">{ticket_b.number}</dd>' in page
    assert '<dd class="col-8" id="ticket-status">新建</dd>' in page
    assert ticket_a.number not in page
    assert "A 的秘密标题" not in page
    assert "已更换冷柜" not in page
    assert "上海一店" not in page
    assert "李四" not in page
    assert org.users["store_manager"].display_name not in page
    assert 'id="csat-form"' not in page
    assert 'id="csat-pending"' in page


def test_unknown_tracking_token_answers_404(client, db):
    # when
    response = client.get(reverse("service:public_csat", args=["unknown-token"]))
    # then
    assert response.status_code == 404


def test_staff_pages_redirect_an_anonymous_respondent_to_login(client, link):
    # given
    ticket, _token = services.public_ticket_create(link=link, data={"title": "匿名"})
    login_url = reverse("core:login")
    # when
    answers = [client.get(url) for url in (ticket.get_absolute_url(), reverse("service:ticket_list"),
                                           reverse("service:store_qr", args=[link.store_id]))]
    rotated = client.post(reverse("service:store_qr_rotate", args=[link.store_id]))
    # then
    assert [answer.status_code for answer in answers] == [302, 302, 302]
    assert all(answer["Location"].startswith(login_url) for answer in answers)
    assert rotated.status_code == 302
    assert rotated["Location"].startswith(login_url)
    assert FeedbackLink.objects.get(pk=link.pk).token == link.token


def test_rating_a_resolved_ticket_once_per_link(client, link):
    # given
    ticket, token = _handled_ticket(link)
    url = reverse("service:public_csat", args=[token])
    # when
    first = client.post(url, {"score": "4", "comment": "很快"})
    second = client.post(url, {"score": "1"})
    # then
    request = CsatRequest.objects.get(ticket=ticket)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "此链接已经评价过，谢谢。" in second.content.decode()
    assert (request.score, request.comment) == (4, "很快")
    assert ticket.events.filter(text="顾客评分：4/5").count() == 1
    assert ticket.events.filter(text__startswith="顾客评分").count() == 1
    assert 'id="csat-done"' in client.get(url).content.decode()


def test_rating_through_the_closing_link_shown_to_staff(client, link, org):
    # given: the ticket closed by the store manager, who gets a fresh CSAT link
    ticket, _tracking = _handled_ticket(link)
    ticket, closing = services.ticket_transition(actor=org.users["store_manager"], ticket=ticket,
                                                 status=TicketStatusChoices.CLOSED)
    # when
    response = client.post(reverse("service:public_csat", args=[closing]), {"score": "5"})
    # then
    assert response.status_code == 302
    assert CsatRequest.objects.get(token_hash=CsatRequest.hash_token(closing)).score == 5


def test_an_open_ticket_cannot_be_rated(client, link):
    # given
    ticket, token = services.public_ticket_create(link=link, data={"title": "还在处理"})
    # when
    response = client.post(reverse("service:public_csat", args=[token]), {"score": "5"})
    # then
    assert response.status_code == 200
    assert "工单处理完毕后才能评价。" in response.content.decode()
    assert CsatRequest.objects.get(ticket=ticket).answered_at is None


def test_expired_link_is_refused(client, link):
    # given
    ticket, token = _handled_ticket(link)
    CsatRequest.objects.filter(ticket=ticket).update(expires_at=timezone.now() - timedelta(minutes=1))
    url = reverse("service:public_csat", args=[token])
    # when
    shown = client.get(url)
    posted = client.post(url, {"score": "5"})
    # then
    assert 'id="csat-expired"' in shown.content.decode()
    assert 'id="csat-form"' not in shown.content.decode()
    assert posted.status_code == 200
    assert "此链接已过期。" in posted.content.decode()
    assert CsatRequest.objects.get(ticket=ticket).score is None


# --------------------------------------------------------------------------------------------- surveys


@pytest.fixture
def nps_survey(org) -> Survey:
    survey = Survey.objects.create(company=org.company, name="门店 NPS", kind=SurveyKindChoices.NPS)
    SurveyQuestion.objects.create(survey=survey, order=1, kind=QuestionKindChoices.NPS, text="您会推荐我们吗？")
    SurveyQuestion.objects.create(survey=survey, order=2, kind=QuestionKindChoices.TEXT, text="为什么？",
                                  is_required=False)
    SurveyQuestion.objects.create(survey=survey, order=3, kind=QuestionKindChoices.RATING, text="店员服务")
    SurveyQuestion.objects.create(survey=survey, order=4, kind=QuestionKindChoices.CHOICE, text="常来吗？",
                                  choices="每周\n每月\n第一次")
    return survey


def _survey_url(link, survey) -> str:
    return reverse("service:public_survey", args=[link.token, survey.pk])


def test_survey_page_renders_each_question_kind(client, link, nps_survey):
    # when
    response = client.get(_survey_url(link, nps_survey))
    # then
    page = response.content.decode()
    nps, text, rating, choice = nps_survey.questions.all()
    assert response.status_code == 200
    assert page.count(f'name="q{nps.pk}"') == 11
    assert page.count(f'name="q{rating.pk}"') == 5
    assert page.count(f'name="q{choice.pk}"') == 3
    assert f'<textarea name="q{text.pk}"' in page


def test_survey_answers_are_stored_with_the_nps_score(client, link, nps_survey, org):
    # given
    nps, text, rating, choice = nps_survey.questions.all()
    # when
    response = client.post(_survey_url(link, nps_survey), {
        f"q{nps.pk}": "9", f"q{text.pk}": "店员热情", f"q{rating.pk}": "5", f"q{choice.pk}": "每周"})
    # then
    saved = SurveyResponse.objects.get()
    assert response.status_code == 200
    assert 'id="thanks"' in response.content.decode()
    assert (saved.survey, saved.store, saved.nps_score, saved.nps_reason) == (nps_survey, org.stores["a1"], 9,
                                                                              "店员热情")
    assert sorted(SurveyAnswer.objects.values_list("question_id", "number", "text")) == [
        (nps.pk, 9, ""), (text.pk, None, "店员热情"), (rating.pk, 5, ""), (choice.pk, None, "每周")]


def test_survey_missing_required_answer_stores_nothing(client, link, nps_survey):
    # when
    response = client.post(_survey_url(link, nps_survey), {f"q{nps_survey.questions.first().pk}": "11"})
    # then
    assert response.status_code == 200
    assert 'id="survey-form"' in response.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_survey_honeypot_and_rate_limit(client, link, nps_survey):
    # given
    nps = nps_survey.questions.first()
    rating, choice = nps_survey.questions.filter(kind__in=["rating", "choice"]).order_by("order")
    answers = {f"q{nps.pk}": "7", f"q{rating.pk}": "4", f"q{choice.pk}": "每月"}
    # when
    bot = client.post(_survey_url(link, nps_survey), {**answers, "website": "x"})
    for _number in range(ADDRESS_LIMIT[0] - 1):
        client.post(_survey_url(link, nps_survey), answers)
    limited = client.post(_survey_url(link, nps_survey), answers)
    # then
    assert bot.status_code == 200
    assert 'id="thanks"' in bot.content.decode()
    assert limited.status_code == 429
    assert SurveyResponse.objects.count() == ADDRESS_LIMIT[0] - 1


def test_survey_of_another_company_or_inactive_answers_404(client, link, org):
    # given
    foreign = Survey.objects.create(company=org.other_company, name="外司问卷")
    inactive = Survey.objects.create(company=org.company, name="停用问卷", is_active=False)
    # when
    answers = [client.get(_survey_url(link, survey)).status_code for survey in (foreign, inactive)]
    # then
    assert answers == [404, 404]


# --------------------------------------------------------------------------------------------- QR page


def test_store_qr_page_shows_the_code_feedback_url_and_nps_links(login, org, link, nps_survey):
    # given
    Survey.objects.create(company=org.company, name="自定义问卷", kind=SurveyKindChoices.CUSTOM)
    client = login(org.users["store_manager"])
    # when
    response = client.get(reverse("service:store_qr", args=[link.store_id]))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="feedback-url">http://testserver/service/f/{link.token}/</a>' in page
    assert page.count("<svg") == 2
    assert f"http://testserver/service/f/{link.token}/survey/{nps_survey.pk}/" in page
    assert "自定义问卷" not in page
    assert 'id="qr-rotate-form"' in page


def test_rotating_the_token_retires_the_old_address(login, org, link, client):
    # given
    old = link.token
    manager = login(org.users["store_manager"])
    # when
    response = manager.post(reverse("service:store_qr_rotate", args=[link.store_id]))
    # then
    new = FeedbackLink.objects.get(pk=link.pk).token
    assert response.status_code == 302
    assert response["Location"] == reverse("service:store_qr", args=[link.store_id])
    assert new != old
    assert client.get(reverse("service:public_feedback", args=[old])).status_code == 404
    assert client.get(reverse("service:public_feedback", args=[new])).status_code == 200


def test_staff_cannot_rotate_and_out_of_scope_store_is_404(login, org, link):
    # given
    staff = login(org.users["staff"])
    # when
    rotated = staff.post(reverse("service:store_qr_rotate", args=[link.store_id]))
    other = staff.get(reverse("service:store_qr", args=[org.stores["b1"].pk]))
    # then
    assert rotated.status_code == 404
    assert other.status_code == 404
    assert FeedbackLink.objects.get(pk=link.pk).token == link.token


def test_store_page_links_the_qr_page(login, org):
    # when
    response = login(org.users["store_manager"]).get(org.stores["a1"].get_absolute_url())
    # then
    assert response.status_code == 200
    assert f'href="{reverse("service:store_qr", args=[org.stores["a1"].pk])}"' in response.content.decode()
