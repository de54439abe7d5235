"""权责清单 workbooks and Word lists read right, whole and valid (issue 18): one named test
per phenomenon, on files generated with their gold (tests.render.power, power_files).

Every generated file (each variant as .xlsx, .xls and, for single-sheet lists, .docx;
misnamed and WPS copies) extracts in process to its gold: items cell by cell (white
space aside), sub_items, sheets, the number of warnings, the list title and notes.
The CLI cases check what a user sees: exit 0, ``warning:`` and ``note:`` lines, and
``--validate`` passing.
"""

from __future__ import annotations

import json

import pytest

from pipeline.extract import run
from tests import hostile
from tests.render.power import VARIANTS, gold_of, make_list, score_items, squash
from tests.render.power_files import write_docx, write_set, write_xlsx


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Every generated power file: name → (path, gold)."""
    return write_set(tmp_path_factory.mktemp("power"))


class _Extracted(dict):
    """name → the extraction of that file, extracted in process when first asked for
    (as ``extract`` runs it in its child); an error is raised by the test asking."""

    def __init__(self, made):
        super().__init__()
        self.made = made

    def __missing__(self, name):
        self[name] = run(self.made[name][0])
        return self[name]


@pytest.fixture(scope="module")
def extracted(made):
    return _Extracted(made)


def _names() -> list[str]:
    names = []
    for name, v in VARIANTS.items():
        names += [f"{name}.xlsx", f"{name}.xls"]
        if v.sheets == "one" and not v.hidden:
            names.append(f"{name}.docx")
    return [*names, "binary-named.xlsx", "ooxml-named.xls", "wps-binary.et", "wps-ooxml.et"]


@pytest.mark.parametrize("name", _names())
def test_every_generated_power_file_extracts_to_its_gold(name, made, extracted):
    gold = made[name][1]
    got = extracted[name]
    notice, items = got.notice, got.rows["items"]
    assert notice["profile"] == "power"
    assert [squash(i["item_name"]) for i in items] == [squash(i["item_name"])
                                                       for i in gold["items"]]
    wrong = [(g["row"], k, g[k], e.get(k)) for g, e in zip(gold["items"], items, strict=True)
             for k in gold["fields"] if squash(g[k]) != squash(e.get(k))
             or (g[k] is None) != (e.get(k) is None)]
    assert not wrong, wrong[:5]
    assert score_items(gold, items) == {"names": 1.0, "chars": 1.0}
    subs = [{k: squash(v) if isinstance(v, str) else v for k, v in r.items() if k in gold_sub}
            for r, gold_sub in zip(got.rows.get("sub_items", []), gold["sub_items"],
                                   strict=True)]
    assert subs == [{k: squash(v) if isinstance(v, str) else v for k, v in r.items()}
                    for r in gold["sub_items"]]
    cited = [{"row": c["row"], "field": c["field"], "law_type": c["law_type"], "law": c["law"],
              "article_ref": c["article_ref"]} for c in got.rows["citations"]]
    assert cited == gold["citations"]
    assert all(c["parsed"] for c in got.rows["citations"])
    assert len(notice["warnings"]) == gold["warnings"], notice["warnings"]
    assert notice["list_title"] == gold["list_title"]
    assert [squash(n) for n in notice["list_notes"]] == [squash(n) for n in gold["list_notes"]]
    if gold["sheets"] is None:
        assert notice["sheets"] is None
    else:
        assert [{k: s[k] for k in ("name", "position", "read", "items", "stated_count")}
                for s in notice["sheets"]] == gold["sheets"]


def test_title_row_across_the_table_is_the_list_title_not_a_header_level(made, extracted):
    # In Word the title is the table's first row, merged across it.
    for name in ("title_row.docx", "title_row.xlsx"):
        assert extracted[name].notice["profile"] == "power"
        columns = extracted[name].rows["columns"]
        assert [c["label"] for c in columns][:4] == ["序号", "事项名称", "子项名称", "权力类型"]
        title = extracted[name].notice["list_title"]
        assert title == "住房和城乡建设系统区（县）级权责清单指导目录"
        assert len(extracted[name].rows["items"]) == 12


@pytest.mark.parametrize("name", ["merged_label.xlsx", "merged_label.xls", "merged_label.docx"])
def test_label_merged_over_two_columns_without_sub_labels_is_one_label_the_first_item_kept(
        name, made, extracted):
    columns = {c["field"]: c for c in extracted[name].rows["columns"]}
    level = columns["level_authority"]
    assert (level["label"], level["span"]) == ("实施层级及权限", 2)
    assert len(columns) == len(extracted[name].rows["columns"])  # (no second field for it)
    items = extracted[name].rows["items"]
    gold = made[name][1]["items"]
    assert len(items) == len(gold) and items[0]["seq"] == "1"
    assert items[0]["level_authority"] in ("地州市级\n负责本级及区县级以上项目的审批",
                                           "区县级\n负责本行政区域内项目")


def test_sub_labels_under_a_merged_label_join_the_field_one_per_line(extracted):
    columns = {c["field"]: c for c in extracted["sub_labels.xlsx"].rows["columns"]}
    assert (columns["level_authority"]["label"], columns["level_authority"]["span"]) == (
        "实施层级及权限地州市级 | 实施层级及权限负责本级", 2)


@pytest.mark.parametrize("ext", ["xlsx", "xls"])
def test_sheets_by_power_type_are_one_list_with_the_sheet_type_and_stated_counts(ext,
                                                                                extracted):
    got = extracted[f"sheets_by_type.{ext}"]
    items = got.rows["items"]
    assert [i["row"] for i in items] == list(range(1, len(items) + 1))
    sheets = [s for s in got.notice["sheets"] if s["read"]]
    assert [s["name"] for s in sheets] == ["行政许可（4项）", "行政处罚（7项）", "行政检查（4项）"]
    assert [s["items"] for s in sheets] == [4, 6, 4]
    # The list prints no power-type column: each sheet's name states it.
    assert [i["power_type"] for i in items] == (["行政许可"] * 4 + ["行政处罚"] * 6
                                                + ["行政检查"] * 4)
    assert [i["seq"] for i in items] == [str(n) for k in (4, 6, 4) for n in range(1, k + 1)]
    assert got.notice["warnings"] == [
        "sheet '行政处罚（7项）': its name states 7 items, 6 were read (kept as printed)"]
    assert got.notes[-2:] == [
        "the list is on sheets '行政许可（4项）', '行政处罚（7项）', '行政检查（4项）' "
        "(2, 3, 4 of 4)",
        "sheet left out: '填报说明' (no table)"]


def test_sheets_by_level_are_one_list_in_sheet_order(extracted):
    items = extracted["sheets_by_level.xlsx"].rows["items"]
    assert [i["sheet"] for i in items] == ["地州级"] * 5 + ["区县级"] * 5
    assert all(i["power_type"] for i in items)  # (printed in its column)


def test_odd_and_empty_seq_are_kept_as_printed_with_warnings_naming_the_row(made, tmp_path):
    path = made["odd_seqs.xlsx"][0]
    out = tmp_path / "out"
    run_ = hostile.run_cli("extract", path, "--out", out, "--validate", timeout=180)
    assert run_.returncode == 0, run_.stderr
    warnings = [ln for ln in run_.stderr.splitlines() if ln.startswith("warning: ")]
    assert warnings[:4] == [
        f"warning: {path}: sheet '权责清单' row 4: 序号 '2,3' is not one number; kept as printed "
        "(item 2 of the list)",
        f"warning: {path}: sheet '权责清单' row 6: 序号 '5、6' is not one number; kept as printed "
        "(item 4 of the list)",
        f"warning: {path}: sheet '权责清单' row 8: 序号 '8-9' is not one number; kept as printed "
        "(item 6 of the list)",
        f"warning: {path}: sheet '权责清单' row 10: 序号 is empty; the row is kept as an item, "
        "as printed (item 8 of the list)"]
    notice = json.loads((out / "notice.json").read_text(encoding="utf-8"))
    assert notice["warnings"] == [w.split(f"{path}: ", 1)[1] for w in warnings[:4]]
    seqs = [json.loads(ln)["seq"] for ln in _items_json(out)]
    assert seqs == ["1", "2,3", "4", "5、6", "7", "8-9", "10", "", "12", "13", "14", "15"]


def _items_json(out) -> list[str]:
    import pandas as pd

    return pd.read_parquet(out / "items.parquet").to_json(orient="records", lines=True,
                                                          force_ascii=False).splitlines()


def test_odd_seqs_in_word_are_kept_too(extracted):
    got = extracted["odd_seqs.docx"]
    assert len(got.rows["items"]) == 12
    assert got.notice["warnings"][3].startswith("table row 8: 序号 is empty")


@pytest.mark.parametrize("name", ["note_row.xlsx", "note_row.xls", "note_row.docx"])
def test_trailing_note_row_is_a_note_of_the_list_not_an_item(name, extracted):
    got = extracted[name]
    assert len(got.rows["items"]) == 12
    assert [squash(n) for n in got.notice["list_notes"]] == [
        "备注本清单所列事项依据法律法规规章的立改废情况实行动态调整。"]
    assert not any("备注" in (i["item_name"] or "") for i in got.rows["items"])


@pytest.mark.parametrize("name", ["sub_rows.xlsx", "sub_rows.xls", "sub_rows.docx"])
def test_sub_item_rows_under_a_merged_seq_keep_distinct_values_once_and_their_rows(
        name, extracted):
    got = extracted[name]
    item = got.rows["items"][2]
    subs = [s for s in got.rows["sub_items"] if s["row"] == item["row"]]
    assert [s["sub_no"] for s in subs] == [1, 2, 3]
    # a value printed once over the rows (merged) or on every row is one value
    assert "\n" not in item["power_type"] and "\n" not in item["exercising_body"]
    assert item["sub_item_name"].split("\n") == [s["sub_item_name"] for s in subs]
    assert item["sub_item_name"].split("\n")[0].endswith("（新办）")
    assert all(s["item_name"] == item["item_name"] for s in subs)
    assert len({squash(s["basis"]) for s in subs}) == 3


@pytest.mark.parametrize("ext", ["xlsx", "xls"])
def test_hidden_rows_columns_and_sheets_stay_out_named_in_notes(ext, extracted):
    got = extracted[f"hidden.{ext}"]
    assert all("已取消" not in i["item_name"] for i in got.rows["items"])
    assert all(not k.startswith("internal") for k in got.rows["items"][0])
    assert not any("NB-" in str(v) for i in got.rows["items"] for v in i.values())
    assert got.notes[0] == ("sheet '权责清单': hidden row 5 and column B hold text, left out as "
                            "Excel leaves it out of print")
    assert got.notes[-1] == "sheet left out: '旧版清单' (hidden)"
    assert [s["read"] for s in got.notice["sheets"]] == [True, False]


def test_label_variants_name_their_fields(extracted):
    columns = {c["field"]: c["label"] for c in extracted["label_variants.xlsx"].rows["columns"]}
    assert columns["seq"] == "序号"
    assert columns["accountable"] == "追责对象范围"
    assert columns["power_type"] == "权力的类型"
    assert columns["responsibility"] == "责任事项"


def test_extra_columns_get_english_names_from_the_glossary_never_pinyin(extracted):
    got = extracted["extra_columns.xlsx"]
    columns = [(c["field"], c["label"]) for c in got.rows["columns"]]
    assert ("handling_time_limit", "办理时限") in columns
    assert ("fee_basis_and_standard", "收费依据及标准") in columns
    position = next(c["position"] for c in got.rows["columns"] if c["label"] == "备用栏")
    assert (f"column_{position}", "备用栏") in columns
    assert all(f.isascii() for f, _ in columns)
    assert all(i["handling_time_limit"].endswith("个工作日") for i in got.rows["items"])


@pytest.mark.parametrize(("name", "says"), [
    ("binary-named.xlsx", "the name says .xlsx but the content is an old Excel/WPS workbook"),
    ("ooxml-named.xls", "the name says .xls but the content is an Excel workbook (.xlsx)")])
def test_workbook_whose_name_and_content_disagree_is_read_with_a_note(name, says, made,
                                                                      tmp_path):
    run_ = hostile.run_cli("extract", made[name][0], "--out", tmp_path / "o", timeout=180)
    assert run_.returncode == 0, run_.stderr
    assert f"note: {made[name][0]}: {says}" in run_.stderr
    notice = json.loads((tmp_path / "o" / "notice.json").read_text(encoding="utf-8"))
    assert notice["item_count"] == len(made[name][1]["items"])
    assert notice["source_format"] == ("xls" if name.startswith("binary") else "xlsx")


def test_wps_et_files_both_ways_record_their_kind(extracted):
    for name in ("wps-binary.et", "wps-ooxml.et"):
        got = extracted[name]
        assert (got.notice["source_format"], got.notice["profile"]) == ("et", "power")
        assert got.rows["items"][0]["sheet"] == "行政许可（4项）"


def test_everything_at_once_extracts_with_validate_and_warnings(made, tmp_path):
    path = made["everything.xlsx"][0]
    run_ = hostile.run_cli("extract", path, "--out", tmp_path / "o", "--validate", timeout=180)
    assert run_.returncode == 0, run_.stderr
    warnings = [ln for ln in run_.stderr.splitlines() if ln.startswith(f"warning: {path}: ")]
    assert len(warnings) == made["everything.xlsx"][1]["warnings"]
    assert "30 items (profile power), valid" in run_.stderr


def test_word_list_is_read_without_sheets(made, tmp_path):
    plist = make_list(VARIANTS["sub_rows"])
    got = run(write_docx(plist, tmp_path / "w.docx"))
    assert got.notice["sheets"] is None
    assert [i["sheet"] for i in got.rows["items"]] == [None] * 12
    assert score_items(gold_of(plist, sheets=False), got.rows["items"])["chars"] == 1.0


def test_assist_and_csrc_headers_are_not_claimed_by_the_power_profile(tmp_path):
    from pipeline.profiles import load_profiles

    power = load_profiles()["power"]
    assert power.read_header(["序号", "事项名称", "具体内容", "协助工作细化事项", "依据",
                              "主管单位", "备注"]) is None
    assert power.read_header(["门类名称及代码", "行业大类代码", "行业大类名称", "上市公司代码",
                              "上市公司简称"]) is None
    plist = make_list(VARIANTS["title_row"])
    assert run(write_xlsx(plist, tmp_path / "p.xlsx"), profile="generic").notice[
        "profile"] == "generic"


def test_a_basis_cell_the_citation_parser_cannot_read_is_kept_whole_with_a_warning(tmp_path):
    plist = make_list(VARIANTS["title_row"])
    plist.sheets[0].items[4].cells["basis"] = "按照上级有关文件规定执行"
    got = run(write_xlsx(plist, tmp_path / "p.xlsx"))
    unread = [c for c in got.rows["citations"] if not c["parsed"]]
    assert [(c["row"], c["law"], c["article_text"]) for c in unread] == [
        (5, None, "按照上级有关文件规定执行")]
    assert got.notice["warnings"] == [
        "sheet '权责清单', item 5 (序号 '5'), column basis: the citation parser could not read "
        "the cell; kept whole in citations.article_text"]
