"""The 2021 → 2023 (invented) diff reproduces ../shared/revisions/expected-diff-2021-to-2023.json
exactly: on folders built from the two gold files, on real extractions of the
two PDFs, and through the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.review.diff import diff_versions
from tests.goldtables import FIXTURES, GOLD_2021, GOLD_2023, SHARED
from tests.test_diff_versions import gold, records, rows, write_version

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = json.loads((SHARED / "expected-diff-2021-to-2023.json").read_text(encoding="utf-8"))
PDF_2021 = ROOT / "raw" / "notice-2021.pdf"
PDF_2023 = FIXTURES / "notice-2023-synthetic-INVENTED.pdf"


def expected_rows() -> set[tuple]:
    """Every changes row the expected diff implies: its removed/changed/added
    rows, and `renumbered` for every other pair whose 序号 moved."""
    out = set()
    changed = set()
    for c in EXPECTED["changes"]:
        if c["change"] == "changed":
            changed.add((c["old_seq"], c["new_seq"]))
            out |= {("changed", c["old_seq"], c["new_seq"], f) for f in c["fields"]}
        else:
            out.add((c["change"], c["old_seq"], c["new_seq"], None))
    for o, n in EXPECTED["pairs"].items():
        if int(o) != n and (int(o), n) not in changed:
            out.add(("renumbered", int(o), n, None))
    return out


def assert_expected(d) -> None:
    pairs = {str(p.old_seq): p.new_seq for p in d.pairs if p.relation == "same"}
    assert pairs == EXPECTED["pairs"]
    assert sorted(p.old_seq for p in d.pairs if p.new_seq is None) == EXPECTED["removed"]
    assert sorted(p.new_seq for p in d.pairs if p.old_seq is None) == EXPECTED["added"]
    assert rows(d) == expected_rows()
    assert len(d.changes) == len(expected_rows())  # no duplicated rows either
    assert d.summary() == "1 added, 1 removed, 6 changed, 12 renumbered"


def assert_expected_details(d) -> None:
    got = {(r["old_seq"], r["new_seq"], r["table"], r["change"], r["old_value"],
            r["new_value"]) for r in records(d.detail_changes)}
    # Texts as the gold has them; an extraction may wrap them, so compare squashed.
    squash = lambda v: None if v is None else "".join(v.split())  # noqa: E731
    got = {(*g[:4], squash(g[4]), squash(g[5])) for g in got}
    new23 = next(it for it in gold(GOLD_2023)["items"] if it["seq"] == 22)
    edited = new23["tasks"][0]["children"]
    old23 = next(it for it in gold(GOLD_2021)["items"] if it["seq"] == 23)
    tasks_old = [c for t in old23["tasks"] for c in t["children"]]
    tasks_new = [c for t in new23["tasks"] for c in t["children"]]
    before = next(c for c in tasks_old if c["text"].startswith("推动城市管理进社区"))
    after = next(c for c in tasks_new if c["text"].startswith("推动城市管理进社区"))
    added = tasks_new[-1]
    assert edited  # the gold still has the structure this test reads
    assert got == {
        (7, 7, "departments", "removed", "消防总队", None),
        (7, 7, "departments", "added", None, "消防救援部门"),
        (8, 8, "departments", "removed", "市场监管部门", None),
        (17, 16, "citations", "removed", "《疫苗流通和预防接种管理条例》第九条", None),
        (20, 19, "citations", "changed", "《重庆市安全生产条例》第十十五条第二款",
         "《重庆市安全生产条例》第十五条第二款"),
        (23, 22, "tasks", "changed", before["marker"] + before["text"],
         after["marker"] + after["text"]),
        (23, 22, "tasks", "added", None, added["marker"] + added["text"]),
    }


@pytest.fixture(scope="module")
def gold_folders(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("gold")
    return write_version(gold(GOLD_2021), root / "2021"), write_version(gold(GOLD_2023),
                                                                        root / "2023")


def test_gold_versions_reproduce_the_expected_diff(gold_folders):
    d = diff_versions(*gold_folders)
    assert_expected(d)
    assert_expected_details(d)


def test_gold_changed_rows_carry_old_and_new_cells(gold_folders):
    d = diff_versions(*gold_folders)
    by_key = {(r["old_seq"], r["field"]): r for r in records(d.changes)
              if r["change"] == "changed"}
    r = by_key[(7, "department_text")]
    assert (r["old_value"], r["new_value"]) == ("消防总队", "消防救援部门")
    r = by_key[(1, "content")]
    assert "动态管理" in r["new_value"] and "动态管理" not in r["old_value"]
    removed = next(r for r in records(d.changes) if r["change"] == "removed")
    assert removed["old_value"].startswith("协助开展流动人口计划生育服务管理工作")


def test_reverse_diff_mirrors_the_forward_one(gold_folders):
    old, new = gold_folders
    back = diff_versions(new, old)
    flip = {"added": "removed", "removed": "added", "changed": "changed",
            "renumbered": "renumbered"}
    assert rows(back) == {(flip[c], n, o, f) for c, o, n, f in expected_rows()}


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_cli_diff_of_two_folders(gold_folders, tmp_path):
    out = tmp_path / "diff"
    r = _run("diff", *map(str, gold_folders), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert str(out) in r.stdout
    assert "1 added, 1 removed, 6 changed, 12 renumbered" in r.stdout + r.stderr
    for name in ("changes.parquet", "changes.csv", "detail_changes.parquet",
                 "detail_changes.csv", "report.md", "report.html"):
        assert (out / name).is_file(), name
    assert (out / "changes.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_cli_diff_of_a_missing_folder_is_one_error_line(gold_folders, tmp_path):
    r = _run("diff", str(gold_folders[0]), str(tmp_path / "nowhere"))
    assert r.returncode == 1
    assert r.stderr.startswith("error:") and "Traceback" not in r.stderr


# ------------------------------------------------ real extractions of the PDFs

@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> tuple[Path, Path]:
    """Both PDFs extracted in-process (``extract.run`` + ``write.write_tables``)."""
    from pipeline import extract
    from pipeline.output.write import write_tables

    root = tmp_path_factory.mktemp("extracted")
    out = []
    for pdf, name in ((PDF_2021, "2021"), (PDF_2023, "2023")):
        e = extract.run(pdf)
        out.append(write_tables(e.frames(), root / name, {"notice.json": e.notice}))
    return out[0], out[1]


def test_real_extractions_reproduce_the_expected_diff(extracted):
    d = diff_versions(*extracted)
    assert_expected(d)
    assert_expected_details(d)


def test_real_extractions_report_pages_of_both_versions(extracted, tmp_path):
    from pipeline.review.report import write_report

    d = diff_versions(*extracted)
    write_report(d, tmp_path / "diff", old_label="2021", new_label="2023")
    md = (tmp_path / "diff" / "report.md").read_text(encoding="utf-8")
    old17, new16 = d.old.item(17), d.new.item(16)
    assert old17["page_start"] > 1 and new16["page_start"] > 1
    span = lambda it: (str(it["page_start"]) if it["page_start"] == it["page_end"]  # noqa: E731
                       else f"{it['page_start']}–{it['page_end']}")
    assert f"old p. {span(old17)}, new p. {span(new16)}" in md


def test_cli_diff_of_two_pdfs(extracted, tmp_path):
    out = tmp_path / "diff"
    r = _run("diff", str(PDF_2021), str(PDF_2023), "--out", str(out),
             "--extracted", str(tmp_path / "versions"))
    assert r.returncode == 0, r.stderr
    assert "1 added, 1 removed, 6 changed, 12 renumbered" in r.stdout + r.stderr
    assert (out / "report.html").is_file()
