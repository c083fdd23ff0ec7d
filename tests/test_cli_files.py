"""Files and commands that do no harm (issue 16): template never replaces a file without
--force, a folder or a CSV gets told what to do, a member without gdp_busd is warned about at
its cell and the Ledger says which burden basis was used and why, --help shows flags as flags."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from mineralclub.cli import app
from mineralclub.cli_help import reflow
from mineralclub.dataset import Country
from mineralclub.report.ledger import basis_reason, cost_shares

runner = CliRunner()


def test_template_refuses_to_replace_a_file_without_force(tmp_path):
    target = tmp_path / "case.xlsx"
    target.write_bytes(b"a filled workbook")
    res = runner.invoke(app, ["template", str(target)])
    assert res.exit_code == 2
    assert "already a file" in res.stderr and "--force" in res.stderr
    assert target.read_bytes() == b"a filled workbook"
    res = runner.invoke(app, ["template", str(target), "--force"])
    assert res.exit_code == 0, res.output
    assert target.read_bytes()[:2] == b"PK"  # now the blank .xlsx template


def test_template_gets_the_users_umask(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        res = runner.invoke(app, ["template", str(tmp_path / "t.xlsx")])
    finally:
        os.umask(old)
    assert res.exit_code == 0, res.output
    assert stat.S_IMODE((tmp_path / "t.xlsx").stat().st_mode) == 0o644


def test_template_onto_a_folder_is_refused(tmp_path):
    res = runner.invoke(app, ["template", str(tmp_path), "--force"])
    assert res.exit_code == 2 and "is a folder" in res.stderr


@pytest.mark.parametrize("command", ["solve", "validate", "sweep"])
def test_a_csv_is_told_to_be_saved_as_xlsx(tmp_path, command):
    csv = tmp_path / "Countries.csv"
    csv.write_text("country,member\nA,TRUE\n")
    res = runner.invoke(
        app,
        [command, str(csv), "--out", str(tmp_path)]
        if command != "validate"
        else [command, str(csv)],
    )
    assert res.exit_code == 2
    assert "is a CSV file" in res.stderr and "save it as .xlsx" in res.stderr
    assert "Traceback" not in res.output
    assert not list(tmp_path.glob("*.xlsx"))


def test_a_folder_is_told_which_workbook_to_give(tmp_path, example_small_path):
    (tmp_path / "case.xlsx").write_bytes(example_small_path.read_bytes())
    res = runner.invoke(app, ["solve", str(tmp_path), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "is a folder (it holds case.xlsx)" in res.stderr
    assert str(tmp_path / "case.xlsx") in res.stderr
    assert not (tmp_path / "out").exists()


def test_a_member_without_gdp_is_warned_about_at_its_cell(make_workbook):
    """example_small: Alliedia (member) gives gdp_busd in G2; a new member Newland (row 5)
    without it switches the bill to equal shares: a warning at Countries!G5."""
    new = {"Countries!A5": "Newland", "Countries!B5": "NWL", "Countries!C5": True}
    path = make_workbook(new)
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 0, res.output
    line = next(ln for ln in res.stderr.splitlines() if ln.startswith("Countries!G5"))
    assert "warning: gdp_busd is blank for member Newland" in line
    assert "EQUALLY" in line
    every_gdp = make_workbook(new | {"Countries!G5": 500}, name="gdp.xlsx")
    res = runner.invoke(app, ["validate", str(every_gdp)])
    assert "gdp_busd is blank" not in res.stderr


def test_the_ledger_says_why_the_bill_is_shared_equally():
    def members(gdp):
        return [
            Country(c, m, False, 0.0, g, None)
            for c, m, g in zip("ABC", (True, False, True), gdp, strict=True)
        ]

    c = members([300.0, 9.0, None])
    shares, basis = cost_shares(c)
    assert basis == "equal" and shares == {"A": 0.5, "C": 0.5}
    assert basis_reason(c, basis) == (
        "no cost_share given; gdp_busd blank for C, so equal shares instead of GDP"
    )
    c = members([300.0, None, 100.0])
    assert basis_reason(c, cost_shares(c)[1]) == "no cost_share given; every member gives gdp_busd"


@pytest.mark.parametrize("command", ["solve", "validate", "template", "sweep", "explain", "diff"])
def test_help_shows_flags_as_flags_and_reads_evenly(command):
    res = runner.invoke(app, [command, "--help"], env={"COLUMNS": "100"}, terminal_width=100)
    assert res.exit_code == 0
    assert "<bool>" not in res.stdout
    assert "--help" in res.stdout
    # every option's type column is short, so its help text starts in one column
    columns = set()
    for line in res.stdout.splitlines():
        if line.startswith("│ --"):
            parts = re.split(r" {2,}", line.strip("│ "))
            assert len(parts) in (2, 3), line
            if len(parts) == 3:
                assert len(parts[1]) <= 16, line
            columns.add(line.index(parts[-1], len(parts[0]) + 2))
    assert len(columns) == 1, res.stdout


def test_reflow_joins_paragraph_lines_and_keeps_lists():
    doc = """First line
    goes on.

    Second paragraph
    wraps here.

    - item one
    - item two
    """
    assert (
        reflow(doc)
        == "First line goes on.\n\nSecond paragraph wraps here.\n\n- item one\n- item two"
    )


@pytest.mark.parametrize(
    "command",
    [
        "solve",
        "validate",
        "template",
        "sweep",
        "explain",
        "diff",
        "sample",
        "coalition",
        "alternatives",
    ],
)
def test_help_paragraphs_are_not_broken_at_the_docstrings_line_breaks(command):
    """--help wraps prose at the terminal's width, not at the docstring's line breaks: within a
    paragraph every line but the last fills the width (less one word)."""
    width = 120
    res = runner.invoke(app, [command, "--help"], env={"COLUMNS": str(width)}, terminal_width=width)
    assert res.exit_code == 0
    prose = res.stdout.split("Usage:", 1)[1].split("╭", 1)[0].splitlines()[1:]
    paragraphs: list[list[str]] = [[]]
    for line in prose:
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    assert paragraphs[0], res.stdout
    for paragraph in paragraphs:
        for line in paragraph[:-1]:
            if not line.startswith(("-", "*")):
                assert len(line) >= width - 25, (line, res.stdout)
