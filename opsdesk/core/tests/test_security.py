"""Sign-in protection, password hashing, sessions, self-service limits, CSRF on API session writes, API tokens."""

import hashlib
import json
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opsdesk.core import services
from opsdesk.core.choices import RoleChoices
from opsdesk.core.models import ApiToken, Store, User
from opsdesk.core.testing.factories import make_token, make_user

PASSWORD = "correct-horse-battery-42"
LOGIN_URL = reverse("core:login")


def _sign_in(client, username: str, password: str, address: str):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def account(db):
    return make_user(RoleChoices.STAFF, username="alice", password=PASSWORD)


def _lock(client, username: str, address: str) -> list[int]:
    attempts = range(settings.AXES_FAILURE_LIMIT)
    return [_sign_in(client, username, "wrong-password", address).status_code for _ in attempts]


def test_failures_below_the_limit_show_the_form_again(client, account):
    # given / when
    statuses = [_sign_in(client, "alice", "wrong-password", "10.0.0.1").status_code for _ in range(4)]
    # then
    assert settings.AXES_FAILURE_LIMIT == 5
    assert statuses == [200, 200, 200, 200]


def test_repeated_failures_lock_the_username_from_that_address(client, account):
    # given
    statuses = _lock(client, "alice", "10.0.0.1")
    # when: the right password, same username, same address
    response = _sign_in(client, "alice", PASSWORD, "10.0.0.1")
    # then: refused with the lockout page, and nobody is signed in
    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    assert 'id="locked-out"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_does_not_reach_the_same_username_from_another_address(client, account):
    # given
    _lock(client, "alice", "10.0.0.1")
    # when
    response = _sign_in(client, "alice", PASSWORD, "10.0.0.2")
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(account.pk)


def test_lockout_does_not_reach_another_username_from_the_same_address(client, account):
    # given
    make_user(RoleChoices.STAFF, username="bob", password=PASSWORD)
    _lock(client, "alice", "10.0.0.1")
    # when
    response = _sign_in(client, "bob", PASSWORD, "10.0.0.1")
    # then
    assert response.status_code == 302


def test_passwords_are_hashed_with_argon2(account):
    # given / when
    stored = User.objects.get(pk=account.pk).password
    # then
    assert stored.startswith("argon2$argon2id$")
    assert PASSWORD not in stored
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_sessions_expire_after_eight_hours_and_at_browser_close(client, account):
    # given
    _sign_in(client, "alice", PASSWORD, "10.0.0.9")
    # when
    session = client.session
    # then
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert session.get_expiry_age() == 8 * 3600
    assert session.get_expire_at_browser_close() is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_admin_cannot_change_own_role_or_scope_through_the_page(client, org):
    # given
    admin = org.users["admin"]
    client.force_login(admin)
    data = {"username": admin.username, "first_name": "Ada", "last_name": "", "email": "", "role": "staff",
            "scope_stores": [org.stores["a1"].pk], "language": "", "is_active": "on"}
    # when: the form asks for the staff role, no company scope, one store
    response = client.post(reverse("core:user_edit", args=[admin.pk]), data)
    # then: the details change, the access does not
    admin.refresh_from_db()
    assert response.status_code == 302
    assert (admin.first_name, admin.role, admin.has_company_scope) == ("Ada", "admin", True)
    assert list(admin.scope_stores.all()) == []


def test_admin_cannot_change_own_role_through_the_service(org):
    # given
    admin = org.users["admin"]
    # when / then
    with pytest.raises(PermissionDenied):
        services.user_update(actor=admin, user=admin, data={"role": "staff"})
    admin.refresh_from_db()
    assert admin.role == "admin"


@pytest.mark.parametrize("role", ["coo", "regional_manager", "supervisor", "store_manager", "staff", "auditor"])
def test_other_roles_cannot_open_their_own_account_page(client, org, role):
    # given
    user = org.users[role]
    client.force_login(user)
    # when
    response = client.post(reverse("core:user_edit", args=[user.pk]), {"username": user.username, "role": "admin",
                                                                       "has_company_scope": "on"})
    # then
    user.refresh_from_db()
    assert response.status_code == 404
    assert user.role == role


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_api_session_write_without_csrf_token_is_refused(org):
    # given
    client = _csrf_client(org.users["coo"])
    store = org.stores["a1"]
    # when
    response = client.patch(f"/api/v1/stores/{store.pk}/", json.dumps({"name": "no token"}),
                            content_type="application/json")
    # then
    assert response.status_code == 403
    assert Store.objects.get(pk=store.pk).name == "上海一店"


def test_api_session_write_with_csrf_token_is_accepted(org):
    # given: the CSRF cookie from a page with a form
    client = _csrf_client(org.users["coo"])
    store = org.stores["a1"]
    client.get(reverse("core:store_edit", args=[store.pk]))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    # when
    response = client.patch(f"/api/v1/stores/{store.pk}/", json.dumps({"name": "with token"}),
                            content_type="application/json", HTTP_X_CSRFTOKEN=token)
    # then
    assert response.status_code == 200
    assert Store.objects.get(pk=store.pk).name == "with token"


def test_api_token_write_needs_no_csrf_token(org):
    # given
    client = Client(enforce_csrf_checks=True)
    _token, key = make_token(org.users["coo"])
    store = org.stores["a1"]
    # when
    response = client.patch(f"/api/v1/stores/{store.pk}/", json.dumps({"name": "bearer"}),
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    # then
    assert response.status_code == 200
    assert Store.objects.get(pk=store.pk).name == "bearer"


def test_api_tokens_store_only_the_hash_of_the_key(org):
    # given
    user = org.users["staff"]
    # when
    token, key = services.api_token_create(actor=user, name="laptop")
    # then
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert row["prefix"] == key[:12]
    assert key not in json.dumps(row, default=str)
    assert len(key) > 40


def test_revoked_token_is_refused(client, org):
    # given
    user = org.users["staff"]
    token, key = services.api_token_create(actor=user, name="laptop")
    assert client.get("/api/v1/stores/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    # when
    services.api_token_revoke(actor=user, token=token)
    response = client.get("/api/v1/stores/", HTTP_AUTHORIZATION=f"Bearer {key}")
    # then
    assert response.status_code == 401


def test_token_page_revokes_own_token_and_not_anothers(client, org):
    # given
    user = org.users["staff"]
    own, _key = make_token(user)
    foreign, _key = make_token(org.users["coo"])
    client.force_login(user)
    # when
    foreign_response = client.post(reverse("core:token_revoke", args=[foreign.pk]))
    own_response = client.post(reverse("core:token_revoke", args=[own.pk]))
    # then
    assert (foreign_response.status_code, own_response.status_code) == (404, 302)
    assert ApiToken.objects.get(pk=foreign.pk).revoked_at is None
    assert ApiToken.objects.get(pk=own.pk).revoked_at is not None


@pytest.mark.parametrize("url_name", ["api-1.0.0:openapi-view", "api-1.0.0:openapi-json"])
def test_openapi_docs_are_for_signed_in_users_only(client, org, url_name):
    # given
    url = reverse(url_name)
    # when
    anonymous = client.get(url)
    client.force_login(org.users["staff"])
    signed_in = client.get(url)
    # then
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(LOGIN_URL)
    assert signed_in.status_code == 200


def test_a_session_is_written_at_most_once_per_refresh_interval(client, org):
    # given: a signed-in user whose session was refreshed just now
    from django.contrib.sessions.models import Session

    client.force_login(org.users["coo"])
    client.get(reverse("core:store_list"))
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    # when: more pages within the interval, then a page after it
    client.get(reverse("core:store_list"))
    unchanged = Session.objects.get(session_key=key).expire_date
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OPSDESK_SESSION_REFRESH_SECONDS + 60)):
        client.get(reverse("core:store_list"))
        refreshed = Session.objects.get(session_key=key).expire_date
    # then
    assert unchanged == first
    assert refreshed > first
