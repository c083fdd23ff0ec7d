"""The ``mineralclub`` command line: thin typer commands over the io layer and the pipeline (§8).

Exit codes: 0 ok, 2 bad input, 3 infeasible targets or budget, 4 solver failure or no feasible
plan in time. Messages go to standard error; ``solve --json`` prints one object on standard output.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from mineralclub.cli_help import plain_flags, reflow_commands
from mineralclub.exit_codes import EXIT_INPUT, EXIT_SOLVER

if TYPE_CHECKING:  # the io layer (pandas, openpyxl) is imported by the commands that use it,
    from mineralclub.io.tables import Problem, Tables  # so that --help starts at once

plain_flags()  # --help lists on/off options as flags, without a "<bool>" type

app = typer.Typer(
    name="mineralclub",
    help="Coalition policy optimisation for critical-mineral supply security: which mix of "
    "project finance, price floors, offtake contracts and stockpiles reaches the club's "
    "concentration targets at minimum cost.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def default_workbook() -> Path:
    """The bundled base case: ``inputs/base_case.xlsx`` next to ``src/`` in the repository."""
    return Path(__file__).resolve().parents[2] / "inputs" / "base_case.xlsx"


@app.command("validate")
def validate_command(
    workbook: Path = typer.Argument(..., help="Input workbook (.xlsx) to check."),
    annotate_copy: Path | None = typer.Option(
        None,
        "--annotate",
        metavar="COPY.xlsx",
        help="Also write a copy of the workbook with each bad cell highlighted and commented. "
        "The input file is never modified.",
    ),
) -> None:
    """Check a workbook against the input contract and list every problem with its cell.

    Exit code 0 when the workbook is usable (warnings may be printed), 2 when it has errors.
    """
    from mineralclub.io.read_workbook import read_workbook
    from mineralclub.io.tables import InputError
    from mineralclub.io.validate import validate
    from mineralclub.io.workbook_path import workbook_path_problem

    problem = workbook_path_problem(workbook)
    if problem:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(EXIT_INPUT)
    raw = None
    try:
        raw = read_workbook(workbook)
        tables = validate(raw)
        problems = list(tables.warnings)
    except InputError as exc:
        tables, problems = None, exc.problems
    print_problems(problems)
    if annotate_copy is not None and raw is None:
        typer.echo("No annotated copy written: the file cannot be read as a workbook.", err=True)
    elif annotate_copy is not None:
        write_annotated(workbook, problems, annotate_copy)
    if tables is None:
        errors = sum(p.level == "error" for p in problems)
        typer.echo(
            f"{workbook}: {errors} error(s), {len(problems) - errors} warning(s); "
            "fix the errors and run validate again.",
            err=True,
        )
        raise typer.Exit(EXIT_INPUT)
    typer.echo(f"OK: {workbook}: {summary(tables)}; {plural(len(problems), 'warning')}.")


@app.command("template")
def template_command(
    path: Path = typer.Argument(..., help="Where to write the blank workbook (.xlsx)."),
    force: bool = typer.Option(False, "--force", help="Replace PATH if it already exists."),
) -> None:
    """Write a blank input workbook: every sheet and column, with drop-downs.

    Each header carries its description and unit as a comment; a README sheet describes every
    sheet and column. An existing file is never replaced without --force.
    """
    from mineralclub.io.template import write_template

    if path.exists() and not force:
        what = "a folder" if path.is_dir() else "a file"
        typer.echo(
            f"error: {path} is already {what}; nothing was written. Choose another "
            "path, or add --force to replace the file.",
            err=True,
        )
        raise typer.Exit(EXIT_INPUT)
    if path.is_dir():
        typer.echo(f"error: {path} is a folder; give a file name ending in .xlsx", err=True)
        raise typer.Exit(EXIT_INPUT)
    try:
        write_template(path)
    except OSError as exc:
        typer.echo(f"error: cannot write {path}: {exc}", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    typer.echo(f"Wrote template {path}")


@app.command("solve")
def solve_command(
    workbook: Path | None = typer.Argument(
        None, help="Input workbook (.xlsx). Default: the bundled inputs/base_case.xlsx."
    ),
    out: Path = typer.Option(
        Path("outputs"),
        "--out",
        metavar="DIR",
        help="Folder for the results workbook (created if needed).",
    ),
    json_output: bool = typer.Option(
        False, "--json", help="Print the results as one JSON object on standard output."
    ),
    time_limit: float | None = typer.Option(
        None,
        "--time-limit",
        metavar="S",
        min=0,
        help="Solver time limit in seconds (overrides Settings time_limit_s).",
    ),
    mip_gap: float | None = typer.Option(
        None,
        "--mip-gap",
        metavar="G",
        min=0,
        max=1,
        help="Relative MIP gap at which the solver stops (overrides Settings mip_gap).",
    ),
    write_model: Path | None = typer.Option(
        None, "--write-model", metavar="FILE", help="Also write the model as FILE.mps or FILE.lp."
    ),
    figures: bool = typer.Option(
        False, "--figures", help="Also write the charts as PNG files beside the workbook."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Also print HiGHS' own solver log on standard error."
    ),
) -> None:
    """Solve a workbook: the cheapest mix of levers that meets the targets in every scenario.

    Standard error shows each step's time, and HiGHS' incumbent, bound and gap (not with --json).

    Exit codes: 0 ok, 2 bad input, 3 infeasible targets or budget, 4 solver failure.
    """
    from mineralclub.io.workbook_path import workbook_path_problem

    problem = workbook_path_problem(workbook or default_workbook())
    if problem:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(EXIT_INPUT)
    early = None
    if OWN_PROCESS[0]:  # the input read in a child process while the solver is imported
        from mineralclub.io.early import ReadAhead

        early = ReadAhead(workbook or default_workbook())
    try:
        run = load_pipeline()
        code = run(
            workbook or default_workbook(),
            out,
            json_output,
            time_limit,
            mip_gap,
            write_model,
            figures=figures,
            verbose=verbose,
            early=early,
        )
    finally:
        if early is not None:
            early.close()
    raise typer.Exit(int(code))


def main() -> None:
    """The ``mineralclub`` console script: the app, with Ctrl-C and SIGTERM reported as an
    interruption (exit 130 / 143; see :mod:`mineralclub.interrupt`)."""
    from mineralclub.interrupt import main as run_interruptible

    OWN_PROCESS[0] = True
    try:
        run_interruptible(app)
    except SystemExit as exc:
        if sys.argv[1:2] == ["solve"] and isinstance(exc.code, int | None):
            leave(exc.code or 0)
        raise
    finally:
        OWN_PROCESS[0] = False


def leave(code: int) -> NoReturn:
    """End a `solve`'s process at once, without the interpreter's teardown (0.07-0.12 s on the
    base case, most of it freeing the model's objects one by one; benchmarks/README.md). What
    the teardown would do that matters to a solve is done first: logging's handlers and the
    standard streams flushed (a stream that cannot be, such as a closed pipe, makes the
    exit code 120, whatever it was, as at the interpreter's own exit). By then the results
    are written (atomically) and no thread is at work: the solve's threads end with it, and
    an interrupted command leaves the same way (`interrupt.main`)."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = 120
    os._exit(code)


# True when the command line owns the process (the console script, `python -m mineralclub`), not
# when `app` is called from a caller's process (tests, notebooks): only then are a command's
# imports settled out of the collector's reach (`memory.settled_imports`)
OWN_PROCESS = [False]


def load_pipeline() -> Callable[..., int]:
    """``mineralclub.cli_solve.solve_command``, imported only when a solve is asked for (it
    imports the solver pipeline: Pyomo, HiGHS, pandas); in a process of its own, without the
    cycle collector, and what it imported is then settled (`memory.settled_imports`)."""
    from mineralclub.memory import settled_imports

    try:
        with settled_imports() if OWN_PROCESS[0] else nullcontext():
            from mineralclub.cli_solve import solve_command as run
    except ModuleNotFoundError as exc:
        if exc.name not in ("mineralclub.cli_solve", "mineralclub.pipeline"):
            raise
        typer.echo("error: the solver pipeline is not installed in this version", err=True)
        raise typer.Exit(EXIT_SOLVER) from None
    return run


def print_problems(problems: list[Problem]) -> None:
    from mineralclub.io.messages import capped_lines

    for line in capped_lines(problems):
        typer.echo(line, err=True)


def write_annotated(workbook: Path, problems: list[Problem], copy: Path) -> None:
    from mineralclub.io.annotate import annotate

    try:
        annotate(workbook, problems, copy)
    except Exception as exc:  # a workbook openpyxl cannot load or save is bad input, not a crash
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        typer.echo(f"error: cannot write the annotated copy: {reason}", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    typer.echo(f"Wrote annotated copy {copy}", err=True)


def summary(tables: Tables) -> str:
    members = int(tables["Countries"]["member"].sum())
    counts = [plural(len(tables["Countries"]), "country", "countries")]
    counts[0] += f" ({plural(members, 'member')})"
    for sheet, noun in (
        ("Minerals", "mineral"),
        ("Periods", "period"),
        ("Scenarios", "scenario"),
        ("Projects", "project"),
        ("Targets", "target"),
    ):
        counts.append(plural(len(tables[sheet]), noun))
    return ", ".join(counts)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


# Commands that read results workbooks (issue 9).
from mineralclub.cli_results import diff_command, explain_command  # noqa: E402

app.command("explain")(explain_command)
app.command("diff")(diff_command)

# Sensitivity analysis (issue 8).
from mineralclub.cli_sweep import sweep_command  # noqa: E402

app.command("sweep")(sweep_command)

# Scenarios sampled from stated disruption risks (issue 17).
from mineralclub.cli_sample import sample_command  # noqa: E402

app.command("sample")(sample_command)

# Coalition values and stability (issue 18).
from mineralclub.cli_coalition import coalition_command  # noqa: E402

app.command("coalition")(coalition_command)

# Near-optimal alternatives (issue 19).
from mineralclub.cli_alternatives import alternatives_command  # noqa: E402

app.command("alternatives")(alternatives_command)

reflow_commands(app)  # docstrings as evenly wrapped help paragraphs
