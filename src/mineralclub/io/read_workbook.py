"""Read an input workbook into raw frames, one per sheet, without interpreting any value (SPEC §3).

Each frame holds the cell values exactly as Excel stores them (numbers as float, booleans as bool,
text as str; blank cells as ``None``), one record per non-blank row, plus:

* a ``_row`` column with the Excel row number of the record (header = 1, first data row = 2);
* ``frame.attrs["letters"]``: the Excel column letter of each column, so messages can name the
  cell (``Projects!D7``);
* ``frame.attrs["problems"]``: problems with the header row itself (a duplicated header, values
  under a blank header), reported by the validation with everything else.

Header names are stripped of surrounding whitespace; matching them to the schema is the
validation's job. The workbook is opened read-only and never modified.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from mineralclub.io.tables import InputError, Problem

ROW = "_row"


def read_workbook(path: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """Return ``{sheet name: raw frame}`` for every sheet of the workbook at ``path``.

    Raises :class:`InputError` when the file does not exist or is not a readable workbook.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(path.name, f"workbook not found: {path}")])
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        message = f"cannot read {path} as an Excel workbook ({exc})"
        raise InputError([Problem(path.name, message)]) from exc
    try:
        return {name: _read_sheet(book, name) for name in book.sheet_names}
    finally:
        book.close()


def _read_sheet(book: CalamineWorkbook, name: str) -> pd.DataFrame:
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return sheet_frame(name, rows)


def sheet_frame(sheet: str, rows: list[list[Any]]) -> pd.DataFrame:
    """Build the raw frame of one sheet from its rows of cell values (row 0 = header)."""
    header = [_header_text(v) for v in rows[0]] if rows else []
    body = rows[1:]
    columns, problems = _header_columns(sheet, header, body)
    records, numbers = [], []
    for number, row in enumerate(body, start=2):
        values = [_clean(row[i]) if i < len(row) else None for _, i, _ in columns]
        if any(v is not None for v in values):
            records.append(values)
            numbers.append(number)
    frame = pd.DataFrame(records, columns=[name for name, _, _ in columns], dtype=object)
    frame[ROW] = pd.Series(numbers, dtype="int64")
    frame.attrs["sheet"] = sheet
    frame.attrs["letters"] = {name: letter for name, _, letter in columns}
    frame.attrs["problems"] = problems
    return frame


def _header_columns(
    sheet: str, header: list[str | None], body: list[list[Any]]
) -> tuple[list[tuple[str, int, str]], list[Problem]]:
    """The (name, index, letter) of every usable column, and problems with the header row."""
    columns: list[tuple[str, int, str]] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for i, name in enumerate(header):
        letter = get_column_letter(i + 1)
        if name is None:
            if any(i < len(r) and _clean(r[i]) is not None for r in body):
                message = f"column {letter} has values but no header; it is ignored"
                problems.append(Problem(sheet, message, 1, None, f"{letter}1", "warning"))
            continue
        if name.lower() in seen:
            message = f'column header "{name}" appears twice (columns {seen[name.lower()]} and '
            message += f"{letter}); rename or delete one"
            problems.append(Problem(sheet, message, 1, name, f"{letter}1"))
            continue
        seen[name.lower()] = letter
        columns.append((name, i, letter))
    return columns, problems


def _header_text(value: Any) -> str | None:
    value = _clean(value)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _clean(value: Any) -> Any:
    """Blank cells (empty or whitespace-only text, NaN) become ``None``; others are kept as is."""
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
