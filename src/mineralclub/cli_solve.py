"""What ``mineralclub solve`` shows and prints, and the exit code it ends with (SPEC §8).

The pipeline (:func:`mineralclub.pipeline.run`) computes and writes; this module presents: the
progress display on standard error (:mod:`mineralclub.cli_progress`; nothing but warnings and
errors under ``--json``), the messages, the one-line result or the JSON object on standard
output, and the exit code of the run's status.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from mineralclub.cli_progress import StepDisplay
from mineralclub.exit_codes import EXIT_INFEASIBLE, EXIT_INPUT, EXIT_OK, EXIT_SOLVER
from mineralclub.io.early import ReadAhead
from mineralclub.io.messages import input_problem_lines
from mineralclub.io.paths import model_file_problem
from mineralclub.io.tables import InputError
from mineralclub.pipeline import RunResult, output_problem, run
from mineralclub.solve import FAILED, INFEASIBLE, SolveOptions


def exit_code(status: str) -> int:
    """0 solved (also a time-limited run with an incumbent), 3 infeasible targets or budget,
    4 solver failure."""
    if status == INFEASIBLE:
        return EXIT_INFEASIBLE
    if status == FAILED:
        return EXIT_SOLVER
    return EXIT_OK


def solve_command(
    workbook: Path,
    out: Path,
    json_output: bool,
    time_limit: float | None,
    mip_gap: float | None,
    write_model: Path | None,
    figures: bool = False,
    verbose: bool = False,
    early: ReadAhead | None = None,
) -> int:
    """The `mineralclub solve` command: returns the exit code. `early`: the input read in a
    child process (`io.early`)."""
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
    display = StepDisplay(Console(stderr=True), steps=not json_output, verbose=verbose)
    try:
        with display:
            result = run(
                Path(workbook), Path(out), opts, figures=figures, progress=display, early=early
            )
    except InputError as exc:
        print("\n".join(input_problem_lines(exc.problems, workbook)), file=err)
        return EXIT_INPUT
    except OSError as exc:
        print(f"cannot read {workbook} or write the results: {exc}", file=err)
        return EXIT_INPUT
    for msg in result.messages:
        print(msg, file=err)
    if not json_output:  # under --json the figures are listed in the JSON
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
    return exit_code(result.status)


def json_payload(result: RunResult) -> dict[str, Any]:
    """The object `solve --json` prints: status, Summary, decisions, targets, messages."""

    def rows(name: str) -> list[dict[str, Any]]:
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
        "figures": [str(p) for p in result.figures],
        "messages": result.messages,
    }


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}
