"""Build the model: call every concern's add_* in order (levers before the supply they feed)."""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.model.balance import add_balance
from mineralclub.model.budget import add_budget
from mineralclub.model.capacity import add_capacity
from mineralclub.model.hhi import add_hhi
from mineralclub.model.objective import add_objective
from mineralclub.model.offtake import add_offtake
from mineralclub.model.params import add_params
from mineralclub.model.price_floors import add_price_floors, add_support_limits
from mineralclub.model.reference_prices import add_reference_prices, add_zone_transfers
from mineralclub.model.registry import Registry
from mineralclub.model.sets import build_sets
from mineralclub.model.stockpiles import add_stockpiles
from mineralclub.model.supply import add_supply
from mineralclub.model.targets import add_targets


@dataclass(frozen=True)
class BuildOptions:
    baseline: bool = False  # every lever off, no targets, no budget (SPEC §4 Baseline)
    elastic: bool = False  # slacks on hard targets and budget rows (infeasibility diagnosis)
    # immutable Params: a one-shot solve compiles in half the time; sweeps need them mutable
    fixed_params: bool = False


def build_model(ds: Dataset, options: BuildOptions | None = None) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel(name=ds.name)
    m.opts = options or BuildOptions()
    m.reg = Registry()
    m.sets = build_sets(ds, baseline=m.opts.baseline)
    m.scenario_names = ds.scenarios
    add_params(m, ds, mutable=not m.opts.fixed_params)
    add_capacity(m, ds)
    add_price_floors(m, ds)
    add_offtake(m, ds)
    add_support_limits(m, ds)
    add_stockpiles(m, ds)
    add_reference_prices(m, ds)
    add_supply(m, ds)
    add_zone_transfers(m, ds)
    add_balance(m, ds)
    add_targets(m, ds)
    add_hhi(m, ds)
    add_budget(m, ds)
    add_objective(m, ds)
    return m
