"""REST operations of the appraisal workflow (/api/v1/people/...), beside the kit's (cycles, templates and their
lines, appraisals read-only):

    POST /appraisal-cycles/{id}/transition/       {"status": "open" | "calibration" | "closed"}
    GET  /appraisals/{id}/kpi-results/            the measured KPIs with value, score, scope, period and source
    GET  /appraisals/{id}/peer-summary/           the 360 answers aggregated (404 below three answers)
    POST /appraisals/{id}/self-review/            {"ratings": {rating id: 1-5}, "comments": {...}, "summary", "submit"}
    POST /appraisals/{id}/manager-review/         same body
    POST /appraisals/{id}/measure/                measure the KPIs again
    POST /appraisals/{id}/peers/                  {"reviewers": [user ids]}
    POST /appraisals/{id}/calibrate/              {"final_rating": 1-5, "note": "..."}
    POST /appraisals/{id}/sign/
    GET  /peer-reviews/                           the 360 reviews the caller was asked for
    POST /peer-reviews/{id}/answer/               {"ratings": {...}, "comment": "..."} -> 201, nothing identifying

Out of reach or not permitted: 404; bad input: 422 naming the field.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404, HttpRequest
from ninja import Field, Schema, Status

from opsdesk.core.api_support import Id
from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.kit.rest import StrictSchema, _call
from opsdesk.core.permissions import user_can
from opsdesk.people.models.appraisals import (
    AREA,
    CALIBRATION_AREA,
    REVIEW_AREA,
    SETUP_AREA,
    AppraisalCycle,
    PeerReviewRequest,
)
from opsdesk.people.selectors import appraisals as selectors
from opsdesk.people.services import appraisals as services


class AppraisalState(Schema):
    id: int
    status: str
    kpi_score: float | None = None
    competency_score: float | None = None
    overall_score: float | None = None
    proposed_rating: int | None = None
    final_rating: int | None = None


class CycleState(Schema):
    id: int
    status: str


class KpiResultOut(Schema):
    kpi_code: str
    name: str
    weight: int
    value: float | None
    unit: str
    score: float | None
    scope_label: str
    period_start: date
    period_end: date
    source_text: str
    source_url: str
    measured_at: datetime


class PeerSummaryOut(Schema):
    answers: int
    averages: list[tuple[str, float | None]]
    comments: list[str]


class PeerRequestOut(Schema):
    id: int
    appraisal_id: int
    employee: str
    cycle: str
    status: str
    requested_on: date


class ReviewIn(StrictSchema):
    ratings: dict[str, int | None] = Field(default_factory=dict)
    comments: dict[str, str] = Field(default_factory=dict)
    summary: str = Field("", max_length=5000)
    submit: bool = False


class TransitionIn(StrictSchema):
    status: str = Field(max_length=20)


class CalibrateIn(StrictSchema):
    final_rating: int
    note: str = Field("", max_length=5000)


class PeersIn(StrictSchema):
    reviewers: list[Id]  # an id no row can have (0, 10**25) is a 422 here, never a database overflow


class PeerAnswerIn(StrictSchema):
    ratings: dict[str, int | None] = Field(default_factory=dict)
    comment: str = Field("", max_length=5000)


class AnswerReceipt(Schema):
    answered_on: date


def _appraisal(request: HttpRequest, object_id: int, area: str, action: str):
    if not user_can(request.auth, area, "view") or not user_can(request.auth, area, action):
        raise Http404
    appraisal = selectors.appraisal_get(user=request.auth, pk=object_id)
    if appraisal is None:
        raise Http404
    return appraisal


def _state(appraisal) -> AppraisalState:
    appraisal.refresh_from_db()
    return AppraisalState.from_orm(appraisal)


def register(router) -> None:
    """Add the workflow operations (see the module docstring)."""

    @router.post("/appraisal-cycles/{object_id}/transition/", response=CycleState,
                 operation_id="people_appraisalcycle_transition")
    def cycle_transition(request: HttpRequest, object_id: int, payload: TransitionIn):
        if not user_can(request.auth, SETUP_AREA, "change"):
            raise Http404
        cycle = scoped_or_none(AppraisalCycle, request.auth, object_id, "change")
        if cycle is None:
            raise Http404
        return _call(services.cycle_transition, actor=request.auth, cycle=cycle, status=payload.status)

    @router.get("/appraisals/{object_id}/kpi-results/", response=list[KpiResultOut],
                operation_id="people_appraisal_kpi_results")
    def kpi_results(request: HttpRequest, object_id: int):
        return list(_appraisal(request, object_id, AREA, "view").kpi_results.all())

    @router.get("/appraisals/{object_id}/peer-summary/", response=PeerSummaryOut,
                operation_id="people_appraisal_peer_summary")
    def peer_summary(request: HttpRequest, object_id: int):
        summary = selectors.peer_summary(_appraisal(request, object_id, AREA, "view"))
        if summary is None:
            raise Http404
        return summary

    def _review(function, area: str):
        def handler(request: HttpRequest, object_id: int, payload: ReviewIn):
            appraisal = _appraisal(request, object_id, area, "change")
            _call(function, actor=request.auth, appraisal=appraisal, ratings=payload.ratings,
                  comments=payload.comments, summary=payload.summary, submit=payload.submit)
            return _state(appraisal)
        return handler

    router.post("/appraisals/{object_id}/self-review/", response=AppraisalState,
                operation_id="people_appraisal_self_review")(_review(services.appraisal_self_review, AREA))
    router.post("/appraisals/{object_id}/manager-review/", response=AppraisalState,
                operation_id="people_appraisal_manager_review")(_review(services.appraisal_manager_review,
                                                                        REVIEW_AREA))

    @router.post("/appraisals/{object_id}/measure/", response=AppraisalState, operation_id="people_appraisal_measure")
    def measure(request: HttpRequest, object_id: int):
        appraisal = _appraisal(request, object_id, REVIEW_AREA, "change")
        _call(services.appraisal_measure, actor=request.auth, appraisal=appraisal)
        return _state(appraisal)

    @router.post("/appraisals/{object_id}/peers/", response={201: list[int]}, operation_id="people_appraisal_peers")
    def peers(request: HttpRequest, object_id: int, payload: PeersIn):
        appraisal = _appraisal(request, object_id, REVIEW_AREA, "change")
        created = _call(services.peer_reviews_request, actor=request.auth, appraisal=appraisal,
                        reviewers=payload.reviewers)
        return Status(201, [request_.reviewer_id for request_ in created])

    @router.post("/appraisals/{object_id}/calibrate/", response=AppraisalState,
                 operation_id="people_appraisal_calibrate")
    def calibrate(request: HttpRequest, object_id: int, payload: CalibrateIn):
        appraisal = _appraisal(request, object_id, CALIBRATION_AREA, "change")
        _call(services.appraisal_calibrate, actor=request.auth, appraisal=appraisal,
              final_rating=payload.final_rating, note=payload.note)
        return _state(appraisal)

    @router.post("/appraisals/{object_id}/sign/", response=AppraisalState, operation_id="people_appraisal_sign")
    def sign(request: HttpRequest, object_id: int):
        appraisal = _appraisal(request, object_id, AREA, "change")
        _call(services.appraisal_sign, actor=request.auth, appraisal=appraisal)
        return _state(appraisal)

    @router.get("/peer-reviews/", response=list[PeerRequestOut], operation_id="people_peer_review_list")
    def peer_review_list(request: HttpRequest):
        return [PeerRequestOut(id=item.pk, appraisal_id=item.appraisal_id, employee=item.appraisal.employee.name,
                               cycle=item.appraisal.cycle.name, status=item.status, requested_on=item.requested_on)
                for item in selectors.peer_requests_for(request.auth).order_by("-requested_on", "pk")]

    @router.post("/peer-reviews/{object_id}/answer/", response={201: AnswerReceipt},
                 operation_id="people_peer_review_answer")
    def peer_review_answer(request: HttpRequest, object_id: int, payload: PeerAnswerIn):
        # Whoever was asked may answer, whatever their role (the request is theirs alone).
        peer_request = PeerReviewRequest.objects.filter(pk=object_id, reviewer=request.auth).first()
        if peer_request is None:
            raise Http404
        receipt = _call(services.peer_review_answer, actor=request.auth, request=peer_request,
                        ratings=payload.ratings, comment=payload.comment)
        return Status(201, AnswerReceipt(answered_on=receipt.answered_on))
