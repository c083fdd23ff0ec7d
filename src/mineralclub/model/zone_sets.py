"""Index sets of the trade zone (SPEC §4.12), built once from the dataset; part of `Sets`.

Which reference levels exist, and hence which products of the choice y with flows the model
linearises, is structure; the levels' values and the gaps (R - P)^+ are mutable parameters.
"""

from __future__ import annotations

from collections import defaultdict

from mineralclub.dataset import Dataset

NONE = ""  # the "no reference price" option of a stage (as in reference_prices.NONE)


def reference_levels(ds: Dataset) -> tuple:
    """(k, s, level) of every ReferencePrices row, sorted."""
    return tuple(sorted(r.key for r in ds.reference_prices))


def zone_sets(
    ds: Dataset,
    levels: tuple,
    producer_time: tuple,
    cover: tuple,
    suppliers_at: dict,
    partners_at: dict,
) -> dict:
    """The zone's fields of `Sets` (all empty without reference levels):

    zone_states          (k, s, j, j'): option j at s and j' at the feed stage s-1, for every
                         stage with producers where s or s-1 has reference levels
    zone_viability_keys  (o, k, s, t, w): producers whose viability depends on the zone state
    ref_cover            (o, k, s, l, j, t): floor cover keys at a stage with reference levels
    zone_used_keys       (k, s, j, t, w): member output used at a reference stage
    zone_import_keys     (k, s, j, t, w): spot imports at a reference stage
    zone_partner_keys    (c, k, s, j, t): partner offtake at a reference stage
    partners_in_mix      (k, s, t, w) -> partners among the spot suppliers at a reference stage
    """
    import_keys = tuple(sorted(suppliers_at))
    partners = set(ds.partners)
    by_stage = defaultdict(list)
    for k, s, j in levels:
        by_stage[(k, s)].append(j)
    stages_with_producers = sorted({(k, s) for _o, k, s, _t in producer_time})
    states = []
    for k, s in stages_with_producers:
        prev = ds.prev_stage(k, s)
        own, feed = by_stage.get((k, s), []), by_stage.get((k, prev), []) if prev else []
        if own or feed:
            states += [(k, s, j, jp) for j in [NONE, *own] for jp in [NONE, *feed]]
    state_stages = {(k, s) for k, s, _j, _jp in states}
    return dict(
        ref_levels=levels,
        zone_states=tuple(states),
        zone_viability_keys=tuple(
            (o, k, s, t, w)
            for o, k, s, t in producer_time
            if (k, s) in state_stages
            for w in ds.scenarios
        ),
        ref_cover=tuple(
            (o, k, s, lvl, j, t) for o, k, s, lvl, t in cover for j in by_stage.get((k, s), [])
        ),
        zone_used_keys=tuple(
            sorted(
                {
                    (k, s, j, t, w)
                    for _o, k, s, t in producer_time
                    for j in by_stage.get((k, s), [])
                    for w in ds.scenarios
                }
            )
        ),
        zone_import_keys=tuple(
            (k, s, j, t, w) for k, s, t, w in import_keys for j in by_stage.get((k, s), [])
        ),
        zone_partner_keys=tuple(
            (c, k, s, j, t)
            for (k, s, t) in sorted(partners_at)
            for c in partners_at[(k, s, t)]
            for j in by_stage.get((k, s), [])
        ),
        partners_in_mix={
            key: [c for c in suppliers_at[key] if c in partners]
            for key in import_keys
            if by_stage.get(key[:2])
        },
    )
