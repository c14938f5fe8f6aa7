"""Permission-matrix declarations of the HR case pages and API operations (see core/testing/matrix.py).

A case is readable only by its owner, HR and its members, so the in-scope case is owned by the signed-in user (at
store a1); the out-of-scope case lies at `org.store_for(user, False)` and is owned by someone else (company B's
administrator, or in company A the target staff user). Both have the target user as a member and one document.
"""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.people.models.cases import HrCase, HrCaseDocument, HrCaseStep
from opsdesk.people.specs import cases as specs

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def _case(org, user, in_scope) -> HrCase:
    store = org.store_for(user, in_scope)
    company = store.region.company
    owner = user if in_scope else (org.other_user if company == org.other_company else org.target_user)
    case = HrCase.objects.create(company=company, store=store, number=f"HRM-{_next()}", case_type="dispute",
                                 title="矩阵案件", owner=owner, opened_on=date(2026, 11, 2))
    if company == org.company:
        case.members.add(org.target_user)
    HrCaseStep.objects.create(case=case, date=date(2026, 11, 3), description="约谈", author=owner)
    return case


def _document(org, user, in_scope) -> HrCaseDocument:
    document = HrCaseDocument(case=_case(org, user, in_scope), title="陈述", original_name="statement.pdf",
                              content_type="application/pdf", size=len(PDF))
    document.file.save("statement.pdf", SimpleUploadedFile("statement.pdf", PDF), save=True)
    return document


def _case_data(org, user, case):
    return {"store": org.stores["a1"].pk, "case_type": "grievance", "title": "排班争议", "description": "矩阵",
            "owner": user.pk, "status": "investigating", "opened_on": "2026-11-01", "closed_on": "",
            "outcome": ""}


def _step_data(org, user, case):
    return {"date": "2026-11-20", "description": "再次约谈双方"}


def _member_data(org, user, case):
    return {"user": org.users["auditor"].pk}


def _document_data(org, user, case):
    return {"title": "警告信", "file": SimpleUploadedFile("warning.pdf", PDF, content_type="application/pdf")}


def _member_args(case):
    return [case.pk, case.members.first().pk if case.members.exists() else 999999]


ROUTES = [
    *spec_routes(specs.case, _case, _case_data),
    Route("people:case_step_add", "action", area="people_cases", action="change", make_object=_case,
          post_data=_step_data),
    Route("people:case_member_add", "action", area="people_cases", action="change", make_object=_case,
          post_data=_member_data),
    Route("people:case_member_remove", "action", area="people_cases", action="change", make_object=_case,
          url_args=_member_args),
    Route("people:case_document_upload", "action", area="people_cases", action="change", make_object=_case,
          post_data=_document_data),
    Route("people:case_document_download", "detail", area="people_cases", make_object=_document),
    Route("POST /api/v1/people/cases/{object_id}/steps/", "api-write", area="people_cases", action="change",
          make_object=_case, post_data=_step_data, post_status=201),
    Route("POST /api/v1/people/cases/{object_id}/members/", "api-write", area="people_cases", action="change",
          make_object=_case, post_data=lambda org, user, case: {"user_id": org.users["auditor"].pk}),
]
