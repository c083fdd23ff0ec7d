"""Moved. The results workbook is written by :mod:`mineralclub.report.workbook`; atomic writes
with the user's umask live in :mod:`mineralclub.io.atomic`. ``write_atomic`` is re-exported
here only for code that still imports it from this module; delete this file once none does."""

from mineralclub.io.atomic import write_atomic

__all__ = ["write_atomic"]
