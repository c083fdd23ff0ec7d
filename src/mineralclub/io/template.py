"""The blank input workbook and the workbook docs, both generated from the schema (SPEC §3).

``write_template(path)`` writes every sheet and column of :mod:`mineralclub.schema` with a comment
on each header (description, unit, default), drop-downs (booleans, enums, and names that must come
from another sheet), a frozen header row and a README sheet. ``workbook_markdown()`` renders the
same facts as ``docs/workbook.md``; a test keeps that file up to date. Regenerate it with
``python -m mineralclub.io.template docs/workbook.md``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from mineralclub.io.atomic import write_atomic
from mineralclub.io.rules import RULES
from mineralclub.schema import REQUIRED, SETTINGS, SHEET_BY_NAME, SHEETS, Column, Sheet

LAST_ROW = 1000  # drop-downs and name lists cover rows 2..LAST_ROW
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
README_COLUMNS = (
    "sheet",
    "column",
    "kind",
    "unit",
    "default",
    "allowed",
    "references",
    "description",
)


def write_template(path: str | os.PathLike[str]) -> Path:
    """Write the blank input workbook to ``path`` (atomically) and return the path."""
    book = Workbook()
    write_readme(book.active)
    for spec in SHEETS:
        write_sheet(book.create_sheet(spec.name), spec)
    return save_atomic(Path(path), book.save)


def save_atomic(path: Path, save: Callable[[str], object]) -> Path:
    """Call ``save(temp path)`` in the target folder, then rename onto ``path``."""
    return write_atomic(Path(path), lambda tmp: save(str(tmp)))


def write_sheet(ws: Worksheet, spec: Sheet) -> None:
    for i, col in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.comment = header_comment(col)
        ws.column_dimensions[get_column_letter(i)].width = min(max(len(col.name) + 4, 12), 40)
        validation = drop_down(col)
        if validation is not None:
            letter = get_column_letter(i)
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    if spec.key_value:
        for row, setting in enumerate(SETTINGS, start=2):
            ws.cell(row=row, column=1, value=setting.name)


def header_comment(col: Column) -> Comment:
    comment = Comment(col.describe(), "mineralclub")
    comment.width, comment.height = 300, 120
    return comment


def drop_down(col: Column) -> DataValidation | None:
    """A list validation for booleans, enums and names from another sheet, or None."""
    if col.kind == "bool":
        return DataValidation(
            type="list",
            formula1='"TRUE,FALSE"',
            allow_blank=True,
            showErrorMessage=True,
            error="TRUE or FALSE",
        )
    if col.kind == "enum":
        return DataValidation(
            type="list",
            formula1='"' + ",".join(col.allowed) + '"',
            allow_blank=True,
            showErrorMessage=True,
            error="One of: " + ", ".join(col.allowed),
        )
    if col.ref:
        sheet, name = col.ref.split(".")
        letter = get_column_letter([c.name for c in SHEET_BY_NAME[sheet].columns].index(name) + 1)
        source = f"{sheet}!${letter}$2:${letter}${LAST_ROW}"
        # names typed before the list is filled, and the wildcard *, must stay possible
        return DataValidation(
            type="list",
            formula1=f"={source}",
            allow_blank=True,
            showErrorMessage=not col.star,
            errorStyle="warning",
            error=f"Not in {col.ref}",
        )
    return None


# --- README sheet and docs ----------------------------------------------------------------------


def default_text(col: Column) -> str:
    if col.default is REQUIRED:
        return "required"
    if col.default is None:
        return ""
    if isinstance(col.default, bool):
        return "TRUE" if col.default else "FALSE"
    return str(col.default)


def column_row(sheet: str, col: Column) -> tuple[str, ...]:
    references = col.ref + (" or *" if col.star else "")
    return (
        sheet,
        col.name,
        col.kind,
        col.unit,
        default_text(col),
        ", ".join(col.allowed),
        references,
        col.description,
    )


def readme_rows() -> list[tuple[str, ...]]:
    """One row per sheet (column blank) and per column; Settings keys listed as columns."""
    rows: list[tuple[str, ...]] = []
    for spec in SHEETS:
        status = "required sheet" if spec.required else "optional sheet"
        rows.append((spec.name, "", status, "", "", "", "", spec.description))
        rows.extend(column_row(spec.name, col) for col in spec.columns)
        if spec.key_value:
            rows.extend(column_row("Settings key", col) for col in SETTINGS)
    return rows


def write_readme(ws: Worksheet) -> None:
    ws.title = "README"
    ws.append(
        [
            "mineralclub input workbook: one sheet per table, header in row 1, one record per "
            "row. Blank optional cells take the default. Every error names its cell."
        ]
    )
    ws.append([])
    ws.append(list(README_COLUMNS))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for row in readme_rows():
        ws.append(list(row))
        if not row[1]:
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
    widths = (16, 30, 14, 14, 14, 30, 22, 90)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=4, min_col=8, max_col=8):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A4"


def workbook_markdown() -> str:
    """``docs/workbook.md``: every sheet and column of the schema, generated."""
    lines = [
        "# The input workbook",
        "",
        "<!-- Generated from src/mineralclub/schema.py by mineralclub.io.template."
        "workbook_markdown(); do not edit by hand. Regenerate: "
        "python -m mineralclub.io.template docs/workbook.md -->",
        "",
        "One `.xlsx` file, one sheet per table, header in row 1 (columns matched by name, any "
        "order, case-insensitive), one record per row. Blank optional cells take the default. "
        "Extra columns are kept and warned about. `mineralclub template PATH` writes a blank "
        "workbook with these sheets, header comments and drop-downs; `mineralclub validate "
        "WORKBOOK` lists every problem with its cell.",
        "",
        "Booleans accept TRUE/FALSE, yes/no and 1/0 in any case. `*` is allowed only where a "
        "column says so. A named scenario overrides `*` for the same key.",
        "",
        "Every number column has an upper bound (the `..` range below): its own maximum, else a "
        "sane bound for its unit (tonnes 1e10, USD/t 1e9, USD million 1e7, years 100, seconds "
        "1e7, others 1e9), so the solver never sees a number it cannot handle. Names are "
        "trimmed and compared in Unicode NFC form; names that differ only by case are an "
        "error. An Excel error value or a formula without a saved value is reported at its "
        "cell, never replaced by a default.",
        "",
    ]
    for spec in SHEETS:
        lines += sheet_markdown(spec)
    lines += rules_markdown() + NOTES
    return "\n".join(lines).rstrip() + "\n"


NOTES = [
    "## How the validated tables look (for developers)",
    "",
    "`mineralclub.io.load(path)` returns `Tables`: `settings` (every key, typed, defaults "
    "applied; base_year = first period when blank) and `frames` (every sheet above, absent "
    "optional sheets as empty frames). Columns: schema columns in schema order, then unknown "
    "extra columns (raw values, object dtype), then `_row` (the Excel row). Numbers are float64 "
    "(blank optional = NaN); integers and years int64 (never blank after defaults; only "
    "Sources.year is nullable Int64); booleans bool; text and enums pandas `str` (blank optional "
    "= NaN). `*` is expanded in Prices.scenario and Disruptions.scenario (expanded rows keep "
    "the `_row` of the `*` row); Targets keep `*`; Targets.scenarios is `*` or names joined by "
    "`;`. Periods are sorted by year.",
    "",
    "Derived defaults: Disruptions.year_to = year_from; OfftakeOptions.first_year / last_year = "
    "the first year / last year of the horizon (first period year; last period year + duration "
    "- 1). A missing column that is not required takes its default for every row, with a "
    "warning.",
    "",
]


def rules_markdown() -> list[str]:
    """The cross-sheet rules, from the docstrings of :data:`mineralclub.io.rules.RULES`."""
    lines = [
        "## Checks across sheets",
        "",
        "Besides the types, ranges, allowed values, keys and references above, validation checks "
        "(a warning where it says so, otherwise an error):",
        "",
    ]
    for rule in RULES:
        text = " ".join((rule.__doc__ or "").split())
        lines.append(f"- **{rule.__name__.removeprefix('check_').replace('_', ' ')}**: {text}")
    return lines + [""]


def sheet_markdown(spec: Sheet) -> list[str]:
    status = "required" if spec.required else "optional"
    lines = [f"## {spec.name} ({status})", "", spec.description, ""]
    if spec.key:
        lines += ["Key: " + ", ".join(f"`{k}`" for k in spec.key) + ".", ""]
    lines += markdown_table(spec.columns)
    if spec.key_value:
        lines += ["", "Settings keys (the `value` column is typed as below):", ""]
        lines += markdown_table(SETTINGS)
    return lines + [""]


def markdown_table(columns: tuple[Column, ...]) -> list[str]:
    lines = [
        "| column | kind | unit | default | allowed / references | description |",
        "|---|---|---|---|---|---|",
    ]
    for col in columns:
        _, name, kind, unit, default, allowed, refs, description = column_row("", col)
        limits = " ".join(filter(None, (allowed, refs, range_text(col))))
        cells = (f"`{name}`", kind, unit, default, limits, description)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return lines


def range_text(col: Column) -> str:
    """Accepted range; the upper end is the column's maximum or its unit's sane bound."""
    if col.minimum is not None and col.upper is not None:
        return f"{col.minimum:g}..{col.upper:g}"
    if col.minimum is not None:
        return f">= {col.minimum:g}"
    return f"<= {col.upper:g}" if col.upper is not None else ""


if __name__ == "__main__":  # python -m mineralclub.io.template docs/workbook.md
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/workbook.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(workbook_markdown(), encoding="utf-8")
