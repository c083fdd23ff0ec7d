"""Concentration measures as model expressions, defined once: targets constrain them, HHI cuts
cut them, and the Concentration and Targets sheets evaluate the very same expressions.

Club scope, stage s of mineral k, period t, scenario w. The denominator is club demand at that
stage plus stock purchases, (D + b) / prod_{j>s} yield_j: the club's whole supply including
shortfall, so that purchases count in numerator and denominator and every share lies in [0, 1].
Shortfall is supply from an unknown non-member: at the final stage it counts in every
non-member's numerator (each country's share and the non-member share); at earlier stages the
non-member share adds the stage-s content of imported later-stage product and of shortfall
(`flows.embedded_unknown`).

  country share (non-member c): (spot_c + o^P_c [+ u at the final stage]) / (D_s + b_s)
  non-member share:             (I + sum_c o^P_c + u or embedded content) / (D_s + b_s)
  trusted share:                sum_r yT_r / (D_s + b_s)
  HHI:                          sum_c (x_c / sum x)^2 over club supply by country x_c (members'
                                used output by host country, non-members' spot + offtake)

World scope: production, x_c = capacity x utilization for non-members (cuts do not reduce it)
and member output by host country; the denominator is world production, sum_c x_c.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.model import flows
from mineralclub.model.supply import node, output, used


def _member_parts(m, ds: Dataset, k, s, t, w, flow) -> dict:
    """Member countries' tonnes at (k, s, t, w): flow = used (club) or output (world)."""
    parts: dict = defaultdict(int)
    for r in m.sets.producers_at.get((k, s, t), []):
        country = ds.country_of(r[0])
        parts[country] = parts[country] + flow(m, ds, *r, t, w)
    return parts


def club_parts(m, ds: Dataset, k, s, t, w) -> dict:
    """Club supply by country: members' used output, non-members' spot imports and offtake."""
    parts = _member_parts(m, ds, k, s, t, w, used)
    for c in club_nonmembers(m, k, s, t, w):
        parts[c] = flows.country_direct(m, c, k, s, t, w)
    return dict(parts)


def club_nonmembers(m, k, s, t, w) -> list[str]:
    """Non-members that can supply the club at (k, s, t, w): export-mix suppliers, partners."""
    suppliers = set(m.sets.suppliers_at.get((k, s, t, w), []))
    suppliers |= set(m.sets.partners_at.get((k, s, t), []))
    return sorted(suppliers)


def world_parts(m, ds: Dataset, k, s, t, w) -> dict:
    """World production by country: members' output, non-members' capacity x utilization."""
    parts = _member_parts(m, ds, k, s, t, w, output)
    for c in m.sets.nonmembers_at.get((k, s, t), []):
        parts[c] = parts[c] + m.p_ncap[c, k, s, t]
    return dict(parts)


def club_share(m, ds: Dataset, metric: str, k, s, c, t, w):
    """Numerator (tonnes) and denominator D_s + purchases (`flows.share_base`: stock purchases
    count in numerator and denominator, so the share lies in [0, 1]) of a club-scope share at
    (k, s, t, w); metric is max_country_share (of non-member c), max_nonmember_share or
    min_trusted_share."""
    return club_numerator(m, ds, metric, k, s, c, t, w), flows.share_base(m, ds, k, s, t, w)


def club_numerator(m, ds: Dataset, metric: str, k, s, c, t, w):
    """The numerator of `club_share` alone (the shares of one scope share its denominator)."""
    final = s == ds.final_stage[k]
    u = m.u[k, t, node(m, t, w)]
    if metric == "max_country_share":
        num = flows.country_direct(m, c, k, s, t, w)
        if final:
            num = num + u
    elif metric == "max_nonmember_share":
        num = flows.nonmember_direct(m, ds, k, s, t, w)
        num = num + (u if final else flows.embedded_unknown(m, ds, k, s, t, w))
    else:  # min_trusted_share
        num = flows.trusted_used(m, k, s, t, w)
    return num


def world_share(m, ds: Dataset, metric: str, k, s, c, t, w):
    """World production = sum_nonmembers capacity x utilization + sum_members q."""
    den = flows.nonmember_capacity_total(m, k, s, t) + flows.member_output(m, ds, k, s, t, w)
    return world_numerator(m, ds, metric, k, s, c, t, w), den


def world_numerator(m, ds: Dataset, metric: str, k, s, c, t, w):
    """The numerator of `world_share` alone: non-member c's production, or all non-members'."""
    if metric == "max_country_share":
        return flows.nonmember_capacity(m, c, k, s, t)
    return flows.nonmember_capacity_total(m, k, s, t)


def shares_of(parts: dict) -> dict:
    """Solved shares x_c / sum x of a parts dict (empty when nothing is supplied)."""
    x = {c: max(0.0, pyo.value(e)) for c, e in parts.items()}
    tot = sum(x.values())
    return {c: v / tot for c, v in x.items()} if tot > 1e-9 else {}


def hhi_of(parts: dict) -> float:
    """Solved HHI of a parts dict (NaN when nothing is supplied)."""
    sh = shares_of(parts)
    return sum(v * v for v in sh.values()) if sh else float("nan")
