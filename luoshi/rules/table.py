"""The column store the batch path reads: one row per enterprise, figures as exact integers.

Column names: ``industry`` (4-digit GB/T 4754 code as an int, or strings
like ``"C3911"``), ``street``, ``chain``, ``size`` (strings, None missing),
``tags`` (lists of strings) or one bool column per tag named ``tag:专精特新``,
``above_scale`` (bool), ``founded`` (dates), and yearly figures named
``revenue@2024`` (money in 万元: ints, floats with NaN for missing, Decimals,
or a Polars column with nulls; ``employees@2024`` a count).

Money is held as int64 of 0.01万元 (floats are rounded half up to 0.01万元,
as :class:`~luoshi.rules.facts.Facts` does), so comparisons are exact.

>>> from datetime import date
>>> import numpy as np
>>> ctx = Context(2024, date(2025, 3, 1))
>>> table = Table.from_columns({"industry": np.array([3911, 6510]), "revenue@2024": np.array([2000.0, np.nan])}, ctx)
>>> len(table), table.figure("revenue", 2024)[0].tolist(), table.figure("revenue", 2024)[1].tolist()
(2, [200000, 0], [True, False])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import polars as pl

from luoshi.rules.errors import RuleError
from luoshi.rules.facts import CENT, Context, Facts
from luoshi.rules.variables import FIGURES, MONEY_FIGURES

__all__ = ["Table"]

EPOCH = date(1970, 1, 1)
TEXT_COLUMNS = ("street", "chain", "size")


class _Figure:
    """One yearly figure: exact integers, which rows have it (None: all), and the largest magnitude."""

    __slots__ = ("bound", "present", "units")

    def __init__(self, units: np.ndarray, present: np.ndarray | None):
        self.units = units
        self.present = None if present is None or bool(present.all()) else present
        self.bound = int(np.abs(units).max()) if len(units) else 0


class Table:
    """Enterprises as columns, for evaluating many rules at once (see :func:`luoshi.rules.batch.compile_batch`)."""

    def __init__(self, size: int, ctx: Context):
        self.ctx = ctx
        self._size = size
        self._figures: dict[tuple[str, int], _Figure] = {}
        self._industry = np.zeros(size, np.int16)
        self._text: dict[str, tuple[np.ndarray, dict[str, int]]] = {}
        self._tags: pl.Series | None = None
        self._tag_masks: dict[str, np.ndarray] = {}
        self._above = np.zeros(size, bool)
        self._founded: np.ndarray | None = None  # days since 1970-01-01
        self._founded_present: np.ndarray | None = None
        self._age: tuple[np.ndarray, np.ndarray | None] | None = None
        self._frame: pl.DataFrame | None = None

    def __len__(self) -> int:
        return self._size

    # Building

    @classmethod
    def from_facts(cls, facts: Sequence[Facts], ctx: Context) -> Table:
        """A table of Facts (30,000 in a fraction of a second)."""
        table = cls(len(facts), ctx)
        table._industry = np.fromiter((f.industry_code for f in facts), np.int16, len(facts))
        for name in TEXT_COLUMNS:
            table._text[name] = _encode(pl.Series(name, [getattr(f, name) for f in facts], pl.String))
        table._above = np.fromiter((f.above_scale for f in facts), bool, len(facts))
        tag_rows: dict[str, list[int]] = {}
        cells: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
        founded = np.zeros(len(facts), np.int64)
        has_founded = np.zeros(len(facts), bool)
        for i, f in enumerate(facts):
            for tag in f.tags:
                rows = tag_rows.get(tag)
                if rows is None:
                    rows = tag_rows[tag] = []
                rows.append(i)
            for key, value in f.units.items():
                entry = cells.get(key)
                if entry is None:
                    entry = cells[key] = ([], [])
                entry[0].append(i)
                entry[1].append(value)
            if f.founded is not None:
                founded[i] = (f.founded - EPOCH).days
                has_founded[i] = True
        for tag, rows in tag_rows.items():
            mask = np.zeros(len(facts), bool)
            mask[rows] = True
            table._tag_masks[tag] = mask
        table._set_founded(founded, has_founded)
        for key, (rows, values) in cells.items():
            units = np.zeros(len(facts), np.int64)
            present = np.zeros(len(facts), bool)
            units[rows] = values
            present[rows] = True
            table._figures[key] = _Figure(units, present)
        return table

    @classmethod
    def from_columns(cls, columns: Mapping[str, object], ctx: Context) -> Table:
        """A table from NumPy arrays, Polars series or lists, named as in the module docstring."""
        sizes = {len(v) for v in columns.values()}
        if len(sizes) > 1:
            raise RuleError("各列的行数不一致", code="bad_facts")
        table = cls(sizes.pop() if sizes else 0, ctx)
        for name, values in columns.items():
            if name == "industry":
                table._industry = _industry_column(values)
            elif name in TEXT_COLUMNS:
                table._text[name] = _encode(pl.Series(name, values, pl.String, strict=False))
            elif name == "tags":
                table._tags = pl.Series("tags", values, pl.List(pl.String), strict=False)
            elif name.startswith("tag:"):
                table._tag_masks[name[4:]] = np.asarray(values, bool)
            elif name == "above_scale":
                table._above = pl.Series(values, dtype=pl.Boolean, strict=False).fill_null(False).to_numpy()
            elif name == "founded":
                days = pl.Series(values, strict=False).cast(pl.Date)
                table._set_founded(
                    days.to_physical().fill_null(0).to_numpy().astype(np.int64), days.is_not_null().to_numpy()
                )
            elif "@" in name and name.split("@")[0] in FIGURES and name.split("@")[1].isdigit():
                figure, year = name.split("@")
                table._figures[figure, int(year)] = _Figure(*_figure_column(values, figure in MONEY_FIGURES, name))
            else:
                raise RuleError(f"未知列“{name}”", code="bad_facts")
        return table

    def set_figure(self, name: str, year: int, units: np.ndarray, present: np.ndarray | None = None) -> None:
        """A yearly figure already in exact integer units (0.01万元 for money, a count otherwise), with the rows
        that have it (None: all) -- as a database hands it over when asked for ``revenue * 100`` as an integer,
        so no cell goes through Decimal.

        >>> table = Table(3, Context(2024, date(2025, 3, 1)))
        >>> table.set_figure("revenue", 2024, np.array([200000, 0, 199999]), np.array([True, False, True]))
        >>> table.figure("revenue", 2024)[0].tolist(), table.figure("revenue", 2024)[1].tolist()
        ([200000, 0, 199999], [True, False, True])
        """
        if name not in FIGURES:
            raise RuleError(f"未知指标“{name}”", code="bad_facts")
        units = np.asarray(units, np.int64)
        if len(units) != self._size or (present is not None and len(present) != self._size):
            raise RuleError("各列的行数不一致", code="bad_facts")
        self._figures[name, year] = _Figure(units, None if present is None else np.asarray(present, bool))
        self._frame = None

    def _tag_series(self) -> pl.Series:
        if self._tags is None:
            rows: list[list[str]] = [[] for _ in range(self._size)]
            for tag, mask in sorted(self._tag_masks.items()):
                for i in np.flatnonzero(mask):
                    rows[i].append(tag)
            self._tags = pl.Series("tags", rows, pl.List(pl.String))
        return self._tags

    def _set_founded(self, days: np.ndarray, present: np.ndarray) -> None:
        self._founded = days
        self._founded_present = None if present.all() else present

    # Reading (used by the batch backend)

    @property
    def industry(self) -> np.ndarray:
        return self._industry

    @property
    def above_scale(self) -> np.ndarray:
        return self._above

    def figure(self, name: str, year: int) -> tuple[np.ndarray, np.ndarray, int]:
        """(units, present mask, bound) of a yearly figure; all missing if the table lacks it."""
        fig = self.figure_parts(name, year)
        present = fig.present if fig.present is not None else np.ones(self._size, bool)
        return fig.units, present, fig.bound

    def figure_parts(self, name: str, year: int) -> _Figure:
        fig = self._figures.get((name, year))
        if fig is None:
            fig = self._figures[name, year] = _Figure(np.zeros(self._size, np.int64), np.zeros(self._size, bool))
        return fig

    def text_in(self, name: str, values: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(value in values, value present), on the column's integer codes."""
        if name not in self._text:
            return np.zeros(self._size, bool), np.zeros(self._size, bool)
        codes, vocabulary = self._text[name]
        missing = len(vocabulary)
        wanted = [vocabulary[v] for v in values if v in vocabulary]
        if len(wanted) <= 4:
            inside = np.zeros(self._size, bool)
            for code in wanted:
                inside |= codes == code
        else:
            lookup = np.zeros(missing + 1, bool)
            lookup[wanted] = True
            inside = lookup[codes]
        return inside, codes != missing

    def tag(self, tag: str) -> np.ndarray:
        mask = self._tag_masks.get(tag)
        if mask is None:
            if self._tags is None:
                mask = np.zeros(self._size, bool)
            else:
                mask = self._tags.list.contains(tag).fill_null(False).to_numpy()
            self._tag_masks[tag] = mask
        return mask

    def founded(self) -> tuple[np.ndarray, np.ndarray | None]:
        if self._founded is None:
            return np.zeros(self._size, np.int64), np.zeros(self._size, bool)
        return self._founded, self._founded_present

    def age(self) -> tuple[np.ndarray, np.ndarray | None]:
        """Full years from founding to ``ctx.as_of`` (成立年限)."""
        if self._age is None:
            days, present = self.founded()
            d = days.astype("datetime64[D]")
            years = d.astype("datetime64[Y]")
            months = d.astype("datetime64[M]")
            month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
            day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
            as_of = self.ctx.as_of
            later = (month > as_of.month) | ((month == as_of.month) & (day > as_of.day))
            self._age = (as_of.year - (years.astype(np.int64) + 1970) - later, present)
        return self._age

    @property
    def frame(self) -> pl.DataFrame:
        """All columns as a Polars DataFrame (money as Float64 万元, for display and export)."""
        if self._frame is None:
            columns: dict[str, pl.Series] = {"industry": pl.Series(self._industry)}
            for name, (codes, vocabulary) in self._text.items():
                words = pl.Series([*vocabulary, None], dtype=pl.String)
                columns[name] = words.gather(codes)
            columns["tags"] = self._tag_series()
            columns["above_scale"] = pl.Series(self._above)
            if self._founded is not None:
                founded = pl.Series(self._founded).cast(pl.Int32).cast(pl.Date)
                if self._founded_present is not None:
                    founded = founded.set(pl.Series(~self._founded_present), None)
                columns["founded"] = founded
            for (name, year), fig in sorted(self._figures.items()):
                values = fig.units / 100 if name in MONEY_FIGURES else fig.units
                series = pl.Series(values)
                if fig.present is not None:
                    series = series.set(pl.Series(~fig.present), None)
                columns[f"{name}@{year}"] = series
            self._frame = pl.DataFrame({k: v.alias(k) for k, v in columns.items()})
        return self._frame


def _encode(series: pl.Series) -> tuple[np.ndarray, dict[str, int]]:
    """Text as integer codes (``len(vocabulary)`` for missing), so membership tests compare integers."""
    words = series.drop_nulls().unique().sort().to_list()
    if not words:
        return np.zeros(len(series), np.int32), {}
    codes = series.cast(pl.Enum(words)).to_physical().fill_null(len(words)).to_numpy().astype(np.int32)
    return codes, {word: i for i, word in enumerate(words)}


def _industry_column(values) -> np.ndarray:
    series = values if isinstance(values, pl.Series) else pl.Series(values, strict=False)
    if series.dtype.is_integer():
        return series.fill_null(0).cast(pl.Int16).to_numpy()
    text = series.cast(pl.String).str.strip_chars().str.replace(r"^[A-Za-z]", "")
    return text.str.pad_end(4, "0").cast(pl.Int16, strict=False).fill_null(0).to_numpy()


def _figure_column(values, money: bool, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Exact integers (0.01万元 for money) and the present mask."""
    if isinstance(values, pl.Series):
        if isinstance(values.dtype, pl.Decimal) or values.dtype == pl.Object:
            values = values.to_list()
        else:
            present = values.is_not_null().to_numpy()
            values = values.cast(pl.Float64).fill_null(np.nan).to_numpy()
            units, _ = _figure_column(values, money, name)
            return units, present
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        return array.astype(np.int64) * (100 if money else 1), None
    if array.dtype.kind == "b":
        raise RuleError(f"列“{name}”应为数值", code="bad_facts")
    if array.dtype.kind == "f":
        present = ~np.isnan(array)
        clean = np.where(present, array, 0.0) * (100 if money else 1)
        units = (np.sign(clean) * np.floor(np.abs(clean) + 0.5)).astype(np.int64)
        return units, present
    units = np.zeros(len(array), np.int64)
    present = np.zeros(len(array), bool)
    for i, value in enumerate(array):
        if value is None or value == "":
            continue
        number = Decimal(str(value))
        if not number.is_finite():
            continue
        units[i] = int(number.quantize(CENT, ROUND_HALF_UP) * 100) if money else int(number)
        present[i] = True
    return units, present
