"""Request middleware of the core app."""

from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Activate the signed-in user's chosen interface language (after LocaleMiddleware picked a default)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language in self.known:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
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
