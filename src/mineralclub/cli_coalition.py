"""``mineralclub coalition``: bloc values of the club — marginal, Shapley, least core — and
stability against the Ledger (SPEC §8; docs/coalition.md).

Registered on the main app in `mineralclub.cli`; Pyomo, HiGHS and Dask are imported only when
the command runs. Exit codes: 0 the coalition workbook was written, 2 bad input (nothing
solved), 3 the whole club cannot meet its hard targets, 4 a coalition could not be solved
(the workbook is still written, with the costs that are known), 130 interrupted by Ctrl-C, 143
by SIGTERM (the solved coalitions are cached: rerun to resume; no workbook is written).
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import typer

EXIT_INPUT, EXIT_INFEASIBLE, EXIT_SOLVER, EXIT_INTERRUPTED, EXIT_TERMINATED = 2, 3, 4, 130, 143
CACHE_FOLDER = ".coalition_cache"
MAX_COALITIONS = 10_000  # as a sweep: refuse a run that large before starting


def coalition_command(
    workbook: Path = typer.Argument(..., help="Input workbook (.xlsx)."),
    by: str = typer.Option(
        "region",
        "--by",
        metavar="COLUMN",
        help="Countries column that groups members into blocs (e.g. bloc, region); 'country' "
        "makes every member a bloc. A member with a blank cell is a bloc of its own.",
    ),
    exact_max: int = typer.Option(
        8,
        "--exact-max",
        min=1,
        max=16,
        metavar="K",
        help="Exact Shapley values and the least core up to K blocs (2^K - 1 solves); above "
        "that, permutation sampling with standard errors.",
    ),
    samples: int = typer.Option(
        200, "--samples", min=2, metavar="N", help="Random bloc orders when sampling."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the sampled orders."),
    workers: int = typer.Option(
        1, "--workers", min=1, metavar="N", help="Local worker processes (one HiGHS thread each)."
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        metavar="ADDRESS",
        help="Run on a Dask distributed cluster (needs the 'distributed' extra).",
    ),
    out: Path = typer.Option(
        Path("outputs"), "--out", help="Folder for the coalition workbook (created if needed)."
    ),
    cache: Path | None = typer.Option(
        None,
        "--cache",
        metavar="DIR",
        help=f"Folder of solved coalitions, reused by reruns (default OUT/{CACHE_FOLDER}).",
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Solve every coalition afresh."),
    time_limit: float | None = typer.Option(
        None, "--time-limit", metavar="S", min=0, help="Solver time limit per coalition."
    ),
    mip_gap: float | None = typer.Option(
        None, "--mip-gap", metavar="G", min=0, max=1, help="Relative MIP gap per coalition."
    ),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
) -> None:
    """Who needs whom: each bloc's marginal and Shapley value, the least core, and the groups
    of blocs that pay more in the Ledger than they would alone.

    Writes OUT/<workbook>_coalition.xlsx: Summary, Blocs, Values, Coalitions, Stability,
    Charts, RunInfo. See docs/coalition.md.
    """
    cache_dir = None if no_cache else (cache or Path(out) / CACHE_FOLDER)
    code = run_coalition_command(
        Path(workbook),
        by,
        exact_max,
        samples,
        seed,
        workers,
        scheduler,
        Path(out),
        cache_dir,
        time_limit,
        mip_gap,
        not quiet,
    )
    raise typer.Exit(code)


def run_coalition_command(
    workbook: Path,
    by: str,
    exact_max: int,
    samples: int,
    seed: int,
    workers: int,
    scheduler,
    out: Path,
    cache_dir: Path | None,
    time_limit,
    mip_gap,
    progress: bool,
) -> int:
    from mineralclub.coalition.blocs import BlocError, read_blocs
    from mineralclub.coalition.report import write_coalition_workbook
    from mineralclub.coalition.run import CoalitionRequest, analyse
    from mineralclub.io.early import sha256
    from mineralclub.io.messages import input_problem_lines
    from mineralclub.io.tables import InputError
    from mineralclub.solve import SolveOptions
    from mineralclub.sweep.execute import DaskMissing, import_distributed
    from mineralclub.sweep.sweep import load_base

    err = sys.stderr
    started = time.perf_counter()
    try:
        base = load_base(workbook)
        blocs = read_blocs(base.tables, by)
        if scheduler is not None:
            import_distributed()
    except InputError as exc:
        print("\n".join(input_problem_lines(exc.problems, workbook)), file=err)
        return EXIT_INPUT
    except (BlocError, DaskMissing) as exc:
        print(f"error: {exc}", file=err)
        return EXIT_INPUT
    if len(blocs) <= exact_max and 2 ** len(blocs) - 1 > MAX_COALITIONS:
        print(
            f"error: {len(blocs)} blocs exactly = {2 ** len(blocs) - 1:,} solves (more than "
            f"{MAX_COALITIONS:,}): lower --exact-max to sample",
            file=err,
        )
        return EXIT_INPUT
    req = CoalitionRequest(
        exact_max=exact_max,
        samples=samples,
        seed=seed,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        cache_dir=cache_dir,
        input_sha256=sha256(workbook),
    )
    method = "exact" if len(blocs) <= exact_max else f"{samples} sampled orders"
    print(f"{len(blocs)} bloc(s) by {by} ({method}) of {workbook.name}", file=err)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        analysis = analyse(base, blocs, req, SolveOptions(mip_gap=mip_gap, time_limit=time_limit))
    except (KeyboardInterrupt, Terminated) as exc:
        print("interrupted: the coalitions solved so far are cached; rerun to resume", file=err)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
    wall = time.perf_counter() - started
    info = run_info(workbook, req, analysis, wall, cache_dir)
    target = out / f"{workbook.stem}_coalition.xlsx"
    write_coalition_workbook(target, analysis, info)
    statuses = analysis.coalitions["status"].value_counts().to_dict()
    counts = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
    print(
        f"{len(analysis.coalitions)} coalition(s) ({analysis.solved} solved now, the rest "
        f"from the cache): {counts}; {wall:.1f} s; coalition workbook: {target}",
        file=err,
    )
    return exit_code(analysis, err)


class Terminated(Exception):
    """SIGTERM: stop like Ctrl-C (the solved coalitions are already cached)."""


def _terminate(_signum, _frame):
    raise Terminated()


def exit_code(analysis, err) -> int:
    import math

    grand = analysis.coalitions.iloc[-1] if not analysis.coalitions.empty else None
    if grand is not None and grand["status"] == "INFEASIBLE":
        print(
            "error: the whole club cannot meet its hard targets (a max_hhi target cannot be "
            "priced); run solve for the elastic diagnosis",
            file=err,
        )
        return EXIT_INFEASIBLE
    missing = analysis.coalitions[[not math.isfinite(c) for c in analysis.coalitions["cost_musd"]]]
    failed = missing[missing["status"] != "INFEASIBLE"]
    for row in failed.itertuples(index=False):
        print(f"error: coalition {row.coalition}: {row.status}: {row.message}", file=err)
    return EXIT_SOLVER if len(failed) else 0


def run_info(workbook: Path, req, analysis, wall: float, cache_dir) -> dict:
    import datetime as dt
    import platform

    from mineralclub import __version__
    from mineralclub.sweep.sweep import solver_version

    n = len(analysis.coalitions)
    return {
        "package_version": __version__,
        "input_path": str(workbook.resolve()),
        "input_sha256": req.input_sha256,
        "solver": "HiGHS",
        "solver_version": solver_version(),
        "python": platform.python_version(),
        "grouped_by": analysis.blocs.by,
        "exact_max": req.exact_max,
        "samples": analysis.orders,
        "seed": req.seed,
        "workers": req.workers,
        "scheduler": req.scheduler or "",
        "coalitions": n,
        "solved_now": analysis.solved,
        "cache": str(cache_dir) if cache_dir else "off",
        "wall_seconds": round(wall, 2),
        "finished_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
