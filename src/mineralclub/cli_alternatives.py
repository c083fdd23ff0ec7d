"""``mineralclub alternatives``: near-optimal plans and each country's or lever's range within
a cost slack (SPEC §8; issue 19).

Registered on the main app in `mineralclub.cli`; Pyomo is imported only when the command runs.
Exit codes: 0 the Alternatives workbook was written, 2 bad input (nothing solved or written),
3 the hard targets or budget cannot be met (each named with its best achievable value; nothing
written), 4 solver failure.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from mineralclub.exit_codes import EXIT_INFEASIBLE, EXIT_INPUT, EXIT_OK, EXIT_SOLVER

SPACES = ("project", "country", "lever")


def alternatives_command(
    workbook: Path = typer.Argument(..., help="Input workbook (.xlsx)."),
    slack: float = typer.Option(
        0.05,
        "--slack",
        min=0,
        max=10,
        metavar="S",
        help="Cost slack: plans may cost at most (1 + S) x the least cost (the objective "
        "without target penalties).",
    ),
    count: int = typer.Option(
        5,
        "--count",
        min=0,
        max=100,
        metavar="N",
        help="Up to N alternative plans besides the least-cost one.",
    ),
    by: str = typer.Option(
        "project",
        "--by",
        metavar="project|country|lever",
        help="How plans must differ: which projects are built, which countries host the "
        "supported capacity, or how the money splits between levers. Ranges are given per "
        "host country (per lever with --by lever).",
    ),
    out: Path = typer.Option(
        Path("outputs"), "--out", help="Folder for the Alternatives workbook (created if needed)."
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        metavar="N",
        help="Solve the ranges in N local worker processes (one model and HiGHS thread each).",
    ),
    time_limit: float | None = typer.Option(
        None, "--time-limit", metavar="S", min=0, help="Solver time limit per solve (s)."
    ),
    mip_gap: float | None = typer.Option(
        None, "--mip-gap", metavar="G", min=0, max=1, help="Relative MIP gap per solve."
    ),
) -> None:
    """Near-optimal alternatives: plans within a cost slack that differ as much as possible,
    and the least and most each host country (or lever) can get within it.

    Writes OUT/<workbook>_alternatives.xlsx (Summary, Charts, Plans, Ranges, Info) and
    OUT/<workbook>_alternatives.md (the paragraph, also printed).
    """
    raise typer.Exit(
        run_alternatives(workbook, slack, count, by, out, time_limit, mip_gap, workers)
    )


def run_alternatives(
    workbook: Path,
    slack: float,
    count: int,
    by: str,
    out: Path,
    time_limit=None,
    mip_gap=None,
    workers: int = 1,
) -> int:
    from rich.console import Console

    from mineralclub.alternatives import Infeasible, find_alternatives, write_alternatives
    from mineralclub.dataset import build_dataset
    from mineralclub.io.atomic import write_atomic
    from mineralclub.io.early import sha256
    from mineralclub.io.messages import input_problem_lines
    from mineralclub.io.tables import InputError
    from mineralclub.pipeline import load_tables, output_problem, warning_text
    from mineralclub.solve import SolveOptions, SolverFailure

    err = sys.stderr
    workbook, out = Path(workbook), Path(out)
    if by not in SPACES:
        print(f"error: --by {by!r}: use one of {', '.join(SPACES)}", file=err)
        return EXIT_INPUT
    target = out / f"{workbook.stem}_alternatives.xlsx"
    brief = target.with_suffix(".md")
    problem = output_problem(out, None)
    if (
        problem is None
        and workbook.exists()
        and any(p.exists() and p.resolve() == workbook.resolve() for p in (target, brief))
    ):
        problem = f"cannot write to {target}: it is the input workbook"
    if problem:
        print(problem, file=err)
        return EXIT_INPUT
    try:
        tables = load_tables(workbook)
    except InputError as exc:
        print("\n".join(input_problem_lines(exc.problems, workbook)), file=err)
        return EXIT_INPUT
    except OSError as exc:
        print(f"cannot read {workbook}: {exc}", file=err)
        return EXIT_INPUT
    for p in tables.warnings:
        print(warning_text(p), file=err)
    ds = build_dataset(tables)
    opts = SolveOptions(mip_gap=mip_gap, time_limit=time_limit)
    try:
        with Console(stderr=True).status("Starting") as status:
            result = find_alternatives(
                ds,
                by=by,
                slack=slack,
                count=count,
                opts=opts,
                progress=lambda message: status.update(message),
                workers=workers,
            )
    except Infeasible:
        for message in infeasibility(ds, opts):
            print(message, file=err)
        print("no least-cost plan to start from: nothing was written", file=err)
        return EXIT_INFEASIBLE
    except SolverFailure as exc:
        print(str(exc), file=err)
        return EXIT_SOLVER
    text = write_alternatives_files(
        result, target, brief, workbook, sha256, write_alternatives, write_atomic
    )
    for message in result.messages:
        print(message, file=err)
    print(text)
    print(
        f"{len(result.plans) - 1} alternative plan(s), {len(result.ranges)} range(s), "
        f"{result.solves} solve(s); workbook: {target}",
        file=err,
    )
    return EXIT_OK


def write_alternatives_files(
    result, target, brief, workbook, sha256, write_alternatives, write_atomic
) -> str:
    from mineralclub.alternatives import paragraph

    info = {"input_path": str(workbook.resolve()), "input_sha256": sha256(workbook)}
    write_alternatives(target, result, info)
    text = paragraph(result)
    write_atomic(
        brief,
        lambda tmp: tmp.write_text(
            f"# Alternatives: {workbook.name}\n\n{text}\n", encoding="utf-8"
        ),
    )
    return text


def infeasibility(ds, opts) -> list[str]:
    """Each unmet hard target with its best achievable value (the elastic plan of `solve`)."""
    from mineralclub.pipeline import infeasibility_messages
    from mineralclub.report import extract as R
    from mineralclub.solve import SolverFailure, solve_elastic

    try:
        m = solve_elastic(ds, opts)[0]
    except SolverFailure as exc:
        return [str(exc)]
    return infeasibility_messages(R.targets_table(m, ds), m)
