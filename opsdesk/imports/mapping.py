"""Recognising columns: header synonyms in Chinese and English, and the user's corrections.

A mapping is {field name: header text}; `defaults` are {field name: fixed raw value} for fields the file lacks
(e.g. the store code of a web shop export). Both are saved together as a named `MappingProfile`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.translation import gettext as _

from opsdesk.imports.kinds import CREATE_MISSING, DATE_FORMAT, KindSpec

_PAREN_RE = re.compile(r"[（(][^）)]*[）)]")
_NOISE_RE = re.compile(r"[\s_\-./:：#·]+")


def normalise_header(text: str) -> str:
    """Lower case without spaces, punctuation and parenthesised units.

    '销售额(元)' -> '销售额', 'Stock Code' -> 'stockcode'.
    """
    return _NOISE_RE.sub("", _PAREN_RE.sub("", str(text))).lower().lstrip("\ufeff")


def guess_mapping(kind: KindSpec, header: Sequence[str]) -> dict[str, str]:
    """{field: header} for every field whose synonym (or own name) appears in the header; each column used once."""
    by_normal: dict[str, str] = {}
    for column in header:
        by_normal.setdefault(normalise_header(column), column)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field in kind.fields:
        for synonym in (field.name, *field.synonyms):
            column = by_normal.get(normalise_header(synonym))
            if column is not None and column not in used:
                mapping[field.name] = column
                used.add(column)
                break
    return mapping


def mapping_problems(kind: KindSpec, header: Sequence[str], mapping: dict, defaults: dict) -> list[str]:
    """What stops the mapping from being used: unknown fields or columns, required fields left unmapped."""
    problems = []
    names = {field.name for field in kind.fields}
    for name, column in mapping.items():
        if name not in names:
            problems.append(_("未知字段：%(name)s") % {"name": name})
        elif column not in header:
            problems.append(_("文件中没有列“%(column)s”") % {"column": column})
    for name in defaults:
        if name not in names and name not in kind.options and name not in (DATE_FORMAT, CREATE_MISSING):
            problems.append(_("未知字段：%(name)s") % {"name": name})
    for field in kind.fields:
        if field.required and not mapping.get(field.name) and defaults.get(field.name) in (None, ""):
            problems.append(
                _("必填字段“%(label)s”（%(name)s）没有对应的列") % {"label": field.label, "name": field.name}
            )
    for group in kind.one_of:
        if not any(mapping.get(name) or defaults.get(name) for name in group):
            problems.append(_("至少需要以下字段之一：%(names)s") % {"names": ", ".join(group)})
    return problems
