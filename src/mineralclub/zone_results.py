"""Results of the trade zone (SPEC §4.12, §4.13), read from the model's registered zone terms.

`zone_amounts` sums reg.zone_terms to expected discounted USD million, the same weights as the
Summary (sum_w pi_w w_t x term), so the ReferencePrices sheet and the Ledger's zone columns add
up to levy_revenue_musd, consumer_cost_musd and producer_gain_musd.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import pyomo.environ as pyo

from mineralclub.dataset import Dataset

TOL = 1e-6
KINDS = ("levy_revenue", "consumer_cost", "producer_gain", "partner_rent")
COLUMNS = [
    "mineral",
    "stage",
    "level",
    "reference_usd_per_t",
    "chosen",
    "year",
    "levy_revenue_musd",
    "consumer_cost_musd",
    "producer_gain_musd",
    "partner_rent_musd",
]


def zone_amounts(m, ds: Dataset) -> dict:
    """{(kind, owner, k, s, j, t): expected discounted USD million}."""
    out: dict = defaultdict(float)
    for (kind, owner, k, s, j, t, w), terms in m.reg.zone_terms.items():
        out[(kind, owner, k, s, j, t)] += ds.prob[w] * ds.weight[t] * pyo.value(sum(terms))
    return out


def chosen_levels(m) -> dict:
    """{(k, s): level} of the reference prices the plan chose."""
    return {
        (k, s): j for (k, s, j), y in m.y_ref.extract_values().items() if y is not None and y > 0.5
    }


def reference_table(m, ds: Dataset) -> pd.DataFrame:
    """One row per candidate level and period: whether it is chosen and its expected transfers
    (zero when not chosen)."""
    amounts = defaultdict(float)
    for (kind, _owner, k, s, j, t), value in zone_amounts(m, ds).items():
        amounts[(kind, k, s, j, t)] += value
    chosen = chosen_levels(m)
    rows = []
    for k, s, j in m.sets.ref_levels:
        for t in ds.periods:
            row = dict(
                mineral=k,
                stage=s,
                level=j,
                reference_usd_per_t=pyo.value(m.p_reference[k, s, j]),
                chosen=chosen.get((k, s)) == j,
                year=t,
            )
            row.update({f"{kind}_musd": amounts[(kind, k, s, j, t)] for kind in KINDS})
            rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def producer_gain_by_country(m, ds: Dataset) -> dict[str, float]:
    """{country: expected discounted USD million} received at reference prices: member
    producers' gain, apportioned per (k, s, t, w) by each country's output used in the zone
    (every tonne there gains the same R - P), and partners' rent (registered per partner)."""
    gain: dict = defaultdict(float)
    if not m.reg.zone_terms:
        return {}
    used = _used_by_country(m, ds)
    for (kind, owner, k, s, _j, t, w), terms in m.reg.zone_terms.items():
        value = ds.prob[w] * ds.weight[t] * pyo.value(sum(terms))
        if kind == "partner_rent":
            gain[owner] += value
        elif kind == "producer_gain":
            shares = used.get((k, s, t, w), {})
            total = sum(shares.values())
            for c, q in shares.items():
                if total > TOL:
                    gain[c] += value * q / total
    return dict(gain)


def _used_by_country(m, ds: Dataset) -> dict:
    """{(k, s, t, w): {country: member output used}} at the reference stages."""
    stages = {(k, s) for k, s, _j in m.sets.ref_levels}
    yT, yU = m.yT.extract_values(), m.yU.extract_values()
    out: dict = defaultdict(lambda: defaultdict(float))
    for key in m.sets.producer_tws:
        o, k, s, t, w = key
        if (k, s) in stages:
            out[(k, s, t, w)][ds.country_of(o)] += (yT.get(key) or 0.0) + (yU.get(key) or 0.0)
    return out
