"""Company replenishment policy settings: the plan's parameters, validation, the page, the API, roles and scope."""

import math

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django_tasks import default_task_backend

from opsdesk.core.models import Company
from opsdesk.replenishment import jobs, selectors, services
from opsdesk.replenishment.models import PlanRun, Proposal, ReplenishmentSettings
from opsdesk.replenishment.services import DEFAULT_PARAMS
from opsdesk.replenishment.tests.factories import make_world

pytestmark = pytest.mark.django_db
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
Z_98 = 2.053749  # Phi^-1(0.98), class A by default
Z_80 = 0.841621  # Phi^-1(0.80)
VALID = {"service_level_a": 0.97, "service_level_b": 0.93, "service_level_c": 0.85, "service_measure": "cycle",
         "min_pair_fill_rate": "", "review_days": 14, "risk_days": 5, "overstock_days": 120, "dead_days": 45}


def _row(company, **fields) -> ReplenishmentSettings:
    return ReplenishmentSettings.objects.create(company=company, **fields)


def _plan(company) -> PlanRun:
    run = services.plan_run_request(actor=None, company=company, enqueue=False)
    return services.plan_run_execute(run.pk)


# ----------------------------------------------------------------------------- plan parameters


def test_plan_params_without_a_row_are_the_defaults():
    # given
    company = Company.objects.create(code="PP0", name="默认")
    # when
    params = selectors.plan_params(company)
    # then: equal, and a copy (a caller's change never alters the defaults)
    assert params == DEFAULT_PARAMS
    params["review_days"] = 1.0
    assert DEFAULT_PARAMS["review_days"] == 7.0


def test_plan_params_with_a_row_override_every_policy_key():
    # given
    company = Company.objects.create(code="PP1", name="自定义")
    _row(company, service_level_a=0.99, service_level_b=0.9, service_level_c=0.8, service_measure="fill_rate_pooled",
         min_pair_fill_rate=0.7, review_days=14.0, risk_days=3, overstock_days=120.0, dead_days=30)
    # when
    params = selectors.plan_params(company)
    # then
    assert params == {"review_days": 14.0, "check_interval_days": 1.0, "service_levels": [0.99, 0.9, 0.8],
                      "service_measure": "fill_rate_pooled", "min_pair_fill_rate": 0.7, "risk_days": 3,
                      "overstock_days": 120.0, "dead_days": 30}


def test_a_new_row_holds_the_default_params():
    # given / when: the model's field defaults (what the page shows before anything is saved)
    params = selectors.settings_params(ReplenishmentSettings())
    # then
    assert params == {key: DEFAULT_PARAMS[key] for key in params}
    assert set(DEFAULT_PARAMS) - set(params) == {"check_interval_days"}


def test_plan_run_request_stores_the_company_settings_and_explicit_params_win(org):
    # given
    _row(org.company, service_level_a=0.9, review_days=10.0, dead_days=30)
    # when
    run = services.plan_run_request(actor=None, company=org.company, enqueue=False)
    run.status = "done"
    run.save()
    explicit = services.plan_run_request(actor=None, company=org.company, enqueue=False,
                                         params={"review_days": 3.0, "risk_days": 2})
    other = services.plan_run_request(actor=None, company=org.other_company, enqueue=False)
    # then
    assert run.params == {**DEFAULT_PARAMS, "service_levels": [0.9, 0.95, 0.9], "review_days": 10.0, "dead_days": 30}
    assert explicit.params == {**run.params, "review_days": 3.0, "risk_days": 2}
    assert other.params == DEFAULT_PARAMS


@override_settings(TASKS=DUMMY)
def test_the_nightly_plan_uses_the_company_settings(org):
    # given
    _row(org.company, service_level_c=0.85, overstock_days=60.0)
    default_task_backend.clear()
    # when
    jobs.enqueue_nightly_plan()
    # then
    run = PlanRun.objects.get(company=org.company, kind="nightly")
    assert run.params["service_levels"] == [0.98, 0.95, 0.85]
    assert run.params["overstock_days"] == 60.0
    assert PlanRun.objects.get(company=org.other_company, kind="nightly").params == DEFAULT_PARAMS


def test_a_lower_service_level_lowers_the_safety_stock_of_the_next_plan(org):
    # given: the fast seller of store a1 is class A, sigma 3/day, lead time 3 days (+1 day check interval)
    make_world(company=org.company, stores=[org.stores["a1"], org.stores["b1"]], code="SS")
    before = _plan(org.company)
    # when
    services.replenishment_settings_update(actor=org.users["coo"], service_level_a=0.80)
    after = _plan(org.company)
    # then: SS = z * sqrt(4 * 9) with z for 98% before and for 80% after
    fast_before = Proposal.objects.get(run=before, store=org.stores["a1"], product__sku="SS-P-FAST")
    fast_after = Proposal.objects.get(run=after, store=org.stores["a1"], product__sku="SS-P-FAST")
    assert (fast_before.abc_class, fast_after.abc_class) == ("A", "A")
    assert fast_before.safety_stock == pytest.approx(Z_98 * 6, abs=1e-3)
    assert fast_after.safety_stock == pytest.approx(Z_80 * 6, abs=1e-3)
    assert (fast_before.service_level, fast_after.service_level) == (0.98, 0.8)
    assert after.params["service_levels"] == [0.8, 0.95, 0.9]


# ----------------------------------------------------------------------------- the service


@pytest.mark.parametrize(("field", "value"), [
    ("service_level_a", 1.0), ("service_level_b", 0.4), ("service_level_c", math.nan), ("review_days", 0.5),
    ("review_days", 91), ("risk_days", 0), ("risk_days", 61), ("overstock_days", 6), ("dead_days", 366),
    ("service_measure", "lost_sales"), ("min_pair_fill_rate", 0.3),
])
def test_an_out_of_range_value_is_refused_at_its_field_and_nothing_is_saved(org, field, value):
    # given: the pooled measure, so that only the field under test can be wrong
    fields = {"service_measure": "fill_rate_pooled", field: value}
    # when
    with pytest.raises(ValidationError) as caught:
        services.replenishment_settings_update(actor=org.users["coo"], **fields)
    # then
    assert list(caught.value.message_dict) == [field]
    assert ReplenishmentSettings.objects.count() == 0


def test_min_pair_fill_rate_only_with_the_pooled_measure_and_below_the_lowest_class_target(org):
    # given
    coo = org.users["coo"]
    # when
    with translation.override("zh-hans"), pytest.raises(ValidationError) as not_pooled:
        services.replenishment_settings_update(actor=coo, service_measure="fill_rate", min_pair_fill_rate=0.8)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as too_high:
        services.replenishment_settings_update(actor=coo, service_measure="fill_rate_pooled", service_level_c=0.85,
                                               min_pair_fill_rate=0.85)
    saved = services.replenishment_settings_update(actor=coo, service_measure="fill_rate_pooled",
                                                   min_pair_fill_rate=0.84)
    # then
    assert not_pooled.value.message_dict == {
        "min_pair_fill_rate": ["单品最低满足率只用于“分类总满足率”口径，其他口径请留空。"]}
    assert too_high.value.message_dict == {"min_pair_fill_rate": ["单品最低满足率必须低于最低的分类目标 0.85。"]}
    assert (saved.service_measure, saved.min_pair_fill_rate, saved.updated_by) == ("fill_rate_pooled", 0.84, coo)
    assert ReplenishmentSettings.objects.count() == 1


def test_a_class_b_target_above_class_a_is_allowed(org):
    # given / when: no ordering between the class targets is enforced
    saved = services.replenishment_settings_update(actor=org.users["admin"], service_level_a=0.9,
                                                   service_level_b=0.97)
    # then
    assert (saved.service_level_a, saved.service_level_b, saved.service_level_c) == (0.9, 0.97, 0.9)


@pytest.mark.parametrize("role", ["regional_manager", "supervisor", "store_manager", "staff", "auditor", "supplier"])
def test_only_the_coo_and_the_administrator_may_configure(org, role):
    # when / then
    with pytest.raises(PermissionDenied):
        services.replenishment_settings_update(actor=org.users[role], review_days=14)
    assert ReplenishmentSettings.objects.count() == 0


def test_another_company_cannot_be_configured(org):
    # when / then
    with pytest.raises(PermissionDenied):
        services.replenishment_settings_update(actor=org.users["coo"], company=org.other_company, review_days=14)
    assert ReplenishmentSettings.objects.count() == 0


# ----------------------------------------------------------------------------- the page


def test_coo_saves_the_settings_on_the_page_and_the_change_is_audited(org, login):
    # given
    client = login(org.users["coo"])
    page = client.get(reverse("replenishment:settings"))
    # when
    response = client.post(reverse("replenishment:settings_edit"), VALID)
    # then
    assert page.status_code == 200
    assert page.context["form"] is not None
    assert page.context["is_default"] is True
    assert response.status_code == 302
    assert response["Location"] == reverse("replenishment:settings")
    saved = ReplenishmentSettings.objects.get(company=org.company)
    assert selectors.settings_params(saved) == {
        "service_levels": [0.97, 0.93, 0.85], "service_measure": "cycle", "min_pair_fill_rate": None,
        "review_days": 14.0, "risk_days": 5, "overstock_days": 120.0, "dead_days": 45}
    assert saved.updated_by == org.users["coo"]
    entry = LogEntry.objects.get_for_object(saved).get()
    assert (entry.action, entry.actor, entry.additional_data) == (
        LogEntry.Action.CREATE, org.users["coo"], {"company_id": org.company.pk})
    shown = client.get(reverse("replenishment:settings"))
    assert [row["value"] for row in shown.context["rows"]][:3] == ["97%", "93%", "85%"]
    assert shown.context["is_default"] is False


def test_an_invalid_value_is_shown_at_its_field_and_nothing_changes(org, login):
    # given
    _row(org.company, service_level_a=0.99)
    client = login(org.users["admin"])
    # when
    response = client.post(reverse("replenishment:settings_edit"), {**VALID, "service_level_a": "1.5",
                                                                    "min_pair_fill_rate": "0.6"})
    # then: both errors at their fields; the current values are still the saved ones
    form = response.context["form"]
    assert response.status_code == 400
    assert set(form.errors) == {"service_level_a", "min_pair_fill_rate"}
    assert 'id="id_service_level_a"' in response.content.decode()
    assert response.context["rows"][0]["value"] == "99%"
    assert ReplenishmentSettings.objects.get(company=org.company).service_level_a == 0.99


@pytest.mark.parametrize("role", ["store_manager", "auditor"])
def test_view_only_roles_see_the_settings_but_may_not_change_them(org, login, role):
    # given
    _row(org.company, review_days=21.0)
    client = login(org.users[role])
    # when
    page = client.get(reverse("replenishment:settings"))
    edit = client.get(reverse("replenishment:settings_edit"))
    post = client.post(reverse("replenishment:settings_edit"), VALID)
    post_on_page = client.post(reverse("replenishment:settings"), VALID)
    # then
    assert page.status_code == 200
    assert page.context["form"] is None
    assert 'id="settings-form"' not in page.content.decode()
    assert page.context["rows"][5]["name"] == "review_days"
    assert page.context["rows"][5]["value"] == "21 天"
    assert (edit.status_code, post.status_code, post_on_page.status_code) == (403, 403, 405)
    assert ReplenishmentSettings.objects.get(company=org.company).review_days == 21.0


def test_a_company_never_sees_another_companys_settings(org, login):
    # given: only company B has settings
    _row(org.other_company, service_level_a=0.77, review_days=33.0)
    client = login(org.users["coo"])
    # when
    page = client.get(reverse("replenishment:settings"))
    api = client.get("/api/v1/replenishment/settings/").json()
    # then
    content = page.content.decode()
    assert page.context["current"].pk is None
    assert "77%" not in content
    assert "33 天" not in content
    assert (api["is_default"], api["service_level_a"], api["review_days"]) == (True, 0.98, 7.0)
    assert selectors.replenishment_settings_get(user=org.other_user).service_level_a == 0.77


def test_settings_are_linked_from_the_run_list_and_the_menu(org, login):
    # given
    client = login(org.users["staff"])
    # when
    content = client.get(reverse("replenishment:run_list")).content.decode()
    # then
    assert content.count(f'href="{reverse("replenishment:settings")}"') == 2


# ----------------------------------------------------------------------------- the API


def test_api_reads_the_defaults_then_puts_the_settings(org, login):
    # given
    client = login(org.users["coo"])
    body = {**VALID, "min_pair_fill_rate": None}
    # when
    before = client.get("/api/v1/replenishment/settings/").json()
    put = client.put("/api/v1/replenishment/settings/", body, content_type="application/json")
    after = client.get("/api/v1/replenishment/settings/").json()
    # then
    assert {key: before[key] for key in VALID} == {
        "service_level_a": 0.98, "service_level_b": 0.95, "service_level_c": 0.9, "service_measure": "cycle",
        "min_pair_fill_rate": None, "review_days": 7.0, "risk_days": 7, "overstock_days": 90.0, "dead_days": 60}
    assert (before["is_default"], before["updated_by"]) == (True, None)
    assert put.status_code == 200
    assert {key: after[key] for key in VALID} == body
    assert (after["is_default"], after["updated_by"]) == (False, "matrix-coo")


def test_api_put_answers_field_errors_and_refuses_view_only_roles(org, login):
    # given
    body = {**VALID, "min_pair_fill_rate": 0.7, "dead_days": 400}
    # when
    invalid = login(org.users["admin"]).put("/api/v1/replenishment/settings/", body,
                                            content_type="application/json")
    denied = login(org.users["store_manager"]).put("/api/v1/replenishment/settings/",
                                                   {**VALID, "min_pair_fill_rate": None},
                                                   content_type="application/json")
    # then
    assert invalid.status_code == 422
    assert set(invalid.json()["errors"]) == {"min_pair_fill_rate", "dead_days"}
    assert denied.status_code == 403
    assert ReplenishmentSettings.objects.count() == 0
