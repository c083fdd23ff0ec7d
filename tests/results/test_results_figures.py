"""`solve --figures` writes the charts as PNG files; the workbook opens in LibreOffice."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from mineralclub.cli import app
from mineralclub.report.charts import chart_specs
from mineralclub.report.figures import write_figures

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n"


def test_solve_with_figures_writes_one_png_per_chart(tmp_path, example_small_path):
    res = runner.invoke(
        app, ["solve", str(example_small_path), "--out", str(tmp_path), "--figures"]
    )
    assert res.exit_code == 0, res.output
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert pngs == sorted(
        [
            "example_small_results_concentration_nonmember_share.png",
            "example_small_results_concentration_hhi.png",
            "example_small_results_cost_by_lever.png",
            "example_small_results_cost_beyond_levers.png",
            "example_small_results_stockpile_levels.png",
            "example_small_results_support_by_host.png",
            "example_small_results_ledger_net_positions.png",
        ]
    )
    for name in pngs:
        assert (tmp_path / name).read_bytes()[:8] == PNG
    assert "figure:" in res.stderr
    assert not list(tmp_path.glob(".*"))  # no temp files left behind


def test_json_lists_the_figures_and_leaves_stderr_quiet(tmp_path, example_small_path):
    res = runner.invoke(
        app, ["solve", str(example_small_path), "--out", str(tmp_path), "--figures", "--json"]
    )
    assert res.exit_code == 0, res.output
    listed = json.loads(res.stdout)["figures"]
    assert sorted(Path(p).name for p in listed) == sorted(p.name for p in tmp_path.glob("*.png"))
    assert len(listed) == 7
    assert "figure:" not in res.stderr


def test_without_figures_no_png_is_written(small_run):
    assert not list(small_run.results_path.parent.glob("*.png"))


def test_figures_are_drawn_from_the_tables_alone(ban_run, tmp_path):
    paths = write_figures(ban_run.tables, tmp_path / "run.xlsx")
    assert [p.name for p in paths] == [f"run_{s.name}.png" for s in chart_specs(ban_run.tables)]


def soffice(tmp_path, fmt: str, path) -> None:
    profile = (tmp_path / "profile").as_uri()  # a private profile: parallel runs don't clash
    proc = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(tmp_path / fmt),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_results_workbook_opens_in_libreoffice(ban_run, tmp_path):
    """LibreOffice loads the workbook, exports it to PDF, and keeps all seven charts when it
    saves it back as .xlsx (so it understood them)."""
    soffice(tmp_path, "pdf", ban_run.results_path)
    pdf = tmp_path / "pdf" / "example_ban_results.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
    soffice(tmp_path, "xlsx", ban_run.results_path)
    book = openpyxl.load_workbook(tmp_path / "xlsx" / "example_ban_results.xlsx")
    assert len(book["Charts"]._charts) == 7
