"""A persistent re-solve after a parameter change gives the same objective and decisions as a
fresh build of the changed workbook (example_small, a synthetic instance, HHI cuts kept across
target values); inputs that change the model's structure rebuild it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from builders import hhi_target, project, single_stage, tables_from
from mineralclub.dataset import build_dataset
from mineralclub.pipeline import load_tables
from mineralclub.solve import OPTIMAL, SolveOptions, solve_plan
from mineralclub.sweep.address import Base
from mineralclub.sweep.rows import plan_row
from mineralclub.sweep.session import Session

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

CAP = "Targets[target=Bigland refining cap].value"
DECISIONS = ("projects", "stock", "floor_levels")
AMOUNTS = (
    "objective_musd",
    "fiscal_cost_musd",
    "damage_musd",
    "target_penalty_musd",
    "stock_capacity_t",
    "floor_covered_t",
    "offtake_t",
    "shortfall_t",
)


def fresh_row(base: Base, changes) -> dict:
    ds = build_dataset(base.apply(changes))
    plan = solve_plan(ds, SolveOptions())
    assert plan.status == OPTIMAL
    return plan_row(plan.model, ds, plan.status, plan.gap)


def assert_same_plan(row: dict, fresh: dict) -> None:
    assert row["status"] == OPTIMAL
    for key in DECISIONS:
        assert row[key] == fresh[key], key
    for key in AMOUNTS:
        assert row[key] == pytest.approx(fresh[key], rel=1e-7, abs=1e-9), key
    shares = [k for k in fresh if k.endswith("]")]
    assert shares and all(row[k] == pytest.approx(fresh[k], abs=1e-9) for k in shares)


@pytest.fixture(scope="module")
def small() -> Base:
    return Base(load_tables(ROOT / "inputs" / "example_small.xlsx"))


def test_example_small_persistent_resolves_equal_fresh_builds(small):
    """One session through changes of every kind of parameter: a target value (the plan moves
    from offtake to the scalable refinery), low-scenario prices, a probability (rescaled), the
    discount rate, an import premium, capex, a contract price; then back to the base."""
    session = Session(small)
    sequence = [
        [],
        [(CAP, 0.3)],
        [(CAP, 0.1), ("Prices[stage=refine,scenario=low].price_usd_per_t", "x0.8")],
        [("Scenarios[scenario=low].probability", 0.5)],
        [("Settings[key=discount_rate].value", 0.08), (CAP, 0.2)],
        [("Countries[country=Bigland].import_premium_usd_per_t", 400)],
        [("Projects[project=Alliedia Refinery B].capex_musd", 8), (CAP, 0.3)],
        [("OfftakeOptions[supplier=Partneria].contract_price_usd_per_t", 16000)],
        [(CAP, 0.05)],
        [],
    ]
    for changes in sequence:
        row = session.run_row(changes)
        assert row["rebuilt"] is False, changes
        assert_same_plan(row, fresh_row(small, changes))
    assert session.other is None  # no run needed a second model


def test_structure_changes_rebuild_and_equal_fresh_builds(small):
    """Lumpy / scalable, bankability switched off and a target's first year change the model's
    variables or constraints: those runs build their own model (rebuilt) and the base model is
    kept for the runs after them."""
    session = Session(small)
    session.run_row([])
    base_model = session.main.model
    for changes in (
        [("Projects[project=Alliedia Refinery A].lumpy", "FALSE"), (CAP, 0.3)],
        [("Projects[project=Alliedia Refinery B].min_contracted_share", 0), (CAP, 0.2)],
        [("Targets[target=Bigland refining cap].year_from", 2026), (CAP, 0.5)],
        [(CAP, 0.2)],
    ):
        row = session.run_row(changes)
        assert row["rebuilt"] is (changes != [(CAP, 0.2)]), changes
        assert_same_plan(row, fresh_row(small, changes))
    assert session.main.model is base_model


def test_synthetic_instance_persistent_resolves_equal_fresh_builds():
    raw = synthetic.sheets(8, 2, 3, 2, seed=3)
    base = Base(tables_from(raw))
    session = Session(base)
    for changes in (
        [],
        [("Targets[target=cap_M00].value", 0.3)],
        [("Targets[target=cap_M00].value", 0.15), ("Demand[mineral=M01].demand_t", "x1.3")],
        [("Prices[mineral=M00,stage=refine].price_usd_per_t", "x0.7")],
        [("Scenarios[scenario=S1].probability", 0.8), ("Settings[key=discount_rate].value", 0.05)],
        [("Capacity[country=C000,mineral=M00,stage=refine].capacity_t", 500)],
    ):
        row = session.run_row(changes)
        assert row["rebuilt"] is False
        assert_same_plan(row, fresh_row(base, changes))


def single_stage_hhi(value: float) -> dict:
    """One final stage: non-member B (600 t) and two scalable member projects (PE's support
    twice PA's); an HHI cap."""
    return single_stage(
        Projects=[
            project("PA", 100, 0.1, support=1.0, cost=100, lumpy=False, stage="x"),
            project("PE", 100, 0.2, support=1.0, cost=100, lumpy=False, stage="x", country="E"),
        ],
        Targets=[hhi_target(value)],
    )


def test_hhi_cuts_from_earlier_runs_stay_valid_for_other_caps():
    """Cuts added for a tight H (0.34) have sqrt(H) on their right-hand side, so when H is
    loosened (0.6) they do not over-constrain. The cutting planes stop once every HHI is
    within 1e-4 of its cap, and a session holds more cuts than a fresh build, so the plans
    agree to that tolerance (not to the last digit): same cost within 0.1%, the same HHI."""
    base = Base(tables_from(single_stage_hhi(0.5)))
    session = Session(base)
    for h in (0.5, 0.34, 0.6, 0.4):
        changes = [("Targets[target=hhi].value", h)]
        solved = session.solve_changes(changes)
        hhi = solved.model.hhi_instances[0].hhi()
        row = plan_row(solved.model, solved.ds, solved.status, solved.gap)
        fresh = fresh_row(base, changes)
        assert solved.status == OPTIMAL and not solved.rebuilt
        assert h * (1 - 1e-3) <= hhi <= h * (1 + 1e-4)
        assert row["objective_musd"] == pytest.approx(fresh["objective_musd"], rel=1e-3)
    assert len(session.main.model.c_hhi_cuts) >= 3  # the cuts of every run are still there
