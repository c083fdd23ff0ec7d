"""``mineralclub diff A.xlsx B.xlsx``: what differs between two results workbooks.

* **Inputs**: RunInfo records each run's input path and SHA-256. Equal digests: same inputs.
  Otherwise, when both input files still exist, they are compared sheet by sheet and cell by
  cell, rows matched by their key columns (from the schema; by Excel row for sheets the schema
  does not know).
* **Decisions**: projects built, floor cover, offtake volumes, new stock capacity.
* **Cost**: every Summary key. **Concentration**: the `expected` rows (baseline and plan).
  **Targets**: the whole-target rows (achieved, binding, marginal cost).

Only changed rows are listed, so the diff of a run with itself is empty. The result is a
workbook (written atomically) and rich tables for the terminal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mineralclub.io.read_workbook import ROW, read_workbook
from mineralclub.io.tables import InputError
from mineralclub.report.reader import read_book
from mineralclub.schema import SHEET_BY_NAME

SECTIONS = ("Inputs", "Decisions", "Cost", "Concentration", "Targets")
INPUT_COLUMNS = ["sheet", "key", "column", "a", "b", "change"]
DECISION_COLUMNS = ["decision", "item", "a", "b", "change"]
REL_TOL = 1e-9


@dataclass
class Diff:
    a: Path
    b: Path
    sections: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)
    same_inputs: bool | None = None  # None: unknown (no digests)

    @property
    def changed_rows(self) -> int:
        return sum(len(df) for df in self.sections.values())

    @property
    def is_empty(self) -> bool:
        return self.changed_rows == 0

    def overview(self) -> pd.DataFrame:
        rows: list[tuple[str, object]] = [
            ("run_a", str(self.a)),
            ("run_b", str(self.b)),
            ("same_inputs", "unknown" if self.same_inputs is None else self.same_inputs),
        ]
        rows += [(f"changed_{name.lower()}", len(df)) for name, df in self.sections.items()]
        rows += [(f"note_{i}", note) for i, note in enumerate(self.notes, start=1)]
        return pd.DataFrame(rows, columns=["key", "value"])

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"Overview": self.overview(), **self.sections}


# --- values -------------------------------------------------------------------------------------


def blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def same(a, b) -> bool:
    """Equal values: both blank, numbers within a relative 1e-9, or equal otherwise."""
    if blank(a) or blank(b):
        return blank(a) and blank(b)
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=REL_TOL, abs_tol=REL_TOL)
    return a == b or str(a) == str(b)


def change(a, b):
    """b - a for numbers, else a word."""
    if blank(a) and not blank(b):
        return "added"
    if blank(b) and not blank(a):
        return "removed"
    if isinstance(a, bool) or isinstance(b, bool):
        return "changed"
    try:
        return float(b) - float(a)
    except (TypeError, ValueError):
        return "changed"


def key_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- reading results ---------------------------------------------------------------------------


def keyed(df: pd.DataFrame | None) -> dict:
    if df is None or df.empty or "key" not in df.columns:
        return {}
    return dict(zip(df["key"].astype(str), df["value"], strict=True))


# --- inputs -------------------------------------------------------------------------------------


def compare_inputs(
    info_a: dict, info_b: dict, notes: list[str]
) -> tuple[pd.DataFrame, bool | None]:
    """Changed input cells, and whether the inputs are the same (by digest; None: unknown)."""
    sha_a, sha_b = info_a.get("input_sha256"), info_b.get("input_sha256")
    if blank(sha_a) or blank(sha_b):
        notes.append("a run records no input digest; inputs not compared")
        return pd.DataFrame(columns=INPUT_COLUMNS), None
    if sha_a == sha_b:
        return pd.DataFrame(columns=INPUT_COLUMNS), True
    rows = [
        dict(sheet="(workbook)", key="", column="input_sha256", a=sha_a, b=sha_b, change="changed")
    ]
    path_a, path_b = Path(str(info_a.get("input_path"))), Path(str(info_b.get("input_path")))
    missing = [p for p in (path_a, path_b) if not p.is_file()]
    if missing:
        notes.append("input not found, cells not compared: " + ", ".join(map(str, missing)))
        return pd.DataFrame(rows, columns=INPUT_COLUMNS), False
    from mineralclub.io.early import sha256

    for p, sha in ((path_a, sha_a), (path_b, sha_b)):
        if sha256(p) != sha:
            notes.append(f"{p} has changed since its run; compared as it is now")
    try:
        rows += compare_workbooks(read_workbook(path_a), read_workbook(path_b))
    except InputError as exc:
        notes.append(f"inputs could not be read: {exc}")
    return pd.DataFrame(rows, columns=INPUT_COLUMNS), False


def compare_workbooks(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> list[dict]:
    rows = []
    for sheet in list(a) + [s for s in b if s not in a]:
        if sheet not in a or sheet not in b:
            present = sheet in a
            rows.append(
                dict(
                    sheet=sheet,
                    key="(sheet)",
                    column="",
                    a="present" if present else None,
                    b=None if present else "present",
                    change="removed" if present else "added",
                )
            )
            continue
        rows += compare_sheet(sheet, a[sheet], b[sheet])
    return rows


def row_keys(sheet: str, df: pd.DataFrame) -> list[str]:
    """A text key per row: the schema's key columns, else the Excel row number."""
    spec = SHEET_BY_NAME.get(sheet)
    cols = [c for c in spec.key] if spec is not None else []
    if not cols or not set(cols) <= set(df.columns):
        return [f"row {r}" for r in df[ROW]]
    keys = [
        ", ".join(f"{c}={key_text(v)}" for c, v in zip(cols, vals, strict=True))
        for vals in df[cols].itertuples(index=False)
    ]
    seen: dict[str, int] = {}
    out = []
    for k in keys:  # duplicated keys (invalid input) stay distinct
        seen[k] = seen.get(k, 0) + 1
        out.append(k if seen[k] == 1 else f"{k} #{seen[k]}")
    return out


def compare_sheet(sheet: str, a: pd.DataFrame, b: pd.DataFrame) -> list[dict]:
    cols = [c for c in a.columns if c != ROW] + [
        c for c in b.columns if c != ROW and c not in a.columns
    ]
    ra = dict(zip(row_keys(sheet, a), a.to_dict("records"), strict=True))
    rb = dict(zip(row_keys(sheet, b), b.to_dict("records"), strict=True))
    rows = []
    for key in list(ra) + [k for k in rb if k not in ra]:
        if key not in rb or key not in ra:
            gone = key in ra
            rows.append(
                dict(
                    sheet=sheet,
                    key=key,
                    column="(row)",
                    a="present" if gone else None,
                    b=None if gone else "present",
                    change="removed" if gone else "added",
                )
            )
            continue
        for col in cols:
            va, vb = ra[key].get(col), rb[key].get(col)
            if not same(va, vb):
                rows.append(
                    dict(sheet=sheet, key=key, column=col, a=va, b=vb, change=change(va, vb))
                )
    return rows


# --- decisions, cost, concentration, targets -----------------------------------------------------


def compare_series(a: pd.Series, b: pd.Series, label: str) -> list[dict]:
    """Rows where two keyed numeric series differ (absent = 0)."""
    keys = list(a.index) + [k for k in b.index if k not in a.index]
    rows = []
    for k in keys:
        va, vb = float(a.get(k, 0.0)), float(b.get(k, 0.0))
        if not same(va, vb):
            item = " ".join(map(key_text, k)) if isinstance(k, tuple) else key_text(k)
            rows.append(dict(decision=label, item=item, a=va, b=vb, change=vb - va))
    return rows


def _sum(df: pd.DataFrame | None, keys: list[str], value: str) -> pd.Series:
    if df is None or df.empty or value not in df.columns:
        return pd.Series(dtype=float)
    return df.groupby(keys, sort=True)[value].sum()


def compare_decisions(a: dict, b: dict) -> pd.DataFrame:
    rows = []
    specs = (
        ("project built (0..1)", "Projects", ["project"], "built"),
        ("floor cover (t/yr)", "PriceFloors", ["mineral", "stage", "level", "year"], "covered_t"),
        ("offtake (t/yr)", "Offtake", ["supplier", "mineral", "stage", "year"], "volume_t"),
    )
    for label, sheet, keys, value in specs:
        rows += compare_series(
            _sum(a.get(sheet), keys, value), _sum(b.get(sheet), keys, value), label
        )
    rows += compare_series(
        _first(a.get("Stockpile")), _first(b.get("Stockpile")), "new stock capacity (t)"
    )
    rows += compare_series(
        _chosen(a.get("ReferencePrices")),
        _chosen(b.get("ReferencePrices")),
        "reference price chosen (0/1)",
    )
    return pd.DataFrame(rows, columns=DECISION_COLUMNS)


def _chosen(df: pd.DataFrame | None) -> pd.Series:
    """1 for each chosen reference level, 0 for each candidate not chosen."""
    if df is None or df.empty or "chosen" not in df.columns:
        return pd.Series(dtype=float)
    return (
        df.assign(chosen=df["chosen"].astype(float))
        .groupby(["mineral", "stage", "level"], sort=True)["chosen"]
        .max()
    )


def _first(df: pd.DataFrame | None) -> pd.Series:
    if df is None or df.empty:
        return pd.Series(dtype=float)
    return df.groupby("mineral", sort=True)["capacity_t"].first()


def compare_cost(a: dict, b: dict) -> pd.DataFrame:
    sa, sb = keyed(a.get("Summary")), keyed(b.get("Summary"))
    rows = [
        dict(key=k, a=sa.get(k), b=sb.get(k), change=change(sa.get(k), sb.get(k)))
        for k in list(sa) + [k for k in sb if k not in sa]
        if not same(sa.get(k), sb.get(k))
    ]
    return pd.DataFrame(rows, columns=["key", "a", "b", "change"])


CONC_KEYS = ["mineral", "stage", "year", "scope", "metric"]


def compare_concentration(a: dict, b: dict) -> pd.DataFrame:
    cols = CONC_KEYS + ["baseline_a", "baseline_b", "optimised_a", "optimised_b", "change"]

    def expected(df):
        if df is None or df.empty:
            return pd.DataFrame(columns=CONC_KEYS + ["baseline", "optimised"])
        return df[df["scenario"] == "expected"][CONC_KEYS + ["baseline", "optimised"]]

    m = expected(a.get("Concentration")).merge(
        expected(b.get("Concentration")), on=CONC_KEYS, how="outer", suffixes=("_a", "_b")
    )
    rows = []
    for r in m.to_dict("records"):
        if not (
            same(r["baseline_a"], r["baseline_b"]) and same(r["optimised_a"], r["optimised_b"])
        ):
            rows.append({**r, "change": change(r["optimised_a"], r["optimised_b"])})
    return pd.DataFrame(rows, columns=cols)


def compare_targets(a: dict, b: dict) -> pd.DataFrame:
    fields = ["value", "achieved", "binding", "marginal_cost_musd_per_pp"]
    cols = ["target", "field", "a", "b", "change"]

    def whole(df):
        if df is None or df.empty:
            return {}
        df = df[df["year"].astype(str) == "*"]
        return {r["target"]: r for r in df.to_dict("records")}

    ta, tb = whole(a.get("Targets")), whole(b.get("Targets"))
    rows = []
    for name in list(ta) + [n for n in tb if n not in ta]:
        for f in fields:
            va, vb = ta.get(name, {}).get(f), tb.get(name, {}).get(f)
            if not same(va, vb):
                rows.append(dict(target=name, field=f, a=va, b=vb, change=change(va, vb)))
    return pd.DataFrame(rows, columns=cols)


def diff(path_a: Path, path_b: Path) -> Diff:
    """Compare two results workbooks."""
    a, b = read_book(Path(path_a)), read_book(Path(path_b))
    notes: list[str] = []
    inputs, same_inputs = compare_inputs(keyed(a.get("RunInfo")), keyed(b.get("RunInfo")), notes)
    sections = {
        "Inputs": inputs,
        "Decisions": compare_decisions(a, b),
        "Cost": compare_cost(a, b),
        "Concentration": compare_concentration(a, b),
        "Targets": compare_targets(a, b),
    }
    return Diff(Path(path_a), Path(path_b), sections, notes, same_inputs)


def default_out(path_a: Path, path_b: Path) -> Path:
    return Path(path_a).with_name(f"{Path(path_a).stem}_vs_{Path(path_b).stem}.xlsx")


def write_diff(d: Diff, out: Path) -> Path:
    """The diff as a workbook (Overview first, then each section), written atomically."""
    from openpyxl.utils import get_column_letter

    from mineralclub.io.atomic import write_atomic

    tables = {name: _cells(df) for name, df in d.tables().items()}

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name, df in tables.items():
                df.to_excel(xw, sheet_name=name, index=False)
                ws = xw.book[name]
                ws.freeze_panes = "A2"
                last = get_column_letter(max(1, len(df.columns)))
                ws.auto_filter.ref = f"A1:{last}{max(2, len(df) + 1)}"
                for j, col in enumerate(df.columns, start=1):
                    width = max([len(str(col))] + [len(fmt(v)) for v in df[col].head(200)])
                    ws.column_dimensions[get_column_letter(j)].width = min(60, width + 2)

    return write_atomic(Path(out), write)


def _cells(df: pd.DataFrame) -> pd.DataFrame:
    """Mixed columns as object, so texts and numbers keep their types in Excel."""
    return df.astype(object).where(df.notna(), None)


# --- terminal ---------------------------------------------------------------------------------


def render(d: Diff, console, max_rows: int = 25) -> None:
    """Rich tables, one per section with changes."""
    from rich.table import Table

    console.print(f"[bold]A[/bold] {d.a}\n[bold]B[/bold] {d.b}")
    if d.same_inputs is not None:
        console.print("Inputs: " + ("identical (same SHA-256)" if d.same_inputs else "different"))
    for note in d.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    if d.is_empty:
        console.print("[green]No differences.[/green]")
        return
    for name, df in d.sections.items():
        if df.empty:
            continue
        table = Table(title=f"{name}: {len(df)} changed", title_justify="left")
        for col in df.columns:
            table.add_column(
                str(col),
                justify="right" if col in ("a", "b", "change") else "left",
                overflow="fold",
            )
        for r in df.head(max_rows).itertuples(index=False):
            table.add_row(*(fmt(v) for v in r))
        console.print(table)
        if len(df) > max_rows:
            console.print(f"... and {len(df) - max_rows} more rows (see the diff workbook)")


def fmt(v) -> str:
    if blank(v):
        return ""
    if isinstance(v, float):
        return f"{v:,.6g}"
    text = str(v)
    if len(text) == 64 and all(c in "0123456789abcdef" for c in text):  # a SHA-256
        return text[:12] + "…"
    return text
