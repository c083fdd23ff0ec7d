"""Write inputs/example_sweep.xlsx: example_small plus a Sweeps sheet, for `mineralclub sweep`.

The club, mineral, options and target are example_small's (whose stored test values stay as they
are); the Sweeps sheet adds three ready-made sweeps:

* ``cap_frontier`` (frontier): the cost of meeting Bigland's refining cap from 60% down to 10%;
* ``tornado`` (one at a time): the price-crash probability, the crash's refined price, the
  partner's contract price and the import premium on Bigland's supply, each over a low and a
  high value with the others at base;
* ``cap_x_crash`` (grid): the cap at 50% and 30% against the crash probability at 0.2 and 0.4.

Every figure is round and illustrative, not data.

Run: .venv/bin/python inputs/make_example_sweep.py [PATH]
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_example_small as small  # noqa: E402

CAP = "Targets[target=Bigland refining cap].value"
CRASH = "Scenarios[scenario=low].probability"

ROWS = copy.deepcopy(small.ROWS)
ROWS["Sweeps"] = [
    {
        "sweep": "cap_frontier",
        "parameter": CAP,
        "start": 0.6,
        "stop": 0.1,
        "step": 0.1,
        "mode": "frontier",
    },
    {"sweep": "tornado", "parameter": CRASH, "values": "0.1,0.5", "mode": "one_at_a_time"},
    {
        "sweep": "tornado",
        "parameter": "Prices[mineral=lithium,stage=refine,scenario=low].price_usd_per_t",
        "values": "x0.8,x1.2",
        "mode": "one_at_a_time",
    },
    {
        "sweep": "tornado",
        "parameter": "OfftakeOptions[supplier=Partneria].contract_price_usd_per_t",
        "values": "13000,15000",
        "mode": "one_at_a_time",
    },
    {
        "sweep": "tornado",
        "parameter": "Countries[country=Bigland].import_premium_usd_per_t",
        "values": "50,200",
        "mode": "one_at_a_time",
    },
    {"sweep": "cap_x_crash", "parameter": CAP, "values": "0.5,0.3", "mode": "grid"},
    {"sweep": "cap_x_crash", "parameter": CRASH, "values": "0.2,0.4", "mode": "grid"},
]
SETTINGS = {**small.SETTINGS, "name": "example_sweep"}


def write_example(path: Path) -> Path:
    return small.write_example(path, ROWS, SETTINGS)


if __name__ == "__main__":
    default = Path(__file__).resolve().parent / "example_sweep.xlsx"
    print(write_example(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
