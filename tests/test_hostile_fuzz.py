"""What the fuzzing campaign (``make fuzz``, tests/fuzz/) found, kept as regression cases.

Each case rebuilds the input the campaign found (minimized) from a valid file made
here — a small list written by the format generators (tests.formats, tests.render)
or a minimal package — and the mutation that broke it, written out as a function
(so the repository stays small).  The promise is the hostile suite's:
``python -m pipeline extract BAD --out DIR`` exits 1 with exactly one
``error: <file>: <what>`` line, no traceback, no "bug in the pipeline" line, within
60 s (OCR: 300 s) and 1 GiB, and writes nothing.  A case that reads (the damage is where the
reader does not look) exits 0 with a complete folder.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import hostile
from tests.goldtables import GOLD_2021, load_gold

# --------------------------------------------------------------------------- valid inputs

def _small_gold() -> dict:
    gold = load_gold(GOLD_2021)
    return dict(gold, items=gold["items"][:3])


def _xlsx() -> bytes:
    from tests.formats.sheet import VARIANTS, write_workbook

    return _made(lambda path: write_workbook(_small_gold(), path, VARIANTS["plain"]), ".xlsx")


def _docx() -> bytes:
    from tests.formats.docx import CASES

    return _made(lambda path: CASES["clerk-numbering-2021"].make(_small_gold(), path), ".docx")


def _made(write: Callable[[Path], object], suffix: str) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"seed{suffix}"
        write(path)
        return path.read_bytes()


def _ods(mimetype_deflated: bool = False) -> bytes:
    """A minimal .ods with a one-row table (``mimetype`` stored, as ODF wants, or deflated)."""
    content = ('<?xml version="1.0"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
               '<office:body><office:spreadsheet><table:table table:name="表1"><table:table-row>'
               "<table:table-cell><text:p>序号</text:p></table:table-cell></table:table-row>"
               "</table:table></office:spreadsheet></office:body></office:document-content>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                   zipfile.ZIP_DEFLATED if mimetype_deflated else zipfile.ZIP_STORED)
        z.writestr("content.xml", content.encode(), zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _blank_scan() -> bytes:
    """A page that is one white 150-dpi image: a scan, which OCR reads as nothing at all."""
    import zlib

    w, h = 1240, 1754
    image = hostile.stream(zlib.compress(b"\xff" * (w * h)),
                           b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                           b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
                           % (w, h))
    return hostile.simple_pdf(b"q 595 0 0 842 0 0 cm /Im1 Do Q\n",
                              resources=b"<< /XObject << /Im1 6 0 R >> >>", more=[image])


def _xls_cell_format(xf: int) -> bytes:
    """A minimal BIFF8 workbook: one sheet, one blank cell A1 whose format (XF) index is
    ``xf``."""
    from tests.test_hostile_sheet import BOF, biff_record, compound_file

    def boundsheet(offset: int) -> bytes:
        return biff_record(0x0085, struct.pack("<IBBBB", offset, 0, 0, 1, 0) + b"S")

    end = biff_record(0x000A, b"")
    sheet = (biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
             + biff_record(0x0200, struct.pack("<IIHHH", 0, 1, 0, 1, 0))  # DIMENSIONS
             + biff_record(0x0201, struct.pack("<HHH", 0, 0, xf))  # BLANK
             + end)
    globals_ = len(BOF) + len(boundsheet(0)) + len(end)
    return compound_file({"Workbook": BOF + boundsheet(globals_) + end + sheet})


# --------------------------------------------------------------------------- mutations

def _local_header(data: bytes, member: str) -> int:
    at = data.find(b"PK\x03\x04")
    while at >= 0:
        name_len, _extra_len = struct.unpack("<HH", data[at + 26:at + 30])
        if data[at + 30:at + 30 + name_len] == member.encode():
            return at
        at = data.find(b"PK\x03\x04", at + 4)
    raise KeyError(member)


def corrupt_deflate(data: bytes, member: str) -> bytes:
    """``member``'s compressed data starts with a deflate block of the reserved type 3:
    zlib raises ``zlib.error`` ("invalid block type") when it is read; the zip's
    directory, sizes and names stay as they were."""
    at = _local_header(data, member)
    name_len, extra_len = struct.unpack("<HH", data[at + 26:at + 30])
    start = at + 30 + name_len + extra_len
    return data[:start] + b"\x07" + data[start + 1:]


def cut_before_directory(data: bytes, count: int = 10) -> bytes:
    """``count`` bytes cut from the last member's data: the directory's offsets all point
    ``count`` bytes too far, and zipfile seeks before the file's start for the first one."""
    at = data.find(b"PK\x01\x02")
    return data[:at - count] + data[at:]


def flag_encrypted(data: bytes, member: str) -> bytes:
    """``member`` marked encrypted (general-purpose flag bit 0) in both its headers: zipfile
    raises ``RuntimeError`` ("password required") when it is opened."""
    out = bytearray(data)
    at = _local_header(data, member)
    out[at + 6] |= 1
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_len = struct.unpack("<H", data[central + 28:central + 30])[0]
        if data[central + 46:central + 46 + name_len] == member.encode():
            out[central + 8] |= 1
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(out)


# --------------------------------------------------------------------------- cases

@dataclass(frozen=True)
class Case:
    """A finding: the input (``make() -> bytes``, saved under ``name``) and the regex
    its one ``error:`` line must match."""

    name: str
    make: Callable[[], bytes]
    expect: str
    timeout: float = 60  # OCR on a loaded 2-core machine takes longer


CASES = {
    # campaign seed 1: zlib.error escaped readers.sheet ("internal error … at sheet.py")
    "xlsx-styles-bad-deflate": Case(
        "styles.xlsx", lambda: corrupt_deflate(_xlsx(), "xl/styles.xml"),
        r"damaged workbook: xl/styles\.xml cannot be inflated \(Error -3 .*invalid block type"),
    "xlsx-sheet-bad-deflate": Case(
        "sheet.xlsx", lambda: corrupt_deflate(_xlsx(), "xl/worksheets/sheet1.xml"),
        r"damaged workbook: xl/worksheets/sheet1\.xml cannot be inflated"),
    "ods-content-bad-deflate": Case(
        "content.ods", lambda: corrupt_deflate(_ods(), "content.xml"),
        r"damaged workbook: content\.xml cannot be inflated"),
    # the same in readers.word and in the parent (sniff reads an ODF mimetype)
    "docx-document-bad-deflate": Case(
        "document.docx", lambda: corrupt_deflate(_docx(), "word/document.xml"),
        r"damaged \.docx: word/document\.xml cannot be inflated"),
    "docx-document-flagged-encrypted": Case(
        "flagged.docx", lambda: flag_encrypted(_docx(), "word/document.xml"),
        r"damaged \.docx: word/document\.xml cannot be inflated \(.*password required"),
    "ods-mimetype-bad-deflate": Case(
        "mimetype.ods", lambda: corrupt_deflate(_ods(mimetype_deflated=True), "mimetype"),
        r"damaged zip file \(Error -3 .*invalid block type"),
    "ods-mimetype-flagged-encrypted": Case(
        "mimetype-locked.ods", lambda: flag_encrypted(_ods(), "mimetype"),
        r"damaged zip file \(.*password required"),
    # campaign seed 2: "cannot be read: Invalid argument" (sniff took the OSError of that
    # seek for an unreadable file)
    "ods-cut-before-directory": Case(
        "cut.ods", lambda: cut_before_directory(_ods()),
        r"damaged zip file \(\[Errno 22\] Invalid argument\)"),
    # campaign seed 3: one byte of a MULBLANK's format index set to 0xFF in an .et/.xls;
    # xlrd keeps format indexes in 16-bit arrays ("OverflowError … at sheet.py")
    "xls-cell-format-past-16-bits": Case(
        "format.xls", lambda: _xls_cell_format(0xFFFF),
        r"damaged \.xls workbook \(OverflowError: signed short integer"),
    # campaign seed 2: a scanned page whose image another object replaced reads as nothing;
    # RapidOCR answers ('', 1.0, None) for the page instead of lines of words
    # ("internal error while reading the page: ValueError: not enough values to unpack")
    "scan-read-as-nothing": Case("blank-scan.pdf", _blank_scan, r"no table", timeout=300),
}


@pytest.fixture(scope="module")
def existing(good_folder, tmp_path_factory):
    import shutil

    folder = tmp_path_factory.mktemp("fuzz") / "out"
    shutil.copytree(good_folder, folder)
    return folder


#: Cases run by make test-all only: OCR of a whole page, and the second case of a reader
#: (each case is a run of extract --validate: seconds).
SLOW = {"scan-read-as-nothing", "xlsx-sheet-bad-deflate", "ods-content-bad-deflate",
        "docx-document-flagged-encrypted", "ods-mimetype-flagged-encrypted"}


@pytest.mark.parametrize("key", [pytest.param(k, marks=pytest.mark.slow) if k in SLOW else k
                                 for k in sorted(CASES)])
def test_found_by_fuzzing_exits_1_with_one_clear_line(key, existing, tmp_path):
    case = CASES[key]
    path = tmp_path / case.name
    path.write_bytes(case.make())
    before = hostile.snapshot(existing)
    run = hostile.run_cli("extract", path, "--out", existing, "--validate", timeout=case.timeout)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "bug in the pipeline" not in run.stderr, run.stderr
    lines = [ln for ln in run.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"error: {path}: "), lines[0]
    assert re.search(case.expect, lines[0]), lines[0]
    assert run.max_rss_mb < hostile.GIB_MB
    assert hostile.snapshot(existing) == before


def test_an_odt_whose_manifest_cannot_be_inflated_is_left_to_libreoffice(tmp_path):
    """The parent's password check before LibreOffice (readers.soffice) reads the .odt's
    manifest: a member zlib cannot inflate is no password, and no traceback."""
    from pipeline.readers.sniff import Format
    from pipeline.readers.soffice import _refuse_encrypted

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("META-INF/manifest.xml", b"<manifest:manifest/>" * 20, zipfile.ZIP_DEFLATED)
    path = tmp_path / "manifest.odt"
    path.write_bytes(corrupt_deflate(buf.getvalue(), "META-INF/manifest.xml"))
    assert _refuse_encrypted(path, Format("odt", "odt", "word")) is None
    path.write_bytes(flag_encrypted(buf.getvalue(), "META-INF/manifest.xml"))
    assert _refuse_encrypted(path, Format("odt", "odt", "word")) is None


# --------------------------------------------------------------------------- the campaign itself

def test_an_input_is_the_same_from_its_seed_and_index_alone(tmp_path):
    from tests.fuzz.mutate import Corpus, apply_recipe, draw_recipe

    (tmp_path / "xlsx-a.xlsx").write_bytes(_xlsx())
    (tmp_path / "html-a.html").write_bytes(
        "<html><body><table><tr><td>序号</td></tr></table></body></html>".encode())
    (tmp_path / "pdf-a.pdf").write_bytes(hostile.simple_pdf())
    corpus = Corpus({"xlsx": [tmp_path / "xlsx-a.xlsx"], "html": [tmp_path / "html-a.html"],
                     "pdf": [tmp_path / "pdf-a.pdf"]})
    formats = ["pdf", "xlsx", "html"]
    first = [draw_recipe(5, i, formats, corpus) for i in range(60)]
    again = [draw_recipe(5, i, formats, corpus) for i in range(60)]
    assert first == again
    assert {r.fmt for r in first} == set(formats)
    inputs = [apply_recipe(r, corpus) for r in first]
    assert inputs == [apply_recipe(r, corpus) for r in again]
    assert sum(data not in corpus.data.values() for data in inputs) > 50  # each one mutated
    assert draw_recipe(6, 0, formats, corpus) != first[0] or draw_recipe(6, 1, formats,
                                                                         corpus) != first[1]


def test_what_the_campaign_counts_as_a_finding(tmp_path):
    from tests.fuzz.run import Result, classify

    out = tmp_path / "out"

    def kinds(code, stderr="", rss=100.0) -> set[str]:
        run = Result(code, "", stderr, rss, 1.0, [])
        return {kind for kind, _ in classify(run, tmp_path, out, 1024, validated=True)}

    assert kinds(1, "error: x.pdf: no pages\n") == set()
    assert kinds(1, 'Traceback (most recent call last):\n  File "a.py", line 1, in f\n'
                 "KeyError: 'x'\n") == {"traceback", "no-error-line"}
    assert kinds(1, "error: x: internal error while reading: KeyError: 'a' at b.py:3 (hint: "
                 "this is a bug in the pipeline; please report it)\n") == {"internal-error"}
    assert kinds(-11) == {"exit-status"}
    assert kinds(None) == {"hang"}
    assert kinds(1, "error: x: no pages\n", rss=2000) == {"memory"}
    assert kinds(0) == {"partial"}  # exit 0 and no folder
    out.mkdir()
    (out / "items.csv").write_text("seq\n")
    assert kinds(1, "error: x: no pages\n") == {"partial"}
    (tmp_path / "out.tmp-123").mkdir()
    assert "leftover" in kinds(1, "error: x: no pages\n")
