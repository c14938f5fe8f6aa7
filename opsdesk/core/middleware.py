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
