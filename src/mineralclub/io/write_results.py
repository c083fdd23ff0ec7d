"""Moved. The results workbook is written by :mod:`mineralclub.report.workbook`; atomic writes
with the user's umask live in :mod:`mineralclub.files`. ``write_atomic`` is re-exported here
only for writers on other branches that still import it from this module; delete this file
once none does."""

from mineralclub.files import write_atomic

__all__ = ["write_atomic"]
