"""annotate: a highlighted, commented copy; the input is never touched."""

from __future__ import annotations

import hashlib

import openpyxl
import pytest

from mineralclub.io import InputError, load
from mineralclub.io.annotate import annotate
from mineralclub.io.tables import Problem


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def problems_of(path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        load(path)
    return info.value.problems


def test_bad_cells_are_filled_and_commented(make_workbook, tmp_path):
    path = make_workbook({"Projects!F3": "lots", "Scenarios!B3": 0.2, "Countries!J1": "notes"})
    before = digest(path)
    copy = annotate(path, problems_of(path), tmp_path / "copy.xlsx")
    assert digest(path) == before
    book = openpyxl.load_workbook(copy)
    cell = book["Projects"]["F3"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "capex_musd must be a number >= 0" in cell.comment.text
    header = book["Scenarios"]["B1"]  # a problem without a cell goes on its column header
    assert "probabilities must sum to 1" in header.comment.text
    warning = book["Countries"]["J1"]
    assert warning.fill.fgColor.rgb.endswith("FFEB9C")
    assert warning.comment.text.startswith("warning: unknown column")
    assert book["Projects"]["F2"].comment is None


def test_problem_on_missing_sheet_goes_on_first_sheet(make_workbook, tmp_path):
    path = make_workbook(change=lambda b: b.remove(b["Demand"]))
    copy = annotate(path, problems_of(path), tmp_path / "copy.xlsx")
    book = openpyxl.load_workbook(copy)
    assert "Demand: required sheet Demand is missing" in book[book.sheetnames[0]]["A1"].comment.text


def test_refuses_to_write_over_the_input(make_workbook):
    path = make_workbook({"Projects!F3": "lots"})
    before = digest(path)
    with pytest.raises(ValueError, match="refusing to annotate over the input"):
        annotate(path, problems_of(path), path.parent / "." / path.name)
    assert digest(path) == before
