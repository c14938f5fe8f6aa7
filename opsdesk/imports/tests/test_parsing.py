from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opsdesk.imports.parsing import (
    CellError,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_integer,
    parse_month_or_date,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-06-19", date(2015, 6, 19)),
        ("2015/6/19", date(2015, 6, 19)),
        ("2015.06.19", date(2015, 6, 19)),
        ("20150619", date(2015, 6, 19)),
        ("2015年6月19日", date(2015, 6, 19)),
        ("42174", date(2015, 6, 19)),
        ("42174.5", date(2015, 6, 19)),
        ("2015-06-19 08:26:00", date(2015, 6, 19)),
        ("2015/6/19 8:26", date(2015, 6, 19)),
        ("2015-06-19T08:26:00Z", date(2015, 6, 19)),
    ],
)
def test_parse_date_accepts_the_common_spellings(text, expected):
    # given / when
    parsed = parse_date(text)
    # then
    assert parsed == expected


def test_parse_datetime_keeps_the_time_including_excel_fractions():
    # given / when / then
    assert parse_datetime("2010-12-01 08:26:00") == datetime(2010, 12, 1, 8, 26)
    assert parse_datetime("2010/12/1 8:26") == datetime(2010, 12, 1, 8, 26)
    assert parse_datetime("40513.35") == datetime(2010, 12, 1, 8, 24)
    assert parse_datetime("20101201 082600") == datetime(2010, 12, 1, 8, 26)


@pytest.mark.parametrize("text", ["2015-02-30", "19/06/2015", "tomorrow", "0", "2015-13-01"])
def test_parse_date_rejects_what_it_cannot_read(text):
    # given / when / then
    with pytest.raises(CellError):
        parse_date(text)


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)))
def test_excel_serial_numbers_round_trip(day):
    # given: the serial Excel stores for a date (days since 1899-12-30)
    serial = (day - date(1899, 12, 30)).days
    # when
    parsed = parse_date(str(serial))
    # then
    assert parsed == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.50", 1234.5),
        ("¥1234", 1234.0),
        ("1234元", 1234.0),
        ("£3.5", 3.5),
        ("$ 2,000", 2000.0),
        ("€7", 7.0),
        ("(12.00)", -12.0),
        ("-3", -3.0),
        ("1 234", 1234.0),
        ("RMB 88", 88.0),
    ],
)
def test_parse_number_strips_separators_and_currency_signs(text, expected):
    # given / when / then
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["12,34", "abc", "nan", "inf", "¥", "1.2.3"])
def test_parse_number_rejects_garbage_and_non_finite_values(text):
    # given / when / then
    with pytest.raises(CellError):
        parse_number(text)


def test_parse_integer_and_bool_and_month():
    # given / when / then
    assert parse_integer("1,200") == 1200
    assert parse_integer("12.0") == 12
    with pytest.raises(CellError):
        parse_integer("12.5")
    assert [parse_bool(v) for v in ("1", "是", "TRUE", "open", "0", "否", "no", "")] == [True] * 4 + [False] * 4
    with pytest.raises(CellError):
        parse_bool("maybe")
    assert parse_month_or_date("2015-06") == (date(2015, 6, 1), True)
    assert parse_month_or_date("2015年6月") == (date(2015, 6, 1), True)
    assert parse_month_or_date("2015-06-19") == (date(2015, 6, 19), False)
    assert parse_month_or_date("20150619") == (date(2015, 6, 19), False)


def test_serial_dates_cover_the_sane_window_only_when_numbers_are_small():
    # given: 8 digits are read as YYYYMMDD, never as a serial
    # when / then
    assert parse_date("20240101") == date(2024, 1, 1)
    assert parse_date("45292") == date(2024, 1, 1)
    assert parse_date("1") == date(1899, 12, 30) + timedelta(days=1)
