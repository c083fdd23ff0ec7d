"""The trade zone: reference prices kept by a variable levy on non-zone imports (SPEC §4.12).

ReferencePrices lists candidate levels R_{k,s,j}; the plan chooses at most one per (mineral, stage)
(binary y_{k,s,j}, first stage). Inside the zone (members and partners) the product of (k, s)
trades at the zone price max(P, R); with gap g = (R - P)^+ per tonne, in every (t, w):

* member producers are market-viable at the zone price, their feed bought at the previous
  stage's zone price (`add_reference_prices`, before supply: it replaces their viability);
* non-zone imports pay the levy g (levy revenue, a fiscal receipt); partners sell at R, no levy;
* club buyers pay g more on every tonne the club takes at (k, s) (consumer cost);
* member producers receive g more on their output used in the zone (producer gain); partners
  receive it too (a rent that leaves the club); exports earn P;
* a floor on top pays (F - max(P, R))^+ - s (max(P, R) - F)^+ instead of its market payout.

Products of the binary y with flows are linearised exactly (McCormick with big-M equal to a
valid upper bound of the flow: undisrupted capacity, exportable supply, offtake maxima), since
y is binary; the joint choice at a stage and at its feed stage is a transportation polytope
whose vertices are the products y_j y'_j' (`_add_zone_states`).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.model.flows import partner_offtake
from mineralclub.model.price_floors import add_floor_term
from mineralclub.model.registry import Cost
from mineralclub.model.sets import Sets
from mineralclub.model.supply import node, used

NONE = ""  # the "no reference price" option of a stage in zone states

PARTS = ("le_flow", "le_on", "ge_both")  # the three McCormick inequalities of a product


def add_reference_prices(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Reference-price choice, zone states for viability, and floors on top.

    .. math::
        \sum_j y_{k,s,j} \le 1, \qquad
        \sum_{j'} W_{k,s,j,j'} = y_{k,s,j}, \qquad \sum_{j} W_{k,s,j,j'} = y_{k,s-1,j'}

        (y_{k,s,\varnothing} = 1 - \sum_j y_{k,s,j};\ W \ge 0 \text{ equals } y_j\,y'_{j'}
        \text{ at binary } y)

        \tilde v_{r,l,j,t} = y_{k,s,j} \, v_{r,l,t} \ \text{(McCormick, } M = \overline{cap}_{r,t})
    """
    S = m.sets
    m.y_ref = pyo.Var(S.ref_levels, within=pyo.Binary)
    by_stage = ref_options(S)

    def c_one_reference(m, k, s):
        r"""\sum_j y_{k,s,j} \le 1"""
        return sum(m.y_ref[k, s, j] for j in by_stage[(k, s)][1:]) <= 1

    m.ref_options = by_stage
    m.c_one_reference = pyo.Constraint(sorted(by_stage), rule=c_one_reference)
    _add_zone_states(m, ds, by_stage)
    _add_floor_offsets(m, ds)


def ref_options(S) -> dict[tuple[str, str], list[str]]:
    """{(k, s): ["", level, ...]}: the options of each stage that has reference levels."""
    out: defaultdict[tuple[str, str], list[str]] = defaultdict(lambda: [NONE])
    for k, s, j in S.ref_levels:
        out[(k, s)].append(j)
    return dict(out)


def choice(m, k, s, j):
    """y_{k,s,j}, with y_{k,s,""} = 1 - sum_j y_{k,s,j} (no reference price; 1 at stages without
    reference levels)."""
    if j != NONE:
        return m.y_ref[k, s, j]
    return 1 - sum(m.y_ref[k, s, lvl] for lvl in m.ref_options.get((k, s), [NONE])[1:])


def _add_zone_states(m, ds: Dataset, by_stage: dict) -> None:
    S = m.sets
    m.W_zone = pyo.Var(S.zone_states, within=pyo.NonNegativeReals)
    rows = sorted({(k, s, j) for k, s, j, _jp in S.zone_states})
    cols = sorted({(k, s, jp) for k, s, _j, jp in S.zone_states})
    states = defaultdict(list)
    for k, s, j, jp in S.zone_states:
        states[(k, s)].append((j, jp))

    def c_zone_state_row(m, k, s, j):
        r"""\sum_{j'} W_{k,s,j,j'} = y_{k,s,j}"""
        return sum(m.W_zone[k, s, j, jp] for jj, jp in states[(k, s)] if jj == j) == choice(
            m, k, s, j
        )

    def c_zone_state_col(m, k, s, jp):
        r"""\sum_j W_{k,s,j,j'} = y_{k,s-1,j'}"""
        prev = ds.prev_stage(k, s)
        return sum(m.W_zone[k, s, j, p] for j, p in states[(k, s)] if p == jp) == choice(
            m, k, prev, jp
        )

    m.c_zone_state_row = pyo.Constraint(rows, rule=c_zone_state_row)
    m.c_zone_state_col = pyo.Constraint(
        [
            key
            for key in cols
            if ds.prev_stage(key[0], key[1]) is not None
            and (key[0], ds.prev_stage(key[0], key[1])) in by_stage
        ],
        rule=c_zone_state_col,
    )
    for o, k, s, t, w in S.zone_viability_keys:
        m.reg.viability[(o, k, s, t, w)] = sum(
            m.p_zone_viable[o, k, s, t, w, j, jp] * m.W_zone[k, s, j, jp]
            for j, jp in states[(k, s)]
        )


def _add_floor_offsets(m, ds: Dataset) -> None:
    S = m.sets
    m.v_ref = pyo.Var(S.ref_cover, within=pyo.NonNegativeReals)
    _mccormick(
        m,
        "c_zone_floor",
        S.ref_cover,
        lambda o, k, s, lvl, j, t: (
            m.v_ref[o, k, s, lvl, j, t],
            m.v[o, k, s, lvl, t],
            m.y_ref[k, s, j],
            m.p_cap[o, k, s, t],
        ),
    )
    for o, k, s, lvl, j, t in S.ref_cover:
        for w in ds.scenarios:
            add_floor_term(
                m,
                ds,
                (o, k, s, lvl, t, w),
                m.p_floor_offset[k, s, lvl, j, t, w] * m.v_ref[o, k, s, lvl, j, t],
            )


def _mccormick(m, name: str, keys, parts) -> None:
    """prod = y x for binary y and 0 <= x <= M: prod <= x, prod <= M y, prod >= x - M (1 - y)
    (prod >= 0 is its domain). `parts(*key)` gives (prod, x, y, M)."""

    def rule(m, *index):
        r"""\tilde x \le x, \quad \tilde x \le M y, \quad \tilde x \ge x - M (1 - y)"""
        *key, part = index
        prod, x, y, big = parts(*key)
        if part == "le_flow":
            return prod <= x
        if part == "le_on":
            return prod <= big * y
        return prod >= x - big * (1 - y)

    m.add_component(name, pyo.Constraint([(*key, p) for key in keys for p in PARTS], rule=rule))


def add_zone_transfers(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Levy revenue, consumer cost and producer gain of the chosen reference prices.

    .. math::
        U^j = y_j \sum_r used_r,\quad I^j = y_j I,\quad O^j_c = y_j o^P_c
        \quad \text{(McCormick, } M = \sum_r \overline{cap}_r,\ \sum_c A_c,\ \bar o_c)

        CC_w = 10^{-6}\sum w_t g_j (U^j + I^j + \textstyle\sum_c O^j_c), \quad
        LR_w = 10^{-6}\sum w_t g_j (1 - \textstyle\sum_{c \in partners} mix_c) I^j, \quad
        PG_w = 10^{-6}\sum w_t g_j U^j

    with g_j = (R_j - P_{k,s,t,w})^+. CC - LR - PG is the rent paid to partners. U^j and I^j
    are flows of the scenario tree: one per node (t, n), keyed by its representative n (tree.py);
    the transfers of scenario w read the node of (t, w). A producer not online in w (delayed or
    failed, SPEC §4.14) uses nothing: it is left out of U^j.
    """
    S: Sets = m.sets
    tree = S.tree
    m.u_ref = pyo.Var(tree.on_nodes(S.zone_used_keys), within=pyo.NonNegativeReals)
    m.i_ref = pyo.Var(tree.on_nodes(S.zone_import_keys), within=pyo.NonNegativeReals)
    m.o_ref = pyo.Var(S.zone_partner_keys, within=pyo.NonNegativeReals)

    def member_used(k, s, t, w):
        return sum(
            used(m, ds, *r, t, w)
            for r in S.producers_at.get((k, s, t), [])
            if (r[0], t, w) not in S.offline
        )

    _mccormick(
        m,
        "c_zone_used",
        tree.on_nodes(S.zone_used_keys),
        lambda k, s, j, t, w: (
            m.u_ref[k, s, j, t, w],
            member_used(k, s, t, w),
            m.y_ref[k, s, j],
            m.p_zone_used_max[k, s, t],
        ),
    )
    _mccormick(
        m,
        "c_zone_import",
        tree.on_nodes(S.zone_import_keys),
        lambda k, s, j, t, w: (
            m.i_ref[k, s, j, t, w],
            m.I[k, s, t, node(m, t, w)],
            m.y_ref[k, s, j],
            m.p_zone_import_max[k, s, t, w],
        ),
    )
    _mccormick(
        m,
        "c_zone_partner",
        S.zone_partner_keys,
        lambda c, k, s, j, t: (
            m.o_ref[c, k, s, j, t],
            partner_offtake(m, c, k, s, t),
            m.y_ref[k, s, j],
            m.p_offtake_max[c, k, s],
        ),
    )
    _register_transfers(m, ds)


def _register_transfers(m, ds: Dataset) -> None:
    """Each transfer is a registered cost (cost sign: levy revenue and producer gain negative),
    weighted by w_t, tagged with item (k, s, j) and owned by the mineral; the part of the
    consumer cost paid as rent to a partner (partner offtake, its share of spot imports) is
    owned by that partner, the rest of the import cost is the levy. So the consumer cost splits
    exactly into levy revenue + producer gain + partner rents, read by the reports. Costs stay
    per (t, w): scenario w reads the zone flows of its node at t."""
    S = m.sets
    key = S.tree.key

    def add(category, owner, k, s, j, t, w, amount):
        m.reg.cost(
            category,
            m.p_weight[t] * amount,
            owner=owner,
            country=owner[1] if owner[0] == "country" else None,
            item=(k, s, j),
            period=t,
            scenario=w,
        )

    for k, s, j, t, w in S.zone_used_keys:
        gain = m.p_zone_gap[k, s, j, t, w] * m.u_ref[key((k, s, j, t, w))]
        add(Cost.CONSUMER_COST, ("mineral", k), k, s, j, t, w, gain)
        add(Cost.PRODUCER_GAIN, ("mineral", k), k, s, j, t, w, -gain)
    for k, s, j, t, w in S.zone_import_keys:
        cost = m.p_zone_gap[k, s, j, t, w] * m.i_ref[key((k, s, j, t, w))]
        levy = m.p_levy_share[k, s, t, w] * cost
        add(Cost.CONSUMER_COST, ("mineral", k), k, s, j, t, w, levy)
        add(Cost.LEVY_REVENUE, ("mineral", k), k, s, j, t, w, -levy)
        for c in S.partners_in_mix.get((k, s, t, w), []):
            add(Cost.CONSUMER_COST, ("country", c), k, s, j, t, w, m.p_mix[c, k, s, t, w] * cost)
    for c, k, s, j, t in S.zone_partner_keys:
        for w in ds.scenarios:
            rent = m.p_zone_gap[k, s, j, t, w] * m.o_ref[c, k, s, j, t]
            add(Cost.CONSUMER_COST, ("country", c), k, s, j, t, w, rent)
