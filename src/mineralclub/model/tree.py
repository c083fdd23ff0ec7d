"""The scenario tree: which scenarios are indistinguishable in each period (SPEC §4.9).

The *history* of scenario w at period t is every scenario-specific input known by the end of t:
its prices of periods <= t, its Disruptions rows with announced_year <= t's last year and its
ProjectRisks rows with known_year <= t's last year. Scenarios with equal histories at t are
indistinguishable then and share every decision of period t: they form one *node* (t, n).
Histories nest (the history at t extends the history at t - 1), so the nodes form a tree; a
workbook whose scenarios never differ is a single path.

A node is labelled by its *representative*, the first of its scenarios in the Scenarios order.
Per-scenario variables are declared only at (..., t, representative) keys, so the model has one
copy per node, not one per scenario; `key` maps any (..., t, w) key to its node's key. The data
of a period are part of its history, so every per-scenario parameter of period t is equal across
the scenarios of a node and the rules read them at the representative.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from mineralclub.dataset import Dataset


@dataclass(frozen=True)
class Tree:
    rep: dict  # (t, w) -> representative scenario of w's node at t
    nodes: tuple  # (t, representative, (scenarios ...)) in period order, then Scenarios order
    parent: dict  # (t, representative) -> representative of the parent node (None at the root)

    def key(self, key: tuple) -> tuple:
        """(..., t, w) -> (..., t, representative of w's node at t)."""
        return (*key[:-1], self.rep[(key[-2], key[-1])])

    def is_node(self, key: tuple) -> bool:
        """True for a (..., t, w) key whose w represents its node at t."""
        return self.rep[(key[-2], key[-1])] == key[-1]

    def on_nodes(self, keys) -> tuple:
        """The keys of `keys` that are node keys (one per node, same order)."""
        return tuple(k for k in keys if self.is_node(k))

    def members(self) -> dict:
        """(t, representative) -> scenarios of the node."""
        return {(t, r): ws for t, r, ws in self.nodes}

    def branch_periods(self) -> tuple:
        """Periods at which some node has more than one child."""
        count: defaultdict[tuple, int] = defaultdict(int)
        for t, r, _ws in self.nodes:
            p = self.parent[(t, r)]
            if p is not None:
                count[(t, p)] += 1
        return tuple(sorted({t for (t, _p), n in count.items() if n > 1}))


def build_tree(ds: Dataset) -> Tree:
    news = _news(ds)
    rep: dict[tuple[int, str], str] = {}
    nodes: list[tuple[int, str, tuple[str, ...]]] = []
    parent: dict[tuple[int, str], str | None] = {}
    groups: list[tuple[str, ...]] = [tuple(ds.scenarios)]  # before the first period, all alike
    prev_t = None
    for t in ds.periods:
        refined: list[tuple[str, ...]] = []
        for group in groups:
            by_news: defaultdict[tuple, list[str]] = defaultdict(list)
            for w in group:
                by_news[news[(t, w)]].append(w)
            refined += [tuple(g) for g in by_news.values()]
        order = {w: i for i, w in enumerate(ds.scenarios)}
        refined.sort(key=lambda g: order[g[0]])
        for g in refined:
            nodes.append((t, g[0], tuple(g)))
            parent[(t, g[0])] = None if prev_t is None else rep[(prev_t, g[0])]
            for w in g:
                rep[(t, w)] = g[0]
        groups, prev_t = refined, t
    return Tree(rep=rep, nodes=tuple(nodes), parent=parent)


def _news(ds: Dataset) -> dict:
    """(t, w) -> what scenario w reveals in period t: its prices of t, the Disruptions rows
    announced and the ProjectRisks rows known in t (or before the horizon, for the first)."""
    first, last = ds.periods[0], ds.period_end(ds.periods[-1])

    def period(year: int) -> int:
        return first if year <= ds.period_end(first) else ds.period_of(year)

    rows: defaultdict[tuple[int, str], list[tuple]] = defaultdict(list)
    for r in ds.disruptions:
        if r.announced_year <= last and r.export_cut > 0:  # a row without effect reveals nothing
            rows[(period(r.announced_year), r.scenario)].append(
                ("cut", r.country, r.mineral, r.stage, r.year_from, r.year_to, r.export_cut)
            )
    for risk in ds.risks:
        if risk.known_year <= last and (risk.delay_years > 0 or risk.fails):
            rows[(period(risk.known_year), risk.scenario)].append(
                ("risk", risk.project, 0 if risk.fails else risk.delay_years, risk.fails)
            )
    stage_keys = ds.stage_keys()
    return {
        (t, w): (
            tuple(ds.price[(k, s, t, w)] for k, s in stage_keys),
            tuple(sorted(rows.get((t, w), ()))),
        )
        for t in ds.periods
        for w in ds.scenarios
    }


def node_name(t: int, rep: str) -> str:
    """How reports name node (t, n): period and representative scenario, e.g. "2028:ban"."""
    return f"{t}:{rep}"


def tree_rows(tree: Tree, ds: Dataset) -> list[dict]:
    """One row per node: year, node, parent node, its scenarios and their probability."""
    rows = []
    prev = {t: ds.periods[i - 1] for i, t in enumerate(ds.periods) if i}
    for t, r, ws in tree.nodes:
        parent = tree.parent[(t, r)]
        rows.append(
            dict(
                year=t,
                node=node_name(t, r),
                parent=None if parent is None else node_name(prev[t], parent),
                scenarios=";".join(ws),
                scenario_count=len(ws),
                probability=sum(ds.prob[w] for w in ws),
            )
        )
    return rows


def tree_summary(tree: Tree, ds: Dataset) -> dict:
    """RunInfo entries: nodes per period and the periods where the tree branches."""
    per_period = defaultdict(list)
    for t, _r, ws in tree.nodes:
        per_period[t].append("+".join(ws))
    return {
        "scenario_tree_nodes": sum(len(v) for v in per_period.values()),
        "scenario_tree_branch_years": ", ".join(str(t) for t in tree.branch_periods()) or "none",
        "scenario_tree": "; ".join(f"{t}: " + " | ".join(v) for t, v in per_period.items()),
    }
