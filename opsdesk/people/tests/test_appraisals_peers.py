"""Anonymous 360 reviews: an answer can never be traced to its author through any page, API, export or audit entry,
and answers are shown only aggregated, from three answers and once no request is still open."""

from __future__ import annotations

import json

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.urls import reverse

from opsdesk.core.testing.factories import make_user
from opsdesk.people.models.appraisals import PeerReviewAnswer, PeerReviewRequest
from opsdesk.people.services import appraisals as services
from opsdesk.people.tests.routes_appraisals import make_appraisal, make_cycle, own_employee


@pytest.fixture
def peers(org):
    """The staff user's appraisal (manager review, peers enabled), four colleagues asked by the store manager."""
    appraisal = make_appraisal(own_employee(org, org.users["staff"]), status="manager_review",
                               cycle=make_cycle(org.company, peers=True))
    reviewers = [make_user("staff", stores=[org.stores["a1"]], username=f"peer{n}", first_name=f"同事{n}")
                 for n in range(4)]
    services.peer_reviews_request(actor=org.users["store_manager"], appraisal=appraisal, reviewers=reviewers)
    return appraisal, reviewers


def answer(client, reviewer, appraisal, value: int, comment: str):
    request = PeerReviewRequest.objects.get(appraisal=appraisal, reviewer=reviewer)
    client.force_login(reviewer)
    data = {f"rating_{pk}": str(value) for pk in appraisal.competency_ratings.values_list("pk", flat=True)}
    return client.post(f"/people/peer-reviews/{request.pk}/", {**data, "comment": comment})


def test_an_answer_stores_nothing_about_its_author_and_writes_no_audit_entry(org, client, peers):
    appraisal, reviewers = peers
    entries_before = LogEntry.objects.count()
    # when
    response = answer(client, reviewers[0], appraisal, 4, "乐于助人")
    # then: the answer holds no author, no time and a random key; nothing reached the audit trail
    assert response.status_code == 302
    stored = PeerReviewAnswer.objects.get(appraisal=appraisal)
    assert {field.name for field in PeerReviewAnswer._meta.get_fields()} == {
        "id", "appraisal", "ratings", "comment", "period_bucket"}
    assert stored.period_bucket == appraisal.cycle.period_end
    assert stored.id.version == 4
    assert LogEntry.objects.count() == entries_before
    assert not LogEntry.objects.filter(actor__in=reviewers).exists()
    assert not auditlog.contains(PeerReviewAnswer)
    assert not auditlog.contains(PeerReviewRequest)
    request = PeerReviewRequest.objects.get(appraisal=appraisal, reviewer=reviewers[0])
    assert (request.status, type(request.answered_on).__name__) == ("answered", "date")


def test_the_requests_are_audited_with_the_requester_as_actor(org, peers):
    appraisal, reviewers = peers
    entries = LogEntry.objects.filter(content_type__model="peerreviewrequest")
    assert entries.count() == 4
    assert set(entries.values_list("actor_id", flat=True)) == {org.users["store_manager"].pk}


def test_answers_stay_hidden_below_three_and_while_a_request_is_open(org, client, peers):
    appraisal, reviewers = peers
    for reviewer, value, comment in zip(reviewers[:3], (3, 4, 5), ("乙评语", "甲评语", ""), strict=True):
        answer(client, reviewer, appraisal, value, comment)
    client.force_login(org.users["hr"])
    # three answers, one request still open: hidden
    page = client.get(appraisal.get_absolute_url()).content.decode()
    assert 'id="peer-hidden"' in page
    assert "甲评语" not in page
    assert client.get(f"/api/v1/people/appraisals/{appraisal.pk}/peer-summary/").status_code == 404
    # the manager submits the review: the open request closes, the summary shows
    services.appraisal_manager_review(actor=org.users["store_manager"], appraisal=appraisal,
                                      ratings=dict.fromkeys(appraisal.competency_ratings.values_list("pk", flat=True),
                                                            4), submit=True)
    summary = client.get(f"/api/v1/people/appraisals/{appraisal.pk}/peer-summary/").json()
    assert summary == {"answers": 3, "averages": [["服务意识", 4.0], ["团队协作", 4.0]],
                       "comments": ["乙评语", "甲评语"]}  # sorted by text, never by answer
    assert PeerReviewRequest.objects.get(appraisal=appraisal, reviewer=reviewers[3]).status == "closed"


def test_two_answers_are_never_shown(org, client, peers):
    appraisal, reviewers = peers
    for reviewer in reviewers[:2]:
        answer(client, reviewer, appraisal, 5, "好")
    PeerReviewRequest.objects.filter(appraisal=appraisal, status="requested").update(status="closed")
    client.force_login(org.users["hr"])
    assert client.get(f"/api/v1/people/appraisals/{appraisal.pk}/peer-summary/").status_code == 404
    assert 'id="peer-hidden"' in client.get(appraisal.get_absolute_url()).content.decode()


def test_no_page_or_api_ties_an_answer_to_its_reviewer(org, client, peers):
    # given: four answers with distinct comments
    appraisal, reviewers = peers
    for number, reviewer in enumerate(reviewers):
        answer(client, reviewer, appraisal, 3 + number % 3, f"评语{number}")
    # when: everything the employee, the manager, HR and an auditor can read about the appraisal
    readers = [org.users["staff"], org.users["store_manager"], org.users["hr"], org.users["auditor"]]
    for reader in readers:
        client.force_login(reader)
        page = client.get(appraisal.get_absolute_url()).content.decode()
        api = json.dumps([client.get(f"/api/v1/people/appraisals/{appraisal.pk}/").json(),
                          client.get(f"/api/v1/people/appraisals/{appraisal.pk}/peer-summary/").json(),
                          client.get("/api/v1/people/appraisals/").json()], ensure_ascii=False)
        export = b"".join(client.get("/people/appraisals/?export=csv").streaming_content).decode()
        # then: the employee never learns who was asked; nobody sees an answer next to a name
        for reviewer in reviewers:
            assert reviewer.username not in api
            assert reviewer.username not in export
            if reader == org.users["staff"]:
                assert reviewer.first_name not in page
        assert '"reviewer' not in api
    # the manager sees who was asked and who answered (names, in one line), the answers only aggregated
    client.force_login(org.users["store_manager"])
    page = client.get(appraisal.get_absolute_url()).content.decode()
    assert 'id="peer-requests"' in page
    comments = page[page.index('id="peer-comments"'):]
    assert [f"评语{n}" for n in range(4)] == sorted(f"评语{n}" for n in range(4))
    assert all(reviewer.first_name not in comments.split("</ul>")[0] for reviewer in reviewers)
    # and the audit trail, as an auditor reads it, holds no entry by a reviewer nor about an answer
    client.force_login(org.users["auditor"])
    audit_page = client.get(reverse("core:audit_list"), {"per_page": 500})
    assert audit_page.status_code == 200
    assert "匿名同事评价" not in audit_page.content.decode()
    # (the reviewers' names appear there only in the manager's "asked" entries: who was asked is no secret)
    assert set(LogEntry.objects.filter(object_repr__contains="同事").values_list("actor_id", flat=True)) == {
        org.users["store_manager"].pk}
    assert not LogEntry.objects.filter(content_type__model="peerreviewanswer").exists()
    for entry in LogEntry.objects.filter(content_type__model="appraisal"):
        assert not {"peer_answers", "peer_requests"} & set(entry.changes_dict)


def test_only_the_person_asked_answers_and_only_once(org, client, peers):
    appraisal, reviewers = peers
    request = PeerReviewRequest.objects.get(appraisal=appraisal, reviewer=reviewers[0])
    client.force_login(reviewers[1])
    assert client.get(f"/people/peer-reviews/{request.pk}/").status_code == 404
    assert client.post(f"/api/v1/people/peer-reviews/{request.pk}/answer/", {"ratings": {}},
                       content_type="application/json").status_code == 404
    assert answer(client, reviewers[0], appraisal, 4, "").status_code == 302
    again = answer(client, reviewers[0], appraisal, 4, "")
    assert again.status_code == 400
    assert PeerReviewAnswer.objects.filter(appraisal=appraisal).count() == 1


def test_the_employee_never_reaches_the_requests_of_their_own_appraisal(org, peers):
    appraisal, _reviewers = peers
    assert not PeerReviewRequest.objects.for_user(org.users["staff"]).filter(appraisal=appraisal).exists()
    assert PeerReviewRequest.objects.for_user(org.users["store_manager"]).filter(appraisal=appraisal).count() == 4


def test_an_answer_needs_every_competency_rated(org, client, peers):
    appraisal, reviewers = peers
    request = PeerReviewRequest.objects.get(appraisal=appraisal, reviewer=reviewers[0])
    client.force_login(reviewers[0])
    response = client.post(f"/api/v1/people/peer-reviews/{request.pk}/answer/", {"ratings": {}},
                           content_type="application/json")
    assert response.status_code == 422
    assert {item["loc"][1] for item in response.json()["detail"]} == {
        f"rating_{pk}" for pk in appraisal.competency_ratings.values_list("pk", flat=True)}
    assert not PeerReviewAnswer.objects.exists()
