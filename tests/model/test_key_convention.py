"""One key convention (dataset.py): every dict of the dataset, every index set, every registry
channel and every Pyomo index is a flat tuple (owner or country, mineral, stage, level, period,
scenario); a producer alone is a `Producer` NamedTuple. Checked on the base case, which has
every lever (projects, floors, offtake, reference prices, stockpiles, disruptions)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyomo.environ as pyo
import pytest

from mineralclub.dataset import Producer, build_dataset
from mineralclub.model.build import build_model
from mineralclub.pipeline import load_tables

ROOT = Path(__file__).resolve().parents[2]


def nested(key) -> bool:
    return isinstance(key, tuple) and any(isinstance(part, tuple) for part in key)


@pytest.fixture(scope="module")
def built():
    ds = build_dataset(load_tables(ROOT / "inputs" / "base_case.xlsx"))
    return ds, build_model(ds)


def test_dataset_dicts_are_keyed_flat(built):
    ds, _m = built
    checked = 0
    for f in dataclasses.fields(ds):
        value = getattr(ds, f.name)
        if isinstance(value, dict):
            bad = [key for key in value if nested(key)]
            assert not bad, f"Dataset.{f.name} has nested keys, e.g. {bad[0]}"
            checked += 1
    assert checked >= 15
    # producer keys: (o, k, s, t) for capacity, (o, k, s, t, w) for cost and viability
    assert {len(key) for key in ds.producer_cap} == {4}
    assert {len(key) for key in ds.producer_cost} == {5}
    assert ds.producer_cost.keys() == ds.viable.keys()


def test_registry_channels_and_pyomo_indices_are_flat(built):
    _ds, m = built
    for name in ("final_supply", "untrusted_supply", "supported", "take_or_pay", "outlay"):
        channel = getattr(m.reg, name)
        assert channel, name  # the base case writes every channel
        assert not [key for key in channel if nested(key)], name
    assert {len(key) for key in m.reg.supported} == {4}
    assert not [t.item for t in m.reg.costs if nested(t.item)]
    # what the model reads through the registry is the flat key of its own variables
    for o, k, s, t in m.reg.take_or_pay:
        assert (o, k, s, t) in m.o
    for comp in m.component_objects((pyo.Var, pyo.Param, pyo.Constraint), descend_into=True):
        if comp.is_indexed():
            assert not [key for key in comp if nested(key)], comp.name


def test_producers_are_named_tuples_equal_to_plain_keys(built):
    _ds, m = built
    producers = [r for group in m.sets.producers_at.values() for r in group]
    assert producers and all(isinstance(r, Producer) for r in producers)
    r = producers[0]
    assert r == (r.owner, r.mineral, r.stage) and (*r, 2030) == (r.owner, r.mineral, r.stage, 2030)
    assert {(*r, t) for (_k, _s, t), group in m.sets.producers_at.items() for r in group} == set(
        m.sets.producer_time
    )
