r"""Values of the cost game c over K blocs (coalitions as bit masks over the blocs' order).

* marginal value of bloc b: c(N \setminus b) - c(N) (what the club would pay more without b;
  negative = the club is cheaper without it);
* Shapley value (exact, from the full table of the 2^K - 1 coalitions):
  \phi_b = \sum_{S \subseteq N \setminus b} |S|!(K-|S|-1)!/K! \, (c(S \cup b) - c(S));
* sampled Shapley value (Castro, Gómez & Tejada 2009, "ApproShapley"): for n random orders of
  the blocs, b's marginal cost c(P \cup b) - c(P) over the blocs P before it; the estimate is
  the mean and its standard error the sample standard deviation / \sqrt{n};
* the least core: min \varepsilon s.t. \sum_b x_b = c(N), \sum_{b \in S} x_b \le c(S) +
  \varepsilon for every coalition S \ne \emptyset, N with a cost (one LP, HiGHS). \varepsilon
  \le 0 means the core is not empty: x is an allocation no group of blocs can undercut alone.

shapiq (the well-kept library for Shapley arithmetic) was considered: its ExactComputer and
PermutationSamplingSV compute the same values but give no standard error, evaluate the game
in synchronous batches, and bring scikit-learn, numba and galois with them; these few lines
of numpy are all the game needs (docs/coalition.md).
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np

Costs = dict[int, float]  # coalition mask -> c(S); c(0) = 0


def full(k: int) -> int:
    return (1 << k) - 1


def members(mask: int, k: int) -> list[int]:
    return [i for i in range(k) if mask >> i & 1]


def marginal_values(costs: Costs, k: int) -> np.ndarray:
    grand = full(k)
    return np.array([costs.get(grand & ~(1 << i), math.nan) - costs[grand] for i in range(k)])


def shapley_exact(costs: Costs, k: int) -> np.ndarray:
    """Shapley values from the full game table (every coalition's cost)."""
    weight = [math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)]
    phi = np.zeros(k)
    for mask in range(full(k) + 1):
        size = bin(mask).count("1")
        for i in range(k):
            if not mask >> i & 1:
                phi[i] += weight[size] * (cost_of(costs, mask | 1 << i) - cost_of(costs, mask))
    return phi


def cost_of(costs: Costs, mask: int) -> float:
    return 0.0 if mask == 0 else costs.get(mask, math.nan)


def permutations(k: int, n: int, seed: int = 0) -> np.ndarray:
    """n random orders of the k blocs (rows), reproducible from the seed."""
    rng = np.random.default_rng(seed)
    return np.array([rng.permutation(k) for _ in range(n)], dtype=int).reshape(n, k)


def prefix_coalitions(orders: np.ndarray) -> set[int]:
    """Every coalition the sampled orders need (non-empty prefixes, the grand coalition too)."""
    out = set()
    for order in orders:
        mask = 0
        for i in order:
            mask |= 1 << int(i)
            out.add(mask)
    return out


def shapley_sampled(costs: Costs, orders: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean marginal cost of each bloc over the orders, and its standard error."""
    n, k = orders.shape
    contributions = np.zeros((n, k))
    for row, order in enumerate(orders):
        mask, before = 0, 0.0
        for i in order:
            mask |= 1 << int(i)
            after = cost_of(costs, mask)
            contributions[row, i] = after - before
            before = after
    mean = contributions.mean(axis=0)
    se = contributions.std(axis=0, ddof=1) / math.sqrt(n) if n > 1 else np.full(k, math.nan)
    return mean, se


@dataclass(frozen=True)
class LeastCore:
    epsilon: float
    allocation: np.ndarray


def least_core(costs: Costs, k: int) -> LeastCore | None:
    """One LP: variables x_1..x_K and epsilon (free); minimise epsilon. None when no
    coalition but the grand one has a cost (one bloc): nothing bounds epsilon."""
    grand = full(k)
    if not any(math.isfinite(costs.get(mask, math.nan)) for mask in range(1, grand)):
        return None
    h = quiet_highs()
    inf = highspy.kHighsInf
    n = k + 1  # x_0..x_{k-1}, epsilon
    h.addVars(n, np.full(n, -inf), np.full(n, inf))
    h.changeColsCost(1, np.array([k], dtype=np.int32), np.array([1.0]))
    idx = np.arange(k, dtype=np.int32)
    h.addRow(costs[grand], costs[grand], k, idx, np.ones(k))
    for mask in range(1, grand):
        value = costs.get(mask, math.nan)
        if not math.isfinite(value):
            continue  # a coalition without a cost cannot threaten to leave
        cols = np.array(members(mask, k) + [k], dtype=np.int32)
        vals = np.array([1.0] * (len(cols) - 1) + [-1.0])
        h.addRow(-inf, value, len(cols), cols, vals)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"least-core LP: {h.modelStatusToString(h.getModelStatus())}")
    x = np.array(h.getSolution().col_value)
    return LeastCore(float(x[k]), x[:k])


def quiet_highs() -> highspy.Highs:
    """A HiGHS instance without the banner its constructor prints on standard output (the
    file descriptor, so redirected at that level)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h
