"""Global sensitivity indices with SALib, from the rows of sampled runs.

Morris elementary effects (``mu``, ``mu_star`` = mean absolute effect, ``sigma`` = spread:
non-linearity or interactions, ``mu_star_conf``) and Sobol indices (``S1`` = first-order share
of the output variance, ``ST`` = total, with interactions; with 95% confidence half-widths).
Effects are in the output's unit per unit of the input's range as given (a multiplier range
``x0.8:x1.2`` is sampled as the factor). An output with a failed run (no value) gets no index:
the row says how many runs failed instead.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from mineralclub.sweep.plan import MORRIS

OUTPUTS = ("objective_musd", "fiscal_cost_musd", "damage_musd")
MORRIS_COLUMNS = ("mu", "mu_star", "sigma", "mu_star_conf")
SOBOL_COLUMNS = ("S1", "S1_conf", "ST", "ST_conf")
COLUMNS = [
    "method",
    "output",
    "parameter",
    "low",
    "high",
    "runs",
    "failed",
    *MORRIS_COLUMNS,
    *SOBOL_COLUMNS,
    "note",
]


def indices(sample: dict, rows: list[dict], seed: int = 0) -> pd.DataFrame:
    """One row per (output, uncertain input) of the sampled runs."""
    from SALib.analyze import morris, sobol

    method, problem = sample["method"], sample["problem"]
    mine = sorted((r for r in rows if r["mode"] == method), key=lambda r: r["run"])
    outputs = list(OUTPUTS) + sorted(
        {k for r in mine for k in r if k.startswith(("nonmember_share[", "top_country_share["))}
    )
    out = []
    for output in outputs:
        y = np.array([_number(r.get(output)) for r in mine], dtype=float)
        failed = int(np.isnan(y).sum())
        base = [
            dict(
                method=method,
                output=output,
                parameter=u.address,
                low=str(u.low),
                high=str(u.high),
                runs=len(y),
                failed=failed,
            )
            for u in sample["uncertain"]
        ]
        if failed or len(y) != len(sample["X"]):
            for row in base:
                row["note"] = f"{failed} run(s) failed: no index"
            out += base
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == MORRIS:
                res = morris.analyze(problem, sample["X"], y, num_levels=4, seed=seed)
                keys = MORRIS_COLUMNS
            else:
                res = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
                keys = SOBOL_COLUMNS
        for i, row in enumerate(base):
            row.update({k: float(res[k][i]) for k in keys})
            if float(np.ptp(y)) == 0.0:
                row["note"] = "output constant over the sample"
        out += base
    return pd.DataFrame(out, columns=COLUMNS)


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")
