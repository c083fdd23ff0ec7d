"""What the concern modules register for the balances, the targets and the objective."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

FISCAL = ("project_support", "stockpile_cost", "floor_payout", "offtake_cost", "levy_revenue")
DAMAGE = ("import_premium", "shortfall")
PENALTY = ("target_penalty",)
# Transfers inside the club under reference prices (SPEC §4.13), weighted in the objective by
# Settings consumer_cost_weight and producer_gain_weight (p_cost_weight). Cost sign: a gain or
# a revenue is registered negative (levy_revenue, producer_gain).
TRANSFER = ("consumer_cost", "producer_gain")
CATEGORIES = FISCAL + DAMAGE + PENALTY + TRANSFER


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
    floor_terms[o, k, s, l, t, w] annual floor payout of one cover key, USD million per year
    viability[o, k, s, t, w]     viability of producer r as an expression of the zone state
                                 (replaces the 0/1 parameter where reference prices apply)
    zone_terms[kind, owner, k, s, j, t, w] annual transfers of reference level j, USD million
                                 per year, positive: consumer_cost, levy_revenue, producer_gain,
                                 partner_rent (owner = the partner)
    """

    final_supply: dict = field(default_factory=_lists)
    untrusted_supply: dict = field(default_factory=_lists)
    supported: dict = field(default_factory=_lists)
    take_or_pay: dict = field(default_factory=_lists)
    partner_offtake: dict = field(default_factory=_lists)
    first_cost: dict = field(default_factory=_lists)
    scenario_cost: dict = field(default_factory=_lists)
    outlay: dict = field(default_factory=_lists)
    floor_terms: dict = field(default_factory=_lists)
    viability: dict = field(default_factory=dict)
    zone_terms: dict = field(default_factory=_lists)
    reward: list = field(default_factory=list)
    target_instances: list = field(default_factory=list)  # filled by targets.py
