"""Offtake contracts: fixed-price take-or-pay purchases from member producers or partners.

Per scenario the club pays (C - P) per contracted tonne (negative when prices are high).
"""

from __future__ import annotations

import pyomo.environ as pyo

from mineralclub.dataset import Dataset
from mineralclub.model.supply import import_premium_factor


def offtake_keys(ds: Dataset) -> tuple[list, list, dict]:
    """Member keys (supplier, k, s, t) with a producer online, partner keys (c, k, s, t), and
    (supplier, k, s) -> (contract price, max t/yr)."""
    terms, member, partner = {}, [], []
    partners = set(ds.partners)
    for r in ds.tables["OfftakeOptions"].to_dict("records"):
        sup, k, s = r["supplier"], r["mineral"], r["stage"]
        terms[(sup, k, s)] = (float(r["contract_price_usd_per_t"]), float(r["max_t_per_yr"]))
        y0 = r.get("first_year")
        y1 = r.get("last_year")
        for t in ds.periods:
            if not _missing(y0) and ds.period_end(t) < int(y0):
                continue
            if not _missing(y1) and t > int(y1):
                continue
            if sup in partners:
                partner.append((sup, k, s, t))
            elif ((sup, k, s), t) in ds.producer_cap:
                member.append((sup, k, s, t))
    return sorted(member), sorted(partner), terms


def _missing(v) -> bool:
    return v is None or v != v


def add_offtake(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Offtake volumes and their cost.

    .. math::
        0 \le o_{r,t} \le \bar o_r, \qquad
        Z^{offtake}_w = 10^{-6} \sum_t w_t \sum_r (C_r - P_{k,s,t,w}) \, o_{r,t}

    Member offtake is supported volume (it counts for bankability and viability) and must be
    delivered (take-or-pay, see supply). Partner offtake o^P_{c,t} is an import outside the export
    mix, delivered in full: mix_c I + o^P_c <= A_c in every scenario.
    """
    member, partner, terms = ([], [], {}) if m.opts.baseline else offtake_keys(ds)
    m.offtake_terms = terms
    m.o = pyo.Var(member, within=pyo.NonNegativeReals)
    m.oP = pyo.Var(partner, within=pyo.NonNegativeReals)
    for key in member + partner:
        var = m.o[key] if key in m.o else m.oP[key]
        sup, k, s, t = key
        price_c, cap = terms[(sup, k, s)]
        var.setub(cap)
        if key in m.o:
            r = (sup, k, s)
            m.reg.supported[(r, t)].append(var)
            m.reg.take_or_pay[(r, t)].append(var)
        else:
            m.reg.partner_offtake[(sup, k, s, t)].append(var)
            _register_partner_delivery(m, ds, sup, k, s, t, var)
        for w in ds.scenarios:
            term = 1e-6 * (price_c - ds.price[(k, s, t, w)]) * var
            m.reg.scenario_cost[("offtake_cost", w)].append(ds.weight[t] * term)
            m.reg.outlay[(t, w)].append(term)


def _register_partner_delivery(m, ds: Dataset, c, k, s, t, var) -> None:
    """Partner tonnes enter the final balance (or the untrusted pool) and pay the premium."""
    f = 1e-6 * ds.weight[t] * import_premium_factor(ds, k, s) * ds.premium[c]
    for w in ds.scenarios:
        if s == ds.final_stage[k]:
            m.reg.final_supply[(k, t, w)].append(var)
        else:
            m.reg.untrusted_supply[(k, s, t, w)].append(var)
        if f:
            m.reg.scenario_cost[("import_premium", w)].append(f * var)
