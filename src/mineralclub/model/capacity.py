"""Capacity finance: which candidate projects the club co-finances.

Variables: x_p (binary if lumpy, [0, 1] if scalable; committed projects fixed at 1).
"""

from __future__ import annotations

import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.model.registry import Cost
from mineralclub.model.sets import support_period


def add_capacity(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Project build decisions and the club's support cost.

    .. math::
        x_p \in \{0,1\} \ (\text{lumpy}),\quad x_p \in [0,1] \ (\text{scalable}),\quad
        x_p = 1 \ (\text{committed}),\quad x_p = 0 \ (\text{candidate, baseline})

        Z^{support} = \sum_{p \in candidates} \sigma_p \, capex_p \, \delta(first\_year_p) \, x_p
    """
    m.x = pyo.Var(list(ds.projects), bounds=(0, 1))
    for name, p in ds.projects.items():
        if p.lumpy:
            m.x[name].domain = pyo.Binary
        if p.committed:
            m.x[name].fix(1)
        elif m.opts.baseline:
            m.x[name].fix(0)
    for name in m.sets.candidates:
        if m.opts.baseline:
            continue
        p = ds.projects[name]
        m.reg.cost(
            Cost.PROJECT_SUPPORT,
            m.p_support_pv[name] * m.x[name],
            owner=("project", name),
            country=p.country,
            item=(name,),
            period=None,
        )
        t = support_period(ds, p)
        if t is None:
            continue  # first_year outside the horizon: in no period's budget (SPEC §4 Budget)
        for w in ds.scenarios:
            m.reg.outlay[(t, w)].append(m.p_support[name] / ds.duration[t] * m.x[name])


def capacity_expr(m: pyo.ConcreteModel, ds: Dataset, o: str, k: str, s: str, t: int):
    """cap_{r,t}: usable capacity of producer r in period t (x_p times capacity for projects)."""
    cap = m.p_cap[o, k, s, t]
    if o in ds.projects:
        return cap * m.x[o]
    return cap
