"""End-to-end `mineralclub solve` on inputs/example_small.xlsx: exit codes, results workbook,
JSON, determinism, inputs untouched."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from mineralclub.cli import app

INPUTS = Path(__file__).resolve().parents[1] / "inputs"

runner = CliRunner()

SHEETS = [
    "Summary",
    "Projects",
    "PriceFloors",
    "Offtake",
    "Stockpile",
    "Supply",
    "Concentration",
    "Targets",
    "Shortfall",
    "Scenarios",
    "RunInfo",
]


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def summary(path) -> dict:
    df = pd.read_excel(path, sheet_name="Summary", engine="calamine")
    return dict(zip(df["key"], df["value"], strict=True))


def test_solve_example_writes_every_sheet_and_leaves_the_input_alone(example_small_path, tmp_path):
    before = digest(example_small_path)
    res = runner.invoke(app, ["solve", str(example_small_path), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "example_small_results.xlsx"
    book = openpyxl.load_workbook(out, read_only=True)
    assert [s for s in SHEETS if s not in book.sheetnames] == []
    s = summary(out)
    assert s["status"] == "OPTIMAL"
    parts = (
        float(s["fiscal_cost_musd"])
        + float(s["damage_musd"])
        + float(s["target_penalty_musd"])
        + float(s["risk_musd"])
    )
    assert float(s["objective_musd"]) == pytest.approx(parts)
    assert digest(example_small_path) == before
    assert not list(tmp_path.glob(".*"))  # no temp file left behind


def test_example_small_plan_is_the_hand_solved_one(example_small_path, tmp_path):
    """From 2027 Bigland may supply at most 50 t of refined lithium. Spot imports split 200:50
    between Bigland and Partneria, so spot <= 62.5 t; Alliedia refines 20 t; 17.5 t must come
    another way. A partner offtake at 14,000 USD/t costs 0.7 x (14,000 - 15,000) + 0.3 x
    (14,000 - 9,000) = 800 USD/t expected: 17.5 t cost 0.014 USD million. Building a refinery
    costs at least 10 USD million of support, so the club signs the offtake."""
    res = runner.invoke(app, ["solve", str(example_small_path), "--out", str(tmp_path), "--json"])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["status"] == "OPTIMAL"
    assert [p["built"] for p in data["projects"]] == [0.0, 0.0]
    assert [(o["supplier"], o["year"], round(o["volume_t"], 6)) for o in data["offtake"]] == [
        ("Partneria", 2027, 17.5)
    ]
    assert data["summary"]["offtake_cost_musd"] == pytest.approx(0.014)
    whole = [t for t in data["targets"] if t["year"] == "*"][0]
    assert whole["achieved"] == pytest.approx(0.5)
    assert data["results_path"].endswith("example_small_results.xlsx")


def test_same_input_same_output(example_small_path, tmp_path):
    a = runner.invoke(
        app, ["solve", str(example_small_path), "--out", str(tmp_path / "a"), "--json"]
    )
    b = runner.invoke(
        app, ["solve", str(example_small_path), "--out", str(tmp_path / "b"), "--json"]
    )
    da, db = json.loads(a.stdout), json.loads(b.stdout)
    for key in ("summary", "projects", "offtake", "price_floors", "targets", "stockpile"):
        assert da[key] == db[key]


def test_bad_input_exits_2_and_writes_nothing(make_workbook, tmp_path):
    bad = make_workbook({"Projects!F2": "lots"})
    res = runner.invoke(app, ["solve", str(bad), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "Projects!F2" in res.stderr
    assert "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


def test_unmeetable_target_exits_3_with_its_best_value(make_workbook, tmp_path):
    """Bigland <= 5% from 2026: Refinery A only comes online in 2027, so in 2026 the club has
    Alliedia's 20 t, Refinery B's 40 t and 30 t of partner offtake; the other 10 t are spot
    imports, 8 t of them from Bigland: 8% is the best achievable value. The message names the
    target and that value, and the results workbook is written and marked INFEASIBLE."""
    bad = make_workbook({"Targets!G2": 0.05, "Targets!F2": 2026})
    res = runner.invoke(app, ["solve", str(bad), "--out", str(tmp_path)])
    assert res.exit_code == 3
    assert "Bigland refining cap" in res.stderr and "best achievable value 0.08" in res.stderr
    s = summary(tmp_path / "edited_results.xlsx")
    assert s["status"] == "INFEASIBLE"


def test_write_model_lp(example_small_path, tmp_path):
    lp = tmp_path / "model.lp"
    res = runner.invoke(
        app, ["solve", str(example_small_path), "--out", str(tmp_path), "--write-model", str(lp)]
    )
    assert res.exit_code == 0
    assert "c_final_balance" in lp.read_text()


def test_time_limit_zero_without_incumbent_exits_4(example_small_path, tmp_path):
    res = runner.invoke(
        app, ["solve", str(example_small_path), "--out", str(tmp_path), "--time-limit", "0"]
    )
    """HiGHS stops before it has any plan: exit code 4 and a message, no traceback."""
    assert res.exit_code == 4
    assert "no feasible plan" in res.stderr and "maxTimeLimit" in res.stderr
    assert "Traceback" not in res.output


def test_example_ban_sizes_a_stockpile_for_the_ban(tmp_path):
    """In 'ban' (2027) Bigland exports nothing: Alliedia refines 20 t and Partneria can sell
    50 t (30 under offtake, 20 spot), so 30 t are missing. A 30 t stockpile (400 USD/t once,
    200 USD/t-yr while held) is far cheaper than shortfall (50,000 USD/t) or a refinery. The ban
    is unknown in 2026, so the stock is bought in every scenario and held to the end where no
    ban comes: 12,000 + 30 x (0.8 x 2 + 0.2 x 1) x 200 = 22,800 USD."""
    path = INPUTS / "example_ban.xlsx"
    res = runner.invoke(app, ["solve", str(path), "--out", str(tmp_path), "--json"])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["stockpile"] == [{"mineral": "lithium", "capacity_t": pytest.approx(30.0)}]
    assert data["summary"]["shortfall_musd"] == pytest.approx(0.0, abs=1e-9)
    stock = pd.read_excel(
        tmp_path / "example_ban_results.xlsx", sheet_name="Stockpile", engine="calamine"
    )
    ban = stock[(stock.scenario == "ban") & (stock.year == 2027)].iloc[0]
    assert ban["release_t"] == pytest.approx(30.0)
    assert stock[stock.year == 2026]["purchase_t"].tolist() == pytest.approx([30.0] * 3)
    assert data["summary"]["stockpile_cost_musd"] == pytest.approx(0.0228)


def test_solve_prints_input_warnings_and_still_solves(make_workbook, tmp_path):
    """An extra column is kept and warned about (SPEC §3); the solve goes on."""
    path = make_workbook({"Projects!N1": "notes", "Projects!N2": "ask the ministry"})
    res = runner.invoke(app, ["solve", str(path), "--out", str(tmp_path)])
    assert res.exit_code == 0
    assert "Projects!N1: warning:" in res.stderr and "notes" in res.stderr


def test_unwritable_output_folder_fails_before_solving(example_small_path, tmp_path):
    """--out names a file: exit 2 with a message, no traceback, before any solve."""
    not_a_folder = tmp_path / "taken"
    not_a_folder.write_text("x")
    res = runner.invoke(app, ["solve", str(example_small_path), "--out", str(not_a_folder)])
    assert res.exit_code == 2
    assert "cannot write to" in res.stderr
    assert "Traceback" not in res.output


@pytest.mark.parametrize("own_process", [True, False])
def test_solve_settles_its_imports_only_in_a_process_of_its_own(monkeypatch, own_process):
    """The console script freezes what the solve imported (the collector would rescan it in
    every full collection); a caller's process (these tests, a notebook) is left alone."""
    import gc

    from mineralclub import cli

    monkeypatch.setattr(cli, "OWN_PROCESS", [own_process])
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        cli.load_pipeline()
        assert (gc.get_freeze_count() > 0) == own_process
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("enabled", [True, False])
def test_settled_imports_turn_the_collector_off_then_freeze(enabled):
    """While the solve's modules are imported the cycle collector is off (its full
    collections would scan the module objects again and again); afterwards they are frozen
    and the collector is as it was, even when the import fails."""
    import gc

    from mineralclub.memory import settled_imports

    (gc.enable if enabled else gc.disable)()
    gc.unfreeze()
    try:
        with pytest.raises(ModuleNotFoundError), settled_imports():
            assert not gc.isenabled()
            kept = [object() for _ in range(10)]  # tracked objects the freeze takes
            import mineralclub_not_a_module  # noqa: F401
        assert gc.isenabled() == enabled
        assert gc.get_freeze_count() > 0
        assert kept
    finally:
        gc.unfreeze()
        gc.enable()


def test_the_console_script_settles_the_imports_of_a_solve(
    example_small_path, tmp_path, monkeypatch
):
    """`main()` (the console script, `python -m mineralclub`) owns its process: a solve run
    through it settles its imports once, leaves without the interpreter's teardown (`leave`,
    here recorded instead), and the flag is down again when it returns."""
    from mineralclub import cli, memory

    settled, left = [], []
    monkeypatch.setattr(memory, "settle_imports", lambda: settled.append(True))

    def recorded(code):
        left.append(code)
        raise SystemExit(code)

    monkeypatch.setattr(cli, "leave", recorded)
    monkeypatch.setattr(
        "sys.argv", ["mineralclub", "solve", str(example_small_path), "--out", str(tmp_path)]
    )
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 0 and left == [0]
    assert settled == [True]
    assert cli.OWN_PROCESS == [False]
    assert (tmp_path / "example_small_results.xlsx").exists()


@pytest.mark.parametrize(
    ("script", "code", "out"),
    [
        (
            "sys.stdout.write('pending'); logging.getLogger('x').warning('logged'); leave(3)",
            3,
            "pending",
        ),
        (  # a stream that cannot be flushed (a closed pipe, a full disk)
            "class Full(io.StringIO):\n    def flush(self): raise OSError(28, 'full')\n"
            "sys.stdout = Full(); leave(3)",
            120,
            "",
        ),
    ],
)
def test_leave_flushes_what_is_pending_and_exits_with_the_code(script, code, out):
    """`leave` ends the process without teardown but with what the teardown would flush: the
    standard streams and logging's handlers; a stream it cannot flush makes the code 120."""
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import io, logging, os, sys\nfrom mineralclub.cli import leave\n{script}",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
        timeout=120,
    )
    assert (result.returncode, result.stdout) == (code, out)
    assert ("logged" in result.stderr) == (code == 3)
