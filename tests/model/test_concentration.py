"""Concentration is measured once: the Concentration sheet evaluates the expressions that targets
constrain, with one denominator (club demand at the stage, shortfall counted as supply from an
unknown non-member)."""

from __future__ import annotations

import pytest

from builders import cap_target, dataset_from, single_stage
from mineralclub.pipeline import solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions


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
