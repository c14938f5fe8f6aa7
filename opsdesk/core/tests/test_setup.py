"""The first day: `opsdesk init` / the first-run page create the company and its administrator; the company settings
page changes country (holidays), currency, time zone and default language."""

from __future__ import annotations

import argparse
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from opsdesk import cli
from opsdesk.core import extensions, services
from opsdesk.core.middleware import company_preferences, forget_company_preferences
from opsdesk.core.models import Company, User

PASSWORD = "Fr1st-day-pass!"
FORM = {"name": "华联超市", "code": "HL", "country": "CN", "currency": "CNY", "time_zone": "Asia/Shanghai",
        "language": "zh-hans", "admin_username": "boss", "admin_email": "boss@example.com", "password1": PASSWORD,
        "password2": PASSWORD}


@pytest.mark.django_db
def test_an_empty_database_leads_from_the_login_page_to_the_first_run_page(client):
    # when
    response = client.get(reverse("core:login"))
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("core:first_run")


@pytest.mark.django_db
def test_the_first_run_page_creates_the_company_and_a_company_wide_administrator_then_closes(client):
    # when
    response = client.post(reverse("core:first_run"), FORM)
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:batch_list")
    company = Company.objects.get()
    assert (company.code, company.name, company.country, company.currency, company.time_zone, company.language) == (
        "HL", "华联超市", "CN", "CNY", "Asia/Shanghai", "zh-hans")
    admin = User.objects.get()
    assert (admin.username, admin.role, admin.company_id, admin.has_company_scope, admin.email) == (
        "boss", "admin", company.pk, True, "boss@example.com")
    assert admin.check_password(PASSWORD)
    assert client.get(reverse("core:home")).status_code == 200  # signed in as the new administrator
    assert client.get(reverse("core:first_run")).status_code == 404
    client.logout()
    assert client.post(reverse("core:first_run"), {**FORM, "code": "X2", "admin_username": "intruder"}
                       ).status_code == 404
    assert (Company.objects.count(), User.objects.count()) == (1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "field", "fragment"), [
    ({"country": "XX"}, "country", "XX"),
    ({"password2": "something-else-9"}, "password2", "两次输入的密码不一致"),
    ({"password1": "123", "password2": "123"}, "password1", ""),
    ({"currency": "RMB1"}, "currency", ""),
])
def test_the_first_run_page_names_the_field_that_is_wrong_and_creates_nothing(client, changes, field, fragment):
    # when
    response = client.post(reverse("core:first_run"), {**FORM, **changes})
    # then
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert fragment in " ".join(errors[field])
    assert (Company.objects.count(), User.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_company_setup_refuses_an_unknown_time_zone_and_a_taken_user_name():
    # given
    services.company_setup(name="A", code="A", country="US", currency="usd", time_zone="America/New_York",
                           language="en", admin_username="admin", admin_password=PASSWORD)
    # when
    with pytest.raises(ValidationError) as error:
        services.company_setup(name="B", code="B", country="GB", currency="GBP", time_zone="Mars/Olympus",
                               language="en", admin_username="admin", admin_password=PASSWORD)
    # then
    assert set(error.value.message_dict) == {"time_zone", "username"}
    assert Company.objects.get().currency == "USD"  # codes are stored upper-case


@pytest.mark.django_db
def test_company_setup_runs_every_registered_app_default_once(monkeypatch):
    # given
    seen = []
    monkeypatch.setattr(extensions, "_COMPANY_SETUPS", [lambda company: seen.append(company.code)])
    # when
    services.company_setup(name="A", code="A1", country="DE", currency="EUR", time_zone="Europe/Berlin",
                           language="en", admin_username="admin", admin_password=PASSWORD)
    # then
    assert seen == ["A1"]


@pytest.mark.django_db
def test_opsdesk_init_creates_the_company_from_the_command_line(monkeypatch, capsys):
    # given
    monkeypatch.setattr(cli, "_setup_django", lambda: None)
    monkeypatch.setattr(cli, "_migrate", lambda: None)
    monkeypatch.setenv("OPSDESK_ADMIN_PASSWORD", PASSWORD)
    args = cli.build_parser().parse_args(["init", "--name", "Superstore US", "--code", "SSUS", "--country", "US",
                                          "--currency", "USD", "--time-zone", "America/Chicago", "--language", "en",
                                          "--admin", "ops"])
    # when
    status = args.func(args)
    # then
    assert status == 0
    company = Company.objects.get()
    assert (company.country, company.currency, company.time_zone, company.language) == (
        "US", "USD", "America/Chicago", "en")
    assert User.objects.get().username == "ops"
    assert "company SSUS" in capsys.readouterr().out


@pytest.mark.django_db
def test_opsdesk_init_prints_each_wrong_field_and_fails(monkeypatch, capsys):
    # given
    monkeypatch.setattr(cli, "_setup_django", lambda: None)
    monkeypatch.setattr(cli, "_migrate", lambda: None)
    monkeypatch.setenv("OPSDESK_ADMIN_PASSWORD", PASSWORD)
    args = argparse.Namespace(name="X", code="X", country="ZZ", currency="CNY", time_zone="Asia/Shanghai",
                              language="zh-hans", admin="admin", email="")
    # when
    status = cli.cmd_init(args)
    # then
    assert status == 2
    assert capsys.readouterr().err.startswith("country: ")
    assert not Company.objects.exists()


def test_company_settings_change_country_currency_time_zone_and_language(client, org):
    # given
    client.force_login(org.users["coo"])
    url = reverse("core:company_settings")
    data = {"name": "ACME UK", "country": "GB", "currency": "gbp", "time_zone": "Europe/London", "language": "en"}
    # when
    response = client.post(url, data)
    # then
    assert response.status_code == 302
    company = Company.objects.get(pk=org.company.pk)
    assert (company.name, company.country, company.currency, company.time_zone, company.language) == (
        "ACME UK", "GB", "GBP", "Europe/London", "en")
    assert company_preferences(company.pk).time_zone == ZoneInfo("Europe/London")
    forget_company_preferences(company.pk)


def test_company_settings_refuse_a_time_zone_that_does_not_exist(client, org):
    # given
    client.force_login(org.users["admin"])
    # when
    response = client.post(reverse("core:company_settings"), {"name": "ACME", "country": "CN", "currency": "CNY",
                                                               "time_zone": "Asia/Atlantis", "language": "zh-hans"})
    # then
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert Company.objects.get(pk=org.company.pk).time_zone == "Asia/Shanghai"


@pytest.mark.parametrize("role", ["regional_manager", "supervisor", "store_manager", "hr", "auditor"])
def test_only_company_wide_administrators_and_the_coo_change_company_settings(client, org, role):
    # given
    client.force_login(org.users[role])
    # when
    response = client.post(reverse("core:company_settings"), {"name": "Hijack", "country": "US", "currency": "USD",
                                                               "time_zone": "UTC", "language": "en"})
    # then
    assert response.status_code == 403
    assert Company.objects.get(pk=org.company.pk).name == "ACME 连锁"


def test_requests_run_in_the_company_time_zone_and_default_language(client, org):
    # given
    Company.objects.filter(pk=org.company.pk).update(time_zone="Europe/London", language="en")
    forget_company_preferences(org.company.pk)
    user = org.users["store_manager"]
    User.objects.filter(pk=user.pk).update(language="")
    client.force_login(user)
    seen = {}

    def spy(request):
        seen["zone"] = timezone.get_current_timezone_name()
        from django.http import HttpResponse

        return HttpResponse("")

    from opsdesk.core.middleware import UserLanguageMiddleware

    user.language = ""
    request = type("Request", (), {"user": user, "LANGUAGE_CODE": "zh-hans", "COOKIES": {}})()
    # when
    response = UserLanguageMiddleware(spy)(request)
    # then
    assert seen["zone"] == "Europe/London"
    assert response.headers["Content-Language"] == "en"
    forget_company_preferences(org.company.pk)


def test_forgetting_every_company_preference_reads_each_company_again(org, django_assert_num_queries):
    # given: both companies' preferences cached
    company_preferences(org.company.pk)
    company_preferences(org.other_company.pk)
    with django_assert_num_queries(0):
        company_preferences(org.company.pk)
        company_preferences(org.other_company.pk)
    # when
    forget_company_preferences()
    # then: one query per company, then cached again
    with django_assert_num_queries(2):
        company_preferences(org.company.pk)
        company_preferences(org.other_company.pk)
    with django_assert_num_queries(0):
        company_preferences(org.company.pk)
