"""`mineralclub solve` shows each step with its elapsed time on standard error (issue 16), says
nothing there under --json but warnings, and passes HiGHS' log through with --verbose."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from mineralclub.cli import app
from mineralclub.cli_progress import StepDisplay
from mineralclub.progress import SolverEvent

ROOT = Path(__file__).resolve().parents[1]
STEPS = ["read", "validate", "build", "solve", "baseline", "marginal costs", "results", "write"]

runner = CliRunner()


def step_lines(stderr: str) -> dict[str, int]:
    """Step name -> line number of its `  name   1.2 s` line."""
    found = {}
    for i, line in enumerate(stderr.splitlines()):
        match = re.match(r"^  ([a-z][a-z ]*?) +\d+\.\d s(   .*)?$", line)
        if match:
            found[match.group(1)] = i
    return found


def test_solve_shows_every_step_with_its_elapsed_time(example_small_path, tmp_path):
    res = runner.invoke(app, ["solve", str(example_small_path), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    at = step_lines(res.stderr)
    assert sorted(at) == sorted(STEPS), res.stderr
    order = ["read", "validate", "build", "solve", "marginal costs", "results", "write"]
    assert [at[s] for s in order] == sorted(at[s] for s in order)
    assert at["validate"] < at["baseline"] < at["marginal costs"]  # beside the plan
    solve_line = res.stderr.splitlines()[at["solve"]]
    assert re.search(r"incumbent [\d,.]+, bound [\d,.]+, gap 0\.\d\d%$", solve_line), solve_line
    assert "[plan]" not in res.stderr  # the solver log only with --verbose
    assert res.stderr.rstrip().splitlines()[-1].startswith("OPTIMAL: objective")


def test_json_leaves_standard_error_empty(example_small_path, tmp_path):
    """A real process: nothing on standard error, not even from HiGHS' C++ code."""
    result = subprocess.run(
        [sys.executable, "-m", "mineralclub", "solve", str(example_small_path)]
        + ["--out", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith('{"status": "OPTIMAL"')


def test_json_shows_warnings_only(make_workbook, tmp_path):
    path = make_workbook({"Projects!N1": "notes", "Projects!N2": "ask the ministry"})
    res = runner.invoke(app, ["solve", str(path), "--out", str(tmp_path), "--json"])
    assert res.exit_code == 0
    lines = res.stderr.splitlines()
    assert lines and all(line.startswith("Projects!N1: warning:") for line in lines), lines


def test_verbose_passes_the_highs_log_labelled_by_model(example_small_path, tmp_path):
    args = ["solve", str(example_small_path), "--out", str(tmp_path), "--verbose"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    lines = res.stderr.splitlines()
    for model in ("plan", "baseline"):
        assert f"[{model}] Presolving model" in lines, res.stderr
        assert f"[{model}] Solving report" in lines
    assert sorted(step_lines(res.stderr)) == sorted(STEPS)  # the steps are still shown


def test_verbose_json_passes_the_log_without_the_steps(example_small_path, tmp_path):
    args = ["solve", str(example_small_path), "--out", str(tmp_path), "--json", "-v"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0
    assert "[plan] Solving report" in res.stderr.splitlines()
    assert step_lines(res.stderr) == {}


def event(model: str, objective: float, improving: bool = True) -> SolverEvent:
    return SolverEvent(model, improving, 1.0, objective, objective - 1.0, 1.0 / objective, 0)


def test_display_lines_from_two_threads():
    """Plain lines (no terminal): one per finished step, with its model's last figures, and
    one per improving solution naming its model."""
    out = io.StringIO()
    display = StepDisplay(Console(file=out, force_terminal=False, width=80))
    with display:
        display.start("solve", "plan")

        def baseline() -> None:
            display.start("baseline", "baseline")
            display.solver(event("baseline", 50.0))
            display.solver(event("baseline", 40.0, improving=False))
            display.finish("baseline")

        thread = threading.Thread(target=baseline)
        thread.start()
        thread.join()
        display.solver(event("plan", 200.0))
        display.finish("solve")
    lines = out.getvalue().splitlines()
    assert [re.sub(r"\s+\d+\.\d s", " T s", line) for line in lines] == [
        " T s   baseline: incumbent 50.00, bound 49.00, gap 2.00%",
        "  baseline T s   incumbent 40.00, bound 39.00, gap 2.50%",
        " T s   plan: incumbent 200.00, bound 199.00, gap 0.50%",
        "  solve T s   incumbent 200.00, bound 199.00, gap 0.50%",
    ]


def test_display_on_a_terminal_prints_the_finished_steps():
    out = io.StringIO()
    display = StepDisplay(Console(file=out, force_terminal=True, width=100))
    assert display.live_area
    with display:
        display.start("read")
        display.finish("read")
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue()).replace("\r", "\n")
    assert re.search(r"^  read +\d+\.\d s$", text, re.M), repr(text)
