"""How ``--help`` shows options: an on/off option is a flag, so it gets no type column.

typer's rich help prints a type for every parameter, ``<bool>`` for flags such as ``--json``
and ``--help`` and ``<path>`` for arguments whose name already says what they are. A flag takes
no value and an argument is named in the usage line, so both are shown without a type.
"""

from __future__ import annotations

from typing import Any

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
