"""The ``sample`` command: a copy of a workbook with N scenarios drawn from its DisruptionRisks.

Registered on the main typer app in `mineralclub.cli`. Exit codes: 0 ok, 2 bad input (nothing
written).
"""

from __future__ import annotations

from pathlib import Path

import typer

EXIT_INPUT = 2


def sample_command(
    workbook: Path = typer.Argument(..., help="Input workbook with a DisruptionRisks sheet."),
    scenarios: int = typer.Option(
        ...,
        "--scenarios",
        metavar="N",
        min=1,
        help="How many scenarios to sample (probability 1/N each).",
    ),
    seed: int = typer.Option(0, "--seed", metavar="S", help="Random seed (same seed, same copy)."),
    out: Path = typer.Option(
        ..., "--out", metavar="COPY.xlsx", help="Where to write the sampled copy (never the input)."
    ),
) -> None:
    """Write a copy of a workbook whose scenarios are sampled from its stated disruption risks.

    Every year a disruption of a DisruptionRisks row starts with its annual probability and
    cuts exports for its duration; the copy holds N such scenarios of probability 1/N, the
    prices of the most probable original scenario, and the Disruptions rows of every scenario
    (*). The input workbook is never modified.
    """
    from mineralclub.io.messages import input_problem_lines
    from mineralclub.io.read_workbook import read_workbook
    from mineralclub.io.tables import InputError
    from mineralclub.io.validate import validate
    from mineralclub.sample import SampleError, sample_scenarios, write_sample

    try:
        tables = validate(read_workbook(workbook))
        drawn = sample_scenarios(tables, scenarios, seed)
        notes = write_sample(workbook, tables, drawn, seed, out)
    except InputError as exc:
        for line in input_problem_lines(exc.problems, workbook, "nothing was written"):
            typer.echo(line, err=True)
        raise typer.Exit(EXIT_INPUT) from None
    except SampleError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    except OSError as exc:
        typer.echo(f"error: cannot read {workbook} or write {out}: {exc}", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    events = sum(len(s.events) for s in drawn)
    typer.echo(
        f"Wrote {out}: {len(drawn)} scenarios (seed {seed}), {events} sampled disruptions", err=True
    )
