"""Write a copy of a workbook with its bad cells highlighted and commented (SPEC §6).

``annotate(input_path, problems, copy_path)`` fills each problem's cell (light red for errors,
light yellow for warnings) and attaches a comment with the message. A problem without a cell goes
on its column's header, or on A1 of its sheet (or of the first sheet when the sheet is missing).
The input file is only read: the copy must be a different file.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from mineralclub.io.paths import same_file
from mineralclub.io.tables import Problem
from mineralclub.io.template import save_atomic

FILLS = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
}


def annotate(
    input_path: str | os.PathLike[str],
    problems: Iterable[Problem],
    copy_path: str | os.PathLike[str],
) -> Path:
    """Write ``copy_path``: the input workbook with every problem marked on its cell."""
    source, target = Path(input_path), Path(copy_path)
    if same_file(source, target):
        raise ValueError(f"refusing to annotate over the input file {source}; choose another path")
    book = load_workbook(source)
    by_cell: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for problem in problems:
        by_cell[locate(book, problem)].append(problem)
    for (sheet, cell), found in by_cell.items():
        mark(book[sheet], cell, found)
    return save_atomic(target, book.save)


def locate(book: Workbook, problem: Problem) -> tuple[str, str]:
    """The (sheet, cell) where a problem is shown."""
    if problem.sheet not in book.sheetnames:
        return book.sheetnames[0], "A1"
    if problem.cell:
        return problem.sheet, problem.cell
    ws = book[problem.sheet]
    if problem.column:
        for cell in ws[1]:
            if str(cell.value or "").strip().lower() == problem.column.lower():
                return problem.sheet, f"{cell.column_letter}1"
    return problem.sheet, f"A{problem.row or 1}"


def mark(ws: Worksheet, cell: str, problems: list[Problem]) -> None:
    level = "error" if any(p.level == "error" for p in problems) else "warning"
    lines = [problem_line(ws.title, p) for p in problems]
    target = ws[cell]
    target.fill = FILLS[level]
    comment = Comment("\n".join(lines), "mineralclub validate")
    comment.width = 360
    comment.height = 40 + 40 * len(lines)
    target.comment = comment


def problem_line(sheet: str, problem: Problem) -> str:
    prefix = "" if problem.level == "error" else "warning: "
    where = "" if problem.sheet == sheet else f"{problem.sheet}: "
    return f"{where}{prefix}{problem.message}"
