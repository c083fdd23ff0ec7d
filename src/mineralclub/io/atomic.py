"""Write a file atomically, with the permissions the user's umask gives (SPEC §5, §6).

The content goes to a hidden temporary file in the target's folder, created like any new file
(mode 0o666 minus the umask, unlike ``tempfile.mkstemp``'s 0o600), and is then renamed onto the
target, so a reader never sees a half-written file. If anything interrupts the write — an error,
Ctrl-C or SIGTERM (:mod:`mineralclub.interrupt`) — the temporary file is removed and an earlier
file at the target stays as it was.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(temporary path)``, then rename the temporary file onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_file(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _new_file(path: Path) -> Path:
    """An empty hidden file beside ``path``, created with the umask's permissions."""
    while True:
        tmp = path.with_name(f".{path.stem}-{secrets.token_hex(6)}{path.suffix}")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp
