"""Request middleware of the core app."""

import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone, translation

from opsdesk.core.formatting import current_currency


@dataclass(frozen=True)
class CompanyPreferences:
    """What a request of a company's user runs with: the company's time zone and default language."""

    time_zone: ZoneInfo
    language: str
    currency: str = "CNY"


_PREFERENCES: dict[int, tuple[float, CompanyPreferences]] = {}
_PREFERENCES_SECONDS = 60.0


def company_preferences(company_id: int) -> CompanyPreferences | None:
    """The company's time zone and language, read at most once a minute per process (no query per request)."""
    cached = _PREFERENCES.get(company_id)
    now = time.monotonic()
    if cached is not None and now - cached[0] < _PREFERENCES_SECONDS:
        return cached[1]
    from opsdesk.core.models import Company

    row = Company.objects.filter(pk=company_id).values("time_zone", "language", "currency").first()
    if row is None:
        return None
    try:
        zone = ZoneInfo(row["time_zone"])
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    preferences = CompanyPreferences(zone, row["language"], row["currency"] or "CNY")
    _PREFERENCES[company_id] = (now, preferences)
    return preferences


def forget_company_preferences(company_id: int | None = None) -> None:
    """Drop the cached preferences of a company (after its settings change), or of every company (None)."""
    if company_id is None:
        _PREFERENCES.clear()
    else:
        _PREFERENCES.pop(company_id, None)


class UserLanguageMiddleware:
    """Activate the signed-in user's interface language (else the company's default, after LocaleMiddleware
    picked one) and the company's time zone."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        language = getattr(user, "language", "") if signed_in else ""
        company = company_preferences(user.company_id) if signed_in and user.company_id else None
        currency_token = current_currency.set(company.currency if company is not None else "CNY")
        if company is not None:
            timezone.activate(company.time_zone)
            # The user's own choice first, then the language cookie (the sign-in page's switch), then the company.
            if not language and settings.LANGUAGE_COOKIE_NAME not in getattr(request, "COOKIES", {}):
                language = company.language
        if language in self.known:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()  # the next request on this thread starts from the default again
            current_currency.reset(currency_token)
        if language in self.known:
            response.headers.setdefault("Content-Language", language)
        return response


class SessionRefreshMiddleware:
    """Sliding session expiry without a database write on every request.

    A session is saved again (its expiry pushed forward) at most once per `OPSDESK_SESSION_REFRESH_SECONDS`
    (default 300 s): on SQLite a write per request queued every page behind a running import's write transaction.
    Idle sessions still end after SESSION_COOKIE_AGE, give or take the refresh interval.
    """

    KEY = "_opsdesk_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response
        self.interval = int(getattr(settings, "OPSDESK_SESSION_REFRESH_SECONDS", 300))

    def __call__(self, request):
        import time

        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= self.interval:
                session[self.KEY] = now  # marks the session modified: SessionMiddleware saves it once
        return response
