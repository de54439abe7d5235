"""Diff of two versions of a list read by the generic profile, on small folders
written in the test (no PDF): rows are paired by their cells, not by 序号.

Each case is named after what it shows and states the whole ``changes`` table
it expects ((change, old_seq, new_seq, field), sorted).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import schema
from pipeline.review import diff as diff_module
from pipeline.review.diff import diff_versions
from pipeline.review.report import write_report
from tests.folders import write_folder

#: (field, printed label, role) of the generated lists' columns.
KEYED = (("seq", "序号", "key"), ("name", "事项名称", "text"),
         ("implementing_body", "实施主体", "departments"), ("remarks", "备注", "text"))
KEYLESS = KEYED[1:]
CODED = (("name", "事项名称", "text"), ("item_code", "事项编码", "text"),
         ("content", "事项内容", "text"))


def write_generic(folder: Path, columns: tuple, rows: list[dict]) -> Path:
    """A folder as the generic profile writes it: ``items`` (``seq`` = 序号, or the
    row's position where the list prints none), ``columns`` and notice.json."""
    cols = [{"position": i, "field": f, "label": label, "role": role}
            for i, (f, label, role) in enumerate(columns, 1)]
    tables = {t.name: t for t in schema.generic_tables(cols)}
    keyed = any(c["role"] == "key" for c in cols)
    items = [dict(r) if keyed else {**r, "seq": i} for i, r in enumerate(rows, 1)]
    frames = {"items": tables["items"].frame(items), "columns": tables["columns"].frame(cols)}
    return write_folder(frames, {"profile": "generic", "doc_no": folder.name}, folder)


def changes_of(tmp_path: Path, columns: tuple, old: list[dict], new: list[dict], **kw):
    d = diff_versions(write_generic(tmp_path / "old", columns, old),
                      write_generic(tmp_path / "new", columns, new), **kw)
    rows = d.changes.astype(object).where(d.changes.notna(), None).to_dict("records")
    return d, sorted((r["change"], r["old_seq"], r["new_seq"], r["field"]) for r in rows)


def keyed_rows(names: list[str]) -> list[dict]:
    return [{"seq": i, "name": n, "implementing_body": "市市场监管局", "remarks": ""}
            for i, n in enumerate(names, 1)]


NAMES = ["食品生产许可证核发", "药品经营许可证核发", "特种设备使用登记", "计量器具型式批准"]


def test_keyed_generic_row_inserted_is_added_and_rest_renumbered(tmp_path):
    d, changes = changes_of(tmp_path, KEYED, keyed_rows(NAMES),
                            keyed_rows(["工业产品生产许可证核发", *NAMES]))
    assert changes == [("added", None, 1, None), ("renumbered", 1, 2, None),
                       ("renumbered", 2, 3, None), ("renumbered", 3, 4, None),
                       ("renumbered", 4, 5, None)]
    assert {p.method for p in d.pairs if p.relation == "same"} == {"content"}
    write_report(d, tmp_path / "diff")
    report = (tmp_path / "diff" / "report.md").read_text(encoding="utf-8")
    assert "**1–4 → 2–5**" in report


def test_keyed_generic_row_edited_and_moved_is_changed_with_both_numbers(tmp_path):
    new = keyed_rows(["工业产品生产许可证核发", *NAMES])
    new[3]["remarks"] = "含延续"  # old 3 特种设备使用登记, now 4
    _, changes = changes_of(tmp_path, KEYED, keyed_rows(NAMES), new)
    assert changes == [("added", None, 1, None), ("changed", 3, 4, "remarks"),
                       ("renumbered", 1, 2, None), ("renumbered", 2, 3, None),
                       ("renumbered", 4, 5, None)]


def test_keyed_generic_same_rows_pair_at_their_own_number_first(tmp_path):
    # Two rows with the same cells: 序号 breaks the tie, nothing is renumbered.
    names = ["食品生产许可证核发", "食品生产许可证核发", "特种设备使用登记"]
    new = keyed_rows(names)
    new[2]["remarks"] = "新"
    _, changes = changes_of(tmp_path, KEYED, keyed_rows(names), new)
    assert changes == [("changed", 3, 3, "remarks")]


def test_keyed_generic_row_rewritten_keeps_its_number_and_is_changed(tmp_path):
    # Too little in common to be paired by similarity (0.43 < 0.55): the same 序号
    # pairs it as a last resort (≥ min_split_score); without 序号 it is removed and added.
    new = keyed_rows(NAMES)
    new[1]["name"] = "广告发布登记"
    d, changes = changes_of(tmp_path / "keyed", KEYED, keyed_rows(NAMES), new)
    assert changes == [("changed", 2, 2, "name")]
    assert next(p for p in d.pairs if p.old_seq == 2).method == "key"
    keyless = [{k: v for k, v in r.items() if k != "seq"} for r in keyed_rows(NAMES)]
    _, changes = changes_of(tmp_path / "keyless", KEYLESS, keyless,
                            [{k: v for k, v in r.items() if k != "seq"} for r in new])
    assert changes == [("added", None, 2, None), ("removed", 2, None, None)]


def test_keyless_generic_row_renamed_is_changed_not_removed_and_added(tmp_path):
    old = [{k: v for k, v in r.items() if k != "seq"} for r in keyed_rows(NAMES)]
    new = [dict(r) for r in old]
    new[0]["name"] = "食品生产许可证核发（含变更）"
    d, changes = changes_of(tmp_path, KEYLESS, old, new)
    assert changes == [("changed", 1, 1, "name")]
    assert next(p for p in d.pairs if p.old_seq == 1).method == "similarity"


def coded_rows(rows: list[tuple[str, str, str]]) -> list[dict]:
    return [{"name": n, "item_code": c, "content": t} for n, c, t in rows]


CODED_ROWS = [("食品生产许可", "330217001000", "食品生产许可证核发"),
              ("药品经营许可", "330217002000", "药品经营许可证核发"),
              ("特种设备登记", "330217003000", "特种设备使用登记")]


def test_keyless_generic_code_column_pairs_rows_whose_names_changed(tmp_path):
    old = coded_rows(CODED_ROWS)
    new = coded_rows([("食品生产经营许可", "330217001000", "食品生产许可证核发"),
                      ("药店开办审批", "330217002000", "零售药店开办审批"),
                      CODED_ROWS[2]])
    d, changes = changes_of(tmp_path, CODED, old, new)
    assert changes == [("changed", 1, 1, "name"), ("changed", 2, 2, "content"),
                       ("changed", 2, 2, "name")]
    assert next(p for p in d.pairs if p.old_seq == 2).method == "column item_code"
    write_report(d, tmp_path / "diff")
    assert "code column 事项编码" in (tmp_path / "diff" / "report.md").read_text(encoding="utf-8")


def test_keyless_generic_unique_names_do_not_identify_rows(tmp_path):
    # The names are unique but not codes: a renamed row is still paired (by similarity),
    # and the rows are told apart by the code column, not by the name.
    old = coded_rows(CODED_ROWS)
    new = coded_rows([("食品生产许可（含变更）", "330217001000", "食品生产许可证核发"),
                      *CODED_ROWS[1:]])
    d, changes = changes_of(tmp_path, CODED, old, new)
    assert changes == [("changed", 1, 1, "name")]
    assert next(p for p in d.pairs if p.old_seq == 1).method == "column item_code"


def test_keyless_generic_recoded_row_is_paired_by_similarity_after_the_code(tmp_path):
    old = coded_rows(CODED_ROWS)
    new = coded_rows([*CODED_ROWS[:2], ("特种设备登记", "330217009000", "特种设备使用登记")])
    d, changes = changes_of(tmp_path, CODED, old, new)
    assert changes == [("changed", 3, 3, "item_code")]
    assert next(p for p in d.pairs if p.old_seq == 3).method == "similarity"


def test_keyless_generic_new_code_in_the_same_group_is_added_not_changed(tmp_path):
    # A classification: group cells (category, industry) repeat on every row; a company
    # removed and another added in the same industry are two rows, not one changed.
    columns = (("category", "门类", "text"), ("industry", "行业", "text"),
               ("code", "公司代码", "text"), ("short_name", "公司简称", "text"))
    group = {"category": "农、林、牧、渔业(A)", "industry": "农业"}
    old = [{**group, "code": "000998", "short_name": "隆平高科"},
           {**group, "code": "600354", "short_name": "敦煌种业"},
           {**group, "code": "600371", "short_name": "万向德农"}]
    new = [old[0], old[2], {**group, "code": "601118", "short_name": "海南橡胶"}]
    _, changes = changes_of(tmp_path, columns, old, new)
    assert changes == [("added", None, 3, None), ("removed", 2, None, None)]


def test_similarity_skipped_for_too_many_rows_is_said_in_the_report(tmp_path, monkeypatch):
    monkeypatch.setattr(diff_module, "MAX_SIMILARITY_PAIRS", 0)
    old = [{k: v for k, v in r.items() if k != "seq"} for r in keyed_rows(NAMES)]
    new = [dict(r) for r in old]
    new[0]["name"] = "食品生产许可证核发（含变更）"
    d, changes = changes_of(tmp_path, KEYLESS, old, new)
    assert changes == [("added", None, 1, None), ("removed", 1, None, None)]
    write_report(d, tmp_path / "diff")
    report = (tmp_path / "diff" / "report.md").read_text(encoding="utf-8")
    assert "similarity pairing was skipped" in report


@pytest.mark.parametrize("columns", [KEYED, KEYLESS])
def test_generic_reverse_diff_mirrors_the_forward_one(tmp_path, columns):
    old = keyed_rows(NAMES)
    new = keyed_rows(["工业产品生产许可证核发", *NAMES[:2], NAMES[3]])
    new[1]["remarks"] = "含变更"
    if columns is KEYLESS:
        old = [{k: v for k, v in r.items() if k != "seq"} for r in old]
        new = [{k: v for k, v in r.items() if k != "seq"} for r in new]
    _, fwd = changes_of(tmp_path / "f", columns, old, new)
    _, back = changes_of(tmp_path / "b", columns, new, old)
    flip = {"added": "removed", "removed": "added"}
    assert back == sorted((flip.get(c, c), n, o, f) for c, o, n, f in fwd)
