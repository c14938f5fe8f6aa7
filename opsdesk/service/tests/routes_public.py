"""Permission-matrix routes of customer service's public pages (no login) and the staff pages around them (a
ticket's photo, a store's QR code)."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from PIL import Image

from opsdesk.core.testing.matrix import Route
from opsdesk.service import services
from opsdesk.service.choices import QuestionKindChoices, SurveyKindChoices
from opsdesk.service.models import CsatRequest, FeedbackLink, Survey, SurveyQuestion, Ticket


def small_jpeg() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def _link(org, user, in_scope) -> FeedbackLink:
    # A public page is the same for everyone: the builder ignores who asks.
    return services.feedback_link_for(org.stores["a1"])


def _tracking(org, user, in_scope) -> CsatRequest:
    ticket, token = services.public_ticket_create(link=_link(org, user, in_scope), data={"title": "矩阵工单"})
    request = ticket.csat_requests.get()
    request.matrix_token = token  # only the hash is stored: keep the token for the URL
    return request


def _survey(org, user, in_scope) -> Survey:
    survey = Survey.objects.create(company=org.company, name="矩阵 NPS", kind=SurveyKindChoices.NPS)
    SurveyQuestion.objects.create(survey=survey, order=1, kind=QuestionKindChoices.NPS, text="推荐吗？")
    survey.matrix_token = _link(org, user, in_scope).token
    return survey


def _ticket_with_photo(org, user, in_scope) -> Ticket:
    store = org.store_for(user, in_scope)
    return Ticket.objects.create(company_id=store.company_id, store=store, title="有照片的工单", number="T-MATRIX",
                                 photo=small_jpeg())


def _store(org, user, in_scope):
    return org.store_for(user, in_scope)


PUBLIC_ROUTES = [
    Route("service:public_feedback", "public", make_object=_link, url_args=lambda link: [link.token],
          anonymous_status=200, signed_in_status=200),
    Route("service:public_csat", "public", make_object=_tracking, url_args=lambda request: [request.matrix_token],
          anonymous_status=200, signed_in_status=200),
    Route("service:public_survey", "public", make_object=_survey,
          url_args=lambda survey: [survey.matrix_token, survey.pk], anonymous_status=200, signed_in_status=200),
    Route("service:ticket_photo", "detail", area="service", make_object=_ticket_with_photo),
    Route("service:store_qr", "detail", area="service", make_object=_store),
    Route("service:store_qr_rotate", "action", area="service", action="change", make_object=_store,
          post_data=lambda org, user, store: {}),
]
