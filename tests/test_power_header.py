"""Headers of lists by other hands (issue 18), on page models built by hand
(``readers.cells.layout_table``: what the Word, Excel and web readers give, and what a
ruled PDF's grid gives): a title row across the table, a label merged over columns
without sub-labels, the first item's 序号 empty, a list over several tables (sheets)
with other tables between; and the profile's names for labels by other hands.
"""

from __future__ import annotations

import pytest

from pipeline.profiles import load_profiles
from pipeline.readers.cells import GridCell, layout_table
from pipeline.table.clean import clean_items
from pipeline.table.header import drop_headers
from pipeline.table.notice import read_notice
from pipeline.table.stitch import stitch_rows

TITLE = "住房和城乡建设系统区（县）级权责清单指导目录"


def _table(rows: list[list], number: int = 1, spans: dict | None = None):
    """A page of one table: ``rows`` of cell texts (None: covered by a span);
    ``spans[(r, c)] = (rowspan, colspan)``."""
    spans = spans or {}
    cells = [GridCell(r, c, *spans.get((r, c), (1, 1)), text.split("\n"))
             for r, row in enumerate(rows) for c, text in enumerate(row) if text is not None]
    return layout_table(cells, number)


def _profiles(*names):
    profiles = load_profiles()
    return [profiles[n] for n in names]


def _read(pages, *names, paginated=False):
    table = drop_headers(pages, _profiles(*names), paginated=paginated)
    items = clean_items(stitch_rows(table), table)
    return table, items


# --------------------------------------------------------------------------- a title row

CLASSES = [["门类", "行业代码", "行业名称"], ["农业", "01", "农业"], ["农业", "02", "林业"],
           ["制造业", "13", "农副食品加工业"]]


def test_generic_title_row_inside_the_table_is_the_list_title_not_part_of_every_label():
    page = _table([[TITLE, None, None], *CLASSES], spans={(0, 0): (1, 3)})
    table, items = _read([page], "generic")
    assert [c.label for c in table.columns] == ["门类", "行业代码", "行业名称"]
    assert len(items) == 3
    assert read_notice([page], table, paginated=False)["list_title"] == TITLE


def test_power_title_row_inside_the_table_is_the_list_title():
    page = _table([[TITLE, None, None, None, None],
                   ["序号", "事项名称", "权力类型", "实施依据", "追责情形"],
                   ["1", "建筑工程施工许可", "行政许可", "《中华人民共和国建筑法》", "因不履行……"]],
                  spans={(0, 0): (1, 5)})
    table, items = _read([page], "assist", "power", "generic")
    assert table.profile.name == "power"
    assert [c.field for c in table.columns] == ["seq", "item_name", "power_type", "basis",
                                                "accountability"]
    assert items[0]["item_name"] == "建筑工程施工许可"
    assert read_notice([page], table, paginated=False)["list_title"] == TITLE


# --------------------------------------------------------------------------- merged labels

def test_generic_label_merged_over_two_columns_without_sub_labels_keeps_the_first_row_an_item():
    # No 序号: the header is found by its spans, and the row under a merged label
    # with nothing under it in those columns alone is the first item, not sub-labels.
    page = _table([["事项", "实施层级及权限", None, "备注"],
                   ["建筑工程施工许可", "地州市级", "负责本级", "无"],
                   ["商品房预售许可", "区县级", "负责本区域", ""]],
                  spans={(0, 1): (1, 2)})
    table, items = _read([page], "generic")
    assert len(items) == 2
    assert items[0]["name"] == "建筑工程施工许可"
    assert [c.label for c in table.columns] == ["事项", "实施层级及权限", "实施层级及权限", "备注"]


def test_generic_sub_labels_under_a_merged_label_are_still_the_header():
    page = _table([["事项", "实施层级及权限", None, "备注"],
                   [None, "层级", "权限", None],
                   ["建筑工程施工许可", "地州市级", "负责本级", "无"]],
                  spans={(0, 1): (1, 2), (0, 0): (2, 1), (0, 3): (2, 1)})
    table, items = _read([page], "generic")
    assert len(items) == 1
    assert [c.label for c in table.columns][1:3] == ["实施层级及权限层级", "实施层级及权限权限"]


def test_power_header_ends_at_its_labels_when_the_first_items_seq_is_empty():
    page = _table([["序号", "事项名称", "权力类型", "实施层级及权限", None],
                   ["", "建筑工程施工许可", "行政许可", "地州市级", "负责本级"],
                   ["2", "商品房预售许可", "行政许可", "区县级", "负责本区域"]],
                  spans={(0, 3): (1, 2)})
    table, items = _read([page], "power")
    assert [(c.field, c.span) for c in table.columns] == [
        ("seq", 1), ("item_name", 1), ("power_type", 1), ("level_authority", 2)]
    assert [i["seq"] for i in items] == ["", "2"]
    assert items[0]["level_authority"] == "地州市级\n负责本级"
    assert table.warnings == ["table row 1: 序号 is empty; the row is kept as an item, as "
                              "printed (item 1 of the list)"]


# --------------------------------------------------------------------------- tables

HEADER = ["序号", "事项名称", "权力类型", "追责情形"]


def test_a_list_over_several_tables_skips_a_table_of_another_header_between():
    first = _table([HEADER, ["1", "甲许可", "行政许可", "情形"],
                    ["2", "乙许可", "行政许可", "情形"]])
    other = _table([["单位", "联系人", "电话"], ["市局", "张三", "123"]], 2)
    again = _table([HEADER, ["1", "丙处罚", "行政处罚", "情形"]], 3)
    table, items = _read([first, other, again], "power")
    assert table.pages == [1, 3]
    assert [(i["row"], i["seq"], i["item_name"]) for i in items] == [
        (1, "1", "甲许可"), (2, "2", "乙许可"), (3, "1", "丙处罚")]


def test_a_row_atop_a_sheet_never_continues_the_previous_sheets_item():
    first = _table([HEADER, ["1", "甲许可", "行政许可", "情形"]])
    second = _table([HEADER, ["", "乙处罚", "行政处罚", "情形"]], 2)
    table = drop_headers([first, second], _profiles("power"), paginated=False)
    table.page_names = {1: "许可", 2: "处罚"}
    items = clean_items(stitch_rows(table), table)
    assert [(i["sheet"], i["seq"], i["item_name"]) for i in items] == [
        ("许可", "1", "甲许可"), ("处罚", "", "乙处罚")]


# --------------------------------------------------------------------------- labels

@pytest.mark.parametrize(("labels", "fields"), [
    (["序  号", "职权\n名称", "职权类别", "设定依据", "责任事项", "追责对\n象范围", "追责情形"],
     ["seq", "item_name", "power_type", "basis", "responsibility", "accountable",
      "accountability"]),
    (["序号", "项目", "子项", "权力的类型", "实施主体", "承办机构", "责任事项与依据", "备注"],
     ["seq", "item_name", "sub_item_name", "power_type", "exercising_body", "undertaking_unit",
      "responsibility_basis", "remarks"]),
    (["序号", "职权编码", "权力事项", "部门职责", "责任事项内容", "问责情形", "救济渠道"],
     ["seq", "power_code", "item_name", "duty", "responsibility", "accountability", "remedy"]),
])
def test_power_label_variants_name_their_fields(labels, fields):
    columns = load_profiles()["power"].read_header(labels)
    assert [c.field for c in columns] == fields


@pytest.mark.parametrize(("label", "name"), [
    ("办理时限", "handling_time_limit"), ("收费依据及标准", "fee_basis_and_standard"),
    ("法定时限", "statutory_time_limit"), ("运行流程图", "operation_flow_chart"),
    ("是否网上可办", "whether_online_available"),
    ("风险点及防控措施", "risk_points_and_control_measures"),
    ("备用栏", "column_4"), ("Ｘ栏", "column_4")])
def test_power_extra_columns_are_named_from_the_glossary_never_pinyin(label, name):
    # (实施依据 is the basis: a second 依据 column is a column of its own)
    columns = load_profiles()["power"].read_header(["事项名称", "权力类型", "实施依据", label])
    assert columns[-1].field == name
    assert columns[-1].label == label


def test_a_profile_with_an_unknown_field_in_requires_is_refused(tmp_path):
    import json

    from pipeline.errors import PipelineError
    from pipeline.profiles import PROFILE_DIR

    data = json.loads((PROFILE_DIR / "power.json").read_text(encoding="utf-8"))
    data["requires"] = [["item_name", "no_such_field"]]
    (tmp_path / "p.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PipelineError, match="no_such_field"):
        load_profiles(tmp_path)


# --------------------------------------------------------------------------- notes

def test_generic_trailing_note_row_is_a_note_of_the_list_not_an_item():
    page = _table([["序号", "证明名称", "开具单位"], ["1", "居住证明", "派出所"],
                   ["2", "亲属关系证明", "派出所"], ["备注", "本清单以外的证明一律取消。", None]],
                  spans={(3, 1): (1, 2)})
    table, items = _read([page], "assist", "generic")
    assert [i["seq"] for i in items] == [1, 2]
    assert read_notice([page], table, paginated=False)["list_notes"] == [
        "备注 本清单以外的证明一律取消。"]
    assert table.warnings == []
