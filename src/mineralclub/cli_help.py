"""How ``--help`` shows options: an on/off option is a flag, so it gets no type column.

typer's rich help prints a type for every parameter, ``<bool>`` for flags such as ``--json``
and ``--help`` and ``<path>`` for arguments whose name already says what they are. A flag takes
no value and an argument is named in the usage line, so both are shown without a type.
"""

from __future__ import annotations

import inspect
from typing import Any

import typer
from typer.core import TyperArgument, TyperOption


def plain_flags() -> None:
    """Show no type for flags and for arguments in ``--help`` (idempotent)."""
    if getattr(TyperOption, "_mineralclub_plain", False):
        return
    option_type = TyperOption.display_type_rich

    def option(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else option_type(self, ctx)

    def argument(self: TyperArgument, ctx: Any) -> str | None:
        return self.metavar if self.metavar is not None else None

    # typer has no hook for this; patching the class is the documented way round (setattr,
    # because mypy rightly forbids assigning to a method)
    setattr(TyperOption, "display_type_rich", option)  # noqa: B010
    setattr(TyperArgument, "display_type_rich", argument)  # noqa: B010
    setattr(TyperOption, "_mineralclub_plain", True)  # noqa: B010


def reflow(doc: str | None) -> str | None:
    """A command's docstring as help text: paragraphs (split at blank lines) joined into one line
    each, so the terminal wraps them evenly. typer keeps the docstring's own line breaks after
    the first paragraph, which leaves the help ragged at any width but the source's. A paragraph
    whose lines are a list (each starts with ``-``, ``*`` or a space) keeps its breaks."""
    if doc is None:
        return None
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(_join(p) for p in paragraphs)


def _join(paragraph: str) -> str:
    lines = paragraph.splitlines()
    if any(line.startswith(("-", "*", " ", "\b")) for line in lines[1:]):
        return paragraph
    return " ".join(line.strip() for line in lines)


def reflow_commands(app: typer.Typer) -> None:
    """Give every registered command its docstring reflowed as its help (an explicit help stays)."""
    for info in app.registered_commands:
        if info.help is None and info.callback is not None:
            info.help = reflow(info.callback.__doc__)
