"""Input cells addressed as ``Sheet[column=value,...].column`` and changed runs of a workbook.

An address names a column of the rows that match every ``column=value`` filter (usually the
sheet's key columns: ``Targets[target=Bigland cap].value``, ``Settings[key=discount_rate].value``,
``Prices[mineral=lithium,stage=refine,scenario=low].price_usd_per_t`` for every year). A value
is a number or a text as a cell would hold it, or a multiplier of the base value written ``x1.2``
(every matched cell times 1.2).

`Base` holds a validated workbook; `Base.apply(changes)` returns the validated `Tables` of the
workbook with the changes made, through the very same validation as a workbook read from disk,
so a bad value gives the same message as in Excel, prefixed by its address. Changing a
scenario's probability rescales the probabilities of the scenarios not changed, in proportion,
so that they still sum to 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from mineralclub.io.messages import text_of
from mineralclub.io.read_workbook import ROW
from mineralclub.io.tables import InputError, Tables
from mineralclub.io.validate import CellError, convert, type_cell, validate
from mineralclub.schema import SETTING_BY_NAME, SHEETS, Column, Sheet

ADDRESS = re.compile(r"^\s*(\w+)\s*(?:\[([^\]]*)\])?\s*\.\s*(\w+)\s*$")
ASSIGNMENT = re.compile(r"^\s*(\w+\s*(?:\[[^\]]*\])?\s*\.\s*\w+)\s*=(.*)$", re.S)
MULTIPLIER = re.compile(r"^\s*[x×*]\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
SHEET_BY_LOWER = {s.name.lower(): s for s in SHEETS}
PROBABILITY = ("Scenarios", "probability")
TOLERANCE = 1e-9

Change = tuple[str, Any]  # (address text, value)


class AddressError(ValueError):
    """An address or value list that cannot be read; the message is user-facing."""


class BadValues(Exception):
    """Changed inputs that fail validation: one user-facing message per problem."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class Address:
    text: str
    sheet: str  # schema sheet name
    filters: tuple[tuple[str, str], ...]  # (column, value as written)
    column: str

    @property
    def spec(self) -> Sheet:
        return SHEET_BY_LOWER[self.sheet.lower()]

    @property
    def is_probability(self) -> bool:
        return (self.sheet, self.column) == PROBABILITY

    @property
    def is_setting(self) -> bool:
        return self.sheet == "Settings"


@lru_cache(maxsize=4096)
def parse_address(text: str) -> Address:
    """Read ``Sheet[column=value,...].column``; raise AddressError saying what is wrong."""
    match = ADDRESS.match(text or "")
    if not match:
        raise AddressError(f'cannot read "{text}": expected Sheet[column=value,...].column')
    sheet_name, inside, column = match.groups()
    spec = SHEET_BY_LOWER.get(sheet_name.lower())
    if spec is None or spec.name in ("Sweeps", "Sources"):
        known = ", ".join(s.name for s in SHEETS if s.name not in ("Sweeps", "Sources"))
        raise AddressError(f'"{text}": unknown sheet {sheet_name} (sheets: {known})')
    names = {c.name for c in spec.columns if c.name != "source"}
    if column not in names:
        raise AddressError(
            f'"{text}": {spec.name} has no column {column} '
            f"(columns: {', '.join(c.name for c in spec.columns)})"
        )
    if spec.column(column).key and not spec.key_value:
        raise AddressError(
            f'"{text}": {column} is a key column of {spec.name}; sweep a value column'
        )
    filters = []
    for pair in (p.strip() for p in (inside or "").split(",")):
        if not pair:
            continue
        name, eq, value = (s.strip() for s in pair.partition("="))
        if not eq or name not in names or not value:
            raise AddressError(f'"{text}": "{pair}" is not column=value of {spec.name}')
        filters.append((name, value))
    if spec.key_value and [f[0] for f in filters] != ["key"]:
        raise AddressError(f'"{text}": address a setting as Settings[key=NAME].value')
    canonical = f"{spec.name}[{','.join(f'{n}={v}' for n, v in filters)}].{column}"
    return Address(
        canonical if filters else f"{spec.name}.{column}", spec.name, tuple(filters), column
    )


def split_assignment(text: str) -> tuple[Address, str]:
    """``ADDRESS=values`` -> (address, the values text)."""
    match = ASSIGNMENT.match(text or "")
    if not match:
        raise AddressError(
            f'cannot read "{text}": expected Sheet[column=value,...].column=v1,v2,...'
        )
    return parse_address(match.group(1)), match.group(2).strip()


def parse_values(text: str) -> list[Any]:
    """A comma list (``0.5,0.6``, texts, multipliers ``x0.8,x1.2``) or a range ``start:stop:step``
    (stop included)."""
    text = (text or "").strip()
    if not text:
        raise AddressError("no values given")
    parts = text.split(":")
    if len(parts) == 3 and "," not in text:
        try:
            start, stop, step = (float(p) for p in parts)
        except ValueError as exc:
            raise AddressError(f'"{text}": a range is start:stop:step in numbers') from exc
        return value_range(start, stop, step)
    values = [v.strip() for v in text.split(",")]
    if any(not v for v in values):
        raise AddressError(f'"{text}": an empty value in the list')
    return [number_or_text(v) for v in values]


def parse_bounds(text: str) -> tuple[Any, Any]:
    """``low:high`` (numbers, or multipliers ``x0.8:x1.2``) for an uncertain input."""
    parts = [p.strip() for p in (text or "").split(":")]
    if len(parts) != 2 or not all(parts):
        raise AddressError(f'"{text}": a range is low:high (or x0.8:x1.2 for multipliers)')
    low, high = (number_or_text(p) for p in parts)
    kinds = [
        "x" if multiplier(v) is not None else "n" if isinstance(v, float) else "?"
        for v in (low, high)
    ]
    if "?" in kinds or kinds[0] != kinds[1]:
        raise AddressError(
            f'"{text}": give both bounds as numbers or both as multipliers (x0.8:x1.2)'
        )
    lo, hi = (
        float(multiplier(v) or 0.0) if k == "x" else float(v)
        for v, k in zip((low, high), kinds, strict=True)
    )
    if not lo < hi:
        raise AddressError(f'"{text}": low must be below high')
    return low, high


MAX_RANGE_VALUES = 1_000_000  # a range never materialises more values than this (SPEC §6)


def value_range(start: float, stop: float, step: float) -> list[float]:
    if not step > 0:
        raise AddressError(f"range step must be > 0, found {step:g}")
    sign = 1 if stop >= start else -1
    count = math.floor(abs(stop - start) / step + 1e-9) + 1
    if count > MAX_RANGE_VALUES:  # counted before any list is built
        raise AddressError(
            f"range {start:g}:{stop:g}:{step:g} gives {count:,} values; at most "
            f"{MAX_RANGE_VALUES:,} per range"
        )
    return [round(start + sign * i * step, 12) for i in range(count)]


def number_or_text(text: str) -> Any:
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def multiplier(value: Any) -> float | None:
    if isinstance(value, str):
        match = MULTIPLIER.match(value)
        if match:
            return float(match.group(1))
    return None


def show_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.10g}"
    return text_of(value)


def describe(changes: Iterable[Change]) -> str:
    """``addr=value; addr=value`` (the Runs sheet's `changes` column)."""
    return "; ".join(f"{parse_address(a).text}={show_value(v)}" for a, v in changes)


# --- applying changes to a workbook --------------------------------------------------------


class Base:
    """A validated workbook, kept as raw frames so a changed copy is validated exactly as a
    workbook read from disk (types, ranges, cross-sheet rules)."""

    def __init__(self, tables: Tables, letters: Mapping[str, Mapping[str, str]] | None = None):
        self._setup(tables, letters)

    def _setup(self, tables: Tables, letters: Mapping[str, Mapping[str, str]] | None) -> None:
        self.tables = tables
        self.letters = dict(letters or {})
        self.raw = {
            name: raw_frame(df, self.letters.get(name))
            for name, df in tables.frames.items()
            if name != "Sources"
        }

    def __getstate__(self):  # workers get the typed tables and rebuild the raw frames
        return {"tables": self.tables, "letters": self.letters}

    def __setstate__(self, state):
        self._setup(state["tables"], state["letters"])

    def apply(self, changes: Iterable[Change]) -> Tables:
        """Validated tables with the changes made; raise BadValues naming each address."""
        parsed: list[tuple[Address, Any]] = [
            (parse_address(a) if isinstance(a, str) else a, v) for a, v in changes
        ]
        if not parsed:
            return self.tables
        frames = dict(self.raw)
        messages: list[str] = []
        touched: dict[str, pd.DataFrame] = {}
        for address, value in parsed:
            try:
                frame = touched.get(address.sheet)
                if frame is None:
                    frame = touched[address.sheet] = frames[address.sheet].copy()
                touched[address.sheet] = set_cells(frame, address, value, self.tables)
            except (AddressError, CellError) as exc:
                messages.append(f"{address.text}={show_value(value)}: {exc}")
        if not messages and "Scenarios" in touched:
            rescaled = [a for a, _ in parsed if a.is_probability]
            if rescaled:
                messages += rescale_probabilities(
                    touched["Scenarios"], self.raw["Scenarios"], rescaled
                )
        if messages:
            raise BadValues(messages)
        frames.update(touched)
        try:
            return validate(frames)
        except InputError as exc:
            label = describe((a.text, v) for a, v in parsed)
            errors = [p for p in exc.problems if p.level == "error"]
            raise BadValues([f"{label}: {p}" for p in errors]) from None


def raw_frame(df: pd.DataFrame, letters: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A typed frame as the reader would return it: object values, blanks as None."""
    body = df.drop(columns=[ROW]).astype(object)
    raw = body.where(df.drop(columns=[ROW]).notna(), None)
    raw[ROW] = df[ROW].to_numpy()
    if letters:
        by_lower = {str(k).lower(): v for k, v in letters.items()}
        raw.attrs["letters"] = {c: by_lower.get(str(c).lower(), "") for c in body.columns}
    return raw


def set_cells(frame: pd.DataFrame, address: Address, value: Any, tables: Tables):
    """Write `value` (typed by the column; ``x1.2`` multiplies) into the matched rows."""
    spec = address.spec
    mask = match_rows(frame, address)
    if not mask.any():
        if not address.is_setting:
            raise AddressError("matches no row of " + spec.name)
        frame = add_setting_row(frame, address.filters[0][1])
        mask = frame["key"] == address.filters[0][1]
    column = setting_column(address) if address.is_setting else spec.column(address.column)
    factor = multiplier(value)
    if factor is not None:
        if column.kind not in ("number", "integer"):
            raise AddressError(
                f"a multiplier needs a number column; {column.name} is {column.kind}"
            )
        base = base_values(frame, address, tables, mask)
        if any(b is None for b in base):
            raise AddressError("a multiplier needs a base value, found a blank cell")
        frame.loc[mask, address.column] = pd.Series(
            [typed(column, b * factor) for b in base], index=frame.index[mask], dtype=object
        )
        return frame
    frame.loc[mask, address.column] = typed(column, value)
    return frame


def typed(column: Column, value: Any) -> Any:
    if isinstance(value, float) and column.kind in ("integer", "year") and value.is_integer():
        value = int(value)
    result, message = type_cell(column, value)
    if message:
        raise CellError(message)
    return result


def setting_column(address: Address) -> Column:
    name = address.filters[0][1]
    column = SETTING_BY_NAME.get(name)
    if column is None:
        raise AddressError(f'unknown setting "{name}" (settings: {", ".join(SETTING_BY_NAME)})')
    return Column(
        "value",
        column.kind,
        column.description,
        column.unit,
        column.default,
        allowed=column.allowed,
        minimum=column.minimum,
        maximum=column.maximum,
    )


def base_values(frame, address: Address, tables: Tables, mask) -> list:
    if address.is_setting:
        return [tables.settings.get(address.filters[0][1])] * int(mask.sum())
    return [None if v is None else float(v) for v in frame.loc[mask, address.column]]


def add_setting_row(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    row: dict[str, Any] = {c: None for c in frame.columns}
    row.update(key=key, **{ROW: int(frame[ROW].max()) + 1 if len(frame) else 2})
    out = pd.concat(
        [frame, pd.DataFrame([row], columns=frame.columns, dtype=object)], ignore_index=True
    )
    out.attrs = frame.attrs
    return out


def match_rows(frame: pd.DataFrame, address: Address) -> pd.Series:
    spec = address.spec
    mask = pd.Series(True, index=frame.index)
    for name, text in address.filters:
        column = spec.column(name)
        try:
            wanted = convert(column, text) if column.kind != "text" else text
        except CellError as exc:
            raise AddressError(f"filter {name}={text}: {exc}") from None
        mask &= frame[name].map(lambda v, w=wanted: same(v, w))
    return mask


def same(cell: Any, wanted: Any) -> bool:
    if cell is None:
        return False
    if isinstance(wanted, str) and isinstance(cell, str):
        return cell.strip().lower() == wanted.strip().lower()
    if isinstance(wanted, bool) or isinstance(cell, bool):
        return cell is wanted or cell == wanted
    if isinstance(wanted, int | float) and isinstance(cell, int | float):
        return abs(float(cell) - float(wanted)) <= TOLERANCE
    return cell == wanted


def rescale_probabilities(frame: pd.DataFrame, before: pd.DataFrame, changed: list[Address]):
    """Scale the unchanged scenarios' probabilities so that all sum to 1."""
    fixed = pd.Series(False, index=frame.index)
    for address in changed:
        fixed |= match_rows(frame, address)
    prob = frame["probability"].astype(float)
    rest = float(before.loc[~fixed, "probability"].astype(float).sum())
    total_fixed = float(prob[fixed].sum())
    label = ", ".join(a.text for a in changed)
    if total_fixed > 1 + 1e-6:
        return [f"{label}: the changed probabilities sum to {total_fixed:g}, more than 1"]
    if rest <= TOLERANCE:
        if abs(total_fixed - 1) > 1e-6:
            return [
                f"{label}: the other scenarios have probability 0, so the probabilities "
                f"cannot be rescaled to sum to 1 (they sum to {total_fixed:g})"
            ]
        return []
    scale = (1 - total_fixed) / rest
    frame.loc[~fixed, "probability"] = (
        before.loc[~fixed, "probability"].astype(float) * scale
    ).astype(object)
    return []


def check_changes(base: Base, changes: Iterable[Change]) -> list[str]:
    """Messages for the changes that fail on their own (each applied alone to the base)."""
    messages: list[str] = []
    for address, value in dict.fromkeys(changes):
        try:
            base.apply([(address, value)])
        except (BadValues, AddressError) as exc:
            messages += getattr(exc, "messages", [str(exc)])
    return messages


__all__ = [
    "Address",
    "AddressError",
    "BadValues",
    "Base",
    "Change",
    "check_changes",
    "describe",
    "multiplier",
    "parse_address",
    "parse_bounds",
    "parse_values",
    "split_assignment",
    "value_range",
]
