"""A whole sweep: runs from the sweep definitions, solved, and the sweep workbook written; and
the frontier helper (minimum cost at each value of a target) on a persistent session."""

from __future__ import annotations

import datetime as dt
import platform
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mineralclub import __version__
from mineralclub.io.read_workbook import read_workbook
from mineralclub.io.tables import Tables
from mineralclub.io.validate import validate
from mineralclub.solve import SolveOptions
from mineralclub.sweep import plan as P
from mineralclub.sweep.address import Base, check_changes
from mineralclub.sweep.execute import run_all
from mineralclub.sweep.report import (
    frontier_table,
    info_table,
    runs_table,
    tornado_table,
    write_figures,
    write_sweep_workbook,
)
from mineralclub.sweep.sensitivity import indices
from mineralclub.sweep.session import Session


@dataclass
class SweepRequest:
    params: list[str] = field(default_factory=list)  # --param ADDRESS=values
    mode: str = P.ONE_AT_A_TIME  # mode of the --param sweep
    sweeps: list[str] = field(default_factory=list)  # names of Sweeps-sheet sweeps to run
    uncertain: list[str] = field(default_factory=list)  # --uncertain ADDRESS=low:high
    morris: int | None = None
    sobol: int | None = None
    seed: int = 0
    workers: int = 1
    scheduler: object = None
    keep_basis: bool = False
    progress: bool = False
    figures: bool = False
    max_runs: int = 10_000  # refuse a larger sweep before starting (SPEC §6)


@dataclass
class SweepResult:
    path: Path | None
    sheets: dict[str, pd.DataFrame]
    figures: list[Path] = field(default_factory=list)

    @property
    def statuses(self) -> Counter:
        return Counter(self.sheets["Runs"]["status"])


def load_base(path: Path) -> Base:
    """Read and validate the workbook (raises InputError); keep its column letters."""
    raw = read_workbook(path)
    tables = validate(raw)
    return Base(tables, {name: frame.attrs.get("letters") for name, frame in raw.items()})


def plan_runs(base: Base, req: SweepRequest) -> tuple[list[P.Run], list[dict], list[str]]:
    """Every run of the request, the samples of global sensitivity, and the value problems
    (each changed value checked on its own against the workbook) — all before any solve."""
    specs = []
    use_sheet = req.sweeps or not (req.params or req.morris or req.sobol)
    if use_sheet:
        specs += P.sheet_sweeps(base.tables, req.sweeps or None)
    if req.params:
        specs.append(P.cli_sweep(req.params, req.mode))
    uncertain = P.parse_uncertain(req.uncertain) if req.uncertain else []
    check_run_count(specs, uncertain, req)
    runs = P.expand(specs)
    samples = []
    for method, n in ((P.MORRIS, req.morris), (P.SOBOL, req.sobol)):
        if n:
            more, sample = P.sample_runs(uncertain, method, n, req.seed, start=len(runs) + 1)
            runs += more
            samples.append(sample)
    if uncertain and not (req.morris or req.sobol):
        raise P.PlanError(["--uncertain needs --morris N or --sobol N"])
    if not runs:
        raise P.PlanError(
            [
                "nothing to run: the workbook has no Sweeps rows; give --param "
                "'Sheet[key=value].column=v1,v2' or --morris / --sobol with "
                "--uncertain"
            ]
        )
    return runs, samples, check_changes(base, P.distinct_changes(runs, uncertain))


def check_run_count(specs: list[P.SweepSpec], uncertain: list, req: SweepRequest) -> None:
    """Count the runs before building any and refuse more than ``req.max_runs`` (SPEC §6)."""
    total = sum(P.run_count(spec) for spec in specs)
    for method, n in ((P.MORRIS, req.morris), (P.SOBOL, req.sobol)):
        if n and uncertain:
            total += P.sample_count(method, n, len(uncertain))
    if total > req.max_runs:
        raise P.PlanError(
            [
                f"the sweep has {total:,} runs, more than the limit of "
                f"{req.max_runs:,}; nothing was solved (raise the limit with "
                "--max-runs N)"
            ]
        )


def solve_sweep(
    base: Base, runs: list[P.Run], samples: list[dict], req: SweepRequest, opts: SolveOptions
) -> dict[str, pd.DataFrame]:
    started = dt.datetime.now(dt.UTC)
    rows = run_all(
        base,
        runs,
        opts,
        workers=req.workers,
        scheduler=req.scheduler,
        progress=req.progress,
        keep_basis=req.keep_basis,
    )
    finished = dt.datetime.now(dt.UTC)
    runs_df = runs_table(rows)
    sens = [indices(s, rows, req.seed) for s in samples]
    sheets = {
        "Runs": runs_df,
        "Tornado": tornado_table(runs_df),
        "Frontier": frontier_table(runs_df),
        "Sensitivity": pd.concat(sens, ignore_index=True) if sens else pd.DataFrame(),
    }
    sheets["SweepInfo"] = info_table(sweep_info(base, runs_df, req, opts, started, finished))
    return sheets


def sweep_info(
    base: Base, runs: pd.DataFrame, req: SweepRequest, opts: SolveOptions, started, finished
) -> dict:
    periods = base.tables["Periods"]["year"]
    statuses = Counter(runs["status"]) if len(runs) else Counter()
    return {
        "package_version": __version__,
        "solver": "HiGHS",
        "solver_version": solver_version(),
        "python": platform.python_version(),
        "runs": len(runs),
        **{f"runs_{s.lower()}": n for s, n in sorted(statuses.items())},
        "runs_rebuilt": int(runs["rebuilt"].fillna(False).astype(bool).sum()) if len(runs) else 0,
        "seconds_total_wall": round((finished - started).total_seconds(), 3),
        "seconds_per_run_mean": round(float(runs["seconds"].mean()), 4) if len(runs) else 0,
        "workers": "dask " + str(req.scheduler) if req.scheduler is not None else req.workers,
        "warm_start": req.keep_basis,
        "mip_gap_option": opts.mip_gap
        if opts.mip_gap is not None
        else base.tables.settings.get("mip_gap"),
        "time_limit_option": opts.time_limit
        if opts.time_limit is not None
        else base.tables.settings.get("time_limit_s"),
        "seed": req.seed,
        "shares": f"nonmember_share[k,{int(periods.max())}] and top_country_share[...]: "
        "expected over scenarios, club scope, final stage, last period",
        "started_utc": started.isoformat(timespec="seconds"),
        "finished_utc": finished.isoformat(timespec="seconds"),
    }


def solver_version() -> str:
    """HiGHS' version without creating a solver (which prints a banner on standard output)."""
    try:
        import highspy

        return ".".join(
            str(getattr(highspy, f"HIGHS_VERSION_{part}")) for part in ("MAJOR", "MINOR", "PATCH")
        )
    except (ImportError, AttributeError):  # pragma: no cover - informative only
        return "unknown"


def write_sweep(
    path: Path,
    sheets: dict[str, pd.DataFrame],
    figures: bool = False,
    extra_info: dict | None = None,
) -> SweepResult:
    if extra_info:
        sheets["SweepInfo"] = pd.concat(
            [sheets["SweepInfo"], info_table(extra_info)], ignore_index=True
        )
    written = write_sweep_workbook(path, sheets)
    pngs = write_figures(written, sheets["Tornado"], sheets["Frontier"]) if figures else []
    return SweepResult(written, sheets, pngs)


# --- the frontier helper (issue 6) ---------------------------------------------------------


def frontier(
    tables: Tables | Base,
    target_name: str,
    values,
    opts: SolveOptions | None = None,
    session: Session | None = None,
) -> pd.DataFrame:
    """Minimum cost at each value of a target (ε-constraint frontier), re-solving one
    persistent model: columns target, value, status, objective_musd, fiscal_cost_musd,
    damage_musd, target_penalty_musd, message. An infeasible value has status INFEASIBLE and
    no cost. Pass `session` (of the same workbook) to reuse a model already built."""
    if session is None:
        base = tables if isinstance(tables, Base) else Base(tables)
        session = Session(base, opts)
    base = session.base
    if target_name not in set(base.tables["Targets"]["target"]):
        raise KeyError(f"no target named {target_name!r} in the Targets sheet")
    runs = P.frontier_runs(target_name, list(values))
    rows = run_all(base, runs, opts, session=session)
    table = frontier_table(runs_table(rows)).drop(columns=["sweep", "parameter"])
    table.insert(0, "target", target_name)
    return table
