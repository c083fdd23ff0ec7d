"""Write inputs/example_ban.xlsx: example_small plus an export ban, so a stockpile is sized.

Same club, mineral and targets as example_small (whose stored test values stay as they are), with
a third scenario 'ban' (probability 0.2; 'base' 0.6, 'low' 0.2) in which Bigland stops all
refined-lithium exports in 2027 and refined prices jump by 30%. 2026 prices are the same in every
scenario (observed today); the crash and the ban show from 2027, so the 2026 decisions, stock
purchases included, are shared by all three scenarios (SPEC §4.9). The club may now build a
stockpile: 400 USD per tonne of capacity (one-off), 200 USD per tonne-year to hold, at most
100 t. Every figure is round and illustrative, not data.

Run: .venv/bin/python inputs/make_example_ban.py [PATH]
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_example_small as small  # noqa: E402

ROWS = copy.deepcopy(small.ROWS)
ROWS["Minerals"][0].update(
    stock_max_t=100, stock_capacity_cost_usd_per_t=400, stock_holding_usd_per_t_yr=200
)
ROWS["Scenarios"] = [
    {"scenario": "base", "probability": 0.6, "description": "prices as expected"},
    {"scenario": "low", "probability": 0.2, "description": "price crash"},
    {
        "scenario": "ban",
        "probability": 0.2,
        "description": "Bigland bans refined-lithium exports in 2027; refined prices +30%",
    },
]
FIRST = 2026  # prices of the first period are observed today: equal in every scenario


def _price(row: dict) -> dict:
    """low and ban diverge from base only from 2027 (SPEC §4.9: 2026 decisions are shared)."""
    if row["year"] == FIRST and row["scenario"] != "base":
        base = next(
            r
            for r in small.ROWS["Prices"]
            if r["scenario"] == "base" and r["stage"] == row["stage"] and r["year"] == FIRST
        )
        return {**row, "price_usd_per_t": base["price_usd_per_t"]}
    return row


ROWS["Prices"] = [_price(row) for row in ROWS["Prices"]] + [
    {
        **row,
        "scenario": "ban",
        "price_usd_per_t": row["price_usd_per_t"]
        * (1.3 if row["stage"] == "refine" and row["year"] > FIRST else 1.0),
    }
    for row in small.ROWS["Prices"]
    if row["scenario"] == "base"
]
ROWS["Disruptions"] = [
    {
        "scenario": "ban",
        "country": "Bigland",
        "mineral": "lithium",
        "stage": "refine",
        "year_from": 2027,
        "year_to": 2027,
        "export_cut": 1.0,
    },
]
SETTINGS = {**small.SETTINGS, "name": "example_ban"}


def write_example(path: Path) -> Path:
    return small.write_example(path, ROWS, SETTINGS)


if __name__ == "__main__":
    default = Path(__file__).resolve().parent / "example_ban.xlsx"
    print(write_example(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
