"""The customer-service demo builder: deterministic, consistent with the SLA rules, shaped by inspection scores."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.testing.factories import CompanyFactory, RegionFactory, StoreFactory, make_user
from opsdesk.purchasing.tests.factories import make_product, make_supplier
from opsdesk.service.demo import demo_builder
from opsdesk.service.models import (
    BusinessHours,
    CsatRequest,
    FeedbackLink,
    SurveyAnswer,
    SurveyResponse,
    Ticket,
    TicketEvent,
)
from opsdesk.storeops.models import ChecklistTemplate, InspectionRun, TemplateVersion

END = date(2025, 3, 31)
#: Average inspection score of each store of the small company.
SCORES = {"S1": 96, "S2": 92, "S3": 70, "S4": 62}


def _company(code: str):
    """Four stores with managers, completed inspections scoring SCORES, and a product of a supplier."""
    company = CompanyFactory(code=code)
    region = RegionFactory(company=company, code="R1")
    template = ChecklistTemplate.objects.create(company=company, code="T", name="巡检")
    version = TemplateVersion.objects.create(template=template, number=1, status="published")
    for store_code, score in SCORES.items():
        store = StoreFactory(region=region, code=store_code)
        make_user(R.STORE_MANAGER, stores=[store], username=f"{code}-{store_code}")
        InspectionRun.objects.bulk_create([
            InspectionRun(store=store, template_version=version, status="completed", due_date=date(2025, 3, day),
                          score=Decimal(score + delta)) for day, delta in ((3, -2), (10, 2))])
    product = make_product(company, sku=f"{code}-MILK")
    product.supplier = make_supplier(company, code=f"{code}-SUP")
    product.save(update_fields=["supplier"])
    return company


def _fingerprint(company) -> list[tuple]:
    return list(Ticket.objects.filter(company=company).order_by("number").values_list(
        "number", "store__code", "type", "category__code", "priority", "channel", "status", "title", "received_at",
        "first_response_at", "resolved_at", "closed_at", "escalation_level", "compensation_amount"))


def test_demo_is_deterministic_and_counts_what_it_wrote(db):
    # given: two identical companies
    first, second = _company("D1"), _company("D2")
    # when
    counts = demo_builder(first, end_date=END, seed=5)
    again = demo_builder(second, end_date=END, seed=5)
    # then: same counts, same tickets; the counts are the rows written
    assert counts == again
    assert [row[1:] for row in _fingerprint(first)] == [row[1:] for row in _fingerprint(second)]
    tickets = Ticket.objects.filter(company=first)
    assert counts["tickets"] == tickets.count() > 200
    assert counts["complaints"] == tickets.filter(type="complaint").count()
    assert counts["business_hours"] == BusinessHours.objects.filter(store__company=first).count() == 4 * 7
    assert counts["feedback_links"] == FeedbackLink.objects.filter(store__company=first).count() == 4
    assert counts["events"] == TicketEvent.objects.filter(ticket__company=first).count()
    assert counts["csat_answers"] == CsatRequest.objects.filter(ticket__company=first,
                                                                answered_at__isnull=False).count()
    assert counts["survey_responses"] == SurveyResponse.objects.filter(store__company=first).count()
    assert counts["survey_answers"] == SurveyAnswer.objects.filter(response__store__company=first).count()


def test_demo_tickets_follow_the_rules(db):
    # given
    company = _company("D1")
    # when
    demo_builder(company, end_date=END, seed=5)
    # then: numbered without gaps per year, mostly closed, all complaints categorised, quality ones with a supplier
    tickets = Ticket.objects.filter(company=company)
    numbers = sorted(tickets.filter(number__startswith="T2025-").values_list("number", flat=True))
    assert numbers == [f"T2025-{n:06d}" for n in range(1, len(numbers) + 1)]
    by_status = dict(tickets.values_list("status").annotate(n=Count("pk")))
    assert by_status["closed"] > 0.8 * tickets.count()
    assert not tickets.filter(status__in=("new", "in_progress", "waiting_customer"), received_at__date__lt=date(
        2025, 3, 1)).exists()
    quality = tickets.filter(category__code="product_quality")
    assert quality.exists()
    assert not quality.filter(supplier__isnull=True).exists()
    assert tickets.filter(resolution_breached=True).exists()
    assert tickets.filter(resolution_breached=False).count() > 0.8 * tickets.count()
    assert not tickets.filter(closed_at__isnull=False, resolved_at__isnull=True).exists()
    assert set(tickets.values_list("type", flat=True)) == {"complaint", "praise", "suggestion", "inquiry"}
    assert not CsatRequest.objects.filter(ticket__company=company, answered_at__isnull=False,
                                          score__isnull=True).exists()
    assert set(SurveyResponse.objects.filter(store__company=company).values_list("nps_score", flat=True)) <= set(
        range(11))


def test_low_scoring_stores_get_more_complaints(db):
    # given
    company = _company("D1")
    # when
    demo_builder(company, end_date=END, seed=5)
    # then: the two weak stores have more complaints than either strong one, and a lower average NPS
    complaints = dict(Ticket.objects.filter(company=company, type="complaint").values_list("store__code")
                      .annotate(n=Count("pk")))
    assert min(complaints["S3"], complaints["S4"]) > max(complaints["S1"], complaints["S2"])
    assert complaints["S4"] > 2 * complaints["S1"]
    nps = {}
    for code, score in SurveyResponse.objects.filter(store__company=company).values_list("store__code", "nps_score"):
        nps.setdefault(code, []).append(score)
    assert sum(nps["S4"]) / len(nps["S4"]) < sum(nps["S1"]) / len(nps["S1"])
