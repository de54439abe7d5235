"""Saved web pages: every generated page extracts to its gold, and the reader's rules.

End to end (the CLI, as a user runs it): each page of ``tests.formats.web``
for the 2021 and 2023 lists extracts with score 1.0 (tests/fixtures/shared/
score.py), notice.json carries the page's doc number and date where it prints
them and ``source_format`` "html", and a 2021 page's extraction diffs against
raw/notice-2021.pdf's as no changes.  The page whose list is only an
attachment link fails with one "no table" line.

In process: charset (BOM, declaration, detection, a wrong declaration), the
HTML table model (occupied slots, rowspan=0, clamped spans), what a reader
sees inside a cell (blocks, <br>, &nbsp;, hidden text), which tables are list
candidates, and the notice facts of an info table.
"""

from __future__ import annotations

import functools

import pytest

from pipeline.errors import InputError, LayoutError
from pipeline.readers.sniff import detect_format
from pipeline.readers.web import read_web
from pipeline.table.notice import read_notice
from tests import hostile
from tests.formats import extract_notice
from tests.formats.web import ATTACHMENT_ONLY, VARIANTS, WebVariant, make_page, write_page
from tests.goldtables import GOLD_2021, GOLD_2023, csv_rows, load_gold, score_module

GOLDS = {"2021": GOLD_2021, "2023": GOLD_2023}


@functools.cache
def _gold(year: str) -> dict:
    return load_gold(GOLDS[year])


@pytest.mark.parametrize("year", sorted(GOLDS))
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_generated_page_extracts_to_its_gold(name, year, tmp_path, request):
    variant = VARIANTS[name]
    gold = _gold(year)
    page = write_page(gold, variant, tmp_path / f"{name}.html")
    out = tmp_path / "out"
    notice = extract_notice(page, out)
    result = score_module().score(gold, out)
    assert result["score"] == 1.0, {k: v for k, v in result.items() if v}
    assert notice["source_format"] == "html"
    assert notice["item_count"] == len(gold["items"])
    assert notice["page_count"] == 1 and notice["table_pages"] is None
    assert notice["list_title"] == gold["notice"]["list_title"]
    # The parent notice's number heads the two-level header only.
    assert notice["parent_doc_no"] == (gold["notice"]["parent_doc_no"] if variant.header == 2
                                       else None)
    if variant.site == "word":  # the attachment alone: no notice text
        assert notice["doc_no"] is None and notice["date"] is None
    else:  # in the article, or only in the info table (label：value)
        assert notice["doc_no"] == gold["notice"]["doc_no"]
        assert notice["date"] == gold["notice"]["date"]
        assert notice["title"] == gold["notice"]["title"]
    items = csv_rows(out / "items.csv")
    assert all(r["page_start"] == "" and r["page_end"] == "" for r in items)
    if year == "2021":
        diff = tmp_path / "diff"
        pdf = request.getfixturevalue("pdf_2021")
        run = hostile.run_cli("diff", pdf, out, "--out", diff, timeout=120)
        assert run.returncode == 0, run.stderr
        assert csv_rows(diff / "changes.csv") == []
        assert csv_rows(diff / "detail_changes.csv") == []


def test_page_with_the_list_only_as_an_attachment_link_fails_with_no_table(tmp_path):
    page = write_page(_gold("2021"), ATTACHMENT_ONLY, tmp_path / "notice.html")
    out = tmp_path / "out"
    run = hostile.run_cli("extract", page, "--out", out, timeout=120)
    assert run.returncode == 1
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {page}: no table in the page"), lines
    assert "细化清单.docx" in lines[0]  # the hint names the attachment to fetch instead
    assert not out.exists()


# --------------------------------------------------------------------------- in process

def _write(tmp_path, body: str | bytes, name: str = "p.html"):
    path = tmp_path / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return path


def _cells(doc, page: int = 0):
    """{(row, col): [lines]} of a page, rows numbered across fragments and bands."""
    out, base = {}, 0
    for frag in doc.pages[page].rows:
        for c in frag.cells:
            out[(base + c.band0, c.col0)] = [ln.text for ln in c.lines]
        base += frag.nbands
    return out


TABLE = "<table><tr><td>甲</td><td>乙</td></tr><tr><td>丙</td><td>丁</td></tr></table>"


@pytest.mark.parametrize("variant", ["gb2312-meta", "undeclared", "bom"])
def test_gb18030_and_utf8_pages_decode_to_the_same_text(variant, tmp_path):
    gold = _gold("2021")
    v = {"gb2312-meta": WebVariant(encoding="gb18030", declared="gb2312"),
         "undeclared": WebVariant(encoding="gb18030", declared=None),
         "bom": WebVariant(declared=None, bom=True)}[variant]
    want = read_web(write_page(gold, WebVariant(), tmp_path / "utf8.html"))
    got = read_web(write_page(gold, v, tmp_path / "other.html"))
    assert [_cells(got, i) for i in range(len(got.pages))] == \
        [_cells(want, i) for i in range(len(want.pages))]
    assert got.notes == []


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_pages_with_or_without_their_bom(encoding, tmp_path):
    text = "<p>协助做好社会救助工作</p>" + TABLE
    for bom in ("\ufeff", ""):
        doc = read_web(_write(tmp_path, (bom + text).encode(encoding)))
        assert doc.pages[0].outside[0].text == "协助做好社会救助工作"
        assert _cells(doc)[(1, 1)] == ["丁"]


def test_a_page_saved_again_as_utf8_keeps_its_gb2312_declaration_and_is_read_as_utf8(tmp_path):
    page = _write(tmp_path, '<meta charset="gb2312"><p>协助做好社会救助工作</p>' + TABLE)
    doc = read_web(page)
    assert _cells(doc)[(0, 0)] == ["甲"]
    assert doc.pages[0].outside[0].text == "协助做好社会救助工作"
    assert doc.notes == ["the page declares charset gb2312 but its bytes are UTF-8: read as UTF-8"]


def test_a_utf8_declaration_over_gbk_bytes_is_read_as_gb18030_with_a_note(tmp_path):
    page = _write(tmp_path, ('<meta charset="utf-8"><p>协助做好社会救助工作</p>' + TABLE)
                  .encode("gbk"))
    doc = read_web(page)
    assert doc.pages[0].outside[0].text == "协助做好社会救助工作"
    assert doc.notes == ["the page declares charset utf-8 but its bytes are gb18030: read as "
                         "gb18030"]


def test_bytes_no_candidate_reads_are_an_error_not_replacement_characters(tmp_path):
    data = '<meta charset="gb2312"><p>协助做好</p>'.encode("gbk") + b"\xff\xfe\x80" + \
        TABLE.encode("gbk")
    with pytest.raises(InputError, match=r"declares charset gb2312 but is neither UTF-8 nor "
                                         r"GB18030 text: byte 0xff at offset \d+"):
        read_web(_write(tmp_path, data))


def test_big5_bytes_that_happen_to_decode_as_gb18030_are_refused(tmp_path):
    data = ("<p>" + "協助開展最低生活保障、特困供養、臨時救助的調查核實等工作。" * 4 + "</p>"
            + TABLE.replace("甲", "項").replace("乙", "據")).encode("big5")
    data.decode("gb18030")  # no decoding error: only the text's coherence tells
    with pytest.raises(InputError, match=r"not UTF-8, and read as GB18030 it is not Chinese"):
        read_web(_write(tmp_path, data))


def test_html_table_model_occupied_slots_rowspan_zero_and_clamped_spans(tmp_path):
    page = _write(tmp_path, """<table>
<thead><tr><th rowspan="0">A</th><th colspan="2">B</th></tr><tr><th>C</th><th>D</th></tr></thead>
<tbody><tr><td rowspan="3">1</td><td>x</td><td rowspan="100000">y</td></tr>
<tr><td>x2</td></tr><tr><td colspan="100000">z</td></tr></tbody>
<tfoot><tr><td colspan="0">f</td><td colspan="2px">g</td></tr></tfoot></table>""")
    doc = read_web(page)
    grid = {}
    for frag in doc.pages[0].rows:
        for c in frag.cells:
            grid[c.lines[0].text] = (c.col0, c.col1, c.band1 - c.band0)
    assert grid["A"] == (0, 1, 2)  # rowspan=0: to the end of its row group (thead)
    assert grid["C"] == (1, 2, 1) and grid["D"] == (2, 3, 1)  # after A's slot
    assert grid["1"] == (0, 1, 3)
    assert grid["y"] == (2, 3, 3)  # rowspan 100000 stops at the end of tbody
    assert grid["x2"] == (1, 2, 1)  # the first slot no cell above covers
    assert grid["z"][0] == 1 and grid["z"][1] == 1001  # colspan capped at 1000
    assert grid["f"] == (0, 1, 1) and grid["g"] == (1, 3, 1)  # colspan 0 → 1; "2px" → 2


def test_cell_lines_as_a_reader_sees_them(tmp_path):
    cell = ("<p>1.协助<b>发现</b>\n  需救助</p><div>2.协助&nbsp;开展</div>a<br>b<br/><br>"
            "<li>①走访</li><span style='display: none'>隐藏</span><script>x()</script>"
            "<style>p{}</style><template>模板</template><!-- 注释 --><p>Wi&nbsp;Fi\u3000群</p>"
            "<p>&nbsp;</p><o:p></o:p><span hidden>h</span><p style='mso-hide:all'>m</p>")
    page = _write(tmp_path, f"<table><tr><td>{cell}</td><td>x</td></tr>"
                            "<tr><td>y</td><td>z</td></tr></table>")
    assert _cells(read_web(page))[(0, 0)] == ["1.协助发现需救助", "2.协助开展", "a", "b", "①走访",
                                              "Wi Fi群"]


def test_which_tables_are_candidates(tmp_path):
    page = _write(tmp_path, f"""
<table><tr><td><a href="/">首页</a></td><td><a href="/a">政务公开</a></td></tr>
<tr><td><a href="/b">通知</a></td><td><a href="/c">解读</a></td></tr></table>
<table><tr><td>发文字号：</td><td>渝民发〔2021〕6号</td><td>成文日期：</td><td>2021年02月10日</td></tr>
<tr><td>标　　题：</td><td colspan="3">关于印发清单的通知</td></tr></table>
<table><tr><td>only one row</td><td>x</td></tr></table>
<table><tr><td>one column</td></tr><tr><td>y</td></tr></table>
<table class="layout"><tr><td>版面<table><tr><td>序号</td><td>名称</td></tr>
<tr><td>1</td><td>甲</td></tr></table></td></tr></table>
<div id="footer"><table><tr><td>主办</td><td>电话</td></tr>
<tr><td>某局</td><td>123</td></tr></table></div>
{TABLE}""")
    doc = read_web(page)
    assert [_cells(doc, i)[(0, 0)] for i in range(len(doc.pages))] == [["序号"], ["甲"]]
    assert [ln.text for ln in doc.pages[0].outside] == [
        "发文字号： 渝民发〔2021〕6号 成文日期： 2021年02月10日", "标 题： 关于印发清单的通知",
        "only one row x", "one column", "y", "版面"]
    # The text before the second table starts with the first one's rows.
    assert [ln.text for ln in doc.pages[1].outside] == ["序号 名称", "1 甲", "主办 电话",
                                                        "某局 123"]


def test_info_table_facts_reach_the_notice(tmp_path):
    page = _write(tmp_path, """<div class="zwxl-table"><table>
<tr><td>[ 索引号 ]</td><td>1150/2021-00012</td><td>[ 发文字号 ]</td><td>渝民发〔2021〕6号</td></tr>
<tr><td>[ 发布机构 ]</td><td>重庆市民政局</td><td>[ 成文日期 ]</td><td>2021-02-10</td></tr>
</table></div><h1>关于印发《清单》的通知</h1><p>为深入贯彻（渝府办发〔2019〕23号）……</p>
<table><tr><td>序号</td><td>事项名称</td></tr><tr><td>1</td><td>甲</td></tr></table>""")
    doc = read_web(page)
    from pipeline.table.header import drop_headers

    fields = read_notice(doc.pages, drop_headers(doc.pages))
    assert fields["doc_no"] == "渝民发〔2021〕6号"
    assert fields["date"] == "2021-02-10"
    assert fields["title"] == "关于印发《清单》的通知"


def test_word_export_is_sniffed_as_html_and_its_list_numbers_kept(tmp_path):
    page = write_page(_gold("2021"), VARIANTS["word-export-gb2312"], tmp_path / "附件.htm")
    assert detect_format(page).family == "web"
    doc = read_web(page)
    first = _cells(doc)[(2, 3)]  # the first item's tasks, under the two header rows
    assert first[0].startswith("1.协助发现需救助困难群众")
    assert "\ufffd" not in "".join(ln for lines in _cells(doc).values() for ln in lines)


def test_a_page_nested_240_deep_is_read_whole(tmp_path):
    # libxml2 stops at 256 (tests/test_hostile_web.py); real pages nest a few dozen deep.
    page = _write(tmp_path, "<div>" * 240 + TABLE + "</div>" * 240 + "<p>页脚</p>")
    doc = read_web(page)
    assert _cells(doc)[(1, 1)] == ["丁"]
    assert [ln.text for ln in doc.pages[0].outside][-1] == "页脚"


def test_no_table_at_all(tmp_path):
    with pytest.raises(LayoutError, match=r"^.*no table in the page: the list is not in it"):
        read_web(_write(tmp_path, "<html><body><p>关于印发清单的通知</p></body></html>"))


def test_every_variant_makes_a_distinct_page():
    gold = _gold("2021")
    pages = {name: make_page(gold, v) for name, v in VARIANTS.items()}
    assert len(set(pages.values())) == len(pages)


def test_a_numbered_table_after_the_list_ends_it(tmp_path):
    page = make_page(_gold("2021"), VARIANTS["govcn-utf8-meta-br"]).decode()
    related = ("<p>相关文件</p><table border=1><tr><td>1</td><td>关于进一步明确基层群众性自治组织"
               "依法自治及协助政府工作事项的通知</td><td>2019-05-01</td></tr>"
               "<tr><td>2</td><td>政策解读</td><td>2021-03-01</td></tr></table>")
    cut = page.index('<p style="display:none">')
    path = _write(tmp_path, page[:cut] + related + page[cut:])
    out = tmp_path / "out"
    extract_notice(path, out)
    assert score_module().score(_gold("2021"), out)["score"] == 1.0
