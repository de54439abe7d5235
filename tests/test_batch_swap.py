"""Validate before the swap: `extract --validate` validates in the temporary folder;
output that fails never replaces a folder holding a valid version (it goes beside it,
to FOLDER.invalid, unless --force); manifests cover the validation reports; the
skip-if-unchanged check still skips; what readers tell the user is printed as notes.

Inputs are typeset here (tests.render): a 4-item list that passes, and the same list
printed with 序号 1, 2, 3, 6, which fails validation (seq must run 1..N)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests import hostile

INVALID = ".invalid"  # pipeline.batch.local.INVALID_SUFFIX


def render_pair(folder: Path) -> tuple[Path, Path]:
    """(a list that passes validation, one that fails it), typeset into ``folder``."""
    from tests.render import Variant, random_gold, render_notice

    gold = random_gold(7, 4)
    good = render_notice(gold, folder / "good-list.pdf", Variant())
    gold["items"][3]["seq"] = 6
    bad = render_notice(gold, folder / "bad-list.pdf", Variant())
    return Path(good), Path(bad)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    return render_pair(tmp_path_factory.mktemp("lists"))


def _extract(pdf: Path, out: Path, *flags: str, python=None) -> hostile.CliRun:
    return hostile.run_cli("extract", pdf, "--out", out, "--validate", *flags, python=python)


def _report(folder: Path) -> dict:
    return json.loads((folder / "validation.json").read_text(encoding="utf-8"))


def _files(folder: Path) -> dict[str, str]:
    return {k: v for k, v in hostile.snapshot(folder).items() if not k.startswith("../")}


@pytest.mark.slow  # three runs of extract --validate
def test_a_failing_rerun_keeps_the_valid_folder_byte_identical(pdfs, tmp_path):
    good, bad = pdfs
    valid = tmp_path / "extracted" / "v1"
    run = _extract(good, valid)
    assert run.returncode == 0, run.stderr
    listed = json.loads((valid / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert {"validation.json", "validation.html"} <= set(listed)  # the manifest covers them
    assert hostile.is_complete(valid) and _report(valid)["success"] is True
    assert _report(valid)["folder"] == str(valid)  # names the folder, not the temporary one
    before = _files(valid)

    run = _extract(bad, valid)
    assert run.returncode == 1 and run.stdout == ""
    beside = valid.with_name(valid.name + INVALID)
    assert _files(valid) == before
    assert hostile.is_complete(beside) and _report(beside)["success"] is False
    assert _report(beside)["folder"] == str(beside)
    listed = json.loads((beside / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert {"validation.json", "validation.html"} <= set(listed)
    errors = [x for x in run.stderr.splitlines() if x.startswith("error:")]
    assert any("seq_is_1_to_n" in x for x in errors)
    assert errors[-1] == (f"error: {bad}: failed validation (1 checks): {valid} keeps its "
                          f"valid version; the new output is in {beside} (--force replaces)")

    # a second failing run replaces the earlier failing output, never the valid folder
    assert _extract(bad, valid).returncode == 1 and hostile.is_complete(beside)
    assert _files(valid) == before
    # the valid version is still the last extraction of its file: skipped as unchanged
    run = _extract(good, valid)
    assert run.returncode == 0 and "unchanged, skipped" in run.stderr
    assert _files(valid) == before

    # a new valid extraction replaces it and removes the failing output beside it
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(good.read_bytes() + b"\n% another copy\n")  # a new hash: not skipped
    run = _extract(copy, valid)
    assert run.returncode == 0, run.stderr
    assert not beside.exists()
    assert json.loads((valid / "notice.json").read_text(encoding="utf-8"))[
        "source_file"] == "copy.pdf"
    assert [p.name for p in valid.parent.iterdir()] == [valid.name]


@pytest.mark.slow  # three runs of extract --validate
def test_force_lets_failing_output_replace_a_valid_folder(pdfs, tmp_path):
    good, bad = pdfs
    out = tmp_path / "extracted" / "v1"
    assert _extract(good, out).returncode == 0
    assert _extract(bad, out).returncode == 1
    run = _extract(bad, out, "--force")
    assert run.returncode == 1
    assert _report(out)["success"] is False and hostile.is_complete(out)
    assert not out.with_name(out.name + INVALID).exists()  # superseded: removed
    assert f"extracted to {out} but failed validation" in run.stderr


@pytest.mark.slow  # three runs of extract --validate
def test_failing_output_goes_into_the_folder_where_nothing_valid_is_there(pdfs, tmp_path):
    out = tmp_path / "extracted" / "v1"
    assert _extract(pdfs[1], out).returncode == 1
    assert hostile.is_complete(out) and _report(out)["success"] is False
    assert not out.with_name(out.name + INVALID).exists()
    # a folder extracted without validation is not known to be invalid: it is kept
    plain = tmp_path / "extracted" / "v2"
    assert hostile.run_cli("extract", pdfs[0], "--out", plain).returncode == 0
    before = hostile.snapshot(plain)
    assert _extract(pdfs[1], plain).returncode == 1
    assert hostile.snapshot(plain) == {**before, f"../{plain.name}{INVALID}": "sibling"}


NOTES = """
import runpy, sys
import pipeline.extract as extract
real = extract.run
def run(*args, **kwargs):
    extraction = real(*args, **kwargs)
    extraction.notes += ["sheet 2 of 3 taken: 清单", "pages 3-4 read by OCR"]
    return extraction
extract.run = run
sys.argv = ["pipeline", *sys.argv[1:]]
runpy.run_module("pipeline", run_name="__main__", alter_sys=True)
"""


def test_the_default_root_skips_and_ignores_invalid_folders_and_notes_print(pdfs, tmp_path):
    import sys

    root = tmp_path / "extracted"
    first = hostile.run_cli("extract", pdfs[0], "--extracted", root, "--validate",
                            python=[sys.executable, "-c", NOTES])
    assert first.returncode == 0, first.stderr
    notes = [x for x in first.stderr.splitlines() if x.startswith("note:")]
    assert notes == [f"note: {pdfs[0]}: sheet 2 of 3 taken: 清单",
                     f"note: {pdfs[0]}: pages 3-4 read by OCR"]
    folder = Path(first.stdout.strip())
    # an .invalid folder of the same file beside it is never taken for the valid one
    shutil.copytree(folder, folder.with_name(folder.name + INVALID))
    again = hostile.run_cli("extract", pdfs[0], "--extracted", root)
    assert again.returncode == 0 and again.stdout.strip() == str(folder)
    assert "unchanged, skipped" in again.stderr
