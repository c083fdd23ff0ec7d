"""Members grouped into blocs: the players of the coalition game.

A member's bloc is its value in the chosen Countries column (``bloc``, ``region`` or any other);
a member with a blank cell is a bloc of its own, and ``--by country`` makes every member a bloc
(sensible when the club has few members). Non-members belong to no bloc.

Shares (each sums to 1 over the blocs):

* cost share: the Ledger's burden-sharing rule (Countries.cost_share normalised; blank
  everywhere = by gdp_busd, else equal), summed over the bloc's members;
* demand share: Countries.demand_share (blank = the member's cost share), normalised over the
  members and summed over the bloc's members.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mineralclub.io.tables import Tables

BY_COUNTRY = "country"


class BlocError(ValueError):
    """The grouping column cannot be used; the message is user-facing."""


@dataclass(frozen=True)
class Blocs:
    by: str
    names: tuple[str, ...]  # in the order of their first member on the Countries sheet
    members: dict[str, tuple[str, ...]]
    cost_share: dict[str, float]
    demand_share: dict[str, float]
    basis: str  # the Ledger's basis of the cost shares: cost_share, gdp_busd or equal
    member_cost_share: dict[str, float]
    member_demand_share: dict[str, float]

    def __len__(self) -> int:
        return len(self.names)

    def countries(self, blocs) -> tuple[str, ...]:
        """The member countries of a group of blocs, in Countries order."""
        chosen = set(blocs)
        return tuple(c for b in self.names if b in chosen for c in self.members[b])


def read_blocs(tables: Tables, by: str = "region") -> Blocs:
    """The blocs of the validated workbook grouped by Countries column `by`."""
    from mineralclub.dataset import country_rows
    from mineralclub.report.ledger import cost_shares, demand_shares

    countries = tables["Countries"]
    if by != BY_COUNTRY and by not in countries.columns:
        names = ", ".join(c for c in countries.columns if not str(c).startswith("_"))
        raise BlocError(
            f"Countries has no column {by} (columns: {names}; or --by country for "
            "one bloc per member)"
        )
    members = countries[countries["member"].astype(bool)]
    groups: dict[str, list[str]] = {}
    for row in members.to_dict("records"):
        label = row["country"] if by == BY_COUNTRY else _label(row.get(by))
        groups.setdefault(label or row["country"], []).append(row["country"])
    clash = [g for g, ms in groups.items() if g in set(members["country"]) and ms != [g]]
    if clash:
        raise BlocError(
            f"Countries.{by}: bloc name {clash[0]} is also a member country "
            "of another bloc; rename the bloc"
        )
    rows = country_rows(tables)
    cost, basis = cost_shares(rows)
    demand = demand_shares(rows, cost)
    return Blocs(
        by,
        tuple(groups),
        {g: tuple(ms) for g, ms in groups.items()},
        {g: sum(cost[c] for c in ms) for g, ms in groups.items()},
        {g: sum(demand[c] for c in ms) for g, ms in groups.items()},
        basis,
        cost,
        demand,
    )


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _label(value) -> str:
    if _blank(value):
        return ""
    return str(value).strip()
