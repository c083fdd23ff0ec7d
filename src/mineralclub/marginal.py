"""The price of security: marginal cost of every target from LP duals with integers fixed.

Fix every integer variable at its optimum, re-solve the LP, read the duals y (dZ/d rhs) and
report the change in the objective when a target is tightened by one percentage point:

  share targets (max or min):  dZ = -y_i * 0.01 * denominator_i   (D_s, or world total)
  min_stock_days: per day rather than per point: dZ = -y_i * 1 * D / 365
  max_hhi: tightening H by 0.01 lowers sqrt(H) by delta = sqrt(H) - sqrt(H - 0.01), moving the
           rhs of every active cut by -delta * sum x* and of each static cap by -delta * D:
           dZ = -delta * (sum_cuts y * sum x* + sum_static y * D)
"""

from __future__ import annotations

import math

import pyomo.core as pyo

from mineralclub.bulk import require_rows
from mineralclub.dataset import Dataset
from mineralclub.interrupt import raise_if_pending
from mineralclub.solve import OPTIMAL, TIME_LIMIT, SolveOptions, make_solver

PP = 0.01


def fix_integers(m: pyo.ConcreteModel) -> list:
    """Fix every integer variable at its (rounded) value and relax its domain, so that HiGHS
    solves an LP and returns duals. Returns [(var, domain)] to undo."""
    fixed = []
    for v in m.component_data_objects(pyo.Var, active=True):
        if v.is_integer():
            fixed.append((v, v.domain, v.fixed))
            v.domain = pyo.Reals
            v.fix(round(v.value or 0.0))
    return fixed


def has_marginal_costs(m: pyo.ConcreteModel) -> bool:
    """Whether the model has targets (or HHI caps) to price."""
    return bool(m.reg.target_instances or getattr(m, "hhi_instances", []))


def marginal_costs(
    m: pyo.ConcreteModel, ds: Dataset, opts: SolveOptions, solver=None, twin=None
) -> dict:
    """Instance index (or ("hhi", index)) -> USD million per percentage point.

    With `solver` the plan's `BulkHighs`, the LP is re-solved on the plan's own HiGHS instance
    (integers fixed by bounds, state restored), or taken from `twin` (`BulkHighs.lp_duals`);
    otherwise the model is translated again."""
    if not has_marginal_costs(m):
        return {}
    fast = hasattr(solver, "lp_duals")
    duals = solver.lp_duals(twin) if fast else translated_lp_duals(m, ds, opts)
    if duals is None:
        return {}
    return marginal_from_duals(m, ds, duals)


def translated_lp_duals(m: pyo.ConcreteModel, ds: Dataset, opts: SolveOptions) -> dict | None:
    """The LP duals through a fresh persistent solver with the integers fixed in the model
    (the slow path; the reference the fast path is tested against)."""
    require_rows(m, "the marginal-cost LP through a new translation")
    saved = [(v, v.value) for v in m.component_data_objects(pyo.Var)]
    fixed = fix_integers(m)
    try:
        duals = _lp_duals(m, ds, opts)
    finally:
        for v, domain, was_fixed in fixed:
            if not was_fixed:
                v.unfix()
            v.domain = domain
        for v, value in saved:  # the reported plan stays the MILP optimum
            v.set_value(value, skip_validation=True)
    return duals


def marginal_from_duals(m: pyo.ConcreteModel, ds: Dataset, duals: dict) -> dict:
    insts = m.reg.target_instances
    hhis = getattr(m, "hhi_instances", [])
    out = {}
    for inst in insts:
        y = duals.get(m.c_target[inst.index], 0.0)
        step = 1.0 if inst.metric == "min_stock_days" else PP  # one more day of stock
        out[inst.index] = -y * step * pyo.value(inst.denominator)
    for inst in hhis:
        h = pyo.value(inst.value)
        delta = math.sqrt(h) - math.sqrt(max(0.0, h - PP))
        total = sum(pyo.value(e) for e in inst.parts.values())
        dem = ds.demand[(inst.mineral, inst.year)]
        dz = sum(duals.get(c, 0.0) * total for c in inst.cuts)
        dz += sum(duals.get(c, 0.0) * dem for c in inst.static)
        out[("hhi", inst.index)] = -delta * dz
    return out


def _lp_duals(m, ds: Dataset, opts: SolveOptions) -> dict | None:
    solver = make_solver(ds, opts)
    res = solver.solve(m)
    raise_if_pending()  # a signal during the solve is an interruption, not "no duals"
    if res.solution_status.name not in ("optimal", "feasible"):
        return None
    res.solution_loader.load_vars()
    status = (
        OPTIMAL if res.termination_condition.name == "convergenceCriteriaSatisfied" else TIME_LIMIT
    )
    if status != OPTIMAL:
        return None
    return res.solution_loader.get_duals()
