"""The command line's exit codes (SPEC §8), defined once for every command."""

from __future__ import annotations

EXIT_OK = 0  # solved (also a time-limited run with an incumbent)
EXIT_INPUT = 2  # bad input: nothing solved or written
EXIT_INFEASIBLE = 3  # the hard targets or the budget cannot all be met
EXIT_SOLVER = 4  # solver failure, or no feasible plan within the time limit
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT); see mineralclub.interrupt
EXIT_TERMINATED = 143  # SIGTERM (128 + SIGTERM)
