"""The Content-Security-Policy: our pages run only our own static scripts; no template has inline script."""

import re
from pathlib import Path

from django.urls import reverse

PACKAGE = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def test_pages_carry_a_policy_without_inline_script(client, org):
    # given
    client.force_login(org.users["coo"])
    # when
    response = client.get(reverse("core:store_list"))
    # then
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"]


def test_no_template_has_an_inline_script_or_event_handler():
    # given
    templates = sorted(PACKAGE.glob("**/templates/**/*.html"))
    # when
    offenders = [f"{path.relative_to(PACKAGE)}: {match.group(0)}" for path in templates
                 for pattern in (INLINE_SCRIPT, INLINE_HANDLER) for match in pattern.finditer(path.read_text())]
    # then
    assert len(templates) > 50  # the glob found the project's templates
    assert offenders == []
