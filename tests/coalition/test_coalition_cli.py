"""`mineralclub coalition` end to end: the coalition workbook (sheets, charts, text kept as
text, the paragraph), a rerun that takes every cost from the cache, and bad input (exit 2,
nothing solved or written)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from coalition_games import three_bloc_sheets
from mineralclub.cli import app

runner = CliRunner()


def write_sheets(path: Path, sheets: dict[str, list[dict]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        cols = list(dict.fromkeys(c for r in rows for c in r))
        ws.append(cols)
        for r in rows:
            ws.append([r.get(c) for c in cols])
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # "=Small" is a text cell, not a formula
    book.save(path)
    return path


def test_coalition_workbook_and_a_rerun_from_the_cache(tmp_path):
    sheets = three_bloc_sheets(cost_shares=(0.7, 0.1, 0.1, 0.1))
    for row in sheets["Countries"]:
        if row.get("bloc") == "Small":
            row["bloc"] = "=Small"  # a formula-like name stays text
    workbook = write_sheets(tmp_path / "club.xlsx", sheets)
    before = hashlib.sha256(workbook.read_bytes()).hexdigest()
    out = tmp_path / "out"
    res = runner.invoke(app, ["coalition", str(workbook), "--by", "bloc", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "7 coalition(s) (7 solved now" in res.output
    target = out / "club_coalition.xlsx"
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == [
        "Summary",
        "Blocs",
        "Values",
        "Coalitions",
        "Stability",
        "Charts",
        "RunInfo",
    ]
    assert len(book["Charts"]._charts) == 2
    blocs = book["Blocs"]
    assert [blocs.cell(row=i, column=1).value for i in (2, 3, 4)] == ["Host", "Big", "=Small"]
    assert blocs.cell(row=4, column=1).data_type == "s"
    frames = pd.read_excel(target, sheet_name=None, engine="calamine")
    summary = dict(zip(frames["Summary"]["key"], frames["Summary"]["value"], strict=True))
    assert summary["coalitions_that_would_leave"] == 1
    assert summary["method"] == "exact"
    assert "1 group(s) of blocs would rather leave: the most, Host" in summary["explanation"]
    assert frames["Stability"]["coalition"].tolist() == ["Host"]
    assert frames["Values"]["shapley_musd"].sum() == frames["Coalitions"]["cost_musd"].iloc[-1]
    assert list((out / ".coalition_cache").glob("*.jsonl"))
    again = runner.invoke(app, ["coalition", str(workbook), "--by", "bloc", "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "(0 solved now" in again.output
    assert hashlib.sha256(workbook.read_bytes()).hexdigest() == before  # input untouched


def test_an_unknown_grouping_column_is_bad_input(tmp_path):
    workbook = write_sheets(tmp_path / "club.xlsx", three_bloc_sheets())
    res = runner.invoke(app, ["coalition", str(workbook), "--by", "blok", "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "Countries has no column blok" in res.output
    assert not (tmp_path / "club_coalition.xlsx").exists()


def test_a_bad_workbook_is_bad_input(tmp_path):
    sheets = three_bloc_sheets()
    sheets["Demand"][0]["demand_t"] = "lots"
    workbook = write_sheets(tmp_path / "club.xlsx", sheets)
    res = runner.invoke(app, ["coalition", str(workbook), "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "Demand!C2" in res.output
    assert not (tmp_path / "club_coalition.xlsx").exists()


def test_too_many_exact_coalitions_are_refused_before_any_solve(tmp_path):
    sheets = three_bloc_sheets()
    sheets["Countries"] = [{"country": f"M{i}", "member": True} for i in range(14)]
    sheets["Countries"].append({"country": "B", "import_premium_usd_per_t": 100})
    del sheets["Projects"]
    workbook = write_sheets(tmp_path / "club.xlsx", sheets)
    res = runner.invoke(
        app,
        [
            "coalition",
            str(workbook),
            "--by",
            "country",
            "--exact-max",
            "14",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 2
    assert "14 blocs exactly = 16,383 solves" in res.output
    assert not (tmp_path / "club_coalition.xlsx").exists()
