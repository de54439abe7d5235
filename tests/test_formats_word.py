"""Word-family files: every generated file extracts to its gold, and the reader's rules.

End to end (the CLI, as a user runs it): each case of ``tests.formats.docx``
(.docx made as clerks and python-docx users make them; LibreOffice's .doc,
.wps, .odt and .rtf conversions, made in one soffice run per format) extracts
with score 1.0 (tests/fixtures/shared/score.py), notice.json has the document
number where the file carries the notice text and the right ``source_format``,
and a 2021 case's extraction diffs against raw/notice-2021.pdf's as no
changes.  A file whose content contradicts its name fails naming both.

In process, on small documents written here: list numbering as Word prints it
(formats, counters shared by an abstract definition, restarts, levels,
numbering from styles), fields, tracked changes, hidden text, merged and
nested cells, content controls.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import InputError, LayoutError
from pipeline.readers.word import read_word
from pipeline.readers.wordstyles import _format_number
from tests import hostile
from tests.formats import extract_notice, needs_soffice
from tests.formats.docx import CASES, DELETED, DELETED_ROW, HIDDEN, make_cases
from tests.goldtables import csv_rows, load_gold, score_module

CONVERTED = sorted(n for n, c in CASES.items() if c.make is None)
#: Cases LibreOffice converts (a few seconds each): run by make test-all.
SOFFICE = [needs_soffice, pytest.mark.slow]


class _Generated(dict):
    """case name → file, each written on first use; the LibreOffice conversions all at once
    (one soffice run per format), so that a run leaving them out never starts soffice."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def __missing__(self, name: str) -> Path:
        group = CONVERTED if name in CONVERTED else [name]
        self.update(make_cases([n for n in group if n not in self], self.folder))
        return self[name]


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """Every case written once per session, when first asked for."""
    return _Generated(tmp_path_factory.mktemp("word-cases"))


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=SOFFICE) if n in CONVERTED else n for n in CASES])
def test_generated_file_extracts_to_its_gold(name, generated, tmp_path, request):
    case = CASES[name]
    gold = load_gold(case.gold)
    path = generated[name]
    assert path.suffix == case.suffix
    out = tmp_path / "out"
    notice = extract_notice(path, out, timeout=180)
    result = score_module().score(gold, out)
    assert result["score"] == 1.0, {k: v for k, v in result.items() if v}
    assert notice["source_format"] == case.kind
    assert notice["source_file"] == path.name
    assert notice["item_count"] == len(gold["items"])
    assert notice["page_count"] == 1 and notice["table_pages"] is None
    parent = gold["notice"]["parent_doc_no"] if case.parent_in_header else None
    assert notice["parent_doc_no"] == parent
    if case.notice:
        for key in ("doc_no", "date", "title", "list_title", "issuers"):
            assert notice[key] == gold["notice"][key], key
    else:  # the attachment alone
        assert notice["doc_no"] is None and notice["date"] is None
    items = csv_rows(out / "items.csv")
    assert all(r["page_start"] == "" and r["page_end"] == "" for r in items)
    text = (out / "items.csv").read_text(encoding="utf-8-sig")
    assert DELETED not in text and HIDDEN not in text and DELETED_ROW not in text
    if case.gold.name == "notice-2021.json":
        diff = tmp_path / "diff"
        run = hostile.run_cli("diff", request.getfixturevalue("pdf_2021"), out, "--out", diff,
                              timeout=120)
        assert run.returncode == 0, run.stderr
        assert csv_rows(diff / "changes.csv") == []


@pytest.mark.parametrize(("source", "wrong"), [("clerk-2021", ".doc"),
                                               pytest.param("doc-2021", ".docx",
                                                            marks=SOFFICE),
                                               ("clerk-2021", ".odt")])
def test_a_file_whose_content_contradicts_its_name_is_read_as_its_content_with_a_note(
        source, wrong, generated, tmp_path):
    renamed = tmp_path / f"notice{wrong}"
    renamed.write_bytes(generated[source].read_bytes())
    run = hostile.run_cli("extract", renamed, "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    real = ".docx" if source == "clerk-2021" else ".doc"
    notes = [ln for ln in run.stderr.splitlines() if ln.startswith(f"note: {renamed}: ")]
    assert any(f"the name says {wrong} but the content is" in ln
               and real in ln.split("content is")[1] for ln in notes), run.stderr
    notice = json.loads((tmp_path / "out" / "notice.json").read_text(encoding="utf-8"))
    assert notice["source_format"] == real[1:]
    assert notice["item_count"] > 0


def test_notice_numbered_by_word_reads_as_printed(generated):
    doc = read_word(generated["user-breaks-2021"])
    # the notice's section, then the attachment's: two pages, as printed
    assert [p.has_table for p in doc.pages] == [False, True]
    assert [line.text for line in doc.pages[1].outside] == [
        "附件", "基层群众性自治组织依法协助政府工作事项细化清单"]
    outside = [line.text for line in doc.pages[0].outside]
    # 一、二、 are chineseCounting numbers of the paragraphs, the date a CREATEDATE field's result
    assert any(t.startswith("一、严格实行清单管理") for t in outside)
    assert any(t.startswith("四、进一步强化责任落实") for t in outside)
    assert "2021年2月10日" in outside
    seqs = [r.cells[0].lines[0].text for r in doc.pages[1].rows[1:]]
    assert seqs == [str(i) for i in range(1, 28)]  # 序号 drawn by numbering, counted on


# --------------------------------------------------------------------------- in process

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(tmp_path, body: str, numbering: str = "", styles: str = "", name="t.docx",
          ns: str = W):
    """A minimal .docx: ``body`` inside w:body; numbering/styles parts if given."""
    path = tmp_path / name
    rels = ['<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/>']
    doc_rels = []
    parts = {"word/document.xml": f'<w:document xmlns:w="{ns}"><w:body>{body}</w:body>'
                                  "</w:document>"}
    if numbering:
        parts["word/numbering.xml"] = f'<w:numbering xmlns:w="{ns}">{numbering}</w:numbering>'
        doc_rels.append('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                        'officeDocument/2006/relationships/numbering" Target="numbering.xml"/>')
    if styles:
        parts["word/styles.xml"] = f'<w:styles xmlns:w="{ns}">{styles}</w:styles>'
        doc_rels.append('<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/'
                        'officeDocument/2006/relationships/styles" Target="styles.xml"/>')
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts["_rels/.rels"] = f'<Relationships xmlns="{pkg}">{"".join(rels)}</Relationships>'
    parts["word/_rels/document.xml.rels"] = (f'<Relationships xmlns="{pkg}">{"".join(doc_rels)}'
                                             "</Relationships>")
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    with zipfile.ZipFile(path, "w") as z:
        for part, xml in parts.items():
            z.writestr(part, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return path


def _p(text: str = "", num: tuple[int, int] | None = None, style: str | None = None,
       runs: str = "") -> str:
    ppr = ""
    if num or style:
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "") + (
            f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
            if num else "") + "</w:pPr>"
    run = f"<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>" if text else ""
    return f"<w:p>{ppr}{run}{runs}</w:p>"


def _tc(content: str, span: int = 1, vmerge: str | None = None) -> str:
    pr = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else
        "<w:vMerge/>" if vmerge == "continue" else "")
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{content or '<w:p/>'}</w:tc>"


def _tbl(*rows: str) -> str:
    return "<w:tbl>" + "".join(f"<w:tr>{r}</w:tr>" for r in rows) + "</w:tbl>"


def _lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


def _cell_lines(doc, page=0):
    return [[line.text for line in c.lines] for r in doc.pages[page].rows for c in r.cells]


@pytest.mark.parametrize(("n", "fmt", "printed"), [
    (1, "decimal", "1"), (12, "decimalZero", "12"), (3, "decimalZero", "03"),
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCounting", "二十"), (21, "chineseCounting", "二十一"),
    (105, "chineseCounting", "一百零五"), (110, "chineseCountingThousand", "一百一十"),
    (1, "decimalEnclosedCircle", "①"), (20, "decimalEnclosedCircle", "⑳"),
    (21, "decimalEnclosedCircle", "21"), (3, "decimalEnclosedCircleChinese", "③"),
    (2, "decimalEnclosedParen", "⑵"), (4, "decimalEnclosedFullstop", "⒋"),
    (12, "decimalFullWidth", "１２"), (14, "upperRoman", "XIV"), (9, "lowerRoman", "ix"),
    (28, "upperLetter", "BB"), (2, "lowerLetter", "b"), (12, "chineseLegalSimplified", "壹拾贰"),
    (3, "ideographTraditional", "丙"), (13, "ideographZodiac", "子"),
    (10, "ideographDigital", "一〇"), (22, "ordinal", "22nd"), (5, "none", ""),
    (7, "someFutureFormat", "7"),
])
def test_numbers_are_written_as_word_prints_them(n, fmt, printed):
    assert _format_number(n, fmt) == printed


def test_list_numbering_counts_as_word_does(tmp_path):
    numbering = (
        '<w:abstractNum w:abstractNumId="1">' + _lvl(0, "decimal", "%1.")
        + _lvl(1, "decimalEnclosedCircle", "%2", extra='<w:suff w:val="nothing"/>')
        + _lvl(2, "decimal", "%1.%2.%3", extra="<w:isLgl/>") + "</w:abstractNum>"
        '<w:abstractNum w:abstractNumId="2">' + _lvl(0, "chineseCounting", "%1、")
        + _lvl(1, "decimal", "（%2）", extra='<w:lvlRestart w:val="0"/>') + "</w:abstractNum>"
        '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'  # shares 1's counters
        '<w:num w:numId="3"><w:abstractNumId w:val="1"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        '<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>')
    body = _tbl(
        _tc(_p("序号")) + _tc(_p("事项")),
        _tc(_p("1")) + _tc(_p("甲", (1, 0)) + _p("乙", (1, 1)) + _p("丙", (1, 1))
                           + _p("丁", (1, 2)) + _p("戊", (1, 0)) + _p("己", (1, 1))),
        _tc(_p("2")) + _tc(_p("庚", (2, 0)) + _p("辛", (3, 0)) + _p("壬", (3, 0))
                           + _p("癸", (0, 0)) + _p("子", (99, 0))),
        _tc(_p("3")) + _tc(_p("丑", (4, 0)) + _p("寅", (4, 1)) + _p("卯", (4, 0))
                           + _p("辰", (4, 1))))
    doc = read_word(_docx(tmp_path, body, numbering))
    cells = _cell_lines(doc)
    # isLgl: "%1.%2.%3" in decimals although level 2 counts ①②
    assert cells[3] == ["1.甲", "①乙", "②丙", "1.2.1丁", "2.戊", "①己"]
    # numId 2 continues abstractNum 1's count; numId 3 restarts it (startOverride)
    assert cells[5] == ["3.庚", "1.辛", "2.壬", "癸", "子"]
    # lvlRestart 0: level 2 never restarts
    assert cells[7] == ["一、丑", "（1）寅", "二、卯", "（2）辰"]


def test_numbering_from_a_paragraph_style(tmp_path):
    numbering = ('<w:abstractNum w:abstractNumId="5">'
                 + _lvl(0, "decimal", "%1.", extra='<w:pStyle w:val="Item"/>')
                 + "</w:abstractNum><w:num w:numId=\"7\"><w:abstractNumId w:val=\"5\"/></w:num>")
    styles = ('<w:style w:type="paragraph" w:styleId="Item"><w:pPr><w:numPr>'
              '<w:numId w:val="7"/></w:numPr></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="SubItem"><w:basedOn w:val="Item"/></w:style>')
    body = _tbl(_tc(_p("甲", style="Item") + _p("乙", style="SubItem") + _p("丙")))
    doc = read_word(_docx(tmp_path, body, numbering, styles))
    assert _cell_lines(doc) == [["1.甲", "2.乙", "丙"]]


def test_fields_show_their_result_and_revisions_their_outcome(tmp_path):
    runs = (
        '<w:r><w:t>甲</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> IF 1 = 1 "</w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE '
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>9</w:t>'
        '</w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:instrText>"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>乙</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:fldSimple w:instr="DOCPROPERTY x"><w:r><w:t>丙</w:t></w:r></w:fldSimple>'
        '<w:del w:id="1"><w:r><w:delText>删</w:delText></w:r></w:del>'
        '<w:moveFrom w:id="2"><w:r><w:t>移走</w:t></w:r></w:moveFrom>'
        '<w:ins w:id="3"><w:r><w:t>丁</w:t></w:r></w:ins>'
        '<w:moveTo w:id="4"><w:r><w:t>戊</w:t></w:r></w:moveTo>'
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>藏</w:t></w:r>'
        '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>己</w:t></w:r>'
        '<w:r><w:rPr><w:rStyle w:val="Secret"/></w:rPr><w:t>密</w:t></w:r>'
        '<w:hyperlink><w:r><w:t>庚</w:t><w:br/><w:t>辛</w:t></w:r></w:hyperlink>'
        '<w:sdt><w:sdtContent><w:r><w:t>壬</w:t><w:tab/><w:t>癸</w:t></w:r></w:sdtContent></w:sdt>')
    styles = ('<w:style w:type="character" w:styleId="Secret"><w:rPr><w:vanish/></w:rPr>'
              '</w:style>')
    deleted_mark = ('<w:p><w:pPr><w:rPr><w:del w:id="5"/></w:rPr></w:pPr><w:r><w:t>前半</w:t>'
                    '</w:r></w:p>' + _p("后半"))
    deleted_row = ('<w:tr><w:trPr><w:del w:id="6"/></w:trPr>' + _tc(_p("99")) + _tc(_p("撤"))
                   + "</w:tr>")
    body = ("<w:tbl><w:tr>" + _tc(_p("1")) + _tc(f"<w:p>{runs}</w:p>") + "</w:tr>"
            + deleted_row + "<w:tr>" + _tc(_p("2")) + _tc(deleted_mark) + "</w:tr></w:tbl>")
    doc = read_word(_docx(tmp_path, body, styles=styles))
    assert _cell_lines(doc) == [["1"], ["甲乙丙丁戊己庚", "辛壬癸"], ["2"], ["前半后半"]]


def test_merged_nested_and_wrapped_cells(tmp_path):
    nested = _tbl(_tc(_p("子一")) + _tc(_p("子二")), _tc(_p("子三"), span=2))
    sdt_cell = "<w:sdt><w:sdtContent>" + _tc(_p("控件")) + "</w:sdtContent></w:sdt>"
    body = _p("正文在表前") + _tbl(
        _tc(_p("序号"), vmerge="restart") + _tc(_p("名称与内容"), span=2),
        _tc("", vmerge="continue") + _tc(_p("名称")) + _tc(_p("内容")),
        _tc(_p("1")) + _tc(_p("甲") + nested + _p("乙")) + sdt_cell,
        '<w:trPr><w:gridBefore w:val="1"/></w:trPr>' + _tc(_p("缩进")) + _tc(_p("末")),
        _tc(_p("左")) + '<w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr>' + _p("横")
        + '</w:tc><w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc>',
    ) + _p("表后") + _tbl(_tc(_p("另表"))) + _p("文末")
    doc = read_word(_docx(tmp_path, body))
    assert len(doc.pages) == 2 and not doc.paginated and doc.page_count == 1
    first = doc.pages[0]
    assert [ln.text for ln in first.outside] == ["正文在表前"]
    header = first.rows[0]
    assert [(c.col0, c.col1, c.band0, c.band1, c.text) for c in header.cells] == [
        (0, 1, 0, 2, "序号"), (1, 3, 0, 1, "名称与内容"), (1, 2, 1, 2, "名称"),
        (2, 3, 1, 2, "内容")]
    row = first.rows[1]
    assert [[ln.text for ln in c.lines] for c in row.cells] == [
        ["1"], ["甲", "子一", "子二", "子三", "乙"], ["控件"]]
    assert [(c.col0, c.text) for c in first.rows[2].cells] == [(1, "缩进"), (2, "末")]
    assert [(c.col0, c.col1, c.text) for c in first.rows[3].cells] == [
        (0, 1, "左"), (1, 3, "横")]
    second = doc.pages[1]
    texts = [ln.text for ln in second.outside]
    assert texts == ["表后", "文末"]
    assert [ln.top < second.table_top for ln in second.outside] == [True, False]


def test_strict_ooxml_reads_like_transitional(tmp_path):
    strict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    doc = read_word(_docx(tmp_path, _tbl(_tc(_p("甲")) + _tc(_p("乙"))), ns=strict))
    assert _cell_lines(doc) == [["甲"], ["乙"]]


def test_a_document_without_a_table_is_a_layout_error(tmp_path):
    with pytest.raises(LayoutError, match="the document has no table"):
        read_word(_docx(tmp_path, _p("只有正文")))


def test_a_dtd_is_refused_before_parsing(tmp_path):
    path = _docx(tmp_path, _tbl(_tc(_p("甲"))))
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"?>", b'?><!DOCTYPE w:document [<!ENTITY x "y">]>', 1)
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    with pytest.raises(InputError, match="declares a DTD"):
        read_word(path)


def test_borders_dragged_a_hair_apart_make_no_column(tmp_path):
    # Word's grid for rows whose borders differ by 30 twips (0.5 mm): a sliver column
    grid = ('<w:tblGrid><w:gridCol w:w="600"/><w:gridCol w:w="30"/><w:gridCol w:w="1500"/>'
            '<w:gridCol w:w="2000"/></w:tblGrid>')
    body = ("<w:tbl>" + grid
            + "<w:tr>" + _tc(_p("序号"), vmerge="restart") + _tc(_p("名称"), span=2)
            + _tc(_p("内容")) + "</w:tr>"
            + "<w:tr>" + _tc("", span=2, vmerge="continue") + _tc(_p("甲")) + _tc(_p("乙"))
            + "</w:tr>"
            + "<w:tr>" + _tc(_p("1"), span=2) + _tc(_p("丙")) + _tc(_p("丁")) + "</w:tr>"
            + "<w:tr>" + _tc(_p("2")) + _tc(_p("戊"), span=2) + _tc(_p("己")) + "</w:tr>"
            + "</w:tbl>")
    page = read_word(_docx(tmp_path, body)).pages[0]
    assert len(page.columns) == 3
    assert [[(c.col0, c.col1, c.text) for c in r.cells] for r in page.rows] == [
        [(0, 1, "序号"), (1, 2, "名称"), (1, 2, "甲"), (2, 3, "内容"), (2, 3, "乙")],
        [(0, 1, "1"), (1, 2, "丙"), (2, 3, "丁")],
        [(0, 1, "2"), (1, 2, "戊"), (2, 3, "己")]]


def test_rows_across_the_whole_table_are_its_title_and_note(tmp_path):
    body = (_p("正文") + '<w:p><w:r><w:br w:type="page"/></w:r></w:p>' + _p("附件")
            + _tbl(_tc(_p("清单标题"), span=3),
                   _tc(_p("序号")) + _tc(_p("名称")) + _tc(_p("内容")),
                   _tc(_p("1")) + _tc(_p("甲")) + _tc(_p("乙")),
                   _tc(_p("注：以上为示例。"), span=3)) + _p("文末"))
    doc = read_word(_docx(tmp_path, body))
    notice, page = doc.pages
    assert not notice.has_table and [ln.text for ln in notice.outside] == ["正文"]
    assert len(page.columns) == 3 and len(page.rows) == 2
    above = [ln.text for ln in page.outside if ln.top < page.table_top]
    below = [ln.text for ln in page.outside if ln.top > page.table_top]
    assert above == ["附件", "清单标题"] and below == ["注：以上为示例。", "文末"]
