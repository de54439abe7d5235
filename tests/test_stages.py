"""Each stage on small hand-built pages: tables, headers, stitching, line joining."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.errors import LayoutError
from pipeline.model import Line, RawItem
from pipeline.readers.grid import find_tables
from pipeline.table.clean import clean_items
from pipeline.table.header import drop_headers
from pipeline.table.stitch import stitch_rows
from tests.pages import ASSIST, char, chars_of, grid_page

# 7 columns: 序号 | 事项名称 | 具体内容 | 协助工作细化事项 | 依据 | 主管单位 | 备注
XS = [20, 60, 160, 260, 460, 560, 640, 680]
HEADER = {(0, 0): "序号", (0, 1): "上级文件", (0, 3): "协助工作细化事项", (0, 4): "依据",
          (0, 5): "主管单位", (0, 6): "备注", (1, 1): "事项名称", (1, 2): "具体内容"}
# Header: two bands; "上级文件" spans 事项名称 and 具体内容; the rule under it spans
# those two columns only, so 序号 and the others span both bands.
HEADER_SPANS = {(0, 1): 2}
HEADER_SPLIT = {1: (1, 3)}


def list_page(number, body, ys_body, *, header=True, undrawn=(), outside=()):
    """A list page: the two-level header (if any) above body rows ``body[(r, c)]``."""
    texts, spans, split, ys = {}, {}, {}, [40.0]
    offset = 0
    if header:
        texts.update(HEADER)
        spans.update(HEADER_SPANS)
        split.update(HEADER_SPLIT)
        ys += [70.0, 100.0]
        offset = 2
    ys += ys_body
    texts.update({(r + offset, c): t for (r, c), t in body.items()})
    undrawn_h = {len(ys) - len(ys_body) - 1 + i for i in undrawn}
    return grid_page(number, XS, ys, texts, spans=spans, undrawn_h=undrawn_h,
                     split_h=split, outside=list(outside))


def item_cells(seq, name, tasks="1.任务", basis="《某法》第一条", dept="民政部门"):
    return {0: seq, 1: name, 2: "内容。", 3: tasks, 4: basis, 5: dept}


def body(rows):
    return {(r, c): t for r, cells in enumerate(rows) for c, t in cells.items() if t}


# --- tables ---------------------------------------------------------------------

def test_tables_find_rows_and_two_level_header():
    page = list_page(1, body([item_cells("1", "甲"), item_cells("2", "乙")]), [160, 220])
    layout = find_tables(page)
    assert len(layout.columns) == 7
    assert len(layout.rows) == 3  # the two header bands are one row: 序号 spans both
    spans = {(c.col0, c.col1): c.text for c in layout.rows[0].cells}
    assert spans[(1, 3)] == "上级文件"
    assert spans[(1, 2)] == "事项名称" and spans[(2, 3)] == "具体内容"
    assert layout.rows[1].column_text(1) == "甲"


def test_tables_last_row_without_bottom_rule_is_closed_by_the_rules_end():
    # Browsers leave out the bottom border of a row cut by a page break.
    page = list_page(1, body([item_cells("1", "甲"), item_cells("2", "乙")]), [160, 220],
                     undrawn=[2])
    layout = find_tables(page)
    assert [r.column_text(1) for r in layout.rows[1:]] == ["甲", "乙"]


def test_tables_first_row_without_top_rule_is_closed_by_the_rules_start():
    page = list_page(2, body([item_cells("", "", tasks="续行"), item_cells("3", "丙")]),
                     [100, 160], header=False, undrawn=[0])
    layout = find_tables(page)
    assert [r.column_text(3) for r in layout.rows] == ["续行", "1.任务"]


def test_tables_fake_bold_and_stray_spaces_are_dropped_latin_words_keep_one_space():
    page = list_page(1, body([item_cells("1", "甲")]), [160])
    x, y = XS[6] + 2, 100 + 2
    page.chars += [char("备", x, y), char("备", x + 0.3, y + 0.2),  # drawn twice
                   char(" ", x + 10, y), char("注", x + 12, y)]
    page.chars += chars_of("QQ", XS[3] + 2, 130) + chars_of("APP", XS[3] + 27, 130)
    layout = find_tables(page)
    assert layout.rows[1].column_text(6) == "备注"
    assert [ln.text for ln in layout.rows[1].column_lines(3)] == ["1.任务", "QQ APP"]


def test_tables_text_beside_the_table_is_an_error_naming_the_page():
    page = list_page(4, body([item_cells("1", "甲")]), [160])
    page.chars += chars_of("旁注", XS[-1] + 20, 120)
    with pytest.raises(LayoutError, match=r"page 4.*beside the table"):
        find_tables(page)


def test_tables_page_without_rules_has_no_table_and_keeps_its_text():
    page = grid_page(1, [], [], {}, outside=[("关于印发清单的通知", 50, 50)])
    layout = find_tables(page)
    assert not layout.has_table
    assert [ln.text for ln in layout.outside] == ["关于印发清单的通知"]


def test_tables_short_line_marks_a_paragraph_end():
    full = "一二三四五六七八九十一二三四五六七八九"  # 19 characters: fills the column
    page = list_page(1, body([item_cells("1", "甲", tasks=f"{full}\n完。\n{full}")]), [200])
    lines = find_tables(page).rows[1].column_lines(3)
    assert [ln.short for ln in lines] == [False, True, False]


# --- header --------------------------------------------------------------------

def test_header_repeated_on_every_page_is_dropped_and_columns_mapped():
    p1 = find_tables(list_page(1, body([item_cells("1", "甲")]), [160]))
    p2 = find_tables(list_page(2, body([item_cells("2", "乙")]), [160]))
    table = drop_headers([p1, p2])
    assert table.fields == {"seq": 0, "name": 1, "content": 2, "tasks_text": 3,
                            "basis_text": 4, "department_text": 5, "remarks": 6}
    assert [f.column_text(1) for f in table.fragments] == ["甲", "乙"]
    assert table.pages == [1, 2]


def test_header_printed_once_keeps_every_body_row():
    p1 = find_tables(list_page(1, body([item_cells("1", "甲")]), [160]))
    p2 = find_tables(list_page(2, body([item_cells("2", "乙"), item_cells("3", "丙")]),
                               [100, 160], header=False))
    table = drop_headers([p1, p2])
    assert [f.column_text(0) for f in table.fragments] == ["1", "2", "3"]


def test_header_columns_in_another_order_are_mapped_by_label():
    swapped = {**HEADER, (0, 3): "依据", (0, 4): "协助工作细化事项"}
    page = grid_page(1, XS, [40, 70, 100, 160], {**swapped, (2, 0): "1", (2, 1): "甲"},
                     spans=HEADER_SPANS, split_h=HEADER_SPLIT)
    table = drop_headers([find_tables(page)])
    assert table.fields["basis_text"] == 3 and table.fields["tasks_text"] == 4


def test_header_missing_uses_the_default_column_order():
    page = list_page(1, body([item_cells("1", "甲")]), [100], header=False)
    table = drop_headers([find_tables(page)])
    assert table.fields["department_text"] == 5


def test_header_other_column_count_on_a_later_page_is_an_error():
    p1 = find_tables(list_page(1, body([item_cells("1", "甲")]), [160]))
    narrow = grid_page(2, XS[:-1], [40, 100], {(0, 0): "2", (0, 1): "乙"})
    with pytest.raises(LayoutError, match=r"page 2.*6 columns, expected 7"):
        drop_headers([p1, find_tables(narrow)])


def test_header_without_pages_a_later_table_of_its_own_ends_the_list():
    # Word, Excel and web documents: one page of the model per table.  A table of
    # related documents (other width) or another list (other header) is not the list.
    p1 = find_tables(list_page(1, body([item_cells("1", "甲")]), [160]))
    related = find_tables(grid_page(2, [20, 60, 300, 400], [40, 70],
                                    {(0, 0): "1", (0, 1): "关于某事的通知", (0, 2): "2019"}))
    table = drop_headers([p1, related], paginated=False)
    assert [f.column_text(1) for f in table.fragments] == ["甲"]
    other = grid_page(3, XS, [40, 70, 100], {(0, 0): "编号", (0, 1): "名称", (1, 0): "1",
                                              (1, 1): "乙"})
    table = drop_headers([p1, find_tables(other)], paginated=False)
    assert [f.column_text(1) for f in table.fragments] == ["甲"]


def test_header_without_pages_a_list_split_in_two_tables_goes_on():
    p1 = find_tables(list_page(1, body([item_cells("1", "甲")]), [160]))
    p2 = find_tables(list_page(2, body([item_cells("2", "乙")]), [160]))
    p3 = find_tables(list_page(3, body([item_cells("3", "丙")]), [100], header=False))
    table = drop_headers([p1, p2, p3], paginated=False)
    assert [f.column_text(1) for f in table.fragments] == ["甲", "乙", "丙"]


def test_header_generic_merged_category_list_beats_a_small_unmerged_table():
    # A contact table of three rows (three fragments) before the list, whose category
    # cell is merged over its five rows (one fragment of five bands): the most body
    # rows win, not the most fragments.
    contacts = grid_page(1, [20, 200, 400], [40, 70, 100, 130, 160],
                         {(0, 0): "联系人", (0, 1): "联系电话", (1, 0): "张三",
                          (1, 1): "12345", (2, 0): "李四", (2, 1): "23456", (3, 0): "王五",
                          (3, 1): "34567"})
    rows = {(0, 0): "门类", (0, 1): "行业名称", (0, 2): "行业代码", (1, 0): "制造业"}
    rows.update({(r, c): t for r in range(1, 6)
                 for c, t in ((1, f"第{r}类行业"), (2, f"{r + 12}"))})
    listing = grid_page(2, [20, 120, 320, 420], [40, 70, 100, 130, 160, 190, 220], rows,
                        split_h={i: (1, 3) for i in range(2, 6)})
    pages = [find_tables(contacts), find_tables(listing)]
    assert [len(p.rows) for p in pages] == [4, 2]  # header + 3 rows; header + 1 fragment
    table = drop_headers(pages)
    assert table.profile.name == "generic"
    assert table.header == ["门类", "行业名称", "行业代码"]
    assert table.pages == [2]
    assert [f.nbands for f in table.fragments] == [5]


def test_header_no_list_table_is_an_error():
    page = grid_page(1, [20, 100, 200], [40, 80], {(0, 0): "甲", (0, 1): "乙"})
    with pytest.raises(LayoutError, match="no table with the list's columns"):
        drop_headers([find_tables(page)])


# --- stitch --------------------------------------------------------------------

def two_pages(first_rows, second_rows, *, undrawn_first=(), undrawn_second=()):
    ys1 = [160 + 60 * i for i in range(len(first_rows))]
    ys2 = [160 + 60 * i for i in range(len(second_rows))]
    p1 = find_tables(list_page(1, body(first_rows), ys1, undrawn=undrawn_first))
    p2 = find_tables(list_page(2, body(second_rows), ys2, undrawn=undrawn_second))
    return stitch_rows(drop_headers([p1, p2]))


def test_stitch_row_cut_by_a_page_break_continues_every_cell():
    items = two_pages([item_cells("1", "甲"), item_cells("2", "协助做", tasks="1.开展")],
                      [{3: "宣传", 4: "第二条", 1: "好工作"}, item_cells("3", "丙")])
    assert [i.seq_text for i in items] == ["1", "2", "3"]
    second = items[1]
    assert (second.page_start, second.page_end) == (1, 2)
    assert "".join(ln.text for ln in second.lines["tasks_text"]) == "1.开展宣传"
    assert "".join(ln.text for ln in second.lines["name"]) == "协助做好工作"


def test_stitch_repeated_seq_on_the_next_page_is_a_continuation():
    items = two_pages([item_cells("1", "甲")], [{0: "1", 3: "续"}, item_cells("2", "乙")])
    assert [i.seq_text for i in items] == ["1", "2"]
    assert items[0].page_end == 2


def test_stitch_cell_that_starts_on_the_next_page_joins_its_row():
    # The name cell is pushed whole onto the next page; its 序号 stays behind.
    items = two_pages([item_cells("1", "甲"), {0: "2"}], [{1: "乙", 3: "1.任务"}])
    assert items[1].seq_text == "2"
    assert "".join(ln.text for ln in items[1].lines["name"]) == "乙"
    assert (items[1].page_start, items[1].page_end) == (1, 2)


def test_stitch_seq_printed_on_the_next_page_fills_the_item_begun_before():
    items = two_pages([item_cells("1", "甲"), {1: "乙", 3: "1.任"}], [{0: "2", 3: "务"}])
    assert [i.seq_text for i in items] == ["1", "2"]
    assert "".join(ln.text for ln in items[1].lines["tasks_text"]) == "1.任务"


def test_stitch_row_without_seq_in_mid_page_is_an_item_warned_naming_page_and_row():
    ys = [160 + 60 * i for i in range(3)]
    p1 = find_tables(list_page(1, body([item_cells("1", "甲"), item_cells("", "乙"),
                                        item_cells("3", "丙")]), ys))
    p2 = find_tables(list_page(2, body([item_cells("4", "丁")]), [160]))
    table = drop_headers([p1, p2])
    items = stitch_rows(table)
    assert [i.seq_text for i in items] == ["1", "", "3", "4"]
    rows = clean_items(items, table)
    assert [(r["seq"], r["seq_text"], r["name"]) for r in rows] == [
        (1, "1", "甲"), (None, "", "乙"), (3, "3", "丙"), (4, "4", "丁")]
    assert table.warnings == ["page 1, row 2: 序号 is empty; the row is kept as an item, as "
                              "printed (item 2 of the list)"]


# --- clean ---------------------------------------------------------------------

def raw(**fields):
    lines = {name: [Line(t, 0, 100 if t.endswith("~") else 190, 0, 10)
                    for t in text.split("|")] for name, text in fields.items()}
    for ls in lines.values():
        for ln in ls:
            ln.short = ln.text.endswith("~")
            ln.text = ln.text.rstrip("~")
    return RawItem("1", lines, 1, 1)


def test_clean_joins_wrapped_lines_and_keeps_breaks_before_sub_items_and_citations():
    item = raw(name="协助做好|工作", content="第一段内|容。~|第二段。",
               tasks_text="1.协助开展《居住证|暂行条例》宣传。|①开展登记|工作。|2.其他",
               basis_text="《居住证暂行条|例》第七条、第八|条|《重庆市居住证|实施办法》第五条",
               department_text="生态环|境、公|安部门", remarks="")
    row = clean_items([item], ASSIST)[0]
    assert row["name"] == "协助做好工作"
    assert row["content"] == "第一段内容。\n第二段。"
    assert row["tasks_text"] == "1.协助开展《居住证暂行条例》宣传。\n①开展登记工作。\n2.其他"
    assert row["basis_text"] == "《居住证暂行条例》第七条、第八条\n《重庆市居住证实施办法》第五条"
    assert row["department_text"] == "生态环境、公安部门"


def test_clean_maps_substituted_radicals_and_keeps_printed_punctuation():
    item = raw(name="协助做好⽣活⼯作", content="（１）①，", tasks_text="1.任务",
               basis_text="《某法》", department_text="⺠政部门", remarks="")
    row = clean_items([item], ASSIST)[0]
    assert row["name"] == "协助做好生活工作"
    assert row["content"] == "（１）①，"
    assert row["department_text"] == "民政部门"


def test_clean_latin_words_across_a_wrap_keep_a_space():
    item = raw(name="甲", content="通过QQ|APP报送", tasks_text="1.任务", basis_text="《某法》",
               department_text="部门", remarks="")
    assert clean_items([item], ASSIST)[0]["content"] == "通过QQ APP报送"


def test_clean_seq_that_is_not_one_number_is_kept_as_printed_with_a_warning():
    items = []
    for text in ("一", "2,3", "4-5"):
        item = raw(name="甲", content="乙", tasks_text="1.任务", basis_text="《某法》",
                   department_text="部门", remarks="")
        item.seq_text = text
        items.append(item)
    table = dataclasses.replace(ASSIST, warnings=[])
    rows = clean_items(items, table)
    assert [(r["seq"], r["seq_text"]) for r in rows] == [(None, "一"), (2, "2,3"), (4, "4-5")]
    assert table.warnings == [
        "page 1, row 0: 序号 '一' is not one number; kept as printed (item 1 of the list)",
        "page 1, row 0: 序号 '2,3' is not one number; kept as printed (item 2 of the list; "
        "seq 2: its first number)",
        "page 1, row 0: 序号 '4-5' is not one number; kept as printed (item 3 of the list; "
        "seq 4: its first number)"]


# --- bugs found by the layout generator (tests/render), one fixture each ------------

def test_turned_page_number_beside_the_table_is_furniture():
    # rl-turned-page-numbers: landscape pages number themselves up the right edge.
    page = list_page(3, body([item_cells("1", "甲")]), [160])
    page.chars += [{**char(t, XS[-1] + 40, 120 + 12 * i), "upright": False}
                   for i, t in enumerate("—3—")]
    layout = find_tables(page)
    assert "".join(ln.text for ln in layout.outside) == "—3—"
    assert layout.rows[1].column_text(1) == "甲"


def test_running_header_across_rules_that_run_on_above_the_page_is_furniture():
    # chromium-rules-above-page: a cut row's rules start above the page and pass
    # through the running header; no rule closes them at the top.
    page = list_page(6, body([item_cells("9", "甲")]), [160], header=False, undrawn=[0])
    page.chars += chars_of("重庆市民政局文件", XS[0] + 5, 60)  # crosses two column rules
    layout = find_tables(page)
    assert "重庆市民政局文件" in [ln.text for ln in layout.outside]
    assert layout.rows[0].column_text(0) == "9"


def test_header_printed_once_then_a_row_continued_on_a_page_without_header():
    # chromium-continuation-top: the header is on page 3 alone (row 1 kept whole
    # moves to page 4); page 5 opens with the rest of row 1's tasks, no header.
    p3 = find_tables(list_page(3, {}, [], outside=()))
    p4 = find_tables(list_page(4, body([item_cells("1", "甲")]), [160], header=False))
    p5 = find_tables(list_page(5, body([{3: "4.续行"}, item_cells("2", "乙")]), [100, 160],
                               header=False))
    items = stitch_rows(drop_headers([p3, p4, p5]))
    assert [i.seq_text for i in items] == ["1", "2"]
    assert [ln.text for ln in items[0].lines["tasks_text"]] == ["1.任务", "4.续行"]


def test_header_cut_by_a_page_break_is_joined_by_column_extent():
    # soffice-header-split: 序号…备注 at the foot of page 1 (six columns: the
    # spanning cell has no rule under it there), 事项名称/具体内容 atop page 2.
    top_row = {(0, 0): "序号", (0, 1): "上级文件", (0, 3): "协助工作细化事项", (0, 4): "依据",
               (0, 5): "主管单位", (0, 6): "备"}
    p1 = find_tables(grid_page(1, XS, [500, 530], top_row, spans={(0, 1): 2}))
    assert len(p1.columns) == 6
    p2 = find_tables(grid_page(2, XS, [40, 70, 130],
                               {(0, 1): "事项名称", (0, 2): "具体内容", (0, 6): "注",
                                **{(1, c): t for c, t in item_cells("1", "甲").items()}}))
    table = drop_headers([p1, p2])
    assert table.fields["name"] == 1 and table.fields["content"] == 2
    assert table.fields["remarks"] == 6
    assert [f.column_text(1) for f in table.fragments] == ["甲"]


@pytest.mark.parametrize("printed, number", [("12", 12), ("１２", 12), ("12.", 12),
                                              ("12、", 12), ("（12）", 12), ("(3)", 3)])
def test_seq_printed_with_marks_or_full_width_digits_is_read(printed, number):
    items = two_pages([item_cells(printed, "甲")], [item_cells("13", "乙")])
    assert clean_items(items, ASSIST)[0]["seq"] == number


def test_seq_wrapped_across_a_page_break_is_joined():
    # rl-seq-mark-wraps / docx-seq-digits-wrap: "3、" wraps as "3" | "、", "11．" as
    # "1" | "1．", and the page breaks between the two lines.
    items = two_pages([item_cells("2", "甲"), item_cells("3", "乙")], [{0: "、", 3: "续"}])
    assert [clean_items(items, ASSIST)[i]["seq"] for i in range(len(items))] == [2, 3]
    items = two_pages([item_cells("10", "甲"), item_cells("1", "乙")], [{0: "1．", 3: "续"}])
    assert [row["seq"] for row in clean_items(items, ASSIST)] == [10, 11]
