"""``mineralclub sweep``: sensitivity runs over a workbook (SPEC §7, §8).

Registered on the main app in `mineralclub.cli`; heavy imports (Pyomo, SALib, Dask) happen only
when the command runs. Exit codes: 0 the sweep workbook was written (failed runs are rows with
their reason), 2 bad input (the workbook, an address or a value; nothing solved), 4 every run
failed to solve.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from mineralclub.exit_codes import EXIT_INPUT, EXIT_SOLVER


def sweep_command(
    workbook: Path = typer.Argument(..., help="Input workbook (.xlsx)."),
    param: list[str] = typer.Option(
        [],
        "--param",
        metavar="ADDRESS=VALUES",
        help="Sweep the input cells at ADDRESS ('Sheet[key=value,...].column') over VALUES "
        "(a comma list, start:stop:step, or multipliers x0.8,x1.2). Repeat for several "
        "parameters. Without --param (or --sweep) the workbook's Sweeps sheet is run.",
    ),
    mode: str = typer.Option(
        "one_at_a_time",
        "--mode",
        metavar="MODE",
        help="How the --param values combine: one_at_a_time (tornado), grid (every "
        "combination) or frontier (one parameter, usually Targets\\[target=X].value).",
    ),
    sweep: list[str] = typer.Option(
        [], "--sweep", metavar="NAME", help="Run only this sweep of the Sweeps sheet (repeatable)."
    ),
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
        Path("outputs"),
        "--out",
        metavar="DIR",
        help="Folder for the sweep workbook (created if needed).",
    ),
    morris: int | None = typer.Option(
        None,
        "--morris",
        min=2,
        metavar="N",
        help="Morris screening with N trajectories over the --uncertain inputs.",
    ),
    sobol: int | None = typer.Option(
        None,
        "--sobol",
        min=2,
        metavar="N",
        help="Sobol indices from a Saltelli sample of base size N (a power of 2; N x (k + 2) "
        "runs for k inputs).",
    ),
    uncertain: list[str] = typer.Option(
        [],
        "--uncertain",
        metavar="ADDRESS=LOW:HIGH",
        help="An uncertain input for --morris / --sobol: a range of values, or of multipliers "
        "x0.8:x1.2.",
    ),
    seed: int = typer.Option(0, "--seed", metavar="N", help="Seed of the Morris / Sobol samples."),
    time_limit: float | None = typer.Option(
        None, "--time-limit", metavar="S", min=0, help="Solver time limit per run (seconds)."
    ),
    mip_gap: float | None = typer.Option(
        None, "--mip-gap", metavar="G", min=0, max=1, help="Relative MIP gap per run."
    ),
    figures: bool = typer.Option(
        False, "--figures", help="Also write the tornado and frontier charts as PNG files."
    ),
    warm_start: bool = typer.Option(
        False,
        "--warm-start",
        help="Keep HiGHS' previous solution between runs of a worker (may be faster; a run's "
        "plan may then differ from a fresh solve within the MIP gap).",
    ),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
    max_runs: int = typer.Option(
        10_000,
        "--max-runs",
        min=1,
        metavar="N",
        help="Refuse, before starting, a sweep of more than N runs.",
    ),
) -> None:
    """Sensitivity runs: one-at-a-time (tornado), grid and frontier sweeps, Morris / Sobol.

    Writes OUT/<workbook>_sweep.xlsx: Runs, Tornado, Frontier, Sensitivity, SweepInfo.

    Re-solves reuse one persistent model per worker. See docs/sweeps.md.
    """
    code = run_sweep_command(
        workbook,
        params=param,
        mode=mode,
        sweeps=sweep,
        workers=workers,
        scheduler=scheduler,
        out=out,
        morris=morris,
        sobol=sobol,
        uncertain=uncertain,
        seed=seed,
        time_limit=time_limit,
        mip_gap=mip_gap,
        figures=figures,
        warm_start=warm_start,
        progress=not quiet,
        max_runs=max_runs,
    )
    raise typer.Exit(code)


def run_sweep_command(
    workbook,
    *,
    params,
    mode,
    sweeps,
    workers,
    scheduler,
    out,
    morris,
    sobol,
    uncertain,
    seed,
    time_limit,
    mip_gap,
    figures,
    warm_start,
    progress,
    max_runs: int = 10_000,
) -> int:
    from mineralclub.io.early import sha256
    from mineralclub.io.messages import input_problem_lines
    from mineralclub.io.tables import InputError
    from mineralclub.io.workbook_path import workbook_path_problem
    from mineralclub.solve import SolveOptions
    from mineralclub.sweep.execute import DaskMissing, import_distributed
    from mineralclub.sweep.plan import PlanError
    from mineralclub.sweep.sweep import (
        SweepRequest,
        load_base,
        plan_runs,
        solve_sweep,
        write_sweep,
    )

    err = sys.stderr
    workbook = Path(workbook)
    problem = workbook_path_problem(workbook)
    if problem:
        print(f"error: {problem}", file=err)
        return EXIT_INPUT
    try:
        base = load_base(workbook)
    except InputError as exc:
        print("\n".join(input_problem_lines(exc.problems, workbook)), file=err)
        return EXIT_INPUT
    req = SweepRequest(
        params=list(params),
        mode=mode,
        sweeps=list(sweeps),
        uncertain=list(uncertain),
        morris=morris,
        sobol=sobol,
        seed=seed,
        workers=workers,
        scheduler=scheduler,
        keep_basis=warm_start,
        progress=progress,
        figures=figures,
        max_runs=max_runs,
    )
    try:
        if scheduler is not None:
            import_distributed()
        runs, samples, problems = plan_runs(base, req)
    except (PlanError, DaskMissing) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            print(f"error: {message}", file=err)
        return EXIT_INPUT
    if problems:
        for message in problems:
            print(f"error: {message}", file=err)
        print(f"{len(problems)} bad sweep value(s); nothing was solved.", file=err)
        return EXIT_INPUT
    print(f"{len(runs)} run(s) of {workbook.name}", file=err)
    opts = SolveOptions(mip_gap=mip_gap, time_limit=time_limit)
    sheets = solve_sweep(base, runs, samples, req, opts)
    target = Path(out) / f"{workbook.stem}_sweep.xlsx"
    result = write_sweep(
        target,
        sheets,
        figures,
        {"input_path": str(workbook.resolve()), "input_sha256": sha256(workbook)},
    )
    counts = ", ".join(f"{n} {s}" for s, n in sorted(result.statuses.items()))
    print(f"{len(runs)} run(s): {counts}; sweep workbook: {result.path}", file=err)
    for png in result.figures:
        print(f"figure: {png}", file=err)
    solved = sum(n for s, n in result.statuses.items() if s in ("OPTIMAL", "TIME_LIMIT"))
    infeasible = result.statuses.get("INFEASIBLE", 0)
    return EXIT_SOLVER if solved + infeasible == 0 else 0
