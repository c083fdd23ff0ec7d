"""Output files: written atomically (a temporary file in the target folder, then a rename) and
readable as the user's umask allows, like any file the user creates (SPEC §6). One
implementation, :func:`mineralclub.io.atomic.write_atomic`, re-exported for the report writers."""

from mineralclub.io.atomic import write_atomic

__all__ = ["write_atomic"]
