"""What a rendering prints: the list's cells as paragraphs, the header, the notice text.

Producers share this so that they differ only in typesetting.  Nothing here
changes the text a correct extraction must return; ``inline_subitems`` only
moves level-2 sub-items into their parent's paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.render.variant import SEQ_STYLES, Variant

#: Fields whose paragraphs take a first-line indent (Variant.cell_indent).
INDENTED_FIELDS = ("content", "tasks_text")
IDEOGRAPHIC_INDENT = "\u3000\u3000"

FIELDS = ("seq", "name", "content", "tasks_text", "basis_text", "department_text", "remarks")

#: Relative column widths (they are scaled to the page's text width).
COLUMN_WEIGHTS = {
    "seq": 4.6,
    "name": 12.0,
    "content": 14.0,
    "tasks_text": 38.0,
    "basis_text": 13.0,
    "department_text": 9.0,
    "remarks": 4.0,
}

FLAT_HEADER = {
    "seq": "序号",
    "name": "事项名称",
    "content": "具体内容",
    "tasks_text": "协助工作细化事项",
    "basis_text": "依据",
    "department_text": "主管单位",
    "remarks": "备注",
}
CONTENT_LABEL = "基层群众性自治组织依法协助政府工作具体内容"

# Body of the covering notice: generic enough for any list (the extractor reads
# only the title block, number and date from these pages).
NOTICE_BODY = (
    "为深入贯彻党中央、国务院和市委、市政府关于推进基层减负的有关精神，进一步厘清乡镇人民政府"
    "（街道办事处）和基层群众性自治组织权责边界，推动村（社区）减负增效，经征求市级各相关部门意见，"
    "形成《{list_title}》。现印发给你们，并就有关事项通知如下：",
    "一、严格实行清单管理。各区县要严格落实清单，进一步清理延伸到村（社区）的工作事项，对清单之外"
    "的事项，不得以行政命令方式要求基层群众性自治组织办理，基层群众性自治组织也有权拒绝。",
    "二、全面落实“权随责走、费随事转”。各级政府及相关部门要切实履行主体责任，对政府部门向基层群众性"
    "自治组织购买服务或基层群众性自治组织依法协助政府的工作事项，积极创造条件，在做法上给予指导，"
    "在经费上给予保障。",
    "三、切实发挥基层组织自治能力。健全基层党组织领导下的基层群众自治机制，对基层群众性自治组织"
    "依法自治事项，要依法组织群众开展以自我管理、自我教育、自我服务、自我监督为主要内容的基层自治实践。",
    "四、进一步强化责任落实。各区县要提高政治站位，切实增强持续开展城乡社区减负工作的责任感和紧迫感，"
    "加强组织领导，严格责任落实，确保基层群众性自治组织依法协助政府工作事项规范到位、执行到位。",
)
ADDRESSEES = (
    "各区县（自治县）民政局、政法委、民族宗教委、公安局、城管局、卫生健康委、规划自然资源局、"
    "住房城乡建委、应急管理局、气象局，两江新区、重庆高新区、万盛经开区相关部门，有关单位："
)


def column_weights(variant: Variant) -> dict[str, float]:
    """Relative column widths: the variant's own, or COLUMN_WEIGHTS."""
    if variant.column_weights:
        return dict(zip(FIELDS, variant.column_weights, strict=True))
    return dict(COLUMN_WEIGHTS)


@dataclass(frozen=True)
class HeaderCell:
    """One header cell: its text and the fields (columns) it spans; ``rows`` 1 or 2."""

    text: str
    fields: tuple[str, ...]
    row: int
    rows: int


def _seq_text(seq: int, variant: Variant) -> str:
    fw = "".join(chr(ord(d) + 0xFEE0) for d in str(seq))
    return SEQ_STYLES[variant.seq_style].format(n=seq, fw=fw)


def _marker(marker: str, variant: Variant) -> str:
    """A level-1 marker as typed: "1." may be "1．" or "1、" (the scorer keeps the number)."""
    if marker.endswith("."):
        return marker[:-1] + variant.task_marker
    return marker


def _invisible(text: str, variant: Variant) -> str:
    """``text`` with the variant's zero-width character after every 7th character."""
    if not variant.invisible or len(text) < 8:
        return text
    return "".join(ch + (variant.invisible if i % 7 == 6 else "") for i, ch in enumerate(text))


def _task_paragraphs(tasks: list[dict], variant: Variant) -> list[str]:
    sep = variant.marker_gap if variant.marker_space else ""
    out, section = [], None
    for t in tasks:
        if t.get("section") and t["section"] != section:
            section = t["section"]
            out.append(f"{section}：")
        marker = _marker(t["marker"], variant) if t["marker"] else None
        head = f"{marker}{sep}{t['text']}" if marker else t["text"]
        kids = [f"{c['marker']}{c['text']}" for c in t["children"]]
        if variant.inline_subitems and kids:
            out.append(" ".join([head, *kids]))
        else:
            out.append(head)
            out.extend(kids)
    return out


def build_cells(gold: dict, variant: Variant) -> list[dict[str, list[str]]]:
    """Return one dict per item: field → its paragraphs, in FIELDS order."""
    rows = []
    for it in gold["items"]:
        row = {
            "seq": [_seq_text(it["seq"], variant)],
            "name": [it["name"]],
            "content": [p for p in it["content"].split("\n") if p],
            "tasks_text": _task_paragraphs(it["tasks"], variant),
            "basis_text": [p for p in it["basis_text"].split("\n") if p],
            "department_text": [it["department_text"]],
            "remarks": [it["remarks"]] if it.get("remarks") else [],
        }
        if variant.cell_indent == "ideographic":  # Word users type the indent
            for f in INDENTED_FIELDS:
                row[f] = [IDEOGRAPHIC_INDENT + p for p in row[f]]
        if variant.invisible:
            row = {f: [_invisible(p, variant) for p in ps] for f, ps in row.items()}
        rows.append(row)
    return rows


def header_cells(gold: dict, variant: Variant) -> list[HeaderCell]:
    """The header rows: two-level (parent document spanning name and content) or flat."""
    if variant.header_levels == 1:
        return [HeaderCell(FLAT_HEADER[f], (f,), 1, 1) for f in FIELDS]
    parent = gold["notice"].get("parent_doc_no") or "渝府办发〔2019〕23号"
    return [
        HeaderCell("序号", ("seq",), 1, 2),
        HeaderCell(parent, ("name", "content"), 1, 1),
        HeaderCell("协助工作细化事项", ("tasks_text",), 1, 2),
        HeaderCell("依据", ("basis_text",), 1, 2),
        HeaderCell("主管单位", ("department_text",), 1, 2),
        HeaderCell("备注", ("remarks",), 1, 2),
        HeaderCell("事项名称", ("name",), 2, 1),
        HeaderCell(CONTENT_LABEL, ("content",), 2, 1),
    ]


def header_grid(gold: dict, variant: Variant) -> list[list[tuple[str, HeaderCell | None]]]:
    """The header as rows of (field, cell) slots: each cell at its first field, ``None``
    where a cell from the row above spans down (a covered slot); slots inside a
    cell's column span are left out."""
    head = header_cells(gold, variant)
    grid = []
    for r in (1, 2):
        cells = [c for c in head if c.row == r]
        if not cells:
            continue
        slots: list[tuple[str, HeaderCell | None]] = []
        for f in FIELDS:
            c = next((c for c in cells if c.fields[0] == f), None)
            if c is not None:
                slots.append((f, c))
            elif not any(f in c.fields for c in cells):
                slots.append((f, None))
        grid.append(slots)
    return grid


def notice_blocks(gold: dict) -> list[tuple[str, str]]:
    """The covering notice as (kind, text) blocks: issuer, title, docno, para, sign, date."""
    n = gold["notice"]
    y, m, d = (int(x) for x in n["date"].split("-"))
    blocks: list[tuple[str, str]] = [("issuer", i) for i in n["issuers"]]
    blocks += [("title", n["title"]), ("docno", n["doc_no"]), ("para", ADDRESSEES)]
    blocks += [("para", p.format(list_title=n["list_title"])) for p in NOTICE_BODY]
    blocks.append(("para", f"附件：{n['list_title']}"))
    blocks += [("sign", i) for i in n["issuers"]]
    blocks.append(("date", f"{y}年{m}月{d}日"))
    return blocks
