r"""The Ledger's split of the club's cost against the game: who would rather leave.

The Ledger shares the club's bill by cost share (Countries.cost_share, or GDP, or equally);
applied to the game's total c(N), bloc b pays x_b = share_b \cdot c(N). A coalition S would
rather leave when its members pay more in the Ledger than S would pay on its own:
x(S) = \sum_{b \in S} x_b > c(S). The Shapley value \phi_b is the fair-share benchmark: the
average cost b adds over every order in which the club could have formed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from mineralclub.coalition import values as V
from mineralclub.coalition.blocs import Blocs

TOLERANCE = 1e-6  # relative to c(N): smaller excesses are rounding, not a reason to leave


def values_table(
    blocs: Blocs,
    costs: V.Costs,
    marginal: np.ndarray,
    shapley: np.ndarray,
    se: np.ndarray,
    core: V.LeastCore | None,
) -> pd.DataFrame:
    k = len(blocs)
    grand = costs.get(V.full(k), math.nan)
    rows = []
    for i, b in enumerate(blocs.names):
        alone = costs.get(1 << i, math.nan)
        without = costs.get(V.full(k) & ~(1 << i), math.nan)
        ledger = blocs.cost_share[b] * grand
        rows.append(
            {
                "bloc": b,
                "demand_share": blocs.demand_share[b],
                "ledger_share": blocs.cost_share[b],
                "standalone_musd": alone,
                "club_without_musd": without,
                "marginal_musd": marginal[i],
                "synergy_musd": alone + without - grand,
                "shapley_musd": shapley[i],
                "shapley_se_musd": se[i],
                "shapley_share": shapley[i] / grand if grand else math.nan,
                "ledger_musd": ledger,
                "ledger_minus_shapley_musd": ledger - shapley[i],
                "least_core_musd": math.nan if core is None else float(core.allocation[i]),
            }
        )
    return pd.DataFrame(rows)


def stability_table(blocs: Blocs, costs: V.Costs) -> pd.DataFrame:
    """Every solved coalition S (not N) whose members pay more in the Ledger than c(S),
    the largest excess first."""
    k = len(blocs)
    grand_mask = V.full(k)
    grand = costs.get(grand_mask, math.nan)
    rows = []
    for mask, cost in costs.items():
        if mask in (0, grand_mask) or not math.isfinite(cost):
            continue
        chosen = [blocs.names[i] for i in V.members(mask, k)]
        share = sum(blocs.cost_share[b] for b in chosen)
        ledger = share * grand
        excess = ledger - cost
        if excess > TOLERANCE * max(1.0, abs(grand)):
            rows.append(
                {
                    "coalition": " + ".join(chosen),
                    "blocs": len(chosen),
                    "ledger_share": share,
                    "ledger_musd": ledger,
                    "cost_alone_musd": cost,
                    "excess_musd": excess,
                    "excess_share": excess / ledger if ledger else math.nan,
                }
            )
    columns = [
        "coalition",
        "blocs",
        "ledger_share",
        "ledger_musd",
        "cost_alone_musd",
        "excess_musd",
        "excess_share",
    ]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values("excess_musd", ascending=False, ignore_index=True)
