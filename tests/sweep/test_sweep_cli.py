"""`mineralclub sweep` end to end: the sweep workbook with its charts, global sensitivity, and
bad input (exit code 2, nothing solved or written)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from mineralclub.cli import app

INPUTS = Path(__file__).resolve().parents[2] / "inputs"
CAP = "Targets[target=Bigland refining cap].value"
runner = CliRunner()


def sheets(path: Path) -> dict[str, pd.DataFrame]:
    return pd.read_excel(path, sheet_name=None, engine="calamine")


def test_sweep_sheet_of_example_sweep_writes_runs_tornado_frontier_and_charts(tmp_path):
    workbook = INPUTS / "example_sweep.xlsx"
    before = hashlib.sha256(workbook.read_bytes()).hexdigest()
    res = runner.invoke(
        app, ["sweep", str(workbook), "--out", str(tmp_path), "--figures", "--quiet"]
    )
    assert res.exit_code == 0, res.output
    out = tmp_path / "example_sweep_sweep.xlsx"
    book = sheets(out)
    assert list(book) == ["Runs", "Tornado", "Frontier", "SweepInfo", "ChartData"]
    runs = book["Runs"]
    assert len(runs) == 6 + 9 + 4 and (runs["status"] == "OPTIMAL").all()
    assert runs["run"].tolist() == list(range(1, 20))
    assert not runs["rebuilt"].any()
    for column in (
        "changes",
        "seconds",
        "objective_musd",
        "fiscal_cost_musd",
        "projects_built",
        "stock_capacity_t",
        "offtake_t",
        "nonmember_share[lithium,2027]",
        "top_country_share[lithium,2027]",
        f"set:{CAP}",
    ):
        assert column in runs.columns, column
    base = runs[(runs["sweep"] == "tornado") & runs["changes"].isna()]
    assert base["objective_musd"].iloc[0] == pytest.approx(0.0277, abs=1e-9)
    frontier = book["Frontier"]
    assert frontier["value"].tolist() == [0.6, 0.5, 0.4, 0.3, 0.2, 0.1]
    assert frontier["objective_musd"].is_monotonic_increasing
    assert len(book["Tornado"]) == 4
    charts = openpyxl.load_workbook(out)
    assert len(charts["Tornado"]._charts) == 1 and len(charts["Frontier"]._charts) == 1
    assert (tmp_path / "example_sweep_sweep_tornado.png").stat().st_size > 1000
    assert (tmp_path / "example_sweep_sweep_frontier_cap_frontier.png").is_file()
    assert hashlib.sha256(workbook.read_bytes()).hexdigest() == before
    assert not list(tmp_path.glob(".*"))


def test_morris_and_sobol_write_a_sheet_of_indices(tmp_path):
    res = runner.invoke(
        app,
        [
            "sweep",
            str(INPUTS / "example_small.xlsx"),
            "--out",
            str(tmp_path),
            "--quiet",
            "--morris",
            "2",
            "--sobol",
            "4",
            "--uncertain",
            f"{CAP}=0.2:0.6",
            "--uncertain",
            "Prices[stage=refine,scenario=low].price_usd_per_t=x0.8:x1.2",
        ],
    )
    assert res.exit_code == 0, res.output
    book = sheets(tmp_path / "example_small_sweep.xlsx")
    runs, sens = book["Runs"], book["Sensitivity"]
    assert (runs["mode"] == "morris").sum() == 2 * 3 and (runs["mode"] == "sobol").sum() == 16
    assert runs[f"set:{CAP}"].between(0.2, 0.6).all()
    objective = sens[sens["output"] == "objective_musd"].set_index(["method", "parameter"])
    assert objective.loc[("morris", CAP), "mu_star"] > 0
    assert objective.loc[("sobol", CAP), "ST"] == objective.loc[("sobol", CAP), "ST"]  # a value
    assert set(sens["method"]) == {"morris", "sobol"}


@pytest.mark.parametrize(
    "args, says",
    [
        (["--param", f"{CAP}=0.5,-0.2"], f"error: {CAP}=-0.2: value must be a number >= 0"),
        (["--param", "Scenarios[scenario=base].probability=1.2"], "between 0 and 1, found 1.2"),
        (["--param", "Targets[target=nope].value=0.5"], "matches no row of Targets"),
        (["--param", "Targetz[target=x].value=0.5"], "unknown sheet Targetz"),
        (
            ["--param", f"{CAP}=0.5", "--param", "Demand.demand_t=1", "--mode", "frontier"],
            "exactly one parameter",
        ),
        ([], "nothing to run"),
        (["--uncertain", f"{CAP}=0.2:0.6"], "--uncertain needs --morris N or --sobol N"),
    ],
)
def test_bad_sweep_input_exits_2_before_any_solve(tmp_path, args, says):
    res = runner.invoke(
        app, ["sweep", str(INPUTS / "example_small.xlsx"), "--out", str(tmp_path), "--quiet", *args]
    )
    assert res.exit_code == 2, res.output
    assert says in res.output
    assert "run(s) of" not in res.output  # nothing solved
    assert not list(tmp_path.iterdir())


def test_bad_workbook_exits_2(tmp_path):
    res = runner.invoke(app, ["sweep", str(tmp_path / "missing.xlsx"), "--param", f"{CAP}=0.5"])
    assert res.exit_code == 2
    assert "workbook not found" in res.output


def test_scheduler_without_dask_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    res = runner.invoke(
        app,
        [
            "sweep",
            str(INPUTS / "example_small.xlsx"),
            "--param",
            f"{CAP}=0.5",
            "--scheduler",
            "tcp://127.0.0.1:8786",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 2
    assert "pip install 'mineralclub[distributed]'" in res.output
