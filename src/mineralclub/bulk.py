"""One-shot solves: the whole model compiled in bulk into one HiGHS instance.

Pyomo's persistent interface adds the model to HiGHS row by row (about 0.7 s on the base case);
`LinearStandardFormCompiler` builds the same matrix as one sparse array in a fifth of that, and
`Highs.passModel` takes it in one call. `BulkHighs` offers the part of the persistent solver's
interface that `solve.run_solver` and the HHI cut loop use (`solve(m)` and a results object with
`solution_loader.load_vars()` / `get_duals()`): constraints added to the model after the first
solve (HHI cuts, the elastic hold row) are passed to the same instance with `addRow`, a new
active objective recompiles. `lp_duals()` re-solves the same instance with every integer column
fixed by its bounds at its rounded value, reads the row duals and restores integrality and
bounds: the marginal-cost LP without translating the model again. While HiGHS proves a plan
whose results are made ahead (`mineralclub.ahead`), the same LP is solved from its incumbent on
a `Twin` of the instance, and used only if HiGHS ends with that incumbent and the instance is
unchanged (`lp_duals(twin)`).

Sweeps keep the persistent interface (they change mutable parameters between runs).
"""

from __future__ import annotations

import importlib
import io
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import pyomo.core as pyo
from pyomo.common.dependencies import DeferredImportCallbackFinder
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.common.numeric_types import native_types
from pyomo.common.tee import capture_output
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.repn.standard_repn import generate_standard_repn

from mineralclub.ahead import Ahead, incumbents
from mineralclub.interrupt import Interrupted, handled
from mineralclub.progress import Progress
from mineralclub.solver_progress import watch

INF = highspy.kHighsInf
_MS = highspy.HighsModelStatus
TERMINATION = {
    _MS.kOptimal: TerminationCondition.convergenceCriteriaSatisfied,
    _MS.kInfeasible: TerminationCondition.provenInfeasible,
    _MS.kUnboundedOrInfeasible: TerminationCondition.infeasibleOrUnbounded,
    _MS.kUnbounded: TerminationCondition.unbounded,
    _MS.kObjectiveBound: TerminationCondition.objectiveLimit,
    _MS.kObjectiveTarget: TerminationCondition.objectiveLimit,
    _MS.kTimeLimit: TerminationCondition.maxTimeLimit,
    _MS.kIterationLimit: TerminationCondition.iterationLimit,
    _MS.kSolutionLimit: TerminationCondition.iterationLimit,
    _MS.kInterrupt: TerminationCondition.interrupted,
    _MS.kLoadError: TerminationCondition.error,
    _MS.kModelError: TerminationCondition.error,
    _MS.kPresolveError: TerminationCondition.error,
    _MS.kSolveError: TerminationCondition.error,
    _MS.kPostsolveError: TerminationCondition.error,
}
_BANNER_SHOWN = False


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance (its first construction prints a banner on standard output,
    which would spoil `solve --json`)."""
    global _BANNER_SHOWN
    if not _BANNER_SHOWN:
        with capture_output(io.StringIO(), capture_fd=True):
            h = highspy.Highs()
        _BANNER_SHOWN = True
    else:
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


_SCHEDULER: dict[str, int | None] = {"threads": None}
_SCHEDULER_LOCK = threading.Lock()


def use_threads(threads: int | None) -> int:
    """HiGHS' thread count (0 = its choice). HiGHS keeps one task scheduler per process, sized
    by the first run; a run asking for another size fails, so the scheduler is reset when the
    size changes (never while another solve runs: `solve_plan_and_baseline` sizes it before
    its second thread starts)."""
    want = int(threads or 0)
    with _SCHEDULER_LOCK:
        if _SCHEDULER["threads"] not in (None, want) or (_SCHEDULER["threads"] is None and want):
            highspy.Highs.resetGlobalScheduler(True)
        _SCHEDULER["threads"] = want
    return want


# Up to this many nonzeros, HiGHS' sub-MIP heuristics (RENS, root reduced cost) run unless the
# Settings say otherwise; above it they are off: each solves a sub-MIP on a full copy of the
# model, which at 256 sampled scenarios doubled HiGHS' memory and time, while on the base case
# (42,622 nonzeros) they find better incumbents within the gap at little cost (with them
# off, the consumer-weight 1.25 run stopped at a plan 0.46% dearer). benchmarks/README.md.
SUB_MIP_MAX_NONZEROS = 250_000


@dataclass
class Config:
    """The options `solve.make_solver` sets (the same names as Pyomo's solver config)."""

    rel_gap: float | None = None
    time_limit: float | None = None
    threads: int | None = None
    solver_options: dict = field(default_factory=dict)
    progress: Progress | None = None  # told of HiGHS' incumbents, bounds and log while it runs
    model: str = "plan"  # the name `progress` is given for this model
    by_size: tuple[str, ...] = ()  # HiGHS options switched on up to SUB_MIP_MAX_NONZEROS only
    ahead: Ahead | None = None  # offered the next solve's incumbents only (`mineralclub.ahead`)


class Loader:
    def __init__(self, owner: BulkHighs):
        self.owner = owner

    def load_vars(self) -> None:
        self.owner.load_vars()

    def get_duals(self) -> dict:
        return self.owner.duals()


@dataclass
class Results:
    termination_condition: TerminationCondition
    solution_status: SolutionStatus
    incumbent_objective: float | None
    objective_bound: float | None
    solution_loader: Loader
    highs_seconds: float = 0.0


class BulkHighs:
    """A model compiled once into one HiGHS instance (see the module docstring)."""

    def __init__(self, config: Config | None = None):
        self.config = config or Config()
        self.h: Any = None  # the highspy.Highs instance once compiled (highspy has no stubs)
        self.model: Any = None  # the Pyomo model compiled
        self.objective = None
        self.columns: list = []  # VarData per HiGHS column
        self._col_of: dict[int, int] | None = {}  # id(VarData) -> column (`col_of`)
        self.rows_of: dict = {}  # ConstraintData -> its row (a ranged constraint has one)
        self.trivially_infeasible = False
        self.highs_seconds = 0.0  # HiGHS' own run time, summed over solves
        self.compile_seconds = 0.0
        self.revision = 0  # changed with every change of the instance's model (`Twin`)

    # --- loading the model -------------------------------------------------------------------
    def compile(self, m) -> None:
        require_rows(m, "compiling it again")
        t0 = time.perf_counter()
        self.revision += 1
        self.model, self.h = m, None
        self.objective = _active_objective(m)
        cons = list(m.component_data_objects(pyo.Constraint, active=True))
        order = column_order(cons, self.objective)
        objective = self.objective
        if objective is not None:  # compiled below as the persistent interface does it
            objective.deactivate()
        try:
            repn = _compiler().write(m, mixed_form=True, set_sense=None)
        except InfeasibleConstraintException:
            self.trivially_infeasible = True
            return
        finally:
            if objective is not None:
                objective.activate()
        self.trivially_infeasible = False
        # The compiler drops columns without a nonzero coefficient and moves fixed variables
        # into the bounds; both are put back as empty columns (fixed ones with fixed bounds)
        # where the persistent interface has them, so that the same matrix reaches HiGHS.
        self.columns = order
        # a local map, not kept: its million small ints, made among the compiler's transient
        # objects, would pin their memory pools after the compile (`col_of` rebuilds it)
        col_of = {id(v): j for j, v in enumerate(order)}
        self._col_of = None
        where = np.fromiter(
            (col_of[id(v)] for v in repn.columns), dtype=np.int64, count=len(repn.columns)
        )
        n_col = len(order)
        perm = np.argsort(where, kind="stable")
        a = repn.A[:, perm]  # the compiler's columns in the persistent interface's order
        row_of, row_lower, row_upper = self._rows(cons, repn)
        n_row = len(cons)
        keep = row_of[a.indices] >= 0  # the second row of a ranged constraint is merged
        kept = np.concatenate([[0], np.cumsum(keep)])
        counts = np.zeros(n_col, dtype=np.int64)
        counts[where[perm]] = np.diff(kept[a.indptr])
        start = np.zeros(n_col + 1, dtype=np.int32)
        np.cumsum(counts, out=start[1:])
        cost = np.zeros(n_col)
        offset = 0.0
        if objective is not None:
            # coefficients evaluated from their expressions (not summed term by term as the
            # compiler does), so that they equal the persistent interface's to the last bit
            obj = generate_standard_repn(objective.expr, quadratic=False, compute_values=False)
            if obj.nonlinear_expr is not None:
                raise ValueError("the objective is not linear")
            offset = float(pyo.value(obj.constant))
            for v, coef in zip(obj.linear_vars, obj.linear_coefs, strict=True):
                cost[col_of[id(v)]] = pyo.value(coef)
        lower = np.empty(n_col)
        upper = np.empty(n_col)
        integrality = []
        for j, v in enumerate(order):
            lb, ub = (v.value, v.value) if v.fixed else v.bounds
            lower[j] = -INF if lb is None else lb
            upper[j] = INF if ub is None else ub
            integrality.append(
                highspy.HighsVarType.kInteger
                if v.is_integer()
                else highspy.HighsVarType.kContinuous
            )
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n_col, n_row
        lp.offset_ = offset
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lower, upper
        lp.row_lower_, lp.row_upper_ = row_lower, row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = start
        lp.a_matrix_.index_ = np.asarray(row_of[a.indices[keep]], dtype=np.int32)
        lp.a_matrix_.value_ = np.asarray(a.data[keep], dtype=float)
        if any(t == highspy.HighsVarType.kInteger for t in integrality):
            lp.integrality_ = integrality
        if self.objective is not None and self.objective.sense == pyo.maximize:
            lp.sense_ = highspy.ObjSense.kMaximize
        self.h = new_highs()
        self.h.setOptionValue("output_flag", True)  # HiGHS's warnings on the matrix are shown
        status = self.h.passModel(lp)  # (as through the persistent interface); its log is not
        self.h.setOptionValue("output_flag", False)
        if status == highspy.HighsStatus.kError:
            raise RuntimeError("HiGHS rejected the compiled model")
        self.compile_seconds += time.perf_counter() - t0

    def release_rows(self, keep: tuple[str, ...] = ()) -> None:
        """Delete from the compiled model every constraint component not named in `keep`, and
        its rows from the dual map: HiGHS holds those rows, and their Pyomo objects (a fifth of
        a large model's memory) would only sit beside HiGHS while it solves. Variables,
        parameters and expressions stay (the results read them); new rows (HHI cuts) are still
        passed on. The model cannot be compiled again: a changed objective (the elastic
        re-solve's two phases) needs a model whose rows are kept."""
        m = self.model
        if m is None:
            return
        for con in list(m.component_objects(pyo.Constraint, descend_into=True)):
            if con.local_name in keep:
                continue
            for data in con.values():
                self.rows_of.pop(data, None)
            con.parent_block().del_component(con)
        self.rows_of = dict(self.rows_of)  # a dict keeps its table's size when emptied
        m.rows_released = True

    @property
    def col_of(self) -> dict[int, int]:
        """id(VarData) -> column, built on first use after a compile (HHI cuts need it)."""
        if self._col_of is None:
            self._col_of = {id(v): j for j, v in enumerate(self.columns)}
        return self._col_of

    def _rows(self, cons: list, repn) -> tuple:
        """One HiGHS row per active constraint, in model order, as the persistent interface
        adds them: the compiler's two rows of a ranged constraint become one, and a constraint
        without variables (which the compiler skips) an empty row. Returns (compiled row ->
        HiGHS row or -1, row lower bounds, row upper bounds)."""
        compiled: dict = {}
        for i, r in enumerate(repn.rows):
            compiled.setdefault(r.constraint, []).append((i, r.bound_type))
        row_of = np.full(len(repn.rows), -1, dtype=np.int64)
        lower, upper = np.full(len(cons), -INF), np.full(len(cons), INF)
        self.rows_of = {}
        rhs = repn.rhs
        for r, con in enumerate(cons):
            self.rows_of[con] = r
            rows = compiled.get(con)
            if rows is None:  # every coefficient zero (or no variable): an empty row
                const = generate_standard_repn(
                    con.body, quadratic=False, compute_values=False
                ).constant
                if con.has_lb():
                    lower[r] = pyo.value(con.lower - const)
                if con.has_ub():
                    upper[r] = pyo.value(con.upper - const)
                continue
            row_of[rows[0][0]] = r
            for i, kind in rows:
                if kind >= 0:
                    upper[r] = rhs[i]
                if kind <= 0:
                    lower[r] = rhs[i]
        return row_of, lower, upper

    def _sync(self, m) -> None:
        """Compile on first use or when the active objective changed; else pass new rows."""
        if self.model is not m or _active_objective(m) is not self.objective:
            self.compile(m)
            return
        if self.h is None:
            return
        new = [
            c
            for c in m.component_data_objects(pyo.Constraint, active=True)
            if c not in self.rows_of
        ]
        for con in new:
            self._add_row(con)

    def _add_row(self, con) -> None:
        repn = generate_standard_repn(con.body, quadratic=False, compute_values=True)
        if repn.nonlinear_expr is not None:
            raise ValueError(f"constraint {con.name} is not linear")
        index, value = [], []
        for v, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
            j = self.col_of.get(id(v))
            if j is None:
                j = self._add_column(v)
            index.append(j)
            value.append(float(coef))
        const = float(repn.constant)
        lower = -INF if con.lower is None else pyo.value(con.lower) - const
        upper = INF if con.upper is None else pyo.value(con.upper) - const
        self.revision += 1
        self.h.addRow(
            lower, upper, len(index), np.array(index, dtype=np.int32), np.array(value, dtype=float)
        )
        self.rows_of[con] = self.h.getNumRow() - 1

    def _add_column(self, v) -> int:
        lb, ub = v.bounds
        self.revision += 1
        self.h.addCol(
            0.0,
            -INF if lb is None else lb,
            INF if ub is None else ub,
            0,
            np.array([], dtype=np.int32),
            np.array([], dtype=float),
        )
        j = self.h.getNumCol() - 1
        if v.is_integer():
            self.h.changeColIntegrality(j, highspy.HighsVarType.kInteger)
        self.columns.append(v)
        self.col_of[id(v)] = j
        return j

    def size(self) -> dict:
        """Columns, rows and nonzeros of the instance (HHI cuts included)."""
        h = self.h
        if h is None:
            return {}
        return {"columns": h.getNumCol(), "rows": h.getNumRow(), "nonzeros": h.getNumNz()}

    # --- solving -----------------------------------------------------------------------------
    def _options(self) -> None:
        configure(self.h, self.config)

    def solve(self, m) -> Results:
        ahead, self.config.ahead = self.config.ahead, None  # offered this run's incumbents only
        self._sync(m)
        if self.trivially_infeasible:
            return Results(
                TerminationCondition.provenInfeasible,
                SolutionStatus.noSolution,
                None,
                None,
                Loader(self),
            )
        self._options()
        seconds = self._run(ahead)
        return self._results(seconds)

    def _run(self, ahead: Ahead | None = None) -> float:
        """Run HiGHS on the instance; returns its run time, also added to `highs_seconds`.
        HiGHS' run clock goes on across the runs of one instance (HHI rounds, the marginal-cost
        LP): each run's time is the clock's difference. `ahead` is offered this run's
        incumbents and settled when it ends, before the solution is loaded."""
        before = self.h.getRunTime()
        if ahead is not None:
            ahead.attach(self.model, self.columns, Twin(self))
        try:
            with watch(self.h, self.config.model, self.config.progress), incumbents(self.h, ahead):
                run_highs(self.h)
        except BaseException as exc:
            if ahead is not None:  # an interrupted command leaves at once, without waiting
                ahead.cancel(wait=not isinstance(exc, Interrupted))
            raise
        if ahead is not None:  # its thread ends before the solution is loaded
            ahead.settle(self.h.getSolution().col_value)
        seconds = self.h.getRunTime() - before
        self.highs_seconds += seconds
        return seconds

    def _results(self, seconds: float) -> Results:
        h = self.h
        status = h.getModelStatus()
        info = h.getInfo()
        feasible = info.primal_solution_status == 2
        term = TERMINATION.get(status, TerminationCondition.unknown)
        if status == _MS.kOptimal:
            sol_status = SolutionStatus.optimal
        elif feasible:
            sol_status = SolutionStatus.feasible
        else:
            sol_status = SolutionStatus.noSolution
        obj = info.objective_function_value if feasible else None
        if info.mip_node_count == -1:  # an LP
            bound = obj if feasible and status == _MS.kOptimal else None
        else:
            bound = info.mip_dual_bound
        return Results(term, sol_status, obj, bound, Loader(self), seconds)

    def load_vars(self) -> None:
        values = self.h.getSolution().col_value
        for v, x in zip(self.columns, values, strict=True):
            v.set_value(x, skip_validation=True)

    def duals(self) -> dict:
        row_dual = self.h.getSolution().row_dual
        return {con: float(row_dual[r]) for con, r in self.rows_of.items()}

    def lp_duals(self, twin: TwinDuals | None = None) -> dict | None:
        """Row duals of the LP with every integer column fixed at its rounded incumbent value
        (the values loaded in the model); the instance's integrality and bounds are restored.
        None when that LP is not solved to optimality.

        `twin`: the same LP solved on a `Twin` of this instance, from values the caller knows
        are those the model holds (`mineralclub.ahead`). It is used, its HiGHS time counted
        here, only if this instance's model has not changed since the twin was made; else the
        LP is solved here."""
        h = self.h
        if h is None:
            return None
        if twin is not None and twin.revision == (id(h), self.revision):
            self.highs_seconds += twin.seconds
            row_dual = twin.row_dual
        else:
            row_dual = fixed_lp(h, self.columns, self._options, self._run)
        if row_dual is None:
            return None
        return {con: float(row_dual[r]) for con, r in self.rows_of.items()}


@dataclass(frozen=True)
class TwinDuals:
    """The marginal-cost LP's row duals (None: not solved to optimality) solved on a `Twin`,
    its HiGHS seconds, and the instance's state the twin copied."""

    row_dual: np.ndarray | None
    seconds: float
    revision: tuple[int, int]


class Twin:
    """A copy of a `BulkHighs` instance's model, made as HiGHS starts its run (`_run` with an
    `Ahead`), on which the marginal-cost LP is solved from HiGHS's incumbent while HiGHS
    proves the plan (`duals`): the same LP, from scratch, with the same options, as
    `BulkHighs.lp_duals` solves on the instance itself once HiGHS has stopped."""

    def __init__(self, owner: BulkHighs):
        self.lp = owner.h.getLp()  # a copy: HiGHS's run does not touch it
        self.config = owner.config
        self.columns = owner.columns
        self.revision = (id(owner.h), owner.revision)

    def duals(self) -> TwinDuals:
        """The LP with every integer column fixed at its rounded value in the model (loaded
        from the incumbent by the caller), on a fresh instance."""
        h = new_highs()
        if h.passModel(self.lp) == highspy.HighsStatus.kError:
            return TwinDuals(None, 0.0, self.revision)
        seconds: list[float] = []

        def run() -> float:
            before = h.getRunTime()
            h.run()
            seconds.append(h.getRunTime() - before)
            return seconds[-1]

        row_dual = fixed_lp(h, self.columns, lambda: configure(h, self.config), run)
        return TwinDuals(row_dual, sum(seconds), self.revision)


def configure(h: Any, cfg: Config) -> None:
    """Set `cfg`'s options on the HiGHS instance `h`."""
    threads = use_threads(cfg.threads)
    h.setOptionValue("threads", threads)
    if cfg.time_limit is not None:
        h.setOptionValue("time_limit", float(cfg.time_limit))
    if cfg.rel_gap is not None:
        h.setOptionValue("mip_rel_gap", float(cfg.rel_gap))
    for key, value in cfg.solver_options.items():
        h.setOptionValue(key, value)
    small = h.getNumNz() <= SUB_MIP_MAX_NONZEROS
    for key in cfg.by_size:
        h.setOptionValue(key, small)


def option(h: Any, name: str) -> Any:
    """The value of HiGHS option `name` (highspy gives it with a status)."""
    got = h.getOptionValue(name)
    return got[1] if isinstance(got, tuple) else got


def fixed_lp(
    h: Any, columns: list, options: Callable[[], None], run: Callable[[], float]
) -> np.ndarray | None:
    """Row duals of `h`'s model with every integer column fixed by its bounds at the rounded
    value of its variable in `columns`, solved from scratch (`clearSolver`) after `options()`
    by `run()`; None when that LP is not solved to optimality. `h`'s integrality, bounds and
    time limit are restored.

    HiGHS measures `time_limit` on the instance's run clock, which goes on across its runs
    (`clearSolver` does not reset it): after a MIP stopped by the time limit, the LP on the
    same instance would stop at once. The LP is given the time limit anew, counted from its
    own start, as on a fresh instance (`Twin`)."""
    lp = h.getLp()
    kinds = list(lp.integrality_)
    ints = np.array(
        [j for j, t in enumerate(kinds) if t == highspy.HighsVarType.kInteger], dtype=np.int32
    )
    lower = np.asarray(lp.col_lower_)[ints].copy()
    upper = np.asarray(lp.col_upper_)[ints].copy()
    fixed = np.array([round(columns[j].value or 0.0) for j in ints], dtype=float)
    n = len(ints)
    cont = np.array([highspy.HighsVarType.kContinuous] * n)
    limit = option(h, "time_limit")
    try:
        if n:
            h.changeColsIntegrality(n, ints, cont)
            h.changeColsBounds(n, ints, fixed, fixed)
        h.clearSolver()  # from scratch, as a fresh instance would
        options()
        own = option(h, "time_limit")
        if own < INF:
            h.setOptionValue("time_limit", h.getRunTime() + own)
        run()
        if h.getModelStatus() != _MS.kOptimal:
            return None
        return np.array(h.getSolution().row_dual, dtype=float)
    finally:
        h.setOptionValue("time_limit", limit)
        if n:
            h.changeColsBounds(n, ints, lower, upper)
            h.changeColsIntegrality(n, ints, np.array([highspy.HighsVarType.kInteger] * n))


def require_rows(m, use: str) -> None:
    """Refuse `use` of a model whose constraints were released after its compile
    (`BulkHighs.release_rows`): it would silently act on a model without its rows."""
    if getattr(m, "rows_released", False):
        raise RuntimeError(
            f"{use} needs the model's constraints, released once it was compiled into HiGHS "
            "(build the model anew)"
        )


def column_order(cons: list, objective) -> list:
    """The variables in the order the persistent interface adds them: as the active rows
    (then the objective) first mention them, left to right, fixed ones included (the order of
    `collect_vars_and_named_exprs`, which this plain stack walk reproduces in half its time)."""
    seen: dict[int, object] = {}
    exprs = [c.expr for c in cons]
    if objective is not None:
        exprs.append(objective.expr)
    native = native_types
    for expr in exprs:
        stack = [expr]
        while stack:
            x = stack.pop()
            if x.__class__ in native:
                continue
            if x.is_expression_type():
                stack.extend(reversed(x.args))
            elif x.is_variable_type() and id(x) not in seen:
                seen[id(x)] = x
    return list(seen.values())


def _compiler():
    """Pyomo's standard-form compiler, given scipy.sparse directly (`scipy_sparse`): left to
    itself it resolves its deferred `scipy` import, which also imports scipy.stats."""
    from pyomo.repn.plugins import standard_form

    impl = standard_form._LinearStandardFormCompiler_impl
    if impl._to_vector is None:
        sparse = scipy_sparse()
        impl._csc_matrix = sparse.csc_array
        impl._csr_matrix = sparse.csr_array
        impl._to_vector = np.fromiter  # last: Pyomo checks this one to set the other two
    return standard_form.LinearStandardFormCompiler()


_ONCE_LOCK = threading.Lock()  # the one-time setups below: the HiGHS runner thread, scipy.sparse
_RUNNER: list[ThreadPoolExecutor] = []  # the one thread that runs HiGHS for the main thread


def run_highs(h: Any) -> None:
    """`h.run()`. In the main thread of a command that turns signals into an interruption
    (`interrupt.handled`), HiGHS runs in a thread of its own while the main thread waits:
    Python handles a signal only in the main thread, between two steps of Python, and HiGHS
    reaches a callback (its only way back into Python) from its MIP loop alone: with 128
    sampled scenarios, Ctrl-C during the root node's analytic-centre computation took 57 s to
    be honoured. Waiting, the main thread takes the signal at once and the command leaves
    without waiting for HiGHS (`interrupt.main`); HiGHS itself stops at its next callback.
    Elsewhere (library calls, the threads of the baseline and of the marginal-cost LP) HiGHS
    runs in the calling thread."""
    if not (handled() and threading.current_thread() is threading.main_thread()):
        h.run()
        return
    with _ONCE_LOCK:
        if not _RUNNER:
            _RUNNER.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="highs"))
    future = _RUNNER[0].submit(h.run)
    while True:
        try:  # a signal's handler runs in this wait and may raise Interrupted out of it
            future.result(timeout=0.5)
            return
        except FutureTimeout:
            continue


def scipy_sparse() -> Any:
    """scipy.sparse, imported without Pyomo's callback for scipy. Pyomo declares scipy a
    deferred import whose callback also imports scipy.stats, scipy.integrate and scipy.spatial,
    and its import hook (`DeferredImportCallbackFinder`, on `sys.meta_path`) runs that callback
    on any first import of scipy: 0.75 s instead of 0.07 s after Pyomo and pandas
    (benchmarks/README.md, single run). The hook's entry for scipy alone is set aside while
    scipy.sparse is imported; Pyomo still runs the callback if its own deferred `scipy` is
    ever resolved, so nothing it relies on is skipped. Should a later Pyomo keep its entries
    elsewhere, scipy is imported the slow way (tests/model/test_bulk.py would say so)."""
    with _ONCE_LOCK:
        if "scipy.sparse" not in sys.modules:
            entries = getattr(DeferredImportCallbackFinder, "_callbacks", None)
            aside = entries.pop("scipy", None) if isinstance(entries, dict) else None
            try:
                importlib.import_module("scipy.sparse")
            finally:
                if aside is not None and entries is not None:
                    entries["scipy"] = aside
        return sys.modules["scipy.sparse"]


def _active_objective(m):
    for obj in m.component_data_objects(pyo.Objective, active=True):
        return obj
    return None
