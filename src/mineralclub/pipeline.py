"""read -> validate -> build -> solve -> extract -> write: the one place the stages chain.

The pipeline returns a :class:`RunResult` and never prints: each step is reported to a
:class:`mineralclub.progress.Progress`, and the command line (:mod:`mineralclub.cli_solve`)
decides what to show, what to print and which exit code ends the run.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyomo.core as pyo

from mineralclub import __version__
from mineralclub.ahead import Ahead
from mineralclub.dataset import Dataset
from mineralclub.interrupt import Interrupted
from mineralclub.io.early import ReadAhead, prepare
from mineralclub.io.read_workbook import read_workbook
from mineralclub.io.tables import Tables
from mineralclub.io.validate import validate
from mineralclub.marginal import has_marginal_costs, marginal_costs, marginal_from_duals
from mineralclub.model.budget import outlay_expr
from mineralclub.model.tree import tree_rows, tree_summary
from mineralclub.progress import QUIET, Progress, step
from mineralclub.report import SHEET_ORDER
from mineralclub.report import extract as R
from mineralclub.report.headline import headline_keys
from mineralclub.report.ledger import ledger_table
from mineralclub.report.zone import reference_table
from mineralclub.solve import (
    FAILED,
    INFEASIBLE,
    OVERLAP_MAX_NONZEROS,
    SMALL_MAX_SCENARIOS,
    SolveOptions,
    SolveOutcome,
    SolverFailure,
    second_thread,
    solve_plan_and_baseline,
    spare_core,
)
from mineralclub.units import HHI_RELATIVE_TOL


@dataclass
class RunResult:
    """A finished run: status (OPTIMAL, TIME_LIMIT, INFEASIBLE or FAILED), the Summary as a
    dict, every results table, the files written and the messages (warnings, unmet targets)
    for the user."""

    status: str
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    results_path: Path | None = None
    messages: list[str] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)
    ahead: str = "off"  # the plan's tables made ahead of HiGHS's proof: off, kept, made again
    book: Any = None  # the results workbook's cells written ahead, if kept


def load_tables(path: Path) -> Tables:
    return validate(read_workbook(path))


def _nothing() -> None:
    return None


def solve_dataset(
    ds: Dataset,
    opts: SolveOptions,
    progress: Progress = QUIET,
    ahead: bool = False,
    cells: Callable[[PlanTables, Callable[[], None]], Any] | None = None,
) -> RunResult:
    """Solve plan and baseline and pull every results table (no I/O). `progress` is told the
    steps build, solve, baseline, marginal costs and results.

    The marginal-cost LP re-solves the plan's own HiGHS instance (`BulkHighs.lp_duals`), which
    reads the plan's values and writes nothing in the model: with a core to spare, it runs
    in a second thread, HiGHS outside the GIL, while this one extracts the tables that do not
    need it; the Targets table waits for it. Otherwise, and for any other solver (which
    re-translates the model with its integers fixed, `marginal.translated_lp_duals`), it runs
    first, alone.

    With `ahead`, a core to spare and at most SMALL_MAX_SCENARIOS scenarios, the plan's tables
    (`plan_tables`; with `cells`, also what `cells(made, checkpoint)` makes of them: the
    workbook's cells, handed back as the result's `book`) are made from HiGHS's newest
    incumbent while it proves the gap, with the marginal-cost LP solved on a twin of the
    plan's HiGHS instance (`bulk.Twin`), and kept only if the plan it ends with is the same
    bit for bit (`mineralclub.ahead`); the result's `ahead` says which happened."""
    started = dt.datetime.now(dt.UTC)
    early: Ahead | None = None
    baseline: list[Baseline] = []
    if ahead and spare_core(ds, opts) and len(ds.scenarios) <= SMALL_MAX_SCENARIOS:

        def work(m: Any, checkpoint: Callable[[], None]) -> tuple[PlanTables, Any, Any]:
            made = plan_tables(m, ds, lambda: baseline[0], checkpoint)
            checkpoint()
            twin = early.twin if early is not None else None  # the marginal-cost LP
            lp = twin.duals() if twin is not None and has_marginal_costs(m) else None
            return made, lp, cells(made, checkpoint) if cells is not None else None

        early = Ahead(work)

    def digest(out: SolveOutcome) -> Baseline:
        figures = Baseline.of(out, ds)
        if early is not None:
            baseline.append(figures)
            early.ready()
        return figures

    try:
        plan, base = solve_plan_and_baseline(
            ds, opts, progress=progress, digest=digest, ahead=early
        )
    except BaseException as exc:
        if early is not None:  # an interrupted command leaves at once, without waiting
            early.cancel(wait=not isinstance(exc, Interrupted))
        raise
    kept = early.result(plan.model) if early is not None else None
    made, lp, book = kept if kept is not None else (None, None, None)
    result = _solved(ds, opts, plan, base, started, progress, made, lp)
    result.ahead = "off" if early is None else "kept" if kept is not None else "made again"
    result.book = book
    return result


def _solved(
    ds: Dataset,
    opts: SolveOptions,
    plan: SolveOutcome,
    base: Baseline,
    started: dt.datetime,
    progress: Progress,
    made: PlanTables | None,
    lp: Any = None,
) -> RunResult:
    """The marginal costs and every results table (`solve_dataset`); `made` and `lp`: the
    plan's tables and the marginal-cost LP's duals made ahead (`bulk.TwinDuals`), if kept."""
    m = plan.model
    # beside the extraction only with a core to spare and up to OVERLAP_MAX_NONZEROS, as the
    # baseline (`solve.spare_core`): above, the LP's HiGHS memory and the tables' would peak
    # together (256 sampled scenarios: 3.2-3.7 GB beside, against 3.1 GB in the plan's solve;
    # benchmarks/README.md, scale)
    beside = (
        spare_core(ds, opts)
        and hasattr(plan.solver, "lp_duals")
        and has_marginal_costs(m)
        and plan.solver.size().get("nonzeros", 0) <= OVERLAP_MAX_NONZEROS
    )
    if plan.status == INFEASIBLE or not beside:
        with step(progress, "marginal costs"):
            known = (
                marginal_costs(m, ds, opts, plan.solver, lp) if plan.status != INFEASIBLE else {}
            )
        with step(progress, "results"):
            return _results(ds, opts, plan, base, lambda: known, started, made)

    def lp_duals() -> dict | None:
        found = plan.solver.lp_duals(lp)
        progress.finish("marginal costs")
        return found

    with second_thread("marginal") as pool:
        progress.start("marginal costs")
        duals = pool.submit(lp_duals)

        def marginal() -> dict:
            found = duals.result()
            return marginal_from_duals(m, ds, found) if found is not None else {}

        with step(progress, "results"):
            return _results(ds, opts, plan, base, marginal, started, made)


@dataclass(frozen=True)
class Baseline:
    """What the results report of the baseline, read the moment it is solved: its model and
    HiGHS instance (a second copy of the problem) are then freed, not held beside the plan's
    solve (benchmarks/README.md, scale)."""

    seconds: float
    highs_seconds: float
    concentration: pd.DataFrame
    objective_musd: float

    @classmethod
    def of(cls, out: SolveOutcome, ds: Dataset) -> Baseline:
        m = out.model
        return cls(
            out.seconds,
            out.solver.highs_seconds,
            R.concentration_metrics(m, ds),
            R.summary_dict(m, ds, out.status, out.gap, math.nan)["objective_musd"],
        )


# the results tables in the order a RunResult holds them: the sheets' order, the scenario tree
# before the Ledger
TABLES = (*SHEET_ORDER[:-2], "ScenarioTree", *SHEET_ORDER[-2:])


@dataclass(frozen=True)
class PlanTables:
    """The results read from the plan's values alone: every table but Targets and RunInfo,
    and the Summary's money (`R.money_dict`)."""

    tables: dict[str, pd.DataFrame]
    money: dict[str, Any]


def plan_tables(
    m, ds: Dataset, baseline: Callable[[], Baseline], checkpoint: Callable[[], None] = _nothing
) -> PlanTables:
    """The plan's tables from the values loaded in `m`; `baseline()` gives the baseline's
    figures (Concentration compares with them). `checkpoint()` is called between two tables:
    work made ahead of HiGHS's proof (`mineralclub.ahead`) stops there."""
    fl = R.read_flows(m, ds)
    money = R.money_dict(m, ds)
    makers: dict[str, Callable[[], pd.DataFrame]] = {
        # first: its metrics and their merge with the baseline's are the largest transient of
        # the results, smallest before the other tables are made (256 sampled scenarios: a
        # peak 350 MiB higher made last; benchmarks/README.md, scale)
        "Concentration": lambda: R.concentration_table(
            R.concentration_metrics(m, ds), baseline().concentration, ds
        ),
        "Projects": lambda: R.projects_table(m, ds),
        "PriceFloors": lambda: R.floors_table(m, ds),
        "ReferencePrices": lambda: reference_table(m, ds),
        "Offtake": lambda: R.offtake_table(m, ds),
        "Stockpile": lambda: R.stockpile_table(m, ds),
        "Supply": lambda: R.supply_table(m, ds, fl),
        "Shortfall": lambda: R.shortfall_table(m, ds, fl),
        "Scenarios": lambda: R.scenarios_table(m, ds),
        "ScenarioTree": lambda: pd.DataFrame(
            tree_rows(m.sets.tree, ds),
            columns=["year", "node", "parent", "scenarios", "scenario_count", "probability"],
        ),
        # the Ledger reads the Summary's money
        "Ledger": lambda: ledger_table(m, ds, {"Summary": key_value(money)}),
    }
    tables = {}
    for name, make in makers.items():
        checkpoint()
        tables[name] = make()
    return PlanTables(tables, money)


def _results(
    ds: Dataset,
    opts: SolveOptions,
    plan: SolveOutcome,
    base: Baseline,
    marginal: Callable[[], dict],
    started: dt.datetime,
    made: PlanTables | None = None,
) -> RunResult:
    """Every results table of the solved plan and baseline; `marginal()` gives the marginal
    costs, asked for only once every table that does not need them is made. `made`: the
    plan's tables if already made from the same values (`mineralclub.ahead`)."""
    m = plan.model
    if made is None:
        made = plan_tables(m, ds, lambda: base)
    summary = R.with_run(made.money, plan.status, plan.gap, base.objective_musd)
    tables = dict(made.tables)
    targets = tables["Targets"] = R.targets_table(m, ds, marginal())
    summary = headline_keys(summary, targets)
    tables["Summary"] = key_value(summary)
    info = {
        "package_version": __version__,
        "solver": "HiGHS",
        "solver_version": _highs_version(),
        "python": platform.python_version(),
        "termination": plan.termination,
        "build_seconds": round(plan.build_seconds, 3),
        "solve_seconds": round(plan.seconds, 3),
        "baseline_solve_seconds": round(base.seconds, 3),
        "highs_seconds": round(plan.solver.highs_seconds + base.highs_seconds, 3),
        **{f"plan_{k}": v for k, v in plan.solver.size().items()},
        "hhi_cut_rounds": plan.hhi_rounds,
        "hhi_cuts": plan.hhi_cuts,
        "hhi_converged": getattr(m, "hhi_converged", True),
        "elastic_resolve": plan.elastic,
        **tree_summary(m.sets.tree, ds),
        "mip_gap_option": opts.mip_gap if opts.mip_gap is not None else ds.settings.get("mip_gap"),
        "time_limit_option": opts.time_limit
        if opts.time_limit is not None
        else ds.settings.get("time_limit_s"),
        "started_utc": started.isoformat(timespec="seconds"),
        "finished_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    tables["RunInfo"] = pd.DataFrame({"key": list(info), "value": [str(v) for v in info.values()]})
    tables = {name: tables[name] for name in TABLES}
    messages = []
    if plan.status == INFEASIBLE:
        messages = infeasibility_messages(targets, m)
    if not getattr(m, "hhi_converged", True):
        messages.append(
            f"warning: the HHI cutting planes did not converge in "
            f"{plan.hhi_rounds} rounds; some HHI targets are exceeded by more than "
            f"the {HHI_RELATIVE_TOL:g} tolerance (see the Targets sheet)"
        )
    return RunResult(plan.status, summary, tables, messages=messages)


def key_value(d: dict[str, Any]) -> pd.DataFrame:
    """A ``key`` / ``value`` sheet (Summary) from a dict, in its order."""
    return pd.DataFrame({"key": list(d), "value": list(d.values())})


def infeasibility_messages(targets: pd.DataFrame, m) -> list[str]:
    """Name each unmet hard target with its best achievable value, and each exceeded budget."""
    out = []
    for r in R.unmet_targets(targets).itertuples(index=False):
        out.append(
            f"target {r.target!r} ({r.metric}, value {r.value:g}) cannot be met: "
            f"best achievable value {r.achieved:.4g}"
        )
    for t in m.sets.budget_years:
        limit = pyo.value(m.p_budget[t])
        spend = max(pyo.value(outlay_expr(m, t, w)) for w in m.scenario_names)
        if spend > limit * (1 + 1e-6) + 1e-6:
            out.append(
                f"budget {t} ({limit:g} USD million/yr) cannot be met: the plan "
                f"needs {spend:.4g} USD million/yr"
            )
        elif spend >= limit * (1 - 1e-6) - 1e-6:
            out.append(
                f"budget {t} ({limit:g} USD million/yr) is fully spent in the best "
                f"plan: it limits how close the targets can get"
            )
    return out or ["targets or budget cannot all be met (see the Targets sheet)"]


def run(
    path: Path,
    out_dir: Path,
    opts: SolveOptions,
    figures: bool = False,
    progress: Progress = QUIET,
    early: ReadAhead | None = None,
) -> RunResult:
    """Read, validate, solve and write the results workbook (and with `figures` its charts as
    PNG files beside it). Raises InputError on bad input. `progress` is told every step: read,
    validate, build, solve, baseline, marginal costs, results, write (and figures). `early`:
    the input read in a child process (`io.early`), taken if it gives it, else read here."""
    path = Path(path)
    progress.start("read")
    validating: list[bool] = []

    def validation() -> None:
        if not validating:
            validating.append(True)
            progress.finish("read")
            progress.start("validate")

    prepared = None
    if early is not None and early.read():
        validation()
        prepared = early.take()
    if prepared is None:
        prepared = prepare(path, validation)
    progress.finish("validate")
    ds, digest = prepared.dataset, prepared.digest
    warnings = [warning_text(p) for p in prepared.warnings]
    try:
        result = solve_dataset(
            ds,
            opts,
            progress,
            ahead=True,
            cells=_write_ahead,
        )
    except SolverFailure as exc:
        return RunResult(FAILED, {"status": FAILED}, {}, messages=warnings + [str(exc)])
    result.messages = warnings + result.messages
    extra = pd.DataFrame(
        {
            "key": ["input_path", "input_sha256", "options"],
            "value": [str(path.resolve()), digest, json.dumps(_opts(opts))],
        }
    )
    result.tables["RunInfo"] = pd.concat([result.tables["RunInfo"], extra], ignore_index=True)
    target = Path(out_dir) / f"{path.stem}_results.xlsx"
    from mineralclub.report.workbook import write_results

    with step(progress, "write"):
        result.results_path = write_results(target, result.tables, result.book)
        result.book = None  # written: the book and its cells are freed
    if figures:
        from mineralclub.report.figures import write_figures

        with step(progress, "figures"):
            result.figures = write_figures(result.tables, result.results_path)
    return result


def _write_ahead(made: PlanTables, checkpoint: Callable[[], None]) -> Any:
    """The results workbook's cells of `made` (`report.workbook.write_ahead`). The writer is
    imported here, in the thread beside HiGHS, not before HiGHS starts (0.03-0.04 s)."""
    from mineralclub.report.workbook import write_ahead

    return write_ahead(made.tables, TABLES, checkpoint)


def output_problem(out: Path, write_model: Path | str | None) -> str | None:
    """Check before solving, without creating anything, that the results folder and the
    --write-model folder can be written, so a long solve is not lost to a bad path."""
    targets = [out] + ([Path(write_model).parent] if write_model else [])
    for folder in targets:
        existing = folder
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            return f"cannot write to {folder}: {existing} is not a folder"
        if not os.access(existing, os.W_OK):
            return f"cannot write to {folder}: permission denied"
    return None


def warning_text(problem: object) -> str:
    """`Sheet!Cell: warning: message`, as `validate` prints it."""
    where, _, message = str(problem).partition(": ")
    return f"{where}: warning: {message}"


def _opts(opts: SolveOptions) -> dict[str, Any]:
    return {k: v for k, v in opts.__dict__.items() if v is not None}


def _highs_version() -> str:
    try:
        import highspy

        h = highspy.Highs()
        return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
    except Exception:  # pragma: no cover - version is informative only
        return "unknown"
