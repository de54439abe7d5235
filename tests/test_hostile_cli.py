"""Hostile inputs through the command line: exit 1, one clear line, bounded, nothing lost.

``python -m pipeline extract BAD.pdf --out DIR`` where DIR already holds a good
extraction: each case must exit 1 with exactly one ``error: <file>: <what>``
line on stderr (no traceback), finish within 60 s with its process tree under
1 GiB, and leave DIR (and its siblings) byte-identical.
"""

from __future__ import annotations

import re
import shutil
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
