"""Hand-solved tiny models: each test works the optimum out by hand in its docstring."""

from __future__ import annotations

import pytest

from builders import cap_target, dataset_from, one_stage_refinery, project
from mineralclub.cli_solve import exit_code
from mineralclub.pipeline import solve_dataset
from mineralclub.solve import INFEASIBLE, OPTIMAL, SolveOptions


def solve(sheets):
    return solve_dataset(dataset_from(sheets), SolveOptions())


def built(result) -> dict:
    df = result.tables["Projects"]
    return dict(zip(df["project"], df["built"], strict=True))


def test_no_target_runs_viable_member_capacity_and_imports_the_rest():
    """A refines 20 t (cost 300 + feed 1000 <= 1500: viable) from its own ore; B supplies the
    other 80 t at a premium of 100 USD/t: 80 x 100 = 8,000 USD = 0.008 USD million."""
    r = solve(one_stage_refinery())
    assert r.status == OPTIMAL
    assert r.summary["objective_musd"] == pytest.approx(0.008)
    assert r.summary["import_premium_musd"] == pytest.approx(0.008)
    assert r.summary["baseline_objective_musd"] == pytest.approx(0.008)
    conc = r.tables["Concentration"]
    top = conc[
        (conc.metric == "top_country_share")
        & (conc.scope == "club")
        & (conc.stage == "ref")
        & (conc.scenario == "base")
    ]
    assert top["optimised"].iloc[0] == pytest.approx(0.8)


def test_target_forces_the_cheapest_lumpy_combination():
    """B <= 50% of 100 t needs 30 t more member refining. Options: P_big 60 t for 40 MUSD
    (support 20), P_a 20 t for 10 (5), P_b 15 t for 12 (6). P_a + P_b = 35 t for 11 < 20:
    the cheapest combination that reaches 30 t."""
    sheets = one_stage_refinery(
        Projects=[project("P_big", 60, 40), project("P_a", 20, 10), project("P_b", 15, 12)],
        Targets=[cap_target(0.5)],
    )
    r = solve(sheets)
    assert r.status == OPTIMAL
    assert built(r) == {"P_big": 0.0, "P_a": 1.0, "P_b": 1.0}
    assert r.summary["project_support_musd"] == pytest.approx(11.0)


def test_scalable_project_is_built_to_the_fraction_needed():
    """B <= 60%: member refining >= 40 t, A has 20, so x = 20/60 of a scalable 60 t project:
    support 0.5 x 30 x 1/3 = 5 MUSD, plus 60 t imported x 100 USD/t = 0.006."""
    sheets = one_stage_refinery(
        Projects=[project("P1", 60, 30, lumpy=False)], Targets=[cap_target(0.6)]
    )
    r = solve(sheets)
    assert built(r)["P1"] == pytest.approx(1 / 3)
    assert r.summary["objective_musd"] == pytest.approx(5.006)
    t = r.tables["Targets"]
    row = t[(t.year != "*")].iloc[0]
    assert row["achieved"] == pytest.approx(0.6)
    assert bool(row["binding"])


def test_marginal_cost_equals_finite_difference():
    """Tightening 60% -> 59% needs 1 t more: 1/60 of P1's support (0.25) less 1 t of premium
    (0.0001): 0.2499 MUSD per percentage point, as the re-solve shows."""
    base = solve(
        one_stage_refinery(Projects=[project("P1", 60, 30, lumpy=False)], Targets=[cap_target(0.6)])
    )
    tight = solve(
        one_stage_refinery(
            Projects=[project("P1", 60, 30, lumpy=False)], Targets=[cap_target(0.59)]
        )
    )
    t = base.tables["Targets"]
    mc = t[t.year == "*"]["marginal_cost_musd_per_pp"].iloc[0]
    diff = tight.summary["objective_musd"] - base.summary["objective_musd"]
    assert mc == pytest.approx(0.2499, rel=1e-6)
    assert diff == pytest.approx(mc, rel=1e-6)


def test_slack_target_has_zero_marginal_cost():
    r = solve(one_stage_refinery(Targets=[cap_target(0.9)]))
    t = r.tables["Targets"]
    row = t[t.year == "*"].iloc[0]
    assert not bool(row["binding"])
    assert row["marginal_cost_musd_per_pp"] == pytest.approx(0.0, abs=1e-12)


def test_infeasible_target_reports_best_achievable_value():
    """Without projects the club refines at most A's 20 t: B's share cannot go below 80%."""
    r = solve(one_stage_refinery(Targets=[cap_target(0.5)]))
    assert r.status == INFEASIBLE
    t = r.tables["Targets"]
    assert t[t.year == "*"]["achieved"].iloc[0] == pytest.approx(0.8)
    assert "cap_B" in r.messages[0] and "0.8" in r.messages[0]
    assert exit_code(r.status) == 3  # the command line's exit code for it


def test_soft_target_pays_its_penalty():
    """Soft B <= 50% with no projects: 30 t over the cap at 1,000 USD/t = 0.03 MUSD, plus the
    premium on 80 t (0.008)."""
    r = solve(one_stage_refinery(Targets=[cap_target(0.5, hard=False, penalty_usd_per_t=1000)]))
    assert r.status == OPTIMAL
    assert r.summary["target_penalty_musd"] == pytest.approx(0.03)
    assert r.summary["objective_musd"] == pytest.approx(0.038)


def test_soft_target_cheaper_to_meet_than_to_violate():
    """With a scalable project at 0.25 MUSD per tonne, a penalty of 1e6 USD/t (= 1 MUSD/t)
    makes meeting the target cheaper."""
    sheets = one_stage_refinery(
        Projects=[project("P1", 60, 30, lumpy=False)],
        Targets=[cap_target(0.5, hard=False, penalty_usd_per_t=1e6)],
    )
    r = solve(sheets)
    assert built(r)["P1"] == pytest.approx(0.5)
    assert r.summary["target_penalty_musd"] == pytest.approx(0.0, abs=1e-9)


def test_committed_project_is_built_and_its_support_is_sunk():
    """A committed lumpy 25 t refinery is online at no cost to the plan: with A's 20 t the club
    needs 5 t more for B <= 50%, from 5/60 of P1 (support 1.25). The marginal cost comes from
    the LP with every integer fixed, committed ones included. (Where the target sits exactly at
    a kink, the dual is one subgradient; models/formulation.md says so.)"""
    sheets = one_stage_refinery(
        Projects=[project("C1", 25, 99, status="committed"), project("P1", 60, 30, lumpy=False)],
        Targets=[cap_target(0.5)],
    )
    r = solve(sheets)
    assert built(r) == pytest.approx({"C1": 1.0, "P1": 5 / 60})
    assert r.summary["project_support_musd"] == pytest.approx(1.25)
    t = r.tables["Targets"]
    mc = t[t.year == "*"]["marginal_cost_musd_per_pp"].iloc[0]
    assert mc == pytest.approx(0.25 - 0.0001, rel=1e-6)  # 1 t more from P1, 1 t less imported
