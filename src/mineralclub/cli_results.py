"""The commands that read results workbooks: ``explain`` and ``diff`` (SPEC §8).

They are registered on the main typer app in `mineralclub.cli`. Exit codes: 0 ok, 2 when a file
is missing or is not a results workbook.
"""

from __future__ import annotations

from pathlib import Path

import typer

from mineralclub.exit_codes import EXIT_INPUT


def explain_command(
    results: Path = typer.Argument(..., help="Results workbook written by `mineralclub solve`."),
    out: Path | None = typer.Option(
        None,
        "--out",
        metavar="FILE",
        help="Where to write the brief (markdown). Default: <stem>_brief.md beside the results.",
    ),
) -> None:
    """A one-page, plain-language brief of a solved plan (markdown).

    What the plan does, what it costs, which targets bind and at what marginal price, and what
    happens in the worst scenario, from the results workbook alone. Prints the brief on
    standard output and writes it to a file.
    """
    from mineralclub.io.paths import overwrite_problem
    from mineralclub.report.explain import NotAResultsWorkbook, explain_to_files

    refuse(overwrite_problem([results], [("--out", out)]))
    try:
        text, path = explain_to_files(results, out)
    except NotAResultsWorkbook as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    except OSError as exc:
        typer.echo(f"error: cannot write the brief: {exc}", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    typer.echo(text)
    typer.echo(f"Wrote {path}", err=True)


def diff_command(
    a: Path = typer.Argument(..., help="First results workbook (A)."),
    b: Path = typer.Argument(..., help="Second results workbook (B)."),
    out: Path | None = typer.Option(
        None,
        "--out",
        metavar="DIFF.xlsx",
        help="Where to write the differences. Default: <A stem>_vs_<B stem>.xlsx beside A.",
    ),
) -> None:
    """What differs between two runs: inputs, decisions, cost, concentration, targets.

    Inputs are compared cell by cell (when both input files still exist); decisions are the
    projects built, floor cover, offtake volumes and new stock capacity. Only changed rows are
    listed; the diff of a run with itself is empty.
    """
    from rich.console import Console

    from mineralclub.io.paths import overwrite_problem
    from mineralclub.report.diff import default_out, diff, render, write_diff
    from mineralclub.report.reader import NotAResultsWorkbook

    target = out if out is not None else default_out(a, b)
    refuse(overwrite_problem([a, b], [("--out", target)]))
    try:
        d = diff(a, b)
    except NotAResultsWorkbook as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    try:
        write_diff(d, target)
    except OSError as exc:
        typer.echo(f"error: cannot write {target}: {exc}", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    render(d, Console())
    typer.echo(f"Wrote {target}", err=True)


def refuse(problem: str | None) -> None:
    """Exit 2 with the message when an output would overwrite an input (SPEC §6)."""
    if problem:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(EXIT_INPUT)
