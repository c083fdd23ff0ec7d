"""`--workers 2` hands runs one at a time to whichever process is free: both processes solve
runs, and every row (status, objective, decisions) equals the serial sweep's and a fresh build
and solve of the changed workbook; an error raised in a helper process reaches the caller."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from mineralclub.dataset import build_dataset
from mineralclub.pipeline import load_tables
from mineralclub.solve import OPTIMAL, SolveOptions, solve_plan
from mineralclub.sweep.address import Base
from mineralclub.sweep.execute import run_all, solve_run
from mineralclub.sweep.plan import cli_sweep, expand
from mineralclub.sweep.rows import plan_row

INPUTS = Path(__file__).resolve().parents[2] / "inputs"
CAP = "Targets[target=Bigland refining cap].value"
VALUES = "0.8,0.5,0.4,0.3,0.2,0.1,0.05,0.0"
DECISIONS = ("projects", "stock", "floor_levels", "reference_levels")
PARENT = "MINERALCLUB_TEST_PARENT_PID"


def tagged(session, run) -> dict:
    """solve_run, plus the id of the process that solved the run."""
    return {**solve_run(session, run), "pid": os.getpid()}


def fails_in_helper(session, run) -> dict:
    if str(os.getpid()) != os.environ[PARENT]:
        raise RuntimeError(f"helper failed on run {run.id}")
    return solve_run(session, run)


@pytest.fixture(scope="module")
def small() -> Base:
    return Base(load_tables(INPUTS / "example_small.xlsx"))


@pytest.fixture(scope="module")
def runs():
    return expand([cli_sweep([f"{CAP}={VALUES}"])])


def test_two_workers_equal_serial_and_fresh_solves(small, runs):
    serial = run_all(small, runs, SolveOptions(threads=1), workers=1)
    parallel = run_all(small, runs, SolveOptions(), workers=2, solve=tagged)
    assert len({r["pid"] for r in parallel}) == 2  # both processes solved runs
    assert os.getpid() in {r["pid"] for r in parallel}
    drop = ["seconds", "pid"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(parallel).drop(columns=drop), pd.DataFrame(serial).drop(columns=["seconds"])
    )
    assert [r["run"] for r in parallel] == [run.id for run in runs]
    assert {r["status"] for r in parallel} == {OPTIMAL}
    for run, row in zip(runs, parallel, strict=True):
        ds = build_dataset(small.apply(list(run.changes)))
        plan = solve_plan(ds, SolveOptions())
        fresh = plan_row(plan.model, ds, plan.status, plan.gap)
        assert row["objective_musd"] == pytest.approx(fresh["objective_musd"], rel=1e-7, abs=1e-9)
        for key in DECISIONS:
            assert row[key] == fresh[key], (run.id, key)
    costs = [r["objective_musd"] for r in parallel[1:]]  # the cap tightens run by run
    assert all(b >= a - 1e-9 for a, b in zip(costs, costs[1:], strict=False))
    assert costs[-1] > costs[0]


def test_an_error_in_a_helper_process_reaches_the_caller(small, runs, monkeypatch):
    monkeypatch.setenv(PARENT, str(os.getpid()))
    with pytest.raises(RuntimeError, match="helper failed on run"):
        run_all(small, runs, SolveOptions(), workers=2, solve=fails_in_helper)
