"""Sweeps on example_small: a monotone frontier, one-at-a-time runs equal to separate fresh
solves, a failing run recorded without stopping the rest, sweep definitions and their errors,
serial = local workers = an in-process Dask cluster."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from mineralclub.pipeline import load_tables, solve_dataset
from mineralclub.solve import SolveOptions
from mineralclub.sweep import frontier
from mineralclub.sweep.address import Base
from mineralclub.sweep.execute import run_all
from mineralclub.sweep.plan import (
    PlanError,
    cli_sweep,
    expand,
    parse_uncertain,
    sample_runs,
    sheet_sweeps,
)
from mineralclub.sweep.report import runs_table, tornado_table

INPUTS = Path(__file__).resolve().parents[2] / "inputs"
CAP = "Targets[target=Bigland refining cap].value"
DEMAND = "Demand[mineral=lithium,year=2027].demand_t"


@pytest.fixture(scope="module")
def small() -> Base:
    return Base(load_tables(INPUTS / "example_small.xlsx"))


@pytest.fixture(scope="module")
def oat_rows(small) -> list[dict]:
    """A one-at-a-time sweep whose 4th run is infeasible (1,000 t of demand in 2027: Bigland
    must stay under 500 t, and members, projects and Partneria have 170 t)."""
    spec = cli_sweep(
        [f"{CAP}=0.4,0.2", f"{DEMAND}=1000,120", "Scenarios[scenario=low].probability=0.5"]
    )
    return run_all(small, expand([spec]), SolveOptions())


def test_frontier_cost_never_falls_as_the_cap_tightens(small):
    values = [0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.0]
    df = frontier(small, "Bigland refining cap", values)
    assert df["value"].tolist() == values
    assert (df["status"] == "OPTIMAL").all()
    cost = df["objective_musd"].tolist()
    assert all(b >= a - 1e-9 for a, b in zip(cost, cost[1:], strict=False))
    assert cost[2] == pytest.approx(0.0277, abs=1e-9)  # the hand-solved plan at 50%
    assert cost[-1] > 10 * cost[2]


def test_frontier_helper_reuses_a_session_and_reports_infeasible_values(small):
    from mineralclub.sweep.session import Session

    session = Session(small)
    first = frontier(small, "Bigland refining cap", [0.5], session=session)
    model = session.main.model
    tight = Base(small.apply([("Targets[target=Bigland refining cap].year_from", 2026)]))
    df = frontier(tight, "Bigland refining cap", [0.5, 0.05, 0.3])
    assert first["objective_musd"].iloc[0] == pytest.approx(0.0277, abs=1e-9)
    assert session.main.model is model
    assert df["status"].tolist() == ["OPTIMAL", "INFEASIBLE", "OPTIMAL"]
    assert math.isnan(df["objective_musd"].iloc[1])
    assert "cannot all be met" in df["message"].iloc[1]
    with pytest.raises(KeyError, match="no target named"):
        frontier(small, "nope", [0.5])


def test_one_at_a_time_runs_equal_separate_fresh_solves(small, oat_rows):
    for row in oat_rows:
        if row["status"] != "OPTIMAL":
            continue
        fresh = solve_dataset(build(small, row["changes"]), SolveOptions())
        assert row["objective_musd"] == pytest.approx(
            fresh.summary["objective_musd"], rel=1e-9, abs=1e-12
        )
        built = fresh.tables["Projects"].query("built > 1e-6")
        assert row["projects_built"] == len(built)
        offtake = fresh.tables["Offtake"]["volume_t"].sum()
        assert row["offtake_t"] == pytest.approx(offtake)


def build(base, changes):
    from mineralclub.dataset import build_dataset

    return build_dataset(base.apply(list(changes)))


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(oat_rows):
    status = [r["status"] for r in oat_rows]
    assert status == ["OPTIMAL", "OPTIMAL", "OPTIMAL", "INFEASIBLE", "OPTIMAL", "OPTIMAL"]
    bad = oat_rows[3]
    assert bad["changes"] == ((DEMAND, 1000.0),)
    assert "cannot all be met" in bad["message"]
    assert "objective_musd" not in bad
    tornado = tornado_table(runs_table(oat_rows)).set_index("parameter")
    assert tornado.loc[DEMAND, "failed_runs"] == 1
    assert math.isnan(tornado.loc[DEMAND, "high_objective_musd"])
    assert tornado.loc[CAP, "low_objective_musd"] > tornado.loc[CAP, "high_objective_musd"]
    assert tornado.index[0] == CAP  # the largest swing first


def test_a_bad_value_in_one_run_is_a_failed_row():
    """example_ban (base 0.6, low 0.2, ban 0.2): two probabilities each fine alone but together
    above 1 make that grid run BAD_INPUT; the other run is solved with ban = 0.2."""
    ban = Base(load_tables(INPUTS / "example_ban.xlsx"))
    spec = cli_sweep(
        ["Scenarios[scenario=base].probability=0.5,0.8", "Scenarios[scenario=low].probability=0.3"],
        mode="grid",
    )
    rows = run_all(ban, expand([spec]), SolveOptions())
    assert [r["status"] for r in rows] == ["OPTIMAL", "BAD_INPUT"]
    assert "sum to 1.1, more than 1" in rows[1]["message"]


def test_sheet_sweeps_expand_into_runs():
    tables = load_tables(INPUTS / "example_sweep.xlsx")
    specs = sheet_sweeps(tables)
    assert [(s.name, s.mode) for s in specs] == [
        ("cap_frontier", "frontier"),
        ("tornado", "one_at_a_time"),
        ("cap_x_crash", "grid"),
    ]
    runs = expand(specs)
    assert [r.value for r in runs if r.sweep == "cap_frontier"] == [0.6, 0.5, 0.4, 0.3, 0.2, 0.1]
    oat = [r for r in runs if r.sweep == "tornado"]
    assert oat[0].changes == () and len(oat) == 1 + 4 * 2
    grid = [r.changes for r in runs if r.sweep == "cap_x_crash"]
    assert len(grid) == 4 and grid[1] == ((CAP, 0.5), ("Scenarios[scenario=low].probability", 0.4))
    assert [r.id for r in runs] == list(range(1, len(runs) + 1))
    assert [s.name for s in sheet_sweeps(tables, ["tornado"])] == ["tornado"]
    with pytest.raises(PlanError, match="no sweep named nope"):
        sheet_sweeps(tables, ["nope"])


def test_sweep_definition_errors():
    with pytest.raises(PlanError, match="exactly one parameter"):
        cli_sweep([f"{CAP}=0.5", f"{DEMAND}=100"], mode="frontier")
    with pytest.raises(PlanError, match="--mode must be one of"):
        cli_sweep([f"{CAP}=0.5"], mode="spiral")
    with pytest.raises(PlanError, match="expected Sheet"):
        cli_sweep(["0.5"])
    with pytest.raises(PlanError, match="unknown sheet Targetz"):
        cli_sweep(["Targetz[target=x].value=0.5"])
    with pytest.raises(PlanError, match="low must be below high"):
        parse_uncertain([f"{CAP}=0.6:0.4"])
    with pytest.raises(PlanError, match="needs at least one --uncertain"):
        sample_runs([], "morris", 4)


def strip(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows).drop(columns=["seconds"])


def test_workers_give_the_serial_results(small, oat_rows):
    spec = cli_sweep(
        [f"{CAP}=0.4,0.2", f"{DEMAND}=1000,120", "Scenarios[scenario=low].probability=0.5"]
    )
    rows = run_all(small, expand([spec]), SolveOptions(), workers=2)
    pd.testing.assert_frame_equal(strip(rows), strip(oat_rows))


def test_an_in_process_dask_cluster_gives_the_serial_results(small, oat_rows):
    distributed = pytest.importorskip("distributed")
    spec = cli_sweep(
        [f"{CAP}=0.4,0.2", f"{DEMAND}=1000,120", "Scenarios[scenario=low].probability=0.5"]
    )
    with distributed.LocalCluster(
        processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        rows = run_all(small, expand([spec]), SolveOptions(), scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(strip(rows), strip(oat_rows))
