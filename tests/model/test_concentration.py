"""Concentration is measured once: the Concentration sheet evaluates the expressions that targets
constrain, with one denominator (club demand at the stage, shortfall counted as supply from an
unknown non-member)."""

from __future__ import annotations

from pathlib import Path

import pyomo.environ as pyo
import pytest

from builders import cap_target, dataset_from, single_stage
from mineralclub.dataset import build_dataset
from mineralclub.model import concentration as C
from mineralclub.pipeline import load_tables, solve_dataset
from mineralclub.report.extract import concentration_metrics
from mineralclub.solve import OPTIMAL, SolveOptions, solve_plan

INPUTS = Path(__file__).resolve().parents[2] / "inputs"


def test_shortfall_counts_in_the_top_country_share_on_both_sheets():
    """Shortfall (5 USD/t) is cheaper than importing from B (premium 10 USD/t), so the whole
    100 t are short: objective 100 x 5 USD = 0.0005 USD million. The cap on B's share (1.0)
    counts shortfall as B's, so it is met exactly; the Concentration sheet says the same, 1.0
    (it used to leave shortfall out and report 0)."""
    sheets = single_stage(Targets=[cap_target(1.0, stage="x", name="cap_B")])
    sheets["Minerals"] = [{"mineral": "li", "shortfall_penalty_usd_per_t": 5}]
    result = solve_dataset(dataset_from(sheets), SolveOptions())
    assert result.status == OPTIMAL
    assert result.summary["objective_musd"] == pytest.approx(100 * 5 * 1e-6)
    assert result.tables["Shortfall"]["shortfall_t"].sum() == pytest.approx(100)
    targets = result.tables["Targets"]
    achieved = targets[(targets["target"] == "cap_B") & (targets["year"] == 2026)]["achieved"]
    conc = result.tables["Concentration"].set_index(["scope", "scenario", "metric"])
    top = conc.loc[("club", "base", "top_country_share"), "optimised"]
    assert float(achieved.iloc[0]) == pytest.approx(1.0)
    assert float(top) == pytest.approx(1.0)
    assert float(conc.loc[("club", "base", "nonmember_share"), "optimised"]) == pytest.approx(1.0)


def _pair_ratio(m, ds, share, metric, key, c=None) -> float:
    k, s, t, w = key
    num, den = share(m, ds, metric, k, s, c, t, w)
    return pyo.value(num) / pyo.value(den)


@pytest.mark.parametrize("workbook", ["example_small.xlsx", "example_ban.xlsx"])
def test_sheet_metrics_equal_the_share_pairs_targets_constrain(workbook):
    """The Concentration sheet evaluates each scope's denominator once and pairs it with each
    numerator; every metric must equal numerator / denominator of the very pair a target at that
    (k, s, t, w) constrains (`club_share`, `world_share`), for every country and both scopes."""
    ds = build_dataset(load_tables(INPUTS / workbook))
    m = solve_plan(ds, SolveOptions()).model
    got = concentration_metrics(m, ds).set_index(
        ["mineral", "stage", "year", "scenario", "scope", "metric"]
    )["value"]
    checked = set()
    for key in m.sets.kst_w:
        k, s, t, w = key
        for scope, share, countries in (
            ("club", C.club_share, C.club_nonmembers(m, k, s, t, w)),
            ("world", C.world_share, m.sets.nonmembers_at.get((k, s, t), [])),
        ):
            if pyo.value(share(m, ds, "max_nonmember_share", k, s, None, t, w)[1]) <= 1e-9:
                continue
            want = {"nonmember_share": _pair_ratio(m, ds, share, "max_nonmember_share", key)}
            if countries:
                want["top_country_share"] = max(
                    _pair_ratio(m, ds, share, "max_country_share", key, c) for c in countries
                )
            if scope == "club":
                want["trusted_share"] = _pair_ratio(m, ds, share, "min_trusted_share", key)
            for metric, value in want.items():
                assert got[(*key, scope, metric)] == pytest.approx(value, rel=1e-12, abs=1e-15)
                checked.add((scope, metric))
    assert checked == {
        ("club", "nonmember_share"),
        ("club", "top_country_share"),
        ("club", "trusted_share"),
        ("world", "nonmember_share"),
        ("world", "top_country_share"),
    }
