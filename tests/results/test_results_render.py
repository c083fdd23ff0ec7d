"""The results and sweep workbooks as a person sees them: rendered by LibreOffice (headless) to
PDF. The Summary and the Charts sheets print on one page each; every page's footer names its
sheet, so pages are counted per sheet from the PDF's text (skipped without LibreOffice or
poppler's pdftotext)."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mineralclub.cli import app

INPUTS = Path(__file__).resolve().parents[2] / "inputs"
pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or pdftotext not installed",
)


def render(path: Path, tmp_path: Path) -> Path:
    profile = (tmp_path / "profile").as_uri()  # a private profile: parallel runs don't clash
    proc = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return tmp_path / "pdf" / f"{path.stem}.pdf"


def pages_per_sheet(pdf: Path, sheets: list[str]) -> Counter:
    """Pages per sheet, read from each page's footer: '<sheet> ... Page i of n'."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    count = Counter()
    for page in text.split("\f"):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        if not lines:
            continue
        footer = lines[-1]
        name = next(
            (s for s in sorted(sheets, key=len, reverse=True) if footer.startswith(s + " ")), None
        )
        count[name] += 1
    return count


def test_summary_and_charts_print_on_one_page_each(ban_run, tmp_path):
    import openpyxl

    sheets = openpyxl.load_workbook(ban_run.results_path, read_only=True).sheetnames
    pages = pages_per_sheet(render(ban_run.results_path, tmp_path), sheets)
    assert pages["Summary"] == 1 and pages["Charts"] == 1, pages
    assert None not in pages, pages  # every page carries its sheet's footer
    assert set(pages) == set(sheets)
    assert sum(pages.values()) <= 2 * len(sheets), pages  # a small example: short sheets


def test_sweep_workbook_renders_with_its_charts(tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(
        app, ["sweep", str(INPUTS / "example_sweep.xlsx"), "--out", str(out), "--quiet"]
    )
    assert res.exit_code == 0, res.output
    path = out / "example_sweep_sweep.xlsx"
    pages = pages_per_sheet(
        render(path, tmp_path), ["Runs", "Tornado", "Frontier", "SweepInfo", "ChartData"]
    )
    assert None not in pages, pages
    assert pages["Tornado"] == 1 and pages["Frontier"] == 1, pages  # table and chart together
