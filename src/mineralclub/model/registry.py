"""What the concern modules register for the balances, the targets and the objective.

Costs are registered one term at a time with `Registry.cost`, each tagged with its category
(a `Cost`), its owner (who is paid: a producer, a project, a country, a contract, the
stockpile), the owner's host country, its period and its scenario (None = first stage). The
objective sums exactly these terms (`Registry.seal` freezes the registry when the objective
reads it: a term registered later raises), and every report (Summary, Scenarios, PriceFloors,
Offtake, Ledger) sums `value()` of the same terms, so no report recomputes money beside the
model.

The other channels are lists of expressions keyed by what they add to; a channel is sealed the
first time a constraint reads it (`get`, `items`), so a module that writes after a reader raises
instead of being silently left out.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


class Cost(enum.Enum):
    """Cost categories of the objective (USD million, discounted)."""

    PROJECT_SUPPORT = "project_support"
    STOCKPILE_COST = "stockpile_cost"
    FLOOR_PAYOUT = "floor_payout"
    OFFTAKE_COST = "offtake_cost"
    IMPORT_PREMIUM = "import_premium"
    SHORTFALL = "shortfall"
    TARGET_PENALTY = "target_penalty"
    # The trade zone (SPEC §4.12-4.13). Cost sign: a revenue or a gain is registered negative.
    LEVY_REVENUE = "levy_revenue"
    CONSUMER_COST = "consumer_cost"
    PRODUCER_GAIN = "producer_gain"


FISCAL = (
    Cost.PROJECT_SUPPORT,
    Cost.STOCKPILE_COST,
    Cost.FLOOR_PAYOUT,
    Cost.OFFTAKE_COST,
    Cost.LEVY_REVENUE,
)
DAMAGE = (Cost.IMPORT_PREMIUM, Cost.SHORTFALL)
PENALTY = (Cost.TARGET_PENALTY,)
# Transfers inside the club under reference prices (SPEC §4.13), weighted in the objective by
# Settings consumer_cost_weight and producer_gain_weight (p_cost_weight).
TRANSFER = (Cost.CONSUMER_COST, Cost.PRODUCER_GAIN)
CATEGORIES = tuple(c.value for c in Cost)  # names, in Summary order
OWNER_KINDS = ("producer", "project", "country", "contract", "stockpile", "mineral", "target")


class RegistryError(RuntimeError):
    """A registration that would leave a term out of the objective or the reports."""


@dataclass(frozen=True)
class CostTerm:
    """One objective term: ``expr`` in USD million, discounted (period weight included).

    owner_kind/owner: who is paid (a producer or project, a partner country, the stockpile) or
    what is charged (a mineral for damage, a target for its penalty); country: the owner's host
    country (None when there is none); item: the lever or market it belongs to (a floor level
    (k, s, level), an offtake option (supplier, k, s), a project name, a mineral)."""

    category: Cost
    expr: Any
    owner_kind: str
    owner: str
    country: str | None
    item: tuple
    period: int | None
    scenario: str | None  # None = first stage (every scenario)


class Channel(defaultdict):
    """Lists of terms keyed by what they add to; sealed by the first read."""

    def __init__(self, name: str):
        super().__init__(_SealableList)
        self.name = name
        self.sealed = False

    def __missing__(self, key):
        value = _SealableList(self)
        self[key] = value
        return value

    def get(self, key, default=None):
        self.sealed = True
        return super().get(key, default)

    def items(self):
        self.sealed = True
        return super().items()


class _SealableList(list):
    def __init__(self, channel: Channel | None = None):
        super().__init__()
        self.channel = channel

    def append(self, term) -> None:
        if self.channel is not None and self.channel.sealed:
            raise RegistryError(f"{self.channel.name} is written after a constraint read it")
        super().append(term)


@dataclass
class Registry:
    """Lists of Pyomo expression terms, keyed by what they add to.

    final_supply[k, t, w]        extra terms on the supply side of the final-stage balance
    untrusted_supply[k, s, t, w] extra terms in the untrusted pool of stage s < final
    supported[o, k, s, t]        tonnes of producer r = (o, k, s) under floor or offtake
    take_or_pay[o, k, s, t]      tonnes producer r must deliver to the club (offtake)
    partner_offtake[c, k, s, t]  partner offtake tonnes (imports outside the export mix)
    outlay[t, w]                 undiscounted club outlay in period t, USD million per year
    viability[o, k, s, t, w]     viability of producer r as an expression of the zone state
                                 (replaces the 0/1 parameter where reference prices apply)
    costs                        tagged objective terms (`cost`), sealed by the objective
    """

    final_supply: Channel = field(default_factory=lambda: Channel("final_supply"))
    untrusted_supply: Channel = field(default_factory=lambda: Channel("untrusted_supply"))
    supported: Channel = field(default_factory=lambda: Channel("supported"))
    take_or_pay: Channel = field(default_factory=lambda: Channel("take_or_pay"))
    partner_offtake: Channel = field(default_factory=lambda: Channel("partner_offtake"))
    outlay: Channel = field(default_factory=lambda: Channel("outlay"))
    viability: dict = field(default_factory=dict)
    reward: list = field(default_factory=list)
    target_instances: list = field(default_factory=list)  # filled by targets.py
    _costs: list[CostTerm] = field(default_factory=list)
    sealed: bool = False

    def cost(
        self,
        category: Cost,
        expr,
        *,
        owner: tuple[str, str],
        country: str | None = None,
        item: tuple = (),
        period: int | None = None,
        scenario: str | None = None,
    ) -> None:
        """Register one objective term (USD million, discounted) with its tags."""
        if not isinstance(category, Cost):
            raise RegistryError(f"unknown cost category {category!r}: add it to Cost")
        if self.sealed:
            raise RegistryError(f"{category.value} registered after the objective was built")
        kind, name = owner
        if kind not in OWNER_KINDS:
            raise RegistryError(f"unknown owner kind {kind!r}")
        self._costs.append(CostTerm(category, expr, kind, name, country, item, period, scenario))

    def seal(self) -> tuple[CostTerm, ...]:
        """Freeze the cost terms (the objective reads them) and return them."""
        self.sealed = True
        return tuple(self._costs)

    @property
    def costs(self) -> tuple[CostTerm, ...]:
        """The registered terms; only after the objective sealed them."""
        if not self.sealed:
            raise RegistryError("cost terms read before the objective sealed the registry")
        return tuple(self._costs)

    def terms(self, category: Cost | None = None) -> Iterator[CostTerm]:
        return (t for t in self.costs if category is None or t.category is category)
