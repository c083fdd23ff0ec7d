"""The one reader of a results workbook (explain and diff read through it)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


class NotAResultsWorkbook(ValueError):
    """The file is not a mineralclub results workbook (no Summary sheet with key / value)."""


def read_book(path: Path) -> dict[str, pd.DataFrame]:
    """Every sheet of a results workbook; NotAResultsWorkbook when it is missing or is not one."""
    path = Path(path)
    if not path.is_file():
        raise NotAResultsWorkbook(f"results workbook not found: {path}")
    try:
        book = pd.read_excel(path, sheet_name=None, engine="calamine")
    except Exception as exc:  # calamine raises its own error types
        raise NotAResultsWorkbook(f"cannot read {path} as a workbook ({exc})") from exc
    summary = book.get("Summary")
    if summary is None or not {"key", "value"} <= set(summary.columns):
        raise NotAResultsWorkbook(
            f"{path} is not a mineralclub results workbook "
            "(it has no Summary sheet with key and value columns)"
        )
    return book
