"""HiGHS on its own: the plan of the base case with N sampled scenarios, written as MPS and
solved by highspy in a fresh process, with HiGHS options given on the command line.

    .venv/bin/python benchmarks/highs_alone.py N [OPTION=VALUE ...] [-- OPTION=VALUE ...]

Each group of options (separated by `--`; the first may be empty) is one run, in its own
process: HiGHS' time, objective, nodes and the peak resident memory over what the model read
left resident, in MiB and in KB per nonzero. The options start from the product's defaults
(`solve.highs_options` of the blank Settings, one thread, seed 0). Example, the measurement
behind the `solver_rens` and `solver_root_reduced_cost` defaults:

    benchmarks/highs_alone.py 16 -- mip_heuristic_run_rens=true \\
        mip_heuristic_run_root_reduced_cost=true
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = "--child"


def value(text: str):
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def memory(mark: bool = False) -> float:
    """Resident memory (or its high-water mark) in MiB; the mark is then reset (Linux)."""
    key = "VmHWM" if mark else "VmRSS"
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            out = int(line.split()[1]) / 1024
    Path("/proc/self/clear_refs").write_text("5")
    return out


def child(mps: str, options: list[str]) -> None:
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(mps)
    nnz = h.getNumNz()
    for item in options:
        key, text = item.split("=", 1)
        h.setOptionValue(key, value(text))
    before = memory()  # and the high-water mark reset: the solve's own peak follows
    h.run()
    peak = memory(mark=True)
    info = h.getInfo()
    print(
        f"{' '.join(options) or '(defaults)'}: {h.getRunTime():.1f} s, objective "
        f"{info.objective_function_value:.4f}, nodes {info.mip_node_count}, peak {peak:.0f} MiB "
        f"(+{peak - before:.0f} MiB over the model read: {(peak - before) * 1024 / nnz:.2f} KB "
        f"per nonzero of {nnz})",
        flush=True,
    )


def main() -> None:
    if sys.argv[1] == CHILD:
        child(sys.argv[2], sys.argv[3:])
        return
    from scale import sampled_copy  # benchmarks/scale.py

    from mineralclub.dataset import build_dataset
    from mineralclub.model.build import BuildOptions, build_model
    from mineralclub.pipeline import load_tables
    from mineralclub.solve import SolveOptions, make_solver

    n = int(sys.argv[1])
    groups: list[list[str]] = [[]]
    for arg in sys.argv[2:]:
        if arg == "--":
            groups.append([])
        else:
            groups[-1].append(arg)
    print(f"cores {os.cpu_count()}, load average before {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        ds = build_dataset(load_tables(sampled_copy(n, 0, Path(tmp))))
        solver = make_solver(ds, SolveOptions(threads=1), bulk=True)
        solver.compile(build_model(ds, BuildOptions(fixed_params=True)))
        mps = str(Path(tmp) / "plan.mps")
        solver.h.writeModel(mps)
        base = [f"{k}={v}" for k, v in solver.config.solver_options.items()] + ["threads=1"]
        for group in groups:
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
            subprocess.run(
                [sys.executable, __file__, CHILD, mps, *base, *group], check=True, env=env
            )
    print(f"load average after {os.getloadavg()}")


if __name__ == "__main__":
    main()
