"""The people part of the demo company: each area's `demo.<area>.build(company, today)` in AREAS order (skills
before training, training before appraisals and recruitment), all in Chinese."""

from __future__ import annotations

from datetime import date


def demo_builder(company, *, end_date: date, seed: int) -> dict[str, int]:
    """Run every area's demo builder that exists; returns the counts they report (or 1 per area that ran)."""
    from opsdesk.people.areas import area_modules

    counts: dict[str, int] = {}
    for module in area_modules("demo"):
        result = module.build(company, end_date)
        area = module.__name__.rsplit(".", 1)[-1]
        if isinstance(result, dict):
            counts.update({f"{area}_{key}": int(value) for key, value in result.items()})
        else:
            counts[area] = 1
    return counts
