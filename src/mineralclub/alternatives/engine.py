"""Near-optimal alternative plans on one persistent HiGHS model (modelling to generate
alternatives, MGA).

1. Solve the plan as `solve` does (HHI cutting planes included) on a persistent HiGHS instance:
   the least cost C* (objective without target penalties, `terms.cost_expr`) and the expected
   target penalty P*.
2. Add the near-optimality cap  cost <= C* + slack |C*|  and hold soft targets at least as well
   met as in the optimum  penalty <= P*; hard targets and budgets stay as they are.
3. Ranges: for each item z_j of the range space (host country or lever), minimise and then
   maximise z_j within the cap (two solves each).
4. Alternatives: maximise the smallest distance t to every plan found so far (the optimum
   first), t <= d_k(z) for each earlier plan k, with the linear distance
   d_k(z) = sum_j sigma_kj (z_j - zhat_kj) / s_j, sigma_kj = +1 when zhat_kj is in the lower
   half of item j's range, else -1 (exact for 0/1 projects; a lower bound of the L1 distance
   otherwise); s_j = 1 for projects, the widest range of the space for money (`norms`). Stop
   after `count` plans or when no plan is farther than `MIN_DISTANCE`.

Only the objective and new constraints are passed to HiGHS between solves (no model rebuild);
the HHI cuts found along the way stay (each is valid for every plan).

Pyomo's `contrib.alternative_solutions` was tried first and not used: with HiGHS its
`enumerate_binary_solutions` works but compares binary variables only (no scalable projects,
no country or lever money) and solves without our HHI cutting planes, `obbt_analysis` fails
(`highs`: no warmstart argument; `appsi_highs`: hard-wired to Gurobi) and ranges only single
variables, and `enumerate_linear_solutions` needs a pure LP (see docs/alternatives.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pyomo.core as pyo

from mineralclub.alternatives import terms
from mineralclub.alternatives.terms import PROJECT
from mineralclub.dataset import Dataset
from mineralclub.model.build import build_model
from mineralclub.model.hhi import cut_loop
from mineralclub.report import extract as R
from mineralclub.solve import INFEASIBLE, SolveOptions, make_solver, run_solver
from mineralclub.sweep.rows import plan_row

MIN_DISTANCE = 1e-4  # normalised distance below which a plan is not new
CAP_TOL = 1e-7  # relative tolerance on the cost cap and the penalty hold
NO_AUTO_UPDATES = (  # the engine passes objectives and new constraints itself
    "check_for_new_or_removed_constraints",
    "check_for_new_or_removed_vars",
    "check_for_new_or_removed_params",
    "check_for_new_objective",
    "update_constraints",
    "update_vars",
    "update_parameters",
    "update_named_expressions",
    "update_objective",
)


class Infeasible(Exception):
    """The hard targets or budget cannot all be met: there is no optimum to start from."""


@dataclass
class Plan:
    """One plan: its cost, its point in every space and the sweep row of its decisions."""

    index: int
    status: str
    cost: float
    penalty: float
    points: dict  # space name -> {item: value}
    row: dict  # plan_row: Summary costs, decisions, concentration reached
    distance: float = math.nan  # normalised L1 distance to the nearest earlier plan


@dataclass
class Bound:
    """The least and the most one item can get within the slack."""

    space: str
    item: str
    optimum: float
    low: float
    high: float
    low_status: str
    high_status: str


@dataclass
class Alternatives:
    by: str
    slack: float
    count: int
    optimum_cost: float
    cap: float
    plans: list[Plan]
    ranges: list[Bound]
    solves: int
    seconds: float
    stop_reason: str = ""
    messages: list[str] = field(default_factory=list)
    workers: int = 1  # processes that solved the ranges


class Engine:
    """The persistent model and HiGHS instance of one workbook."""

    def __init__(self, ds: Dataset, opts: SolveOptions | None = None):
        self.ds = ds
        self.opts = opts or SolveOptions()
        self.m = build_model(ds)
        self.solver = make_solver(ds, self.opts)
        self.loaded = False
        self.cuts_loaded = 0
        self.solves = 0
        self.spaces = {name: terms.space(self.m, ds, name) for name in terms.SPACES}
        self._no_auto_updates()

    # --- solving ---------------------------------------------------------------------------
    def _run(self, solver, m):
        """One HiGHS solve: the instance is loaded once, later only new HHI cuts are added."""
        cuts = len(m.c_hhi_cuts)
        if not self.loaded:
            self.loaded, self.cuts_loaded = True, cuts
        elif cuts > self.cuts_loaded:
            solver.add_constraints([m.c_hhi_cuts[i] for i in range(self.cuts_loaded + 1, cuts + 1)])
            self.cuts_loaded = cuts
        self.solves += 1
        return run_solver(solver, m)

    def solve(self) -> str:
        """Solve with the current objective (HHI cuts until exact); returns the status."""
        status, _term, _obj, _bound = cut_loop(self.m, self.solver, self._run)
        return status

    def clear(self) -> None:
        """Drop HiGHS' basis and solution, so that a solve does not depend on the ones before
        (as the sweep does before each run)."""
        clear = getattr(getattr(self.solver, "_solver_model", None), "clearSolver", None)
        if self.loaded and clear is not None:
            clear()

    def _no_auto_updates(self) -> None:
        for name in NO_AUTO_UPDATES:
            setattr(self.solver.config.auto_updates, name, False)

    def set_objective(self, expr, sense) -> None:
        m = self.m
        if m.component("alt_obj") is not None:
            m.del_component("alt_obj")
        m.obj.deactivate()
        m.alt_obj = pyo.Objective(expr=expr, sense=sense)
        if self.loaded:  # else the first solve loads the model with this objective
            self.solver.set_objective(m.alt_obj)

    # --- the steps -------------------------------------------------------------------------
    def optimum(self) -> Plan:
        """The least-cost plan (the `solve` objective); raises Infeasible."""
        status = self.solve()
        if status == INFEASIBLE:
            raise Infeasible("the hard targets or budget cannot all be met")
        return self.plan(0, status)

    def add_cap(self, c_star: float, p_star: float, slack: float) -> float:
        """Add `alt_cap` and `alt_hold` (below) for the least cost C* and penalty P*; returns
        the cap C* + slack |C*| (USD million)."""
        m = self.m
        cap = c_star + slack * abs(c_star)
        m.alt_cap_value = pyo.Param(initialize=cap + CAP_TOL * max(1.0, abs(c_star)), mutable=True)
        m.alt_penalty_value = pyo.Param(
            initialize=p_star + CAP_TOL * max(1.0, abs(p_star)), mutable=True
        )
        m.alt_cap = pyo.Constraint(rule=alt_cap)
        m.alt_hold = pyo.Constraint(rule=alt_hold)
        if self.loaded:
            self.solver.add_constraints([m.alt_cap, m.alt_hold])
        return cap

    def plan(self, index: int, status: str) -> Plan:
        m, ds = self.m, self.ds
        points = {
            name: {item: float(pyo.value(expr)) for item, expr in sp.items.items()}
            for name, sp in self.spaces.items()
        }
        return Plan(
            index,
            status,
            float(pyo.value(terms.cost_expr(m))),
            float(pyo.value(terms.penalty_expr(m))),
            points,
            plan_row(m, ds, status, None) | final_stage_hhi(m, ds),
        )

    def bound(self, space: str, item: str, optimum: float) -> Bound:
        """Minimise, then maximise one item within the cap (two solves)."""
        expr = self.spaces[space].items[item]
        values, statuses = [], []
        for sense in (pyo.minimize, pyo.maximize):
            self.set_objective(expr, sense)
            self.clear()
            status = self.solve()
            statuses.append(status)
            values.append(float(pyo.value(expr)) if status != INFEASIBLE else math.nan)
        return Bound(space, item, optimum, values[0], values[1], *statuses)

    def alternatives(
        self, by: str, count: int, plans: list[Plan], scale: dict[str, tuple]
    ) -> tuple[list[Plan], str]:
        """Up to `count` plans after `plans`, each as far as possible from all before it.

        `scale[item] = (low, high)`: the item's range; items that cannot move are left out.
        Distances are divided by `norms` (below): 1 per project, one money unit for money."""
        m = self.m
        items = {
            item: expr
            for item, expr in self.spaces[by].items.items()
            if item in scale and scale[item][1] - scale[item][0] > 1e-9
        }
        if not items:
            return [], f"no {by} can change within the slack"
        norm = norms(by, items, scale)
        m.alt_t = pyo.Var(within=pyo.NonNegativeReals, bounds=(0, len(items)))
        m.alt_far = pyo.ConstraintList()
        tie = max(1.0, abs(plans[0].cost))
        # the farthest plan; among equally far ones the cheapest (weight far below distances)
        self.set_objective(m.alt_t - 1e-4 * terms.cost_expr(m) / tie, pyo.maximize)
        found: list[Plan] = []
        for plan in plans:
            self._far_from(plan, by, items, scale, norm)
        while len(found) < count:
            status = self.solve()
            if status == INFEASIBLE:
                return found, "no further plan within the slack"
            if pyo.value(m.alt_t) < MIN_DISTANCE:
                return found, "no other plan within the slack differs from those found"
            new = self.plan(len(plans) + len(found), status)
            new.distance = min(distance(new, old, by, norm) for old in plans + found)
            if new.distance < MIN_DISTANCE:
                return found, "no other plan within the slack differs from those found"
            found.append(new)
            self._far_from(new, by, items, scale, norm)
        return found, f"{count} plan(s) asked for"

    def _far_from(self, plan: Plan, by: str, items: dict, scale: dict, norm: dict) -> None:
        r"""t \le d_k(z) = \sum_j \sigma_{kj} (z_j - \hat z_{kj}) / s_j: the linear distance
        from an earlier plan k (sigma = +1 when zhat is in the lower half of the range)."""
        expr = 0
        for item, z in items.items():
            low, high = scale[item]
            width = high - low
            value = plan.points[by][item]
            sigma = 1.0 if (value - low) / width <= 0.5 else -1.0
            expr = expr + sigma * (z - value) / norm[item]
        self.solver.add_constraints([self.m.alt_far.add(self.m.alt_t <= expr)])


def alt_cap(m):
    r"""Near-optimality: the cost without target penalties within the slack.

    .. math::
        \sum_{c \notin penalty} \Big(Z^{first}_c + \sum_w \pi_w Z_{c,w}\Big) + \lambda CVaR
        \le C^* + \epsilon |C^*|
    """
    return terms.cost_expr(m) <= m.alt_cap_value


def alt_hold(m):
    r"""Soft targets at least as well met as in the least-cost plan.

    .. math::
        Z^{first}_{penalty} + \sum_w \pi_w Z_{penalty,w} \le P^*
    """
    return terms.penalty_expr(m) <= m.alt_penalty_value


def final_stage_hhi(m: pyo.ConcreteModel, ds: Dataset) -> dict[str, float]:
    """``hhi[k,year]``: the HHI of club supply at the final stage in the last period, expected
    over scenarios (the Concentration sheet's `hhi` metric, as the sweep reads the shares)."""
    metrics = R.concentration_metrics(m, ds)
    last = ds.periods[-1]
    pick = metrics[
        (metrics["stage"] == metrics["mineral"].map(ds.final_stage))
        & (metrics["year"] == last)
        & (metrics["scope"] == "club")
        & (metrics["metric"] == "hhi")
    ]
    weighted = pick.assign(value=pick["value"] * pick["scenario"].map(ds.prob))
    exp = weighted.groupby("mineral")["value"].sum(min_count=1)
    return {f"hhi[{k},{last}]": float(exp.get(k, math.nan)) for k in ds.minerals}


def norms(by: str, items, scale: dict) -> dict[str, float]:
    """The divisor s_j of each item in the distance: 1 for projects (built fractions); for money
    (countries, levers) the widest range of the space, so that distances are in one money unit
    and a lever with a range of a few million does not weigh as much as one of billions."""
    if by == PROJECT:
        return dict.fromkeys(items, 1.0)
    widest = max(scale[i][1] - scale[i][0] for i in items)
    return dict.fromkeys(items, widest)


def distance(a: Plan, b: Plan, space: str, norm: dict) -> float:
    """Normalised L1 distance between two plans over the items that can move."""
    return sum(abs(a.points[space][i] - b.points[space][i]) / norm[i] for i in norm)
