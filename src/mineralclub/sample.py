"""Sample scenarios from stated disruption risks (`mineralclub sample`).

Each row of the DisruptionRisks sheet is a risk: in every year of the horizon (the first period
to the end of the last) a disruption of (country, mineral, stage) starts with the annual
probability, unless one from the same row is under way; it cuts that share of exports for
`duration_years` (clipped at the horizon). Scenario k of N draws every risk's years in sheet
order from one seeded generator, so a seed gives the same scenarios on any machine.

The copy of the workbook gets N scenarios `s001..sN` of probability 1/N in place of the old
ones; Disruptions rows of every scenario (`*`) are kept and the sampled cuts added; prices and
ProjectRisks rows (project delays and failures) of the reference scenario (the most probable,
the first on ties) are given to every sampled scenario (price rows for `*` stay); Targets
restricted to old scenarios hold in every sampled one.
The input workbook is never modified; the copy is written atomically.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from mineralclub.io.tables import Tables
from mineralclub.io.template import save_atomic

SHEET = "DisruptionRisks"
HEADER = (
    "country",
    "mineral",
    "stage",
    "annual_probability",
    "duration_years",
    "export_cut",
    "announcement_lead_years",
)
DISRUPTION_COLUMNS = (
    "scenario",
    "country",
    "mineral",
    "stage",
    "year_from",
    "year_to",
    "export_cut",
    "announced_year",
    "source",
)


class SampleError(ValueError):
    """The workbook cannot be sampled (no risks, bad arguments)."""


@dataclass(frozen=True)
class Event:
    country: str
    mineral: str
    stage: str
    year_from: int
    year_to: int
    export_cut: float
    announced: int


@dataclass(frozen=True)
class Scenario:
    name: str
    events: tuple[Event, ...]

    def description(self, seed: int) -> str:
        if not self.events:
            return f"sampled (seed {seed}): no disruption"
        parts = [
            f"{e.country} {e.mineral} {e.stage} {e.year_from}-{e.year_to} cut "
            f"{e.export_cut:.0%}"
            + (f" (announced {e.announced})" if e.announced < e.year_from else "")
            for e in self.events
        ]
        return f"sampled (seed {seed}): " + "; ".join(parts)


def horizon(tables: Tables) -> tuple[int, int]:
    """First period year and last year covered by the last period."""
    periods = tables["Periods"].sort_values("year")
    first = int(periods["year"].iloc[0])
    last = periods.iloc[-1]
    duration = last.get("duration_years")
    duration = int(duration) if duration == duration and duration else 1
    return first, int(last["year"]) + duration - 1


def sample_scenarios(tables: Tables, n: int, seed: int) -> list[Scenario]:
    if n < 1:
        raise SampleError(f"--scenarios must be at least 1, found {n}")
    risks = tables.frames.get(SHEET)
    if risks is None or risks.empty:
        raise SampleError(f"the workbook has no {SHEET} rows: nothing to sample from")
    first, last = horizon(tables)
    rng = random.Random(seed)
    width = max(3, len(str(n)))
    rows = risks.to_dict("records")
    out = []
    for k in range(n):
        events = []
        for r in rows:
            p, duration = float(r["annual_probability"]), int(r["duration_years"])
            lead = int(r["announcement_lead_years"])
            year = first
            while year <= last:
                if rng.random() < p:
                    end = min(last, year + duration - 1)
                    events.append(
                        Event(
                            r["country"],
                            r["mineral"],
                            r["stage"],
                            year,
                            end,
                            float(r["export_cut"]),
                            year - lead,
                        )
                    )
                    year = end + 1
                else:
                    year += 1
        out.append(Scenario(f"s{k + 1:0{width}d}", tuple(events)))
    return out


def reference_scenario(tables: Tables) -> str:
    scen = tables["Scenarios"]
    return str(scen.loc[scen["probability"].idxmax(), "scenario"])


def write_sample(
    source: Path, tables: Tables, scenarios: list[Scenario], seed: int, out: Path
) -> list[str]:
    """Write the copy; returns notes on what was carried over or changed."""
    source, out = Path(source), Path(out)
    if out.resolve() == source.resolve():
        raise SampleError("--out must differ from the input workbook (inputs are never modified)")
    book = openpyxl.load_workbook(source)
    names = [s.name for s in scenarios]
    ref = reference_scenario(tables)
    notes = [f"prices of scenario {ref!r} (the most probable) given to every sampled scenario"]
    _rewrite(
        book["Scenarios"],
        lambda rows: [
            {
                "scenario": s.name,
                "probability": 1 / len(scenarios),
                "description": s.description(seed),
            }
            for s in scenarios
        ],
    )

    def disruptions(rows):
        kept = [r for r in rows if r.get("scenario") == "*"]
        return kept + [
            {
                "scenario": s.name,
                "country": e.country,
                "mineral": e.mineral,
                "stage": e.stage,
                "year_from": e.year_from,
                "year_to": e.year_to,
                "export_cut": e.export_cut,
                "announced_year": e.announced,  # the scenario tree learns of it then (§4.9)
                "source": f"sampled from {SHEET}",
            }
            for s in scenarios
            for e in s.events
        ]

    if "Disruptions" not in book.sheetnames:
        book.create_sheet("Disruptions").append(list(DISRUPTION_COLUMNS))
    _rewrite(book["Disruptions"], disruptions)

    def prices(rows):
        every = [r for r in rows if r.get("scenario") == "*"]
        own = [r for r in rows if r.get("scenario") == ref]
        return every + [{**r, "scenario": name} for name in names for r in own]

    if "Prices" in book.sheetnames:
        _rewrite(book["Prices"], prices)

    def targets(rows):
        for r in rows:
            listed = r.get("scenarios")
            if listed not in (None, "", "*"):
                notes.append(
                    f"target {r.get('target')!r} held in scenarios {listed!r}: now in "
                    "every sampled scenario"
                )
                r["scenarios"] = "*"
        return rows

    if "Targets" in book.sheetnames:
        _rewrite(book["Targets"], targets)

    def project_risks(rows):
        own = [r for r in rows if r.get("scenario") == ref]
        if len(own) < len(rows):
            notes.append(
                f"project delays and failures of scenario {ref!r} given to every sampled "
                f"scenario ({len(rows) - len(own)} rows of other scenarios dropped)"
            )
        return [{**r, "scenario": name} for name in names for r in own]

    if "ProjectRisks" in book.sheetnames:
        _rewrite(book["ProjectRisks"], project_risks)
    save_atomic(out, book.save)
    return notes


def _rewrite(ws, change) -> None:
    """Replace the data rows of a sheet (header in row 1) by change(rows as dicts); columns
    not in the header are added to it."""
    header = [c.value for c in ws[1]]
    while header and header[-1] is None:
        header.pop()
    rows = [
        dict(zip(header, values, strict=False))
        for values in ws.iter_rows(min_row=2, max_col=len(header), values_only=True)
        if any(v is not None for v in values)
    ]
    new = change(rows)
    for row in new:
        for key in row:
            if key not in header:
                header.append(key)
                ws.cell(row=1, column=len(header), value=key)
    if ws.max_row > 1:
        ws.delete_rows(2, ws.max_row - 1)
    for row in new:
        ws.append([row.get(c) for c in header])
