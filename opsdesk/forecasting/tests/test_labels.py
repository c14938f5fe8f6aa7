"""Model codes read as names in each language; every code the engine can choose has one."""

import pytest
from django.utils.translation import override

from opsdesk.forecasting.labels import model_label


@pytest.mark.parametrize(("code", "zh", "en"), [
    ("gbm", "全局梯度提升（LightGBM）", "Global gradient boosting (LightGBM)"),
    ("seasonal_median_8", "季节中位数（近 8 周同日）", "Seasonal median (same weekday, last 8 weeks)"),
    ("moving_average_28", "移动平均（28 天）", "Moving average (28 days)"),
    ("weekday_average_28", "按星期分布的移动平均（28 天）", "Moving average spread over the weekdays (28 days)"),
    ("ensemble", "组合（验证最优的前三个模型）", "Combination (the three best models on validation)"),
    ("something_new", "something_new", "something_new"),
])
def test_model_codes_read_as_names(code, zh, en):
    # when / then
    with override("zh-hans"):
        chinese = model_label(code)
    with override("en"):
        english = model_label(code)
    assert (chinese, english) == (zh, en)


def test_every_model_the_engine_builds_has_a_name():
    # given: the engine's own candidates
    from opsdesk.engine.forecast import models as engine_models

    names = {engine_models.SeasonalNaive().name, engine_models.SeasonalAverage(weeks=8, median=True).name,
             engine_models.SeasonalAverage(weeks=4).name, engine_models.MovingAverage(window=28).name,
             engine_models.WeekdayMovingAverage(window=28).name,
             engine_models.ExponentialSmoothing().name, engine_models.ExponentialSmoothing(log=True).name,
             engine_models.Croston(variant="classic").name, engine_models.Croston(variant="sba").name,
             engine_models.Croston(variant="tsb").name}
    # then
    assert [name for name in sorted(names) if model_label(name) == name] == []
