"""What to tell a user who gives a folder or a file of another kind where a workbook is due."""

from __future__ import annotations

from pathlib import Path

OTHER_FORMATS = {  # other spreadsheet files (.xls, .ods, ...) are recognised by the reader
    ".csv": "a CSV file (one table)",
    ".tsv": "a tab-separated file (one table)",
    ".txt": "a text file",
}


def workbook_path_problem(path: Path) -> str | None:
    """A message saying what to do when `path` is a folder or not an .xlsx file, else None
    (a missing or unreadable .xlsx is reported by the reader)."""
    path = Path(path)
    if path.is_dir():
        found = sorted(p.name for p in path.glob("*.xlsx") if not p.name.startswith(("~$", ".")))
        hint = (
            f" (it holds {', '.join(found[:3])}{', ...' if len(found) > 3 else ''})"
            if found
            else ""
        )
        return (
            f"{path} is a folder{hint}; give the path of one input workbook (.xlsx), "
            f"e.g. {path / (found[0] if found else 'case.xlsx')}"
        )
    kind = OTHER_FORMATS.get(path.suffix.lower())
    if kind is not None:
        return (
            f"{path} is {kind}; mineralclub reads one Excel workbook with a sheet per table: "
            "open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook), or "
            "start from `mineralclub template case.xlsx`"
        )
    return None
