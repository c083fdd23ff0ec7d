"""`mineralclub alternatives` end to end: the workbook's sheets and columns, text cells, the
paragraph, and the exit codes (bad input 2, infeasible targets 3)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from mineralclub.alternatives.report import PLAN_COLUMNS, RANGE_COLUMNS, write_sheet
from mineralclub.cli import app

runner = CliRunner()


def test_example_small_writes_the_alternatives_workbook(example_small_path, tmp_path):
    before = hashlib.sha256(example_small_path.read_bytes()).hexdigest()
    res = runner.invoke(
        app,
        [
            "alternatives",
            str(example_small_path),
            "--out",
            str(tmp_path),
            "--slack",
            "0.5",
            "--count",
            "2",
            "--by",
            "lever",
        ],
    )
    assert res.exit_code == 0, res.output
    assert hashlib.sha256(example_small_path.read_bytes()).hexdigest() == before
    out = tmp_path / "example_small_alternatives.xlsx"
    book = pd.read_excel(out, sheet_name=None, engine="calamine")
    assert list(book) == ["Summary", "Charts", "Plans", "Ranges", "Info"]
    plans, ranges = book["Plans"], book["Ranges"]
    assert list(plans.columns[: len(PLAN_COLUMNS)]) == PLAN_COLUMNS
    for column in (
        "support_musd",
        "floors_musd",
        "offtake_musd",
        "stocks_musd",
        "hosted_musd[Alliedia]",
        "nonmember_share[lithium,2027]",
    ):
        assert column in plans.columns
    assert plans["plan"].tolist() == [0, 1, 2]
    assert plans.loc[0, "cost_over_optimum_musd"] == 0
    assert (plans["cost_musd"] <= plans.loc[0, "cost_musd"] * 1.5 + 1e-6).all()
    # the least-cost plan is the README's: 17.5 t of partner offtake for 0.014 USD million
    assert plans.loc[0, "offtake_musd"] == pytest.approx(0.014)
    assert plans.loc[0, "projects_built"] == 0
    assert list(ranges.columns) == RANGE_COLUMNS
    assert set(ranges["item"]) == {"support", "floors", "offtake", "stocks"}
    assert (ranges["min"] <= ranges["least_cost_plan"] + 1e-9).all()
    assert (ranges["least_cost_plan"] <= ranges["max"] + 1e-9).all()
    assert book["Summary"].loc[0, "text"].startswith("Within 50% of the least cost")
    assert len(openpyxl.load_workbook(out)["Charts"]._charts) == 2
    brief = tmp_path / "example_small_alternatives.md"
    assert book["Summary"].loc[0, "text"] in brief.read_text()
    assert book["Summary"].loc[0, "text"] in res.stdout


def test_workers_give_the_serial_ranges(example_small_path, tmp_path):
    """--workers 2 solves the lever ranges in two processes: the same Ranges sheet."""
    args = ["alternatives", str(example_small_path), "--by", "lever", "--count", "0"]
    serial = runner.invoke(app, args + ["--out", str(tmp_path / "s")])
    parallel = runner.invoke(app, args + ["--out", str(tmp_path / "p"), "--workers", "2"])
    assert serial.exit_code == parallel.exit_code == 0, parallel.output
    a, b = (
        pd.read_excel(tmp_path / d / "example_small_alternatives.xlsx", "Ranges", engine="calamine")
        for d in ("s", "p")
    )
    pd.testing.assert_frame_equal(a, b, atol=1e-9)
    assert len(a) == 4


def test_bad_input_exits_2_and_writes_nothing(make_workbook, tmp_path):
    bad = make_workbook({"Projects!F2": "lots"})
    res = runner.invoke(app, ["alternatives", str(bad), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "Projects!F2" in res.stderr and "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [["--by", "region"], ["--slack", "-0.1"], ["--count", "-1"]])
def test_bad_options_exit_2(example_small_path, tmp_path, args):
    res = runner.invoke(
        app, ["alternatives", str(example_small_path), "--out", str(tmp_path)] + args
    )
    assert res.exit_code == 2
    assert not list(tmp_path.iterdir())


def test_missing_workbook_exits_2(tmp_path):
    res = runner.invoke(app, ["alternatives", str(tmp_path / "nope.xlsx"), "--out", str(tmp_path)])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_unmeetable_target_exits_3_naming_it(make_workbook, tmp_path):
    """Bigland <= 5% from 2026: best achievable 8% (see tests/test_cli_solve.py)."""
    bad = make_workbook({"Targets!G2": 0.05, "Targets!F2": 2026})
    res = runner.invoke(app, ["alternatives", str(bad), "--out", str(tmp_path / "out")])
    assert res.exit_code == 3
    assert "Bigland refining cap" in res.stderr and "best achievable value 0.08" in res.stderr
    assert not (tmp_path / "out").exists()


def test_text_cells_are_never_formulas(tmp_path):
    df = pd.DataFrame({"item": ["=SUM(A1:A2)", "+1", "@x"], "min": [1.0, 2.0, None]})
    book = openpyxl.Workbook()
    write_sheet(book.active, df)
    path = tmp_path / "t.xlsx"
    book.save(path)
    ws = openpyxl.load_workbook(Path(path)).active
    assert [ws.cell(i, 1).value for i in (2, 3, 4)] == ["=SUM(A1:A2)", "+1", "@x"]
    assert [ws.cell(i, 1).data_type for i in (2, 3, 4)] == ["s", "s", "s"]
    assert ws.cell(4, 2).value is None
