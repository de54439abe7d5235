"""Fixtures shared by several test files; what several build is made once per test run
(``tests.once.made_once``, shared by the pytest-xdist workers)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import hostile
from tests.once import made_once


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: a case taking more than a few seconds (OCR of whole scans, LibreOffice, "
        "long lists, the browser, a cluster): run by `make test-all` (CI), left out of `make test`")


def _extracted(pdf: Path, timeout: float = 300, stderr: bool = False):
    def make(folder: Path) -> None:
        run = hostile.run_cli("extract", pdf, "--out", folder / "v", timeout=timeout)
        assert run.returncode == 0, run.stderr
        if stderr:
            (folder / "stderr.txt").write_text(run.stderr, encoding="utf-8")
    return make


#: A real notice PDF (the invented 2023 version) for tests that need one good extraction.
GOOD_PDF = hostile.ROOT / "tests" / "fixtures" / "notice-2023-synthetic-INVENTED.pdf"


@pytest.fixture(scope="session")
def good_folder(tmp_path_factory):
    """A real extraction of the invented 2023 notice, made once per test run: copy it
    before changing anything in it."""
    folder = made_once(tmp_path_factory, "good", _extracted(GOOD_PDF, timeout=60)) / "v"
    assert hostile.is_complete(folder)
    return folder


@pytest.fixture(scope="session")
def pdf_2021(tmp_path_factory):
    """raw/notice-2021.pdf extracted once per test run (what other formats of the list must
    diff against)."""
    pdf = hostile.ROOT / "raw" / "notice-2021.pdf"
    return made_once(tmp_path_factory, "pdf2021", _extracted(pdf)) / "v"


#: The real 85-page CSRC classification (never copied into the repository; CI has none).
CSRC_PDF = hostile.ROOT.parent / "shared" / "real" / "csrc-2018q3.pdf"


@pytest.fixture(scope="session")
def csrc_folder(tmp_path_factory):
    """../shared/real/csrc-2018q3.pdf extracted once per test run (skipped where absent),
    its stderr in ``stderr.txt`` beside it: copy it before changing anything in it."""
    if not CSRC_PDF.is_file():
        pytest.skip(f"{CSRC_PDF} is not here (CI has no ../shared)")
    return made_once(tmp_path_factory, "csrc", _extracted(CSRC_PDF, 600, stderr=True)) / "v"


@pytest.fixture
def existing(good_folder, tmp_path):
    """A copy of the good extraction, alone in its parent folder, and its snapshot
    (what a refused input must leave byte-identical)."""
    out = tmp_path / "extracted" / "v1"
    shutil.copytree(good_folder, out)
    return out, hostile.snapshot(out)
