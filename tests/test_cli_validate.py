"""The command line: validate, template, solve (stub over the pipeline), help texts."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import types

import openpyxl
import pytest
from typer.testing import CliRunner

from mineralclub import cli
from mineralclub.cli import app

runner = CliRunner()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_validate_ok(example_small_path):
    before = digest(example_small_path)
    result = runner.invoke(app, ["validate", str(example_small_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: ")
    assert "3 countries (1 member), 1 mineral, 2 periods, 2 scenarios" in result.stdout
    assert digest(example_small_path) == before


def test_validate_prints_warnings_and_exits_0(make_workbook):
    path = make_workbook({"Countries!J1": "notes", "Countries!J2": "x"})
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert 'Countries!J1: warning: unknown column "notes"' in result.stderr
    assert "1 warning." in result.stdout


def test_validate_annotate_writes_copy_and_keeps_input(make_workbook, tmp_path):
    path = make_workbook({"Projects!F3": "lots"})
    before = digest(path)
    copy = tmp_path / "annotated.xlsx"
    result = runner.invoke(app, ["validate", str(path), "--annotate", str(copy)])
    assert result.exit_code == 2
    assert 'Projects!F3: capex_musd must be a number >= 0, found "lots"' in result.stderr
    assert digest(path) == before
    assert "capex_musd" in openpyxl.load_workbook(copy)["Projects"]["F3"].comment.text


def test_validate_annotate_refuses_the_input_path(make_workbook):
    path = make_workbook({"Projects!F3": "lots"})
    before = digest(path)
    result = runner.invoke(app, ["validate", str(path), "--annotate", str(path)])
    assert result.exit_code == 2
    assert "refusing to annotate over the input file" in result.stderr
    assert digest(path) == before


@pytest.mark.parametrize("name", ["missing.xlsx", "text.xlsx"])
def test_validate_unreadable_file(tmp_path, name):
    if name == "text.xlsx":
        (tmp_path / name).write_text("not a workbook")
    result = runner.invoke(app, ["validate", str(tmp_path / name)])
    assert result.exit_code == 2
    assert name in result.stderr
    assert "Traceback" not in result.output


def test_template_command(tmp_path):
    path = tmp_path / "sub" / "blank.xlsx"
    result = runner.invoke(app, ["template", str(path)])
    assert result.exit_code == 0, result.output
    assert "README" in openpyxl.load_workbook(path).sheetnames


@pytest.fixture
def fake_pipeline(monkeypatch):
    calls = []

    def solve_command(
        workbook,
        out,
        json_output,
        time_limit,
        mip_gap,
        write_model,
        figures=False,
        verbose=False,
        early=None,
    ):
        assert early is None  # no child process reads the input in a caller's process
        calls.append((workbook, out, json_output, time_limit, mip_gap, write_model))
        module.figures.append(figures)
        module.verbose.append(verbose)
        return 3

    module = types.ModuleType("mineralclub.cli_solve")
    module.solve_command = solve_command
    module.figures = []
    module.verbose = []
    monkeypatch.setitem(sys.modules, "mineralclub.cli_solve", module)
    return calls


def test_solve_passes_options_and_returns_the_exit_code(fake_pipeline, tmp_path):
    args = [
        "solve",
        "w.xlsx",
        "--out",
        str(tmp_path),
        "--json",
        "--time-limit",
        "60",
        "--mip-gap",
        "0.01",
        "--write-model",
        "m.lp",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 3
    ((workbook, out, json_output, time_limit, mip_gap, write_model),) = fake_pipeline
    assert (str(workbook), out, json_output, time_limit, mip_gap, str(write_model)) == (
        "w.xlsx",
        tmp_path,
        True,
        60.0,
        0.01,
        "m.lp",
    )


def test_solve_passes_figures(fake_pipeline):
    assert runner.invoke(app, ["solve", "w.xlsx", "--figures"]).exit_code == 3
    assert sys.modules["mineralclub.cli_solve"].figures == [True]


def test_solve_passes_verbose(fake_pipeline):
    assert runner.invoke(app, ["solve", "w.xlsx", "-v"]).exit_code == 3
    assert runner.invoke(app, ["solve", "w.xlsx"]).exit_code == 3
    assert sys.modules["mineralclub.cli_solve"].verbose == [True, False]


def test_solve_defaults_to_the_bundled_base_case(fake_pipeline):
    assert runner.invoke(app, ["solve"]).exit_code == 3
    workbook, out, json_output, time_limit, mip_gap, write_model = fake_pipeline[0]
    assert workbook == cli.default_workbook()
    assert workbook.parts[-2:] == ("inputs", "base_case.xlsx")
    assert (str(out), json_output, time_limit, mip_gap, write_model) == (
        "outputs",
        False,
        None,
        None,
        None,
    )


@pytest.mark.parametrize("command", [[], ["validate"], ["template"], ["solve"]])
def test_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_python_dash_m_help():
    done = subprocess.run(
        [sys.executable, "-m", "mineralclub", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for command in ("validate", "template", "solve"):
        assert command in done.stdout
