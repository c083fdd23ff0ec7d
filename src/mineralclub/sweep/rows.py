"""The sweep row of a solved plan: only what the row needs (no baseline, no marginal costs).

Columns: the Summary cost keys; key decisions (projects built, new stock capacity, chosen floor
levels, chosen reference prices, covered and contracted tonnes, expected shortfall); and, per
mineral, the expected (probability-weighted) club non-member share and top non-member country
share of the final stage in the last period, read from the same tables as the Concentration
sheet. A floor level that covers nothing is not reported as set (as on the PriceFloors sheet).
"""

from __future__ import annotations

import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.report import extract as R

TOL = 1e-6
SUMMARY_KEYS = (
    "objective_musd",
    "fiscal_cost_musd",
    "damage_musd",
    "target_penalty_musd",
    "risk_musd",
    "project_support_musd",
    "floor_payout_musd",
    "offtake_cost_musd",
    "stockpile_cost_musd",
    "import_premium_musd",
    "shortfall_musd",
    "levy_revenue_musd",
    "consumer_cost_musd",
    "producer_gain_musd",
    "mip_gap",
)
SHARE_METRICS = ("nonmember_share", "top_country_share")


def plan_row(m: pyo.ConcreteModel, ds: Dataset, status: str, gap) -> dict:
    summary = R.summary_dict(m, ds, status, gap, float("nan"))
    row = {key: summary[key] for key in SUMMARY_KEYS}
    row.update(decisions(m, ds))
    row.update(final_stage_shares(m, ds))
    return row


def decisions(m: pyo.ConcreteModel, ds: Dataset) -> dict:
    built = {p: x for p, x in R.vals(m.x).items() if not ds.projects[p].committed and x > TOL}
    stock = {k: v for k, v in R.vals(m.K).items() if v > TOL}
    by_level: dict = {}
    for (_o, k, s, lvl, t), v in R.vals(m.v).items():
        by_level[(k, s, lvl)] = by_level.get((k, s, lvl), 0.0) + ds.duration[t] * v
    levels = [f"{k}/{s}={lvl}" for (k, s, lvl), v in by_level.items() if v > TOL]
    offtake = sum(ds.duration[key[-1]] * v for var in (m.o, m.oP) for key, v in R.vals(var).items())
    short = sum(
        ds.prob[w] * ds.duration[t] * v for (_k, t, w), v in R.scenario_vals(m, m.u).items()
    )
    chosen = getattr(m, "y_ref", None)
    references = [
        f"{k}/{s}={j}"
        for (k, s, j), y in (chosen.extract_values().items() if chosen is not None else [])
        if y is not None and y > 0.5
    ]
    return {
        "projects_built": len(built),
        "projects": "; ".join(f"{p}={_num(x)}" for p, x in sorted(built.items())),
        "stock_capacity_t": sum(stock.values()),
        "stock": "; ".join(f"{k}={_num(v)}" for k, v in sorted(stock.items())),
        "floor_levels": "; ".join(sorted(levels)),
        "floor_covered_t": sum(by_level.values()),
        "reference_levels": "; ".join(sorted(references)),
        "offtake_t": offtake,
        "shortfall_t": short,
    }


def final_stage_shares(m: pyo.ConcreteModel, ds: Dataset) -> dict:
    """``nonmember_share[k,year]`` and ``top_country_share[k,year]``: expected over scenarios,
    club scope, final stage, last period."""
    metrics = R.concentration_metrics(m, ds)
    last = ds.periods[-1]
    final = metrics["stage"] == metrics["mineral"].map(ds.final_stage)
    pick = metrics[
        final
        & (metrics["year"] == last)
        & (metrics["scope"] == "club")
        & metrics["metric"].isin(SHARE_METRICS)
    ]
    weighted = pick.assign(value=pick["value"] * pick["scenario"].map(ds.prob))
    exp = weighted.groupby(["mineral", "metric"])["value"].sum(min_count=1)
    return {
        f"{metric}[{k},{last}]": float(exp.get((k, metric), float("nan")))
        for metric in SHARE_METRICS
        for k in ds.minerals
    }


def _num(x: float) -> str:
    return f"{x:.4g}"
