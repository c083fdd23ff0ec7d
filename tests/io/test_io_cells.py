"""Text that looks like a formula is written as text by every input-side writer (SPEC §6)."""

from __future__ import annotations

import os
import stat

import openpyxl
import xlsxwriter
from typer.testing import CliRunner

from mineralclub.cli import app
from mineralclub.io.cells import looks_like_formula, set_text_safe, write_safe

INJECTION = '=HYPERLINK("http://example.invalid","x")'


def test_helpers_write_formula_like_text_as_text(tmp_path):
    book = openpyxl.Workbook()
    set_text_safe(book.active["A1"], INJECTION)
    set_text_safe(book.active["A2"], 3.5)
    book.save(tmp_path / "o.xlsx")
    with xlsxwriter.Workbook(tmp_path / "x.xlsx") as wb:
        ws = wb.add_worksheet()
        for i, value in enumerate([INJECTION, "+1", "-2", "@SUM(A1)", 4]):
            write_safe(ws, i, 0, value)
    o = openpyxl.load_workbook(tmp_path / "o.xlsx").active
    assert (o["A1"].value, o["A1"].data_type) == (INJECTION, "s")
    assert (o["A2"].value, o["A2"].data_type) == (3.5, "n")
    x = openpyxl.load_workbook(tmp_path / "x.xlsx").active
    assert [c.value for c in x["A"]] == [INJECTION, "+1", "-2", "@SUM(A1)", 4]
    assert [c.data_type for c in x["A"]] == ["s", "s", "s", "s", "n"]
    assert looks_like_formula(" =1") and not looks_like_formula("Alliedia")


def test_the_annotated_copy_keeps_text_as_text(make_workbook, tmp_path):
    def inject(book):
        cell = book["Projects"]["A2"]
        cell.value = INJECTION
        cell.data_type = "s"  # typed as text in Excel (a leading apostrophe)

    esc = "_x001B_[31mred"  # ESC as Excel stores it
    path = make_workbook(
        {"Projects!F3": "lots", "Projects!M2": esc, "Projects!K2": esc}, change=inject
    )
    copy = tmp_path / "copy.xlsx"
    result = CliRunner().invoke(app, ["validate", str(path), "--annotate", str(copy)])
    assert result.exit_code == 2, result.output
    assert "\x1b" not in result.stderr  # never sent to the terminal
    assert "Projects!M2: source contains the control character U+001B" in result.stderr
    assert (
        'Projects!K2: status must be one of candidate, committed, found "\\x1b[31mred"'
        in result.stderr
    )
    book = openpyxl.load_workbook(copy)
    cell = book["Projects"]["A2"]
    assert (cell.value, cell.data_type) == (INJECTION, "s")
    assert "U+001B" in book["Projects"]["M2"].comment.text
    assert "\\x1b[31mred" in book["Projects"]["K2"].comment.text


def test_the_template_has_no_formula_cells(tmp_path):
    CliRunner().invoke(app, ["template", str(tmp_path / "t.xlsx")])
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    kinds = {c.data_type for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert "f" not in kinds


def test_input_side_files_respect_the_umask(make_workbook, tmp_path):
    old = os.umask(0o022)
    try:
        CliRunner().invoke(app, ["template", str(tmp_path / "t.xlsx")])
        path = make_workbook({"Projects!F3": "lots"})
        CliRunner().invoke(app, ["validate", str(path), "--annotate", str(tmp_path / "c.xlsx")])
    finally:
        os.umask(old)
    for name in ("t.xlsx", "c.xlsx"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
