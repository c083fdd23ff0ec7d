"""`mineralclub diff A B`: changed inputs, moved decisions, cost and concentration (issue 9)."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from mineralclub.cli import app
from mineralclub.pipeline import run
from mineralclub.report.diff import diff
from mineralclub.solve import SolveOptions

runner = CliRunner()


def test_diff_of_a_run_with_itself_is_empty(ban_run):
    d = diff(ban_run.results_path, ban_run.results_path)
    assert d.is_empty and d.same_inputs is True
    assert all(df.empty for df in d.sections.values())


def test_two_solves_of_the_same_input_do_not_differ(small_run, tmp_path, example_small_path):
    again = run(example_small_path, tmp_path, SolveOptions())
    d = diff(small_run.results_path, again.results_path)
    assert d.is_empty, {k: v for k, v in d.sections.items() if not v.empty}


def test_diff_command_on_itself_writes_an_empty_diff_beside_a(ban_run):
    res = runner.invoke(app, ["diff", str(ban_run.results_path), str(ban_run.results_path)])
    assert res.exit_code == 0, res.output
    assert "No differences" in res.stdout
    out = ban_run.results_path.with_name("example_ban_results_vs_example_ban_results.xlsx")
    book = pd.read_excel(out, sheet_name=None, engine="calamine")
    assert list(book) == ["Overview", "Inputs", "Decisions", "Cost", "Concentration", "Targets"]
    assert all(book[name].empty for name in list(book)[1:])


def test_small_vs_ban_shows_changed_inputs_and_moved_decisions(small_run, ban_run, tmp_path):
    out = tmp_path / "d.xlsx"
    res = runner.invoke(
        app, ["diff", str(small_run.results_path), str(ban_run.results_path), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "Inputs" in res.stdout and "Decisions" in res.stdout
    book = pd.read_excel(out, sheet_name=None, engine="calamine")
    inputs = book["Inputs"]
    added = inputs[inputs["change"] == "added"]
    assert {"Scenarios", "Prices", "Disruptions"} <= set(added["sheet"])
    assert "scenario=ban" in set(added.loc[added["sheet"] == "Scenarios", "key"])
    prob = inputs[(inputs["sheet"] == "Scenarios") & (inputs["column"] == "probability")]
    assert dict(zip(prob["key"], prob["change"], strict=True)) == {
        "scenario=base": pytest.approx(-0.1),
        "scenario=low": pytest.approx(-0.1),
    }
    dec = book["Decisions"].set_index(["decision", "item"])
    assert dec.loc[("new stock capacity (t)", "lithium"), "b"] == pytest.approx(30)
    assert dec.loc[("offtake (t/yr)", "Partneria lithium refine 2027"), "a"] == pytest.approx(17.5)
    assert dec.loc[("offtake (t/yr)", "Partneria lithium refine 2026"), "b"] == pytest.approx(30)
    cost = book["Cost"].set_index("key")
    assert cost.loc["stockpile_cost_musd", "change"] == pytest.approx(
        ban_run.summary["stockpile_cost_musd"]
    )
    assert not book["Concentration"].empty
    targets = book["Targets"].set_index("field")
    assert targets.loc["binding", "change"] == "changed"


def test_inputs_are_compared_only_by_digest_when_the_input_is_gone(
    small_run, tmp_path, make_workbook
):
    edited = make_workbook({"Demand!C3": 120.0})
    other = run(edited, tmp_path / "runs", SolveOptions())
    edited.unlink()
    d = diff(small_run.results_path, other.results_path)
    assert d.same_inputs is False
    assert list(d.sections["Inputs"]["column"]) == ["input_sha256"]
    assert any("not found" in n for n in d.notes)


def test_edited_cell_is_found_by_its_key(small_run, tmp_path, make_workbook):
    edited = make_workbook({"Demand!C3": 120.0})
    other = run(edited, tmp_path / "runs", SolveOptions())
    d = diff(small_run.results_path, other.results_path)
    rows = d.sections["Inputs"]
    demand = rows[rows["sheet"] == "Demand"]
    assert len(demand) == 1
    r = demand.iloc[0]
    assert r["column"] == "demand_t" and r["b"] == 120.0 and r["key"].startswith("mineral=")


def test_diff_rejects_a_missing_workbook(ban_run, tmp_path):
    res = runner.invoke(app, ["diff", str(tmp_path / "nope.xlsx"), str(ban_run.results_path)])
    assert res.exit_code == 2 and "not found" in res.stderr
