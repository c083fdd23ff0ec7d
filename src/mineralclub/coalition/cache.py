"""Solved coalitions kept on disk, so that a rerun (after an interruption, or with other
--exact-max / --samples) solves only the coalitions it has not solved before.

One file per input workbook and solver options: ``<cache dir>/<input SHA-256>-<options>.jsonl``,
a JSON line per solved coalition ``{"key": ..., "row": {...}}`` appended as soon as its chunk of
runs returns. The key is the coalition's member countries and its demand and cost scales
(`CoalitionRun.key`); the file name holds the SHA-256 of the input workbook's bytes, the solver
options and `GAME_VERSION` (raised whenever the definition of c(S) changes), so an edited
workbook or another MIP gap never reuses a stale cost. A line cut short by an interruption is
ignored. Runs that failed (solver errors, time limit without a plan) are not kept.

Default location: ``<out>/.coalition_cache/`` (the results folder, never inputs/); ``--cache
DIR`` moves it, ``--no-cache`` turns it off. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

GAME_VERSION = 1
KEPT = ("OPTIMAL", "TIME_LIMIT", "INFEASIBLE", "BAD_INPUT")


class Cache:
    def __init__(self, directory: Path | None, input_sha256: str, options: dict):
        self.rows: dict[str, dict] = {}
        self.path = None
        if directory is None:
            return
        tag = json.dumps({"game": GAME_VERSION, **options}, sort_keys=True)
        digest = hashlib.sha256(tag.encode()).hexdigest()[:12]
        self.path = Path(directory) / f"{input_sha256}-{digest}.jsonl"
        self.rows = self._load()

    def _load(self) -> dict[str, dict]:
        rows: dict[str, dict] = {}
        if self.path is None or not self.path.is_file():
            return rows
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    item = json.loads(line)
                    rows[item["key"]] = item["row"]
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by an interruption
        return rows

    def get(self, key: str) -> dict | None:
        row = self.rows.get(key)
        return None if row is None else dict(row)

    def put(self, rows: list[dict]) -> None:
        keep = [r for r in rows if r.get("status") in KEPT]
        for row in keep:
            self.rows[row["key"]] = row
        if self.path is None or not keep:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lines = "".join(json.dumps({"key": r["key"], "row": _plain(r)}) + "\n" for r in keep)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(lines)
            fh.flush()
            os.fsync(fh.fileno())


def _plain(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        if k == "run":
            continue
        out[k] = v.item() if hasattr(v, "item") else v
    return out
