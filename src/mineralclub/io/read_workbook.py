"""Read an input workbook into raw frames, one per sheet, without interpreting any value (SPEC §3).

Each frame holds the cell values exactly as Excel stores them (numbers as float, booleans as bool,
text as str; blank cells as ``None``; an Excel error as :class:`ExcelError`, a formula without a
saved value as :class:`NoSavedValue`), one record per non-blank row, plus:

* a ``_row`` column with the Excel row number of the record (header = 1, first data row = 2);
* ``frame.attrs["letters"]``: the Excel column letter of each column, so messages can name the
  cell (``Projects!D7``);
* ``frame.attrs["problems"]``: problems with the sheet itself (a duplicated header, values under
  a blank header, a sheet that cannot be read, hidden rows, columns or sheets), reported by the
  validation with everything else.

Only the sheets of the schema are read (names compared trimmed and case-insensitively); any other
sheet is listed with an empty frame (``attrs["unread"]``) so the validation can warn about it,
but its cells are never parsed. Cells are read sparsely (:mod:`mineralclub.io.xlsx_sparse`):
memory follows the cells present, not the sheet's extent (SPEC §6 Revision 2). Header names are
stripped of surrounding whitespace; matching them to the schema is the validation's job. The
workbook is opened read-only and never modified.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pandas as pd
from defusedxml import DefusedXmlException
from openpyxl.utils import get_column_letter

from mineralclub.io.cellvalues import is_fault
from mineralclub.io.messages import years_text
from mineralclub.io.tables import InputError, Problem
from mineralclub.io.xlsx_sparse import SheetCells, XlsxPackage, sniff
from mineralclub.schema import SHEETS

ROW = "_row"
SCHEMA_SHEETS = frozenset(s.name.lower() for s in SHEETS)


def read_workbook(
    path: str | os.PathLike[str], all_sheets: bool = False
) -> dict[str, pd.DataFrame]:
    """Return ``{sheet name: raw frame}`` for every sheet of the workbook at ``path``.

    Sheets that are not in the schema are not read (empty frames) unless ``all_sheets``.
    Raises :class:`InputError` when the file does not exist or is not a readable workbook.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(path.name, f"workbook not found: {path}")])
    with open(path, "rb") as fh:
        why = sniff(fh.read(8), fh)
        if why:
            raise InputError([Problem(path.name, f"cannot read {path}: {why}")])
        try:
            book = XlsxPackage(fh)
        except Exception as exc:  # any failure inside the package is bad input, not a crash
            message = f"cannot read {path} as an Excel workbook ({_reason(exc)})"
            raise InputError([Problem(path.name, message)]) from exc
        try:
            wanted = [n for n in book.sheet_names if all_sheets or is_schema_sheet(n)]
            frames = {name: _read_sheet(book, name) for name in wanted}
        finally:
            book.close()
    return {name: frames.get(name, _unread(name)) for name in book.sheet_names}


def is_schema_sheet(name: str) -> bool:
    return name.strip().lower() in SCHEMA_SHEETS


def _read_sheet(book: XlsxPackage, name: str) -> pd.DataFrame:
    if not book.is_worksheet(name):
        problem = Problem(name, "is a chart sheet or has no cells; a table was expected")
        return _unread(name, [problem])
    try:
        cells = book.read(name)
    except Exception as exc:  # corrupt XML, entity payloads, bad shared-string indexes, ...
        problem = Problem(name, f"cannot read this sheet ({_reason(exc)}); nothing was read")
        return _unread(name, [problem])
    return cells_frame(cells)


def _unread(name: str, problems: list[Problem] | None = None) -> pd.DataFrame:
    """An empty frame: a sheet not read (``unread``) or one that could not be read
    (``unreadable``, with its problem)."""
    frame = pd.DataFrame({ROW: pd.Series([], dtype="int64")})
    frame.attrs.update(
        sheet=name,
        letters={},
        problems=problems or [],
        unread=not problems,
        unreadable=bool(problems),
    )
    return frame


def _reason(exc: Exception) -> str:
    if isinstance(exc, DefusedXmlException):
        return "its XML declares entities or a DTD, which are refused"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def sheet_frame(sheet: str, rows: list[list[Any]]) -> pd.DataFrame:
    """Build the raw frame of one sheet from its rows of cell values (row 0 = header)."""
    cells = SheetCells(sheet)
    for number, row in enumerate(rows, start=1):
        values = {i: v for i, v in enumerate(row, start=1) if v is not None}
        if values:
            cells.rows[number] = values
    return cells_frame(cells)


def cells_frame(cells: SheetCells) -> pd.DataFrame:
    """The raw frame of one sheet from its sparse cells."""
    sheet = cells.name
    header = {i: v for i, v in cells.rows.get(1, {}).items()}
    columns, problems = _header_columns(sheet, header, cells)
    records, numbers = [], []
    for number in sorted(n for n in cells.rows if n > 1):
        row = cells.rows[number]
        values = [_clean(row.get(i)) for _, i, _ in columns]
        if any(v is not None for v in values):
            records.append(values)
            numbers.append(number)
    frame = pd.DataFrame(records, columns=[name for name, _, _ in columns], dtype=object)
    frame[ROW] = pd.Series(numbers, dtype="int64")
    problems += _hidden_problems(cells, numbers, columns)
    frame.attrs.update(
        sheet=sheet, letters={n: letter for n, _, letter in columns}, problems=problems
    )
    return frame


def _header_columns(
    sheet: str, header: dict[int, Any], cells: SheetCells
) -> tuple[list[tuple[str, int, str]], list[Problem]]:
    """The (name, index, letter) of every usable column, and problems with the header row."""
    columns: list[tuple[str, int, str]] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for i in sorted(header):
        letter = get_column_letter(i)
        if is_fault(header[i]):
            message = f"column header is {header[i].describe()}; type the column name"
            problems.append(Problem(sheet, message, 1, None, f"{letter}1"))
            continue
        name = _header_text(header[i])
        if name is None:
            continue
        if name.lower() in seen:
            message = f'column header "{name}" appears twice (columns {seen[name.lower()]} and '
            message += f"{letter}); rename or delete one"
            problems.append(Problem(sheet, message, 1, name, f"{letter}1"))
            continue
        seen[name.lower()] = letter
        columns.append((name, i, letter))
    named = {i for i in header if is_fault(header[i]) or _header_text(header[i]) is not None}
    first_use: dict[int, int] = {}
    for number in sorted(n for n in cells.rows if n > 1):
        for i, value in cells.rows[number].items():
            if i not in named and i not in first_use and _clean(value) is not None:
                first_use[i] = number
    for i in sorted(first_use):
        letter = get_column_letter(i)
        message = f"column {letter} has values but no header; it is ignored"
        problems.append(Problem(sheet, message, 1, None, f"{letter}1", "warning"))
    return columns, problems


def _hidden_problems(cells: SheetCells, numbers: list[int], columns: list) -> list[Problem]:
    """Warnings for a hidden sheet, and hidden rows or columns that hold data."""
    sheet, out = cells.name, []
    if cells.state != "visible":
        out.append(
            Problem(
                sheet, f"the sheet is {cells.state}; it is read like the others", level="warning"
            )
        )
    hidden = sorted(set(numbers) & cells.hidden_rows)
    if hidden:
        message = f"hidden row(s) {years_text(hidden)} hold data; they are read like the others"
        out.append(Problem(sheet, message, hidden[0], None, f"A{hidden[0]}", "warning"))
    for name, i, letter in columns:
        if i in cells.hidden_columns:
            message = f'column "{name}" is hidden; it is read like the others'
            out.append(Problem(sheet, message, 1, name, f"{letter}1", "warning"))
    return out


def _header_text(value: Any) -> str | None:
    value = _clean(value)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _clean(value: Any) -> Any:
    """Blank cells (empty or whitespace-only text, NaN) become ``None``; whole numbers stored as
    integers become floats (as Excel holds them); others are kept as is."""
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
