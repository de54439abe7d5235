"""Scanned notices through the CLI: a mixed PDF (typed notice, scanned attachment),
``--ocr never``, a decompression bomb.  Slow (OCR of two pages): few cases, small files.

The expected extraction of a scan is that of the same pages as text.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path

import pandas as pd
import pytest

from pipeline import schema
from tests import hostile
from tests.formats.scan import Scan, scan_pdf

pytest.importorskip("rapidocr")

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw" / "notice-2021.pdf"
PAGES = [1, 2, 3, 4]
FIELDS = [f for f in schema.CELL_FIELDS if f != "seq"]


def _extract(pdf: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", str(pdf), "--out",
                           str(out), *extra], cwd=ROOT, capture_output=True, text=True,
                          timeout=1800, check=False)


def _norm(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return "".join(str(value).split()).translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})


def _text_pages(out: Path) -> Path:
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(RAW))
    dest = pdfium.PdfDocument.new()
    dest.import_pages(src, [n - 1 for n in PAGES])
    dest.save(str(out))
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The text pages and their scan (pages 1–2 typed; page 3 scanned in colour, tilted,
    noisy, a red seal over the table; page 4 a clean grey scan), each extracted."""
    work = tmp_path_factory.mktemp("ocr-cli")
    text = _text_pages(work / "text.pdf")
    typed = scan_pdf(RAW, work / "typed-p3.pdf", Scan(dpi=200, tilt=-0.9, noise=6, jpeg=75,
                                                      colour=True, seal_pages=(3,), seed=5),
                     pages=PAGES, text_pages=(1, 2, 4))
    import pypdfium2 as pdfium

    clean4 = scan_pdf(RAW, work / "clean-p4.pdf", Scan(dpi=200), pages=[4])
    mixed = pdfium.PdfDocument.new()
    first, last = pdfium.PdfDocument(str(typed)), pdfium.PdfDocument(str(clean4))
    mixed.import_pages(first, [0, 1, 2])
    mixed.import_pages(last, [0])
    mixed.save(str(work / "mixed.pdf"))
    out = {}
    for name, pdf in (("text", text), ("scan", work / "mixed.pdf")):
        run = _extract(pdf, work / name)
        assert run.returncode == 0, run.stderr
        out[name] = (work / name, run)
    return out


def _items(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "items.parquet").set_index("seq")


@pytest.mark.slow  # OCR of two whole pages
def test_a_mixed_pdf_is_read_page_by_page_and_says_so(runs):
    folder, run = runs["scan"]
    notice = json.loads((folder / "notice.json").read_text(encoding="utf-8"))
    expected = json.loads((runs["text"][0] / "notice.json").read_text(encoding="utf-8"))
    assert notice["source_format"] == "pdf-scan"
    assert notice["doc_no"] == expected["doc_no"]  # from the typed pages
    # The list's title above the table was read from the scan: the notes say so.
    assert any("facts" in n and "read by OCR" in n for n in notice["notes"]), notice["notes"]
    assert notice["item_count"] == expected["item_count"]
    # Progress reaches the user's terminal from inside the sandboxed reader.
    assert "OCR page 1/2 read" in run.stderr and "OCR page 2/2 read" in run.stderr


@pytest.mark.slow  # OCR of two whole pages
def test_scanned_cells_are_exact_where_clean_and_flagged_where_wrong(runs):
    got, want = _items(runs["scan"][0]), _items(runs["text"][0])
    assert list(got.index) == list(want.index)
    cells = pd.read_parquet(runs["scan"][0] / "ocr_cells.parquet")
    flagged = {(r.seq, r.field) for r in cells.itertuples() if r.flagged}
    dist = total = 0
    import difflib

    for seq, row in want.iterrows():
        for f in FIELDS:
            a, b = _norm(row[f]), _norm(got.loc[seq, f])
            total += len(a)
            dist += len(a) - sum(m.size for m in
                                 difflib.SequenceMatcher(None, a, b).get_matching_blocks())
            if a != b:
                assert (seq, f) in flagged, f"item {seq} {f}: {b!r} != {a!r}, not flagged"
                assert row["page_start"] == 3 or got.loc[seq, "page_start"] == 3, (
                    f"item {seq} {f} on the clean page 4 is not exact: {b!r} != {a!r}")
    assert 1 - dist / total >= 0.995
    assert got["ocr_min_conf"].notna().all()
    assert want["ocr_min_conf"].isna().all()


@pytest.mark.slow  # OCR of two whole pages
def test_flagged_cells_have_a_crop_in_the_version_folder(runs):
    folder = runs["scan"][0]
    cells = pd.read_parquet(folder / "ocr_cells.parquet")
    assert set(cells["page"]) == {3, 4}
    assert (cells["conf"].between(0, 1)).all()
    flagged = cells[cells["flagged"]]
    assert len(flagged), "the seal over page 3 marks its cells"
    assert flagged["seal_chars"].str.len().sum() > 0
    for crop in flagged["crop"].dropna():
        png = folder / crop
        assert png.is_file() and png.read_bytes()[:4] == b"\x89PNG"
        assert png.stat().st_size < 200_000
    assert cells.loc[~cells["flagged"], "crop"].isna().all()


def test_ocr_never_refuses_a_scan_as_before(tmp_path):
    scan = scan_pdf(RAW, tmp_path / "scan.pdf", Scan(dpi=150), pages=[3])
    run = _extract(scan, tmp_path / "out", "--ocr", "never")
    assert run.returncode == 1
    assert "image-only pages: no text layer (OCR would be needed)" in run.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow  # OCR of two whole pages
def test_ocr_never_refuses_a_mixed_pdf_naming_its_scanned_pages(runs, tmp_path):
    """--ocr never once left the scanned pages of a mixed PDF unread, silently."""
    mixed = runs["scan"][0].parent / "mixed.pdf"
    run = _extract(mixed, tmp_path / "out", "--ocr", "never")
    assert run.returncode == 1
    assert ("image-only pages (pages 3, 4): no text layer (OCR would be needed)"
            in run.stderr), run.stderr
    assert not (tmp_path / "out").exists()


def test_a_100_megapixel_page_image_is_refused_before_decoding(tmp_path):
    # The image claims 12,000 × 9,000 pixels; its data is a few bytes: nothing is decoded.
    image = hostile.stream(zlib.compress(b"\x80" * 64), b"/Type /XObject /Subtype /Image "
                           b"/Width 12000 /Height 9000 /ColorSpace /DeviceGray "
                           b"/BitsPerComponent 8 /Filter /FlateDecode ")
    content = b"q 560 0 0 760 20 20 cm /Im1 Do Q\n"
    pdf = tmp_path / "bomb.pdf"
    pdf.write_bytes(hostile.simple_pdf(content, resources=b"<< /XObject << /Im1 6 0 R >> >>",
                                       more=[image]))
    run = _extract(pdf, tmp_path / "out")
    assert run.returncode == 1
    line = run.stderr.strip().splitlines()[-1]
    assert "page 1" in line and "108 megapixels), more than the limit of 100" in line, line
