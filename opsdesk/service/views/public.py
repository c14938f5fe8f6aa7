"""Customer service's pages without login (a store's feedback page, the tracking and rating page, surveys) and the
staff pages around them (a ticket's photo, a store's printable QR code).

The public pages trust nothing from the request: the token in the URL is the only key, every POST is size-capped
before its body is parsed, rate-limited per client address and per store, and carries a honeypot field.
"""

from __future__ import annotations

import secrets
from functools import wraps

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from opsdesk.core.models import Store
from opsdesk.core.permissions import user_can
from opsdesk.service import services
from opsdesk.service.choices import SurveyKindChoices, TicketStatusChoices
from opsdesk.service.forms import CsatForm, FeedbackForm, SurveyForm
from opsdesk.service.models import AREA, FeedbackLink, Survey, Ticket

#: The largest request body a public page accepts (the photo may be 8 MB; the rest is the form).
MAX_BODY_BYTES = 12 * 1024 * 1024
#: Fixed-window rate limits of public submissions: (requests, window seconds).
ADDRESS_LIMIT = (5, 10 * 60)
STORE_LIMIT = (60, 60 * 60)


# --------------------------------------------------------------------------------------------- guards


def _message(request: HttpRequest, title: str, text: str, status: int) -> HttpResponse:
    return render(request, "service/public_message.html", {"title": title, "text": text}, status=status)


def body_size_capped(view):
    """Answer 413 to a POST whose declared body exceeds MAX_BODY_BYTES, before anything parses it.

    The CSRF check reads `request.POST` (that is, the whole multipart body), so it must run after the size check:
    the global middleware skips this view and `csrf_protect` runs the same check right after.
    """
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = MAX_BODY_BYTES + 1
            if length > MAX_BODY_BYTES:
                return _message(request, _("内容太大"), _("提交的内容超过 %(mb)d MB，请缩小照片后重试。") % {
                    "mb": MAX_BODY_BYTES // (1024 * 1024)}, 413)
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def client_address(request: HttpRequest) -> str:
    """The client's address, resolved as the login lockout resolves it (django-axes: OPSDESK_PROXY_COUNT)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"


def _hit(key: str, seconds: int) -> int:
    cache = caches["shared"]
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, seconds)
        return 1


def rate_limited(request: HttpRequest, store: Store) -> bool:
    """Count one public submission; True once the address or the store is over its limit.

    A request refused for its address does not count against the store, so one noisy client cannot shut a
    store's page for everyone.
    """
    limit, seconds = ADDRESS_LIMIT
    if _hit(f"service:public:address:{client_address(request)}", seconds) > limit:
        return True
    limit, seconds = STORE_LIMIT
    return _hit(f"service:public:store:{store.pk}", seconds) > limit


def _too_many(request: HttpRequest) -> HttpResponse:
    response = _message(request, _("提交太频繁"), _("提交次数过多，请稍后再试。"), 429)
    response["Retry-After"] = str(ADDRESS_LIMIT[1])
    return response


def _active_link(token: str) -> FeedbackLink:
    if len(token) > 100:
        raise Http404
    return get_object_or_404(FeedbackLink.objects.select_related("store"), token=token, is_active=True)


def _no_store(response: HttpResponse) -> HttpResponse:
    """Pages holding a tracking token are never cached by the browser or a proxy."""
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------------------------- public pages


@body_size_capped
def public_feedback(request: HttpRequest, token: str) -> HttpResponse:
    """A store's feedback page (the QR code points here): file a complaint, suggestion, praise or inquiry."""
    link = _active_link(token)
    store = link.store
    if request.method != "POST":
        form = FeedbackForm(company_id=store.company_id)
        return render(request, "service/public_feedback.html", {"form": form, "store": store, "link": link})
    if rate_limited(request, store):
        return _too_many(request)
    form = FeedbackForm(request.POST, request.FILES, company_id=store.company_id)
    if form.is_bot:
        # Accept and drop: the bot sees the same thank-you page, with a number and a link that lead nowhere.
        fake = {"number": f"T{timezone.localdate().year}-{secrets.randbelow(10**6):06d}",
                "title": (request.POST.get("title") or "")[:200]}
        return _thanks(request, store, fake, secrets.token_urlsafe(24))
    if form.is_valid():
        try:
            ticket, tracking = services.public_ticket_create(link=link, data=form.ticket_data(),
                                                            photo=form.cleaned_data["photo"])
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _thanks(request, store, {"number": ticket.number, "title": ticket.title}, tracking)
    return render(request, "service/public_feedback.html", {"form": form, "store": store, "link": link})


def _thanks(request: HttpRequest, store: Store, ticket: dict, tracking: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("service:public_csat", args=[tracking]))
    return _no_store(render(request, "service/public_thanks.html",
                            {"store": store, "ticket": ticket, "tracking_url": url}))


@body_size_capped
def public_csat(request: HttpRequest, token: str) -> HttpResponse:
    """A ticket's tracking and rating page: its number, status and resolution, and the 1-5 rating once handled."""
    found = services.csat_request_find(token)
    if found is None:
        raise Http404
    form = CsatForm()
    error = ""
    if request.method == "POST":
        form = CsatForm(request.POST)
        if form.is_valid():
            try:
                services.csat_answer(token=token, score=form.cleaned_data["score"],
                                     comment=form.cleaned_data["comment"])
            except PermissionDenied as denied:
                raise Http404 from denied
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                messages.success(request, _("感谢您的评价！"))
                return redirect("service:public_csat", token=token)
        found = services.csat_request_find(token)
    return _no_store(render(request, "service/public_csat.html", _csat_context(found, form, error)))


def _csat_context(found, form: CsatForm, error: str) -> dict:
    ticket = found.ticket
    is_handled = ticket.status in (TicketStatusChoices.RESOLVED, TicketStatusChoices.CLOSED)
    is_answered = found.answered_at is not None
    is_expired = not is_answered and found.expires_at < timezone.now()
    return {
        # Only what the customer may know: no store, no staff, no other ticket.
        "number": ticket.number, "status": ticket.get_status_display(), "resolution": ticket.resolution,
        "is_handled": is_handled, "is_answered": is_answered, "is_expired": is_expired,
        "score": found.score, "can_rate": is_handled and not is_answered and not is_expired,
        "form": form, "error": error,
    }


def _survey_for(link: FeedbackLink, survey_id: int) -> Survey:
    today = timezone.localdate()
    return get_object_or_404(
        Survey.objects.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today),
                              Q(ends_on__isnull=True) | Q(ends_on__gte=today)).prefetch_related("questions"),
        pk=survey_id, company_id=link.store.company_id, is_active=True)


@body_size_capped
def public_survey(request: HttpRequest, token: str, survey_id: int) -> HttpResponse:
    """An active survey of the store's company, answered anonymously at the store."""
    link = _active_link(token)
    store = link.store
    survey = _survey_for(link, survey_id)
    context = {"store": store, "survey": survey}
    if request.method != "POST":
        return render(request, "service/public_survey.html", {**context, "form": SurveyForm(survey=survey)})
    if rate_limited(request, store):
        return _too_many(request)
    form = SurveyForm(request.POST, survey=survey)
    if form.is_bot:
        return render(request, "service/public_survey_thanks.html", context)
    if form.is_valid():
        try:
            services.survey_response_create(survey=survey, store=store, answers=form.answers())
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return render(request, "service/public_survey_thanks.html", context)
    return render(request, "service/public_survey.html", {**context, "form": form})


# --------------------------------------------------------------------------------------------- staff pages


@login_required
def ticket_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A ticket's photo, for users who can see the ticket."""
    from opsdesk.storeops.views.runs import image_response

    ticket = get_object_or_404(Ticket.objects.for_user(request.user, "view"), pk=pk)
    if not ticket.photo:
        raise Http404
    return image_response(ticket.photo)


def _store_for(request: HttpRequest, store_id: int, action: str) -> Store:
    if not user_can(request.user, AREA, "view") or not user_can(request.user, AREA, action):
        raise Http404
    return get_object_or_404(Store.objects.for_user(request.user, "view"), pk=store_id)


def _absolute(request: HttpRequest, path: str) -> str:
    base = getattr(settings, "OPSDESK_PUBLIC_URL", "")
    return f"{base.rstrip('/')}{path}" if base else request.build_absolute_uri(path)


def _qr_svg(url: str, scale: int) -> str:
    # segno draws modules as one path: the URL is not embedded as text, so the markup is safe to inline.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=scale, omitsize=False))


@login_required
def store_qr(request: HttpRequest, store_id: int) -> HttpResponse:
    """A store's printable QR code page: the feedback page's address and the NPS survey links."""
    store = _store_for(request, store_id, "view")
    link = services.feedback_link_for(store)
    feedback_url = _absolute(request, reverse("service:public_feedback", args=[link.token]))
    surveys = Survey.objects.filter(company_id=store.company_id, kind=SurveyKindChoices.NPS, is_active=True)
    survey_links = []
    for survey in surveys:
        url = _absolute(request, reverse("service:public_survey", args=[link.token, survey.pk]))
        survey_links.append({"survey": survey, "url": url, "svg": _qr_svg(url, 3)})
    return render(request, "service/store_qr.html", {
        "store": store, "link": link, "feedback_url": feedback_url, "qr_svg": _qr_svg(feedback_url, 8),
        "survey_links": survey_links, "can_rotate": user_can(request.user, AREA, "change"),
    })


@login_required
@require_POST
def store_qr_rotate(request: HttpRequest, store_id: int) -> HttpResponse:
    """Give a store's feedback page a new address (printed codes with the old one stop working)."""
    store = _store_for(request, store_id, "change")
    try:
        services.feedback_link_rotate(actor=request.user, store=store)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("已生成新的二维码，旧二维码已失效。"))
    return redirect("service:store_qr", store_id=store.pk)
