"""read_workbook: raw values, Excel rows and column letters, blank rows skipped."""

from __future__ import annotations

import openpyxl
import pytest

from mineralclub.io import InputError, read_workbook


def write(path, rows, title="Projects"):
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_raw_values_rows_and_letters(tmp_path):
    path = write(
        tmp_path / "w.xlsx",
        [
            [" project ", None, "capex_musd"],
            ["A", None, 30],
            [None, None, None],
            ["  ", None, None],
            ["B", None, "lots"],
        ],
    )
    frame = read_workbook(path)["Projects"]
    assert list(frame.columns) == ["project", "capex_musd", "_row"]
    assert frame["_row"].tolist() == [2, 5]  # blank rows 3 and 4 skipped
    assert frame["capex_musd"].tolist() == [30.0, "lots"]  # raw: not interpreted here
    assert frame.attrs["letters"] == {"project": "A", "capex_musd": "C"}
    assert frame.attrs["problems"] == []


def test_header_problems_are_recorded(tmp_path):
    path = write(tmp_path / "w.xlsx", [["project", "Project", None], ["A", "B", "stray"]])
    problems = read_workbook(path)["Projects"].attrs["problems"]
    assert [str(p) for p in problems] == [
        'Projects!B1: column header "Project" appears twice (columns A and B); '
        "rename or delete one",
        "Projects!C1: column C has values but no header; it is ignored",
    ]
    assert [p.level for p in problems] == ["error", "warning"]


def test_empty_sheet(tmp_path):
    frame = read_workbook(write(tmp_path / "w.xlsx", []))["Projects"]
    assert frame.empty and list(frame.columns) == ["_row"]


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="workbook not found"):
        read_workbook(tmp_path / "nope.xlsx")


def test_not_a_workbook(tmp_path):
    path = tmp_path / "text.xlsx"
    path.write_text("hello")
    with pytest.raises(InputError, match="cannot read .*: it is not an .xlsx workbook"):
        read_workbook(path)
