"""Named flow expressions that targets and results measure (one place, one definition)."""

from __future__ import annotations

import math

from mineralclub.dataset import Dataset
from mineralclub.model.supply import node, output, spot


def partner_offtake(m, c, k, s, t):
    return sum(m.reg.partner_offtake.get((c, k, s, t), []))


def imports(m, k, s, t, w):
    key = (k, s, t, node(m, t, w))
    return m.I[key] if key in m.I else 0


def country_direct(m, c, k, s, t, w):
    """Club supply from non-member c at stage s: spot_c + o^P_c."""
    sp = spot(m, c, k, s, t, w) if (c, k, s, t, w) in m.p_mix else 0
    return sp + partner_offtake(m, c, k, s, t)


def nonmember_direct(m, ds: Dataset, k, s, t, w):
    """Direct non-member supply at stage s: I + sum_c o^P_c."""
    partners = sum(partner_offtake(m, c, k, s, t) for c in m.sets.partners_at.get((k, s, t), []))
    return imports(m, k, s, t, w) + partners


def embedded_unknown(m, ds: Dataset, k, s, t, w):
    """Stage-s content of imported later-stage product and of shortfall (non-member, unknown
    origin): sum_{j>s} (I_j + o^P_j) / prod_{s<i<=j} yield_i + u / prod_{i>s} yield_i."""
    chain = ds.stages[k]
    i = chain.index(s)
    expr, content = 0, 1.0
    for j in chain[i + 1 :]:
        content /= ds.yield_[(k, j)] if ds.yield_[(k, j)] > 0 else math.inf
        expr += content * nonmember_direct(m, ds, k, j, t, w)
    return expr + content * m.u[k, t, node(m, t, w)]


def trusted_used(m, k, s, t, w):
    """Trusted output used by members at stage s: sum_r yT_r."""
    n = node(m, t, w)
    return sum(m.yT[(*r, t, n)] for r in m.sets.producers_at.get((k, s, t), []))


def member_output(m, ds: Dataset, k, s, t, w):
    """All member production at stage s, exported or not: sum_r q_r."""
    return sum(output(m, ds, o, k, s, t, w) for o, _k, _s in m.sets.producers_at.get((k, s, t), []))


def nonmember_capacity_total(m, k, s, t):
    """World-scope non-member production at (k, s, t): sum_c capacity x utilization."""
    return sum(m.p_ncap[c, k, s, t] for c in m.sets.nonmembers_at.get((k, s, t), []))


def nonmember_capacity(m, c, k, s, t):
    """World-scope production of non-member c: capacity x utilization (cuts do not reduce it)."""
    return m.p_ncap[c, k, s, t] if (c, k, s, t) in m.p_ncap else 0


def stage_demand(m, ds: Dataset, k, s, t):
    """D_s = D / prod_{j>s} yield_j: stage-s tonnes embodied in club demand."""
    return m.p_demand[k, t] / ds.later_yield(k, s)


def stock_purchase(m, ds: Dataset, k, s, t, w):
    """Stock purchases in stage-s tonnes: b_{k,t,n(t,w)} / prod_{j>s} yield_j (0 when the model
    has no stock variables at that key)."""
    key = (k, t, node(m, t, w))
    return m.b[key] / ds.later_yield(k, s) if key in m.b else 0


def share_base(m, ds: Dataset, k, s, t, w):
    """Denominator of a club-scope share: D_s + purchases (stage-s tonnes). Every tonne the club
    receives (member output used, imports, partner offtake, stock release, unmet demand) goes
    either to demand or into the stock, so supply = D_s + b: with purchases in both numerator
    (they come from some source) and denominator, a share lies in [0, 1] by construction."""
    return stage_demand(m, ds, k, s, t) + stock_purchase(m, ds, k, s, t, w)
