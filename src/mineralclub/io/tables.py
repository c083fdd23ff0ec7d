"""The validated, typed input tables that every later stage consumes.

`Tables` is what `mineralclub.io.validate.validate` returns and `mineralclub.dataset` reads:
every sheet of the schema is present (absent optional sheets as empty frames), every schema
column is present with its type and defaults applied, ``*`` is expanded in Prices.scenario and
Disruptions.scenario (a named scenario overriding ``*``), Disruptions.year_to is filled, and the
Settings sheet is a typed dict with defaults. Targets keep their ``*`` (the dataset expands them).
Each frame keeps the Excel row number of every record in a ``_row`` column, for messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One input problem, located to the cell: ``Projects!D7: capex_musd must be ...``."""

    sheet: str
    message: str
    row: int | None = None  # Excel row number (header = 1)
    column: str | None = None
    cell: str | None = None  # e.g. "D7"
    level: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = self.sheet
        if self.cell:
            where = f"{self.sheet}!{self.cell}"
        elif self.row:
            where = f"{self.sheet} row {self.row}"
        return f"{where}: {self.message}"


class InputError(Exception):
    """Bad input: carries every problem found, so all are reported at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Tables:
    settings: Mapping[str, Any]
    frames: Mapping[str, pd.DataFrame]
    warnings: tuple[Problem, ...] = field(default_factory=tuple)

    def __getitem__(self, sheet: str) -> pd.DataFrame:
        return self.frames[sheet]
