"""Mutable parameters of the trade zone (SPEC §4.12, §4.13), part of `params.param_values`.

p_reference[k, s, j]            R_j, the reference price (USD/t)
p_zone_gap[k, s, j, t, w]       10^-6 (R_j - P)^+: transfer per tonne (USD million/t)
p_zone_viable[o, k, s, t, w, j, j']  viability of producer r at zone state (j at s, j' at s-1)
p_floor_offset[k, s, l, j, t, w] 10^-6 [pay(F, max(P, R_j)) - pay(F, P)] <= 0: a floor on top of
                                a reference price pays from the zone price, not the market price
p_zone_used_max[k, s, t]        sum_r cap_r: big-M of member output used (undisrupted capacity)
p_zone_import_max[k, s, t, w]   sum_c A_c: big-M of spot imports
p_levy_share[k, s, t, w]        sum of the export mix over non-zone suppliers (non-partners)
p_cost_weight[category]         consumer_cost_weight, producer_gain_weight (default 1)
"""

from __future__ import annotations

from collections import defaultdict

from mineralclub.dataset import Dataset
from mineralclub.model.floor_terms import floor_pay, floor_terms
from mineralclub.units import USD_TO_MUSD

NONE = ""


def _weight(ds: Dataset, key: str) -> float:
    value = ds.settings.get(key)
    return 1.0 if value is None else float(value)


def reference_values(ds: Dataset) -> dict:
    """{(k, s, level): R} from ReferencePrices."""
    return {r.key: r.reference_usd_per_t for r in ds.reference_prices}


def zone_values(ds: Dataset, S) -> dict:
    ref = reference_values(ds)
    levels = {key: ref[key] for key in S.ref_levels}
    gap = {
        (k, s, j, t, w): max(0.0, levels[(k, s, j)] - ds.price[(k, s, t, w)])
        for k, s, j in S.ref_levels
        for t in ds.periods
        for w in ds.scenarios
    }
    floors = floor_terms(ds) if S.ref_cover else {}
    offset = {}
    for _o, k, s, lvl, j, t in S.ref_cover:
        for w in ds.scenarios:
            p = ds.price[(k, s, t, w)]
            zone = max(p, levels[(k, s, j)])
            f, share = floors[(k, s, lvl)]
            offset[(k, s, lvl, j, t, w)] = USD_TO_MUSD * (
                floor_pay(f, share, zone) - floor_pay(f, share, p)
            )
    used_max: defaultdict[tuple[str, str, int], float] = defaultdict(float)
    for (_o, k, s, t), cap in ds.producer_cap.items():
        used_max[(k, s, t)] += cap
    partners = set(ds.partners)
    return {
        "p_reference": levels,
        "p_zone_gap": {key: USD_TO_MUSD * g for key, g in gap.items()},
        "p_zone_viable": _zone_viable(ds, S, levels),
        "p_floor_offset": offset,
        "p_zone_used_max": {(k, s, t): used_max[(k, s, t)] for k, s, _j, t, _w in S.zone_used_keys},
        "p_zone_import_max": {
            (k, s, t, w): sum(
                ds.available.get((c, k, s, t, w), 0.0) for c in S.suppliers_at[(k, s, t, w)]
            )
            for k, s, _j, t, w in S.zone_import_keys
        },
        "p_levy_share": {
            (k, s, t, w): sum(
                ds.mix.get((c, k, s, t, w), 0.0)
                for c in S.suppliers_at[(k, s, t, w)]
                if c not in partners
            )
            for k, s, _j, t, w in S.zone_import_keys
        },
        "p_cost_weight": {
            "consumer_cost": _weight(ds, "consumer_cost_weight"),
            "producer_gain": _weight(ds, "producer_gain_weight"),
        },
    }


def _zone_viable(ds: Dataset, S, levels: dict) -> dict:
    """nu^{j,j'}_{r,t,w} = 1[c_{r,t,w} + (Pi_{s-1} - P_{s-1}) / Y_s <= Pi_s + 1e-9], with zone
    prices Pi_s = max(P_s, R_j) (P_s when j is none) and Pi_{s-1} likewise with j'."""
    states = defaultdict(list)
    for k, s, j, jp in S.zone_states:
        states[(k, s)].append((j, jp))
    out = {}
    for o, k, s, t, w in S.zone_viability_keys:
        prev = ds.prev_stage(k, s)
        p = ds.price[(k, s, t, w)]
        cost = ds.producer_cost[(o, k, s, t, w)]
        for j, jp in states[(k, s)]:
            zone = max(p, levels[(k, s, j)]) if j != NONE else p
            feed = 0.0
            if jp != NONE:
                p_prev = ds.price[(k, prev, t, w)]
                feed = (max(p_prev, levels[(k, prev, jp)]) - p_prev) / ds.yield_[(k, s)]
            out[(o, k, s, t, w, j, jp)] = float(cost + feed <= zone + 1e-9)
    return out
