"""The blank template and the generated docs."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from mineralclub.io import InputError, load
from mineralclub.io.template import workbook_markdown, write_template
from mineralclub.schema import SETTINGS, SHEETS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "workbook.md"

MINIMAL = {
    "Countries": [["Home", None, True]],
    "Minerals": [["nickel"]],
    "Stages": [["nickel", "mine", 1, 1, True]],
    "Periods": [[2030]],
    "Scenarios": [["only", 1]],
    "Demand": [["nickel", 2030, 10]],
    "Prices": [["nickel", "mine", 2030, "*", 100]],
}


@pytest.fixture
def template(tmp_path) -> Path:
    return write_template(tmp_path / "blank.xlsx")


def test_template_has_every_sheet_and_column(template):
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["README"] + [s.name for s in SHEETS]
    for spec in SHEETS:
        ws = book[spec.name]
        assert [c.value for c in ws[1]] == [c.name for c in spec.columns]
        assert all(c.comment is not None and c.comment.text for c in ws[1])
        assert ws.freeze_panes == "A2"
    assert [r[0].value for r in book["Settings"].iter_rows(min_row=2)] == [c.name for c in SETTINGS]


def test_header_comment_carries_description_and_unit(template):
    comment = openpyxl.load_workbook(template)["Projects"]["F1"].comment.text
    assert "Capital cost." in comment and "USD million" in comment and "Required" in comment


def test_template_drop_downs(template):
    book = openpyxl.load_workbook(template)

    def formulas(sheet):
        return {str(dv.sqref): dv.formula1 for dv in book[sheet].data_validations.dataValidation}

    projects = formulas("Projects")
    assert projects["J2:J1000"] == '"TRUE,FALSE"'  # lumpy
    assert projects["K2:K1000"] == '"candidate,committed"'  # status
    assert projects["B2:B1000"] == "=Countries!$A$2:$A$1000"  # country names
    assert projects["D2:D1000"] == "=Stages!$B$2:$B$1000"  # stage names
    assert formulas("Targets")["B2:B1000"].startswith('"max_country_share,')
    assert formulas("Sweeps")["G2:G1000"] == '"one_at_a_time,grid,frontier"'
    assert formulas("Settings")["A2:A1000"].startswith('"name,base_year,')


def test_readme_sheet_explains_every_column(template):
    rows = list(openpyxl.load_workbook(template)["README"].values)
    described = {(r[0], r[1]) for r in rows[3:]}
    for spec in SHEETS:
        assert (spec.name, "") in described or (spec.name, None) in described
        for col in spec.columns:
            assert (spec.name, col.name) in described
    assert ("Settings key", "discount_rate") in described


def test_blank_template_reports_what_is_missing(template):
    with pytest.raises(InputError) as info:
        load(template)
    assert "Countries!A1: Countries has no rows; at least one is needed" in str(info.value)


def test_template_round_trip(template):
    book = openpyxl.load_workbook(template)
    for sheet, rows in MINIMAL.items():
        for row in rows:
            book[sheet].append(row)
    book.save(template)
    tables = load(template)
    assert tables.warnings == ()
    assert tables["Prices"]["scenario"].tolist() == ["only"]
    assert tables.settings["base_year"] == 2030


def test_template_write_is_atomic_and_leaves_no_temp_files(tmp_path):
    write_template(tmp_path / "a.xlsx")
    write_template(tmp_path / "a.xlsx")  # overwrite
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_docs_are_up_to_date():
    assert DOCS.read_text(encoding="utf-8") == workbook_markdown(), (
        "docs/workbook.md is stale: run .venv/bin/python -m mineralclub.io.template "
        "docs/workbook.md"
    )
