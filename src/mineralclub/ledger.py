"""The Ledger: who pays the club's bill and who receives its money (SPEC §5).

Every amount is an expected present value in USD million, discounted to the base year exactly
as the Summary sheet (weights w_t = d_t·δ(t); project support at δ(first_year)), so the columns
add up to Summary figures:

* Σ contribution_musd = fiscal_cost_musd (each member pays its share of the bill);
* Σ received_musd = fiscal_cost_musd as well: support of hosted projects + floor payouts +
  offtake payments (members and partners) + stockpile costs (row ``(stockpile)``);
* hence Σ net_position_musd = 0.

Burden-sharing rule (Countries.cost_share, SPEC §3): members' cost_share normalised to sum 1;
blank for every member = by gdp_busd when every member gives it (and they sum to > 0), else
equal shares. The validation rejects a cost_share filled for some members and blank for others;
tables that skip validation (a scripted edit) count such blanks as 0 with a warning, so the
shares still sum to 1 and the contributions still add up to the bill.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict

import pandas as pd

from mineralclub.dataset import Dataset
from mineralclub.results import TOL, country_of, vals

LEDGER_COLUMNS = [
    "country",
    "role",
    "share_of_bill",
    "share_basis",
    "share_basis_reason",
    "contribution_musd",
    "hosted_support_musd",
    "floor_payments_musd",
    "offtake_payments_musd",
    "stockpile_payments_musd",
    "received_musd",
    "net_position_musd",
]


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def cost_shares(countries: pd.DataFrame) -> tuple[dict[str, float], str]:
    """Members' shares of the club's bill (summing to 1) and the basis used: ``cost_share``,
    ``gdp_busd`` or ``equal``."""
    rows = countries[countries["member"].astype(bool)]
    names = list(rows["country"])
    given = [None if _blank(v) else float(v) for v in rows.get("cost_share", [None] * len(rows))]
    if any(v is not None for v in given):
        if any(v is None for v in given):
            blank = ", ".join(n for n, v in zip(names, given, strict=True) if v is None)
            warnings.warn(f"cost_share is blank for {blank}; counted as 0", stacklevel=2)
        shares = [v or 0.0 for v in given]
        if sum(shares) > 0:
            return _normalised(names, shares), "cost_share"
        warnings.warn("members' cost_share sum to 0; the bill is shared by GDP or equally",
                      stacklevel=2)
    gdp = [None if _blank(v) else float(v) for v in rows.get("gdp_busd", [None] * len(rows))]
    if names and all(v is not None for v in gdp) and sum(gdp) > 0:
        return _normalised(names, gdp), "gdp_busd"
    return {n: 1.0 / len(names) for n in names}, "equal"


def basis_reason(countries: pd.DataFrame, basis: str) -> str:
    """Why the bill is shared on `basis` (the Ledger's ``share_basis_reason``)."""
    if basis == "cost_share":
        return "Countries.cost_share given for the members (normalised to sum 1)"
    if basis == "gdp_busd":
        return "no cost_share given; every member gives gdp_busd"
    rows = countries[countries["member"].astype(bool)]
    gdp = rows.get("gdp_busd", pd.Series([None] * len(rows), index=rows.index))
    missing = [str(c) for c, v in zip(rows["country"], gdp, strict=True) if _blank(v)]
    if missing and len(missing) < len(rows):
        return (f"no cost_share given; gdp_busd blank for {', '.join(missing[:5])}"
                + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
                + ", so equal shares instead of GDP")
    return "no cost_share or gdp_busd given: equal shares"


def _normalised(names: list[str], weights: list[float]) -> dict[str, float]:
    total = sum(weights)
    return {n: w / total for n, w in zip(names, weights, strict=True)}


def received_by_country(m, ds: Dataset) -> dict[str, dict[str, float]]:
    """{payment kind: {country: expected discounted USD million}} paid by the club: support of
    candidate projects by host, floor payouts and offtake payments by producer's host country
    (partners for partner offtake)."""
    out = {"hosted_support_musd": defaultdict(float), "floor_payments_musd": defaultdict(float),
           "offtake_payments_musd": defaultdict(float)}
    rate = float(ds.settings.get("discount_rate") or 0.0)
    for name, built in vals(m.x).items():
        p = ds.projects[name]
        if not p.committed:
            delta = (1 + rate) ** -(p.first_year - ds.base_year)
            out["hosted_support_musd"][p.country] += p.support_musd * delta * built
    strike = {(r.mineral, r.stage, r.level): float(r.floor_usd_per_t)
              for r in ds.tables["FloorLevels"].itertuples(index=False)}
    for (o, k, s, lvl, t), v in vals(m.v).items():
        pay = sum(ds.prob[w] * max(0.0, strike[(k, s, lvl)] - ds.price[(k, s, t, w)])
                  for w in ds.scenarios)
        out["floor_payments_musd"][country_of(ds, o)] += 1e-6 * ds.weight[t] * pay * v
    contract = {(r.supplier, r.mineral, r.stage): float(r.contract_price_usd_per_t)
                for r in ds.tables["OfftakeOptions"].itertuples(index=False)}
    for var in (m.o, m.oP):
        for (sup, k, s, t), v in vals(var).items():
            diff = sum(ds.prob[w] * (contract[(sup, k, s)] - ds.price[(k, s, t, w)])
                       for w in ds.scenarios)
            out["offtake_payments_musd"][country_of(ds, sup)] += 1e-6 * ds.weight[t] * diff * v
    return out


def ledger_table(m, ds: Dataset, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per member (its share of the bill and what its producers receive), one per
    partner that is paid for offtake, and a ``(stockpile)`` row for stockpile costs."""
    summary = dict(zip(tables["Summary"]["key"], tables["Summary"]["value"], strict=True))
    fiscal = float(summary["fiscal_cost_musd"])
    shares, basis = cost_shares(ds.tables["Countries"])
    reason = basis_reason(ds.tables["Countries"], basis)
    got = received_by_country(m, ds)
    kinds = list(got)
    rows = []
    for c in ds.members:
        rows.append(dict(country=c, role="member", share_of_bill=shares[c], share_basis=basis,
                         share_basis_reason=reason, contribution_musd=shares[c] * fiscal,
                         **{kind: got[kind].get(c, 0.0) for kind in kinds}))
    for c in ds.partners:
        if any(abs(got[kind].get(c, 0.0)) > TOL * 1e-3 for kind in kinds):
            rows.append(dict(country=c, role="partner", share_of_bill=0.0, share_basis=None,
                             contribution_musd=0.0,
                             **{kind: got[kind].get(c, 0.0) for kind in kinds}))
    rows.append(dict(country="(stockpile)", role="stockpile", share_of_bill=0.0,
                     share_basis=None, contribution_musd=0.0,
                     stockpile_payments_musd=float(summary["stockpile_cost_musd"])))
    df = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    paid = kinds + ["stockpile_payments_musd"]
    df[paid] = df[paid].fillna(0.0)
    df["received_musd"] = df[paid].sum(axis=1)
    df["net_position_musd"] = df["received_musd"] - df["contribution_musd"]
    return df
