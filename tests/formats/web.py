"""Saved article pages of a list notice, hand-written in the styles government sites use.

    make_page(gold, variant) -> bytes        the page's bytes, encoded as the variant says
    write_page(gold, variant, path) -> Path
    VARIANTS: name → ``WebVariant``          the pages tests/test_formats_web.py extracts

The text of every cell comes from the gold (``tests.goldtables``); a variant
changes only how a site would have published it: the page's chrome (gov.cn's
info table above the article and layout tables around it, a city site's
bracketed info table and div layout, a Word "save as web page" export),
encoding and charset declaration, how a cell's lines are broken (one ``<p>``
each, ``<br>``, ``<div>``), indents (``&nbsp;``, full-width spaces), the
header (two levels with rowspan/colspan, or one ``<thead>`` row of ``<th>``),
and an item laid out as one row per sub-task with rowspan on its other cells.
So the expected extraction of every page is its gold.

    .venv/bin/python -m tests.formats.web OUT_DIR      write every variant for a look
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.goldtables import tasks_text

FIELDS = ("seq", "name", "content", "tasks_text", "basis_text", "department_text", "remarks")
FLAT_HEADER = {"seq": "序号", "name": "事项名称", "content": "具体内容",
               "tasks_text": "协助工作细化事项", "basis_text": "依据",
               "department_text": "主管单位", "remarks": "备注"}
CONTENT_LABEL = "基层群众性自治组织依法协助政府工作具体内容"
ADDRESSEES = ("各区县（自治县）民政局、政法委、民族宗教委、公安局、城管局、卫生健康委、"
              "规划自然资源局、住房城乡建委、应急管理局、气象局，两江新区、重庆高新区、"
              "万盛经开区相关部门，有关单位：")
BODY = (
    "为深入贯彻党中央、国务院和市委、市政府关于推进基层减负的有关精神，进一步厘清乡镇人民政府"
    "（街道办事处）和基层群众性自治组织权责边界，推动村（社区）减负增效，经征求市级各相关部门意见，"
    "形成《{list_title}》。现印发给你们，并就有关事项通知如下：",
    "一、严格实行清单管理。各区县要严格落实清单，进一步清理延伸到村（社区）的工作事项，对清单之外"
    "的事项，不得以行政命令方式要求基层群众性自治组织办理，基层群众性自治组织也有权拒绝。",
    "二、全面落实“权随责走、费随事转”。各级政府及相关部门要切实履行主体责任，在做法上给予指导，"
    "在经费上给予保障。",
    "三、进一步强化责任落实。各区县要提高政治站位，加强组织领导，严格责任落实，确保基层群众性自治"
    "组织依法协助政府工作事项规范到位、执行到位。",
)


@dataclass(frozen=True)
class WebVariant:
    """How one page is published.

    ``site``: govcn (gov.cn's 索引号/发文字号 info table, layout tables, nav and
    footer tables), city (bracketed info table, div layout), word (a Word
    "save as web page" export of the attachment alone: mso- styles, <o:p>),
    attachment (the article links to the list; no table).
    ``encoding``: utf-8 or gb18030; ``declared``: the charset label the page
    declares (None: none), ``declare``: "meta" (<meta charset>) or
    "http-equiv"; ``bom``: a UTF-8 byte-order mark.
    ``breaks``: "p" (one <p> a line), "br", "div".  ``indent``: "", "nbsp",
    "ideographic" (before content and task lines).  ``header``: 2 (rowspan and
    colspan) or 1 (<thead> of <th>).  ``subtask_rows``: every item one row per
    line of its tasks cell, its other cells spanning them.  ``doc_no_in_text``
    / ``date_in_text``: the article prints the number under its title / the
    date under its signature (else only the info table carries them).
    ``split``: the list cut into tables of this many items, the header repeated
    (a list pasted page by page from a PDF).
    """

    site: str = "govcn"
    encoding: str = "utf-8"
    declared: str | None = "utf-8"
    declare: str = "meta"
    bom: bool = False
    breaks: str = "p"
    indent: str = ""
    header: int = 2
    subtask_rows: bool = False
    doc_no_in_text: bool = True
    date_in_text: bool = True
    split: int = 0


VARIANTS: dict[str, WebVariant] = {
    "govcn-gb18030-gb2312-p": WebVariant(encoding="gb18030", declared="gb2312",
                                         declare="http-equiv", doc_no_in_text=False),
    "govcn-utf8-meta-br": WebVariant(breaks="br", indent="nbsp"),
    "govcn-gb18030-undeclared-div": WebVariant(encoding="gb18030", declared=None, breaks="div",
                                               date_in_text=False),
    "govcn-utf8-undeclared-ideographic": WebVariant(declared=None, indent="ideographic"),
    "govcn-utf8-bom-flat-header": WebVariant(declared=None, bom=True, header=1),
    "govcn-subtask-rows": WebVariant(encoding="gb18030", declared="gbk", subtask_rows=True),
    "govcn-split-tables": WebVariant(split=9, breaks="br"),
    "city-utf8-br": WebVariant(site="city", breaks="br", doc_no_in_text=False,
                               date_in_text=False),
    "city-gb18030-p-nbsp": WebVariant(site="city", encoding="gb18030", declared="GB2312",
                                      indent="nbsp"),
    "city-declared-gb2312-saved-as-utf8": WebVariant(site="city", declared="gb2312"),
    "word-export-gb2312": WebVariant(site="word", encoding="gb18030", declared="gb2312",
                                     declare="http-equiv"),
    "word-export-utf8-subtask-rows": WebVariant(site="word", subtask_rows=True,
                                                declare="http-equiv"),
}
#: The page whose list is only an attachment link: extraction must say there is no table.
ATTACHMENT_ONLY = WebVariant(site="attachment", encoding="gb18030", declared="gb2312")


def make_page(gold: dict, variant: WebVariant) -> bytes:
    """The page for ``gold`` published as ``variant``, encoded."""
    page = {"govcn": _govcn, "city": _city, "word": _word,
            "attachment": _attachment}[variant.site](gold, variant)
    data = page.encode(variant.encoding)
    return (b"\xef\xbb\xbf" if variant.bom else b"") + data


def write_page(gold: dict, variant: WebVariant, path: Path) -> Path:
    path = Path(path)
    path.write_bytes(make_page(gold, variant))
    return path


# --------------------------------------------------------------------------- the list

def _cells(item: dict) -> dict[str, list[str]]:
    return {
        "seq": [str(item["seq"])],
        "name": [item["name"]],
        "content": [p for p in item["content"].split("\n") if p],
        "tasks_text": tasks_text(item["tasks"]).split("\n"),
        "basis_text": [p for p in item["basis_text"].split("\n") if p],
        "department_text": [item["department_text"]],
        "remarks": [item["remarks"]] if item.get("remarks") else [],
    }


def _indent(line: str, v: WebVariant) -> str:
    return {"": "", "nbsp": "&nbsp;&nbsp;&nbsp;&nbsp;", "ideographic": "\u3000\u3000"}[
        v.indent] + line


def _cell_html(field: str, lines: list[str], v: WebVariant) -> str:
    """A cell's lines as the variant breaks them."""
    esc = [html.escape(x, quote=False) for x in lines]
    if field in ("content", "tasks_text"):
        esc = [_indent(x, v) for x in esc]
    if v.site == "word":
        return "\n".join(_word_paragraph(x, field in ("seq", "department_text")) for x in esc)
    if not esc:
        return "&nbsp;"
    if field == "name":  # what a reader does not see: hidden text, a comment
        esc[-1] += '<span style="display: none">（隐藏）</span><!-- 编辑注：<td>1</td> -->'
    if v.breaks == "br":
        return "<br />\n".join(esc)
    tag = "div" if v.breaks == "div" else "p"
    align = ' style="text-align:center"' if field == "seq" else ""
    return "".join(f"<{tag}{align}>{x}</{tag}>" for x in esc)


def _word_paragraph(text: str, center: bool) -> str:
    """A Word paragraph: MsoNormal, spans with mso- styles, <o:p>, source lines wrapped."""
    align = " align=center style='text-align:center'" if center else ""
    if not text:
        return f"<p class=MsoNormal{align}><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"
    m = re.match(r"^((?:&nbsp;|\u3000)*)(\d{1,2}\.)(.*)$", text)
    if m:  # Word's automatic numbering, exported with its "ignore" span
        text = (f"{m[1]}<![if !supportLists]><span style='mso-list:Ignore'>{m[2]}<span "
                f"style='font:7.0pt \"Times New Roman\"'>&nbsp; </span></span><![endif]>{m[3]}")
    return (f"<p class=MsoNormal{align} style='line-height:14.0pt;mso-line-height-rule:exactly'>"
            f"<span style='font-size:10.5pt;font-family:仿宋_GB2312;mso-hansi-font-family:"
            f"\"Times New Roman\"'>{_wrap(text)}<span lang=EN-US><o:p></o:p></span></span></p>")


def _wrap(text: str, width: int = 38) -> str:
    """Break long source lines between two ideographs, as Word's HTML export does."""
    out, run = [], 0
    for i, ch in enumerate(text):
        out.append(ch)
        run += 1
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if run >= width and "\u4e00" <= ch <= "\u9fff" and "\u4e00" <= nxt <= "\u9fff":
            out.append("\r\n")
            run = 0
    return "".join(out)


def _header_rows(gold: dict, v: WebVariant) -> str:
    td = "td" if v.header == 2 else "th"
    style = " style='background:#f2f2f2'" if v.site != "word" else ""

    def cell(text: str, rowspan: int = 1, colspan: int = 1) -> str:
        spans = (f" rowspan={rowspan}" if rowspan > 1 else "") + (
            f' colspan="{colspan}"' if colspan > 1 else "")
        inner = (_word_paragraph(f"<b>{text}</b>", True) if v.site == "word"
                 else f"<strong>{text}</strong>")
        return f"<{td}{spans}{style}>{inner}</{td}>"

    if v.header == 1:
        return ("<thead><tr>" + "".join(cell(FLAT_HEADER[f]) for f in FIELDS)
                + "</tr></thead>\n")
    parent = gold["notice"].get("parent_doc_no") or "渝府办发〔2019〕23号"
    return ("<tr>" + cell("序号", 2) + cell(parent, 1, 2) + cell("协助工作细化事项", 2)
            + cell("依据", 2) + cell("主管单位", 2) + cell("备注", 2) + "</tr>\n"
            + "<tr>" + cell("事项名称") + cell(CONTENT_LABEL) + "</tr>\n")


def _item_rows(item: dict, v: WebVariant) -> str:
    cells = _cells(item)
    if not v.subtask_rows or len(cells["tasks_text"]) < 2:
        return "<tr>" + "".join(f"<td>{_cell_html(f, cells[f], v)}</td>" for f in FIELDS) \
            + "</tr>\n"
    tasks = cells["tasks_text"]
    n = len(tasks)
    first = []
    for f in FIELDS:
        lines = [tasks[0]] if f == "tasks_text" else cells[f]
        span = "" if f == "tasks_text" else f" rowspan={n}"
        first.append(f"<td{span}>{_cell_html(f, lines, v)}</td>")
    rest = "".join(f"<tr><td>{_cell_html('tasks_text', [t], v)}</td></tr>\n" for t in tasks[1:])
    return "<tr>" + "".join(first) + "</tr>\n" + rest


def _list_tables(gold: dict, v: WebVariant) -> str:
    items = gold["items"]
    size = v.split or len(items)
    cols = ("<colgroup><col width='5%'><col width='12%'><col width='14%'><col width='38%'>"
            "<col width='13%'><col width='10%'><col width='8%'></colgroup>")
    if v.site == "word":
        attrs = ("class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-"
                 "collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
                 "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'")
    else:
        attrs = ('border="1" cellspacing="0" cellpadding="4" width="100%" '
                 'style="border-collapse:collapse"')
    out = []
    for start in range(0, len(items), size):
        body = "".join(_item_rows(it, v) for it in items[start:start + size])
        head = _header_rows(gold, v)
        if v.header == 1:
            body = f"<tbody>\n{body}</tbody>\n"
        filler = ""
        if v.site == "word":  # Word's column-width row, behind a downlevel-revealed comment
            filler = ("<![if !supportMisalignedColumns]>\n<tr height=0>"
                      + "<td width=60 style='border:none'></td>" * len(FIELDS)
                      + "</tr>\n<![endif]>\n")
        out.append(f"<table {attrs}>\n{cols if v.site != 'word' else ''}{head}{body}{filler}"
                   "</table>\n")
    return '<p style="page-break-after:always">&nbsp;</p>\n'.join(out)


# --------------------------------------------------------------------------- the notice

def _dates(gold: dict) -> tuple[str, str]:
    y, m, d = (int(x) for x in gold["notice"]["date"].split("-"))
    return f"{y}年{m}月{d}日", f"{y}年{m:02d}月{d:02d}日"


def _article(gold: dict, v: WebVariant, attachment_link: bool = False) -> str:
    """Title, number, addressees, body, 附件 line, signature, date; then the list."""
    n = gold["notice"]
    signed, _ = _dates(gold)
    p = '<p style="text-indent:2em">{}</p>\n'
    out = [f'<h1 class="article-title">{n["title"]}</h1>\n']
    if v.doc_no_in_text:
        out.append(f'<p style="text-align:center">{n["doc_no"]}</p>\n')
    out.append(f"<p>{ADDRESSEES}</p>\n")
    out += [p.format(b.format(list_title=n["list_title"])) for b in BODY]
    if attachment_link:
        out.append(f'<p style="text-indent:2em">附件：<a href="/uploadfiles/202102/'
                   f'P020210225_6.docx" target="_blank">{n["list_title"]}.docx</a></p>\n')
    else:
        out.append(p.format(f"附件：{n['list_title']}"))
    out.append('<p>&nbsp;</p>\n<div style="text-align:right">\n')
    out += [f"<p>{i}</p>\n" for i in n["issuers"]]
    if v.date_in_text:
        out.append(f"<p>{signed}</p>\n")
    out.append("</div>\n")
    if not attachment_link:
        out.append('<p><span style="font-family:黑体">附件</span></p>\n'
                   f'<p style="text-align:center"><strong>{n["list_title"]}</strong></p>\n')
        out.append(_list_tables(gold, v))
    out.append('<p style="display:none">此段隐藏：不应读出 1 2 3</p>\n')
    return "".join(out)


def _declaration(v: WebVariant) -> str:
    if v.declared is None:
        return ""
    if v.declare == "http-equiv":
        return (f'<meta http-equiv="Content-Type" content="text/html; charset={v.declared}" />'
                "\n")
    return f'<meta charset="{v.declared}">\n'


_SCRIPT = """<script type="text/javascript">
var _hmt = _hmt || [];
var tpl = '<table><tr><td>序号</td><td>脚本里的表</td></tr><tr><td>1</td><td>x</td></tr></table>';
if (a < b && b > c) { console.log("</div>"); }
</script>
<noscript><table><tr><td>请启用脚本</td><td>1</td></tr><tr><td>2</td><td>3</td></tr></table></noscript>
"""
_STYLE = """<style type="text/css">
body { font: 14px/1.8 "Microsoft YaHei", SimSun; margin: 0; color: #333; }
.top { background: #b5191b; color: #fff; } .top a { color: #fff; text-decoration: none; }
.article-title { font-size: 22px; text-align: center; color: #b5191b; }
table.info td { border: 1px solid #ddd; padding: 4px 8px; font-size: 13px; }
.list td, .list th { border: 1px solid #000; }
#zoom table td { border: 1px solid #000; padding: 3px; vertical-align: top; font-size: 12px; }
.footer { background: #eee; font-size: 12px; text-align: center; }
</style>
"""


def _govcn(gold: dict, v: WebVariant) -> str:
    """gov.cn's policy article: nav table, info table, layout tables, footer table."""
    n = gold["notice"]
    _, padded = _dates(gold)
    issuers = " ".join(n["issuers"][:1])
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{_declaration(v)}<title>{n["title"]}_政策文件_{n["issuers"][0]}</title>
<meta name="ArticleTitle" content="{n["title"]}" />
{_STYLE}{_SCRIPT}</head>
<body>
<!-- 顶部导航 <table><tr><td>序号</td></tr></table> -->
<table width="100%" class="top" cellpadding="0" cellspacing="0"><tr>
<td><a href="/"><img src="/images/logo.png" alt="{n["issuers"][0]}" /></a></td>
<td><a href="/">首页</a></td><td><a href="/zwgk/">政务公开</a></td>
<td><a href="/zcwj/">政策文件</a></td><td><a href="/hdjl/">互动交流</a></td></tr>
<tr><td><a href="/jgsz/">机构设置</a></td><td><a href="/ldxx/">领导信息</a></td>
<td><a href="/tzgg/">通知公告</a></td><td><a href="/bsfw/">办事服务</a></td>
<td><a href="/sjfb/">数据发布</a></td></tr>
</table>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>
&gt; <a href="/zcwj/">政策文件</a></div>
<table width="1000" align="center" cellpadding="0" cellspacing="0" class="layout"><tr>
<td width="200" valign="top" class="side">
  <table width="100%"><tr><td><a href="/zcwj/gfxwj/">规范性文件</a></td></tr>
  <tr><td><a href="/zcwj/qtwj/">其他文件</a></td></tr>
  <tr><td><a href="/zcjd/">政策解读</a></td></tr></table>
</td>
<td width="800" valign="top" class="main">
<table class="info" width="100%" cellpadding="0" cellspacing="1" bgcolor="#dddddd">
<tr><td width="90">索&nbsp;引&nbsp;号：</td><td>11500000009275780L/2021-00012</td>
<td width="90">主题分类：</td><td>民政、扶贫、救灾</td></tr>
<tr><td>发文机关：</td><td>{issuers}</td><td>成文日期：</td><td>{padded}</td></tr>
<tr><td>标　　题：</td><td colspan="3">{n["title"]}</td></tr>
<tr><td>发文字号：</td><td>{n["doc_no"]}</td><td>发布日期：</td><td>{padded}</td></tr>
</table>
<div class="pages_content" id="zoom">
{_article(gold, v)}</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a>
<span style="visibility:hidden">隐藏的分享</span></div>
</td></tr></table>
<table class="footer" width="100%">
<tr><td><a href="/wzdt/">网站地图</a></td><td><a href="/lxwm/">联系我们</a></td></tr>
<tr><td>主办：{n["issuers"][0]}</td><td>网站标识码：5000000047 渝ICP备05003300号</td></tr></table>
<template><table><tr><td>1</td><td>模板</td></tr><tr><td>2</td><td>模板</td></tr></table></template>
</body>
</html>
"""


def _city(gold: dict, v: WebVariant) -> str:
    """A city department's site: div layout, a bracketed info table, scripts."""
    n = gold["notice"]
    _, padded = _dates(gold)
    iso = gold["notice"]["date"]
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{_declaration(v)}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{n["title"]}</title>
<link rel="stylesheet" href="/css/common.css">
{_STYLE}</head>
<body>
<header class="head"><div class="logo"><a href="/">{n["issuers"][0]}</a></div>
<nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul></nav></header>
<div class="container">
<div class="position">您当前的位置：<a href="/">首页</a> &gt;
<a href="/zwgk/">政务公开</a> &gt; 政策文件</div>
<div class="zwxl-table">
<table>
<tbody>
<tr><td class="t1"><span>[ 索引号 ]</span></td><td class="t2">11500000MB1680402F/2021-00012</td>
<td class="t1"><span>[ 发文字号 ]</span></td><td class="t2">{n["doc_no"]}</td></tr>
<tr><td class="t1"><span>[ 主题分类 ]</span></td><td class="t2">民政</td>
<td class="t1"><span>[ 体裁分类 ]</span></td><td class="t2">通知</td></tr>
<tr><td class="t1"><span>[ 发布机构 ]</span></td><td class="t2">{n["issuers"][0]}</td>
<td class="t1"><span>[ 成文日期 ]</span></td><td class="t2">{iso}</td></tr>
<tr><td class="t1"><span>[ 发布日期 ]</span></td><td class="t2">{padded}</td>
<td class="t1"><span>[ 有效性 ]</span></td><td class="t2">有效</td></tr>
</tbody>
</table>
</div>
<div class="zwxl-article">
<div class="view TRS_UEDITOR trs_paper_default trs_web">
{_article(gold, v)}</div>
</div>
<div class="zwxl-bottom"><a href="javascript:window.print()">【打印】</a>
<a href="javascript:window.close()">【关闭】</a></div>
</div>
<footer><table class="footer" width="100%">
<tr><td>主办单位：{n["issuers"][0]}</td><td>地址：重庆市渝北区</td></tr>
<tr><td>电话：023-12345678</td><td>渝ICP备12345678号</td></tr></table></footer>
{_SCRIPT}</body>
</html>
"""


def _word(gold: dict, v: WebVariant) -> str:
    """Word's "save as web page" of the attachment: 附件, the list's title, the table."""
    n = gold["notice"]
    return f"""<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns:m="http://schemas.microsoft.com/office/2004/12/omml"
xmlns="http://www.w3.org/TR/REC-html40">

<head>
{_declaration(v)}<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<meta name=Originator content="Microsoft Word 15">
<title>附件</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties>
  <o:Author>user</o:Author>
 </o:DocumentProperties>
</xml><![endif]-->
<!--[if gte mso 9]><xml>
 <w:WordDocument>
  <w:View>Print</w:View>
  <w:SpellingState>Clean</w:SpellingState>
 </w:WordDocument>
</xml><![endif]-->
<style>
<!--
 /* Font Definitions */
 @font-face
	{{font-family:宋体;
	panose-1:2 1 6 0 3 1 1 1 1 1;
	mso-font-charset:134;}}
p.MsoNormal, li.MsoNormal, div.MsoNormal
	{{mso-style-unhide:no;
	margin:0cm;
	text-align:justify;
	text-justify:inter-ideograph;
	font-size:10.5pt;
	font-family:"Calibri",sans-serif;}}
@page WordSection1
	{{size:841.9pt 595.3pt;
	mso-page-orientation:landscape;}}
div.WordSection1
	{{page:WordSection1;}}
-->
</style>
<!--[if gte mso 10]>
<style>
 table.MsoNormalTable
	{{mso-style-name:普通表格;}}
</style>
<![endif]-->
</head>

<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>

<div class=WordSection1 style='layout-grid:15.6pt'>

<p class=MsoNormal><span style='font-size:16.0pt;font-family:黑体'>附件<span
lang=EN-US><o:p></o:p></span></span></p>

<p class=MsoNormal align=center style='text-align:center'><b><span
style='font-size:22.0pt;font-family:方正小标宋简体'>{n["list_title"]}<span
lang=EN-US><o:p></o:p></span></span></b></p>

<p class=MsoNormal style='display:none;mso-hide:all'><span>隐藏文字</span></p>

<div align=center>

{_list_tables(gold, v)}
</div>

<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>

</div>

</body>

</html>
"""


def _attachment(gold: dict, v: WebVariant) -> str:
    """An article whose list is only a link to a .docx: no table anywhere but the chrome's."""
    page = _govcn(gold, v)
    start = page.index('<div class="pages_content" id="zoom">')
    end = page.index('<div class="share">')
    return (page[:start] + '<div class="pages_content" id="zoom">\n'
            + _article(gold, v, attachment_link=True) + "</div>\n" + page[end:])


def main(argv: list[str]) -> int:
    from tests.goldtables import GOLD_2021, GOLD_2023, load_gold

    out = Path(argv[0] if argv else "web-pages")
    out.mkdir(parents=True, exist_ok=True)
    for label, gold_path in (("2021", GOLD_2021), ("2023", GOLD_2023)):
        gold = load_gold(gold_path)
        for name, variant in VARIANTS.items():
            print(write_page(gold, variant, out / f"{label}-{name}.html"))
        print(write_page(gold, ATTACHMENT_ONLY, out / f"{label}-attachment-only.html"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
