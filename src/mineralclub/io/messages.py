"""How values appear in input messages: quoted text, whole numbers without ``.0``, suggestions."""

from __future__ import annotations

import difflib
from datetime import date, datetime, time
from typing import Any


def text_of(value: Any) -> str:
    """The text of a cell as a user sees it: 2026.0 -> "2026", True -> "TRUE"."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return str(value).strip()


def show(value: Any) -> str:
    """A value as it should appear in a message: text quoted, 2026.0 as 2026; control
    characters escaped (``\x1b``), so a message can neither drive a terminal nor break a
    workbook comment."""
    if isinstance(value, str):
        return f'"{printable(value)}"'
    return printable(text_of(value))


def printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def suggest(word: Any, choices: Any) -> str:
    """' (did you mean "x"?)' for the closest choice, or ''."""
    by_lower = {str(c).lower(): str(c) for c in choices}
    close = difflib.get_close_matches(str(word).lower(), list(by_lower), n=1, cutoff=0.6)
    return f' (did you mean "{by_lower[close[0]]}"?)' if close else ""


def years_text(items: list) -> str:
    """At most six items, then 'and N more'."""
    shown = ", ".join(str(y) for y in items[:6])
    return shown + (f" and {len(items) - 6} more" if len(items) > 6 else "")


def num(value: float) -> str:
    """A money or tonnage figure: 12,000 or 0.5."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


MESSAGE_LIMIT = 200  # problems printed one by one; the rest are summarised per kind


def problem_line(problem: Any) -> str:
    """``Sheet!Cell: message``, with ``warning:`` before the message of a warning."""
    text = str(problem)
    if getattr(problem, "level", "error") != "error":
        where, _, message = text.partition(": ")
        text = f"{where}: warning: {message}"
    return text


def capped_lines(problems: list, limit: int = MESSAGE_LIMIT) -> list[str]:
    """One line per problem up to ``limit``; then one line per kind (sheet, column, level) of
    the rest: ``Demand!C9: ... and 999,800 more errors in column demand_t``."""
    lines = [problem_line(p) for p in problems[:limit]]
    kinds: dict[tuple, list] = {}
    for p in problems[limit:]:
        kinds.setdefault((p.sheet, p.column, p.level), []).append(p)
    for (sheet, column, level), rest in kinds.items():
        first = rest[0]
        where = f"{sheet}!{first.cell}" if first.cell else sheet
        noun = "error" if level == "error" else "warning"
        place = f" in column {column}" if column else ""
        lines.append(
            f"{where}: ... and {len(rest):,} more {noun}s of this kind{place} (from this cell on)"
        )
    return lines


def input_problem_lines(
    problems: list, workbook: Any, outcome: str = "nothing was solved"
) -> list[str]:
    """What a command prints when its workbook is rejected: the problems (capped as
    :func:`capped_lines` does), then their count and what was not done."""
    return [*capped_lines(problems), f"{len(problems)} problem(s) in {workbook}; {outcome}."]
