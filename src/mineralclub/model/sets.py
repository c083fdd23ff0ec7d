"""Sparse index sets, built once from the dataset (no rule rescans a whole set).

The sets are the model's *structure*: two datasets with equal `Sets` give models with the same
variables and constraints, so a sweep can re-solve by changing mutable parameters only
(`params.update_params`); a change of sets needs a rebuild.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from mineralclub.dataset import Dataset, Producer
from mineralclub.model.tree import Tree, build_tree
from mineralclub.model.zone_sets import reference_levels, zone_sets


@dataclass(frozen=True)
class Sets:
    producer_time: tuple  # (owner, k, s, t) where the producer exists / may be online
    producer_tws: tuple  # (owner, k, s, t, w)
    first_stage_pts: tuple  # (owner, k, s, t, w) at stage order 1
    later_stage_pts: tuple  # (owner, k, s, t, w) at stage order >= 2
    producers_at: dict[tuple[str, str, int], list[Producer]]  # (k, s, t) -> [(owner, k, s)]
    import_keys: tuple  # (k, s, t, w) with any non-member capacity
    suppliers_at: dict  # (k, s, t, w) -> [c]
    export_keys: tuple  # (c, k, s, t, w)
    kt_w: tuple  # (k, t, w)
    kst_w: tuple  # (k, s, t, w)
    floor_levels: tuple  # (k, s, level)
    cover: tuple  # (owner, k, s, level, t): a level that may cover a producer
    offtake_options: tuple  # (supplier, k, s)
    offtake_member: tuple  # (supplier, k, s, t) with the producer online in a contract period
    offtake_partner: tuple  # (partner, k, s, t)
    candidates: tuple  # candidate project names
    budget_years: tuple
    target_names: tuple
    bounded_stock: tuple  # minerals with a stock_max_t
    release_keys: tuple  # (k, t, w) where stock may be released: a disruption on mineral k
    risk: bool  # objective_risk_weight > 0
    yields: tuple  # ((k, s), yield): coefficients of the stage chain, structural
    durations: tuple  # (t, d_t)
    disrupted: frozenset  # (k, t, w) with a cut: decides which stock-days instances exist
    nonmember_capacity_keys: tuple  # (c, k, s, t): world-scope production terms
    stage_countries: tuple  # ((k, s), countries with Capacity rows): target expansion
    nonmembers_at: dict  # (k, s, t) -> non-members with Capacity rows (world-scope terms)
    partners_at: dict  # (k, s, t) -> partners with an offtake key
    project_kinds: tuple  # (name, lumpy, committed, bankable, budget period of its support)
    target_rows: tuple  # each Targets row's definition: what decides its instances
    final_stages: tuple  # ((k, final stage), ...)
    floor_design: str  # "uniform" (one strike per (k, s), binary z) or "per_contract"
    ref_levels: tuple  # (k, s, level) of ReferencePrices; the zone's sets: see zone_sets
    zone_states: tuple
    zone_viability_keys: tuple
    ref_cover: tuple
    zone_used_keys: tuple
    zone_import_keys: tuple
    zone_partner_keys: tuple
    partners_in_mix: dict
    # the scenario tree (SPEC §4.9): per-scenario variables exist once per node, at the
    # (..., t, w) keys whose w represents its node at t (tree.py)
    tree: Tree
    producer_tn: tuple  # producer_tws on nodes
    first_stage_pn: tuple
    later_stage_pn: tuple
    import_nodes: tuple  # import_keys on nodes
    export_nodes: tuple
    kt_n: tuple  # kt_w on nodes
    kst_n: tuple
    release_nodes: tuple  # (k, t, n) where a disruption of mineral k is in effect
    offline: frozenset  # (project, t, w): due online but delayed or failed (SPEC §4.14)


def build_sets(ds: Dataset, baseline: bool = False) -> Sets:
    producer_time = tuple(sorted(ds.producer_cap))
    producers_at: defaultdict[tuple[str, str, int], list[Producer]] = defaultdict(list)
    for o, k, s, t in producer_time:
        producers_at[(k, s, t)].append(Producer(o, k, s))
    tws = tuple((*rt, w) for rt in producer_time for w in ds.scenarios)
    nm_keys = _nonmember_keys(ds)
    suppliers_at = defaultdict(list)
    for key in sorted(nm_keys):
        c, k, s, t = key
        for w in ds.scenarios:
            suppliers_at[(k, s, t, w)].append(c)
    tree = build_tree(ds)
    nonmember = frozenset(ds.nonmembers)
    levels = () if baseline else _floor_levels(ds)
    options, member, partner = ((), (), ()) if baseline else _offtake(ds, nm_keys)
    cover = _cover(ds, producer_time, levels)
    zone = zone_sets(
        ds,
        () if baseline else reference_levels(ds),
        producer_time,
        cover,
        dict(suppliers_at),
        _group(partner),
    )
    sets = _sets(
        ds,
        baseline,
        producer_time=producer_time,
        producers_at=producers_at,
        tws=tws,
        suppliers_at=suppliers_at,
        nonmember=nonmember,
        levels=levels,
        options=options,
        member=member,
        partner=partner,
        cover=cover,
        zone=zone,
    )
    return Sets(
        **sets,
        tree=tree,
        producer_tn=tree.on_nodes(tws),
        first_stage_pn=tree.on_nodes(sets["first_stage_pts"]),
        later_stage_pn=tree.on_nodes(sets["later_stage_pts"]),
        import_nodes=tree.on_nodes(sets["import_keys"]),
        export_nodes=tree.on_nodes(sets["export_keys"]),
        kt_n=tree.on_nodes(sets["kt_w"]),
        kst_n=tree.on_nodes(sets["kst_w"]),
        release_nodes=tree.on_nodes(sets["release_keys"]),
        offline=ds.offline,
    )


def _sets(
    ds,
    baseline,
    *,
    producer_time,
    producers_at,
    tws,
    suppliers_at,
    nonmember,
    levels,
    options,
    member,
    partner,
    cover,
    zone,
) -> dict:
    """The per-scenario part of Sets (the node sets are derived from it)."""
    return dict(
        producer_time=producer_time,
        producer_tws=tws,
        first_stage_pts=tuple(x for x in tws if ds.order(x[1], x[2]) == 1),
        later_stage_pts=tuple(x for x in tws if ds.order(x[1], x[2]) >= 2),
        producers_at=dict(producers_at),
        import_keys=tuple(sorted(suppliers_at)),
        suppliers_at=dict(suppliers_at),
        export_keys=tuple((c, *kstw) for kstw in sorted(suppliers_at) for c in suppliers_at[kstw]),
        kt_w=_kt_w(ds),
        kst_w=tuple(
            (k, s, t, w)
            for k in ds.minerals
            for s in ds.stages[k]
            for t in ds.periods
            for w in ds.scenarios
        ),
        floor_levels=levels,
        cover=cover,
        offtake_options=options,
        offtake_member=member,
        offtake_partner=partner,
        candidates=tuple(p for p, pr in ds.projects.items() if not pr.committed),
        budget_years=() if baseline else tuple(ds.budget),
        target_names=() if baseline else tuple(r.target for r in ds.targets),
        bounded_stock=tuple(k for k in ds.minerals if ds.stock[k].max_t is not None),
        release_keys=tuple(key for key in _kt_w(ds) if key in ds.disrupted),
        risk=float(ds.settings.get("objective_risk_weight") or 0.0) > 0,
        yields=tuple(sorted(ds.yield_.items())),
        durations=tuple(sorted(ds.duration.items())),
        disrupted=ds.disrupted,
        nonmember_capacity_keys=tuple(sorted(key for key in ds.capacity if key[0] in nonmember)),
        stage_countries=tuple(
            sorted((ks, tuple(sorted(cs))) for ks, cs in ds.producers_of_stage.items())
        ),
        nonmembers_at=_group(key for key in ds.capacity if key[0] in nonmember),
        partners_at=_group(partner),
        project_kinds=tuple(
            (p.name, p.lumpy, p.committed, p.min_contracted_share > 0, support_period(ds, p))
            for p in ds.projects.values()
        ),
        target_rows=() if baseline else _target_rows(ds),
        final_stages=tuple(sorted(ds.final_stage.items())),
        floor_design=floor_design(ds),
        **zone,
    )


def floor_design(ds: Dataset) -> str:
    """Settings.floor_design: "uniform" (default) or "per_contract" (SPEC §4.11)."""
    return str(ds.settings.get("floor_design") or "uniform")


def support_period(ds: Dataset, p) -> int | None:
    """The period whose budget carries project p's support: the one containing first_year (none
    when first_year lies outside the horizon)."""
    t = ds.period_of(p.first_year)
    return t if t <= p.first_year <= ds.period_end(t) else None


def _target_rows(ds: Dataset) -> tuple:
    return tuple(
        (
            r.target,
            r.metric,
            r.mineral,
            r.stage,
            r.country,
            r.scope,
            r.scenarios,
            r.hard,
            tuple(t for t in ds.periods if ds.period_end(t) >= r.year_from),
        )
        for r in ds.targets
    )


def _group(keys) -> dict:
    """(c, k, s, t) keys -> {(k, s, t): [c, ...]}."""
    out = defaultdict(list)
    for c, k, s, t in sorted(keys):
        out[(k, s, t)].append(c)
    return dict(out)


def _kt_w(ds: Dataset) -> tuple:
    return tuple((k, t, w) for k in ds.minerals for t in ds.periods for w in ds.scenarios)


def _nonmember_keys(ds: Dataset) -> set:
    nonmember = set(ds.nonmembers)
    return {key for key, v in ds.capacity.items() if key[0] in nonmember and v > 0}


def _floor_levels(ds: Dataset) -> tuple:
    return tuple(sorted(r.key for r in ds.floor_levels))


def _cover(ds: Dataset, producer_time, levels) -> tuple:
    """Every (producer, level, period) where the level's (mineral, stage) matches; whether the
    level is eligible (covers the producer's worst-case full cost) is a 0/1 parameter."""
    by_stage = defaultdict(list)
    for k, s, lvl in levels:
        by_stage[(k, s)].append(lvl)
    return tuple(
        (o, k, s, lvl, t) for o, k, s, t in producer_time for lvl in by_stage.get((k, s), [])
    )


def _offtake(ds: Dataset, nonmember_keys: set) -> tuple:
    """Offtake options and their (supplier, k, s, t) keys in contract periods: periods that
    overlap [first_year, last_year]. A partner supplies only where it has Capacity rows."""
    options, member, partner = [], [], []
    partners = set(ds.partners)
    for r in ds.offtake_options:
        sup, k, s = r.key
        options.append((sup, k, s))
        y0, y1 = r.first_year, r.last_year
        for t in ds.periods:
            if (y0 is not None and ds.period_end(t) < y0) or (y1 is not None and t > y1):
                continue
            if sup in partners:
                if (sup, k, s, t) in nonmember_keys:
                    partner.append((sup, k, s, t))
            elif (sup, k, s, t) in ds.producer_cap:
                member.append((sup, k, s, t))
    return tuple(sorted(options)), tuple(sorted(member)), tuple(sorted(partner))
