r"""The club of a coalition S of blocs, and its cost c(S) (models/formulation.md, "The coalition
game").

The workbook of S is the input workbook with:

* S's member countries the only members: every other country is a non-member, so its existing
  capacity is non-member supply (bought through the export mix); a member that leaves also
  leaves the preferential zone, so its import premium becomes at least the lowest premium of the
  workbook's non-members (`outside_premium`); its projects are removed (with their
  ProjectRisks rows) and so are offtake options whose supplier is one of its projects or the
  country itself (partners stay partners);
* club demand (Demand.demand_t) and the stocks the club holds or may hold (Minerals
  stock_initial_t and stock_max_t) scaled by S's demand share d_S; targets are shares of demand
  or days of demand, so they scale with it;
* every Budget row scaled by S's cost share b_S;
* no Sweeps rows.

c(S) = the optimal objective of that workbook without target penalties (USD million):
fiscal cost + damage + risk. c(\emptyset) = 0: a club without members buys nothing and is
owed nothing.

A coalition that cannot meet the hard targets or the budget on its own is *priced* rather than
dropped: each hard target (except max_hhi, which cannot be soft) becomes soft, its violation
priced per tonne at the mineral's shortfall penalty (the same price the model puts on a tonne of
unmet demand; probability-weighted, first period), and c(S) then includes that priced
violation. A coalition still infeasible (a max_hhi target) is INFEASIBLE and has no cost.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import pandas as pd
import pyomo.core as pyo

from mineralclub.io.tables import InputError, Tables
from mineralclub.io.validate import validate
from mineralclub.solve import FAILED, INFEASIBLE, OPTIMAL, TIME_LIMIT
from mineralclub.sweep.address import Base
from mineralclub.sweep.rows import SUMMARY_KEYS, plan_row
from mineralclub.sweep.session import Session

SOFTENED = "[priced] "  # prefix of the name of a hard target made soft for an infeasible S
BAD_INPUT = "BAD_INPUT"
SOLVED = (OPTIMAL, TIME_LIMIT)
# every cost part the sweep reports (trade-zone transfers included), plus what was built
ROW_KEYS = (*SUMMARY_KEYS, "projects_built", "stock_capacity_t")


@dataclass(frozen=True)
class CoalitionRun:
    """One coalition to solve (a run of the sweep engine)."""

    id: int
    blocs: tuple[str, ...]
    members: tuple[str, ...]
    demand_share: float
    cost_share: float

    @property
    def key(self) -> str:
        """What c(S) depends on besides the input workbook: the member countries and the
        scales (the bloc names do not matter)."""
        return "|".join(self.members) + f"#{self.demand_share!r}#{self.cost_share!r}"


def coalition_frames(base: Base, run: CoalitionRun) -> dict[str, pd.DataFrame]:
    """The raw frames of S's workbook (validated like a workbook read from disk)."""
    raw = base.raw
    members = set(run.members)
    frames = dict(raw)
    countries = raw["Countries"].copy()
    was_member = countries["member"].map(lambda v: bool(v) if v is not None else False)
    countries["member"] = [
        bool(m) and c in members for c, m in zip(countries["country"], was_member, strict=True)
    ]
    leaving = was_member & ~countries["member"].astype(bool)
    premium = outside_premium(countries[~was_member])
    countries["import_premium_usd_per_t"] = [
        max(_number(p), premium) if gone else p
        for p, gone in zip(countries["import_premium_usd_per_t"], leaving, strict=True)
    ]
    frames["Countries"] = countries
    projects = raw["Projects"]
    frames["Projects"] = projects[projects["country"].isin(members)].copy()
    gone = set(projects["project"]) - set(frames["Projects"]["project"])
    outside = set(countries.loc[was_member & ~countries["member"], "country"])
    for sheet, column, dropped in (
        ("OfftakeOptions", "supplier", gone | outside),
        ("ProjectRisks", "project", gone),
    ):
        if sheet in raw:  # optional sheets
            frames[sheet] = raw[sheet][~raw[sheet][column].isin(dropped)].copy()
    if "Sweeps" in raw:
        frames["Sweeps"] = raw["Sweeps"].iloc[0:0].copy()
    frames["Demand"] = _scaled(raw["Demand"], ("demand_t",), run.demand_share)
    frames["Minerals"] = _scaled(
        raw["Minerals"], ("stock_initial_t", "stock_max_t"), run.demand_share
    )
    frames["Budget"] = _scaled(raw["Budget"], ("max_spend_musd",), run.cost_share)
    return frames


def outside_premium(nonmembers: pd.DataFrame) -> float:
    """The import premium a country pays once outside the club's preferential zone: the lowest
    premium of the workbook's non-members (freight and the ordinary tariff, without the extra
    duties or sanctions some non-members carry); 0 without non-members."""
    values = [_number(p) for p in nonmembers["import_premium_usd_per_t"]]
    return min(values) if values else 0.0


def _number(value) -> float:
    return 0.0 if value is None else float(value)


def _scaled(frame: pd.DataFrame, columns, factor: float) -> pd.DataFrame:
    out = frame.copy()
    for col in columns:
        if col in out.columns:
            out[col] = pd.Series(
                [None if v is None else float(v) * factor for v in out[col]],
                index=out.index,
                dtype=object,
            )
    return out


def coalition_tables(base: Base, run: CoalitionRun) -> Tables:
    return validate(coalition_frames(base, run))


def priced_frames(frames: dict[str, pd.DataFrame], ds) -> tuple[dict, tuple[str, ...]]:
    """S's frames with every hard target but max_hhi made soft at the shortfall penalty of its
    mineral (a ``*`` mineral becomes one row per mineral that has the stage). Returns the frames
    and the names of the priced targets."""
    targets = frames["Targets"]
    if not len(targets):
        return frames, ()
    stages = frames["Stages"]
    rows, priced = [], []
    for row in targets.to_dict("records"):
        if row.get("hard") is False or row["metric"] == "max_hhi":
            rows.append(row)
            continue
        minerals = list(ds.minerals) if row["mineral"] == "*" else [row["mineral"]]
        for k in minerals:
            if (
                row["stage"] != "*"
                and not ((stages["mineral"] == k) & (stages["stage"] == row["stage"])).any()
            ):
                continue
            name = f"{SOFTENED}{row['target']}" + (f" [{k}]" if row["mineral"] == "*" else "")
            rows.append(
                {
                    **row,
                    "target": name,
                    "mineral": k,
                    "hard": False,
                    "penalty_usd_per_t": shortfall_price(ds, k),
                }
            )
            priced.append(name)
    out = dict(frames)
    frame = pd.DataFrame(rows, columns=targets.columns).astype(object)
    out["Targets"] = frame.where(frame.notna(), None)  # blanks stay None, as read from disk
    out["Targets"].attrs = targets.attrs
    return out, tuple(priced)


def shortfall_price(ds, mineral: str) -> float:
    """The mineral's shortfall penalty (USD/t), probability-weighted, first period."""
    t0 = ds.periods[0]
    return float(sum(ds.prob[w] * ds.shortfall_penalty[(mineral, t0, w)] for w in ds.scenarios))


def priced_violation(m, ds, names) -> float:
    r"""USD million the objective charges for the priced targets' violations: the very terms
    the model adds, \sum_i \pi_{w(i)} w_t \, penalty_i \, s_i, over their instances."""
    names = set(names)
    total = 0.0
    for inst in m.reg.target_instances:
        if inst.target not in names or inst.index not in m.target_slack:
            continue
        term = m.p_weight[inst.year] * m.p_target_penalty[inst.target] * m.target_slack[inst.index]
        prob = 1.0 if inst.scenario is None else ds.prob[inst.scenario]
        total += prob * pyo.value(term)
    return total


def solve_coalition(session: Session, run: CoalitionRun) -> dict:
    """Solve S on the worker's session; one row: status, cost_musd = c(S) and its parts."""
    t0 = time.perf_counter()
    row = {"run": run.id, "key": run.key}
    try:
        frames = coalition_frames(session.base, run)
        solved = session.solve_tables(validate(frames))
        priced: tuple[str, ...] = ()
        if solved.status == INFEASIBLE:
            soft, priced = priced_frames(frames, solved.ds)
            if priced:
                solved = session.solve_tables(validate(soft))
        row.update(cost_row(solved, priced))
    except InputError as exc:
        row.update(
            status=BAD_INPUT, message="; ".join(str(p) for p in exc.problems if p.level == "error")
        )
    except Exception as exc:  # one broken coalition must not stop the others: record it
        row.update(status=FAILED, message=f"error: {type(exc).__name__}: {exc}")
    row["seconds"] = time.perf_counter() - t0
    return row


def cost_row(solved, priced: tuple[str, ...]) -> dict:
    row = {"status": solved.status, "message": solved.message, "priced_targets": len(priced)}
    if solved.status not in SOLVED:
        row["cost_musd"] = math.nan
        return row
    plan = plan_row(solved.model, solved.ds, solved.status, solved.gap)
    row.update({k: plan[k] for k in ROW_KEYS})
    violation = priced_violation(solved.model, solved.ds, priced) if priced else 0.0
    row["priced_violation_musd"] = violation
    row["cost_musd"] = plan["objective_musd"] - plan["target_penalty_musd"] + violation
    if priced:
        row["message"] = (
            "cannot meet its hard targets or budget alone: "
            f"{len(priced)} target(s) priced at the shortfall penalty"
        )
    return row
