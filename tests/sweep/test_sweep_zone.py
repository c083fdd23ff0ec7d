"""The trade zone's levers are mutable parameters: a persistent re-solve after changing the
objective weights, a reference level or a floor's upside share equals a fresh build (issue 14)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from builders import tables_from
from mineralclub.dataset import build_dataset
from mineralclub.solve import OPTIMAL, SolveOptions, solve_plan
from mineralclub.sweep.address import Base
from mineralclub.sweep.rows import plan_row
from mineralclub.sweep.session import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "model"))
from test_reference_prices import zone_case  # noqa: E402

AMOUNTS = (
    "objective_musd",
    "fiscal_cost_musd",
    "floor_payout_musd",
    "levy_revenue_musd",
    "consumer_cost_musd",
    "producer_gain_musd",
    "floor_covered_t",
)
WEIGHT = "Settings[key=consumer_cost_weight].value"


def fresh_row(base: Base, changes) -> dict:
    ds = build_dataset(base.apply(changes))
    plan = solve_plan(ds, SolveOptions())
    assert plan.status == OPTIMAL
    return plan_row(plan.model, ds, plan.status, plan.gap)


def test_weights_reference_levels_and_upside_shares_resolve_without_rebuild():
    base = Base(tables_from(zone_case(weights=(1.0, 1.0))))
    session = Session(base)
    sequence = [
        [],
        [(WEIGHT, 1.5)],  # the floor comes back
        [(WEIGHT, 1.5), ("Settings[key=producer_gain_weight].value", 1.5)],  # zone again
        [("ReferencePrices[level=R].reference_usd_per_t", 1100)],  # A not viable: floor on top
        [(WEIGHT, 1.5), ("FloorLevels[level=F].upside_share", 0.5)],
        [],
    ]
    seen = set()
    for changes in sequence:
        row = session.run_row(changes)
        assert row["rebuilt"] is False, changes
        fresh = fresh_row(base, changes)
        assert row["reference_levels"] == fresh["reference_levels"], changes
        assert row["floor_levels"] == fresh["floor_levels"], changes
        for key in AMOUNTS:
            assert row[key] == pytest.approx(fresh[key], rel=1e-7, abs=1e-9), (changes, key)
        seen.add(row["reference_levels"])
    assert seen == {"", "li/x=R"}  # the sequence moves the plan between the two levers
