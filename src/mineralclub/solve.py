"""Solve with HiGHS: status mapping, the elastic re-solve for infeasible targets or budgets, and
the baseline.

One-shot models (plan, elastic, baseline) are compiled in bulk into HiGHS (`bulk.BulkHighs`);
sweeps use Pyomo's persistent interface (`make_solver(..., bulk=False)`), which can push changed
parameters into the instance.

A non-optimal result becomes a typed outcome (`SolveOutcome.status`), never an assert.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# pyomo.core throughout, not pyomo.environ, which loads every Pyomo plugin (GDP, DAE, MindtPy...)
# on import: 0.1 s of every run (tests/model/test_bulk.py holds the solve path to it)
import pyomo.core as pyo
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from mineralclub.ahead import Ahead
from mineralclub.bulk import BulkHighs, Config, new_highs, require_rows, use_threads
from mineralclub.dataset import Dataset
from mineralclub.interrupt import Interrupted, raise_if_pending
from mineralclub.memory import release
from mineralclub.model.build import BuildOptions, build_model
from mineralclub.model.hhi import cut_loop as hhi_cut_loop
from mineralclub.progress import QUIET, Progress, step

OPTIMAL, TIME_LIMIT, INFEASIBLE, FAILED = "OPTIMAL", "TIME_LIMIT", "INFEASIBLE", "FAILED"


class SolverFailure(Exception):
    """The solver found no feasible plan (time limit without incumbent, unbounded, error)."""

    def __init__(self, message: str, termination: str = ""):
        super().__init__(message)
        self.termination = termination


@dataclass(frozen=True)
class SolveOptions:
    mip_gap: float | None = None
    time_limit: float | None = None
    threads: int | None = None
    write_model: str | None = None  # .mps or .lp path of the plan model


@dataclass
class SolveOutcome:
    # a one-shot model keeps only DUAL_ROWS once compiled: read its variables, parameters and
    # expressions; recompiling, re-solving through Pyomo or writing it is refused
    model: pyo.ConcreteModel
    status: str
    termination: str
    objective: float
    bound: float | None
    gap: float | None
    seconds: float
    build_seconds: float
    elastic: bool = False
    hhi_rounds: int = 0
    hhi_cuts: int = 0
    extra: dict = field(default_factory=dict)
    solver: Any = None  # the solver holding the model (BulkHighs: re-solved for duals)
    highs_seconds: float = math.nan  # HiGHS' own run time (bulk solves)


def make_solver(
    ds: Dataset,
    opts: SolveOptions,
    bulk: bool = False,
    progress: Progress | None = None,
    model: str = "plan",
):
    """A HiGHS solver with the run's options: `BulkHighs` (one-shot, `bulk`) or Pyomo's
    persistent interface. A `BulkHighs` tells `progress` how the solve of `model` goes."""
    cfg: Any
    if bulk:
        cfg = Config(progress=progress, model=model)
    else:
        solver = Highs()
        cfg = solver.config
        cfg.load_solutions = False
        cfg.raise_exception_on_nonoptimal_result = False
    gap = opts.mip_gap if opts.mip_gap is not None else ds.settings.get("mip_gap")
    limit = opts.time_limit if opts.time_limit is not None else ds.settings.get("time_limit_s")
    if gap is not None:
        cfg.rel_gap = float(gap)
    if limit is not None and limit == limit:
        cfg.time_limit = float(limit)
    threads = opts.threads or ds.settings.get("solver_threads")
    if threads:
        cfg.threads = int(threads)
    cfg.solver_options.update(highs_options(ds.settings))
    if bulk:  # the sub-MIP heuristics left blank are decided by the compiled model's size
        cfg.by_size = tuple(HEURISTICS[k] for k in SUB_MIPS if ds.settings.get(k) is None)
    cfg.solver_options["random_seed"] = 0  # same input, same output
    return BulkHighs(cfg) if bulk else solver


# Settings key -> HiGHS option of a heuristic that can be switched on or off
HEURISTICS = {
    "solver_rins": "mip_heuristic_run_rins",
    "solver_rens": "mip_heuristic_run_rens",
    "solver_root_reduced_cost": "mip_heuristic_run_root_reduced_cost",
}
# the sub-MIP heuristics (each holds a second copy of the model) that, left blank, run on a
# one-shot model of at most bulk.SUB_MIP_MAX_NONZEROS nonzeros (in sweeps: HiGHS' default, on)
SUB_MIPS = ("solver_rens", "solver_root_reduced_cost")


def highs_options(settings: dict) -> dict[str, Any]:
    """HiGHS options from the Settings keys solver_presolve, solver_rins, solver_rens,
    solver_root_reduced_cost and solver_heuristic_effort (blank = the schema default)."""
    out: dict[str, Any] = {}
    presolve = settings.get("solver_presolve")
    if presolve:
        out["presolve"] = str(presolve)
    for key, option in HEURISTICS.items():
        on = settings.get(key)
        if on is not None:
            out[option] = bool(on)
    effort = settings.get("solver_heuristic_effort")
    if effort is not None and effort == effort:
        out["mip_heuristic_effort"] = float(effort)
    return out


def run_solver(solver, m: pyo.ConcreteModel) -> tuple[str, str, float, float | None]:
    """Solve and load the solution. Returns (status, termination, objective, bound)."""
    if not isinstance(solver, BulkHighs):
        require_rows(m, "a solve through Pyomo's persistent interface")
    res = solver.solve(m)
    raise_if_pending()  # Ctrl-C / SIGTERM during the solve: an interruption, not a failure
    term = res.termination_condition
    has_solution = res.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
    if term == TerminationCondition.convergenceCriteriaSatisfied and has_solution:
        status = OPTIMAL
    elif term in (
        TerminationCondition.provenInfeasible,
        TerminationCondition.locallyInfeasible,
        TerminationCondition.infeasibleOrUnbounded,
    ):
        return INFEASIBLE, term.name, float("nan"), None
    elif has_solution and term in (
        TerminationCondition.maxTimeLimit,
        TerminationCondition.iterationLimit,
        TerminationCondition.interrupted,
    ):
        status = TIME_LIMIT
    else:
        raise SolverFailure(
            f"HiGHS found no feasible plan (termination: {term.name}, solution: "
            f"{res.solution_status.name})",
            term.name,
        )
    res.solution_loader.load_vars()
    bound = res.objective_bound
    bound = float(bound) if bound is not None and abs(bound) != float("inf") else None
    return status, term.name, float(res.incumbent_objective), bound


def relative_gap(objective: float, bound: float | None) -> float | None:
    if bound is None:
        return None
    return abs(objective - bound) / max(1e-9, abs(objective))


def solve_plan(
    ds: Dataset,
    opts: SolveOptions,
    cut_loop=hhi_cut_loop,
    progress: Progress = QUIET,
    compiled: Callable[[], None] | None = None,
    ahead: Ahead | None = None,
) -> SolveOutcome:
    """Build and solve the plan; on infeasibility diagnose with the elastic re-solve.

    `cut_loop(m, solver, run)` (the HHI cutting planes) re-solves until every HHI is exact.
    `progress` is told the steps build, solve (and elastic) and HiGHS' incumbents.
    `compiled` is called once the plan is in HiGHS, just before HiGHS runs. `ahead` is
    offered the incumbents of HiGHS's first run of the plan (`mineralclub.ahead`)."""
    t0 = time.perf_counter()
    with step(progress, "build"):
        m = build_model(ds, BuildOptions(fixed_params=True))
        build_s = time.perf_counter() - t0
        if opts.write_model:
            write_model(m, opts.write_model)
    solver = make_solver(ds, opts, bulk=True, progress=progress)
    solver.config.ahead = ahead
    t1 = time.perf_counter()
    with step(progress, "solve", "plan"):
        compile_once(solver, m, DUAL_ROWS)
        if compiled is not None:
            compiled()
        status, term, obj, bound = _solve_with_cuts(solver, m, cut_loop)
    elastic = False
    if status == INFEASIBLE:
        with step(progress, "elastic", "plan (elastic)"):
            m, status, term, obj, bound, solver = solve_elastic(ds, opts, cut_loop, progress)
        elastic = True
    out = SolveOutcome(
        m,
        status,
        term,
        obj,
        bound,
        relative_gap(obj, bound),
        time.perf_counter() - t1,
        build_s,
        elastic=elastic,
        solver=solver,
        highs_seconds=solver.highs_seconds,
    )
    out.hhi_rounds = getattr(m, "hhi_rounds", 0)
    out.hhi_cuts = getattr(m, "hhi_cut_count", 0)
    return out


# the constraints whose duals the marginal costs read (marginal.py); a one-shot model keeps
# only these once compiled
DUAL_ROWS = ("c_target", "c_hhi_cuts", "c_hhi_static")


def compile_once(solver: BulkHighs, m: pyo.ConcreteModel, keep: tuple[str, ...]) -> None:
    """Compile `m` into HiGHS, then free every constraint but those named in `keep`
    (`BulkHighs.release_rows`) and hand the freed memory back before HiGHS solves."""
    solver.compile(m)
    solver.release_rows(keep)
    release()


def _solve_with_cuts(solver, m, cut_loop):
    if cut_loop is None:
        return run_solver(solver, m)
    return cut_loop(m, solver, run_solver)


def solve_elastic(
    ds: Dataset, opts: SolveOptions, cut_loop=hhi_cut_loop, progress: Progress | None = None
):
    """Two-phase elastic re-solve: (1) minimise the probability-weighted relative violation of
    every hard target instance and budget row; (2) with that violation held, minimise cost."""
    m = build_model(ds, BuildOptions(elastic=True, fixed_params=True))
    phase1 = elastic_violation(m, ds)
    m.obj.deactivate()
    m.obj_elastic = pyo.Objective(expr=phase1, sense=pyo.minimize)
    # phase 1's objective is a violation measure, not money: its progress says so
    solver = make_solver(ds, opts, bulk=True, progress=progress, model="elastic violation")
    status, term, best, _ = _solve_with_cuts(solver, m, cut_loop)
    if status == INFEASIBLE:
        raise SolverFailure("the elastic model is infeasible: check the input data", term)
    m.c_elastic_hold = pyo.Constraint(expr=phase1 <= best * (1 + 1e-6) + 1e-7)
    m.obj_elastic.deactivate()
    m.obj.activate()
    solver.config.model = "plan (elastic)"
    status, term, obj, bound = _solve_with_cuts(solver, m, cut_loop)
    if status == INFEASIBLE:
        raise SolverFailure("the elastic cost phase is infeasible", term)
    return m, INFEASIBLE, term, obj, bound, solver


def elastic_weight(ds: Dataset, scenario: str | None) -> float:
    """pi_w, floored at 1% of an equal share, so that a scenario of probability 0 cannot absorb
    every violation for free (targets hold in every listed scenario)."""
    if scenario is None:
        return 1.0
    return max(ds.prob[scenario], 0.01 / len(ds.scenarios))


def elastic_violation(m, ds: Dataset):
    r"""\sum_i \max(\pi_{w(i)}, 0.01/|\Omega|) s_i / scale_i + \sum_b s_b / max(1, B_b)"""
    expr = 0
    for inst in m.reg.target_instances:
        if inst.hard and inst.index in m.target_slack:
            weight = elastic_weight(ds, inst.scenario)
            expr += weight * m.target_slack[inst.index] / inst.scale
    for inst in m.hhi_instances:
        if inst.index in m.hhi_slack:
            scale = max(1e-9, ds.stage_demand(inst.mineral, inst.stage, inst.year))  # tonnes
            expr += elastic_weight(ds, inst.scenario) * m.hhi_slack[inst.index] / scale
    for t in m.budget_slack:
        expr += m.budget_slack[t] / max(1.0, pyo.value(m.p_budget[t]))
    return expr


def solve_baseline(ds: Dataset, opts: SolveOptions, progress: Progress = QUIET) -> SolveOutcome:
    """The 'before' run: candidates off, committed on, no floors, offtake, new stock, targets or
    budget; same scenarios. `progress` is told the step baseline (build and solve)."""
    return finish_baseline(prepare_baseline(ds, opts, progress), progress)


@dataclass
class PreparedBaseline:
    """The baseline built and compiled, not yet solved."""

    model: pyo.ConcreteModel
    solver: BulkHighs
    build_seconds: float
    started: float  # perf_counter when its compile began (its seconds count from there)


def prepare_baseline(ds: Dataset, opts: SolveOptions, progress: Progress) -> PreparedBaseline:
    """Build and compile the baseline; `progress` is told the step baseline started."""
    progress.start("baseline", "baseline")
    t0 = time.perf_counter()
    m = build_model(ds, BuildOptions(baseline=True, fixed_params=True))
    build_s = time.perf_counter() - t0
    raise_if_pending()  # Ctrl-C while it was built: the command is not kept waiting for more
    solver = make_solver(
        ds,
        SolveOptions(mip_gap=opts.mip_gap, time_limit=opts.time_limit, threads=opts.threads),
        bulk=True,
        progress=progress,
        model="baseline",
    )
    t1 = time.perf_counter()
    compile_once(solver, m, ())
    return PreparedBaseline(m, solver, build_s, t1)


def finish_baseline(job: PreparedBaseline, progress: Progress) -> SolveOutcome:
    """Solve a prepared baseline; `progress` is told the step baseline finished."""
    m, solver = job.model, job.solver
    status, term, obj, bound = run_solver(solver, m)
    progress.finish("baseline")
    if status == INFEASIBLE:
        raise SolverFailure("the baseline (no levers) is infeasible: check the input data", term)
    return SolveOutcome(
        m,
        status,
        term,
        obj,
        bound,
        relative_gap(obj, bound),
        time.perf_counter() - job.started,
        job.build_seconds,
        solver=solver,
        highs_seconds=solver.highs_seconds,
    )


def spare_core(ds: Dataset, opts: SolveOptions) -> bool:
    """A second core for the baseline: at least two usable cores and HiGHS not held to one
    thread (`threads` option or the solver_threads setting)."""
    threads = opts.threads or ds.settings.get("solver_threads")
    return len(os.sched_getaffinity(0)) >= 2 and threads != 1


# Above this many nonzeros a baseline built first is solved before the plan is built, not
# beside it: the overlap saves the baseline's solve time but holds it beside the plan's build; with
# 256 sampled scenarios (about 1.3M baseline nonzeros) it raised the peak from 1.47 to 1.54 KB
# per plan nonzero (benchmarks/README.md, scale). 250,000 is about 40 sampled scenarios.
OVERLAP_MAX_NONZEROS = 250_000
# Up to this many scenarios (the base case has 4) the baseline is built in the second thread
# too, once the plan is compiled: its build and compile then overlap the plan's HiGHS solve
# (about 0.5 s of Python on the base case); above, it is built first (solve_plan_and_baseline).
SMALL_MAX_SCENARIOS = 16


@contextmanager
def second_thread(name: str = "baseline") -> Iterator[ThreadPoolExecutor]:
    """A thread beside this one (the baseline's, the marginal-cost LP's). An interrupted
    command leaves without waiting for it (it exits at once, `interrupt.main`); otherwise its
    work is waited for, as a `with` pool would."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    interrupted = False
    try:
        yield pool
    except Interrupted:
        interrupted = True
        raise
    finally:
        pool.shutdown(wait=not interrupted, cancel_futures=interrupted)


def solve_plan_and_baseline(
    ds: Dataset,
    opts: SolveOptions,
    concurrent: bool | None = None,
    cut_loop=hhi_cut_loop,
    progress: Progress = QUIET,
    digest: Callable[[SolveOutcome], Any] | None = None,
    ahead: Ahead | None = None,
) -> tuple[SolveOutcome, Any]:
    """The plan and the baseline. With a spare core (`spare_core`, or `concurrent`) and at most
    SMALL_MAX_SCENARIOS scenarios, the baseline is built and solved in a second thread started
    once the plan is compiled, beside HiGHS's run of the plan (HiGHS releases the GIL while it
    runs). Larger, it is built first; then, with a spare core and at most
    OVERLAP_MAX_NONZEROS, solved in a second thread while the plan is built and solved, else
    before the plan. An interrupted command does not wait for the second thread.
    The two models share nothing but the read-only dataset; the results do not depend on the
    overlap. `progress` hears from both threads.

    With `digest`, the baseline's outcome is passed to it as soon as it is solved and its
    return value replaces the outcome, so that the baseline's model and HiGHS instance are
    freed before the plan's solve peaks (the pipeline keeps only the figures it reports).
    `ahead`: see `solve_plan`."""
    if concurrent is None:
        concurrent = spare_core(ds, opts)
    if concurrent:
        new_highs()  # HiGHS' banner is swallowed once, before two threads start
        use_threads(make_solver(ds, opts, bulk=True).config.threads)  # and its scheduler sized
    if concurrent and len(ds.scenarios) <= SMALL_MAX_SCENARIOS:
        # memory is no concern: once the plan is in HiGHS, the second thread builds, compiles
        # and solves the baseline, its Python work running while HiGHS solves the plan
        # (outside the GIL). Started earlier, its build would share the GIL with the plan's
        # build and compile and delay the plan's solve by as much (benchmarks/README.md).
        with second_thread() as pool:
            started: list[Future] = []

            def start() -> None:
                if not started:
                    started.append(pool.submit(_whole_baseline, ds, opts, progress, digest))

            plan = solve_plan(ds, opts, cut_loop, progress, compiled=start, ahead=ahead)
            return plan, started[0].result()
    # Else the baseline is built first, in this thread, never beside the plan: two models
    # built at once interleave their objects in the interpreter's memory pools, so freeing
    # the baseline's would give little back; built first, its pools empty whole.
    job = [prepare_baseline(ds, opts, progress)]
    if not concurrent or job[0].solver.size().get("nonzeros", 0) > OVERLAP_MAX_NONZEROS:
        baseline = _baseline(job, progress, digest)
        return solve_plan(ds, opts, cut_loop, progress, ahead=ahead), baseline
    # only its solve (HiGHS, outside the GIL) overlaps the plan's build and solve
    with second_thread() as pool:
        future = pool.submit(_baseline, job, progress, digest)
        plan = solve_plan(ds, opts, cut_loop, progress, ahead=ahead)
        return plan, future.result()


def _whole_baseline(ds: Dataset, opts: SolveOptions, progress: Progress, digest) -> Any:
    raise_if_pending()  # started as the plan's HiGHS run begins: Ctrl-C may be there first
    return _baseline([prepare_baseline(ds, opts, progress)], progress, digest)


def _baseline(job: list[PreparedBaseline], progress: Progress, digest) -> Any:
    """Solve the prepared baseline taken from `job` (so that no caller's reference keeps it
    alive) and, with `digest`, return the digest and free the rest."""
    outcome = finish_baseline(job.pop(), progress)
    if digest is None:
        return outcome
    figures = digest(outcome)
    del outcome
    release()  # the model's cycles collected now, and the thread's freed heap given back
    return figures


def write_model(m: pyo.ConcreteModel, path: str) -> None:
    require_rows(m, "writing the model")
    import pyomo.environ  # noqa: F401  (registers Pyomo's model writers, which pyomo.core does not)
    from pyomo.opt import ProblemFormat

    # Pyomo's own names for the formats (the string "lp" made it warn that "x.lp" may not match)
    fmt = ProblemFormat.mps if str(path).lower().endswith(".mps") else ProblemFormat.cpxlp
    Path(path).parent.mkdir(parents=True, exist_ok=True)  # checked writable before the solve
    m.write(str(path), format=fmt, io_options={"symbolic_solver_labels": True})
