"""Typeset a list notice as a Word .docx (raw WordprocessingML) and export it with LibreOffice.

Real notices are written in Word or WPS and exported to PDF; the 2021
replica itself was a python-docx document exported by LibreOffice 7.4.  This
producer writes the few .docx parts by hand (no python-docx needed):
``[Content_Types].xml``, ``_rels/.rels``, ``word/document.xml``,
``word/styles.xml``, ``word/settings.xml``, headers/footers and their rels.

The document is what a clerk makes in Word: a portrait section with the
notice (optionally a red 文件 head and red rule, issuers, number, title,
body with 2-character first-line indents, 附件 line, signature, date), a
landscape section with "附件", the list title and the table (w:tblHeader
header rows, w:cantSplit rows, w:vMerge/w:gridSpan two-level header,
w:vAlign, w:shd, thicker outer w:tblBorders), and optionally a closing
portrait section or paragraphs with the 抄送/印发 lines.

Options honoured: orientation, paper (A4 | A3 | Letter), margins, font,
header_font, latin_font, font_size, leading, running_header (+align, +rule),
page_number (+outer), title_page, notice_pages, notice_rule (red head and
rule), attachment_label, attachment_new_page, header_repeat, header_levels,
justify, distribute, middle, centered, cell_indent (ideographic | geometric
as w:firstLineChars), header_shading, zebra, bold_header, outer_rule_width,
rule_width, cell_padding, cell_spacing, allow_row_split, doc_grid, closing,
table_note, auto_numbering (w:numPr), title_in_table, split_item_rows
(w:vMerge), cell_para_after, vertical_header (w:textDirection),
inline_subitems, marker_space, substitute, column_weights, widow_control,
and the text options of ``cells.build_cells`` (seq_style, task_marker,
marker_gap, invisible).

Writer (like Word) clips a row kept whole (w:cantSplit) that is taller than
a page, and lets a vertically merged cell taller than the rows it spans
overflow the table: the fuzzer and the cases avoid both (the text is lost
or lies outside the table, so no extraction can be expected).

``render_docx`` converts many documents in one soffice run (like pdf_soffice).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from tests.render.cells import (
    FIELDS,
    INDENTED_FIELDS,
    build_cells,
    column_weights,
    header_grid,
    notice_blocks,
)
from tests.render.glyphsubst import font_has_glyph, substitute_ideographs
from tests.render.variant import FONTS, LATIN_FONTS, Variant

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

#: Paper sizes in twips (1/20 pt), portrait (width, height).
PAPER_TWIPS = {"A4": (11906, 16838), "A3": (16838, 23811), "Letter": (12240, 15840)}
#: Page margins in twips (top, bottom, left/right) by Variant.margins and orientation.
MARGINS = {
    ("normal", "portrait"): (2098, 1984, 1587),  # GB/T 9704: 37 / 35 / 28 mm
    ("normal", "landscape"): (1418, 1134, 1440),
    ("narrow", "portrait"): (720, 720, 720),  # Word's "Narrow": 1.27 cm all round
    ("narrow", "landscape"): (720, 720, 720),
}
#: The 抄送/印发 block (版记) printed after the list.
CLOSING_CC = "抄送：民政部，市委办公厅，市人大常委会办公厅，市政府办公厅，市政协办公厅。"
CLOSING_PRINTED = "重庆市民政局办公室"


#: Content type suffix of the parts other than document, styles and settings.
_PART_KIND = {"header": "header", "footer": "footer", "number": "numbering"}


def _tw(pt: float) -> int:
    return round(pt * 20)


def _fonts_xml(east: str, latin: str) -> str:
    return (
        f'<w:rFonts w:ascii="{escape(latin)}" w:hAnsi="{escape(latin)}" '
        f'w:eastAsia="{escape(east)}" w:cs="{escape(latin)}" w:hint="eastAsia"/>'
    )


class _Doc:
    """Builds the XML of one document for one variant."""

    def __init__(self, gold: dict, v: Variant):
        self.gold, self.v = gold, v
        has = font_has_glyph(v.font)
        self.sub = lambda t: substitute_ideographs(t, v.substitute, has)
        self.east = FONTS[v.font][2]
        self.head_east = FONTS[v.header_font or v.font][2]
        self.latin = LATIN_FONTS[v.latin_font][1] if v.latin_font else self.east
        self.parts: dict[str, str] = {}
        self.rels: list[tuple[str, str, str]] = []  # (id, type, target)
        self.nums = 0  # w:num instances made so far (one per numbering restart)
        self._furniture: str | None = None

    # --- runs and paragraphs ------------------------------------------------------------

    def run(
        self,
        text: str,
        size: float | None = None,
        bold: bool = False,
        color: str | None = None,
        east: str | None = None,
    ) -> str:
        props = [_fonts_xml(east or self.east, self.latin if east is None else east)]
        if bold:
            props.append("<w:b/><w:bCs/>")
        if color:
            props.append(f'<w:color w:val="{color}"/>')
        if size:
            props.append(f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>')
        return (
            f"<w:r><w:rPr>{''.join(props)}</w:rPr>"
            f'<w:t xml:space="preserve">{escape(self.sub(text))}</w:t></w:r>'
        )

    def para(
        self,
        runs: str,
        jc: str | None = None,
        first_chars: int = 0,
        first_pt: float = 0.0,
        before: float = 0.0,
        after: float = 0.0,
        line: float | None = None,
        border: str = "",
        keep_next: bool = False,
        sect: str = "",
        right_chars: int = 0,
        num: tuple[int, int] | None = None,
    ) -> str:
        pp = []
        if num is not None:  # (w:numId, w:ilvl): Word's list numbering draws the marker
            pp.append(f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>')
        if keep_next:
            pp.append("<w:keepNext/>")
        if border:
            pp.append(f"<w:pBdr>{border}</w:pBdr>")
        sp = f'w:before="{_tw(before)}" w:after="{_tw(after)}"'
        if line is not None:
            sp += f' w:line="{round(line * 240)}" w:lineRule="auto"'
        pp.append(f"<w:spacing {sp}/>")
        ind = []
        if first_chars:
            ind.append(f'w:firstLineChars="{first_chars * 100}"')
            ind.append(f'w:firstLine="{_tw(first_pt)}"')
        if right_chars:
            ind.append(f'w:rightChars="{right_chars * 100}" w:right="{_tw(right_chars * 16)}"')
        if ind:
            pp.append(f"<w:ind {' '.join(ind)}/>")
        if jc:
            pp.append(f'<w:jc w:val="{jc}"/>')
        return f"<w:p><w:pPr>{''.join(pp)}{sect}</w:pPr>{runs}</w:p>"

    # --- headers and footers ------------------------------------------------------------

    def _part(self, kind: str, body: str) -> str:
        """Add a header/footer part; return its relationship id."""
        n = len(self.rels) + 1
        rid = f"rId{n + 10}"
        name = f"{kind}{n}.xml"
        self.parts[f"word/{name}"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:{"hdr" if kind == "header" else "ftr"} xmlns:w="{_W}" xmlns:r="{_R}">'
            f"{body}</w:{'hdr' if kind == 'header' else 'ftr'}>"
        )
        self.rels.append((rid, f"{_R}/{kind}", name))
        return rid

    def _page_field(self, form: str, size: float) -> str:
        out = []
        for piece in re.split(r"(\{n\}|\{total\})", form):
            if piece in ("{n}", "{total}"):
                instr = "PAGE" if piece == "{n}" else "NUMPAGES"
                sz = round(size * 2)
                rpr = f'<w:rPr>{_fonts_xml(self.east, self.latin)}<w:sz w:val="{sz}"/></w:rPr>'
                out.append(
                    f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
                    f'<w:r>{rpr}<w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
                    f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
                    f"<w:r>{rpr}<w:t>1</w:t></w:r>"
                    f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
                )
            elif piece:
                out.append(self.run(piece, size))
        return "".join(out)

    def furniture(self) -> str:
        """Header/footer references for a sectPr (the same parts for every section)."""
        v = self.v
        if self._furniture is None:
            refs = []
            if v.running_header:
                jc = {"left": "left", "center": "center", "right": "right"}[v.running_header_align]
                border = (
                    '<w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/>'
                    if v.running_header_rule
                    else ""
                )
                rid = self._part(
                    "header", self.para(self.run(v.running_header, 10.5), jc=jc, border=border)
                )
                refs.append(f'<w:headerReference w:type="default" r:id="{rid}"/>')
                if v.page_number_align == "outer":  # odd and even pages differ: both set
                    refs.append(f'<w:headerReference w:type="even" r:id="{rid}"/>')
            if v.page_number:
                num = self._page_field(v.page_number, 14.0)
                if v.page_number_align == "outer":
                    odd = self._part("footer", self.para(num, jc="right", right_chars=1))
                    even = self._part("footer", self.para(num, jc="left"))
                    refs.append(f'<w:footerReference w:type="default" r:id="{odd}"/>')
                    refs.append(f'<w:footerReference w:type="even" r:id="{even}"/>')
                else:
                    rid = self._part("footer", self.para(num, jc="center"))
                    refs.append(f'<w:footerReference w:type="default" r:id="{rid}"/>')
            if v.title_page:  # an empty first-page header and footer: none on page 1
                refs.append(
                    f'<w:headerReference w:type="first" r:id="{self._part("header", "<w:p/>")}"/>'
                )
                refs.append(
                    f'<w:footerReference w:type="first" r:id="{self._part("footer", "<w:p/>")}"/>'
                )
            self._furniture = "".join(refs)
        return self._furniture

    def sect(self, orientation: str, first: bool = False) -> str:
        v = self.v
        pw, ph = PAPER_TWIPS[v.paper]
        w, h = (ph, pw) if orientation == "landscape" else (pw, ph)
        top, bottom, side = MARGINS[(v.margins, orientation)]
        orient = ' w:orient="landscape"' if orientation == "landscape" else ""
        grid = {
            None: "",
            "lines": '<w:docGrid w:type="lines" w:linePitch="312"/>',
            "chars": '<w:docGrid w:type="linesAndChars" w:linePitch="312" w:charSpace="1024"/>',
        }[v.doc_grid]
        title = "<w:titlePg/>" if v.title_page and first else ""
        return (
            f'<w:sectPr>{self.furniture()}<w:type w:val="nextPage"/>'
            f'<w:pgSz w:w="{w}" w:h="{h}"{orient}/>'
            f'<w:pgMar w:top="{top}" w:right="{side}" w:bottom="{bottom}" w:left="{side}" '
            f'w:header="851" w:footer="992" w:gutter="0"/>{title}{grid}</w:sectPr>'
        )

    def list_orientation(self) -> str:
        """Without a section break the list stays in the notice's portrait section."""
        v = self.v
        return "portrait" if v.notice_pages and not v.attachment_new_page else v.orientation

    def text_width(self, orientation: str) -> int:
        pw, ph = PAPER_TWIPS[self.v.paper]
        w = ph if orientation == "landscape" else pw
        return w - 2 * MARGINS[(self.v.margins, orientation)][2]

    # --- the notice ---------------------------------------------------------------------

    def notice(self) -> list[str]:
        v, out = self.v, []
        blocks = notice_blocks(self.gold)
        issuers = [t for k, t in blocks if k == "issuer"]
        if v.notice_rule:  # red head: 文件 after the issuers, red rule under the number
            red = "FF0000"
            for i, name in enumerate(issuers):
                text = name + ("文件" if len(issuers) == 1 else "")
                out.append(
                    self.para(
                        self.run(
                            text, 22 if len(issuers) == 1 else 16, color=red, east=self.head_east
                        ),
                        jc="distribute" if len(issuers) > 1 else "center",
                        line=1.0,
                        before=30 if i == 0 else 0,
                    )
                )
            if len(issuers) > 1:
                out.append(
                    self.para(self.run("文件", 22, color=red, east=self.head_east), jc="center")
                )
        else:
            out += [
                self.para(self.run(t, 16, east=self.head_east), jc="center", line=1.5)
                for t in issuers
            ]
        docno = next(t for k, t in blocks if k == "docno")
        rule = (
            '<w:bottom w:val="single" w:sz="18" w:space="4" w:color="FF0000"/>'
            if v.notice_rule
            else ""
        )
        out.append(self.para(self.run(docno, 16), jc="center", before=12, after=18, border=rule))
        title = next(t for k, t in blocks if k == "title")
        out.append(
            self.para(self.run(title, 22, east=self.head_east), jc="center", after=12, line=1.2)
        )
        body = [t for k, t in blocks if k == "para"]
        out.append(self.para(self.run(body[0], 16), jc="both", line=1.4))
        for t in body[1:]:
            out.append(self.para(self.run(t, 16), jc="both", first_chars=2, first_pt=32, line=1.4))
        out.append(self.para("", line=1.4))
        for t in issuers:
            out.append(self.para(self.run(t, 16), jc="right", right_chars=4))
        date = next(t for k, t in blocks if k == "date")
        out.append(self.para(self.run(date, 16), jc="right", right_chars=4))
        return out

    def closing(self, orientation: str) -> list[str]:
        """抄送 / 印发 lines (版记): full-width rules above, between and below."""
        y, m, d = (int(x) for x in self.gold["notice"]["date"].split("-"))
        thick = '<w:top w:val="single" w:sz="8" w:space="1" w:color="auto"/>'
        thin = '<w:bottom w:val="single" w:sz="4" w:space="1" w:color="auto"/>'
        thick_bottom = '<w:bottom w:val="single" w:sz="8" w:space="1" w:color="auto"/>'
        gap = "\u3000" * (8 if orientation == "portrait" else 20)
        return [
            self.para("", before=24),
            self.para(self.run(CLOSING_CC, 14), jc="both", border=thick + thin),
            self.para(
                self.run(f"{CLOSING_PRINTED}{gap}{y}年{m}月{d}日印发", 14),
                jc="left",
                border=thick_bottom,
            ),
        ]

    # --- the table ----------------------------------------------------------------------

    def _tc(
        self,
        paragraphs: list,
        field: str,
        width: int,
        header: bool = False,
        span: int = 1,
        vmerge: str | None = None,
        shade: str | None = None,
        borders: str = "",
    ) -> str:
        """One w:tc; a paragraph is its text or (text, (numId, ilvl)) for a numbered one."""
        v = self.v
        pr = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
        if span > 1:
            pr.append(f'<w:gridSpan w:val="{span}"/>')
        if vmerge == "restart":
            pr.append('<w:vMerge w:val="restart"/>')
        elif vmerge == "continue":
            pr.append("<w:vMerge/>")
        if borders:
            pr.append(f"<w:tcBorders>{borders}</w:tcBorders>")
        if shade:
            pr.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>')
        if header and field in v.vertical_header:  # 文字方向: stacked top to bottom
            pr.append('<w:textDirection w:val="tbRlV"/>')
        middle = header or field in v.middle
        pr.append(f'<w:vAlign w:val="{"center" if middle else "top"}"/>')
        if header:
            jc = "center"
        elif field in v.distribute:
            jc = "distribute"
        elif field in v.centered:
            jc = "center"
        else:
            jc = "both" if v.justify else "left"
        geometric = v.cell_indent == "geometric" and field in INDENTED_FIELDS and not header
        ps = []
        for p in paragraphs:
            text, num = p if isinstance(p, tuple) else (p, None)
            ps.append(
                self.para(
                    self.run(text, v.font_size, bold=header and v.bold_header),
                    jc=jc,
                    first_chars=2 if geometric and num is None else 0,
                    first_pt=2 * v.font_size if geometric and num is None else 0,
                    line=v.leading / 1.3 if v.leading != 1.3 else None,
                    after=0.0 if header else v.cell_para_after,
                    num=num,
                )
            )
        return f"<w:tc><w:tcPr>{''.join(pr)}</w:tcPr>{''.join(ps) or '<w:p/>'}</w:tc>"

    def _numbered_tasks(self, tasks: list[dict]) -> list[list]:
        """Task paragraphs numbered by Word (markers not typed), one group per level-1 task.

        Each run of level-1 tasks (a cell, or a section of it) gets its own
        w:num restarting at 1; ① children restart under each level-1 task.
        """
        groups: list[list] = []
        section, num = None, None
        for t in tasks:
            group: list = []
            if t.get("section") and t["section"] != section:
                section = t["section"]
                group.append(f"{section}：")
                num = None
            if t["marker"] is None:
                group.append(t["text"])
            else:
                if num is None:
                    num = self._new_num()
                group.append((t["text"], (num, 0)))
                group += [(c["text"], (num, 1)) for c in t["children"]]
            groups.append(group)
        return groups

    def _new_num(self) -> int:
        self.nums += 1
        return self.nums

    def _typed_task_groups(self, item: dict, paragraphs: list[str]) -> list[list[str]]:
        """``paragraphs`` (build_cells' tasks) cut into one group per level-1 task."""
        groups, k, section = [], 0, None
        for t in item["tasks"]:
            n = 1
            if t.get("section") and t["section"] != section:
                section = t["section"]
                n += 1
            if not (self.v.inline_subitems and t["children"]):
                n += len(t["children"])
            groups.append(paragraphs[k : k + n])
            k += n
        assert k == len(paragraphs), (k, len(paragraphs))
        return groups

    def table(self) -> str:
        v = self.v
        width = self.text_width(self.list_orientation())
        weights = column_weights(v)
        total = sum(weights.values())
        cols = [round(width * weights[f] / total) for f in FIELDS]
        inner = max(2, round(v.rule_width * 8))
        outer = round((v.outer_rule_width or v.rule_width) * 8)

        def b(name: str, sz: int) -> str:
            return f'<w:{name} w:val="single" w:sz="{sz}" w:space="0" w:color="auto"/>'

        pad = _tw(v.cell_padding * 1.8)  # Word's default is 0.19 cm left/right
        tbl_pr = (
            "<w:tblPr>"
            f'<w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="center"/>'
            "<w:tblBorders>"
            + b("top", outer)
            + b("left", outer)
            + b("bottom", outer)
            + b("right", outer)
            + b("insideH", inner)
            + b("insideV", inner)
            + "</w:tblBorders>"
            '<w:tblLayout w:type="fixed"/>'
            + (
                f'<w:tblCellSpacing w:w="{_tw(v.cell_spacing)}" w:type="dxa"/>'
                if v.cell_spacing
                else ""
            )
            + f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{pad}" w:type="dxa"/>'
            f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{pad}" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="04A0"/></w:tblPr>'
        )
        grid = "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{c}"/>' for c in cols) + "</w:tblGrid>"
        shade = "D9D9D9" if v.header_shading else None
        cant = "" if v.allow_row_split else "<w:cantSplit/>"
        head_pr = f"<w:trPr>{cant}{'<w:tblHeader/>' if v.header_repeat else ''}</w:trPr>"
        col = dict(zip(FIELDS, cols, strict=True))
        rows = []
        for slots in header_grid(self.gold, v):
            xml = []
            for f, c in slots:
                if c is not None:
                    w = sum(col[x] for x in c.fields)
                    vm = "restart" if c.rows == 2 else None
                    xml.append(self._tc([c.text], f, w, True, len(c.fields), vm, shade))
                else:  # under a cell spanning two rows
                    xml.append(self._tc([], f, col[f], True, 1, "continue", shade))
            rows.append(f"<w:tr>{head_pr}{''.join(xml)}</w:tr>")
        if v.title_in_table:  # a boxed title row, repeated with the header
            title = self.gold["notice"]["list_title"]
            rows.insert(
                0,
                f"<w:tr>{head_pr}"
                + self._tc([title], "title", width, header=True, span=len(FIELDS))
                + "</w:tr>",
            )
        row_pr = f"<w:trPr>{cant}</w:trPr>" if cant else ""
        for k, (item, row) in enumerate(
            zip(self.gold["items"], build_cells(self.gold, v), strict=True)
        ):
            z = "F2F2F2" if v.zebra and k % 2 else None
            if v.auto_numbering and not v.inline_subitems:
                groups = self._numbered_tasks(item["tasks"])
            else:
                groups = self._typed_task_groups(item, row["tasks_text"])
            if not (v.split_item_rows and self._split_fits(row, groups, col)):
                groups = [[p for g in groups for p in g]]
            for g, tasks in enumerate(groups):
                cells = []
                for f in FIELDS:
                    if f == "tasks_text":
                        cells.append(self._tc(tasks, f, col[f], shade=z))
                    elif len(groups) == 1:
                        cells.append(self._tc(row[f], f, col[f], shade=z))
                    else:  # the other cells span the item's rows
                        merge = "continue" if g else "restart"
                        cells.append(
                            self._tc([] if g else row[f], f, col[f], vmerge=merge, shade=z)
                        )
                rows.append(f"<w:tr>{row_pr}{''.join(cells)}</w:tr>")
        return f"<w:tbl>{tbl_pr}{grid}{''.join(rows)}</w:tbl>"

    def _split_fits(self, row: dict, groups: list[list], col: dict[str, int]) -> bool:
        """Whether the item's merged cells fit in its task rows (estimated, with room).

        Writer 7.4 lets a vertically merged cell taller than the rows it spans
        overflow the table (Word grows the last row): split only items whose
        other cells are clearly shorter than their tasks.
        """
        pad = 2 * _tw(self.v.cell_padding * 1.8)

        def lines(paragraphs: list, field: str) -> int:
            per_line = max(1, int((col[field] - pad) / 20 / self.v.font_size))
            texts = [p[0] if isinstance(p, tuple) else p for p in paragraphs]
            return sum(-(-max(1, len(t)) // per_line) for t in texts)

        task_lines = sum(max(1, lines(g, "tasks_text")) for g in groups)
        return all(lines(row[f], f) <= 0.7 * task_lines for f in FIELDS if f != "tasks_text")

    def numbering(self) -> str | None:
        """word/numbering.xml: "1." (or the variant's mark) over "①", a w:num per restart."""
        n = self.nums
        if not n:
            return None
        mark = self.v.task_marker
        suff = "space" if self.v.marker_space else "nothing"
        lvl0 = (
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            f'<w:suff w:val="{suff}"/><w:lvlText w:val="%1{mark}"/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
        )
        lvl1 = (
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/>'
            '<w:suff w:val="nothing"/><w:lvlText w:val="%2"/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
        )
        nums = "".join(
            f'<w:num w:numId="{i}"><w:abstractNumId w:val="1"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
            for i in range(1, n + 1)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="{_W}">'
            f'<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>'
            f"{lvl0}{lvl1}</w:abstractNum>{nums}</w:numbering>"
        )

    # --- the whole document -------------------------------------------------------------

    def document(self) -> str:
        v = self.v
        body: list[str] = []
        list_orientation = self.list_orientation()
        if v.notice_pages:
            body += self.notice()
            if v.attachment_new_page:
                # the notice's section ends with its last paragraph
                body.append(self.para("", sect=self.sect("portrait", first=True)))
        if v.attachment_label:
            body.append(
                self.para(self.run("附件", 16, east=self.head_east), jc="left", keep_next=True)
            )
            body.append(
                self.para(
                    self.run(self.gold["notice"]["list_title"], 18, east=self.head_east),
                    jc="center",
                    after=8,
                    keep_next=True,
                )
            )
        body.append(self.table())
        if v.table_note:
            body.append(self.para(self.run(v.table_note, v.font_size), jc="left", before=4))
        if v.closing == "after-table":
            body += self.closing(list_orientation)
            body.append(f"<w:sectPr>{self._sect_inner(list_orientation)}</w:sectPr>")
        elif v.closing == "own-page":
            first = not (v.notice_pages and v.attachment_new_page)
            body.append(self.para("", sect=self.sect(list_orientation, first=first)))
            body += self.closing("portrait")
            body.append(f"<w:sectPr>{self._sect_inner('portrait')}</w:sectPr>")
        else:
            if not v.table_note:  # Word ends a document with a paragraph after a table
                body.append(self.para(""))
            body.append(f"<w:sectPr>{self._sect_inner(list_orientation)}</w:sectPr>")
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>{"".join(body)}</w:body>'
            "</w:document>"
        )

    def _sect_inner(self, orientation: str) -> str:
        v = self.v
        s = self.sect(orientation, first=not (v.notice_pages and v.attachment_new_page))
        return s[len("<w:sectPr>") : -len("</w:sectPr>")]

    def styles(self) -> str:
        v = self.v
        size = round(v.font_size * 2)
        widow = "<w:widowControl/>" if v.widow_control else '<w:widowControl w:val="0"/>'
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{_W}">'
            "<w:docDefaults><w:rPrDefault><w:rPr>"
            + _fonts_xml(self.east, self.latin)
            + f'<w:kern w:val="2"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
            f'<w:pPrDefault><w:pPr>{widow}<w:jc w:val="both"/></w:pPr></w:pPrDefault>'
            "</w:docDefaults>"
            '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
            "<w:qFormat/></w:style>"
            '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
            '<w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
            '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
            "</w:tblPr></w:style></w:styles>"
        )

    def settings(self) -> str:
        even = "<w:evenAndOddHeaders/>" if self.v.page_number_align == "outer" else ""
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w="{_W}">'
            f'{even}<w:defaultTabStop w:val="420"/>'
            '<w:characterSpacingControl w:val="compressPunctuation"/>'
            "<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/>"
            "<w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/>"
            "<w:adjustLineHeightInTable/><w:useFELayout/>"
            '<w:compatSetting w:name="compatibilityMode" '
            'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
            "</w:settings>"
        )

    def write(self, path: Path) -> None:
        document = self.document()  # first: it adds the header/footer parts
        numbering = self.numbering()
        if numbering is not None:
            self.parts["word/numbering.xml"] = numbering
            self.rels.append(("rId3", f"{_R}/numbering", "numbering.xml"))
        ct_parts = "".join(
            f'<Override PartName="/{name}" ContentType="application/vnd.openxmlformats-'
            f'officedocument.wordprocessingml.{_PART_KIND[name[5:11]]}+xml"/>'
            for name in self.parts
        )
        content_types = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            '<Override PartName="/word/styles.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
            '<Override PartName="/word/settings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f"{ct_parts}</Types>"
        )
        root_rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_R}/officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            "</Relationships>"
        )
        doc_rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_R}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId2" Type="{_R}/settings" Target="settings.xml"/>'
            + "".join(
                f'<Relationship Id="{rid}" Type="{typ}" Target="{target}"/>'
                for rid, typ, target in self.rels
            )
            + "</Relationships>"
        )
        core = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(self.gold['notice']['title'])}</dc:title>"
            "<dc:creator>python-docx</dc:creator>"
            '<dcterms:created xsi:type="dcterms:W3CDTF">2021-02-10T09:00:00Z</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">2021-02-10T09:00:00Z</dcterms:modified>'
            "</cp:coreProperties>"
        )
        # Fixed timestamps in the zip: the .docx is byte-for-byte reproducible.
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in (
                ("[Content_Types].xml", content_types),
                ("_rels/.rels", root_rels),
                ("docProps/core.xml", core),
                ("word/document.xml", document),
                ("word/styles.xml", self.styles()),
                ("word/settings.xml", self.settings()),
                ("word/_rels/document.xml.rels", doc_rels),
                *sorted(self.parts.items()),
            ):
                info = zipfile.ZipInfo(name, date_time=(2021, 2, 10, 9, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data.encode("utf-8"))


def write_docx(gold: dict, path: Path, variant: Variant) -> Path:
    """Write ``gold`` typeset as ``variant`` to the .docx ``path``."""
    _Doc(gold, variant).write(Path(path))
    return Path(path)


def render_docx(jobs: list[tuple[dict, Path, Variant]], profile: Path | None = None) -> list[Path]:
    """Write each (gold, out_pdf, variant) as a .docx and export all in one soffice run."""
    from tests.render.pdf_soffice import convert_to_pdf

    with tempfile.TemporaryDirectory(prefix="render-docx-") as tmp:
        sources = [write_docx(g, Path(tmp) / f"job{i}.docx", v)
                   for i, (g, _o, v) in enumerate(jobs)]
        return convert_to_pdf(sources, [out for _g, out, _v in jobs], Path(tmp), profile)
