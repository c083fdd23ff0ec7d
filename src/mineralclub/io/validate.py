"""Validate raw workbook frames against the schema and return typed :class:`Tables` (SPEC §3, §6).

Every problem is collected with its cell before anything fails; :class:`InputError` then carries
all of them (errors first, then warnings). The steps, in order:

1. match sheets and columns by name (case-insensitive); unknown sheets and columns are warned about;
2. type every cell by its schema column (blank -> default, ranges, enums, booleans);
3. derived defaults: Disruptions.year_to = year_from; OfftakeOptions first_year / last_year = the
   first / last year of the horizon; Periods sorted by year;
4. expand ``*`` in Prices.scenario and Disruptions.scenario (a named scenario overrides ``*``);
5. duplicate keys, then foreign keys (Stages as (mineral, stage) pairs);
6. cross-sheet rules (:mod:`mineralclub.io.rules`);
7. the Settings dict, typed with defaults.

Typed frames: numbers are float64 (blank optional -> NaN); integers and years int64 (all are filled
after defaults, except the documentation-only Sources.year, nullable Int64); booleans bool; text
and enums pandas' ``str`` dtype (blank optional -> NaN); unknown extra columns keep their raw
values (object dtype, blank -> None); ``_row`` (int64) is the Excel row of each record.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from mineralclub.io import rules
from mineralclub.io.cellvalues import is_fault
from mineralclub.io.messages import show, suggest, text_of
from mineralclub.io.read_workbook import ROW
from mineralclub.io.tables import InputError, Problem, Tables
from mineralclub.schema import BOOL_FALSE, BOOL_TRUE, SETTINGS, SHEETS, Column, Sheet

Record = dict[str, Any]
Records = dict[str, list[Record]]

IGNORED_SHEETS = ("readme",)  # known sheets that the model does not read
STAR_COLUMNS = {"Prices": "scenario", "Disruptions": "scenario"}  # expanded here
FILLED = {
    ("Disruptions", "year_to"),
    ("Disruptions", "announced_year"),
    ("ProjectRisks", "known_year"),
    ("OfftakeOptions", "first_year"),
    ("OfftakeOptions", "last_year"),
}
STAR_PLACES = ", ".join(f"{s.name}.{c.name}" for s in SHEETS for c in s.columns if c.star)


class Report:
    """Collects problems and knows each sheet's column letters, so messages name the cell."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._seen: set[Problem] = set()
        self.letters: dict[str, dict[str, str]] = {}
        self.sheet_names: dict[str, str] = {}  # schema name -> name in the workbook

    def error(self, sheet: str, message: str, row: int | None = None, column: str | None = None):
        self.add("error", sheet, message, row, column)

    def warn(self, sheet: str, message: str, row: int | None = None, column: str | None = None):
        self.add("warning", sheet, message, row, column)

    def add(self, level: str, sheet: str, message: str, row: int | None, column: str | None):
        letter = self.letters.get(sheet, {}).get(column) if column else None
        cell = f"{letter}{row or 1}" if letter else None
        problem = Problem(self.sheet_names.get(sheet, sheet), message, row, column, cell, level)
        self.extend([problem])

    def extend(self, problems: list[Problem]) -> None:
        for problem in problems:
            if problem not in self._seen:
                self._seen.add(problem)
                self.problems.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return self.in_order([p for p in self.problems if p.level == "error"])

    @property
    def warnings(self) -> list[Problem]:
        return self.in_order([p for p in self.problems if p.level != "error"])

    def in_order(self, problems: list[Problem]) -> list[Problem]:
        """Sorted as a user reads the workbook: by sheet (schema order), then row."""
        order = {self.sheet_names.get(s.name, s.name): i for i, s in enumerate(SHEETS)}
        return sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row or 0))


def validate(raw: Mapping[str, pd.DataFrame]) -> Tables:
    """Check raw frames (from :func:`read_workbook`) and return the typed tables.

    Raises :class:`InputError` carrying every problem found when there is at least one error.
    """
    report = Report()
    records = type_sheets(raw, report)
    fill_derived(records)
    expand_stars(records)
    for spec in SHEETS:
        check_duplicates(spec, records[spec.name], report)
    check_refs(records, report)
    rules.check_all(records, report)
    settings = build_settings(records, report)
    if report.errors:
        raise InputError(report.errors + report.warnings)
    frames = {spec.name: to_frame(spec, records[spec.name]) for spec in SHEETS}
    return Tables(settings=settings, frames=frames, warnings=tuple(report.warnings))


# --- 1. sheets and columns ----------------------------------------------------------------------


def type_sheets(raw: Mapping[str, pd.DataFrame], report: Report) -> Records:
    matched = match_sheets(raw, report)
    return {spec.name: type_sheet(spec, matched.get(spec.name), report) for spec in SHEETS}


def match_sheets(raw: Mapping[str, pd.DataFrame], report: Report) -> dict[str, pd.DataFrame]:
    """Map schema sheet names to the workbook's frames; warn about unknown sheets."""
    known = {s.name.lower(): s.name for s in SHEETS}
    matched: dict[str, pd.DataFrame] = {}
    for name, frame in raw.items():
        schema_name = known.get(name.strip().lower())
        if schema_name is None:
            if name.strip().lower() not in IGNORED_SHEETS:
                hint = suggest(name, [s.name for s in SHEETS])
                report.warn(name, f"unknown sheet {show(name)} is ignored{hint}")
            continue
        if schema_name in matched:
            first = report.sheet_names[schema_name]
            report.error(
                name,
                f'sheets "{first}" and "{name}" both match {schema_name} (names '
                "differ only by case or spaces); delete or rename one",
            )
            continue
        spec = next(s for s in SHEETS if s.name == schema_name)
        if not spec.required and _blank(frame):
            continue  # an optional sheet without header or rows is as good as absent
        matched[schema_name] = frame
        report.sheet_names[schema_name] = name
    for spec in SHEETS:
        if spec.required and spec.name not in matched:
            report.error(spec.name, f"required sheet {spec.name} is missing")
    return matched


def _blank(frame: pd.DataFrame) -> bool:
    return len(frame) == 0 and not [c for c in frame.columns if c != ROW]


def type_sheet(spec: Sheet, frame: pd.DataFrame | None, report: Report) -> list[Record]:
    """Typed records of one sheet: schema columns converted, extra columns kept raw."""
    if frame is None:
        return []
    report.extend(frame.attrs.get("problems", []))
    if frame.attrs.get("unreadable"):
        return []  # its read error is reported; missing columns would only repeat it
    mapping, extras = match_columns(spec, frame, report)
    rows = frame[ROW].tolist() if ROW in frame.columns else range(2, len(frame) + 2)
    records = []
    for raw, row in zip(frame.to_dict("records"), rows, strict=True):
        record: Record = {ROW: int(row)}
        for col in spec.columns:
            source = mapping.get(col.name)
            value = raw[source] if source is not None else None
            if spec.key_value and col.name == "value":
                record[col.name] = None if is_blank(value) else value  # typed per setting later
                continue
            record[col.name], message = type_cell(col, value, present=source is not None)
            if message:
                report.error(spec.name, message, int(row), col.name)
        for name in extras:
            record[name] = None if is_blank(raw[name]) else raw[name]
        records.append(record)
    return records


def match_columns(spec: Sheet, frame: pd.DataFrame, report: Report) -> tuple[dict, list[str]]:
    """Map schema column names to the frame's headers (case-insensitive); report the rest."""
    names = [c for c in frame.columns if c != ROW]
    letters = frame.attrs.get("letters") or {
        n: get_column_letter(i + 1) for i, n in enumerate(names)
    }
    by_lower = {str(n).strip().lower(): n for n in names}
    sheet_letters = report.letters.setdefault(spec.name, {})
    mapping: dict[str, str] = {}
    for col in spec.columns:
        source = by_lower.pop(col.name.lower(), None)
        if source is None:
            report_missing_column(spec, col, report)
            continue
        mapping[col.name] = source
        if (letter := letters.get(source)) is not None:
            sheet_letters[col.name] = letter
    extras = list(by_lower.values())
    for name in extras:
        if (letter := letters.get(name)) is not None:
            sheet_letters[name] = letter
        hint = suggest(str(name), [c.name for c in spec.columns if c.name not in mapping])
        message = f"unknown column {show(str(name))} is kept but not used{hint}"
        report.warn(spec.name, message, 1, name)
    return mapping, extras


def report_missing_column(spec: Sheet, col: Column, report: Report) -> None:
    if col.required:
        report.error(spec.name, f"required column {col.name} is missing")
    elif not col.optional_column:
        default = "blank" if col.default is None else show(col.default)
        report.warn(
            spec.name, f"column {col.name} is missing; every row takes the default ({default})"
        )


# --- 2. cells -----------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell value that does not fit its column; the message is user-facing."""


def type_cell(col: Column, value: Any, present: bool = True) -> tuple[Any, str | None]:
    """Return ``(typed value, None)`` or ``(None, message)``. Blank cells take the default; an
    Excel error or a formula without a saved value is reported as such, never defaulted."""
    if is_fault(value):
        return None, f"{col.name} is {value.describe()}"
    if is_blank(value):
        if col.required:
            return None, f"{col.name} is required, found a blank cell" if present else None
        return col.default, None
    try:
        return convert(col, value), None
    except CellError as exc:
        return None, str(exc)


def convert(col: Column, value: Any) -> Any:
    """Convert a non-blank cell to the column's kind, checking range, enum and wildcard."""
    try:
        typed = CONVERTERS[col.kind](value, col)
    except (ValueError, TypeError) as exc:
        hint = suggest(text_of(value), col.allowed) if col.kind == "enum" else ""
        raise CellError(f"{col.name} must be {expected(col)}, found {show(value)}{hint}") from exc
    if isinstance(typed, int | float) and not isinstance(typed, bool) and not in_range(col, typed):
        raise CellError(f"{col.name} must be {expected(col)}, found {show(value)}")
    if col.upper is not None and isinstance(typed, int | float) and typed > col.upper:
        raise CellError(
            f"{col.name} must be at most {col.upper:g}{unit_text(col)} (a sane upper "
            f"bound), found {show(value)}"
        )
    if isinstance(typed, str) and (bad := control_character(typed, names=bool(col.key or col.ref))):
        raise CellError(
            f"{col.name} contains the control character U+{ord(bad):04X}; "
            "delete it (it cannot be written to a workbook)"
        )
    if typed == "*" and not col.star and (col.key or col.ref):
        raise CellError(f"{col.name} cannot be *: the wildcard is allowed only in {STAR_PLACES}")
    return typed


def to_number(value: Any, col: Column | None = None) -> float:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        number = float(value.strip())
    else:
        raise TypeError(f"not a number: {value!r}")
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def to_whole(value: Any, col: Column | None = None) -> int:
    number = to_number(value)
    if not number.is_integer():
        raise ValueError("not a whole number")
    return int(number)


def to_year(value: Any, col: Column | None = None) -> int:
    year = to_whole(value)
    if not 1000 <= year <= 9999:
        raise ValueError("not a four-digit year")
    return year


def to_bool(value: Any, col: Column | None = None) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in BOOL_TRUE:
            return True
        if text in BOOL_FALSE:
            return False
    raise ValueError(f"not a boolean: {value!r}")


def to_enum(value: Any, col: Column) -> str:
    text = text_of(value).lower()
    for allowed in col.allowed:
        if allowed.lower() == text:
            return allowed
    raise ValueError(f"not one of {col.allowed}")


def to_text(value: Any, col: Column | None = None) -> str:
    """Trimmed text in Unicode NFC form, so names typed differently compare equal."""
    return unicodedata.normalize("NFC", text_of(value))


# Unicode's control characters (category Cc) are exactly U+0000-U+001F and U+007F-U+009F
# (a test checks every code point); a character class finds one without a call per character
CONTROL_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f]")
CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, LF, CR allowed


def control_character(text: str, names: bool) -> str | None:
    """The first control character in ``text`` (tab and line breaks allowed except in names)."""
    found = (CONTROL_IN_NAMES if names else CONTROL_IN_TEXT).search(text)
    return found.group() if found else None


CONVERTERS: dict[str, Callable[[Any, Column], Any]] = {
    "number": to_number,
    "integer": to_whole,
    "year": to_year,
    "bool": to_bool,
    "enum": to_enum,
    "text": to_text,
}


def unit_text(col: Column) -> str:
    return f" {col.unit}" if col.unit else ""


def in_range(col: Column, number: float) -> bool:
    low_ok = col.minimum is None or number >= col.minimum
    return low_ok and (col.maximum is None or number <= col.maximum)


def expected(col: Column) -> str:
    """What a column accepts, in words: 'a number between 0 and 1'."""
    if col.kind == "bool":
        return "TRUE or FALSE (or yes/no, 1/0)"
    if col.kind == "enum":
        return "one of " + ", ".join(col.allowed)
    if col.kind == "text":
        return "text"
    noun = {"number": "a number", "integer": "a whole number", "year": "a year such as 2030"}
    words = noun[col.kind]
    low, high = col.minimum, col.maximum
    if low is not None and high is not None:
        return f"{words} between {show(low)} and {show(high)}"
    if low is not None:
        return f"{words} >= {show(low)}"
    if high is not None:
        return f"{words} <= {show(high)}"
    return words


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


# --- 3. derived defaults and 4. wildcards -------------------------------------------------------


def fill_derived(records: Records) -> None:
    """Defaults that depend on other cells or sheets; Periods sorted; Targets.scenarios tidied."""
    for r in records["Targets"]:
        names = [n.strip() for n in (r["scenarios"] or "*").split(";") if n.strip()]
        r["scenarios"] = ";".join(names)
    for r in records["Disruptions"]:
        if r["year_to"] is None:
            r["year_to"] = r["year_from"]
        if r.get("announced_year") is None:
            r["announced_year"] = r["year_from"]
    first_years = {p["project"]: p["first_year"] for p in records["Projects"]}
    for r in records["ProjectRisks"]:
        if r["known_year"] is None:
            r["known_year"] = first_years.get(r["project"])
    periods = [r for r in records["Periods"] if r["year"] is not None]
    records["Periods"] = sorted(periods, key=lambda r: r["year"]) + [
        r for r in records["Periods"] if r["year"] is None
    ]
    if not periods or any(r["duration_years"] is None for r in periods):
        return
    first = min(r["year"] for r in periods)
    last = max(r["year"] + r["duration_years"] - 1 for r in periods)
    for r in records["OfftakeOptions"]:
        r["first_year"] = first if r["first_year"] is None else r["first_year"]
        r["last_year"] = last if r["last_year"] is None else r["last_year"]


def expand_stars(records: Records) -> None:
    """Replace ``*`` in Prices.scenario and Disruptions.scenario by each scenario not named."""
    scenarios = list(dict.fromkeys(r["scenario"] for r in records["Scenarios"] if r["scenario"]))
    for sheet, column in STAR_COLUMNS.items():
        spec = next(s for s in SHEETS if s.name == sheet)
        records[sheet] = expand_star(records[sheet], spec.key, column, scenarios)


def expand_star(rows: list[Record], key: tuple[str, ...], column: str, names: list[str]):
    """Each ``*`` row becomes one row per name, unless a named row has the same key."""
    others = [k for k in key if k != column]
    named = {(tuple(r[k] for k in others), r[column]) for r in rows if r[column] != "*"}
    out = []
    for r in rows:
        if r[column] != "*":
            out.append(r)
            continue
        rest = tuple(r[k] for k in others)
        out.extend({**r, column: n} for n in names if (rest, n) not in named)
    return out


# --- 5. keys ------------------------------------------------------------------------------------


def check_duplicates(spec: Sheet, rows: list[Record], report: Report) -> None:
    """Identical keys (after ``*`` expansion) are an error, reported on the later row."""
    if not spec.key:
        return
    first_row: dict[tuple, int] = {}
    folded: dict[tuple, Record] = {}
    reported: set[tuple[int, int]] = set()
    for r in rows:
        key = tuple(r[c] for c in spec.key)
        if any(v is None for v in key):
            continue
        other = folded.setdefault(casefold(key), r)
        if tuple(other[c] for c in spec.key) != key:
            report_case_duplicate(spec, r, other, report)
            continue
        first = first_row.setdefault(key, r[ROW])
        if first == r[ROW] or (first, r[ROW]) in reported:
            continue
        reported.add((first, r[ROW]))
        report.error(
            spec.name,
            f"duplicate {describe_key(spec.key, key)} (also on row {first})",
            r[ROW],
            spec.key[0],
        )


def casefold(key: tuple) -> tuple:
    return tuple(v.casefold() if isinstance(v, str) else v for v in key)


def report_case_duplicate(spec: Sheet, r: Record, other: Record, report: Report) -> None:
    """Two keys that differ only by case name the same thing twice: an error."""
    column = next(c for c in spec.key if r[c] != other[c])
    report.error(
        spec.name,
        f"{describe_key(spec.key, tuple(r[c] for c in spec.key))} differs from row "
        f"{other[ROW]} only by case; names must differ by more than case (did you mean "
        f"{show(other[column])}?)",
        r[ROW],
        column,
    )


def describe_key(columns: tuple[str, ...], values: tuple) -> str:
    if len(columns) == 1:
        return f"{columns[0]} {show(values[0])}"
    pairs = ", ".join(f"{c}={text_of(v)}" for c, v in zip(columns, values, strict=True))
    return f"key ({pairs})"


def check_refs(records: Records, report: Report) -> None:
    """Every foreign key (schema ``ref``) names a row of the referenced sheet."""
    names = {
        f"{s.name}.{c.name}": {r[c.name] for r in records[s.name] if r[c.name] is not None}
        for s in SHEETS
        for c in s.columns
    }
    stages: dict[str, list[str]] = {}
    for r in records["Stages"]:
        if r["mineral"] is not None and r["stage"] is not None:
            stages.setdefault(r["mineral"], []).append(r["stage"])
    for spec in SHEETS:
        for col in spec.columns:
            if col.ref:
                for r in records[spec.name]:
                    message = ref_problem(col, r, names, stages)
                    if message:
                        report.error(spec.name, message, r[ROW], col.name)


def ref_problem(col: Column, r: Record, names: dict, stages: dict) -> str | None:
    value = r[col.name]
    if value is None or (col.star and value == "*"):
        return None
    if col.ref == "Stages.stage" and "mineral" in r:
        return stage_problem(value, r["mineral"], names, stages)
    known = names[col.ref]
    if value in known:
        return None
    sheet = col.ref.split(".")[0]
    if col.ref == "Periods.year":
        years = ", ".join(str(y) for y in sorted(known))
        return f"{col.name} {value} is not a year of the Periods sheet ({years})"
    return f"unknown {col.ref.split('.')[1]} {show(value)}: not in {sheet}{suggest(value, known)}"


def stage_problem(stage: str, mineral: str | None, names: dict, stages: dict) -> str | None:
    if mineral == "*":
        every = sorted({s for ss in stages.values() for s in ss})
        if stage in every:
            return None
        return (
            f'stage "{stage}" is not a stage of any mineral (stages: {", ".join(every)})'
            f"{suggest(stage, every)}"
        )
    if mineral not in names["Minerals.mineral"] or stage in stages.get(mineral, []):
        return None  # an unknown mineral is reported on its own cell
    own = stages.get(mineral, [])
    return (
        f'stage "{stage}" is not a stage of {mineral} in Stages (its stages: '
        f"{', '.join(own) or 'none'}){suggest(stage, own)}"
    )


# --- 7. settings and typed frames ---------------------------------------------------------------


def build_settings(records: Records, report: Report) -> dict[str, Any]:
    """Every setting, typed by its SETTINGS column, with defaults; base_year = first period."""
    given = {r["key"]: r for r in records["Settings"] if r["key"] is not None}
    settings: dict[str, Any] = {}
    for col in SETTINGS:
        row = given.get(col.name)
        value, message = type_cell(col, row["value"] if row else None)
        if message and row:
            report.error("Settings", message, row[ROW], "value")
        settings[col.name] = value
    years = [r["year"] for r in records["Periods"] if r["year"] is not None]
    if settings["base_year"] is None and years:
        settings["base_year"] = min(years)
    return settings


def to_frame(spec: Sheet, rows: list[Record]) -> pd.DataFrame:
    """Typed DataFrame: schema columns in schema order, then extra columns, then ``_row``."""
    data = {c.name: typed_series(spec, c, [r[c.name] for r in rows]) for c in spec.columns}
    schema_names = {c.name for c in spec.columns}
    extras = dict.fromkeys(k for r in rows for k in r if k not in schema_names and k != ROW)
    for name in extras:
        data[name] = pd.Series([r.get(name) for r in rows], dtype=object)
    data[ROW] = pd.Series([r[ROW] for r in rows], dtype="int64")
    return pd.DataFrame(data)


def typed_series(spec: Sheet, col: Column, values: list[Any]) -> pd.Series:
    if spec.key_value and col.name == "value":
        return pd.Series([None if v is None else text_of(v) for v in values], dtype="str")
    if col.kind == "number":
        return pd.Series([math.nan if v is None else v for v in values], dtype="float64")
    always_filled = col.required or col.default is not None or (spec.name, col.name) in FILLED
    if col.kind in ("integer", "year"):
        return pd.Series(values, dtype="int64" if always_filled else "Int64")
    if col.kind == "bool":
        return pd.Series(values, dtype="bool" if always_filled else "boolean")
    return pd.Series(values, dtype="str")
