"""Write the results workbook atomically (temp file in the same folder, then rename)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

SHEET_ORDER = (
    "Summary",
    "Projects",
    "PriceFloors",
    "ReferencePrices",
    "Offtake",
    "Stockpile",
    "Supply",
    "Concentration",
    "Targets",
    "Shortfall",
    "Scenarios",
    "Ledger",
    "RunInfo",
)


def write_atomic(path: Path, write) -> Path:
    """Call write(tmp_path) then rename onto path, so readers never see a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_results(path: Path, tables: dict[str, pd.DataFrame], decorate=None) -> Path:
    """One sheet per table in SHEET_ORDER (others after), frozen header, autofilter, widths.
    `decorate(workbook, tables)` may add charts and formats before saving."""
    names = [n for n in SHEET_ORDER if n in tables] + [n for n in tables if n not in SHEET_ORDER]

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name in names:
                tables[name].to_excel(xw, sheet_name=name[:31], index=False)
            for name in names:
                _format_sheet(xw.book[name[:31]], tables[name])
            if decorate is not None:
                decorate(xw.book, tables)

    return write_atomic(path, write)


def _format_sheet(ws, df: pd.DataFrame) -> None:
    ws.freeze_panes = "A2"
    if len(df.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{max(2, len(df) + 1)}"
    for i, col in enumerate(df.columns, start=1):
        sample = df[col].head(200).map(lambda v: len(str(v)))
        width = max([len(str(col))] + sample.tolist())
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(9, width + 2))
