"""Re-solve one persistent HiGHS model by changing mutable parameters (SPEC §7).

A `Session` builds the model of a workbook once. Each run applies its changes to the workbook
(`Base.apply`, validated as from disk), builds the dataset and compares the model structure
(`model.structure`: the dataset minus its declared parametric part, plus the Sets): when it
equals the structure of a model the session holds, the new parameter values are pushed into
that model and only the HiGHS coefficients that depend on a changed parameter are updated
(`ParamPusher`); otherwise a model is built for the run and the run row says ``rebuilt``. HHI
cuts added by earlier runs stay: each is valid for any plan and any H, since its right-hand
side is sqrt(p_target) times the total.

Before each run the solver's basis and solution are cleared, so a persistent re-solve starts
from the same state as a fresh build (measured in `benchmarks/sweep_speed.py`; see
docs/sweeps.md): the equivalence of a re-solve and a fresh solve matters more than speed.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.core as pyo
from pyomo.core.expr.visitor import identify_mutable_parameters

from mineralclub.dataset import Dataset, build_dataset
from mineralclub.io.tables import Tables
from mineralclub.model.build import build_model
from mineralclub.model.hhi import cut_loop
from mineralclub.model.params import update_params
from mineralclub.model.structure import Structure, structure
from mineralclub.solve import (
    FAILED,
    INFEASIBLE,
    SolveOptions,
    SolverFailure,
    make_solver,
    relative_gap,
    run_solver,
)
from mineralclub.sweep.address import BadValues, Base, Change
from mineralclub.sweep.rows import plan_row

BAD_INPUT = "BAD_INPUT"
# Pyomo's HiGHS interface redirects the process's stdout/stderr file descriptors while it
# solves, which is not thread-safe: sessions in threads of one process (a Dask worker with
# several threads) take turns at the solver.
SOLVE_LOCK = threading.Lock()
PARAM_ONLY_UPDATES = dict(  # the sweep pushes parameters and cuts itself (see ParamPusher)
    check_for_new_or_removed_constraints=False,
    check_for_new_or_removed_vars=False,
    check_for_new_or_removed_params=False,
    check_for_new_objective=False,
    update_constraints=False,
    update_vars=False,
    update_parameters=False,
    update_named_expressions=False,
    update_objective=False,
)


class ParamPusher:
    """Update only the HiGHS coefficients, bounds and costs that depend on a changed parameter.

    Pyomo's `update_parameters()` re-evaluates every mutable coefficient of the model (one
    Python call per coefficient); a sweep run usually changes a handful of parameters. The
    index from parameter to the interface's helpers is built on first use and extended as cuts
    are added. Without the private attributes (another Pyomo version) it falls back to
    `update_parameters()`."""

    def __init__(self, solver: Any) -> None:
        self.solver = solver
        self.by_param: dict[int, list] = {}
        self.indexed: set = set()
        self.objective: Any = None

    def push(self, changed: list) -> int:
        if not changed:
            return 0
        solver = self.solver
        if not (hasattr(solver, "_mutable_helpers") and hasattr(solver, "_mutable_objective")):
            self.solver.update_parameters()
            return -1
        self._index()
        helpers = {id(h): h for p in changed for h in self.by_param.get(id(p), ())}
        costs, bounds = [], []
        for helper in helpers.values():
            kind = type(helper).__name__
            if kind == "_MutableObjectiveCoefficient":
                costs.append(helper)
            elif kind == "_MutableConstraintBounds":
                bounds.append(helper)
            else:
                helper.update()
        self._costs(costs)
        self._bounds(bounds)
        return len(helpers)

    def _costs(self, helpers: list) -> None:
        """Objective coefficients in one HiGHS call (a discount rate changes all of them)."""
        if not helpers:
            return
        columns = [h.var_map[h.pyomo_var_id] for h in helpers]
        values = [pyo.value(h.expr) for h in helpers]
        self.solver._solver_model.changeColsCost(
            len(columns), np.array(columns, dtype=np.int32), np.array(values, dtype=float)
        )

    def _bounds(self, helpers: list) -> None:
        """Constraint bounds (right-hand sides) in one HiGHS call."""
        if not helpers:
            return
        rows = [h.con_map[h.con] for h in helpers]
        lower = [pyo.value(h.lower_expr) for h in helpers]
        upper = [pyo.value(h.upper_expr) for h in helpers]
        self.solver._solver_model.changeRowsBounds(
            len(rows),
            np.array(rows, dtype=np.int32),
            np.array(lower, dtype=float),
            np.array(upper, dtype=float),
        )

    def _index(self) -> None:
        for con, helpers in self.solver._mutable_helpers.items():
            if con in self.indexed:
                continue
            self.indexed.add(con)
            for helper in helpers:
                self._add(
                    helper,
                    getattr(helper, "expr", None),
                    getattr(helper, "lower_expr", None),
                    getattr(helper, "upper_expr", None),
                )
        objective = self.solver._mutable_objective
        if objective is not self.objective:
            self.objective = objective
            for coef in objective.linear_coefs:
                self._add(coef, coef.expr)
            self._add(objective.constant, objective.constant.expr)
            if objective.quadratic_coefs:  # not in this model; update it whole to be safe
                self._add(objective, *(c.expr for c in objective.quadratic_coefs))

    def _add(self, helper, *exprs) -> None:
        for expr in exprs:
            if expr is None or isinstance(expr, int | float):
                continue
            for param in identify_mutable_parameters(expr):
                self.by_param.setdefault(id(param), []).append(helper)


@dataclass
class Held:
    """A built model with its persistent solver."""

    key: Structure
    model: pyo.ConcreteModel
    solver: Any = None
    pusher: ParamPusher | None = None
    loaded: bool = False  # the solver holds the instance
    cuts_loaded: int = 0


@dataclass
class Solved:
    """A solve on the session: the model (with its values) and the dataset it was solved for."""

    status: str
    model: pyo.ConcreteModel | None
    ds: Dataset | None
    rebuilt: bool = False
    objective: float = math.nan
    gap: float | None = None
    hhi_rounds: int = 0
    message: str = ""
    timings: dict = field(default_factory=dict)


class Session:
    """Persistent re-solves of one workbook's variants. Not thread-safe: one per worker."""

    def __init__(
        self,
        base: Base | Tables,
        opts: SolveOptions | None = None,
        keep_basis: bool = False,
        fast_updates: bool = True,
    ):
        self.base = base if isinstance(base, Base) else Base(base)
        self.opts = opts or SolveOptions()
        self.keep_basis = keep_basis
        self.fast_updates = fast_updates
        self.main: Held | None = None  # the base workbook's structure
        self.other: Held | None = None  # the last structure that differed from it
        self._base_key: Structure | None = None

    @property
    def base_key(self) -> Structure:
        if self._base_key is None:
            self._base_key = structure(build_dataset(self.base.tables))
        return self._base_key

    # --- solving -------------------------------------------------------------------------
    def solve_changes(self, changes: list[Change]) -> Solved:
        """Apply the changes to the workbook and solve; bad values give status BAD_INPUT."""
        t0 = time.perf_counter()
        try:
            tables = self.base.apply(changes)
        except BadValues as exc:
            return Solved(BAD_INPUT, None, None, message="; ".join(exc.messages))
        solved = self.solve_tables(tables)
        solved.timings["apply"] = solved.timings.get("start", t0) - t0
        return solved

    def solve_tables(self, tables: Tables) -> Solved:
        t0 = time.perf_counter()
        ds = build_dataset(tables)
        held, rebuilt = self._model_for(ds)
        t1 = time.perf_counter()
        m = held.model
        if held.loaded:
            changed = update_params(m, ds)
            if self.fast_updates and held.pusher is not None:
                held.pusher.push(changed)
            else:
                held.solver.update_parameters()
        self._configure(held, ds)
        m.hhi_rounds, m.hhi_cut_count, m.hhi_converged = 0, 0, True
        if held.loaded and not self.keep_basis:
            clear = getattr(getattr(held.solver, "_solver_model", None), "clearSolver", None)
            if clear is not None:
                clear()
        t2 = time.perf_counter()
        try:
            status, _term, obj, bound = cut_loop(
                m, held.solver, lambda s, mm: self._run(held, s, mm)
            )
        except SolverFailure as exc:
            return Solved(FAILED, m, ds, rebuilt, message=str(exc), timings=self._t(t0, t1, t2))
        except Exception as exc:  # a broken solver instance: drop it, record the run
            self._forget(held)
            return Solved(
                FAILED, m, ds, rebuilt, message=f"solver error: {exc}", timings=self._t(t0, t1, t2)
            )
        message = ""
        if status == INFEASIBLE:
            message = "the hard targets or budget cannot all be met"
        elif not getattr(m, "hhi_converged", True):
            message = "HHI cutting planes did not converge"
        return Solved(
            status,
            m,
            ds,
            rebuilt,
            obj,
            relative_gap(obj, bound),
            getattr(m, "hhi_rounds", 0),
            message,
            self._t(t0, t1, t2),
        )

    @staticmethod
    def _t(t0, t1, t2) -> dict:
        return {"start": t0, "build": t1 - t0, "update": t2 - t1, "solve": time.perf_counter() - t2}

    def _run(self, held: Held, solver, m):
        """One HiGHS solve: load the instance the first time, else pass new HHI cuts."""
        cuts = len(m.c_hhi_cuts)
        if not held.loaded:
            held.loaded, held.cuts_loaded = True, cuts
        elif cuts > held.cuts_loaded:
            solver.add_constraints([m.c_hhi_cuts[i] for i in range(held.cuts_loaded + 1, cuts + 1)])
            held.cuts_loaded = cuts
        with SOLVE_LOCK:
            return run_solver(solver, m)

    def _model_for(self, ds: Dataset) -> tuple[Held, bool]:
        key = structure(ds)
        if key == self.base_key:
            if self.main is None:
                self.main = self._build(ds, key)
            return self.main, False
        if self.other is None or key != self.other.key:
            self.other = self._build(ds, key)
        return self.other, True

    def _build(self, ds: Dataset, key: Structure) -> Held:
        m = build_model(ds)
        solver = make_solver(ds, self.opts)
        return Held(key, m, solver, ParamPusher(solver))

    def _configure(self, held: Held, ds: Dataset) -> None:
        """The run's solver options (Settings mip_gap / time_limit_s may be swept). Options
        left unset would keep the previous run's value inside HiGHS, so every one is set."""
        config = make_solver(ds, self.opts).config
        for name, value in PARAM_ONLY_UPDATES.items():
            setattr(config.auto_updates, name, value)
        if config.time_limit is None:
            config.solver_options["time_limit"] = math.inf
        if config.rel_gap is None:
            config.rel_gap = 1e-4  # HiGHS' default
        held.solver.config = config

    def _forget(self, held: Held) -> None:
        if held is self.main:
            self.main = None
        if held is self.other:
            self.other = None

    # --- rows ----------------------------------------------------------------------------
    def run_row(self, changes: list[Change]) -> dict:
        """Solve and pull the sweep row: status, objective and its parts, key decisions,
        concentration; `seconds` is the wall time of the whole run."""
        t0 = time.perf_counter()
        solved = self.solve_changes(changes)
        row = {
            "status": solved.status,
            "message": solved.message,
            "rebuilt": solved.rebuilt,
            "hhi_cut_rounds": solved.hhi_rounds,
        }
        if solved.status not in (BAD_INPUT, FAILED, INFEASIBLE) and solved.ds is not None:
            row.update(plan_row(solved.model, solved.ds, solved.status, solved.gap))
        row["seconds"] = time.perf_counter() - t0
        return row
