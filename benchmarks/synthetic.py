"""Synthetic instances of any size: countries x minerals x periods x scenarios.

Deterministic (seeded). Each mineral has two stages (mine -> refine); a third of the countries
are non-members with most of the refining; every member gets one candidate refinery per
mineral; a max_country_share target on refining from the second period makes the model choose.
"""

from __future__ import annotations

import random

from mineralclub.dataset import Dataset, build_dataset
from mineralclub.io.read_workbook import sheet_frame
from mineralclub.io.validate import validate


def sheets(countries: int, minerals: int, periods: int, scenarios: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    names = [f"C{i:03d}" for i in range(countries)]
    nonmembers = set(names[: max(1, countries // 3)])
    mins = [f"M{j:02d}" for j in range(minerals)]
    years = [2026 + 2 * i for i in range(periods)]
    scen = [f"S{w}" for w in range(scenarios)]
    out = {
        "Settings": [
            {"key": "name", "value": f"synthetic {countries}x{minerals}x{periods}x{scenarios}"},
            {"key": "mip_gap", "value": 0.01},
        ],
        "Countries": [
            {
                "country": c,
                "member": c not in nonmembers,
                "import_premium_usd_per_t": rng.choice([20, 50, 100]),
            }
            for c in names
        ],
        "Minerals": [{"mineral": k} for k in mins],
        "Stages": [
            row
            for k in mins
            for row in (
                {"mineral": k, "stage": "mine", "order": 1},
                {"mineral": k, "stage": "refine", "order": 2, "yield": 0.95, "final": True},
            )
        ],
        "Periods": [{"year": y, "duration_years": 2} for y in years],
        "Demand": [
            {"mineral": k, "year": y, "demand_t": 1000 * (1 + 0.05 * i)}
            for k in mins
            for i, y in enumerate(years)
        ],
        "Scenarios": [{"scenario": w, "probability": 1 / scenarios} for w in scen],
        "Capacity": [],
        "Prices": [],
        "Projects": [],
        "Targets": [],
        "Disruptions": [],
    }
    for k in mins:
        for c in names:
            big = 6 if c in nonmembers else 1
            out["Capacity"].append(
                {
                    "country": c,
                    "mineral": k,
                    "stage": "mine",
                    "year": 2026,
                    "capacity_t": rng.uniform(20, 80) * (2 if big == 1 else 1),
                    "unit_cost_usd_per_t": rng.uniform(300, 900),
                }
            )
            out["Capacity"].append(
                {
                    "country": c,
                    "mineral": k,
                    "stage": "refine",
                    "year": 2026,
                    "capacity_t": rng.uniform(10, 40) * big,
                    "unit_cost_usd_per_t": rng.uniform(200, 800),
                }
            )
            if c not in nonmembers:
                out["Projects"].append(
                    {
                        "project": f"P_{c}_{k}",
                        "country": c,
                        "mineral": k,
                        "stage": "refine",
                        "capacity_t": rng.uniform(50, 150),
                        "capex_musd": rng.uniform(20, 200),
                        "support_share": 0.4,
                        "unit_cost_usd_per_t": rng.uniform(300, 700),
                        "first_year": years[min(1, periods - 1)],
                        "lumpy": rng.random() < 0.5,
                    }
                )
        for y in years:
            for w, s in enumerate(scen):
                level = 1 + 0.3 * (w - (scenarios - 1) / 2) / max(1, scenarios)
                out["Prices"].append(
                    {
                        "mineral": k,
                        "stage": "mine",
                        "year": y,
                        "scenario": s,
                        "price_usd_per_t": 1000 * level,
                    }
                )
                out["Prices"].append(
                    {
                        "mineral": k,
                        "stage": "refine",
                        "year": y,
                        "scenario": s,
                        "price_usd_per_t": 1800 * level,
                    }
                )
        out["Targets"].append(
            {
                "target": f"cap_{k}",
                "metric": "max_country_share",
                "mineral": k,
                "stage": "refine",
                "year_from": years[-1],
                "value": 0.5,
                "hard": False,
                "penalty_usd_per_t": 20000,
            }
        )
    if scenarios > 1:
        out["Disruptions"].append(
            {
                "scenario": scen[-1],
                "country": sorted(nonmembers)[0],
                "mineral": mins[0],
                "stage": "refine",
                "year_from": years[-1],
                "export_cut": 0.8,
            }
        )
    return out


def dataset(countries: int, minerals: int, periods: int, scenarios: int, seed: int = 0) -> Dataset:
    raw = {}
    for name, rows in sheets(countries, minerals, periods, scenarios, seed).items():
        cols = list(dict.fromkeys(c for r in rows for c in r)) or ["_empty"]
        if rows:
            raw[name] = sheet_frame(name, [cols] + [[r.get(c) for c in cols] for r in rows])
    return build_dataset(validate(raw))
