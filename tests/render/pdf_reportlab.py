"""Typeset a list notice with reportlab: our own table layout, every quirk under control.

This producer honours every ``Variant`` option: rules as lines or filled
rectangles, rules left out where a row breaks, header once or repeated, widow
control and a searched layout with a cell pushed to the next page, inline
sub-items, substituted ideographs, fake bold, stray spaces.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from tests.render.cells import COLUMN_WEIGHTS, FIELDS, build_cells, header_cells, notice_blocks
from tests.render.glyphsubst import substitute_ideographs
from tests.render.paginate import Frame, RowFragment, paginate_rows
from tests.render.variant import FONTS, Variant
from tests.render.wrap import Line, wrap_paragraph

A4 = (595.28, 841.89)
RUNNING_HEADER_BASELINE = 40.0  # from the top edge
PAGE_NUMBER_BASELINE = 28.0  # from the bottom edge


@dataclass(frozen=True)
class _Page:
    width: float
    height: float
    left: float
    right: float
    top: float  # top-down
    bottom: float  # top-down

    @property
    def text_width(self) -> float:
        return self.right - self.left


def _page(orientation: str, font_size: float) -> _Page:
    w, h = (A4[1], A4[0]) if orientation == "landscape" else A4
    side = 50.0 if orientation == "landscape" else 40.0
    return _Page(w, h, side, w - side, 58.0, h - 48.0)


class _Font:
    """A registered reportlab font with width measuring and glyph coverage."""

    _registered: ClassVar[dict[str, str]] = {}

    def __init__(self, key: str):
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfbase.ttfonts import TTFont

        path, index, family, _style = FONTS[key]
        if key not in self._registered:
            if path is None:
                pdfmetrics.registerFont(UnicodeCIDFont(family))
                self._registered[key] = family
            else:
                name = f"R-{key}"
                pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
                self._registered[key] = name
        self.name = self._registered[key]
        self._metrics = pdfmetrics
        font = pdfmetrics.getFont(self.name)
        self._cmap = getattr(getattr(font, "face", None), "charToGlyph", None)

    def width(self, text: str, size: float) -> float:
        return self._metrics.stringWidth(text, self.name, size)

    def has_glyph(self, ch: str) -> bool:
        return self._cmap is not None and ord(ch) in self._cmap


class _Painter:
    """Draws text and rules on a reportlab canvas with the variant's quirks."""

    def __init__(self, canvas, page: _Page, variant: Variant, font: _Font):
        self.c, self.page, self.v, self.font = canvas, page, variant, font
        self.rules: list[tuple[float, float, float, float]] = []

    def text(
        self,
        s: str,
        x: float,
        baseline: float,
        size: float,
        char_space: float = 0.0,
        font: _Font | None = None,
    ) -> None:
        """Draw ``s`` with its baseline ``baseline`` pt from the top edge."""
        if not s:
            return
        font = font or self.font
        y = self.page.height - baseline
        copies = [(0.0, 0.0)] + ([(self.v.fake_bold_offset, 0.0)] if self.v.fake_bold else [])
        for dx, dy in copies:
            t = self.c.beginText()
            t.setFont(font.name, size)
            if self.v.stray_spaces:
                rng = random.Random(zlib.crc32(s.encode()))
                xi = x + dx
                for i, ch in enumerate(s):
                    t.setTextOrigin(xi, y + dy)
                    t.textOut(ch)
                    w = font.width(ch, size)
                    if i + 1 < len(s) and not ch.isspace() and rng.random() < 0.15:
                        t.setTextOrigin(xi + w, y + dy)
                        t.textOut(" ")
                    xi += w + char_space
            else:
                t.setCharSpace(char_space)
                t.setTextOrigin(x + dx, y + dy)
                t.textOut(s)
            self.c.drawText(t)

    def hline(self, x0: float, x1: float, y: float) -> None:
        self.rules.append((x0, y, x1, y))

    def vline(self, x: float, y0: float, y1: float) -> None:
        self.rules.append((x, y0, x, y1))

    def flush_rules(self) -> None:
        """Draw the collected rules (top-down coordinates) as lines or thin rectangles."""
        c, h, w = self.c, self.page.height, self.v.rule_width
        c.setLineWidth(w)
        for x0, y0, x1, y1 in self.rules:
            if self.v.rules == "rects":
                if y0 == y1:
                    c.rect(x0 - w / 2, h - y0 - w / 2, x1 - x0 + w, w, stroke=0, fill=1)
                else:
                    c.rect(
                        x0 - w / 2, h - max(y0, y1) - w / 2, w, abs(y1 - y0) + w, stroke=0, fill=1
                    )
            else:
                c.line(x0, h - y0, x1, h - y1)
        self.rules.clear()


def _page_furniture(p: _Painter, number: int, total: int) -> None:
    v, page = p.v, p.page
    size = 10.5
    if v.running_header:
        w = p.font.width(v.running_header, size)
        x = {
            "left": page.left,
            "right": page.right - w,
            "center": (page.left + page.right - w) / 2,
        }[v.running_header_align]
        p.text(v.running_header, x, RUNNING_HEADER_BASELINE, size)
        if v.running_header_rule:
            p.hline(page.left, page.right, RUNNING_HEADER_BASELINE + 5)
    if v.page_number:
        s = v.page_number.format(n=number, total=total)
        w = p.font.width(s, 12)
        if v.page_number_align == "outer":
            x = page.right - w if number % 2 else page.left
        else:
            x = (page.left + page.right - w) / 2
        p.text(s, x, page.height - PAGE_NUMBER_BASELINE, 12)


def _notice_pages(gold: dict, variant: Variant, font: _Font) -> list[list[tuple]]:
    """Lay out the covering notice: per page, (text, x, baseline, size, char space) runs.

    A run with text None is a red rule from x to x1 (its last field) at ``baseline``.
    """
    page = _page("portrait", 12)
    styles = {  # size, leading, space before, alignment
        "issuer": (16.0, 24.0, 0.0, "center"),
        "title": (16.0, 26.0, 18.0, "center"),
        "docno": (12.0, 20.0, 8.0, "center"),
        "para": (12.0, 21.0, 4.0, "justify"),
        "sign": (12.0, 19.0, 0.0, "right"),
        "date": (12.0, 19.0, 6.0, "right"),
    }
    pages: list[list] = [[]]
    y = page.top
    prev = None
    for kind, text in notice_blocks(gold):
        size, lead, before, align = styles[kind]
        if kind == "sign" and prev != "sign":
            before = 30.0
        if variant.notice_rule and prev == "issuer" and kind != "issuer":
            pages[-1].append((None, page.left, y + 8.0, 0.0, page.right))
            y += 16.0
        y += before
        indent = 2 * size if kind == "para" else 0.0
        lines = wrap_paragraph(text, page.text_width, lambda s, z=size: font.width(s, z), indent)
        for i, line in enumerate(lines):
            if y + lead > page.bottom:
                pages.append([])
                y = page.top
            x = page.left + (indent if i == 0 else 0.0)
            cs = 0.0
            if align == "center":
                x = (page.left + page.right - line.width) / 2
            elif align == "right":
                x = page.right - 2 * size - line.width
            elif not line.para_end and len(line.text) > 1:
                cs = (page.right - x - line.width) / (len(line.text) - 1)
            pages[-1].append((line.text, x, y + size, size, cs))
            y += lead
        prev = kind
    return pages


@dataclass
class _Table:
    """Column edges, header geometry and the wrapped cells of a list."""

    edges: dict[str, tuple[float, float]]
    header: list[tuple[object, list[Line]]]
    header_rows: tuple[float, float]
    rows: list[dict[str, list[Line]]]


def _sub(variant: Variant, font: _Font, text: str) -> str:
    return substitute_ideographs(text, variant.substitute, font.has_glyph)


def _table(gold: dict, variant: Variant, font: _Font, page: _Page) -> _Table:
    total = sum(COLUMN_WEIGHTS.values())
    edges, x = {}, page.left
    for f in FIELDS:
        w = page.text_width * COLUMN_WEIGHTS[f] / total
        edges[f] = (x, x + w)
        x += w
    size, pad = variant.font_size, variant.cell_padding
    lead = size * variant.leading

    def wrap(field: str, paragraphs: list[str], header: bool = False) -> list[Line]:
        x0, x1 = edges[field]
        width = x1 - x0 - 2 * pad
        lines: list[Line] = []
        for para in paragraphs:
            para = _sub(variant, font, para)
            lines += wrap_paragraph(para, width, lambda s: font.width(s, size))
        return lines

    header = []
    for cell in header_cells(gold, variant):
        x0, x1 = edges[cell.fields[0]][0], edges[cell.fields[-1]][1]
        text = _sub(variant, font, cell.text)
        header.append(
            (cell, wrap_paragraph(text, x1 - x0 - 2 * pad, lambda s: font.width(s, size)))
        )
    h1 = max(
        (len(ls) * lead + 2 * pad for c, ls in header if c.row == 1 and c.rows == 1), default=0.0
    )
    h2 = max((len(ls) * lead + 2 * pad for c, ls in header if c.row == 2), default=0.0)
    tall = max(
        len(ls) * lead + 2 * pad for c, ls in header if c.rows == 2 or variant.header_levels == 1
    )
    if variant.header_levels == 1:
        h1, h2 = tall, 0.0
    elif h1 + h2 < tall:
        h2 = tall - h1
    rows = [{f: wrap(f, cells[f]) for f in FIELDS} for cells in build_cells(gold, variant)]
    return _Table(edges, header, (h1, h2), rows)


def _pushed_cell(pages: list[list[RowFragment]], table: _Table) -> bool:
    """A row split with its 序号 on one page and its whole name on the next."""
    return any(
        fr.open_bottom
        and fr.cells["seq"]
        and not fr.cells["name"]
        and table.rows[fr.index]["name"]
        and not fr.open_top
        for frs in pages
        for fr in frs
    )


def _paginate(table: _Table, variant: Variant, page: _Page, title_height: float):
    pad, lead = variant.cell_padding, variant.font_size * variant.leading
    offsets = [0.0] + ([float(i) for i in range(1, 400)] if variant.force_pushed_cell else [])
    for extra in offsets:
        frame = Frame(
            page.top + title_height + extra,
            page.top,
            page.bottom,
            sum(table.header_rows),
            variant.header_repeat,
            lead,
            pad,
        )
        pages = paginate_rows(table.rows, frame, variant.widow_control)
        if not variant.force_pushed_cell or _pushed_cell(pages, table):
            return frame, pages
    raise ValueError(f"{variant.name}: no layout pushes a cell to the next page")


def _draw_header(p: _Painter, table: _Table, top: float) -> None:
    v = p.v
    size, pad = v.font_size, v.cell_padding
    lead = size * v.leading
    h1, h2 = table.header_rows
    left, right = table.edges[FIELDS[0]][0], table.edges[FIELDS[-1]][1]
    p.hline(left, right, top)
    p.hline(left, right, top + h1 + h2)
    for cell, lines in table.header:
        x0, x1 = table.edges[cell.fields[0]][0], table.edges[cell.fields[-1]][1]
        y0 = top + (h1 if cell.row == 2 else 0.0)
        y1 = top + h1 + h2 if (cell.rows == 2 or cell.row == 2) else top + h1
        if cell.row == 1 and cell.rows == 1 and v.header_levels == 2:
            p.hline(x0, x1, y1)
        p.vline(x0, y0, y1)
        p.vline(x1, y0, y1)
        for i, line in enumerate(lines):
            p.text(line.text, (x0 + x1 - line.width) / 2, y0 + pad + i * lead + size * 0.95, size)


def _draw_fragment(p: _Painter, table: _Table, fr: RowFragment) -> None:
    v = p.v
    size, pad = v.font_size, v.cell_padding
    lead = size * v.leading
    top, bottom = fr.top, fr.top + fr.height
    draw_top = not fr.open_top or v.break_rules
    draw_bottom = not fr.open_bottom or v.break_rules
    # One rule per row edge, or (Word) every cell its own box: shared edges drawn twice.
    spans = (
        [table.edges[f] for f in FIELDS]
        if v.cell_borders
        else [(table.edges[FIELDS[0]][0], table.edges[FIELDS[-1]][1])]
    )
    for x0, x1 in spans:
        if draw_top:
            p.hline(x0, x1, top)
        if draw_bottom:
            p.hline(x0, x1, bottom)
        p.vline(x0, top, bottom)
        if v.cell_borders:
            p.vline(x1, top, bottom)
    for f in FIELDS:
        x0, x1 = table.edges[f]
        if not v.cell_borders:
            p.vline(x1, top, bottom)
        width = x1 - x0 - 2 * pad
        shift = 0.0
        if f in v.middle:
            shift = max(0.0, (fr.height - 2 * pad - len(fr.cells[f]) * lead) / 2)
        for i, line in enumerate(fr.cells[f]):
            baseline = fr.top + shift + pad + i * lead + size * 0.95
            cs = 0.0
            x = x0 + pad
            if f in v.centered:
                x = (x0 + x1 - line.width) / 2
            elif v.justify and not line.para_end and len(line.text) > 1:
                slack = width - line.width
                if slack <= size * 2.5:
                    cs = slack / (len(line.text) - 1)
            p.text(line.text, x, baseline, size, cs)


def _title_lines(gold: dict, variant: Variant, font: _Font, page: _Page) -> list[Line]:
    """The list title above the table (none without the attachment label)."""
    if not variant.attachment_label:
        return []
    title = _sub(variant, font, gold["notice"]["list_title"])
    return wrap_paragraph(title, page.text_width, lambda s: font.width(s, 18))


def _title_height(lines: list[Line]) -> float:
    return (24.0 + 28.0 * len(lines) + 8.0) if lines else 0.0


def render_reportlab(gold: dict, out_pdf: Path, variant: Variant) -> Path:
    """Write the notice ``gold`` typeset as ``variant`` to ``out_pdf``; return the path."""
    from reportlab.pdfgen.canvas import Canvas

    font = _Font(variant.font)
    hfont = _Font(variant.header_font) if variant.header_font else font
    notice = _notice_pages(gold, variant, hfont) if variant.notice_pages else []
    page = _page(variant.orientation, variant.font_size)
    table = _table(gold, variant, font, page)
    title_lines = _title_lines(gold, variant, hfont, page)
    frame, pages = _paginate(table, variant, page, _title_height(title_lines))
    total = len(notice) + len(pages)

    out_pdf = Path(out_pdf)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(out_pdf), pagesize=(page.width, page.height), invariant=1, pageCompression=1)
    c.setTitle(gold["notice"]["title"])
    c.setAuthor("tests.render")
    c.setCreator(f"tests.render reportlab variant {variant.name}")
    number = 0
    portrait = _page("portrait", 12)
    for runs in notice:
        number += 1
        c.setPageSize((portrait.width, portrait.height))
        p = _Painter(c, portrait, variant, hfont)
        _page_furniture(p, number, total)
        for text, x, baseline, size, cs in runs:
            if text is None:  # the red rule of an official document, drawn on its own
                c.setStrokeColorRGB(0.85, 0.1, 0.1)
                c.setLineWidth(1.5)
                c.line(x, portrait.height - baseline, cs, portrait.height - baseline)
                c.setStrokeColorRGB(0, 0, 0)
            else:
                p.text(_sub(variant, hfont, text), x, baseline, size, cs)
        p.flush_rules()
        c.showPage()
    for i, frags in enumerate(pages):
        number += 1
        c.setPageSize((page.width, page.height))
        p = _Painter(c, page, variant, font)
        _page_furniture(p, number, total)
        top = frame.page_top
        if i == 0:
            if title_lines:
                p.text(_sub(variant, hfont, "附件"), page.left, page.top + 12, 14, font=hfont)
                for k, line in enumerate(title_lines):
                    p.text(
                        line.text,
                        (page.left + page.right - line.width) / 2,
                        page.top + 24 + 28 * k + 18,
                        18,
                        font=hfont,
                    )
            top = frame.first_top
        if i == 0 or variant.header_repeat:
            _draw_header(p, table, top)
        for fr in frags:
            _draw_fragment(p, table, fr)
        p.flush_rules()
        c.showPage()
    c.save()
    return out_pdf


def layout_facts(gold: dict, variant: Variant) -> dict:
    """What the layout of ``gold`` as ``variant`` contains, for tests of the generator.

    ``pushed_cells``: (table page, 序号) of rows split with the 序号 on one page
    and the whole name cell on the next; ``split_rows``: rows broken across pages.
    """
    font = _Font(variant.font)
    hfont = _Font(variant.header_font) if variant.header_font else font
    page = _page(variant.orientation, variant.font_size)
    table = _table(gold, variant, font, page)
    title_height = _title_height(_title_lines(gold, variant, hfont, page))
    _frame, pages = _paginate(table, variant, page, title_height)
    seqs = [it["seq"] for it in gold["items"]]
    return {
        "table_pages": len(pages),
        "pushed_cells": [
            (i, seqs[fr.index])
            for i, frs in enumerate(pages)
            for fr in frs
            if fr.open_bottom and fr.cells["seq"] and not fr.cells["name"] and not fr.open_top
        ],
        "split_rows": sum(fr.open_bottom for frs in pages for fr in frs),
    }
