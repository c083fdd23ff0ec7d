"""The sealed cost registry: the objective and every report sum the same tagged terms."""

from __future__ import annotations

from pathlib import Path

import pyomo.environ as pyo
import pytest

from builders import cap_target, dataset_from, one_stage_refinery
from mineralclub.dataset import build_dataset
from mineralclub.model.registry import FISCAL, Cost, Registry, RegistryError
from mineralclub.pipeline import load_tables, solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions, solve_plan

ROOT = Path(__file__).resolve().parents[2]


def solve(sheets):
    return solve_dataset(dataset_from(sheets), SolveOptions())


def test_unknown_category_raises():
    reg = Registry()
    with pytest.raises(RegistryError, match="unknown cost category"):
        reg.cost("floor_payout", 1.0, owner=("producer", "A"))


def test_unknown_owner_kind_raises():
    with pytest.raises(RegistryError, match="owner kind"):
        Registry().cost(Cost.SHORTFALL, 1.0, owner=("somebody", "A"))


def test_registry_is_frozen_once_the_objective_reads_it():
    reg = Registry()
    with pytest.raises(RegistryError, match="before the objective"):
        _ = reg.costs
    reg.cost(Cost.SHORTFALL, 1.0, owner=("mineral", "li"), period=2026, scenario="base")
    assert len(reg.seal()) == 1
    with pytest.raises(RegistryError, match="after the objective"):
        reg.cost(Cost.SHORTFALL, 2.0, owner=("mineral", "li"), period=2026, scenario="base")


def test_a_channel_written_after_a_constraint_read_it_raises():
    reg = Registry()
    reg.supported[("A", "li", "ref", 2026)].append(1.0)
    assert reg.supported.get(("A", "li", "ref", 2026)) == [1.0]
    with pytest.raises(RegistryError, match="supported is written after"):
        reg.supported[("A", "li", "ref", 2026)].append(2.0)
    with pytest.raises(RegistryError):
        reg.supported[("B", "li", "ref", 2026)].append(2.0)


@pytest.fixture(scope="module")
def ban():
    ds = build_dataset(load_tables(ROOT / "inputs" / "example_ban.xlsx"))
    result = solve_dataset(ds, SolveOptions())
    assert result.status == OPTIMAL
    return ds, result


def _expected(m, terms) -> float:
    return sum(
        (1.0 if t.scenario is None else pyo.value(m.p_prob[t.scenario])) * pyo.value(t.expr)
        for t in terms
    )


def test_objective_is_exactly_the_registered_terms_plus_risk_and_reward():
    """A cost added to the objective outside the registry breaks this equality."""
    ds = build_dataset(load_tables(ROOT / "inputs" / "example_ban.xlsx"))
    plan = solve_plan(ds, SolveOptions())
    m = plan.model
    total = _expected(m, m.reg.costs)
    assert pyo.value(m.obj) == pytest.approx(
        total + pyo.value(m.e_risk) + pyo.value(m.e_reward), rel=1e-9, abs=1e-9
    )
    assert {t.category for t in m.reg.costs} >= {
        Cost.FLOOR_PAYOUT,
        Cost.OFFTAKE_COST,
        Cost.STOCKPILE_COST,
        Cost.SHORTFALL,
        Cost.IMPORT_PREMIUM,
        Cost.PROJECT_SUPPORT,
    }


def test_every_category_reaches_summary_scenarios_and_the_ledger(ban):
    """A new Cost category must appear on Summary and Scenarios, and a fiscal one must say who
    receives it (the Ledger), or this fails."""
    _ds, result = ban
    summary = result.summary
    scenarios = result.tables["Scenarios"]
    for c in Cost:
        assert f"{c.value}_musd" in summary, c
        assert f"{c.value}_musd" in scenarios.columns, c
    parts = sum(summary[f"{c.value}_musd"] for c in Cost)
    assert summary["objective_musd"] == pytest.approx(parts + summary["risk_musd"])
    ledger = result.tables["Ledger"]
    assert ledger["received_musd"].sum() == pytest.approx(summary["fiscal_cost_musd"])
    assert summary["fiscal_cost_musd"] == pytest.approx(
        sum(summary[f"{c.value}_musd"] for c in FISCAL)
    )


def test_detail_sheets_add_up_to_the_summary(ban):
    """PriceFloors and Offtake list the registered terms by lever and year; the Ledger's
    payment columns split the same terms by payee."""
    _ds, result = ban
    s, t = result.summary, result.tables
    assert t["Offtake"]["expected_cost_musd"].sum() == pytest.approx(s["offtake_cost_musd"])
    assert t["PriceFloors"]["expected_payout_musd"].sum() == pytest.approx(
        s["floor_payout_musd"], abs=1e-9
    )
    ledger = t["Ledger"]
    assert ledger["offtake_payments_musd"].sum() == pytest.approx(s["offtake_cost_musd"])
    assert ledger["stockpile_payments_musd"].sum() == pytest.approx(s["stockpile_cost_musd"])
    assert ledger["hosted_support_musd"].sum() == pytest.approx(s["project_support_musd"])


def test_detail_sheets_add_up_to_the_discounted_summary():
    """Two 2-year periods at 10%: floor payouts and offtake costs in their sheets sum to the
    Summary's discounted figures."""
    sheets = one_stage_refinery(
        Settings=[{"key": "discount_rate", "value": 0.1}],
        Periods=[{"year": 2026, "duration_years": 2}, {"year": 2028, "duration_years": 2}],
        Demand=[{"mineral": "li", "year": y, "demand_t": 100} for y in (2026, 2028)],
        Targets=[cap_target(0.8)],
        FloorLevels=[{"mineral": "li", "stage": "ref", "level": "F", "floor_usd_per_t": 1800}],
    )
    sheets["Prices"] = [
        {"mineral": "li", "stage": s, "year": y, "scenario": "*", "price_usd_per_t": p}
        for y in (2026, 2028)
        for s, p in (("mine", 1000), ("ref", 1500))
    ]
    sheets["Capacity"][1]["unit_cost_usd_per_t"] = 700  # A is unviable: needs the floor
    r = solve(sheets)
    floors = r.tables["PriceFloors"]["expected_payout_musd"].sum()
    assert floors == pytest.approx(r.summary["floor_payout_musd"])
    assert floors == pytest.approx(0.006 * 2 * (1 + 1.1**-2))
