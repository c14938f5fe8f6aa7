"""Numbers read the way people write them, per language: currency sign and separators, %, 万/亿."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils.translation import override

from opsdesk.core import formatting


@pytest.mark.parametrize(("function", "value", "zh", "en"), [
    (formatting.money, 105465364, "¥105,465,364", "CN¥105,465,364"),
    (formatting.money, Decimal("-1234.6"), "-¥1,235", "-CN¥1,235"),
    (formatting.money_short, 105465364, "¥1.05亿", "CN¥105.47M"),
    (formatting.money_short, 9999, "¥9,999", "CN¥9,999"),
    (formatting.number_short, 123456, "12.35万", "123.46K"),
    (formatting.count, 4071.4, "4,071", "4,071"),
    (formatting.percent, 24.149, "24.1%", "24.1%"),
    (formatting.percent, None, "—", "—"),
    (formatting.money, float("nan"), "—", "—"),
])
def test_numbers_in_each_language(function, value, zh, en):
    # when / then
    assert (function(value, language="zh-hans"), function(value, language="en")) == (zh, en)


def test_money_takes_the_companys_currency_from_the_request_context():
    # given
    token = formatting.current_currency.set("EUR")
    try:
        # when
        with override("en"):
            shown = Template("{% load opsformat %}{{ x|money }} {{ y|pct }} {{ z|num:2 }}").render(
                Context({"x": 1234567, "y": 12.345, "z": 3}))
    finally:
        formatting.current_currency.reset(token)
    # then
    assert shown == "€1,234,567 12.3% 3.00"


def test_ranges_never_show_infinities():
    # when / then
    assert [formatting.quantity_range(Decimal("0.000"), Decimal("4.000")), formatting.quantity_range(None, -18),
            formatting.quantity_range(Decimal("2.50"), None)] == ["0 – 4", "≤ -18", "≥ 2.5"]
