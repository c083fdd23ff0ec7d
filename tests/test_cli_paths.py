"""No command ever writes to an input path; output folders are checked before the solve
(SPEC §6 Revision 2, issue 15 point 3)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mineralclub.cli import app

SMALL = Path(__file__).resolve().parents[1] / "inputs" / "example_small.xlsx"


@pytest.fixture
def book(tmp_path) -> Path:
    path = tmp_path / "book.xlsx"
    shutil.copyfile(SMALL, path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def invoke(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_write_model_onto_the_input_is_refused_before_solving(book, tmp_path):
    before = digest(book)
    link = tmp_path / "link.lp"
    link.symlink_to(book)
    for target in (book, link):
        result = invoke("solve", book, "--out", tmp_path / "out", "--write-model", target)
        assert result.exit_code == 2, result.output
        assert "refusing to write --write-model" in result.stderr
        assert "it is the input file" in result.stderr
    assert digest(book) == before
    assert not (tmp_path / "out").exists()  # nothing solved, nothing written


def test_write_model_needs_an_mps_or_lp_suffix(book, tmp_path):
    result = invoke("solve", book, "--out", tmp_path, "--write-model", tmp_path / "model.xlsx")
    assert result.exit_code == 2
    assert "the file must end in .mps or .lp" in result.stderr
    assert not (tmp_path / "model.xlsx").exists()


def test_write_model_into_a_new_folder_creates_it(book, tmp_path):
    target = tmp_path / "new" / "deeper" / "model.lp"
    result = invoke("solve", book, "--out", tmp_path / "out", "--write-model", target)
    assert result.exit_code == 0, result.output
    assert target.is_file() and "\nmin \nobj:" in target.read_text()[:2000]


def test_write_model_under_a_file_is_refused_before_solving(book, tmp_path):
    result = invoke("solve", book, "--out", tmp_path / "out", "--write-model", book / "model.lp")
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr
    assert not (tmp_path / "out").exists()


def test_out_onto_the_input_is_refused(book):
    before = digest(book)
    result = invoke("solve", book, "--out", book)
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr
    assert digest(book) == before


def test_annotate_onto_the_input_is_refused(book, tmp_path):
    before = digest(book)
    link = tmp_path / "hard.xlsx"
    link.hardlink_to(book)
    for target in (book, link):
        result = invoke("validate", book, "--annotate", target)
        assert result.exit_code == 2
        assert "refusing to annotate over the input file" in result.stderr
    assert digest(book) == before


def test_diff_and_explain_never_write_onto_their_inputs(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    a.write_bytes(b"A")
    b.write_bytes(b"B")
    for args in (("diff", a, b, "--out", b), ("explain", a, "--out", a)):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        assert "it is the input file" in result.stderr
    assert a.read_bytes() == b"A" and b.read_bytes() == b"B"
