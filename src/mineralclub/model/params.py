"""Every number the model uses, as a mutable parameter computed from the dataset.

`param_values(ds, sets)` is the single place where input data become coefficients. The model
declares one mutable Pyomo Param per entry (`add_params`); a sweep that changes inputs but not
the model's structure (`Sets`) pushes new values into the same Params (`update_params`) and
re-solves the persistent solver, instead of rebuilding. Viability, eligibility and the export
mix are 0/1 or ratio parameters for that reason (SPEC §7).
"""

from __future__ import annotations

import pyomo.core as pyo

from mineralclub.dataset import Dataset, Stock
from mineralclub.model.floor_terms import floor_pay, floor_terms
from mineralclub.model.sets import Sets
from mineralclub.model.zone_params import zone_values
from mineralclub.units import USD_TO_MUSD

BIG_STOCK_T = 1e12  # "no limit" on stock capacity, as a finite bound

VALUES = "values"  # a dict field: its values are parametric, its keys structural
WHOLE = "whole"  # a scalar field read only through Params


# The parametric part of the dataset, declared once: what `param_values` below turns into
# mutable Params, and nothing else. For a dict field, VALUES (keys stay structural); for a
# field of records (or a dict of them), the tuple of parametric attributes; for `settings`,
# the parametric keys. A sweep reuses a built model when the dataset minus exactly this part
# (and the Sets) is unchanged (`model.structure`): a dataset field not named here is structural
# by default, so a new field can at worst cost a rebuild, never a wrong re-solve.
PARAMETRIC: dict[str, str | tuple[str, ...]] = {
    "settings": (
        "base_year",
        "discount_rate",
        "objective_risk_weight",
        "cvar_alpha",
        "mip_gap",
        "time_limit_s",
        "shortfall_penalty_multiple",
        "consumer_cost_weight",
        "producer_gain_weight",
    ),
    "base_year": WHOLE,
    "weight": VALUES,
    "prob": VALUES,
    "premium": VALUES,
    "price": VALUES,
    "demand": VALUES,
    "shortfall_penalty": VALUES,
    "capacity": VALUES,
    "utilization": VALUES,
    "cut": VALUES,
    "producer_cap": VALUES,
    "producer_cost": VALUES,
    "viable": VALUES,
    "available": VALUES,
    "mix": VALUES,
    "budget": VALUES,
    "stock": ("initial_t", "max_t", "capacity_cost_usd_per_t", "holding_usd_per_t_yr"),
    "projects": ("capacity_t", "capex_musd", "support_share", "unit_cost", "min_contracted_share"),
    "country_rows": ("import_premium_usd_per_t", "import_premium_share"),
    "floor_levels": ("floor_usd_per_t", "upside_share"),
    "reference_prices": ("reference_usd_per_t",),
    "offtake_options": ("contract_price_usd_per_t", "max_t_per_yr"),
    "targets": ("value", "penalty_usd_per_t"),
}


def book_price(ds: Dataset, k: str) -> float:
    """P_ref,k: probability-weighted final-stage price of the first period (a fixed book price,
    so the model cannot speculate on price paths)."""
    t0, f = ds.periods[0], ds.final_stage[k]
    return sum(ds.prob[w] * ds.price[(k, f, t0, w)] for w in ds.scenarios)


def import_premium_factor(ds: Dataset, k: str, s: str) -> float:
    """Premium per tonne imported at stage s: 1 at the final stage, else 0.99 x later yields."""
    if s == ds.final_stage[k]:
        return 1.0
    return 0.99 * ds.later_yield(k, s)


def premium_shares(ds: Dataset) -> dict[str, float]:
    """Countries.import_premium_share: the ad-valorem part of the import premium (SPEC §4.15)."""
    return {r.country: r.import_premium_share for r in ds.country_rows}


def premium(ds: Dataset, share: dict, c: str, k: str, s: str, t: int, w: str) -> float:
    """Import premium per tonne of stage s imported from c, USD/t (SPEC §4.15):
    rho_{k,s} x import_premium_usd_per_t + rho^v_{k,s} x import_premium_share x P_{k,s,t,w},
    rho^v = 1 at the final stage and 0.99 before (the ad-valorem part is already per tonne of
    what is imported; 0.99 keeps processing imported feed in members preferred)."""
    flat = ds.premium[c] * import_premium_factor(ds, k, s)
    value_factor = 1.0 if s == ds.final_stage[k] else 0.99
    return flat + value_factor * share.get(c, 0.0) * ds.price[(k, s, t, w)]


def producer_cut(ds: Dataset, owner: str, k: str, s: str, t: int, w: str) -> float:
    """Capacity cut of a member producer: a Disruption on its host country, mineral and stage."""
    return ds.cut.get((ds.country_of(owner), k, s, t, w), 0.0)


def param_values(ds: Dataset, S: Sets) -> dict[str, dict]:
    """{param name: {index: value}} for every mutable parameter of the model."""
    v: dict[str, dict] = {}
    v["p_prob"] = {w: ds.prob[w] for w in ds.scenarios}
    v["p_weight"] = {t: ds.weight[t] for t in ds.periods}
    v["p_demand"] = {(k, t): ds.demand[(k, t)] for k in ds.minerals for t in ds.periods}
    v["p_cap"] = dict(ds.producer_cap)
    v["p_cut"] = {key: producer_cut(ds, *key) for key in S.producer_tws}
    v["p_viable"] = {key: float(x) for key, x in ds.viable.items()}
    v["p_mix"] = {key: ds.mix.get(key, 0.0) for key in S.export_keys}
    v["p_avail"] = {key: ds.available.get(key, 0.0) for key in S.export_keys}
    share = premium_shares(ds)
    v["p_premium_cost"] = {
        (k, s, t, w): USD_TO_MUSD
        * sum(
            premium(ds, share, c, k, s, t, w) * ds.mix.get((c, k, s, t, w), 0.0)
            for c in S.suppliers_at[(k, s, t, w)]
        )
        for k, s, t, w in S.import_keys
    }
    v["p_short"] = {(k, t, w): USD_TO_MUSD * ds.shortfall_penalty[(k, t, w)] for k, t, w in S.kt_w}
    v["p_ncap"] = {key: ds.capacity[key] * ds.utilization[key] for key in S.nonmember_capacity_keys}
    v.update(_project_values(ds, S))
    v.update(_lever_values(ds, S))
    v.update(_stock_values(ds))
    v.update(zone_values(ds, S))
    v["p_budget"] = {year: ds.budget[year] for year in S.budget_years}
    v.update(_target_values(ds, S))
    v["p_risk"] = {
        "lambda": float(ds.settings.get("objective_risk_weight") or 0.0),
        "alpha": _setting(ds, "cvar_alpha", 0.9),
    }
    return v


def _setting(ds: Dataset, key: str, default: float) -> float:
    value = ds.settings.get(key)
    return default if value is None else float(value)


def _project_values(ds: Dataset, S: Sets) -> dict:
    rate = float(ds.settings.get("discount_rate") or 0.0)
    projects = ds.projects
    return {
        "p_support": {p: projects[p].support_musd for p in S.candidates},
        "p_support_pv": {
            p: projects[p].support_musd * (1 + rate) ** -(projects[p].first_year - ds.base_year)
            for p in S.candidates
        },
        "p_min_contract": {
            p: pr.min_contracted_share * pr.capacity_t for p, pr in projects.items()
        },
    }


def contract_level(S: Sets, eligible: dict, strike: dict) -> dict:
    """per_contract design: 1 on the lowest-strike eligible level of each (producer, period)
    (ties: the first level name), 0 elsewhere; the strike is thus a parameter of the producer."""
    best: dict = {}
    for o, k, s, lvl, t in S.cover:
        if eligible[(o, k, s, lvl, t)]:
            key, cand = (o, k, s, t), (strike[(k, s, lvl)], lvl)
            best[key] = min(best.get(key, cand), cand)
    return {
        (o, k, s, lvl, t): float(best.get((o, k, s, t), (None, None))[1] == lvl)
        for o, k, s, lvl, t in S.cover
    }


def _lever_values(ds: Dataset, S: Sets) -> dict:
    share = premium_shares(ds)
    floors = floor_terms(ds)
    levels = {key: f for key, (f, _s) in floors.items()}
    worst = {rt: max(ds.producer_cost[(*rt, w)] for w in ds.scenarios) for rt in ds.producer_cap}
    eligible = {
        (o, k, s, lvl, t): float(levels[(k, s, lvl)] >= worst[(o, k, s, t)] - 1e-9)
        for o, k, s, lvl, t in S.cover
    }
    terms = {r.key: (r.contract_price_usd_per_t, r.max_t_per_yr) for r in ds.offtake_options}
    offtake_keys = S.offtake_member + S.offtake_partner
    years = {r.key: (r.first_year, r.last_year) for r in ds.offtake_options}
    return {
        "p_floor": {key: levels[key] for key in S.floor_levels},
        "p_eligible": eligible,
        "p_contract_level": contract_level(S, eligible, levels)
        if S.floor_design == "per_contract"
        else {},
        "p_floor_pay": {
            (k, s, lvl, t, w): USD_TO_MUSD * floor_pay(*floors[(k, s, lvl)], ds.price[(k, s, t, w)])
            for k, s, lvl in S.floor_levels
            for t in ds.periods
            for w in ds.scenarios
        },
        "p_offtake_max": {key: terms[key][1] for key in S.offtake_options},
        "p_offtake_share": {
            key: contract_share(ds, years[key[:3]], key[3]) for key in offtake_keys
        },
        "p_offtake_price": {key: terms[key][0] for key in S.offtake_options},
        "p_offtake_cost": {
            (sup, k, s, t, w): USD_TO_MUSD * (terms[(sup, k, s)][0] - ds.price[(k, s, t, w)])
            for sup, k, s, t in offtake_keys
            for w in ds.scenarios
        },
        "p_partner_premium": {
            (c, k, s, t, w): USD_TO_MUSD * premium(ds, share, c, k, s, t, w)
            for c, k, s, t in S.offtake_partner
            for w in ds.scenarios
        },
    }


def contract_share(ds: Dataset, years: tuple, t: int) -> float:
    """Share of period t's years inside the contract years [first_year, last_year] (blank =
    open): an annual volume is prorated over a multi-year period like a disruption."""
    y0, y1 = (None if y is None or y != y else int(y) for y in years)
    start = t if y0 is None else max(t, y0)
    end = ds.period_end(t) if y1 is None else min(ds.period_end(t), y1)
    return max(0, end - start + 1) / ds.duration[t]


def _stock_values(ds: Dataset) -> dict:
    st = ds.stock
    return {
        "p_stock_initial": {k: st[k].initial_t for k in ds.minerals},
        "p_stock_room": {k: stock_room(st[k]) for k in ds.minerals},
        "p_stock_capacity_cost": {
            k: USD_TO_MUSD * st[k].capacity_cost_usd_per_t for k in ds.minerals
        },
        "p_stock_holding": {k: USD_TO_MUSD * st[k].holding_usd_per_t_yr for k in ds.minerals},
        "p_book_price": {k: USD_TO_MUSD * book_price(ds, k) for k in ds.minerals},
        "p_stock_end_value": {
            k: USD_TO_MUSD * end_discount(ds) * book_price(ds, k) for k in ds.minerals
        },
    }


def stock_room(stock: Stock) -> float:
    """(S^max - S^0)^+: room to build stock above the initial level (a large bound when blank)."""
    return BIG_STOCK_T if stock.max_t is None else max(0.0, stock.max_t - stock.initial_t)


def end_discount(ds: Dataset) -> float:
    """delta(end): the discount factor of the year after the last period (SPEC §4.10)."""
    rate = float(ds.settings.get("discount_rate") or 0.0)
    end = ds.period_end(ds.periods[-1]) + 1
    return (1 + rate) ** -(end - ds.base_year)


def _target_values(ds: Dataset, S: Sets) -> dict:
    rows = {r.target: r for r in ds.targets}
    return {
        "p_target": {name: rows[name].value for name in S.target_names},
        "p_target_penalty": {
            name: USD_TO_MUSD * rows[name].penalty_usd_per_t for name in S.target_names
        },
    }


def add_params(m: pyo.ConcreteModel, ds: Dataset, mutable: bool = True) -> None:
    """Declare one Param per entry of `param_values`: mutable (a sweep pushes new values), or
    fixed for a one-shot solve (the bulk compile reads a constant faster than a Param; the
    compiled model is the same, `tests/model/test_bulk.py`)."""
    for name, values in param_values(ds, m.sets).items():
        m.add_component(
            name, pyo.Param(list(values), initialize=values, mutable=mutable, within=pyo.Reals)
        )


def update_params(m: pyo.ConcreteModel, ds: Dataset) -> list:
    """Set every Param from a dataset of the same structure; return the ParamData changed."""
    changed = []
    for name, values in param_values(ds, m.sets).items():
        param = getattr(m, name)
        for key, value in values.items():
            data = param[key]
            if data.value != value:
                data.value = value
                changed.append(data)
    return changed
