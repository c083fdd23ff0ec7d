"""read -> validate -> build -> solve -> extract -> write: the one place the stages chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyomo.environ as pyo
from rich.console import Console

from mineralclub import __version__
from mineralclub.dataset import Dataset, build_dataset
from mineralclub.exit_codes import EXIT_INFEASIBLE, EXIT_INPUT, EXIT_OK, EXIT_SOLVER
from mineralclub.io.messages import capped_lines
from mineralclub.io.paths import model_file_problem
from mineralclub.io.read_workbook import read_workbook
from mineralclub.io.tables import InputError, Tables
from mineralclub.io.validate import validate
from mineralclub.marginal import marginal_costs
from mineralclub.model.budget import outlay_expr
from mineralclub.model.tree import tree_rows, tree_summary
from mineralclub.report import extract as R
from mineralclub.report.headline import headline_keys
from mineralclub.report.ledger import ledger_table
from mineralclub.report.workbook import write_results
from mineralclub.report.zone import reference_table
from mineralclub.solve import (
    FAILED,
    INFEASIBLE,
    SolveOptions,
    SolverFailure,
    solve_plan_and_baseline,
)
from mineralclub.units import HHI_RELATIVE_TOL


@dataclass
class RunResult:
    status: str
    summary: dict
    tables: dict[str, pd.DataFrame]
    results_path: Path | None = None
    messages: list[str] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.status == INFEASIBLE:
            return EXIT_INFEASIBLE
        if self.status == FAILED:
            return EXIT_SOLVER
        return EXIT_OK


def load_tables(path: Path) -> Tables:
    return validate(read_workbook(path))


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _quiet(_message: str) -> None:
    pass


def solve_dataset(ds: Dataset, opts: SolveOptions, progress=_quiet) -> RunResult:
    """Solve plan and baseline and pull every results table (no I/O). `progress(message)` is
    told each step (the CLI shows it as a spinner on standard error)."""
    started = dt.datetime.now(dt.UTC)
    progress("Building and solving the plan and the baseline (every lever off)")
    plan, base = solve_plan_and_baseline(ds, opts)
    progress("Reading the results")
    m = plan.model
    fl, bfl = R.read_flows(m, ds), R.read_flows(base.model, ds)
    conc = R.concentration_table(
        R.concentration_metrics(m, ds, fl), R.concentration_metrics(base.model, ds, bfl), ds
    )
    summary = R.summary_dict(
        m,
        ds,
        plan.status,
        plan.gap,
        R.summary_dict(base.model, ds, base.status, base.gap, math.nan)["objective_musd"],
    )
    progress("Marginal costs of the targets")
    marginal = marginal_costs(m, ds, opts, plan.solver) if plan.status != INFEASIBLE else {}
    targets = R.targets_table(m, ds, marginal)
    summary = headline_keys(summary, targets)
    tables = {
        "Summary": pd.DataFrame({"key": list(summary), "value": list(summary.values())}),
        "Projects": R.projects_table(m, ds),
        "PriceFloors": R.floors_table(m, ds),
        "ReferencePrices": reference_table(m, ds),
        "Offtake": R.offtake_table(m, ds),
        "Stockpile": R.stockpile_table(m, ds),
        "Supply": R.supply_table(m, ds, fl),
        "Concentration": conc,
        "Targets": targets,
        "Shortfall": R.shortfall_table(m, ds, fl),
        "Scenarios": R.scenarios_table(m, ds),
        "ScenarioTree": pd.DataFrame(
            tree_rows(m.sets.tree, ds),
            columns=["year", "node", "parent", "scenarios", "scenario_count", "probability"],
        ),
    }
    tables["Ledger"] = ledger_table(m, ds, tables)
    info = {
        "package_version": __version__,
        "solver": "HiGHS",
        "solver_version": _highs_version(),
        "python": platform.python_version(),
        "termination": plan.termination,
        "build_seconds": round(plan.build_seconds, 3),
        "solve_seconds": round(plan.seconds, 3),
        "baseline_solve_seconds": round(base.seconds, 3),
        "highs_seconds": round(plan.solver.highs_seconds + base.solver.highs_seconds, 3),
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
    path: Path, out_dir: Path, opts: SolveOptions, figures: bool = False, progress=_quiet
) -> RunResult:
    """Read, validate, solve and write the results workbook (and with `figures` its charts as
    PNG files beside it). Raises InputError on bad input."""
    path = Path(path)
    progress(f"Reading and validating {path.name}")
    tables = load_tables(path)
    digest = sha256(path)
    ds = build_dataset(tables)
    warnings = [warning_text(p) for p in tables.warnings]
    try:
        result = solve_dataset(ds, opts, progress)
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
    progress(f"Writing {target}")
    result.results_path = write_results(target, result.tables)
    if figures:
        from mineralclub.report.figures import write_figures

        result.figures = write_figures(result.tables, result.results_path)
    return result


def output_problem(out: Path, write_model) -> str | None:
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


def warning_text(problem) -> str:
    """`Sheet!Cell: warning: message`, as `validate` prints it."""
    where, _, message = str(problem).partition(": ")
    return f"{where}: warning: {message}"


def _opts(opts: SolveOptions) -> dict:
    return {k: v for k, v in opts.__dict__.items() if v is not None}


def _highs_version() -> str:
    try:
        import highspy

        h = highspy.Highs()
        return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
    except Exception:  # pragma: no cover - version is informative only
        return "unknown"


def json_payload(result: RunResult) -> dict:
    def rows(name):
        df = result.tables.get(name)
        if df is None:
            return []
        return json.loads(df.to_json(orient="records", date_format="iso"))

    stock = result.tables.get("Stockpile")
    stock_rows = (
        stock.groupby("mineral", as_index=False)["capacity_t"].first().to_dict("records")
        if stock is not None
        else []
    )
    return {
        "status": result.status,
        "summary": _jsonable(result.summary),
        "projects": rows("Projects"),
        "price_floors": rows("PriceFloors"),
        "offtake": rows("Offtake"),
        "stockpile": stock_rows,
        "targets": rows("Targets"),
        "results_path": str(result.results_path) if result.results_path else None,
        "messages": result.messages,
    }


def _jsonable(d: dict) -> dict:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}


def solve_command(
    workbook, out, json_output: bool, time_limit, mip_gap, write_model, figures: bool = False
) -> int:
    """The `mineralclub solve` command: returns the exit code (SPEC §8)."""
    opts = SolveOptions(
        mip_gap=mip_gap,
        time_limit=time_limit,
        write_model=str(write_model) if write_model else None,
    )
    err = sys.stderr
    problem = model_file_problem(workbook, write_model) or output_problem(Path(out), write_model)
    if problem:
        print(problem, file=err)
        return EXIT_INPUT
    try:
        with Console(stderr=True).status("Starting") as status:
            result = run(
                Path(workbook),
                Path(out),
                opts,
                figures=figures,
                progress=lambda message: status.update(message),
            )
    except InputError as exc:
        print("\n".join(capped_lines(exc.problems)), file=err)
        print(f"{len(exc.problems)} problem(s) in {workbook}; nothing was solved.", file=err)
        return EXIT_INPUT
    except OSError as exc:
        print(f"cannot read {workbook} or write the results: {exc}", file=err)
        return EXIT_INPUT
    for msg in result.messages:
        print(msg, file=err)
    for png in result.figures:
        print(f"figure: {png}", file=err)
    if json_output:
        print(json.dumps(json_payload(result), default=str))
    elif result.summary.get("objective_musd") is not None and result.status != FAILED:
        s = result.summary
        print(
            f"{s['status']}: objective {s['objective_musd']:,.2f} USD million "
            f"(baseline {s['baseline_objective_musd']:,.2f}); results: {result.results_path}",
            file=err,
        )
    return result.exit_code
