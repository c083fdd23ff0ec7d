"""Write text cells as text, never as formulas (SPEC §6 Revision 2: no formula injection).

A name typed as text that starts with ``=`` (``=HYPERLINK("http://…","x")``), ``+``, ``-`` or
``@`` must reach any workbook the project writes as the same text, not as a live formula. Both
writers' plain ``write``/``value =`` paths turn such text into a formula; use these helpers:

* openpyxl: :func:`set_text_safe` (``cell.value = v`` then the type forced to text);
* xlsxwriter: :func:`write_safe` (``write_string`` for every ``str``, ``write`` otherwise).
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@")


def looks_like_formula(value: Any) -> bool:
    """True for text that a spreadsheet would read as a formula if written naively."""
    return isinstance(value, str) and value.lstrip().startswith(FORMULA_PREFIXES)


def set_text_safe(cell: Any, value: Any) -> None:
    """Set an openpyxl cell; text (even ``=...``) is stored as a string, never a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def write_safe(worksheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> Any:
    """Write one value with xlsxwriter; every ``str`` goes through ``write_string``."""
    if isinstance(value, str):
        return worksheet.write_string(row, col, value, fmt)
    return worksheet.write(row, col, value, fmt)
