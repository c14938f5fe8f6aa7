"""Human names of the engine's model codes (gbm, seasonal_median_8, ...) in the active language."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_PARAMETRISED = (
    (re.compile(r"^seasonal_median_(\d+)$"), lambda n: _("季节中位数（近 %(n)s 周同日）") % {"n": n}),
    (re.compile(r"^seasonal_mean_(\d+)$"), lambda n: _("季节均值（近 %(n)s 周同日）") % {"n": n}),
    (re.compile(r"^moving_average_(\d+)$"), lambda n: _("移动平均（%(n)s 天）") % {"n": n}),
    (re.compile(r"^weekday_average_(\d+)$"), lambda n: _("按星期分布的移动平均（%(n)s 天）") % {"n": n}),
)


def model_label(code: str) -> str:
    """The name a person reads for a model code; an unknown code is shown as it is."""
    fixed = {
        "seasonal_naive": _("季节朴素（上周同日）"), "ets": _("指数平滑（Holt-Winters）"),
        "ets_log": _("指数平滑（对数，Holt-Winters）"), "croston": _("Croston 间歇需求"), "sba": _("SBA 间歇需求"),
        "tsb": _("TSB 间歇需求"), "gbm": _("全局梯度提升（LightGBM）"), "ensemble": _("组合（验证最优的前三个模型）"),
        "ensemble_yearly": _("组合 × 去年同期走势"),
    }
    if code in fixed:
        return fixed[code]
    for pattern, label in _PARAMETRISED:
        match = pattern.match(code or "")
        if match:
            return label(match.group(1))
    return code
