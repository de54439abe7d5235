"""Fixtures shared by several test files."""

from __future__ import annotations

import shutil

import pytest

from tests import hostile


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: a case taking more than a few seconds (OCR of whole scans, LibreOffice, "
        "long lists, the browser, a cluster): run by `make test-all` (CI), left out of `make test`")


#: A real notice PDF (the invented 2023 version) for tests that need one good extraction.
GOOD_PDF = hostile.ROOT / "tests" / "fixtures" / "notice-2023-synthetic-INVENTED.pdf"


@pytest.fixture(scope="session")
def good_folder(tmp_path_factory):
    """A real extraction of the invented 2023 notice, made once per test session (per
    worker under pytest-xdist): copy it before changing anything in it."""
    folder = tmp_path_factory.mktemp("good") / "v1"
    run = hostile.run_cli("extract", GOOD_PDF, "--out", folder)
    assert run.returncode == 0, run.stderr
    assert hostile.is_complete(folder)
    return folder


@pytest.fixture(scope="session")
def pdf_2021(tmp_path_factory):
    """raw/notice-2021.pdf extracted once (what other formats of the list must diff against)."""
    folder = tmp_path_factory.mktemp("pdf2021") / "v"
    run = hostile.run_cli("extract", hostile.ROOT / "raw" / "notice-2021.pdf", "--out", folder,
                          timeout=300)
    assert run.returncode == 0, run.stderr
    return folder


#: The real 85-page CSRC classification (never copied into the repository; CI has none).
CSRC_PDF = hostile.ROOT.parent / "shared" / "real" / "csrc-2018q3.pdf"


@pytest.fixture(scope="session")
def csrc_folder(tmp_path_factory):
    """../shared/real/csrc-2018q3.pdf extracted once per session (skipped where absent):
    copy it before changing anything in it."""
    if not CSRC_PDF.is_file():
        pytest.skip(f"{CSRC_PDF} is not here (CI has no ../shared)")
    out = tmp_path_factory.mktemp("csrc") / "v"
    run = hostile.run_cli("extract", CSRC_PDF, "--out", out, timeout=600)
    assert run.returncode == 0, run.stderr
    (out.parent / "stderr.txt").write_text(run.stderr, encoding="utf-8")
    return out


@pytest.fixture
def existing(good_folder, tmp_path):
    """A copy of the good extraction, alone in its parent folder, and its snapshot
    (what a refused input must leave byte-identical)."""
    out = tmp_path / "extracted" / "v1"
    shutil.copytree(good_folder, out)
    return out, hostile.snapshot(out)
