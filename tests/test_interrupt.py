"""Ctrl-C and SIGTERM are an interruption: exit 130 / 143, the JSON status INTERRUPTED alone on
standard output, no temporary file, an earlier results file intact (SPEC §6, issue 15 point 7)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mineralclub.bulk import run_highs
from mineralclub.interrupt import SIGNALS, Interrupted, handled, signals_interrupt
from mineralclub.io.atomic import write_atomic

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "inputs" / "base_case.xlsx"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize(
    "signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"]
)
def test_a_signal_during_the_solve_is_an_interruption(tmp_path, signum, code):
    out = tmp_path / "out"
    out.mkdir()
    earlier = out / "base_case_results.xlsx"
    earlier.write_bytes(b"earlier results")
    child = subprocess.Popen(
        [sys.executable, "-m", "mineralclub", "solve", str(BASE), "--out", str(out), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    try:
        # the base case needs ~7 s of CPU; 3 s in, HiGHS is solving the plan
        while child.poll() is None and cpu_seconds(child.pid) < 3:
            time.sleep(0.1)
        assert child.poll() is None, "the solve ended before the signal"
        child.send_signal(signum)
        stdout, stderr = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == code, stderr
    payload = json.loads(stdout)  # the only thing on standard output
    assert payload["status"] == "INTERRUPTED"
    assert payload["signal"] == signal.Signals(signum).name
    assert f"interrupted by {signal.Signals(signum).name}" in stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in out.iterdir()) == ["base_case_results.xlsx"]
    assert earlier.read_bytes() == b"earlier results"


def test_a_signal_while_writing_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "results.xlsx"
    target.write_bytes(b"earlier")

    def write(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        os.kill(os.getpid(), signal.SIGTERM)
        tmp.write_bytes(b"half written")  # pragma: no cover - the signal interrupts first

    before = {s: signal.getsignal(s) for s in SIGNALS}  # a worker's need not be Python's own
    with pytest.raises(Interrupted) as info, signals_interrupt():
        assert {s: signal.getsignal(s) for s in SIGNALS} != before
        write_atomic(target, write)
    assert info.value.exit_code == 143
    assert {s: signal.getsignal(s) for s in SIGNALS} == before  # restored on the way out
    assert [p.name for p in tmp_path.iterdir()] == ["results.xlsx"]
    assert target.read_bytes() == b"earlier"


def test_interrupted_is_not_swallowed_by_except_exception():
    def swallow() -> None:
        try:
            raise Interrupted(signal.SIGINT)
        except Exception:  # noqa: BLE001 - what careless code does
            pass

    with pytest.raises(Interrupted):
        swallow()


def test_highs_runs_beside_a_main_thread_that_takes_signals():
    """Within a command that turns signals into an interruption, HiGHS runs in a thread of its
    own (Python takes a signal only in the main thread, and HiGHS returns to Python only at
    its MIP callbacks); a library call runs it in the calling thread."""
    threads = []

    class Fake:
        def run(self) -> None:
            threads.append(threading.current_thread())

    run_highs(Fake())
    with signals_interrupt():
        assert handled()
        run_highs(Fake())
    assert not handled()
    assert threads[0] is threading.main_thread()
    assert threads[1] is not threading.main_thread()


def test_a_signal_during_a_highs_run_is_taken_at_once():
    """A run stuck where HiGHS calls no callback (presolve, the analytic centre) does not hold
    the interruption back: the main thread's wait raises it while the run still goes on."""
    started, release = threading.Event(), threading.Event()
    released: list[bool] = []

    class Stuck:
        def run(self) -> None:
            started.set()
            released.append(release.wait(60))

    def signal_once_started() -> None:
        assert started.wait(60)
        os.kill(os.getpid(), signal.SIGINT)

    sender = threading.Thread(target=signal_once_started)
    sender.start()
    try:
        with pytest.raises(Interrupted) as info, signals_interrupt():
            run_highs(Stuck())
        assert info.value.exit_code == 130
        assert released == []  # the run was still going when the signal ended the wait
    finally:
        release.set()
        sender.join()
