"""A sweep counts its runs first and refuses more than a limit before starting (SPEC §6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mineralclub.cli import app
from mineralclub.sweep.address import AddressError, value_range
from mineralclub.sweep.plan import GRID, ONE_AT_A_TIME, SweepSpec, run_count

SMALL = Path(__file__).resolve().parents[2] / "inputs" / "example_small.xlsx"
CAP = "Targets[target=Bigland refining cap].value"
PRICE = "Prices[mineral=lithium,stage=refine].price_usd_per_t"


def sweep(tmp_path, *args):
    return CliRunner().invoke(app, ["sweep", str(SMALL), "--out", str(tmp_path), "--quiet", *args])


def test_a_range_of_a_billion_values_is_refused_before_it_is_built(tmp_path):
    result = sweep(tmp_path, "--param", f"{CAP}=0:1:1e-9")
    assert result.exit_code == 2
    assert (
        "range 0:1:1e-09 gives 1,000,000,000 values; at most 1,000,000 per range" in result.stderr
    )
    assert not list(tmp_path.iterdir())


def test_more_runs_than_the_limit_are_refused_before_starting(tmp_path):
    result = sweep(tmp_path, "--param", f"{CAP}=0:1:0.0001")  # 10,001 values + the base run
    assert result.exit_code == 2
    assert (
        "the sweep has 10,002 runs, more than the limit of 10,000; nothing was solved "
        "(raise the limit with --max-runs N)"
    ) in result.stderr
    assert not list(tmp_path.iterdir())


def test_the_limit_can_be_lowered_and_raised(tmp_path):
    args = ["--param", f"{CAP}=0.6,0.5", "--param", f"{PRICE}=x0.9,x1.1", "--mode", "grid"]
    refused = sweep(tmp_path, *args, "--max-runs", "3")
    assert refused.exit_code == 2 and "the sweep has 4 runs" in refused.stderr
    done = sweep(tmp_path, *args, "--max-runs", "4")
    assert done.exit_code == 0, done.output
    assert "4 run(s)" in done.stderr


@pytest.mark.parametrize("mode, expected", [(GRID, 6), (ONE_AT_A_TIME, 6)])
def test_run_count_matches_the_runs(mode, expected):
    spec = SweepSpec("s", mode, (("a", (1, 2, 3)), ("b", (1, 2))))
    assert run_count(spec) == expected


def test_value_range_counts_first():
    assert value_range(0, 1, 0.5) == [0, 0.5, 1]
    with pytest.raises(AddressError, match="gives 2,000,001 values"):
        value_range(0, 2, 1e-6)
