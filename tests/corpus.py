"""Broken files made from inputs/example_small.xlsx by the tests themselves (no binary fixtures).

Each function writes one file into a folder and returns its path. The sheet XML of a workbook
saved by openpyxl is ``xl/worksheets/sheet<N>.xml``, N = the sheet's position (1-based).
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

INPUTS = Path(__file__).resolve().parents[1] / "inputs"
SMALL = INPUTS / "example_small.xlsx"

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
    '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
    '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
    '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
    '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>'
)
EXTERNAL_ENTITY = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def sheet_member(name: str, source: Path = SMALL) -> str:
    index = openpyxl.load_workbook(source, read_only=True).sheetnames.index(name) + 1
    return f"xl/worksheets/sheet{index}.xml"


def rewrite_member(
    dst: Path, member: str, change: Callable[[bytes], bytes], source: Path = SMALL
) -> Path:
    """A copy of ``source`` with one zip member replaced by ``change(its bytes)``."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, change(data) if item.filename == member else data)
    return dst


def with_doctype(doctype: str, entity: str) -> Callable[[bytes], bytes]:
    """Put a DOCTYPE (with entities) before the root element of an XML part."""

    def change(data: bytes) -> bytes:
        text = data.decode("utf-8")
        body = text[text.index("?>") + 2 :] if text.startswith("<?xml") else text
        body = body.replace("<sheetData>", f"<sheetData><!-- &{entity}; -->", 1)
        return (doctype + body).encode("utf-8")

    return change


def entity_payload(
    folder: Path, sheet: str = "Demand", doctype: str = BILLION_LAUGHS, entity: str = "lol9"
) -> Path:
    dst = folder / f"entities_{sheet}.xlsx"
    return rewrite_member(dst, sheet_member(sheet), with_doctype(doctype, entity))


def entity_in_workbook_xml(folder: Path) -> Path:
    return rewrite_member(
        folder / "entities_workbook.xlsx", "xl/workbook.xml", with_doctype(BILLION_LAUGHS, "lol9")
    )


def corrupt_sheet_xml(folder: Path, sheet: str = "Demand") -> Path:
    dst = folder / f"corrupt_{sheet}.xlsx"
    return rewrite_member(dst, sheet_member(sheet), lambda data: data[: len(data) // 2])


def truncated(folder: Path, fraction: float = 0.5) -> Path:
    data = SMALL.read_bytes()
    dst = folder / "truncated.xlsx"
    dst.write_bytes(data[: int(len(data) * fraction)])
    return dst


def ole_file(folder: Path, suffix: str = ".xlsx") -> Path:
    """What an encrypted .xlsx (or an old .xls) starts with: an OLE2 compound file header."""
    dst = folder / f"encrypted{suffix}"
    dst.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4088)
    return dst


def ods_file(folder: Path) -> Path:
    dst = folder / "sheet.ods"
    with zipfile.ZipFile(dst, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return dst


def xlsm_copy(folder: Path) -> Path:
    dst = folder / "macro.xlsm"
    shutil.copyfile(SMALL, dst)
    return dst


def text_file(folder: Path) -> Path:
    dst = folder / "notes.xlsx"
    dst.write_text("country,member\nAlliedia,TRUE\n")
    return dst


def stray_cell(folder: Path, sheet: str, cell: str) -> Path:
    book = openpyxl.load_workbook(SMALL)
    book[sheet][cell] = "stray"
    dst = folder / f"stray_{sheet}_{cell}.xlsx"
    book.save(dst)
    return dst
