"""Sparse index sets, built once from the dataset (no rule rescans a whole set)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from mineralclub.dataset import Dataset


@dataclass(frozen=True)
class Sets:
    producer_time: tuple  # (owner, k, s, t) where the producer exists / may be online
    producer_tws: tuple  # (owner, k, s, t, w)
    first_stage_pts: tuple  # (owner, k, s, t, w) at stage order 1
    later_stage_pts: tuple  # (owner, k, s, t, w) at stage order >= 2
    producers_at: dict  # (k, s, t) -> [(owner, k, s)]
    import_keys: tuple  # (k, s, t, w) with any non-member availability
    suppliers_at: dict  # (k, s, t, w) -> [c]
    kt_w: tuple  # (k, t, w)
    kst_w: tuple  # (k, s, t, w)


def build_sets(ds: Dataset) -> Sets:
    producer_time = tuple(sorted((*r, t) for (r, t) in ds.producer_cap))
    producers_at = defaultdict(list)
    for o, k, s, t in producer_time:
        producers_at[(k, s, t)].append((o, k, s))
    tws = tuple((*rt, w) for rt in producer_time for w in ds.scenarios)
    first = tuple(x for x in tws if ds.order(x[1], x[2]) == 1)
    later = tuple(x for x in tws if ds.order(x[1], x[2]) >= 2)
    suppliers_at = defaultdict(list)
    for c, k, s, t, w in sorted(ds.available):
        suppliers_at[(k, s, t, w)].append(c)
    import_keys = tuple(sorted(key for key, cs in suppliers_at.items()))
    kt_w = tuple((k, t, w) for k in ds.minerals for t in ds.periods for w in ds.scenarios)
    kst_w = tuple(
        (k, s, t, w) for k in ds.minerals for s in ds.stages[k] for t in ds.periods
        for w in ds.scenarios
    )
    return Sets(
        producer_time=producer_time,
        producer_tws=tws,
        first_stage_pts=first,
        later_stage_pts=later,
        producers_at=dict(producers_at),
        import_keys=import_keys,
        suppliers_at=dict(suppliers_at),
        kt_w=kt_w,
        kst_w=kst_w,
    )
