"""The base case can be rebuilt from the repository alone: `inputs/build_base_case.py` reads the
sourced tables in `inputs/data` and gives the committed `inputs/base_case.xlsx`, cell by cell."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from python_calamine import CalamineWorkbook

INPUTS = Path(__file__).resolve().parents[1] / "inputs"


def load_builder():
    spec = importlib.util.spec_from_file_location("build_base_case", INPUTS / "build_base_case.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cells(path: Path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    try:
        return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    finally:
        book.close()


def test_builder_reads_the_tables_in_the_repository():
    builder = load_builder()
    assert builder.DEFAULT_DATA == INPUTS / "data"
    for name in (
        "mine_production",
        "refining_production",
        "prices",
        "demand",
        "capex",
        "export_controls",
        "stockpiles",
        "ministerial_attendees",
    ):
        assert (INPUTS / "data" / f"{name}.csv").stat().st_size > 0
    assert "source" in (INPUTS / "data" / "README.md").read_text().lower()


def test_rebuilding_gives_the_committed_workbook(tmp_path):
    out = tmp_path / "base_case.xlsx"
    load_builder().main(["--out", str(out)])
    rebuilt, committed = cells(out), cells(INPUTS / "base_case.xlsx")
    assert list(rebuilt) == list(committed)
    for sheet, rows in committed.items():
        assert rebuilt[sheet] == rows, sheet
