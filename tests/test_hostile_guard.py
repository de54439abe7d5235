"""Hostile inputs through the guard and the sandbox (no CLI): the right check catches each."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.errors import InputError, LimitError, PipelineError
from pipeline.safety import guard, sandbox
from pipeline.settings import DEFAULT_LIMITS
from tests import hostile

# --------------------------------------------------------------------------- every case


@pytest.mark.parametrize("case", sorted(hostile.CASES))
def test_case_fails_with_its_message(case, tmp_path):
    path = hostile.CASES[case].make(tmp_path)
    with pytest.raises(PipelineError) as info:
        guard.check_pdf(path, DEFAULT_LIMITS)  # the parent's cheap checks
        sandbox.run_isolated(hostile.read_probe, path, limits=DEFAULT_LIMITS, label=str(path))
    line = str(info.value)
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith(str(path)), line
    assert re.search(hostile.CASES[case].expect, line), line


# --------------------------------------------------------------------------- file checks

def test_junk_before_the_header_is_allowed(tmp_path):
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"\r\n\x00garbage from the server\r\n" + hostile.simple_pdf())
    guard.check_pdf(path, DEFAULT_LIMITS)
    with pytest.raises(PipelineError, match="no table"):
        sandbox.run_isolated(hostile.read_probe, path, limits=DEFAULT_LIMITS, label="junk.pdf")


def test_header_too_far_in_is_not_a_pdf(tmp_path):
    path = tmp_path / "late.pdf"
    path.write_bytes(b"\x00" * 2000 + hostile.simple_pdf())
    with pytest.raises(InputError, match="not a PDF: no %PDF- header in the first 1024 bytes"):
        guard.check_pdf(path, DEFAULT_LIMITS)


@pytest.mark.parametrize(("head", "what"), [
    (b"PK\x03\x04rest-of-zip", "ZIP archive"),
    (b"\xff\xd8\xff\xe0JFIF", "JPEG image"),
    (b"\xef\xbb\xbf<html><body>blocked</body></html>", "HTML page"),
    (b'{"error": "rate limited"}', "text file"),
])
def test_what_a_non_pdf_is(tmp_path, head, what):
    path = tmp_path / "x.pdf"
    path.write_bytes(head)
    with pytest.raises(InputError, match=what):
        guard.check_pdf(path, DEFAULT_LIMITS)


def test_file_size_limit(tmp_path):
    path = tmp_path / "big.pdf"
    path.write_bytes(hostile.simple_pdf() + b" " * (1 << 20) + b"%%EOF\n")
    limits = replace(DEFAULT_LIMITS, max_file_mb=0.5)
    with pytest.raises(LimitError, match=r"file is 1.0 MB, more than the limit of 0.5 MB"):
        guard.check_pdf(path, limits)


def test_fifo_is_refused_without_blocking(tmp_path):
    path = tmp_path / "pipe.pdf"
    os.mkfifo(path)
    with pytest.raises(InputError, match="not a regular file"):
        guard.check_pdf(path, DEFAULT_LIMITS)


# --------------------------------------------------------------------------- document checks

def test_page_limit_is_a_setting(tmp_path):
    path = tmp_path / "p.pdf"
    path.write_bytes(hostile.many_pages(12))
    limits = replace(DEFAULT_LIMITS, max_pages=10)
    with pytest.raises(LimitError, match="12 pages, more than the limit of 10"):
        sandbox.run_isolated(hostile.read_probe, path, limits, limits=limits, label="p.pdf")
    limits = replace(DEFAULT_LIMITS, max_pages=12)
    with pytest.raises(PipelineError, match="no table"):  # within the limit: read through
        sandbox.run_isolated(hostile.read_probe, path, limits, limits=limits, label="p.pdf")


def test_segment_limit_counts_what_the_page_draws(tmp_path):
    path = tmp_path / "s.pdf"
    limit = DEFAULT_LIMITS.max_edges_per_page
    path.write_bytes(hostile.segments_page(limit))  # exactly at the limit
    with pytest.raises(PipelineError, match="no table"):
        sandbox.run_isolated(hostile.read_probe, path, limits=DEFAULT_LIMITS, label="s.pdf")
    path.write_bytes(hostile.segments_page(limit + 1))
    with pytest.raises(LimitError, match=r"page 1: 10,001 ruling segments, more than the limit"):
        sandbox.run_isolated(hostile.read_probe, path, limits=DEFAULT_LIMITS, label="s.pdf")


def test_forms_nested_too_deep(tmp_path):
    path = tmp_path / "deep.pdf"
    path.write_bytes(hostile.nested_forms(guard.MAX_FORM_DEPTH + 5, fanout=1))
    with pytest.raises(InputError, match=r"page 1: damaged PDF: forms nested more than 50 deep"):
        sandbox.run_isolated(hostile.read_probe, path, limits=DEFAULT_LIMITS, label="deep.pdf")
    path.write_bytes(hostile.nested_forms(12, fanout=2))  # 4,095 draws: within the limit
    with pytest.raises(PipelineError, match="no table"):
        sandbox.run_isolated(hostile.read_probe, path, limits=DEFAULT_LIMITS, label="deep.pdf")


def test_a_page_without_text_among_text_pages_is_only_a_warning(tmp_path, caplog):
    # Page 1 prints text; page 2 is a scan.  The check is for the whole document.
    image = hostile.stream(b"\x80" * 16, b"/Type /XObject /Subtype /Image /Width 4 /Height 4 "
                           b"/ColorSpace /DeviceGray /BitsPerComponent 8 ")
    data = hostile.build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 /MediaBox " + hostile.MEDIABOX + b" >>",
        b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        hostile.stream(hostile.TEXT_CONTENT),
        hostile.FONT,
        b"<< /Type /Page /Parent 2 0 R /Resources << /XObject << /Im 7 0 R >> >>"
        b" /Contents 8 0 R >>",
        image,
        hostile.stream(b"q 100 0 0 100 0 0 cm /Im Do Q"),
    ])
    path = tmp_path / "mixed.pdf"
    path.write_bytes(data)
    with guard.open_pdf(path, DEFAULT_LIMITS, ocr="auto") as pdf:
        assert len(pdf.pages) == 2
    assert "pages without a text layer (image-only?): 2" in caplog.text
    # Told not to OCR, the scanned page is refused by name rather than left unread.
    with pytest.raises(PipelineError, match=r"image-only pages \(page 2\): no text layer"):
        with guard.open_pdf(path, DEFAULT_LIMITS, ocr="never"):
            pass


def test_empty_user_password_opens(tmp_path):
    path = tmp_path / "owner-only.pdf"
    path.write_bytes(hostile.encrypted("", text="readable text"))
    with guard.open_pdf(path, DEFAULT_LIMITS) as pdf:
        assert "".join(c["text"] for c in pdf.pages[0].chars) == "readable text"


def test_pages_are_not_all_built_when_a_check_fails(tmp_path, monkeypatch):
    # pdfplumber's PDF.close() builds every page object first; 20,000 of them
    # take seconds.  open_pdf closes only the file when the checks fail.
    import pdfplumber.pdf

    built = []
    original = pdfplumber.pdf.Page.__init__

    def counting(self, *a, **k):
        built.append(1)
        original(self, *a, **k)

    monkeypatch.setattr(pdfplumber.pdf.Page, "__init__", counting)
    path = tmp_path / "pages.pdf"
    path.write_bytes(hostile.many_pages(DEFAULT_LIMITS.max_pages + 100))
    with pytest.raises(LimitError), guard.open_pdf(path, DEFAULT_LIMITS):
        pass
    assert built == []


def test_good_notice_passes_the_checks():
    path = Path(__file__).parent / "fixtures" / "notice-2023-synthetic-INVENTED.pdf"
    guard.check_pdf(path, DEFAULT_LIMITS)
    with guard.open_pdf(path, DEFAULT_LIMITS) as pdf:
        assert len(pdf.pages) > 1
    found = sandbox.run_isolated(hostile.read_probe, path, limits=DEFAULT_LIMITS, label=path.name)
    assert found["page"] >= 1  # the probe found a ruled table


# --------------------------------------------------------------------------- pdfminer hardening

def test_damaged_flate_stream_is_an_error_not_silence():
    import zlib

    guard._harden_pdfminer()
    from pdfminer import pdftypes

    whole = zlib.compress(b"BT (text) Tj ET" * 50)
    bad_checksum = whole[:-4] + b"\0\0\0\0"
    assert pdftypes.decompress_corrupted(bad_checksum) == b"BT (text) Tj ET" * 50
    with pytest.raises(InputError, match="compressed stream is truncated"):
        pdftypes.decompress_corrupted(whole[: len(whole) // 2])
    with pytest.raises(InputError, match="compressed stream is corrupt"):
        pdftypes.decompress_corrupted(whole[:2] + b"\xff" * 40)


# --------------------------------------------------------------------------- CMap path traversal

class PlantedFileOpened(BaseException):  # not an Exception: no library code swallows it
    pass


_WATCHED: set[str] = set()


def _audit(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes)):
        if os.path.realpath(os.fsdecode(args[0])) in _WATCHED:
            raise PlantedFileOpened(os.fsdecode(args[0]))


sys.addaudithook(_audit)  # hooks cannot be removed; it only acts on _WATCHED paths


@pytest.fixture
def planted(tmp_path):
    stem = hostile.plant_cmap(tmp_path)
    path = os.path.realpath(f"{stem}.json.gz")
    _WATCHED.add(path)
    yield stem
    _WATCHED.discard(path)


def test_audit_hook_sees_an_open_of_the_planted_file(planted):
    with pytest.raises(PlantedFileOpened):
        open(f"{planted}.json.gz", "rb")  # the open itself is what is tested


def test_cmap_names_aim_at_the_planted_file_and_it_is_not_opened(planted, tmp_path, monkeypatch):
    from pdfminer.cmapdb import CMapDB

    asked = []
    load = CMapDB._load_data.__func__

    def recording(cls, name):
        asked.append(name)
        return load(cls, name)

    monkeypatch.setattr(CMapDB, "_load_data", classmethod(recording))
    CMapDB._cmap_cache.clear()
    CMapDB._umap_cache.clear()
    path = tmp_path / "cmap.pdf"
    path.write_bytes(hostile.cmap_traversal(planted))
    with guard.open_pdf(path, DEFAULT_LIMITS) as pdf:
        text = "".join(c["text"] for c in pdf.pages[0].chars)
    assert "PWNED" not in text
    # The PDF really aims there: pdfminer was asked for names that resolve, in
    # each of its CMap folders, to the planted file (the audit hook proves it
    # was not opened: opening it would have raised PlantedFileOpened).
    import pdfminer.cmapdb

    folders = [os.environ.get("CMAP_PATH", "/usr/share/pdfminer/"),
               os.path.join(os.path.dirname(pdfminer.cmapdb.__file__), "cmap")]
    aimed = [n for n in asked
             if all(os.path.realpath(os.path.join(d, f"{n}.json.gz")) == f"{planted}.json.gz"
                    for d in folders)]
    assert len(aimed) >= 3, asked  # /Encoding name, /CMapName, usecmap
    assert any(n.startswith("to-unicode-Adobe-") for n in asked)  # the Ordering route


def test_cmap_traversal_in_the_sandbox(planted, tmp_path):
    path = tmp_path / "cmap.pdf"
    path.write_bytes(hostile.cmap_traversal(planted))
    # The forked child inherits the hook: an open would end it with another message.
    with pytest.raises(PipelineError, match="no table of the expected shape found"):
        sandbox.run_isolated(hostile.read_probe, path, limits=DEFAULT_LIMITS, label="cmap.pdf")


def test_the_checks_before_parsing_leave_each_page_stream_undecoded():
    # pdfminer keeps what it decodes, and the document lives as long as the reader: the
    # checks decoded every page's content stream, 13 KB a page (a 750-page list: 10 MB).
    from pdfminer.pdfpage import PDFPage

    pdf_path = Path(__file__).resolve().parents[1] / "raw" / "notice-2021.pdf"
    with guard.open_pdf(pdf_path, DEFAULT_LIMITS) as pdf:
        streams = [s for page in PDFPage.create_pages(pdf.doc)
                   for s in (page.contents or [])]
        assert streams and all(s.data is None and s.rawdata for s in streams)
        text = pdf.pages[0].extract_text()  # the page that draws a stream decodes it
    assert "渝民发" in text
