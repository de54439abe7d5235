"""Diff on small hand-made revisions of the 2021 list (gold-derived folders).

Each test edits a copy of the gold (rename, split, merge, swap, remove, add,
a one-character name change with other content) and checks that the diff
reports exactly that and nothing else.  The helpers here are also used by the
other test_diff_* files.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.review.diff import diff_versions
from tests.folders import write_folder
from tests.goldtables import GOLD_2021, GOLD_2023, gold_frames, load_gold

# ------------------------------------------------------------------ helpers


def gold(path: Path = GOLD_2021) -> dict:
    """A private copy of a gold file, to edit."""
    return copy.deepcopy(load_gold(path))


def renumber(g: dict) -> dict:
    """序号 1..N in list order (as a revised notice prints them)."""
    for i, it in enumerate(g["items"], 1):
        it["seq"] = i
    return g


def set_basis(it: dict, basis: list[dict]) -> None:
    """Replace an item's citations, keeping basis_text in step."""
    it["basis"] = basis
    it["basis_text"] = "\n".join(
        f"《{b['law']}》" + (f"（{b['note']}）" if b.get("note") else "") + "、".join(b["articles"])
        for b in basis)


def set_departments(it: dict, departments: list[str]) -> None:
    it["departments"] = departments
    it["department_text"] = "、".join(departments)


def write_version(g: dict, folder: Path, *, pages: dict[int, tuple[int, int]] | None = None,
                  validation: dict | None = None) -> Path:
    """Write ``g`` as an extracted folder (NAME.parquet per table + notice.json)."""
    frames = gold_frames(g)
    if pages:
        items = frames["items"]
        for seq, (a, b) in pages.items():
            items.loc[items["seq"] == seq, ["page_start", "page_end"]] = [a, b]
    write_folder(frames, g["notice"], folder)
    if validation is not None:
        (folder / "validation.json").write_text(json.dumps(validation), encoding="utf-8")
    return folder


def diff_of(old: dict, new: dict, tmp_path: Path, **kw):
    return diff_versions(write_version(old, tmp_path / "old"),
                         write_version(new, tmp_path / "new"), **kw)


def records(df) -> list[dict]:
    """Rows of a frame as dicts, nulls as None."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


def rows(diff, *kinds: str) -> set[tuple]:
    """(change, old_seq, new_seq, field) of the changes rows, of ``kinds`` if given."""
    return {(r["change"], r["old_seq"], r["new_seq"], r["field"])
            for r in records(diff.changes) if not kinds or r["change"] in kinds}


def renumbered(moves: dict[int, int]) -> set[tuple]:
    return {("renumbered", o, n, None) for o, n in moves.items() if o != n}


def shift(first: int, last: int, by: int) -> dict[int, int]:
    return {s: s + by for s in range(first, last + 1)}


def item(g: dict, seq: int) -> dict:
    return next(it for it in g["items"] if it["seq"] == seq)


def pair_of(diff, old_seq: int):
    """The decision about old item ``old_seq`` (not a split-off naming it)."""
    return next(p for p in diff.pairs if p.old_seq == old_seq and p.relation != "split")


# -------------------------------------------------------------------- tests


def test_identical_versions_report_nothing(tmp_path):
    d = diff_of(gold(), gold(), tmp_path)
    assert d.changes.empty and d.detail_changes.empty
    assert d.summary() == "0 added, 0 removed, 0 changed, 0 renumbered"
    assert all(p.relation == "same" and p.method == "name" for p in d.pairs)


def test_line_wrapping_and_spaces_are_not_changes(tmp_path):
    new = gold()
    for it in new["items"]:
        it["content"] = "\n".join(it["content"][i:i + 7] for i in range(0, len(it["content"]), 7))
        it["name"] = it["name"][:3] + " " + it["name"][3:]
        for t in it["tasks"]:
            t["text"] = t["text"][:5] + "\n " + t["text"][5:]
    d = diff_of(gold(), new, tmp_path)
    assert rows(d) == set()


def test_renamed_item_is_changed_in_name_only(tmp_path):
    new = gold()
    item(new, 10)["name"] = "协助做好违法建设治理工作"
    d = diff_of(gold(), new, tmp_path)
    assert rows(d) == {("changed", 10, 10, "name")}
    p = pair_of(d, 10)
    assert (p.relation, p.method, p.new_seq) == ("same", "similarity", 10)
    assert p.score >= d.settings.min_score


def test_swapped_items_are_renumbered_not_changed(tmp_path):
    new = gold()
    new["items"][1], new["items"][2] = new["items"][2], new["items"][1]
    d = diff_of(gold(), renumber(new), tmp_path)
    assert rows(d) == renumbered({2: 3, 3: 2})


def test_several_removed(tmp_path):
    new = gold()
    new["items"] = [it for it in new["items"] if it["seq"] not in (3, 9, 15, 27)]
    d = diff_of(gold(), renumber(new), tmp_path)
    kept = [s for s in range(1, 28) if s not in (3, 9, 15, 27)]
    moves = {o: n for n, o in enumerate(kept, 1)}
    assert rows(d) == ({("removed", s, None, None) for s in (3, 9, 15, 27)}
                       | renumbered(moves))
    assert d.summary() == f"0 added, 4 removed, 0 changed, {len(renumbered(moves))} renumbered"


def test_added_item_in_the_middle(tmp_path):
    new = gold()
    veterans = item(load_gold(GOLD_2023), 27)
    new["items"].insert(5, copy.deepcopy(veterans))
    d = diff_of(gold(), renumber(new), tmp_path)
    assert rows(d) == {("added", None, 6, None)} | renumbered(shift(6, 27, 1))
    added = next(p for p in d.pairs if p.new_seq == 6)
    assert added.relation == "added" and added.old_seq is None
    assert added.score is not None and added.score < d.settings.min_score


def test_moved_and_edited_item_is_changed_with_both_numbers(tmp_path):
    new = gold()
    moved = new["items"].pop(26)  # old 27 becomes new 1
    moved["content"] = moved["content"].replace("法律援助", "法律援助、心理疏导")
    new["items"].insert(0, moved)
    d = diff_of(gold(), renumber(new), tmp_path)
    assert rows(d) == {("changed", 27, 1, "content")} | renumbered(shift(1, 26, 1))


def test_split_item_one_part_changed_the_other_added_from_it(tmp_path):
    old = gold()
    new = gold()
    whole = item(new, 21)
    report = copy.deepcopy(whole)
    aid = copy.deepcopy(whole)
    report["name"] = "协助开展自然灾害信息报送工作"
    report["content"] = "协助做好自然灾害信息报送工作。"
    report["tasks"] = [dict(t, section=None) for t in whole["tasks"]
                       if t["section"] == "灾害信息报送"]
    aid["name"] = "协助做好受灾群众救助补助工作"
    aid["content"] = ("提名、评议居民住房恢复重建补助对象；"
                      "公布救助对象及其接受救助款物数额和使用情况。")
    aid["tasks"] = [dict(t, section=None) for t in whole["tasks"] if t["section"] == "救助对象补助"]
    set_basis(aid, [b for b in whole["basis"] if b["law"] == "自然灾害救助条例"])
    i = new["items"].index(whole)
    new["items"][i:i + 1] = [report, aid]
    d = diff_of(old, renumber(new), tmp_path)

    kept = pair_of(d, 21)
    assert kept.relation == "same" and kept.new_seq in (21, 22)
    other = 43 - kept.new_seq  # the other half: 21 + 22 - kept
    split = next(p for p in d.pairs if p.new_seq == other)
    assert (split.relation, split.old_seq, split.method) == ("split", 21, "containment")
    changed = {r for r in rows(d, "changed")}
    assert {r[:3] for r in changed} == {("changed", 21, kept.new_seq)}
    assert {"name", "content", "tasks_text"} <= {r[3] for r in changed}
    assert rows(d, "added") == {("added", None, other, None)}
    assert rows(d, "removed") == set()
    assert rows(d, "renumbered") == renumbered(shift(22, 27, 1))


def test_merged_items_one_changed_the_other_removed_into_it(tmp_path):
    old = gold()
    new = gold()
    a, b = item(new, 4), item(new, 5)
    merged = copy.deepcopy(a)
    merged["name"] = "协助做好租赁房屋和暂住人口治安管理工作"
    merged["content"] = a["content"] + "\n" + b["content"]
    merged["tasks"] = a["tasks"] + [dict(t, marker=f"{n}.") for n, t in
                                    enumerate(b["tasks"], len(a["tasks"]) + 1)]
    set_basis(merged, a["basis"] + b["basis"])
    i = new["items"].index(a)
    new["items"][i:i + 2] = [merged]
    d = diff_of(old, renumber(new), tmp_path)

    kept = next(p for p in d.pairs if p.new_seq == 4 and p.relation == "same")
    gone = 9 - kept.old_seq  # the other of 4 and 5
    assert kept.old_seq in (4, 5)
    assert (pair_of(d, gone).relation, pair_of(d, gone).new_seq) == ("merged", 4)
    assert rows(d, "removed") == {("removed", gone, None, None)}
    assert rows(d, "added") == set()
    assert {r[:3] for r in rows(d, "changed")} == {("changed", kept.old_seq, 4)}
    assert rows(d, "renumbered") == renumbered(shift(6, 27, -1))


def test_one_character_name_change_with_other_content_is_not_the_same_item(tmp_path):
    # 食品生产许可 vs 食品经营许可: one character apart, different duties.
    old, new = gold(), gold()
    production = item(old, 9)
    production.update(
        name="协助做好食品生产许可监督工作",
        content="协助做好辖区食品生产企业许可条件的日常巡查，发现无证生产的及时报告。",
        tasks=[{"section": None, "marker": "1.", "children": [],
                "text": "协助摸排辖区食品生产加工小作坊，建立台账。"},
               {"section": None, "marker": "2.", "children": [],
                "text": "发现未取得食品生产许可从事食品生产活动的，及时向市场监管部门报告。"}])
    set_basis(production, [{"law": "中华人民共和国食品安全法", "note": None,
                            "articles": ["第三十五条"]}])
    set_departments(production, ["市场监管部门"])
    trade = item(new, 9)
    trade.update(
        name="协助做好食品经营许可监督工作",
        content="协助宣传食品经营者落实主体责任，配合开展校园周边食品经营秩序整治。",
        tasks=[{"section": None, "marker": "1.", "children": [],
                "text": "协助开展食品安全宣传周活动，普及食品安全知识。"},
               {"section": None, "marker": "2.", "children": [],
                "text": "配合做好学校周边流动摊贩的劝导和信息报告。"}])
    set_basis(trade, [{"law": "中华人民共和国食品安全法", "note": None,
                       "articles": ["第六十二条"]}])
    set_departments(trade, ["市场监管部门"])
    d = diff_of(old, new, tmp_path)
    assert rows(d) == {("removed", 9, None, None), ("added", None, 9, None)}
    p = pair_of(d, 9)
    assert p.relation == "removed" and p.candidate_seq == 9
    assert p.parts["name"] > 0.7 and p.parts["departments"] == 1.0
    assert p.score < d.settings.min_score


def test_one_character_name_change_with_same_content_is_a_rename(tmp_path):
    new = gold()
    item(new, 17)["name"] = "协助开展预防接种服务"
    d = diff_of(gold(), new, tmp_path)
    assert rows(d) == {("changed", 17, 17, "name")}


def test_threshold_is_a_setting(tmp_path):
    from dataclasses import replace

    from pipeline.review.diff import DEFAULT_MATCH

    new = gold()
    item(new, 10)["name"] = "协助做好违法建设治理工作"
    strict = replace(DEFAULT_MATCH, min_score=0.99, min_containment=1.01)
    d = diff_of(gold(), new, tmp_path, settings=strict)
    assert rows(d) == {("removed", 10, None, None), ("added", None, 10, None)}


def test_detail_rows_of_edited_tasks_citations_and_departments(tmp_path):
    new = gold()
    it = item(new, 3)
    it["tasks"][0]["text"] = it["tasks"][0]["text"].replace("协助", "负责协助", 1)
    it["tasks"].append({"section": None, "marker": f"{len(it['tasks']) + 1}.", "children": [],
                        "text": "协助核验居住证申领人员的居住信息。"})
    set_basis(it, [{"law": "居住证暂行条例", "note": None, "articles": ["第七条", "第九条"]},
                   {"law": "重庆市居住证实施办法", "note": None, "articles": ["第五条"]},
                   {"law": "户口登记条例", "note": None, "articles": []}])
    set_departments(it, ["公安部门", "发展改革部门"])
    d = diff_of(gold(), new, tmp_path)
    assert rows(d) == {("changed", 3, 3, f) for f in ("tasks_text", "basis_text",
                                                      "department_text")}
    got = {(r["table"], r["change"], r["old_value"], r["new_value"])
           for r in records(d.detail_changes)}
    old_task = item(gold(), 3)["tasks"][0]
    assert got == {
        ("tasks", "changed", f"{old_task['marker']}{old_task['text']}",
         f"{old_task['marker']}{it['tasks'][0]['text']}"),
        ("tasks", "added", None, f"{it['tasks'][-1]['marker']}协助核验居住证申领人员的居住信息。"),
        ("citations", "changed", "《居住证暂行条例》第八条", "《居住证暂行条例》第九条"),
        ("citations", "added", None, "《户口登记条例》"),
        ("departments", "added", None, "发展改革部门"),
    }


def test_sub_tables_missing_are_derived_from_cells(tmp_path):
    old = write_version(gold(), tmp_path / "old")
    new = write_version(renumber(gold(GOLD_2023)), tmp_path / "new")
    full = diff_versions(old, new)
    for folder in (old, new):
        for name in ("tasks", "citations", "departments"):
            (folder / f"{name}.parquet").unlink()
    coarse = diff_versions(old, new)
    assert rows(coarse) == rows(full)
    assert set(coarse.detail_changes["table"]) == {"tasks", "citations", "departments"}


def test_not_an_extracted_folder_is_a_clear_error(tmp_path):
    good = write_version(gold(), tmp_path / "good")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"items\.parquet"):
        diff_versions(tmp_path / "empty", good)
    with pytest.raises(InputError, match="not a folder"):
        diff_versions(good, tmp_path / "missing")


def test_diff_tables_follow_the_schema(tmp_path):
    from pipeline import schema

    d = diff_of(gold(), renumber(gold(GOLD_2023)), tmp_path)
    tables = d.tables()
    assert list(tables) == ["changes", "detail_changes", "matches"]
    assert list(tables["changes"].columns) == schema.TABLES["changes"].column_names
    for name, frame in tables.items():
        if name in schema.TABLES:  # detail_changes and matches once the lead adds them
            assert list(frame.columns) == schema.TABLES[name].column_names
    assert str(tables["matches"]["score"].dtype) == "Float64"
    assert str(tables["detail_changes"]["old_no"].dtype) == "Int64"


def test_duplicate_seq_is_a_clear_error(tmp_path):
    bad = gold()
    bad["items"][1]["seq"] = 1
    with pytest.raises(InputError, match=r"unique.*\[1\]"):
        diff_of(gold(), bad, tmp_path)
