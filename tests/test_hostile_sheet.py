"""Hostile workbooks through the command line: exit 1, one clear line, bounded, nothing lost.

The promise of tests/test_hostile_cli.py for .xlsx, .xls, .et and .ods:
``python -m pipeline extract BAD --out DIR`` where DIR already holds a good
extraction exits 1 with exactly one ``error: <file>: <what>`` line on stderr (no
traceback), within 60 s and with its process tree under 1 GiB, and leaves DIR
(and its siblings) byte-identical.

Every file is written here from raw parts (zip members, XML text, a compound
file's sectors), so each defect is exactly the one named: a zip bomb (and one
whose declared sizes lie), entity expansion and external entities, encryption
(an OOXML package inside OLE, and an .xls's own FILEPASS), a million empty
rows, two cells at opposite corners of the grid, huge merged ranges, repeated
rows of text, no table, truncated files.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.settings import DEFAULT_LIMITS
from tests import hostile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# --------------------------------------------------------------------------- writers

PACKAGE_RELS = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                b'Target="xl/workbook.xml"/></Relationships>')


def xlsx_bytes(sheet: bytes | Callable[[io.BufferedIOBase], None], *,
               workbook: bytes | None = None, strings: bytes | None = None,
               styles: bytes | None = None) -> bytes:
    """A minimal .xlsx: one sheet whose XML is ``sheet`` (or written by it, streamed)."""
    buf = io.BytesIO()
    types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
             b'2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
             b"</Types>")
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
               'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
               if strings is not None else "")
            + ('<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/'
               'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
               if styles is not None else "")
            + "</Relationships>").encode()
    book = workbook or (f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
                        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
                        "</workbook>").encode()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", PACKAGE_RELS)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        if strings is not None:
            z.writestr("xl/sharedStrings.xml", strings)
        if styles is not None:
            z.writestr("xl/styles.xml", styles)
        if callable(sheet):
            with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
                sheet(f)
        else:
            z.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


def sheet_xml(rows: str, tail: str = "", head: str = "") -> bytes:
    return (f'<?xml version="1.0"?>{head}<worksheet xmlns="{MAIN}"><sheetData>{rows}'
            f"</sheetData>{tail}</worksheet>").encode()


def ods_bytes(table: str) -> bytes:
    """A minimal .ods whose one table's body is ``table``."""
    content = ('<?xml version="1.0"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
               f'<office:body><office:spreadsheet><table:table table:name="表1">{table}'
               "</table:table></office:spreadsheet></office:body></office:document-content>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content.encode(), zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file (CFB v3, 512-byte sectors) holding ``streams`` at its root.

    Streams are padded to 4096 bytes so that none lives in the mini stream.
    """
    end, free, fat_sect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    datas = [data.ljust(4096, b"\0") for data in streams.values()]
    fat = [fat_sect, end]  # sector 0: the FAT; sector 1: the directory
    starts = []
    for data in datas:
        n = -(-len(data) // 512)
        starts.append(len(fat))
        fat += [len(fat) + k + 1 for k in range(n - 1)] + [end]
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", nostream, right, child) + bytes(16) + bytes(4)
                + bytes(16) + struct.pack("<IQ", start, size))

    names = list(streams)
    entries = [entry("Root Entry", 5, nostream, 1 if names else nostream, end, 0)]
    for i, (name, data) in enumerate(zip(names, datas, strict=True)):
        right = i + 2 if i + 1 < len(names) else nostream
        entries.append(entry(name, 2, right, nostream, starts[i], len(data)))
    directory = b"".join(entries).ljust(512, b"\0")  # unused entries: type 0, ignored
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + directory + b"".join(
        d.ljust(-(-len(d) // 512) * 512, b"\0") for d in datas)


def biff_record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


# A BIFF8 workbook globals BOF (0x0809: version 0x0600, type 0x0005 = workbook globals).
BOF = biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06))


# --------------------------------------------------------------------------- cases

def _bomb(f) -> None:
    f.write(sheet_xml("").split(b"<sheetData>")[0] + b"<sheetData>")
    block = b" " * (1 << 20)
    for _ in range(600):  # 600 MB of white space between two tags
        f.write(block)
    f.write(b"</sheetData></worksheet>")


@functools.cache
def _bomb_bytes() -> bytes:
    return xlsx_bytes(_bomb)


def _lying_bomb() -> bytes:
    """The bomb, with its member's declared uncompressed size rewritten to 1,000 bytes
    (in the local header and the central directory, zip64 fields included)."""
    data = bytearray(_bomb_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for sig, size_at, lens_at, name_at in ((b"PK\x03\x04", 22, 26, 30),
                                           (b"PK\x01\x02", 24, 28, 46)):
        at = data.find(sig)
        while at >= 0:
            name_len, extra_len = struct.unpack_from("<HH", data, at + lens_at)
            start = at + name_at
            if bytes(data[start:start + name_len]) == name:
                if struct.unpack_from("<I", data, at + size_at)[0] != 0xFFFFFFFF:
                    struct.pack_into("<I", data, at + size_at, 1000)
                extra, end = start + name_len, start + name_len + extra_len
                while extra < end:
                    tag, size = struct.unpack_from("<HH", data, extra)
                    if tag == 1:  # zip64: the uncompressed size comes first
                        struct.pack_into("<Q", data, extra + 4, 1000)
                    extra += 4 + size
            at = data.find(sig, at + 4)
    return bytes(data)


LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
          + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                    for i in range(9))
          + "]>")


def _external(folder: Path) -> Path:
    planted = folder / "planted-secret.txt"
    planted.write_text("secret", encoding="utf-8")
    book = (f'<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY x SYSTEM "{planted.as_uri()}">]>'
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="&x;" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>').encode()
    path = folder / "external.xlsx"
    path.write_bytes(xlsx_bytes(sheet_xml(""), workbook=book))
    return path


def _million_empty_rows(f) -> None:
    f.write(b'<?xml version="1.0"?><worksheet xmlns="' + MAIN.encode()
            + b'"><dimension ref="A1:H1048576"/><sheetData>')
    for start in range(1, 1_048_577, 4096):
        f.write(b"".join(b'<row r="%d"><c r="H%d" s="1"/></row>' % (r, r)
                         for r in range(start, min(start + 4096, 1_048_577))))
    f.write(b"</sheetData></worksheet>")


def _many_merges() -> bytes:
    merges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(1, 600_001))
    return xlsx_bytes(sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>甲</t></is></c></row>',
                                f"<mergeCells>{merges}</mergeCells>"))


def _huge_merge() -> bytes:
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>角</t></is></c></row>')
    return xlsx_bytes(sheet_xml(rows, '<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>'))


def _corner_cells() -> bytes:
    # Two cells at opposite corners of the grid: a dense reader (python-calamine)
    # allocates 17 billion cells here and aborts the process.
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>甲</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>乙</t></is></c></row>')
    return xlsx_bytes(sheet_xml(rows))


#: Visible sheets in the many-sheets case: more than the default --max-pages (a sheet is a
#: page), all pointing at one worksheet part.
MANY_SHEETS = DEFAULT_LIMITS.max_pages + 100


def _many_sheets() -> bytes:
    n = MANY_SHEETS
    sheets = "".join(f'<sheet name="表{i}" sheetId="{i}" r:id="rId1"/>' for i in range(1, n + 1))
    book = (f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheets}'
            "</sheets></workbook>").encode()
    return xlsx_bytes(sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>甲</t></is></c>'
                                "</row>"), workbook=book)


def _no_table() -> bytes:
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>第{r}段：通知正文。</t>'
                   "</is></c></row>" for r in range(1, 20))
    return xlsx_bytes(sheet_xml(rows))


#: Cell styles: 0 General, 1 a date (built-in 14), 2 two decimals (built-in 2).
STYLES = (f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}"><cellXfs count="3">'
          '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="2"/></cellXfs></styleSheet>').encode()


def _non_finite_numbers() -> bytes:
    """Numeric cells that overflow a double (1e999), or are not numbers (nan), in
    each style: float() takes them, and int() and timedelta() then fail."""
    rows = "".join(f'<row r="{r}"><c r="A{r}" s="{s}"><v>{v}</v></c></row>'
                   for r, (v, s) in enumerate([(v, s) for v in ("1e999", "-1e999", "nan", "inf")
                                               for s in range(3)], 1))
    return xlsx_bytes(sheet_xml(rows), styles=STYLES)


def _superscript_row_number() -> bytes:
    # "²".isdigit() is True, and int("²") raises ValueError.
    return xlsx_bytes(sheet_xml('<row r="²"><c t="inlineStr"><is><t>甲</t></is></c></row>'
                                '<row r="٣"><c t="inlineStr"><is><t>乙</t></is></c></row>'))


#: Elements in the hidden-range cases: each spans a whole sheet's rows or columns.
HIDDEN_ELEMENTS = 2_000


def _ods_hidden_ranges() -> bytes:
    """Hidden columns and rows by the thousand, each element spanning 16,384 columns
    or 65,536 rows: kept per index, they took about 100 MB per 30 elements."""
    columns = ('<table:table-column table:visibility="collapse" '
               'table:number-columns-repeated="16384"/>' * HIDDEN_ELEMENTS)
    rows = ('<table:table-row table:visibility="collapse" table:number-rows-repeated="65536">'
            "<table:table-cell/></table:table-row>" * HIDDEN_ELEMENTS)
    return ods_bytes(columns + rows)


def _xlsx_hidden_columns_past_the_grid() -> bytes:
    """<col> elements hiding 16,384 columns each, every one further past column XFD."""
    cols = "".join(f'<col min="{k * 16_384 + 1}" max="{(k + 1) * 16_384}" hidden="1"/>'
                   for k in range(HIDDEN_ELEMENTS))
    rows = "".join(f'<row r="{r}" hidden="1"/>' for r in range(1, 20_001, 2))
    return xlsx_bytes(sheet_xml(rows, head="").replace(
        b"<sheetData>", f"<cols>{cols}</cols><sheetData>".encode()))


def _half(path: Path) -> bytes:
    data = path.read_bytes()
    return data[: len(data) // 2]


def _truncated_xlsx(folder: Path) -> Path:
    good = folder / "good.xlsx"
    good.write_bytes(xlsx_bytes(sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c></row>' * 1)))
    path = folder / "truncated.xlsx"
    path.write_bytes(_half(good))
    return path


def _encrypted_ooxml() -> bytes:
    return compound_file({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00",
                          "EncryptedPackage": b"\x10\x00\x00\x00\x00\x00\x00\x00" + bytes(64)})


def _encrypted_xls() -> bytes:
    # FILEPASS (0x002F), RC4 CryptoAPI: the workbook's records after it are ciphertext.
    filepass = biff_record(0x002F, struct.pack("<HHH", 1, 4, 2) + bytes(48))
    return compound_file({"Workbook": BOF + filepass + bytes(200)})


def _damaged_xls() -> bytes:
    # A BOF, then a record claiming 8,000 bytes in a stream that ends long before.
    return compound_file({"Workbook": BOF + struct.pack("<HH", 0x0085, 8000) + b"\x01\x02"})


def _cut_xls() -> bytes:
    data = compound_file({"Workbook": BOF + bytes(9000)})
    return data[: len(data) - 600]  # the file ends inside the Workbook stream


@dataclass(frozen=True)
class Case:
    make: Callable[[Path], Path]
    expect: str  # regex the ``error:`` line must match


def _file(name: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data())
        return path
    return make


NO_TABLE = r"no table"
CASES: dict[str, Case] = {
    "zip-bomb": Case(_file("bomb.xlsx", _bomb_bytes),
                     r"inflates to more than 512 MB of XML"),
    "zip-bomb-declared-size-lies": Case(_file("bomb-lies.xlsx", _lying_bomb),
                                        r"damaged workbook: .*sheet1\.xml cannot be inflated"),
    "billion-laughs": Case(_file("laughs.xlsx", lambda: xlsx_bytes(sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row>', head=LAUGHS))),
        r"declares a DTD"),
    "external-entity": Case(_external, r"xl/workbook\.xml declares a DTD"),
    "encrypted-ooxml": Case(_file("locked.xlsx", _encrypted_ooxml),
                            r"encrypted Office file: a password is needed"),
    "encrypted-xls": Case(_file("locked.xls", _encrypted_xls),
                          r"encrypted workbook: a password is needed"),
    "encrypted-et": Case(_file("locked.et", _encrypted_xls),
                         r"encrypted workbook: a password is needed"),
    "truncated-xls": Case(_file("cut.xls", _cut_xls), r"damaged \.xls workbook"),
    "damaged-xls": Case(_file("damaged.xls", _damaged_xls), r"damaged .*\.xls workbook"),
    "million-empty-rows": Case(_file("empty-rows.xlsx", lambda: xlsx_bytes(_million_empty_rows)),
                               NO_TABLE),
    "cells-at-opposite-corners": Case(_file("corners.xlsx", _corner_cells), NO_TABLE),
    "600000-merged-ranges": Case(_file("merges.xlsx", _many_merges),
                                 r"more than 500,000 merged ranges"),
    "merge-over-the-whole-grid": Case(_file("huge-merge.xlsx", _huge_merge),
                                      r"merged ranges cover more than 5,000,000 cells"),
    "ods-repeated-rows-of-text": Case(_file("repeat.ods", lambda: ods_bytes(
        '<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
        'table:number-columns-repeated="16384"><text:p>甲</text:p></table:table-cell>'
        "</table:table-row>")), r"more than 2,000,000 cells with text"),
    "ods-empty-repeated-rows": Case(_file("empty.ods", lambda: ods_bytes(
        '<table:table-column table:number-columns-repeated="16384"/>'
        '<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>')), NO_TABLE),
    "not-well-formed": Case(_file("broken.xlsx", lambda: xlsx_bytes(
        b'<?xml version="1.0"?><worksheet><sheetData><row></sheetData>')),
        r"sheet1\.xml is not well-formed XML"),
    "more-sheets-than-max-pages": Case(
        _file("sheets.xlsx", _many_sheets),
        rf"{MANY_SHEETS:,} visible sheets, more than the limit of {DEFAULT_LIMITS.max_pages:,}"),
    "no-table": Case(_file("letter.xlsx", _no_table), NO_TABLE),
    "truncated-xlsx": Case(_truncated_xlsx, r"damaged zip file"),
    "truncated-ods": Case(_file("cut.ods", lambda: ods_bytes("")[:-40]), r"damaged zip file"),
    # Shown as written ("1e999", "nan"): the sheet is then one column of text.
    "non-finite-numbers": Case(_file("inf.xlsx", _non_finite_numbers), NO_TABLE),
    "superscript-row-number": Case(_file("sup.xlsx", _superscript_row_number), NO_TABLE),
    "ods-hidden-ranges-by-the-thousand": Case(_file("hidden.ods", _ods_hidden_ranges), NO_TABLE),
    "xlsx-hidden-columns-past-the-grid": Case(
        _file("hidden-cols.xlsx", _xlsx_hidden_columns_past_the_grid), NO_TABLE),
    "text-saved-as-xlsx": Case(_file("notes.xlsx", lambda: "通知\n".encode() * 50),
                               r"not an \.xlsx file|text"),
}


# --------------------------------------------------------------------------- tests

#: Cases of several seconds (a million rows, 600,000 merged ranges): make test-all.
SLOW = {"million-empty-rows", "600000-merged-ranges"}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW else c
                                  for c in sorted(CASES)])
def test_case_exits_1_with_one_clear_line(case, existing, tmp_path):
    out, before = existing
    bad = CASES[case].make(tmp_path)
    run = hostile.run_cli("extract", bad, "--out", out, timeout=60)
    line = hostile.one_error_line(run, bad)
    assert re.search(CASES[case].expect, line), line
    assert hostile.snapshot(out) == before


def test_external_entity_is_never_opened(existing, tmp_path):
    out, before = existing
    bad = _external(tmp_path)
    planted = tmp_path / "planted-secret.txt"
    audited = [sys.executable, "-c", hostile.AUDITED, str(planted)]
    # Control: the audited CLI does notice an open of that file.
    assert hostile.run_cli("extract", planted, "--out", out, python=audited).returncode == 99
    run = hostile.run_cli("extract", bad, "--out", out, python=audited)
    assert "planted file opened" not in run.stderr
    assert re.search(CASES["external-entity"].expect, hostile.one_error_line(run, bad))
    assert hostile.snapshot(out) == before


def _sheet_text(data: bytes, tmp_path: Path, name: str = "f.xlsx") -> list[str]:
    from pipeline.readers import read_document

    path = tmp_path / name
    path.write_bytes(data)
    return [line.text for line in read_document(path).pages[0].outside]


def test_non_finite_numbers_are_shown_as_written(tmp_path):
    assert _sheet_text(_non_finite_numbers(), tmp_path) == [
        v for v in ("1e999", "-1e999", "nan", "inf") for _ in range(3)]


def test_a_row_number_in_other_digits_counts_on_from_the_last_row(tmp_path):
    assert _sheet_text(_superscript_row_number(), tmp_path) == ["甲", "乙"]


def test_non_finite_numbers_in_a_binary_workbook_show_as_num_error():
    from pipeline.readers.sheet import _format_number

    for code in ("General", "yyyy/m/d", "0.00", "0%"):
        assert _format_number(float("inf"), code) == "#NUM!"
        assert _format_number(float("nan"), code) == "#NUM!"


def test_hidden_ranges_cost_memory_per_range_not_per_index():
    from pipeline.readers.sheet import MAX_ROWS, _Ranges

    ranges = _Ranges(MAX_ROWS)
    for _ in range(50):
        ranges.add(0, 10**12)  # the whole grid, fifty times: one range
    assert (ranges.starts, ranges.stops) == ([0], [MAX_ROWS])
    ranges = _Ranges(MAX_ROWS)
    for _ in range(3):  # every other row hidden, three times over
        for start in range(0, 200_000, 2):
            ranges.add(start, start + 1)
        assert len(ranges.starts) <= 200_000
    assert 10 in ranges and 11 not in ranges and 199_998 in ranges and 200_001 not in ranges
    assert len(ranges.starts) == 100_000
    ranges.add(MAX_ROWS + 5, MAX_ROWS + 10)  # past the grid: nothing
    ranges.add(0, 200_000)  # one range covering them all
    assert ranges.next_visible(0) == 200_000 and ranges.next_visible(200_000) == 200_000
    assert len(ranges.starts) == 1


def test_compound_file_writer_makes_what_olefile_reads(tmp_path):
    """The encrypted cases are what they claim: olefile lists their streams."""
    import olefile

    for data, names in ((_encrypted_ooxml(), {"EncryptionInfo", "EncryptedPackage"}),
                        (_encrypted_xls(), {"Workbook"})):
        path = tmp_path / "f.bin"
        path.write_bytes(data)
        with olefile.OleFileIO(str(path)) as ole:
            assert {"/".join(e) for e in ole.listdir()} == names
