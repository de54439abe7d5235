"""Hostile inputs through the command line: exit 1, one clear line, bounded, nothing lost.

``python -m pipeline extract BAD.pdf --out DIR`` where DIR already holds a good
extraction: each case must exit 1 with exactly one ``error: <file>: <what>``
line on stderr (no traceback), finish within 60 s with its process tree under
1 GiB, and leave DIR (and its siblings) byte-identical.
"""

from __future__ import annotations

import re
import shutil
import struct
import sys

import pytest

from tests import hostile
from tests.conftest import GOOD_PDF as FIXTURE


@pytest.mark.parametrize("case", sorted(hostile.CASES))
def test_case_exits_1_with_one_clear_line(case, existing, tmp_path):
    out, before = existing
    bad = hostile.CASES[case].make(tmp_path)
    run = hostile.run_cli("extract", bad, "--out", out, timeout=60)
    line = hostile.one_error_line(run, bad)
    assert re.search(hostile.CASES[case].expect, line), line
    assert hostile.snapshot(out) == before


def test_cmap_traversal_does_not_open_the_named_file(existing, tmp_path):
    out, before = existing
    planted = hostile.plant_cmap(tmp_path)
    target = f"{planted}.json.gz"
    audited = [sys.executable, "-c", hostile.AUDITED, target]
    # Control: the audited CLI does notice an open of that file (check_pdf reads it).
    assert hostile.run_cli("extract", target, "--out", out, python=audited).returncode == 99
    bad = tmp_path / "cmap.pdf"
    bad.write_bytes(hostile.cmap_traversal(planted))
    run = hostile.run_cli("extract", bad, "--out", out, python=audited)
    assert "planted file opened" not in run.stderr
    assert re.search(hostile.CASES["cmap-traversal"].expect, hostile.one_error_line(run, bad))
    assert hostile.snapshot(out) == before


def test_encrypted_notice_with_empty_user_password_extracts(tmp_path):
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        pytest.skip("qpdf is not installed (Debian package qpdf)")
    import subprocess

    locked = tmp_path / "owner-password-only.pdf"
    subprocess.run([qpdf, "--encrypt", "", "owner-secret", "256", "--", FIXTURE, locked],
                   check=True)
    assert b"/Encrypt" in locked.read_bytes()
    run = hostile.run_cli("extract", locked, "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert hostile.is_complete(tmp_path / "out")


def test_a_limit_is_a_flag(existing, tmp_path):
    out, before = existing
    bad = tmp_path / "pages.pdf"
    bad.write_bytes(hostile.many_pages(30))
    run = hostile.run_cli("extract", bad, "--out", out, "--max-pages", "20")
    assert re.search(r"30 pages, more than the limit of 20", hostile.one_error_line(run, bad))
    assert hostile.snapshot(out) == before


@pytest.mark.parametrize("flag,value", [("--memory-mb", "-1"), ("--ocr-page-s", "-1"),
                                        ("--timeout", "nan"), ("--timeout", "inf"),
                                        ("--max-pages", "0"), ("--ocr-workers", "-2")])
def test_a_limit_that_would_switch_limits_off_is_a_usage_error(flag, value, existing):
    """setrlimit reads -1 as unlimited: --memory-mb -1 once ran the reader with no memory
    limit, --ocr-page-s -1 with none on CPU."""
    out, before = existing
    run = hostile.run_cli("extract", hostile.ROOT / "raw" / "notice-2021.pdf", "--out", out,
                          flag, value)
    assert run.returncode == 2, run.stderr
    assert f"argument {flag}:" in run.stderr.splitlines()[-1]
    assert hostile.snapshot(out) == before


def test_a_huge_image_drawn_small_on_a_scan_is_refused_before_rendering(existing, tmp_path):
    """Only the largest image drawn on a scanned page was checked against
    --max-page-megapixels; rendering the page decodes every image, however small it is
    drawn.  (A CLI case: the guard's probe does not plan OCR.)"""
    out, before = existing
    bad = tmp_path / "scan-huge-image.pdf"
    bad.write_bytes(hostile.huge_image_drawn_small())
    run = hostile.run_cli("extract", bad, "--out", out)
    line = hostile.one_error_line(run, bad)
    assert re.search(r"page 1: the page's image is 20,000×20,000 pixels \(400 megapixels\), "
                     r"more than the limit of 100", line), line
    assert hostile.snapshot(out) == before


def test_list_pages_repeated_is_caught_by_validation(tmp_path):
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        pytest.skip("qpdf is not installed (Debian package qpdf)")
    import subprocess

    repeated = tmp_path / "repeated.pdf"  # every page, then pages 2… again (copies, not refs)
    subprocess.run([qpdf, "--empty", "--pages", FIXTURE, "1-z", FIXTURE, "2-z", "--", repeated],
                   check=True)
    run = hostile.run_cli("extract", repeated, "--out", tmp_path / "out", "--validate")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert lines and all(line.startswith(("error: ", "warning: ")) for line in lines)
    assert any("seq_unique" in line for line in lines), run.stderr


@pytest.mark.slow  # a batch of several notices, validated
def test_batch_reports_each_bad_notice_and_goes_on(tmp_path):
    # After the first notice the CLI has imported pandas and great_expectations:
    # later readers come from the fork server, with the same limits.
    bomb = hostile.CASES["compression-bomb"].make(tmp_path)
    html = hostile.CASES["html"].make(tmp_path)
    root = tmp_path / "extracted"
    run = hostile.run_cli("extract", FIXTURE, bomb, html, FIXTURE, "--extracted", root,
                          "--validate", "--force", timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2, run.stderr
    assert re.search(rf"^error: {re.escape(str(bomb))}(, page 1)?: memory limit of 1024 MB",
                     errors[0])
    assert errors[1].startswith(f"error: {html}: this is an HTML page saved as .pdf")
    assert run.max_rss_mb < hostile.GIB_MB
    folders = [p for p in root.iterdir() if not p.name.startswith(".")]
    assert len(folders) == 1 and hostile.is_complete(folders[0])


# --------------------------------------------------------------------------- zip directories

def _zip_of_empty_members(count: int, *, declared: int | None = None) -> bytes:
    """A stored zip of ``count`` empty members (named 0, 1, …) whose end record
    says it holds ``declared`` (default: the truth)."""
    out, central = bytearray(), bytearray()
    for i in range(count):
        name = b"%d" % i
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0x5221, 0, 0, 0,
                               len(name), 0, 0, 0, 0, 0, len(out)) + name
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0x5221, 0, 0, 0,
                           len(name), 0) + name
    n = count if declared is None else declared
    return bytes(out + central + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n,
                                             len(central), len(out), 0))


def _end_record_only(members: int, directory: int = 46) -> bytes:
    """A zip that is only an end record: ``members`` members in a ``directory`` of
    that many bytes, none of them there (zipfile alone would call it damaged)."""
    return b"PK\x05\x06" + struct.pack("<4H2LH", 0, 0, members, members, directory, 0, 0)


def _zip64_end_records(members: int) -> bytes:
    """One real member, then a Zip64 end record declaring ``members`` (the 16-bit
    count saying 0xFFFF), its locator, and the classic end record."""
    body = _zip_of_empty_members(1)[:-22]
    record = b"PK\x06\x06" + struct.pack("<QHHLLQQQQ", 44, 45, 45, 0, 0, members, members,
                                          46, 0)
    locator = b"PK\x06\x07" + struct.pack("<LQL", 0, len(body), 1)
    return body + record + locator + b"PK\x05\x06" + struct.pack("<4H2LH", 0, 0, 0xFFFF, 0xFFFF,
                                                           0xFFFFFFFF, 0xFFFFFFFF, 0)


def _refused_zip(existing, path, data: bytes, expect: str) -> None:
    out, before = existing
    path.write_bytes(data)
    run = hostile.run_cli("extract", path, "--out", out)
    line = hostile.one_error_line(run, path)
    assert re.fullmatch(rf"error: {re.escape(str(path))}: {expect}", line), line
    assert hostile.snapshot(out) == before


def test_zip_end_record_claiming_60000_members_is_refused_before_the_directory_is_read(
        existing, tmp_path):
    _refused_zip(existing, tmp_path / "claims.docx", _end_record_only(60_000),
                 "a zip with 60,000 members is not an office document")


def test_zip64_end_record_claiming_a_trillion_members_is_refused(existing, tmp_path):
    _refused_zip(existing, tmp_path / "zip64.xlsx", _zip64_end_records(1 << 40),
                 "a zip with 1,099,511,627,776 members is not an office document")


def test_zip_end_record_declaring_a_50_mb_directory_is_refused(existing, tmp_path):
    _refused_zip(existing, tmp_path / "bigdir.docx", _end_record_only(3, 50 << 20),
                 r"a zip whose directory takes 52,428,800 bytes \(more than 10,240,000\) is not "
                 "an office document")


def test_too_many_zip_members_is_said_so_not_called_a_damaged_zip(existing, tmp_path):
    # The end record understates the count (1): the directory itself lists 10,001.
    _refused_zip(existing, tmp_path / "many.docx", _zip_of_empty_members(10_001, declared=1),
                 "a zip with 10,001 members is not an office document")


def test_a_zip_of_a_few_members_with_a_long_comment_is_still_read_by_name(tmp_path):
    """The end record is found behind a 60 KB comment (its comment length is counted)."""
    from pipeline.errors import InputError
    from pipeline.readers.sniff import detect_format

    data = bytearray(_zip_of_empty_members(3))
    struct.pack_into("<H", data, len(data) - 2, 60_000)
    path = tmp_path / "three.docx"
    path.write_bytes(bytes(data) + b"c" * 60_000)
    with pytest.raises(InputError, match=r"a zip archive, but not a Word, Excel or OpenDocument"):
        detect_format(path)


# --------------------------------------------------------------------------- page workers

class _Page:
    def __init__(self, number: int, action: str):
        self.number, self.action = number, action


def _page_work(task: _Page):
    import os
    import signal

    if task.action == "unnamed-signal":  # a real-time signal: signal.Signals has no name for it
        os.kill(os.getpid(), signal.SIGRTMIN + 6)
    if task.action == "memory":
        raise MemoryError
    return task.number


def test_a_page_worker_killed_by_a_signal_without_a_name_is_one_error():
    import signal

    from pipeline.errors import LimitError
    from pipeline.readers.workers import run_workers

    with pytest.raises(LimitError) as caught:
        dict(run_workers(_page_work, [_Page(5, "unnamed-signal")], workers=1))
    assert caught.value.page == 5
    assert f"crashed (signal {signal.SIGRTMIN + 6})" in str(caught.value)


def test_a_text_page_worker_out_of_memory_is_not_blamed_on_ocr():
    from pipeline.errors import LimitError
    from pipeline.readers.workers import run_workers

    with pytest.raises(LimitError) as caught:
        dict(run_workers(_page_work, [_Page(2, "memory")], workers=1))
    assert caught.value.what == "memory limit reached while reading the page"
    assert "--memory-mb" in caught.value.hint
