"""Results of the trade zone (SPEC §4.12, §4.13), read from the registered cost terms.

`zone_amounts` sums the LEVY_REVENUE, CONSUMER_COST and PRODUCER_GAIN terms (item (k, s, j)) to
expected discounted USD million, the same terms and weights as the Summary, shown positive; a
partner's rent is the part of the consumer cost registered as owned by that partner. So the
ReferencePrices sheet and the Ledger's zone columns add up to levy_revenue_musd,
consumer_cost_musd and producer_gain_musd.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.model.registry import Cost
from mineralclub.report.extract import scenario_vals

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


SIGN = {Cost.LEVY_REVENUE: -1.0, Cost.CONSUMER_COST: 1.0, Cost.PRODUCER_GAIN: -1.0}


def zone_terms(m):
    """(kind, owner, k, s, j, t, w, term) of every registered zone transfer, kind one of KINDS
    (owner: the partner for its rent, else "")."""
    for category in SIGN:
        for term in m.reg.terms(category):
            k, s, j = term.item
            rent = category is Cost.CONSUMER_COST and term.owner_kind == "country"
            kind, owner = ("partner_rent", term.owner) if rent else (category.value, "")
            yield kind, owner, k, s, j, term.period, term.scenario, term
            if rent:  # the partner's rent is also part of the consumer cost
                yield category.value, "", k, s, j, term.period, term.scenario, term


def zone_amounts(m, ds: Dataset) -> dict:
    """{(kind, owner, k, s, j, t): expected discounted USD million, positive}."""
    out: dict = defaultdict(float)
    for kind, owner, k, s, j, t, w, term in zone_terms(m):
        sign = SIGN[term.category]
        out[(kind, owner, k, s, j, t)] += sign * pyo.value(m.p_prob[w]) * pyo.value(term.expr)
    return out


def chosen_levels(m) -> dict:
    """{(k, s): level} of the reference prices the plan chose."""
    return {
        (k, s): j for (k, s, j), y in m.y_ref.extract_values().items() if y is not None and y > 0.5
    }


def reference_table(m, ds: Dataset) -> pd.DataFrame:
    """One row per candidate level and period: whether it is chosen and its expected transfers
    (zero when not chosen)."""
    amounts: defaultdict[tuple, float] = defaultdict(float)
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
    if not m.sets.ref_levels:
        return {}
    used = _used_by_country(m, ds)
    for kind, owner, k, s, _j, t, w, term in zone_terms(m):
        value = SIGN[term.category] * pyo.value(m.p_prob[w]) * pyo.value(term.expr)
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
    """{(k, s, t, w): {country: member output used}} at the reference stages (scenario w reads
    its node's flows, tree.py; a producer offline in w uses nothing)."""
    stages = {(k, s) for k, s, _j in m.sets.ref_levels}
    yT, yU = scenario_vals(m, m.yT), scenario_vals(m, m.yU)
    out: dict = defaultdict(lambda: defaultdict(float))
    for key in m.sets.producer_tws:
        o, k, s, t, w = key
        if (k, s) in stages and (o, t, w) not in m.sets.offline:
            out[(k, s, t, w)][ds.country_of(o)] += (yT.get(key) or 0.0) + (yU.get(key) or 0.0)
    return out
