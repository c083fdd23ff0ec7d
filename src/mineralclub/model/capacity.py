"""Capacity finance: which candidate projects the club co-finances.

Variables: x_p (binary if lumpy, [0, 1] if scalable; committed projects fixed at 1).
"""

from __future__ import annotations

import pyomo.environ as pyo

from mineralclub.dataset import Dataset


def add_capacity(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Project build decisions and the club's support cost.

    .. math::
        x_p \in \{0,1\} \ (\text{lumpy}),\quad x_p \in [0,1] \ (\text{scalable}),\quad
        x_p = 1 \ (\text{committed}),\quad x_p = 0 \ (\text{candidate, baseline})

        Z^{support} = \sum_{p \in candidates} \sigma_p \, capex_p \, x_p \, \delta(first\_year_p)
    """
    projects = list(ds.projects)
    m.x = pyo.Var(projects, bounds=(0, 1))
    rate = float(ds.settings.get("discount_rate") or 0.0)
    for name, p in ds.projects.items():
        if p.lumpy:
            m.x[name].domain = pyo.Binary
        if p.committed:
            m.x[name].fix(1)
        elif m.opts.baseline:
            m.x[name].fix(0)
        else:
            delta = (1 + rate) ** -(p.first_year - ds.base_year)
            m.reg.first_cost["project_support"].append(p.support_musd * delta * m.x[name])
            t = ds.period_of(p.first_year)
            for w in ds.scenarios:
                m.reg.outlay[(t, w)].append(p.support_musd / ds.duration[t] * m.x[name])


def capacity_expr(m: pyo.ConcreteModel, ds: Dataset, r: tuple, t: int):
    """cap_{r,t}: usable capacity of producer r in period t (x_p times capacity for projects)."""
    cap = ds.producer_cap[(r, t)]
    owner = r[0]
    if owner in ds.projects:
        return cap * m.x[owner]
    return cap


def cut_of(ds: Dataset, r: tuple, t: int, w: str) -> float:
    """Capacity cut of a member producer: a Disruption on its host country, mineral and stage."""
    owner, k, s = r
    country = ds.projects[owner].country if owner in ds.projects else owner
    return ds.cut.get((country, k, s, t, w), 0.0)
