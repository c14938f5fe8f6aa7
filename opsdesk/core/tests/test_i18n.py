"""The interface catalogs are complete: every English entry translated, placeholders kept, .mo compiled."""

import re
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGS = sorted(PACKAGE.glob("**/locale/en/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def _entries(path):
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def test_there_is_an_english_catalog():
    assert PACKAGE / "locale/en/LC_MESSAGES/django.po" in CATALOGS


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_entry_is_translated_without_fuzzy_flags(path):
    missing = [
        entry.msgid
        for entry in _entries(path)
        if "fuzzy" in entry.flags
        or (entry.msgid_plural and not all(entry.msgstr_plural.values()))
        or (not entry.msgid_plural and not entry.msgstr)
    ]
    assert missing == []


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_placeholders_survive_translation(path):
    broken = []
    for entry in _entries(path):
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in translations:
            if sorted(PLACEHOLDER.findall(text)) != expected and not entry.msgid_plural:
                broken.append((entry.msgid, text))
    assert broken == []


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_compiled_catalog_matches_the_source(path):
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural) for e in polib.mofile(str(path.with_suffix(".mo")))
    }
    source = {
        (e.msgctxt, e.msgid): e.msgstr or {int(k): v for k, v in e.msgstr_plural.items()}
        for e in _entries(path)
        if e.msgstr or e.msgstr_plural
    }
    assert {key: value for key, value in compiled.items() if key[1]} == source
