"""Calendar and holiday features per date (shared by all series)."""

from __future__ import annotations

import numpy as np

HOLIDAY_WINDOW = 15  # days; distances to holidays are capped here
SPRING_FESTIVAL_WINDOW = 30  # days around Chinese New Year that carry a proximity feature
CHRISTMAS_WINDOW = 120  # days before Christmas that carry the seasonal-ramp feature (gift sales start in September)
EASTER_WINDOW = 60  # days around Easter Sunday that carry the Easter features (Carnival, Holy Week, Ascension, Whitsun)
CHRISTMAS_COUNTRIES = frozenset(  # where Christmas drives retail demand (not CN, JP, ...)
    "AT AU BE BR CA CH CZ DE DK ES FI FR GB IE IT LU MX NL NO NZ PL PT SE SK US ZA".split())


def _distance_to(dates: np.ndarray, marks: np.ndarray, *, forward: bool, cap: int) -> np.ndarray:
    """(T,) days from each date to the next (or since the previous) marked date, capped at ``cap``."""
    marks = np.unique(np.asarray(marks, dtype="datetime64[D]"))
    out = np.full(len(dates), cap, dtype=np.float32)
    if not len(marks):
        return out
    day = dates.astype(np.int64)
    mark = marks.astype(np.int64)
    if forward:
        position = np.searchsorted(mark, day, side="left")
        valid = position < len(mark)
        out[valid] = np.minimum(mark[position[valid]] - day[valid], cap)
    else:
        position = np.searchsorted(mark, day, side="right") - 1
        valid = position >= 0
        out[valid] = np.minimum(day[valid] - mark[position[valid]], cap)
    return out


def holiday_dates(country: str | None, years: range, events=None, subdivision: str | None = None,
                  weekend_workdays: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Public holidays of ``country`` (ISO code, e.g. "CN", "DE") plus company ``events``.

    Args:
        country: ISO 3166 country code understood by the ``holidays`` package, or None.
        years: calendar years to cover.
        events: optional sequence of datetime64/ISO dates (company events, local festivals).
        subdivision: region code of the ``holidays`` package (German state "BY", UK nation "SCT", ...): its
            regional holidays are added to the national ones; unknown codes raise ``ValueError``.
        weekend_workdays: add the Saturdays and Sundays worked in exchange for a holiday bridge (China's 调休; the
            package's ``weekend_workdays``, empty for most countries).

    Returns:
        (holidays, spring_festival): datetime64[D] arrays; the second holds the first day of each Chinese New
        Year (only for "CN").
    """
    marks: list[np.datetime64] = []
    spring: list[np.datetime64] = []
    if country:
        import holidays

        calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=list(years))
        marks = [np.datetime64(day, "D") for day in calendar]
        if weekend_workdays:
            marks += [np.datetime64(day, "D") for day in getattr(calendar, "weekend_workdays", ())]
        if country.upper() == "CN":
            firsts: dict[int, np.datetime64] = {}
            for day, name in sorted(calendar.items()):
                if "Spring Festival" in name and day.year not in firsts:
                    firsts[day.year] = np.datetime64(day, "D")
            spring = list(firsts.values())
    if events is not None:
        marks.extend(np.asarray(events, dtype="datetime64[D]").tolist())
    return np.array(marks, dtype="datetime64[D]"), np.array(spring, dtype="datetime64[D]")


def subdivisions(country: str | None) -> list[str]:
    """Region codes the ``holidays`` package knows for ``country`` (German states, UK nations, ...)."""
    if not country:
        return []
    import holidays

    return sorted(holidays.list_supported_countries().get(country.upper(), []))


def unusual_days(dates: np.ndarray, country: str | None) -> np.ndarray:
    """(T,) bool: the public holidays of ``country`` and its weekend working days (China's 调休: a Saturday or
    Sunday worked in exchange for a holiday bridge) - days whose trade follows neither their weekday nor the
    series' level, which the per-series models therefore do not learn from (see ``forecast``)."""
    return region_holiday_flags(dates, country, weekend_workdays=True) > 0


def region_holiday_flags(dates: np.ndarray, country: str | None, subdivision: str | None = None,
                         weekend_workdays: bool = False) -> np.ndarray:
    """(T,) float32 1.0 on the public holidays of ``country`` (and its ``subdivision``; with ``weekend_workdays``
    its weekend working days too, see ``holiday_dates``), else 0.0."""
    dates = np.asarray(dates, dtype="datetime64[D]")
    if not country or not len(dates):
        return np.zeros(len(dates), dtype=np.float32)
    first = int(str(dates.min())[:4])
    last = int(str(dates.max())[:4])
    marks, _ = holiday_dates(country, range(first, last + 1), subdivision=subdivision,
                             weekend_workdays=weekend_workdays)
    return np.isin(dates, marks).astype(np.float32)


def easter_offsets(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each date lies in the Easter cycle, for the holidays and customs that move with Easter.

    Returns:
        ((T,) float32 signed days from this year's (Western) Easter Sunday within +-``EASTER_WINDOW``, NaN
        outside; (T,) int64 days back to the same Easter-relative day a year earlier (343 to 385), 0 outside):
        Carnival Monday 2015 (16 February) looks back 350 days to Carnival Monday 2014 (3 March), not 364 days to
        a plain Monday.
    """
    from dateutil.easter import easter

    dates = np.asarray(dates, dtype="datetime64[D]")
    if not len(dates):
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    first = int(years.min()) - 1
    sundays = np.array([np.datetime64(easter(year), "D") for year in range(first, int(years.max()) + 1)])
    this, previous = sundays[years - first], sundays[years - 1 - first]
    offset = (dates - this).astype(np.int64)
    inside = np.abs(offset) <= EASTER_WINDOW
    return (np.where(inside, offset, np.nan).astype(np.float32),
            np.where(inside, (this - previous).astype(np.int64), 0))


def calendar_features(dates: np.ndarray, *, country: str | None = None, events=None,
                      subdivision: str | None = None) -> dict[str, np.ndarray]:
    """Calendar and holiday features of each date.

    Args:
        dates: (T,) datetime64[D].
        country: ISO country code for public holidays (``holidays`` package), e.g. "CN" for Chinese companies.
        events: optional company event dates, treated like holidays.
        subdivision: optional region of ``country`` whose holidays are added (see ``holiday_dates``).

    Returns:
        name -> (T,) float32: dow (0 = Monday), month (1-12), day_of_month, week_of_year (1-53), day_of_year,
        is_holiday, days_to_holiday, days_since_holiday (capped at 15), for countries that keep Christmas
        days_to_christmas (days to the next 25 December, capped at 120: the gift-season ramp) and easter (signed
        days to Easter Sunday within +-60, NaN outside: ``easter_offsets``) and, for "CN",
        spring_festival (signed days to Chinese New Year within +-30, NaN outside).
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    day = dates.astype(np.int64)
    year_start = dates.astype("datetime64[Y]")
    month_start = dates.astype("datetime64[M]")
    day_of_year = (dates - year_start.astype("datetime64[D]")).astype(np.int64)
    dow = (day + 3) % 7  # 1970-01-01 was a Thursday
    features = {
        "dow": dow,
        "month": month_start.astype(np.int64) % 12 + 1,
        "day_of_month": (dates - month_start.astype("datetime64[D]")).astype(np.int64) + 1,
        "week_of_year": (day_of_year - dow + 10) // 7,  # ISO-like week number
        "day_of_year": day_of_year + 1,
    }
    years = range(int(year_start.min().astype(int)) + 1970 - 1, int(year_start.max().astype(int)) + 1970 + 2)
    marks, spring = holiday_dates(country, years, events, subdivision)
    if len(marks):
        features["is_holiday"] = np.isin(dates, marks)
        features["days_to_holiday"] = _distance_to(dates, marks, forward=True, cap=HOLIDAY_WINDOW)
        features["days_since_holiday"] = _distance_to(dates, marks, forward=False, cap=HOLIDAY_WINDOW)
    if country and country.upper() in CHRISTMAS_COUNTRIES:
        christmas = np.array([f"{year}-12-25" for year in years], dtype="datetime64[D]")
        features["days_to_christmas"] = _distance_to(dates, christmas, forward=True, cap=CHRISTMAS_WINDOW)
        features["easter"] = easter_offsets(dates)[0]
    if len(spring):
        to_next = _distance_to(dates, spring, forward=True, cap=10**6)
        since = _distance_to(dates, spring, forward=False, cap=10**6)
        signed = np.where(to_next <= since, -to_next, since).astype(np.float32)
        features["spring_festival"] = np.where(np.abs(signed) <= SPRING_FESTIVAL_WINDOW, signed, np.nan)
    return {name: np.asarray(values, dtype=np.float32) for name, values in features.items()}


CLOSED_WEEKDAY_WEEKS = 8  # a weekday on which a trading store had no open day in these last weeks is a closing day
HOLIDAY_CLOSED_MIN = 2  # public holidays a store must have been seen closed on (and never open) to close on them


def trading_span(recorded: np.ndarray) -> np.ndarray:
    """``(n, t)`` bool: the columns from each store's first recorded day to its last (none for a store without any).

    A shop whose sales come from invoice lines records nothing on the days it is shut: inside its span, a day
    without a record is a closed day; outside it, nothing is known.

    Args:
        recorded: ``(n, t)`` bool, the store has a store-day row that day.
    """
    n, t = recorded.shape
    column = np.arange(t)[None, :]
    first = recorded.argmax(axis=1)[:, None]
    last = t - 1 - recorded[:, ::-1].argmax(axis=1)[:, None]
    return (column >= first) & (column <= last) & recorded.any(axis=1)[:, None]


def usual_closed_weekdays(is_open: np.ndarray, dates: np.ndarray, weeks: int = CLOSED_WEEKDAY_WEEKS) -> np.ndarray:
    """Weekdays a store usually does not open, planned closed ahead: no open day on that weekday in the last
    ``weeks`` weeks, of a store open in at least half of them (Online Retail's Saturdays).

    Args:
        is_open: ``(n, t)`` bool, the store traded that day (history, last column = the origin).
        dates: ``(t,)`` datetime64[D] of the columns.
        weeks: weeks looked back.

    Returns:
        ``(n, 7)`` bool, Monday first.
    """
    n, t = is_open.shape
    window = weeks * 7
    if t < window:
        return np.zeros((n, 7), dtype=bool)
    recent = is_open[:, -window:]
    weekday = (np.asarray(dates[-window:], dtype="datetime64[D]").astype(np.int64) + 3) % 7  # 1970-01-01: Thu
    opened = np.stack([recent[:, weekday == d].any(axis=1) for d in range(7)], axis=1)
    weeks_open = recent.reshape(n, weeks, 7).any(axis=2).sum(axis=1)
    return ~opened & (weeks_open >= weeks // 2)[:, None]


def closes_on_holidays(is_open: np.ndarray, trading_span: np.ndarray, holidays: np.ndarray,
                       min_days: int = HOLIDAY_CLOSED_MIN) -> np.ndarray:
    """Stores that shut on public holidays, planned closed on the holidays ahead: every holiday of the store's own
    calendar inside its trading span was a day it did not open, and there were at least ``min_days`` of them (a
    shop that records nothing when shut, such as Online Retail on each of the 21 English public holidays in its data;
    a store that opened on any one of them keeps its holidays open, with their holiday effect).

    Args:
        is_open: ``(n, t)`` bool, the store traded that day.
        trading_span: ``(n, t)`` bool, between the store's first and last recorded day.
        holidays: ``(n, t)`` 1.0 on the store's public holidays (``region_holiday_flags``).

    Returns:
        ``(n,)`` bool.
    """
    on_holiday = (np.asarray(holidays) > 0) & trading_span
    return (on_holiday.sum(axis=1) >= min_days) & ~(on_holiday & is_open).any(axis=1)
