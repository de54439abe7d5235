"""`python -m pipeline validate DIR` and `extract --validate`: exit status and the lines
printed, on gold-derived folders and on real extractions of both replicas."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.quality.validate import REPORT_HTML, REPORT_JSON
from tests.folders import GOLD_PDF, gold_folder, gold_frames_filled, gold_notice, write_folder
from tests.goldtables import GOLD_2021, GOLD_2023

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_validate_exits_0_on_a_good_folder(tmp_path):
    folder = gold_folder(GOLD_2021, tmp_path / "good")
    proc = _run("validate", str(folder))
    assert proc.returncode == 0, proc.stderr
    assert "error:" not in proc.stderr
    assert "第十十五条" in proc.stderr  # the misprint is a warning, printed but not failing


def test_validate_exits_1_with_one_line_per_failed_check(tmp_path):
    frames = gold_frames_filled(GOLD_2021)
    frames["items"].loc[frames["items"]["seq"] == 3, "basis_text"] = ""
    frames["departments"].loc[0, "department"] = None
    folder = write_folder(frames, gold_notice(GOLD_2021), tmp_path / "bad")
    proc = _run("validate", str(folder))
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    report = json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
    failed = [c for c in report["checks"] if not c["success"] and c["severity"] == "error"]
    assert report["success"] is False and len(errors) == len(failed) >= 2
    assert any("items.basis_text: not_empty" in e and "rows: seq 3" in e for e in errors)
    assert any("departments.department: not_null" in e and "seq 1" in e for e in errors)
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("gold", [GOLD_2021, pytest.param(GOLD_2023, marks=pytest.mark.slow)],
                         ids=["2021", "2023-invented"])
def test_real_extraction_of_each_replica_passes(gold, tmp_path):
    out = tmp_path / "out"
    proc = _run("extract", str(GOLD_PDF[gold]), "--out", str(out), "--validate")
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    assert report["success"] is True, [c for c in report["checks"] if not c["success"]]
    assert report["items"] == 27
    assert (out / REPORT_HTML).is_file()
    if gold == GOLD_2021:
        assert report["expected_items"] == 27
        assert any("第十十五条" in w for w in report["warnings"])
    else:
        assert report["expected_items"] is None
        assert any("no expected item count is recorded" in w for w in report["warnings"])


def test_validate_exits_1_naming_table_pages_the_list_left_unread(tmp_path):
    from tests.test_validate_generic import generic_notice, make_generic

    frames = make_generic()
    notice = {**generic_notice(frames),
              "unread_pages": [{"pages": [3, 9], "why": "a table whose columns differ"}]}
    folder = write_folder(frames, notice, tmp_path / "v")
    proc = _run("validate", str(folder))
    assert proc.returncode == 1, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {folder}: unread_pages.pages: table_pages_read: found 1 of 1 "
                      "rows: pages 3–9: why 'a table whose columns differ'; expected every page "
                      "that holds table ruling or text read into the list (these pages were not: "
                      "columns or items printed there are missing); rows: pages 3–9"]
