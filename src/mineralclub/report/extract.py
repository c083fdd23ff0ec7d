"""Pull results from a solved model into tidy DataFrames, one per output sheet (no I/O here)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.model import concentration as C
from mineralclub.model.objective import weight
from mineralclub.model.registry import CATEGORIES, DAMAGE, FISCAL, TRANSFER, Cost
from mineralclub.model.targets import violation_expr
from mineralclub.model.tree import node_name
from mineralclub.units import BINDING_TOL, HHI_RELATIVE_TOL

TOL = 1e-6


def vals(var) -> dict:
    """Values of an indexed variable as a dict (0 for unset)."""
    return {k: (v if v is not None else 0.0) for k, v in var.extract_values().items()}


def scenario_vals(m, var) -> dict:
    """Values of a node-indexed variable (keys (..., t, n), tree.py) per scenario: every
    scenario of a node gets the node's value, keyed (..., t, w)."""
    members = m.sets.tree.members()
    out = {}
    for key, v in vals(var).items():
        for w in members[(key[-2], key[-1])]:
            out[(*key[:-1], w)] = v
    return out


def param_values(param) -> dict:
    """Current values of an indexed mutable parameter."""
    return {k: pyo.value(p) for k, p in param.items()}


@dataclass
class Flows:
    """Solved flows, read once from the model."""

    used: dict  # (owner, k, s, t, w) -> used tonnes
    output: dict  # (owner, k, s, t, w) -> production
    trusted: dict  # (owner, k, s, t, w) -> trusted used
    spot: dict  # (c, k, s, t, w) -> spot imports from c
    partner: dict  # (c, k, s, t) -> partner offtake
    shortfall: dict  # (k, t, w)
    release: dict  # (k, t, w)
    purchase: dict  # (k, t, w) stock purchases (annual rate, final-stage tonnes)


def read_flows(m, ds: Dataset) -> Flows:
    yT, yU = scenario_vals(m, m.yT), scenario_vals(m, m.yU)
    qT, fT, fU = scenario_vals(m, m.qT), scenario_vals(m, m.fT), scenario_vals(m, m.fU)
    used, output, trusted = {}, {}, {}
    for key in m.sets.producer_tws:
        _o, k, s, _t, _w = key
        used[key] = yT.get(key, 0.0) + yU.get(key, 0.0)
        trusted[key] = yT.get(key, 0.0)
        if key in qT:
            output[key] = qT[key]
        else:
            output[key] = ds.yield_[(k, s)] * (fT.get(key, 0.0) + fU.get(key, 0.0))
    imports, mix = scenario_vals(m, m.I), param_values(m.p_mix)
    spot = {key: mix[key] * imports[key[1:]] for key in m.sets.export_keys}
    return Flows(
        used,
        output,
        trusted,
        spot,
        vals(m.oP),
        scenario_vals(m, m.u),
        scenario_vals(m, m.e),
        scenario_vals(m, m.b),
    )


def country_of(ds: Dataset, owner: str) -> str:
    return ds.country_of(owner)


# --- Supply ------------------------------------------------------------------------------


SUPPLY_COLUMNS = [
    "country",
    "producer",
    "mineral",
    "stage",
    "year",
    "scenario",
    "source",
    "produced_t",
    "used_t",
    "trusted_t",
]


def supply_table(m, ds: Dataset, fl: Flows) -> pd.DataFrame:
    """One row per source of club supply: member output, spot imports, partner offtake (the
    same tonnes in every scenario) and stock releases; tonnes at or below TOL are left out."""
    rows = []
    for (o, k, s, t, w), q in fl.output.items():
        if q > TOL:
            used, trusted = fl.used[(o, k, s, t, w)], fl.trusted[(o, k, s, t, w)]
            rows.append((country_of(ds, o), o, k, s, t, w, "member", q, used, trusted))
    for (c, k, s, t, w), q in fl.spot.items():
        if q > TOL:
            rows.append((c, c, k, s, t, w, "spot_import", None, q, 0.0))
    for (c, k, s, t), q in fl.partner.items():
        if q > TOL:
            rows.extend((c, c, k, s, t, w, "partner_offtake", None, q, 0.0) for w in ds.scenarios)
    for (k, t, w), q in fl.release.items():
        if q > TOL:
            stock = "(stockpile)"
            rows.append((stock, stock, k, ds.final_stage[k], t, w, "stock_release", None, q, 0.0))
    cols = SUPPLY_COLUMNS
    df = pd.DataFrame(rows, columns=cols)
    df["exported_t"] = (df["produced_t"] - df["used_t"]).where(df["source"] == "member")
    return df.sort_values(cols[:6]).reset_index(drop=True)


# --- Concentration -------------------------------------------------------------------------


def concentration_metrics(m, ds: Dataset) -> pd.DataFrame:
    """Per (k, s, t, w): top_country_share, nonmember_share, trusted_share, hhi (club scope on
    club supply; world scope on world production), evaluated from the model's own concentration
    expressions (`model.concentration`, the ones targets constrain)."""
    rows = []
    for k, s, t, w in m.sets.kst_w:
        rows += _scope_rows(m, ds, "club", k, s, t, w)
        rows += _scope_rows(m, ds, "world", k, s, t, w)
    return pd.DataFrame(rows)


def _scope_rows(m, ds: Dataset, scope: str, k, s, t, w) -> list[dict]:
    """The scope's metrics at (k, s, t, w); its shares all divide by one denominator, evaluated
    once (`C.club_share` / `C.world_share` pair each numerator with it)."""
    if scope == "club":
        shares, numerator = C.club_share, C.club_numerator
        parts, countries = C.club_parts(m, ds, k, s, t, w), C.club_nonmembers(m, k, s, t, w)
    else:
        shares, numerator = C.world_share, C.world_numerator
        parts, countries = C.world_parts(m, ds, k, s, t, w), m.sets.nonmembers_at.get((k, s, t), [])
    num, den = shares(m, ds, "max_nonmember_share", k, s, None, t, w)
    denom = pyo.value(den)
    denom = denom if denom > TOL else float("nan")
    top = max(
        (pyo.value(numerator(m, ds, "max_country_share", k, s, c, t, w)) for c in countries),
        default=_final_shortfall(m, ds, scope, k, s, t, w),
    )
    out = {
        "top_country_share": top / denom,
        "nonmember_share": pyo.value(num) / denom,
        "hhi": C.hhi_of(parts),
    }
    if scope == "club":
        out["trusted_share"] = (
            pyo.value(numerator(m, ds, "min_trusted_share", k, s, None, t, w)) / denom
        )
    return [
        dict(mineral=k, stage=s, year=t, scenario=w, scope=scope, metric=name, value=v)
        for name, v in out.items()
    ]


def _final_shortfall(m, ds: Dataset, scope: str, k, s, t, w) -> float:
    """With no non-member supplier, the top country share is the shortfall's (club, final)."""
    if scope == "club" and s == ds.final_stage[k]:
        return pyo.value(m.u[k, t, m.sets.tree.rep[(t, w)]])
    return 0.0


def concentration_table(plan: pd.DataFrame, base: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    keys = ["mineral", "stage", "year", "scenario", "scope", "metric"]
    df = base.rename(columns={"value": "baseline"}).merge(
        plan.rename(columns={"value": "optimised"}), on=keys, how="outer"
    )
    prob = df["scenario"].map(ds.prob)
    group = ["mineral", "stage", "year", "scope", "metric"]
    weighted = df.assign(
        baseline=df["baseline"] * prob,
        optimised=df["optimised"] * prob,
        baseline_mass=prob.where(df["baseline"].notna()),
        optimised_mass=prob.where(df["optimised"].notna()),
    )
    sums = weighted.groupby(group, as_index=False)[
        ["baseline", "optimised", "baseline_mass", "optimised_mass"]
    ].sum(min_count=1)
    exp = sums.assign(  # expectation over the scenarios where the metric is defined
        baseline=sums["baseline"] / sums["baseline_mass"],
        optimised=sums["optimised"] / sums["optimised_mass"],
        scenario="expected",
    )[group + ["baseline", "optimised", "scenario"]]
    worst_max = df.groupby(group, as_index=False)[["baseline", "optimised"]].max()
    worst_min = df.groupby(group, as_index=False)[["baseline", "optimised"]].min()
    is_min = worst_max["metric"] == "trusted_share"
    worst = worst_max.copy()
    worst.loc[is_min, ["baseline", "optimised"]] = worst_min.loc[is_min, ["baseline", "optimised"]]
    worst["scenario"] = "worst"
    out = pd.concat([df, exp, worst], ignore_index=True)
    out["final_stage"] = out["stage"] == out["mineral"].map(ds.final_stage)  # for charts
    cols = keys + ["baseline", "optimised", "final_stage"]
    return out[cols].sort_values(keys).reset_index(drop=True)


# --- Decisions -----------------------------------------------------------------------------


def _risk_notes(ds: Dataset) -> dict:
    """project -> "scenario year; scenario never; ..." for its ProjectRisks rows (SPEC §4.14)."""
    notes: dict = defaultdict(list)
    for r in ds.risks:
        p = ds.projects[r.project]
        when = "never" if r.fails else str(p.first_year + r.delay_years)
        notes[p.name].append(f"{r.scenario} {when}")
    return {name: "; ".join(v) for name, v in notes.items()}


def projects_table(m, ds: Dataset) -> pd.DataFrame:
    rows = []
    risks = _risk_notes(ds)
    for name, p in ds.projects.items():
        built = float(pyo.value(m.x[name]))
        built = 0.0 if abs(built) < TOL else round(built, 9)
        rows.append(
            dict(
                project=name,
                built=built,
                support_musd=p.support_musd * built if not p.committed else 0.0,
                online_year=p.first_year if built > TOL else None,
                committed=p.committed,
                country=p.country,
                mineral=p.mineral,
                stage=p.stage,
                capacity_t=p.capacity_t * built,
                private_capital_musd=(1 - p.support_share) * p.capex_musd * built,
                delayed_online=risks.get(name),
            )
        )
    cols = [
        "project",
        "built",
        "support_musd",
        "online_year",
        "committed",
        "country",
        "mineral",
        "stage",
        "capacity_t",
        "private_capital_musd",
        "delayed_online",
    ]
    return pd.DataFrame(rows, columns=cols)


def expected_terms(m, ds: Dataset, category: Cost) -> dict[tuple, float]:
    """{(*item, period): expected value} of the registered terms of a category: the very terms
    the objective sums, probability-weighted (first-stage terms count once)."""
    out: dict[tuple, float] = defaultdict(float)
    for term in m.reg.terms(category):
        prob = 1.0 if term.scenario is None else pyo.value(m.p_prob[term.scenario])
        out[(*term.item, term.period)] += prob * pyo.value(term.expr)
    return out


def _clean(x: float) -> float:
    """Solver round-off (|x| < 1e-9 USD million) shown as 0."""
    return 0.0 if abs(x) < 1e-9 else x


def floors_table(m, ds: Dataset) -> pd.DataFrame:
    """Covered tonnes per level and period; expected payouts discounted like the Summary (they
    add up to floor_payout_musd: the registered floor terms)."""
    cover = vals(m.v)
    agg: dict[tuple, float] = defaultdict(float)
    for (_o, k, s, lvl, t), v in cover.items():
        agg[(k, s, lvl, t)] += v
    payout = expected_terms(m, ds, Cost.FLOOR_PAYOUT)
    upside = {r.key: r.upside_share for r in ds.floor_levels}
    rows = []
    for (k, s, lvl, t), v in sorted(agg.items()):
        if v <= TOL:
            continue
        rows.append(
            dict(
                mineral=k,
                stage=s,
                level=lvl,
                floor_usd_per_t=pyo.value(m.p_floor[k, s, lvl]),
                year=t,
                covered_t=v,
                expected_payout_musd=_clean(payout.get((k, s, lvl, t), 0.0)),
                upside_share=upside.get((k, s, lvl), 0.0),
            )
        )
    cols = [
        "mineral",
        "stage",
        "level",
        "floor_usd_per_t",
        "year",
        "covered_t",
        "expected_payout_musd",
        "upside_share",
    ]
    return pd.DataFrame(rows, columns=cols)


def offtake_table(m, ds: Dataset) -> pd.DataFrame:
    """Contracted tonnes per year; expected net cost discounted like the Summary (the registered
    offtake terms)."""
    cost = expected_terms(m, ds, Cost.OFFTAKE_COST)
    rows = []
    for var in (m.o, m.oP):
        for (sup, k, s, t), v in vals(var).items():
            if v <= TOL:
                continue
            rows.append(
                dict(
                    supplier=sup,
                    mineral=k,
                    stage=s,
                    year=t,
                    volume_t=v,
                    expected_cost_musd=cost.get((sup, k, s, t), 0.0),
                )
            )
    cols = ["supplier", "mineral", "stage", "year", "volume_t", "expected_cost_musd"]
    return pd.DataFrame(rows, columns=cols).sort_values(cols[:4]).reset_index(drop=True)


def stockpile_table(m, ds: Dataset) -> pd.DataFrame:
    """Level at the end of each period; purchases and releases in tonnes over the period (the
    model's annual rates times d_t); the level in days of the period's demand (level / (D/365),
    the unit of min_stock_days targets)."""
    K = vals(m.K)
    L, b, e = (scenario_vals(m, var) for var in (m.L, m.b, m.e))
    rep = m.sets.tree.rep
    per_day = {key: pyo.value(d) / 365.0 for key, d in m.p_demand.items()}
    rows = [
        dict(
            mineral=k,
            capacity_t=K.get(k, 0.0),
            year=t,
            scenario=w,
            level_t=L[(k, t, w)],
            purchase_t=ds.duration[t] * b[(k, t, w)],
            release_t=ds.duration[t] * e[(k, t, w)],
            node=node_name(t, rep[(t, w)]),
            days_of_demand=L[(k, t, w)] / per_day[(k, t)]
            if per_day[(k, t)] > TOL
            else float("nan"),
        )
        for k, t, w in m.sets.kt_w
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "mineral",
            "capacity_t",
            "year",
            "scenario",
            "level_t",
            "purchase_t",
            "release_t",
            "node",
            "days_of_demand",
        ],
    )


def shortfall_table(m, ds: Dataset, fl: Flows) -> pd.DataFrame:
    rows = [
        dict(mineral=k, year=t, scenario=w, shortfall_t=fl.shortfall.get((k, t, w), 0.0))
        for k, t, w in m.sets.kt_w
    ]
    return pd.DataFrame(rows, columns=["mineral", "year", "scenario", "shortfall_t"])


# --- Targets -------------------------------------------------------------------------------


def targets_table(m, ds: Dataset, marginal: dict | None = None) -> pd.DataFrame:
    """A row per target with year and scenario '*' (its worst instance, expected violation per
    year), first, then one row per target instance. `marginal` maps instance index -> USD
    million per percentage point (per day of stock for min_stock_days: `marginal_cost_unit`)."""
    marginal = marginal or {}
    rows = []
    for inst in m.reg.target_instances:
        num, den = pyo.value(inst.numerator), pyo.value(inst.denominator)
        achieved = num / den if abs(den) > TOL else float("nan")
        g = pyo.value(violation_expr(inst))
        rows.append(
            dict(
                target=inst.target,
                metric=inst.metric,
                scope=inst.scope,
                mineral=inst.mineral,
                stage=inst.stage,
                country=inst.country,
                year=inst.year,
                scenario=inst.scenario or "*",
                value=pyo.value(inst.value),
                achieved=achieved,
                binding=bool(g >= -BINDING_TOL * max(1.0, abs(den))),
                violation_t=max(0.0, g),
                hard=inst.hard,
                marginal_cost_musd_per_pp=marginal.get(inst.index, float("nan")),
            )
        )
    for h in getattr(m, "hhi_instances", []):
        rows.append(h.row(marginal))
    cols = [
        "target",
        "metric",
        "scope",
        "mineral",
        "stage",
        "country",
        "year",
        "scenario",
        "value",
        "achieved",
        "binding",
        "violation_t",
        "hard",
        "marginal_cost_musd_per_pp",
    ]
    df = pd.DataFrame(rows, columns=cols)
    df["marginal_cost_unit"] = df["metric"].map(
        lambda metric: "musd_per_day" if metric == "min_stock_days" else "musd_per_pp"
    )
    df["penalty_musd"] = float("nan")
    whole = _whole_target_rows(df, ds.prob)
    penalty = target_penalties(m)
    whole["penalty_musd"] = [penalty.get(name, 0.0) for name in whole["target"]]
    return pd.concat([whole, df], ignore_index=True)


def target_penalties(m) -> dict[str, float]:
    """Expected discounted penalty of each target (USD million): its registered terms."""
    out: dict[str, float] = defaultdict(float)
    for term in m.reg.terms(Cost.TARGET_PENALTY):
        prob = 1.0 if term.scenario is None else pyo.value(m.p_prob[term.scenario])
        out[term.owner] += prob * pyo.value(term.expr)
    return dict(out)


def _expected_violation_per_year(g: pd.DataFrame, prob: dict) -> float:
    """sum_i pi_w(i) g_i+ / |years|: the instances' violations in tonnes, weighted by their
    scenario's probability (1 for an instance of every scenario), per year of the target."""
    weight = g["scenario"].map(lambda w: prob.get(w, 1.0))
    return float((weight * g["violation_t"]).sum() / max(1, g["year"].nunique()))


def _whole_target_rows(df: pd.DataFrame, prob: dict) -> pd.DataFrame:
    """A row per target (year and scenario '*'), first in the table: its worst instance, the
    expected violation per year (t/yr), and the marginal cost of tightening every instance."""
    out = []
    for name, g in df.groupby("target", sort=False):
        is_min = g["metric"].iloc[0].startswith("min_")
        worst = g["achieved"].min() if is_min else g["achieved"].max()
        out.append(
            dict(
                target=name,
                metric=g["metric"].iloc[0],
                scope=g["scope"].iloc[0],
                mineral="*" if g["mineral"].nunique() > 1 else g["mineral"].iloc[0],
                stage="*" if g["stage"].nunique() > 1 else g["stage"].iloc[0],
                country=None,
                year="*",
                scenario="*",
                value=g["value"].iloc[0],
                achieved=worst,
                binding=bool(g["binding"].any()),
                violation_t=_expected_violation_per_year(g, prob),
                hard=bool(g["hard"].iloc[0]),
                marginal_cost_musd_per_pp=g["marginal_cost_musd_per_pp"].sum(min_count=1),
                marginal_cost_unit=g["marginal_cost_unit"].iloc[0],
                penalty_musd=float("nan"),
            )
        )
    return pd.DataFrame(out, columns=df.columns)


def unmet_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """Whole-target rows of hard targets that are violated (elastic plan)."""
    whole = targets[(targets["year"] == "*") & targets["hard"].astype(bool)]
    tol = HHI_RELATIVE_TOL * whole["value"].abs().clip(lower=1e-3)
    is_min = whole["metric"].str.startswith("min_")
    over = (~is_min) & (whole["achieved"] > whole["value"] + tol)
    under = is_min & (whole["achieved"] < whole["value"] - tol)
    return whole[over | under]


# --- Summary and scenarios -----------------------------------------------------------------


def cost_parts(m, ds: Dataset) -> dict[str, float]:
    """Expected cost by category (USD million): first-stage + sum_w pi_w scenario."""
    out = {}
    for c in CATEGORIES:
        first = pyo.value(m.e_first[c])
        exp = sum(pyo.value(m.p_prob[w]) * pyo.value(m.e_scenario[c, w]) for w in ds.scenarios)
        out[c] = first + exp
    out["risk"] = pyo.value(m.e_risk)
    return out


def summary_dict(m, ds: Dataset, status: str, gap, baseline_objective: float) -> dict:
    return with_run(money_dict(m, ds), status, gap, baseline_objective)


def with_run(money: dict, status: str, gap, baseline_objective: float) -> dict:
    """The Summary of `money_dict` with the run's status, gap and baseline objective."""
    return {
        **money,
        "status": status,
        "baseline_objective_musd": baseline_objective,
        "mip_gap": gap if gap is not None else float("nan"),  # unknown, not zero
    }


def money_dict(m, ds: Dataset) -> dict:
    """The Summary's figures read from the plan's values alone, in the Summary's order; the
    run's status, gap and baseline objective are left blank (`with_run`)."""
    parts = cost_parts(m, ds)
    fiscal = sum(parts[c.value] for c in FISCAL)
    damage = sum(parts[c.value] for c in DAMAGE)
    transfers = sum(pyo.value(weight(m, c.value)) * parts[c.value] for c in TRANSFER)
    return {
        "name": ds.name,
        "status": None,
        "objective_musd": fiscal + damage + parts["target_penalty"] + parts["risk"] + transfers,
        "baseline_objective_musd": None,
        "fiscal_cost_musd": fiscal,
        "damage_musd": damage,
        "target_penalty_musd": parts["target_penalty"],
        "risk_musd": parts["risk"],
        "project_support_musd": parts["project_support"],
        "floor_payout_musd": parts["floor_payout"],
        "offtake_cost_musd": parts["offtake_cost"],
        "stockpile_cost_musd": parts["stockpile_cost"],
        "import_premium_musd": parts["import_premium"],
        "shortfall_musd": parts["shortfall"],
        "levy_revenue_musd": -parts["levy_revenue"],
        "consumer_cost_musd": parts["consumer_cost"],
        "producer_gain_musd": -parts["producer_gain"],
        "weighted_transfers_musd": transfers,
        "mip_gap": None,
    }


def scenarios_table(m, ds: Dataset) -> pd.DataFrame:
    first = sum(pyo.value(weight(m, c) * m.e_first[c]) for c in CATEGORIES)
    rows = []
    for w in ds.scenarios:
        row = dict(
            scenario=w,
            probability=ds.prob[w],
            cost_musd=first + pyo.value(m.e_scenario_total[w]),
            first_stage_musd=first,
        )
        for c in CATEGORIES:
            row[f"{c}_musd"] = pyo.value(m.e_scenario[c, w])
        rows.append(row)
    return pd.DataFrame(rows)
