"""Kit spec of HR cases (pages people:case_*, REST /api/v1/people/cases/): confidential, every open audited."""

from __future__ import annotations

from opsdesk.core.kit import ObjectSpec
from opsdesk.people.models.cases import HrCase
from opsdesk.people.services import cases as services


class CaseSpec(ObjectSpec):
    """The case spec: REST reads of one case are audited (api.cases)."""

    def register_api(self, router) -> None:
        from opsdesk.people.api.cases import register_case_api

        register_case_api(router, self)


def _case_context(request, instance):
    from opsdesk.people.views.cases import case_detail_context

    return case_detail_context(request, instance)


case = CaseSpec(
    HrCase, path="cases", name="case", fields=services.CASE_FIELDS,
    columns=("number", "title", "case_type", "store", "status", "owner", "opened_on"),
    detail_fields=("number", "case_type", "store", "status", "owner", "opened_on", "closed_on", "title",
                   "description", "outcome"),
    search_fields=("number", "title"),
    filter_fields=("case_type", "status", "store", "opened_on"),
    assignee_fields=("owner",),
    select_related=("store", "owner"),
    api_out_fields=("number", "case_type", "store", "title", "description", "parties", "owner", "status",
                    "opened_on", "closed_on", "outcome"),
    create_with=services.case_create,
    update_with=services.case_update,
    detail_template="people/cases/case_detail.html",
    detail_context=_case_context,
)

ALL = (case,)


def _bind_views() -> None:
    from opsdesk.people.views.cases import case_views

    case.views.update(case_views(case))


_bind_views()
