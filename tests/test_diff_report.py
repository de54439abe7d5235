"""The diff folder: tables, report.md and report.html for reviewers."""

from __future__ import annotations

import re

import pytest

from pipeline.errors import PipelineError
from pipeline.review.diff import diff_versions
from pipeline.review.report import _diff_lines, _opcodes, _ranges, write_report
from tests.goldtables import GOLD_2023
from tests.test_diff_versions import gold, item, renumber, write_version


@pytest.fixture(scope="module")
def gold_diff(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    pages_old = {s: (s + 2, s + 2) for s in range(1, 28)}
    pages_old[17] = (19, 20)
    pages_new = {s: (s + 1, s + 1) for s in range(1, 28)}
    old = write_version(gold(), root / "old", pages=pages_old,
                        validation={"success": True})
    new = write_version(gold(GOLD_2023), root / "new", pages=pages_new)
    d = diff_versions(old, new)
    out = root / "diff"
    write_report(d, out, old_label="2021版", new_label="2023版")
    return d, out


def md(out):
    return (out / "report.md").read_text(encoding="utf-8")


def html(out):
    return (out / "report.html").read_text(encoding="utf-8")


def test_folder_holds_tables_and_reports(gold_diff):
    import pandas as pd

    d, out = gold_diff
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([*(f"{t}.{ext}" for t in ("changes", "detail_changes", "matches")
                              for ext in ("parquet", "csv")),
                           "manifest.json", "report.html", "report.md"])
    for t in ("changes", "detail_changes", "matches"):
        assert (out / f"{t}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_parquet(out / "changes.parquet")
    assert list(back.columns) == ["change", "old_seq", "new_seq", "field", "old_value",
                                  "new_value"]
    assert len(back) == len(d.changes) and str(back["old_seq"].dtype) == "Int64"
    assert list(pd.read_csv(out / "changes.csv", encoding="utf-8-sig")["change"]) == \
        list(d.changes["change"])


def test_summary_line_counts_and_validation_status(gold_diff):
    _, out = gold_diff
    for text in (md(out), html(out)):
        assert "1 added, 1 removed, 6 changed, 12 renumbered" in text
        assert "2021版: validation passed; 2023版: not validated" in text


def test_validation_argument_overrides_the_folders(gold_diff, tmp_path):
    d, _ = gold_diff
    write_report(d, tmp_path / "d", old_label="a", new_label="b",
                 validation={"old": {"success": False}, "new": {"success": True}})
    assert "a: validation FAILED; b: validation passed" in md(tmp_path / "d")


def test_renumbering_is_collapsed_into_ranges(gold_diff):
    _, out = gold_diff
    assert "13–27 → 12–26" in md(out) and "13–27 → 12–26" in html(out)
    assert "also changed, below: 17→16, 20→19, 23→22" in md(out)
    assert _ranges([(2, 3), (3, 2), (5, 4), (6, 5), (7, 6), (9, 9)]) == [
        (2, 2, 3, 3), (3, 3, 2, 2), (5, 7, 4, 6), (9, 9, 9, 9)]


def test_changed_items_highlight_characters_and_give_pages(gold_diff):
    _, out = gold_diff
    text, page = md(out), html(out)
    # content: an insertion inside a sentence
    inserted = "定期核查<ins>、动态管理</ins>等工作"
    assert inserted in text and inserted in page
    # citations compared as law + article: one character gone from the article
    assert "第十<del>十</del>五条第二款" in text
    assert re.search(r"《疫苗流通和预防接种管理条例》 \| <del>第九条</del> \| — \| removed", text)
    # departments dropped / added
    assert "<del>市场监管部门</del> dropped" in text and "<ins>消防救援部门</ins> added" in text
    # a task edited and a task added
    assert "<ins>无障碍环境建设、</ins>" in text and "**added:** <ins>⑦协助做好小区充电设施" in text
    # pages of both versions
    assert "### 17 → 16 协助开展预防接种工作" in text
    assert "old p. 19–20, new p. 17" in text
    assert "**old 12**" in text and "(p. 14)" in text


def test_unchanged_items_are_not_listed_as_changed(gold_diff):
    _, out = gold_diff
    changed_part = md(out).split("## Changed")[1].split("## How items were matched")[0]
    headings = re.findall(r"^### (.+)$", changed_part, flags=re.M)
    assert [h.split(" ", 1)[0] if "→" not in h else h.split(" ")[0] for h in headings] == [
        "1", "7", "8", "17", "20", "23"]


def test_html_is_self_contained(gold_diff):
    _, out = gold_diff
    page = html(out)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"https?://|src=|<link|@import|url\(", page)


def test_text_is_escaped(tmp_path):
    old, new = gold(), gold()
    item(new, 2)["content"] += "<script>alert(1)</script>|*_"
    d = diff_versions(write_version(old, tmp_path / "o"), write_version(new, tmp_path / "n"))
    write_report(d, tmp_path / "d", old_label="o", new_label="n")
    assert "<script>" not in html(tmp_path / "d") and "<script>" not in md(tmp_path / "d")
    assert "&lt;script&gt;" in html(tmp_path / "d")


def test_split_and_merge_are_named_in_the_report(tmp_path):
    old, new = gold(), gold()
    a, b = item(new, 4), item(new, 5)
    a["content"] += "\n" + b["content"]
    a["tasks"] = a["tasks"] + b["tasks"]
    new["items"].remove(b)
    d = diff_versions(write_version(old, tmp_path / "o"),
                      write_version(renumber(new), tmp_path / "n"))
    write_report(d, tmp_path / "d", old_label="o", new_label="n")
    assert "**old 5** 协助做好暂住人口的治安管理工作" in md(tmp_path / "d")
    assert "merged into new 4" in md(tmp_path / "d")


def test_long_cells_show_changed_lines_only():
    old = "\n".join(f"{i}.第{i}行的内容，没有变化。" for i in range(1, 9))
    new = old.replace("5.第5行的内容，没有变化。", "5.第5行的内容，有变化。")
    from pipeline.review.report import _elide

    shown = _elide(_diff_lines(old, new))
    assert shown[0] == 4 and shown[2] == 3  # 4 lines elided, the changed one, 3 elided
    assert "".join(r.text for r in shown[1] if r.kind == "=") == "5.第5行的内容，有变化。"
    assert [r.text for r in shown[1] if r.kind == "-"] == ["没"]


def test_rewrapped_text_shows_no_change():
    lines = _diff_lines("协助开展\n最低生活保障", "协助开展最低\n生活保障")
    assert all(r.kind == "=" for line in lines for r in line)
    assert ["".join(r.text for r in line) for line in lines] == ["协助开展最低", "生活保障"]


def test_semantic_cleanup_merges_tiny_equal_runs():
    # A rewritten phrase sharing scattered single characters reads as one edit.
    ops = _opcodes("甲乙丙丁戊", "子乙丑丁寅")
    assert [o[0] for o in ops] == ["~"]
    # A small edit inside long equal text stays small.
    ops = _opcodes("重庆市安全生产条例第十十五条第二款", "重庆市安全生产条例第十五条第二款")
    assert [o[0] for o in ops] == ["=", "~", "="]


def test_existing_folder_of_other_things_is_never_replaced(gold_diff, tmp_path):
    d, _ = gold_diff
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(PipelineError, match="not a folder this pipeline wrote"):
        write_report(d, precious, old_label="a", new_label="b")
    assert [p.name for p in precious.iterdir()] == ["notes.txt"]


def test_rewriting_a_diff_folder_replaces_it_and_leaves_no_temp(gold_diff, tmp_path):
    d, _ = gold_diff
    out = tmp_path / "diffs" / "a__b"
    write_report(d, out, old_label="a", new_label="b")
    (out / "stale.txt").write_text("from an earlier run")
    write_report(d, out, old_label="a", new_label="b")
    assert not (out / "stale.txt").exists() and (out / "report.md").is_file()
    assert [p.name for p in out.parent.iterdir()] == ["a__b"]
