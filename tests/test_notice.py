"""The notice's own facts, read from the text around the table."""

from __future__ import annotations

from pipeline.model import Line, ListTable, PageLayout
from pipeline.table.notice import read_notice


def page(number, texts, *, table_top=None):
    lines = [Line(t, 50, 400, 60 + 20 * i, 12) for i, t in enumerate(texts)]
    columns = [(0, 1)] if table_top is not None else []
    return PageLayout(number, columns, [], lines, table_top)


def table(pages=(3,), header="序号\n渝府办发〔2019〕23号\n事项名称"):
    return ListTable({}, [], [], list(pages), header)


NOTICE = ["重庆市民政局", "中共重庆市委政法委员会", "关于印发《某某清单》", "的通知",
          "渝民发〔2021〕6 号", "各区县民政局：", "现印发给你们（渝府办发〔2019〕23号）。",
          "附件：某某清单", "重庆市民政局", "中共重庆市委政法委员会", "2021年2月10日"]


def test_notice_facts_from_the_pages_before_the_table():
    pages = [page(1, NOTICE), page(3, ["附件", "某某清单"], table_top=200)]
    notice = read_notice(pages, table())
    assert notice == {"doc_no": "渝民发〔2021〕6号", "date": "2021-02-10",
                      "title": "关于印发《某某清单》的通知",
                      "issuers": ["重庆市民政局", "中共重庆市委政法委员会"],
                      "list_title": "某某清单", "parent_doc_no": "渝府办发〔2019〕23号",
                      "list_notes": []}


def test_issuers_side_by_side_are_split_and_a_red_head_loses_its_wen_jian():
    pages = [page(1, ["重庆市民政局文件", "关于印发《某某清单》的通知", "二〇二三年六月三十日"]),
             page(2, ["重庆市民政局 重庆市公安局"], table_top=300)]
    notice = read_notice(pages, table(pages=(2,)))
    assert notice["issuers"] == ["重庆市民政局"]
    assert notice["date"] == "2023-06-30"
    side = [page(1, ["重庆市民政局   重庆市公安局", "关于印发《某某清单》的通知"]),
            page(2, [], table_top=300)]
    assert read_notice(side, table(pages=(2,)))["issuers"] == ["重庆市民政局", "重庆市公安局"]


def test_issuers_from_the_signature_when_the_title_opens_the_notice():
    lines = ["关于印发《某某清单》的通知", "各单位：", "现印发。", "重庆市民政局", "重庆市公安局",
             "2021年2月10日"]
    notice = read_notice([page(1, lines), page(2, [], table_top=300)], table(pages=(2,)))
    assert notice["issuers"] == ["重庆市民政局", "重庆市公安局"]


def test_attachment_alone_has_no_notice_facts():
    pages = [page(1, ["某某清单"], table_top=200), page(2, [], table_top=50)]
    notice = read_notice(pages, table(pages=(1, 2), header="序号\n事项名称"))
    assert notice == {"doc_no": None, "date": None, "title": None, "issuers": [],
                      "list_title": "某某清单", "parent_doc_no": None, "list_notes": []}


def test_running_header_and_page_numbers_are_not_notice_text():
    pages = [page(1, ["重庆市民政局规范性文件", *NOTICE, "— 1 —"]),
             page(2, ["重庆市民政局规范性文件", "附件", "某某清单", "— 2 —"], table_top=200)]
    notice = read_notice(pages, table(pages=(2,)))
    assert notice["issuers"] == ["重庆市民政局", "中共重庆市委政法委员会"]
    assert notice["list_title"] == "某某清单"
