"""Under --json standard output is the JSON object alone, even when HiGHS prints warnings from
C++ straight to file descriptor 1 (SPEC §5, §6)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_native_solver_output_does_not_reach_json_stdout(make_workbook, tmp_path):
    # a demand of 1e10 t makes HiGHS print "WARNING: HighsSparseMatrix ..." on descriptor 1
    path = make_workbook({"Demand!C2": 1e10, "Demand!C3": 1e10})
    result = subprocess.run(
        [sys.executable, "-m", "mineralclub", "solve", str(path), "--out", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=600,
    )
    assert result.returncode == 3, result.stderr
    assert "WARNING: HighsSparseMatrix" in result.stderr  # moved, not lost
    payload = json.loads(result.stdout)
    assert payload["status"] == "INFEASIBLE"
    assert payload["summary"]["shortfall_musd"] > 0
