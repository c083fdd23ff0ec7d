"""What the concern modules register for the balances, the targets and the objective."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

FISCAL = ("project_support", "stockpile_cost", "floor_payout", "offtake_cost")
DAMAGE = ("import_premium", "shortfall")
PENALTY = ("target_penalty",)
CATEGORIES = FISCAL + DAMAGE + PENALTY


def _lists():
    return defaultdict(list)


@dataclass
class Registry:
    """Lists of Pyomo expression terms, keyed by what they add to.

    final_supply[k, t, w]        extra terms on the supply side of the final-stage balance
    untrusted_supply[k, s, t, w] extra terms in the untrusted pool of stage s < final
    supported[r, t]              tonnes of producer r under floor or offtake (first stage)
    take_or_pay[r, t]            tonnes producer r must deliver to the club (offtake)
    partner_offtake[c, k, s, t]  partner offtake tonnes (imports outside the export mix)
    first_cost[category]         first-stage costs, USD million (discounted)
    scenario_cost[category, w]   second-stage costs of scenario w, USD million (discounted)
    outlay[t, w]                 undiscounted club outlay in period t, USD million per year
    """

    final_supply: dict = field(default_factory=_lists)
    untrusted_supply: dict = field(default_factory=_lists)
    supported: dict = field(default_factory=_lists)
    take_or_pay: dict = field(default_factory=_lists)
    partner_offtake: dict = field(default_factory=_lists)
    first_cost: dict = field(default_factory=_lists)
    scenario_cost: dict = field(default_factory=_lists)
    outlay: dict = field(default_factory=_lists)
    reward: list = field(default_factory=list)
    target_instances: list = field(default_factory=list)  # filled by targets.py
