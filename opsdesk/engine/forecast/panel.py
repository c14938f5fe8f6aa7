"""Series panels: many daily series in one flat array with offsets (statsforecast's GroupedArray idea)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Covariates a panel may carry per observation (flat, same length as ``y``) and per future day ((n_series, h)).
COVARIATE_NAMES = ("open", "promo", "price", "state_holiday", "school_holiday")

DAY = np.timedelta64(1, "D")


@dataclass
class SeriesPanel:
    """Daily demand of ``n_series`` series, stored flat: series ``i`` is ``y[indptr[i]:indptr[i+1]]``.

    Every series is a complete daily grid from ``start[i]`` on (``from_long`` fills missing dates as unavailable).

    Attributes:
        ids: (n_series,) series identifiers (any dtype).
        indptr: (n_series + 1,) int64 offsets into the flat arrays.
        y: (N,) float64 (or float32) demand in units (or currency) per day.
        start: (n_series,) datetime64[D] first date of each series.
        available: (N,) bool; False where demand was not observable (stock-out, store closed, missing row).
            Unavailable days are treated as missing by every model, never as zero demand.
        open: (N,) float32 or None; 1 when the store was open.
        promo: (N,) float32 or None; promotion intensity (0/1 or a share).
        price: (N,) float32 or None; selling price.
        state_holiday: (N,) float32 or None; public holiday flag for the series' region (Rossmann ``StateHoliday``).
        school_holiday: (N,) float32 or None; school holiday flag.
        static: per-series features, each (n_series,) numeric (for example store type codes).
    """

    ids: np.ndarray
    indptr: np.ndarray
    y: np.ndarray
    start: np.ndarray
    available: np.ndarray
    open: np.ndarray | None = None
    promo: np.ndarray | None = None
    price: np.ndarray | None = None
    state_holiday: np.ndarray | None = None
    school_holiday: np.ndarray | None = None
    static: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.indptr = np.asarray(self.indptr, dtype=np.int64)
        # float32 demand is kept as is (halves memory for very large panels); anything else becomes float64
        self.y = np.asarray(self.y)
        if self.y.dtype != np.float32:
            self.y = self.y.astype(np.float64)
        self.start = np.asarray(self.start, dtype="datetime64[D]")
        self.available = np.asarray(self.available, dtype=bool) & ~np.isnan(self.y)
        if self.indptr.shape != (len(self.ids) + 1,) or self.indptr[-1] != len(self.y):
            raise ValueError("indptr must have n_series + 1 entries ending at len(y)")
        if self.available.shape != self.y.shape or self.start.shape != (len(self.ids),):
            raise ValueError("available must match y and start must have one date per series")
        for name in COVARIATE_NAMES:
            values = getattr(self, name)
            if values is not None:
                values = np.asarray(values, dtype=np.float32)
                if values.shape != self.y.shape:
                    raise ValueError(f"{name} must have the same length as y")
                setattr(self, name, values)

    @property
    def n_series(self) -> int:
        """Number of series."""
        return len(self.ids)

    @property
    def lengths(self) -> np.ndarray:
        """(n_series,) int64 number of days of each series."""
        return np.diff(self.indptr)

    @property
    def end(self) -> np.ndarray:
        """(n_series,) datetime64[D] last date of each series."""
        return self.start + (self.lengths - 1).astype("timedelta64[D]")

    def covariates(self) -> dict[str, np.ndarray]:
        """Covariates present on this panel, name -> (N,) float32."""
        return {name: getattr(self, name) for name in COVARIATE_NAMES if getattr(self, name) is not None}

    def subset(self, rows: slice) -> SeriesPanel:
        """Panel of the contiguous series range ``rows`` (a slice with step 1)."""
        lo, hi, _ = rows.indices(self.n_series)
        a, b = self.indptr[lo], self.indptr[hi]
        flat = {name: values[a:b] for name, values in self.covariates().items()}
        return SeriesPanel(
            ids=self.ids[lo:hi], indptr=self.indptr[lo : hi + 1] - a, y=self.y[a:b], start=self.start[lo:hi],
            available=self.available[a:b], static={k: v[lo:hi] for k, v in self.static.items()}, **flat,
        )

    @classmethod
    def from_long(
        cls, series_id: np.ndarray, date: np.ndarray, y: np.ndarray, *, available: np.ndarray | None = None,
        static: dict[str, np.ndarray] | None = None, end: np.datetime64 | None = None, missing: str = "unavailable",
        **covariates: np.ndarray,
    ) -> SeriesPanel:
        """Build a panel from long rows (one row per series and day, any order).

        Duplicate (series, date) rows are summed in ``y`` (so invoice lines can be passed directly); for covariates
        and ``available`` the last row wins. Each series spans from its first row to its last row (or ``end``).

        Args:
            series_id: (M,) series identifier of each row.
            date: (M,) datetime64 (or ISO strings) day of each row.
            y: (M,) demand of each row; NaN marks an unavailable day.
            available: (M,) bool or None (all rows available).
            static: per-series features keyed by name, each (n_series,) in the order of ``np.unique(series_id)``.
            end: extend every series up to this date (e.g. the day before the forecast origin).
            missing: what a date without a row means: "unavailable" (unknown, e.g. store data missing) or "zero"
                (no sale recorded, e.g. transaction data aggregated per day).
            **covariates: (M,) arrays named after ``COVARIATE_NAMES``.

        Returns:
            The panel, series sorted by id.
        """
        unknown = set(covariates) - set(COVARIATE_NAMES)
        if unknown:
            raise ValueError(f"unknown covariates {sorted(unknown)}; expected some of {COVARIATE_NAMES}")
        day = np.asarray(date, dtype="datetime64[D]")
        ids, inverse = np.unique(np.asarray(series_id), return_inverse=True)
        inverse = inverse.ravel()
        first = np.full(len(ids), np.iinfo(np.int64).max, dtype=np.int64)
        last = np.full(len(ids), np.iinfo(np.int64).min, dtype=np.int64)
        day_number = day.astype(np.int64)
        np.minimum.at(first, inverse, day_number)
        np.maximum.at(last, inverse, day_number)
        if end is not None:
            last = np.maximum(last, np.datetime64(end, "D").astype(np.int64))
        if missing not in ("unavailable", "zero"):
            raise ValueError('missing must be "unavailable" or "zero"')
        indptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(last - first + 1, out=indptr[1:])
        position = indptr[inverse] + (day_number - first[inverse])
        values = np.asarray(y, dtype=np.float64)
        observed = ~np.isnan(values) if available is None else np.asarray(available, dtype=bool) & ~np.isnan(values)
        flat_y = np.bincount(position, weights=np.where(observed, values, 0.0), minlength=indptr[-1])
        flat_available = np.full(indptr[-1], missing == "zero", dtype=bool)
        flat_available[position] = observed
        flat = {}
        for name, column in covariates.items():
            flat[name] = np.zeros(indptr[-1], dtype=np.float32)
            flat[name][position] = np.asarray(column, dtype=np.float32)
        return cls(ids=ids, indptr=indptr, y=flat_y, start=first.astype("datetime64[D]"), available=flat_available,
                   static=dict(static or {}), **flat)

    @classmethod
    def from_arrow(
        cls, table, *, id_column: str = "series_id", date_column: str = "date", y_column: str = "y",
        available_column: str | None = None, covariate_columns: dict[str, str] | None = None,
    ) -> SeriesPanel:
        """Build a panel from a long PyArrow table (or anything with ``column(name).to_numpy()``).

        Args:
            table: pyarrow.Table with one row per series and day.
            id_column: name of the series id column.
            date_column: name of the date column (date32 or timestamp).
            y_column: name of the demand column.
            available_column: optional boolean column name.
            covariate_columns: covariate name (from ``COVARIATE_NAMES``) -> column name in ``table``.

        Returns:
            The panel (see ``from_long``).
        """
        def column(name: str) -> np.ndarray:
            return table.column(name).to_numpy()

        covariates = {key: column(name) for key, name in (covariate_columns or {}).items()}
        available = column(available_column) if available_column else None
        return cls.from_long(column(id_column), column(date_column).astype("datetime64[D]"),
                             column(y_column).astype(np.float64), available=available, **covariates)


@dataclass
class FutureCovariates:
    """Values known in advance for the ``h`` days after the panel's last date; each array is (n_series, h).

    ``open == 0`` forces a forecast of 0 (planned closure). Missing arrays mean "as usual": open, no promotion,
    last known price, no holiday.
    """

    open: np.ndarray | None = None
    promo: np.ndarray | None = None
    price: np.ndarray | None = None
    state_holiday: np.ndarray | None = None
    school_holiday: np.ndarray | None = None

    def as_dict(self) -> dict[str, np.ndarray]:
        """Present covariates, name -> (n_series, h) float32."""
        return {name: np.asarray(getattr(self, name), dtype=np.float32)
                for name in COVARIATE_NAMES if getattr(self, name) is not None}

    def subset(self, rows: slice) -> FutureCovariates:
        """Future covariates of the series range ``rows``."""
        return FutureCovariates(**{name: values[rows] for name, values in self.as_dict().items()})


@dataclass
class Dense:
    """Date-aligned matrix view of a panel used by the kernels (internal).

    Attributes:
        y: (n, T) float demand, NaN where unavailable or before the series start.
        dates: (T,) datetime64[D] date of each column; the last column is the forecast origin.
        covariates: name -> (n, T) float32, 0 before the series start.
        first: (n,) int64 first column holding an available value (T when none).
    """

    y: np.ndarray
    dates: np.ndarray
    covariates: dict[str, np.ndarray]
    first: np.ndarray
    static: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_series(self) -> int:
        """Number of rows."""
        return self.y.shape[0]

    def head(self, columns: int) -> Dense:
        """The first ``columns`` days (history up to an earlier origin)."""
        first = np.minimum(self.first, columns)
        return Dense(self.y[:, :columns], self.dates[:columns],
                     {k: v[:, :columns] for k, v in self.covariates.items()}, first, self.static)

    def tail(self, columns: int) -> Dense:
        """The last ``columns`` days (the same origins, ``T - columns`` columns earlier)."""
        cut = max(0, self.y.shape[1] - columns)
        if cut == 0:
            return self
        return Dense(self.y[:, cut:], self.dates[cut:], {k: v[:, cut:] for k, v in self.covariates.items()},
                     np.maximum(self.first - cut, 0), self.static)

    def window(self, origin: int, h: int) -> dict[str, np.ndarray]:
        """Covariates of the ``h`` days after column ``origin - 1`` (as if known in advance)."""
        return {k: v[:, origin : origin + h] for k, v in self.covariates.items()}


def history_span(panel: SeriesPanel, max_history: int | None = None) -> tuple[np.datetime64, int]:
    """(last date, number of days) of the date-aligned matrix of ``panel``."""
    origin = panel.end.max()
    n_days = int((origin - panel.start.min()) // DAY) + 1
    return origin, n_days if max_history is None else min(n_days, max_history)


def to_dense(panel: SeriesPanel, *, max_history: int | None = None, dtype=np.float32,
             span: tuple[np.datetime64, int] | None = None) -> Dense:
    """Pad a panel into a date-aligned (n_series, T) matrix ending at the panel's last date.

    Args:
        panel: the panel.
        max_history: keep at most this many most recent days.
        dtype: float dtype of the demand matrix (float32 halves memory).
        span: (last date, T) to use instead of the panel's own (so chunks of a panel share columns).

    Returns:
        Dense view; series ending before the last date are padded with unavailable days.
    """
    origin, n_days = span or history_span(panel, max_history)
    dates = origin - np.arange(n_days - 1, -1, -1).astype("timedelta64[D]")
    lengths = panel.lengths
    offset = ((panel.start - dates[0]) // DAY).astype(np.int64)  # column of each series' first day
    if (offset == 0).all() and (lengths == n_days).all():  # already a rectangle: reshape, no scatter
        shape = (panel.n_series, n_days)
        y = np.where(panel.available, panel.y, np.nan).astype(dtype, copy=False).reshape(shape)
        covariates = {name: values.reshape(shape) for name, values in panel.covariates().items()}
        return _with_first(y, dates, covariates, panel)
    row = np.repeat(np.arange(panel.n_series), lengths)
    column = np.arange(len(panel.y)) - np.repeat(panel.indptr[:-1], lengths) + np.repeat(offset, lengths)
    keep = column >= 0
    row, column = row[keep], column[keep]
    y = np.full((panel.n_series, n_days), np.nan, dtype=dtype)
    y[row, column] = np.where(panel.available[keep], panel.y[keep], np.nan)
    covariates = {}
    for name, values in panel.covariates().items():
        matrix = np.zeros((panel.n_series, n_days), dtype=np.float32)
        matrix[row, column] = values[keep]
        covariates[name] = matrix
    return _with_first(y, dates, covariates, panel)


def _with_first(y: np.ndarray, dates: np.ndarray, covariates: dict, panel: SeriesPanel) -> Dense:
    seen = ~np.isnan(y)
    first = np.where(seen.any(axis=1), seen.argmax(axis=1), y.shape[1]).astype(np.int64)
    return Dense(y, dates, covariates, first, {k: np.asarray(v) for k, v in panel.static.items()})


def static_features(records: list[dict[str, object]], *, max_features: int = 40) -> dict[str, np.ndarray]:
    """Per-series features for ``SeriesPanel.static`` from free-form attributes (a store's type, assortment grade,
    distance to a competitor...), one dict per series.

    A key whose values all read as numbers becomes a number (NaN where a series lacks it); any other key becomes
    the code of its value among the key's sorted distinct values (NaN where missing). Left out: keys every series
    has with the same value (nothing to learn), text keys with more distinct values than two and half the series
    (an address, a manager's name: an identifier, not a feature) and, beyond ``max_features``, the keys the fewest
    series have. Feature names are ``attr<k>_`` plus the key's ASCII letters and digits (LightGBM does not take
    every character in a name).

    Args:
        records: one ``{key: value}`` per series (values as text or numbers; None and "" count as missing).
        max_features: most features kept.

    Returns:
        name -> (n_series,) float32.
    """
    n = len(records)
    keys: dict[str, int] = {}
    for record in records:
        for key, value in record.items():
            if value not in (None, ""):
                keys[key] = keys.get(key, 0) + 1
    chosen = sorted(sorted(keys), key=lambda key: -keys[key])[:max_features]
    out: dict[str, np.ndarray] = {}
    for k, key in enumerate(sorted(chosen)):
        raw = [record.get(key) for record in records]
        text = ["" if value is None else str(value).strip() for value in raw]
        try:
            column = np.array([float(value) if value else np.nan for value in text], dtype=np.float32)
        except ValueError:
            distinct = sorted({value for value in text if value})
            if len(distinct) > max(2, n // 2):
                continue
            code = {value: float(i) for i, value in enumerate(distinct)}
            column = np.array([code.get(value, np.nan) for value in text], dtype=np.float32)
        seen = column[~np.isnan(column)]
        if seen.size == 0 or (seen.min() == seen.max() and seen.size == n):
            continue
        safe = "".join(c for c in str(key) if c.isascii() and (c.isalnum() or c == "_"))
        out[f"attr{k}_{safe}"] = column
    return out
