"""Serving files users uploaded (photos, supplier documents): never as a page of this site.

Every such response carries `Content-Security-Policy: sandbox` (a stored "PDF" holding HTML and script runs in an
opaque origin with no script, no forms, no cookies of ours), `X-Content-Type-Options: nosniff` (the browser keeps
the type we say) and a private cache policy. Callers decide inline vs attachment: inline only for types the upload
check proved from the bytes.
"""

from __future__ import annotations

from django.http import HttpResponse

SANDBOX = "sandbox"


def harden_file_response(response: HttpResponse, *, cache: str = "private, max-age=3600") -> HttpResponse:
    """Add the headers every user-file response carries (see the module docstring)."""
    response["Content-Security-Policy"] = SANDBOX
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    return response
