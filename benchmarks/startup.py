"""Start-up time: `mineralclub --help` and the imports of each command, side by side.

    .venv/bin/python benchmarks/startup.py [REPEATS]

Each line is the median wall time of REPEATS (default 5) fresh interpreters. `help + io layer`
is what `--help` cost while cli.py imported the io layer (pandas, openpyxl) at the top; heavy
optional modules (matplotlib, SALib, dask, scipy) must not appear in the first four lines'
imports (checked with -X importtime and printed). Last line `help_speedup=X`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

HEAVY = ("matplotlib", "SALib", "dask", "distributed", "scipy")
CASES = {
    "mineralclub --help": ["-m", "mineralclub", "--help"],
    "import cli (validate, template)": ["-c", "import mineralclub.cli"],
    "import pipeline (solve)": ["-c", "import mineralclub.pipeline"],
    "import sweep": ["-c", "import mineralclub.sweep.sweep"],
    "help + io layer (before)": [
        "-c",
        "import mineralclub.io, mineralclub.io.annotate, mineralclub.io.template, mineralclub.cli",
    ],
}


def wall(args: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def heavy_imports(args: list[str]) -> list[str]:
    err = subprocess.run(
        [sys.executable, "-X", "importtime", *args], check=True, capture_output=True, text=True
    ).stderr
    names = {line.rsplit("|", 1)[-1].strip() for line in err.splitlines() if "|" in line}
    return sorted(n for n in names if n.split(".")[0] in HEAVY and "." not in n)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(f"load average before {os.getloadavg()}")
    out = {}
    for label, args in CASES.items():
        out[label] = wall(args, repeats)
        extra = heavy_imports(args) if "before" not in label else []
        print(f"{label:34s} {out[label]:6.2f} s   heavy imports: {', '.join(extra) or 'none'}")
    print(f"load average after {os.getloadavg()}")
    print(f"help_speedup={out['help + io layer (before)'] / out['mineralclub --help']:.2f}")


if __name__ == "__main__":
    main()
