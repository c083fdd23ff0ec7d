"""Cell contents that are not values: an Excel error (``#N/A``) or a formula without a saved value.

The reader keeps them as these markers instead of reading them as blank, so the validation can
report each at its cell (SPEC §6 Revision 2: never replaced by a default).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NO_SAVED_VALUE = "formula without a saved value: open and save the workbook in Excel or LibreOffice"


@dataclass(frozen=True)
class ExcelError:
    """An Excel error value such as ``#N/A`` or ``#DIV/0!``, as saved in the cell."""

    code: str

    def __str__(self) -> str:
        return self.code

    def describe(self) -> str:
        return f"the Excel error {self.code}"


@dataclass(frozen=True)
class NoSavedValue:
    """A formula whose result was never saved (written by a program, not by Excel)."""

    formula: str = ""

    def __str__(self) -> str:
        return f"={self.formula}" if self.formula else "(formula)"

    def describe(self) -> str:
        return NO_SAVED_VALUE


def is_fault(value: Any) -> bool:
    """True for an Excel error or a formula without a saved value."""
    return isinstance(value, ExcelError | NoSavedValue)
