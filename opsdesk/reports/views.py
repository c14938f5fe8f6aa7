"""Pages of reports beyond the kit's: the report pack of a scope and period (page, store, downloads), a stored
pack and its delivery log, the daily brief's page, meeting minutes downloads and completing a decision."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsdesk.core import documents
from opsdesk.core.permissions import user_can
from opsdesk.reports import periods, selectors, services
from opsdesk.reports.choices import PackKindChoices
from opsdesk.reports.models import AREA, Meeting, MeetingDecision, ReportPack

LANGUAGES = ("zh-hans", "en")


def _language(request: HttpRequest) -> str:
    """?lang=en|zh-hans, else the page's language."""
    asked = request.GET.get("lang") or request.POST.get("lang")
    if asked in LANGUAGES:
        return asked
    return "en" if (translation.get_language() or "").startswith("en") else "zh-hans"


def _format(export_format: str) -> str:
    if export_format not in documents.FORMATS:
        raise Http404
    return export_format


def _require_view(request: HttpRequest) -> None:
    if not user_can(request.user, AREA, "view"):
        raise PermissionDenied


def _pack_request(request: HttpRequest) -> tuple[selectors.PackScope, str, periods.Period]:
    """The scope (404 outside the user's), kind and period a pack page asks for."""
    _require_view(request)
    kind = request.GET.get("kind") or PackKindChoices.WEEKLY
    try:
        scope = selectors.scope_for_user(request.user, request.GET.get("scope"))
        period = selectors.period_choice(kind, request.GET.get("period"), timezone.localdate())
    except (LookupError, ValueError):
        raise Http404 from None
    return scope, kind, period


def _pack_url(name: str, scope, kind: str, period: periods.Period, **extra) -> str:
    query = {"scope": scope.code, "kind": kind, "period": periods.code(kind, period[0]), **extra}
    return f"{reverse(name)}?{urlencode(query)}"


@login_required
def pack_page(request: HttpRequest) -> HttpResponse:
    """The report pack of a scope for a week or a month, generated now from the system."""
    scope, kind, period = _pack_request(request)
    language = _language(request)
    content = selectors.pack_content(scope, kind, period, reader=request.user)
    document = selectors.pack_document(content, language)
    before, after = periods.previous(kind, period[0]), periods.following(kind, period[0])
    return render(request, "reports/pack_page.html", {
        "document": document, "html": documents.render_html(document, with_title=False), "pack_scope": scope,
        "kind": kind, "period": period, "period_code": periods.code(kind, period[0]), "language": language,
        "scopes": selectors.scope_options(request.user), "kinds": PackKindChoices.choices,
        "previous_url": _pack_url("reports:pack_page", scope, kind, before, lang=language),
        "next_url": _pack_url("reports:pack_page", scope, kind, after, lang=language)
        if after[0] <= timezone.localdate() else "",
        "downloads": [(fmt, _pack_url("reports:pack_download", scope, kind, period, lang=language, format=fmt))
                      for fmt in documents.FORMATS],
        "can_store": user_can(request.user, AREA, "add"),
        "stored": ReportPack.objects.for_user(request.user).filter(
            **scope.row_filter(), kind=kind, period_start=period[0])[:5],
    })


@login_required
def pack_download(request: HttpRequest) -> HttpResponse:
    """The pack of the page as DOCX, PDF or Markdown (?format=), in ?lang= or the page's language."""
    scope, kind, period = _pack_request(request)
    export_format = _format(request.GET.get("format", "pdf"))
    content = selectors.pack_content(scope, kind, period, reader=request.user)
    document = selectors.pack_document(content, _language(request))
    filename = f"{kind}-{scope.code.replace(':', '-')}-{periods.code(kind, period[0])}"
    return documents.document_response(document, export_format, filename)


@login_required
@require_POST
def pack_store(request: HttpRequest) -> HttpResponse:
    """Generate the pack of the page and keep it (it can be read again as it was)."""
    if not user_can(request.user, AREA, "add"):
        raise PermissionDenied
    scope, kind, period = _pack_request(request)
    pack = services.pack_generate(scope=scope, kind=kind, period=period, language=_language(request),
                                  actor=request.user)
    messages.success(request, _("已保存汇报包。"))
    return redirect(pack.get_absolute_url())


def pack_detail_context(request: HttpRequest, pack: ReportPack) -> dict:
    """A stored pack's frozen document and its delivery log."""
    return {"html": documents.render_html(pack.document(), with_title=False),
            "deliveries": list(pack.deliveries.order_by("pk")),
            "downloads": [(fmt, reverse("reports:reportpack_download", args=[pack.pk, fmt]))
                          for fmt in documents.FORMATS]}


@login_required
def stored_pack_download(request: HttpRequest, pk: int, export_format: str) -> HttpResponse:
    """A stored pack as it was generated."""
    pack = ReportPack.objects.for_user(request.user).filter(pk=pk).first()
    if pack is None:
        raise Http404
    return documents.document_response(pack.document(), _format(export_format), services.pack_filename(pack))


# --- meetings -----------------------------------------------------------------------------------------------------

def meeting_detail_context(request: HttpRequest, meeting: Meeting) -> dict:
    """The meeting's attendees, decisions (each with whether the user may mark it done) and downloads."""
    can_change = Meeting.objects.for_user(request.user, "change").filter(pk=meeting.pk).exists()
    decisions = list(meeting.decisions.select_related("owner", "done_by").order_by("pk"))
    return {
        "attendees": list(meeting.attendees.order_by("username")),
        "decisions": [(decision, decision.is_open and (can_change or decision.owner_id == request.user.pk))
                      for decision in decisions],
        "can_add_decision": can_change and user_can(request.user, AREA, "add"),
        "downloads": [(fmt, reverse("reports:meeting_download", args=[meeting.pk, fmt]))
                      for fmt in documents.FORMATS],
    }


@login_required
def meeting_download(request: HttpRequest, pk: int, export_format: str) -> HttpResponse:
    """The minutes as DOCX, PDF or Markdown, in ?lang= or the page's language."""
    meeting = Meeting.objects.for_user(request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    document = services.meeting_document(meeting, _language(request))
    return documents.document_response(document, _format(export_format), f"meeting-{meeting.held_on}-{meeting.pk}")


@login_required
@require_POST
def decision_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a decision done (its owner, or whoever may change the meeting)."""
    decision = MeetingDecision.objects.for_user(request.user).filter(pk=pk).select_related("meeting").first()
    if decision is None:
        raise Http404
    try:
        services.decision_complete(actor=request.user, decision=decision)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("决议已完成。"))
    return redirect(decision.meeting.get_absolute_url())


# --- the daily brief ----------------------------------------------------------------------------------------------

def _brief_request(request: HttpRequest):
    from opsdesk.cockpit import brief as briefs

    _require_view(request)
    try:
        scope = selectors.scope_for_user(request.user, request.GET.get("scope"))
        day = date.fromisoformat(request.GET["date"]) if request.GET.get("date") else None
    except (LookupError, ValueError):
        raise Http404 from None
    try:
        brief = briefs.brief_build(company=scope.company, scope=scope.code, day=day, language=_language(request))
    except ValueError:  # the company has no COO or administrator to read it with
        raise Http404 from None
    return briefs, scope, brief


@login_required
def brief_page(request: HttpRequest) -> HttpResponse:
    """The daily brief of the user's scope (or one of its regions and stores) for a day, in the page."""
    briefs, scope, brief = _brief_request(request)
    query = {"scope": scope.code, "date": brief.day.isoformat(), "lang": brief.language}
    download = reverse("reports:brief_download")
    return render(request, "reports/brief_page.html", {
        "brief": brief, "pack_scope": scope, "scopes": selectors.scope_options(request.user),
        "markdown": briefs.render_markdown(brief),
        "downloads": [(fmt, f"{download}?{urlencode({**query, 'format': fmt})}")
                      for fmt in ("pdf", "md")],
    })


@login_required
def brief_download(request: HttpRequest) -> HttpResponse:
    """The brief as PDF or Markdown (?format=pdf|md)."""
    export_format = request.GET.get("format", "pdf")
    briefs, scope, brief = _brief_request(request)
    if export_format == "pdf":
        response = HttpResponse(briefs.render_pdf(brief), content_type="application/pdf")
    elif export_format == "md":
        response = HttpResponse(briefs.render_markdown(brief), content_type="text/markdown; charset=utf-8")
    else:
        raise Http404
    name = f"brief-{scope.code.replace(':', '-')}-{brief.day}.{export_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
