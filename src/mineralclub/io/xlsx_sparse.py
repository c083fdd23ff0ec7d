"""Stream the cells of an .xlsx workbook sparsely: memory bounded by the data, not the extent.

A single value at ``XFD1048576`` makes a dense reader allocate a grid of 17 billion cells; this
reader keeps only the cells that exist in the file (SPEC §6 Revision 2). It opens the package
with openpyxl's parts (manifest, shared strings, workbook, styles for dates) and parses only the
sheets asked for with openpyxl's streaming :class:`WorkSheetParser`, which yields the ``<row>``
elements present in the XML without padding. XML is parsed through defusedxml (openpyxl uses it
when installed), so entity payloads are refused rather than expanded.

Cell values: numbers (int or float), text, booleans, dates; an Excel error becomes
:class:`ExcelError`, a formula without a saved result :class:`NoSavedValue`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.escape import unescape
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from mineralclub.io.cellvalues import ExcelError, NoSavedValue

HIDDEN = ("1", "true")


@dataclass
class SheetCells:
    """The cells of one sheet: ``rows[row][column] = value`` (1-based), only cells present."""

    name: str
    state: str = "visible"  # "visible", "hidden" or "veryHidden"
    rows: dict[int, dict[int, Any]] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, keeping Excel errors and formulas without a saved value."""

    def parse_cell(self, element) -> dict:
        cell = super().parse_cell(element)
        if isinstance(cell["value"], str) and "_x" in cell["value"]:
            cell["value"] = unescape(cell["value"])  # _x0007_ -> "\x07", as Excel reads it
        elif cell["data_type"] == "e" and cell["value"] is not None:
            cell["value"] = ExcelError(str(cell["value"]))
        elif cell["value"] is None and (formula := element.find(FORMULA_TAG)) is not None:
            cell["value"] = NoSavedValue(formula.text or "")
        return cell


class XlsxPackage:
    """An opened .xlsx package: sheet names and states; cells of a sheet read on demand."""

    def __init__(self, fh: IO[bytes]):
        self._reader = ExcelReader(fh, read_only=True, data_only=True, keep_links=False)
        try:
            self._reader.read_manifest()
            self._reader.read_strings()
            self._reader.read_workbook()
            apply_stylesheet(self._reader.archive, self._reader.wb)
            self._sheets = {
                sheet.name: (sheet.state or "visible", rel)
                for sheet, rel in self._reader.parser.find_sheets()
            }
        except BaseException:
            self.close()
            raise

    @property
    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    def state(self, name: str) -> str:
        return self._sheets[name][0]

    def is_worksheet(self, name: str) -> bool:
        rel = self._sheets[name][1]
        return "chartsheet" not in (rel.Type or "") and rel.target in self._reader.valid_files

    def read(self, name: str) -> SheetCells:
        """Every cell of sheet ``name`` that holds a value (blank cells are not kept)."""
        state, rel = self._sheets[name]
        out = SheetCells(name, state)
        wb = self._reader.wb
        with self._reader.archive.open(rel.target) as src:
            parser = _Parser(
                src,
                self._reader.shared_strings,
                data_only=True,
                epoch=wb.epoch,
                date_formats=wb._date_formats,
                timedelta_formats=wb._timedelta_formats,
            )
            for number, cells in parser.parse():
                values = {c["column"]: c["value"] for c in cells if c["value"] is not None}
                if values:
                    out.rows.setdefault(number, {}).update(values)
            out.hidden_rows = {
                int(r)
                for r, attrs in parser.row_dimensions.items()
                if str(attrs.get("hidden", "")).lower() in HIDDEN
            }
            out.hidden_columns = set(_hidden_columns(parser.column_dimensions.values()))
        return out

    def close(self) -> None:
        self._reader.archive.close()


def _hidden_columns(dimensions: Iterable[dict]) -> Iterator[int]:
    for attrs in dimensions:
        if str(attrs.get("hidden", "")).lower() in HIDDEN:
            low = int(attrs.get("min", 0))
            high = min(int(attrs.get("max", low)), 16384)
            yield from range(low, high + 1)


def sniff(head: bytes, fh: IO[bytes]) -> str | None:
    """Why a file is not an .xlsx package, from its first bytes, or None when it may be one."""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            "it is a password-protected (encrypted) workbook or an old .xls file: "
            "save it as an .xlsx workbook without a password"
        )
    if not head.startswith(b"PK"):
        return "it is not an .xlsx workbook (not a zip package): save it as .xlsx"
    try:
        with zipfile.ZipFile(fh) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                return "it is an OpenDocument (.ods) spreadsheet: save it as .xlsx"
            if "[Content_Types].xml" not in names:
                return "it is a zip file but not an .xlsx workbook"
    except zipfile.BadZipFile:
        return "it is truncated or damaged (not a readable zip package)"
    finally:
        fh.seek(0)
    return None
