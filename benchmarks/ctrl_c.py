"""How long a Ctrl-C takes to end a `solve`: the base case with N sampled scenarios, SIGINT sent
AT seconds after the command starts.

    .venv/bin/python benchmarks/ctrl_c.py [N] [AT]     (defaults 128 and 100)

With 128 scenarios at 100 s the plan's HiGHS run is in its root node's analytic-centre
computation, where HiGHS calls no callback for about a minute. Prints the exit code, the steps
finished before the signal and last `seconds_to_exit=X`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import sampled_copy  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 128
    at = float(sys.argv[2]) if len(sys.argv) > 2 else 100.0
    print(f"cores {os.cpu_count()}, load average before {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        workbook = sampled_copy(n, 0, Path(tmp))
        t0 = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "mineralclub", "solve", str(workbook), "--out", tmp],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(at)
        child.send_signal(signal.SIGINT)
        sent = time.perf_counter()
        _, err = child.communicate()
        took = time.perf_counter() - sent
    steps = [line.strip() for line in err.splitlines() if line.startswith("  ") and "s" in line]
    print(f"{n} scenarios, SIGINT at {sent - t0:.1f} s; exit code {child.returncode}")
    print("finished before it: " + "; ".join(s for s in steps if "incumbent" not in s))
    print(f"load average after {os.getloadavg()}")
    print(f"seconds_to_exit={took:.2f}")


if __name__ == "__main__":
    main()
