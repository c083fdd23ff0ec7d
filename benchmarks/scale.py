"""The base case with N sampled disruption scenarios: wall time and peak memory per nonzero.

    .venv/bin/python benchmarks/scale.py [N] [SEED] [--stages | --overlap]
    (default 256 scenarios, seed 0)

Stated risks for the benchmark (an assumption, not sourced data): every export cut of the base
case's ban scenario becomes a DisruptionRisks row with the same country, mineral, stage, cut
and duration, an annual probability of 0.05 and no announcement lead. `mineralclub sample`'s
functions write a copy of the base case with N scenarios drawn from them; the copy is then
read, built and solved (plan with HHI rounds, baseline, marginal-cost LP) as `solve` does,
without writing results. Prints wall time per stage, the plan's nonzeros in HiGHS, the peak
resident memory (ru_maxrss) and its ratio to the nonzeros; goals: <= 600 s, <= 1.5 KB/nnz;
then each step's start and end with the highest resident memory sampled during it.
With `--stages`, each stage runs in turn (the baseline after the plan) and prints its seconds,
the resident memory after it and its own peak: where the time and the memory go. With
`--overlap`, the baseline is solved beside the plan whatever its size
(`solve.OVERLAP_MAX_NONZEROS`).
"""

from __future__ import annotations

import math
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import openpyxl

from mineralclub import solve
from mineralclub.dataset import build_dataset
from mineralclub.model.build import BuildOptions, build_model
from mineralclub.model.hhi import cut_loop
from mineralclub.pipeline import load_tables, solve_dataset
from mineralclub.progress import Progress
from mineralclub.sample import HEADER, SHEET, sample_scenarios, write_sample
from mineralclub.solve import (
    DUAL_ROWS,
    SolveOptions,
    compile_once,
    make_solver,
    run_solver,
    solve_baseline,
)

ROOT = Path(__file__).resolve().parents[1]
PROBABILITY = 0.05


def risks_from_ban(tables) -> list[list]:
    dis = tables["Disruptions"]
    ban = dis[dis["scenario"] == dis["scenario"].iloc[0]] if not dis.empty else dis
    seen, rows = set(), []
    for r in ban.to_dict("records"):
        key = (r["country"], r["mineral"], r["stage"])
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            [
                *key,
                PROBABILITY,
                int(r["year_to"]) - int(r["year_from"]) + 1,
                float(r["export_cut"]),
                0,
            ]
        )
    return rows


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sampled_copy(n: int, seed: int, tmp: Path) -> Path:
    """The base case with N scenarios sampled from the risks of its ban scenario."""
    source = ROOT / "inputs" / "base_case.xlsx"
    risky = tmp / "risky.xlsx"
    book = openpyxl.load_workbook(source)
    if SHEET in book.sheetnames:  # the base case has the sheet, empty
        del book[SHEET]
    ws = book.create_sheet(SHEET)
    ws.append(list(HEADER))
    rows = risks_from_ban(load_tables(source))
    for row in rows:
        ws.append(row)
    book.save(risky)
    tables = load_tables(risky)
    sampled = tmp / "sampled.xlsx"
    drawn = sample_scenarios(tables, n, seed)
    write_sample(risky, tables, drawn, seed, sampled)
    print(
        f"{len(rows)} risks, {n} scenarios, {sum(len(s.events) for s in drawn)} disruptions",
        flush=True,
    )
    return sampled


class Stages:
    """Seconds, resident memory and the peak since the previous stage (Linux: the peak is
    reset through /proc/self/clear_refs)."""

    def __init__(self) -> None:
        self.t = time.perf_counter()
        self._reset()

    @staticmethod
    def _status() -> dict:
        out = {}
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(("VmRSS", "VmHWM")):
                key, value = line.split(":")
                out[key] = int(value.split()[0]) / 1024
        return out

    @staticmethod
    def _reset() -> None:
        Path("/proc/self/clear_refs").write_text("5")

    def __call__(self, name: str) -> float:
        now, mem = time.perf_counter(), self._status()
        print(
            f"{name:26s} {now - self.t:7.1f} s  resident {mem['VmRSS']:6.0f} MiB  peak in "
            f"stage {mem['VmHWM']:6.0f} MiB",
            flush=True,
        )
        self.t = now
        self._reset()
        return mem["VmHWM"]


class Timeline(Progress):
    """Each step's start and end (the baseline's thread included) and the resident memory
    sampled every half second: where in a whole solve the peak falls."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.steps: dict[str, list[float]] = {}
        self.samples: list[tuple[float, float]] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.wait(0.5):
            self.samples.append((time.perf_counter() - self.t0, Stages._status()["VmRSS"]))

    def start(self, step: str, model: str | None = None) -> None:
        with self._lock:
            self.steps[step] = [time.perf_counter() - self.t0, math.nan]

    def finish(self, step: str) -> None:
        with self._lock:
            self.steps[step][1] = time.perf_counter() - self.t0

    def report(self) -> None:
        self._done.set()
        self._thread.join()
        for name, (a, b) in self.steps.items():
            inside = [rss for t, rss in self.samples if a <= t <= b]
            top = f"highest resident {max(inside):6.0f} MiB" if inside else ""
            print(f"  {name:16s} {a:7.1f} s to {b:7.1f} s  {top}")
        if self.samples:
            t, rss = max(self.samples, key=lambda x: x[1])
            during = [n for n, (a, b) in self.steps.items() if a <= t <= b]
            print(f"  highest resident sample {rss:.0f} MiB at {t:.1f} s, during {during}")


def stages(sampled: Path) -> None:
    """Each stage of a solve in turn (the baseline after the plan, not beside it)."""
    stage = Stages()
    ds = build_dataset(load_tables(sampled))
    stage("read + dataset")
    m = build_model(ds, BuildOptions(fixed_params=True))
    stage("build plan (Pyomo)")
    solver = make_solver(ds, SolveOptions(), bulk=True)
    compile_once(solver, m, DUAL_ROWS)  # as solve_plan: compile, keep the dual rows, release
    stage("compile + passModel + release")
    status = cut_loop(m, solver, run_solver)[0]
    peak = stage(f"plan solve ({status})")
    solver.lp_duals()
    peak = max(peak, stage("marginal-cost LP"))
    solve_baseline(ds, SolveOptions())
    peak = max(peak, stage("baseline build + solve"))
    nnz = solver.size()["nonzeros"]
    print(f"plan nonzeros {nnz}; peak {peak:.0f} MiB, {peak * 1024 / nnz:.2f} KB per nonzero")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 256
    seed = int(args[1]) if len(args) > 1 else 0
    print(f"cores {os.cpu_count()}, load average before {os.getloadavg()}", flush=True)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        sampled = sampled_copy(n, seed, Path(tmp))
        t1 = time.perf_counter()
        print(f"sampled in {t1 - t0:.1f} s", flush=True)
        if "--stages" in sys.argv:
            stages(sampled)
            print(f"load average after {os.getloadavg()}")
            return
        if "--overlap" in sys.argv:  # the baseline beside the plan whatever its size
            solve.OVERLAP_MAX_NONZEROS = sys.maxsize
        before = peak_mib()
        ds = build_dataset(load_tables(sampled))
        t2 = time.perf_counter()
        timeline = Timeline()
        result = solve_dataset(ds, SolveOptions(), timeline)
        t3 = time.perf_counter()
        timeline.report()
    info = dict(
        zip(result.tables["RunInfo"]["key"], result.tables["RunInfo"]["value"], strict=True)
    )
    nnz = int(info.get("plan_nonzeros", 0)) or None
    peak = peak_mib()
    print(
        f"read {t2 - t1:.1f} s, build+solve+marginal {t3 - t2:.1f} s "
        f"(build {info['build_seconds']} s, plan solve {info['solve_seconds']} s, baseline "
        f"{info['baseline_solve_seconds']} s, HiGHS {info['highs_seconds']} s); status "
        f"{result.status}"
    )
    print(f"peak memory {peak:.0f} MiB (before reading the sampled copy {before:.0f} MiB)")
    if nnz:
        print(f"plan nonzeros {nnz}; {peak * 1024 / nnz:.2f} KB per nonzero")
    print(f"load average after {os.getloadavg()}")
    print(f"wall_s={t3 - t1:.1f}")


if __name__ == "__main__":
    main()
