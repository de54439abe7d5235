"""Typeset a list notice with reportlab: our own table layout, every quirk under control.

This producer honours every ``Variant`` option: rules as lines, filled
rectangles or per-cell boxes, rules left out where a row breaks, header once or
repeated, widow control and a searched layout with a cell pushed to the next
page, inline sub-items, substituted ideographs, fake bold, stray spaces, a Latin
font for ASCII runs, rotated pages, shading, "续表" labels, a note under the
table, a trailing empty row and the order in which text is drawn.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from pathlib import Path

from tests.render.cells import (
    FIELDS,
    INDENTED_FIELDS,
    build_cells,
    column_weights,
    header_cells,
    notice_blocks,
)
from tests.render.glyphsubst import substitute_ideographs
from tests.render.paginate import Frame, RowFragment, paginate_rows
from tests.render.variant import FONTS, LATIN_FONTS, Variant
from tests.render.wrap import Line, wrap_paragraph

PAPER = {"A4": (595.28, 841.89), "Letter": (612.0, 792.0)}
RUNNING_HEADER_BASELINE = 40.0  # from the top edge
PAGE_NUMBER_BASELINE = 28.0  # from the bottom edge
CONTINUED_LABEL_HEIGHT = 20.0
NOTE_SIZE = 10.5


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


def _page(orientation: str, paper: str = "A4") -> _Page:
    pw, ph = PAPER[paper]
    w, h = (ph, pw) if orientation == "landscape" else (pw, ph)
    side = 50.0 if orientation == "landscape" else 40.0
    return _Page(w, h, side, w - side, 58.0, h - 48.0)


_REGISTERED: dict[str, str] = {}


def register_font(key: str) -> str:
    """The reportlab name of the font ``FONTS[key]``, registered on first use (a CID font
    where the entry has no file, else the TrueType file)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if key not in _REGISTERED:
        path, index, family, _style = FONTS[key]
        if path is None:
            pdfmetrics.registerFont(UnicodeCIDFont(family))
            _REGISTERED[key] = family
        else:
            pdfmetrics.registerFont(TTFont(f"R-{key}", path, subfontIndex=index))
            _REGISTERED[key] = f"R-{key}"
    return _REGISTERED[key]


class _Font:
    """A registered CJK font, optionally with a Latin font for ASCII runs."""

    def __init__(self, key: str, latin: str | None = None, scale: float = 1.0):
        from reportlab.pdfbase import pdfmetrics

        self.name = register_font(key)
        self.latin = LATIN_FONTS[latin][0] if latin else None
        self.scale = scale  # horizontal glyph scaling (Tz / 100)
        self._metrics = pdfmetrics
        font = pdfmetrics.getFont(self.name)
        self._cmap = getattr(getattr(font, "face", None), "charToGlyph", None)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` cut into (run, font name): ASCII runs in the Latin font if there is one."""
        if not self.latin:
            return [(text, self.name)]
        out: list[tuple[str, str]] = []
        for ch in text:
            name = self.latin if " " <= ch <= "~" else self.name
            if out and out[-1][1] == name:
                out[-1] = (out[-1][0] + ch, name)
            else:
                out.append((ch, name))
        return out

    def width(self, text: str, size: float) -> float:
        return self.scale * sum(self._metrics.stringWidth(r, n, size) for r, n in self.runs(text))

    def has_glyph(self, ch: str) -> bool:
        return self._cmap is not None and ord(ch) in self._cmap


@dataclass
class _TextOp:
    text: str
    x: float
    baseline: float
    size: float
    char_space: float
    font: _Font
    bold: bool = False


class _Painter:
    """Collects one page's fills, text and rules, then draws them with the variant's quirks."""

    def __init__(self, canvas, page: _Page, variant: Variant, font: _Font):
        self.c, self.page, self.v, self.font = canvas, page, variant, font
        self.rules: list[tuple[float, float, float, float, float]] = []
        self.fills: list[tuple[float, float, float, float, float]] = []
        self.texts: list[_TextOp] = []
        self.turned: list[tuple[str, float, float, float]] = []  # text turned 90°: s, x, y, size

    def text(
        self,
        s: str,
        x: float,
        baseline: float,
        size: float,
        char_space: float = 0.0,
        font: _Font | None = None,
        bold: bool = False,
    ) -> None:
        """Queue ``s`` with its baseline ``baseline`` pt from the top edge."""
        if s:
            op = _TextOp(s, x, baseline, size, char_space, font or self.font, bold)
            self.texts.append(op)

    def hline(self, x0: float, x1: float, y: float, width: float | None = None) -> None:
        self.rules.append((x0, y, x1, y, width or self.v.rule_width))

    def vline(self, x: float, y0: float, y1: float, width: float | None = None) -> None:
        self.rules.append((x, y0, x, y1, width or self.v.rule_width))

    def fill(self, x0: float, y0: float, x1: float, y1: float, grey: float) -> None:
        self.fills.append((x0, y0, x1, y1, grey))

    def _draw_text(self, op: _TextOp) -> None:
        y = self.page.height - op.baseline
        bold = self.v.fake_bold or op.bold
        copies = [0.0] + ([self.v.fake_bold_offset] if bold else [])
        for dx in copies:
            x = op.x + dx
            for run, name in op.font.runs(op.text):
                t = self.c.beginText()
                t.setFont(name, op.size)
                if op.font.scale != 1.0:
                    t.setHorizScale(100.0 * op.font.scale)
                if self.v.stray_spaces:
                    rng = random.Random(zlib.crc32(run.encode()))
                    xi = x
                    for i, ch in enumerate(run):
                        t.setTextOrigin(xi, y)
                        t.textOut(ch)
                        w = self._metrics_width(ch, name, op.size) * op.font.scale
                        if i + 1 < len(run) and not ch.isspace() and rng.random() < 0.15:
                            t.setTextOrigin(xi + w, y)
                            t.textOut(" ")
                        xi += w + op.char_space
                else:
                    # The PDF scales character spacing by the horizontal scale (Tc × Tz).
                    t.setCharSpace(op.char_space / op.font.scale)
                    t.setTextOrigin(x, y)
                    t.textOut(run)
                self.c.drawText(t)
                run_width = self._metrics_width(run, name, op.size) * op.font.scale
                x += run_width + op.char_space * len(run)

    @staticmethod
    def _metrics_width(s: str, name: str, size: float) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return stringWidth(s, name, size)

    def _draw_rules(self) -> None:
        c, h = self.c, self.page.height
        for x0, y0, x1, y1, w in self.rules:
            c.setLineWidth(w)
            if self.v.rules == "rects":
                if y0 == y1:
                    c.rect(x0 - w / 2, h - y0 - w / 2, x1 - x0 + w, w, stroke=0, fill=1)
                else:
                    c.rect(
                        x0 - w / 2, h - max(y0, y1) - w / 2, w, abs(y1 - y0) + w, stroke=0, fill=1
                    )
            else:
                c.line(x0, h - y0, x1, h - y1)

    def flush(self) -> None:
        """Draw everything queued: fills first, then text and rules in the variant's order."""
        c, h = self.c, self.page.height
        for x0, y0, x1, y1, grey in self.fills:
            c.setFillGray(grey)
            c.rect(x0, h - y1, x1 - x0, y1 - y0, stroke=0, fill=1)
        c.setFillGray(0)
        texts = list(self.texts)
        if self.v.draw_order == "columns":
            texts.sort(key=lambda op: (round(op.x / 40), op.baseline))
        elif self.v.draw_order == "reverse":
            texts.reverse()
            self._draw_rules()
        for op in texts:
            self._draw_text(op)
        if self.v.draw_order != "reverse":
            self._draw_rules()
        for s, x, y, size in self.turned:
            c.saveState()
            c.translate(x, h - y)
            c.rotate(90)
            c.setFont(self.font.name, size)
            c.drawString(0, 0, s)
            c.restoreState()
        self.turned.clear()
        self.rules.clear()
        self.fills.clear()
        self.texts.clear()


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
        if v.page_number_rotated and page.width > page.height:
            # Bound with portrait pages: the number turned to run up the page's edge.
            p.turned.append((s, page.width - 24.0, (page.height + w) / 2, 12.0))
            return
        if v.page_number_align == "outer":
            x = page.right - w if number % 2 else page.left
        else:
            x = (page.left + page.right - w) / 2
        p.text(s, x, page.height - PAGE_NUMBER_BASELINE, 12)


@dataclass
class _Notice:
    """The covering notice laid out: per page a list of runs; ``end``: where text stops."""

    pages: list[list[tuple]]
    end: float


#: A contact table some notices end with (Variant.notice_table): rows of cells.
CONTACT_TABLE = (
    ("联系单位", "联系人", "联系电话"),
    ("重庆市民政局基层政权建设和社区治理处", "王某某", "023-63890000"),
)
CONTACT_WIDTHS = (0.5, 0.2, 0.3)


def _notice_pages(gold: dict, variant: Variant, font: _Font) -> _Notice:
    """Lay out the covering notice.

    Runs are ("text", text, x, baseline, size, char space) or ("rule", x0, y0, x1,
    y1, width, rgb), in top-down coordinates.
    """
    page = _page("portrait", variant.paper)
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
            pages[-1].append(
                ("rule", page.left, y + 8.0, page.right, y + 8.0, 1.5, (0.85, 0.1, 0.1))
            )
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
            pages[-1].append(("text", line.text, x, y + size, size, cs))
            y += lead
        prev = kind
    if variant.notice_table:
        row_h, size = 22.0, 11.0
        if y + 24 + row_h * len(CONTACT_TABLE) > page.bottom:
            pages.append([])
            y = page.top
        y += 24.0
        xs = [page.left]
        for w in CONTACT_WIDTHS:
            xs.append(xs[-1] + w * page.text_width)
        for r, row in enumerate(CONTACT_TABLE):
            top = y + r * row_h
            for k, text in enumerate(row):
                pages[-1].append(("text", text, xs[k] + 4, top + 15, size, 0.0))
        bottom = y + row_h * len(CONTACT_TABLE)
        for r in range(len(CONTACT_TABLE) + 1):
            yy = y + r * row_h
            pages[-1].append(("rule", xs[0], yy, xs[-1], yy, 0.5, (0, 0, 0)))
        for x in xs:
            pages[-1].append(("rule", x, y, x, bottom, 0.5, (0, 0, 0)))
        y = bottom
    return _Notice(pages, y)


def _draw_notice_runs(c, p: _Painter, runs: list[tuple], variant: Variant, font: _Font) -> None:
    h = p.page.height
    for run in runs:
        if run[0] == "rule":
            _kind, x0, y0, x1, y1, width, rgb = run
            c.setStrokeColorRGB(*rgb)
            c.setLineWidth(width)
            c.line(x0, h - y0, x1, h - y1)
            c.setStrokeColorRGB(0, 0, 0)
        else:
            _kind, text, x, baseline, size, cs = run
            p.text(_sub(variant, font, text), x, baseline, size, cs)


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
    weights = column_weights(variant)
    total = sum(weights.values())
    edges, x = {}, page.left
    for f in FIELDS:
        w = page.text_width * weights[f] / total
        edges[f] = (x, x + w)
        x += w
    size, pad = variant.font_size, variant.cell_padding
    lead = size * variant.leading

    def measure(s: str) -> float:
        return font.width(s, size)

    def wrap(field: str, paragraphs: list[str]) -> list[Line]:
        x0, x1 = edges[field]
        geometric = variant.cell_indent == "geometric" and field in INDENTED_FIELDS
        indent = 2 * size if geometric else 0.0
        lines: list[Line] = []
        for para in paragraphs:
            text = _sub(variant, font, para)
            lines += wrap_paragraph(text, x1 - x0 - 2 * pad, measure, indent, variant.hanging_punct)
        return lines

    header = []
    for cell in header_cells(gold, variant):
        x0, x1 = edges[cell.fields[0]][0], edges[cell.fields[-1]][1]
        text = _sub(variant, font, cell.text)
        header.append((cell, wrap_paragraph(text, x1 - x0 - 2 * pad, measure)))

    def height(lines: list[Line]) -> float:
        return len(lines) * lead + 2 * pad

    h1 = max((height(ls) for c, ls in header if c.row == 1 and c.rows == 1), default=0.0)
    h2 = max((height(ls) for c, ls in header if c.row == 2), default=0.0)
    tall = max(height(ls) for c, ls in header if c.rows == 2 or variant.header_levels == 1)
    if variant.header_levels == 1:
        h1, h2 = tall, 0.0
    elif h1 + h2 < tall:
        h2 = tall - h1
    rows = [{f: wrap(f, cells[f]) for f in FIELDS} for cells in build_cells(gold, variant)]
    if variant.trailing_empty_row:
        rows.append({f: [Line("", 0.0, True)] for f in FIELDS})
    return _Table(edges, header, (h1, h2), rows)


def _pushed_cells(pages: list[list[RowFragment]], table: _Table) -> list[tuple[int, int]]:
    """(page, row) of rows split with their 序号 on one page and whole name on the next."""
    return [
        (i, fr.index)
        for i, frs in enumerate(pages)
        for fr in frs
        if fr.open_bottom
        and fr.cells["seq"]
        and not fr.cells["name"]
        and table.rows[fr.index]["name"]
        and not fr.open_top
    ]


def _paginate(table: _Table, variant: Variant, page: _Page, title_top: float, title_height: float):
    pad, lead = variant.cell_padding, variant.font_size * variant.leading
    label = CONTINUED_LABEL_HEIGHT if variant.continued_label else 0.0
    offsets = [0.0] + ([float(i) for i in range(1, 400)] if variant.force_pushed_cell else [])
    for extra in offsets:
        frame = Frame(
            title_top + title_height + extra,
            page.top + label,
            page.bottom,
            sum(table.header_rows),
            variant.header_repeat,
            lead,
            pad,
            variant.allow_row_split,
        )
        pages = paginate_rows(table.rows, frame, variant.widow_control)
        if not variant.force_pushed_cell or _pushed_cells(pages, table):
            return frame, pages
    raise ValueError(f"{variant.name}: no layout pushes a cell to the next page")


def _outer(v: Variant) -> float:
    return v.outer_rule_width or v.rule_width


def _draw_header(p: _Painter, table: _Table, top: float) -> None:
    v = p.v
    size, pad = v.font_size, v.cell_padding
    lead = size * v.leading
    h1, h2 = table.header_rows
    left, right = table.edges[FIELDS[0]][0], table.edges[FIELDS[-1]][1]
    if v.header_shading:
        p.fill(left, top, right, top + h1 + h2, 0.85)
    p.hline(left, right, top, _outer(v))
    p.hline(left, right, top + h1 + h2)
    if v.header_double_rule:
        p.hline(left, right, top + h1 + h2 + 1.5)
    for cell, lines in table.header:
        x0, x1 = table.edges[cell.fields[0]][0], table.edges[cell.fields[-1]][1]
        y0 = top + (h1 if cell.row == 2 else 0.0)
        y1 = top + h1 + h2 if (cell.rows == 2 or cell.row == 2) else top + h1
        if cell.row == 1 and cell.rows == 1 and v.header_levels == 2:
            p.hline(x0, x1, y1)
        p.vline(x0, y0, y1, _outer(v) if x0 == left else None)
        p.vline(x1, y0, y1, _outer(v) if x1 == right else None)
        for i, line in enumerate(lines):
            baseline = y0 + pad + i * lead + size * 0.95
            p.text(line.text, (x0 + x1 - line.width) / 2, baseline, size, bold=v.bold_header)


def _draw_fragment(p: _Painter, table: _Table, fr: RowFragment) -> None:
    v = p.v
    size, pad = v.font_size, v.cell_padding
    lead = size * v.leading
    top, bottom = fr.top, fr.top + fr.height
    left, right = table.edges[FIELDS[0]][0], table.edges[FIELDS[-1]][1]
    last_row = fr.index == len(table.rows) - 1 and not fr.open_bottom
    if v.zebra and fr.index % 2:
        # Inset by half a rule, as Word shades inside the borders.
        p.fill(left + 0.25, top + 0.25, right - 0.25, bottom - 0.25, 0.93)
    draw_top = not fr.open_top or v.break_rules
    draw_bottom = not fr.open_bottom or v.break_rules
    # One rule per row edge, or (Word) every cell its own box: shared edges drawn twice.
    spans = [table.edges[f] for f in FIELDS] if v.cell_borders else [(left, right)]
    for x0, x1 in spans:
        if draw_top:
            p.hline(x0, x1, top)
        if draw_bottom:
            p.hline(x0, x1, bottom, _outer(v) if last_row else None)
        p.vline(x0, top, bottom, _outer(v) if x0 == left else None)
        if v.cell_borders:
            p.vline(x1, top, bottom, _outer(v) if x1 == right else None)
    for f in FIELDS:
        x0, x1 = table.edges[f]
        if not v.cell_borders:
            p.vline(x1, top, bottom, _outer(v) if x1 == right else None)
        shift = 0.0
        if f in v.middle:
            shift = max(0.0, (fr.height - 2 * pad - len(fr.cells[f]) * lead) / 2)
        for i, line in enumerate(fr.cells[f]):
            baseline = fr.top + shift + pad + i * lead + size * 0.95
            cs = 0.0
            x = x0 + pad
            if line.para_start and v.cell_indent == "geometric" and f in INDENTED_FIELDS:
                x += 2 * size
            if f in v.centered:  # (hanging punctuation is left out of the centring)
                x = (x0 + x1 - line.width + line.hang) / 2
            elif v.justify and not line.para_end and len(line.text) > 1 and not line.hang:
                slack = x1 - pad - x - line.width
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


def _fonts(variant: Variant) -> tuple[_Font, _Font]:
    scale = variant.horizontal_scale / 100.0
    font = _Font(variant.font, variant.latin_font, scale)
    hfont = _Font(variant.header_font, variant.latin_font, scale) if variant.header_font else font
    return font, hfont


@dataclass
class _Layout:
    """Everything placed: fonts, page, table, notice, the table's pages and the note."""

    font: _Font
    hfont: _Font
    page: _Page
    table: _Table
    notice: _Notice
    merged: bool  # the list starts on the notice's last page
    title_top: float
    title_lines: list[Line]
    frame: Frame
    pages: list[list[RowFragment]]
    note_lines: list[Line]
    note_top: float


def _layout(gold: dict, variant: Variant) -> _Layout:
    font, hfont = _fonts(variant)
    page = _page(variant.orientation, variant.paper)
    table = _table(gold, variant, font, page)
    notice = _notice_pages(gold, variant, hfont) if variant.notice_pages else _Notice([], 0.0)
    merged = bool(notice.pages) and not variant.attachment_new_page
    if merged and variant.orientation != "portrait":
        raise ValueError(f"{variant.name}: a list that follows the notice must be portrait")
    title_top = notice.end + 16.0 if merged else page.top
    title_lines = _title_lines(gold, variant, hfont, page)
    frame, pages = _paginate(table, variant, page, title_top, _title_height(title_lines))
    note_lines: list[Line] = []
    note_top = 0.0
    if variant.table_note:
        note_lines = wrap_paragraph(
            _sub(variant, font, variant.table_note),
            page.text_width,
            lambda s: font.width(s, NOTE_SIZE),
        )
        last = pages[-1][-1]
        note_top = last.top + last.height + 8.0
        if note_top + len(note_lines) * NOTE_SIZE * 1.5 > page.bottom:
            pages.append([])  # the note alone on a last page, without a table header
            note_top = page.top
    return _Layout(
        font,
        hfont,
        page,
        table,
        notice,
        merged,
        title_top,
        title_lines,
        frame,
        pages,
        note_lines,
        note_top,
    )


def render_reportlab(gold: dict, out_pdf: Path, variant: Variant) -> Path:
    """Write the notice ``gold`` typeset as ``variant`` to ``out_pdf``; return the path."""
    from reportlab.pdfgen.canvas import Canvas

    lay = _layout(gold, variant)
    page, font, hfont = lay.page, lay.font, lay.hfont
    own_notice_pages = lay.notice.pages[:-1] if lay.merged else lay.notice.pages
    total = len(own_notice_pages) + len(lay.pages)

    out_pdf = Path(out_pdf)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(out_pdf), pagesize=(page.width, page.height), invariant=1, pageCompression=1)
    c.setTitle(gold["notice"]["title"])
    c.setAuthor("tests.render")
    c.setCreator(f"tests.render reportlab variant {variant.name}")
    number = 0
    portrait = _page("portrait", variant.paper)
    for runs in own_notice_pages:
        number += 1
        c.setPageSize((portrait.width, portrait.height))
        p = _Painter(c, portrait, variant, hfont)
        _page_furniture(p, number, total)
        _draw_notice_runs(c, p, runs, variant, hfont)
        p.flush()
        c.showPage()
    first_table_page = next(i for i, frags in enumerate(lay.pages) if frags)
    for i, frags in enumerate(lay.pages):
        number += 1
        if variant.rotate_pages and page.width > page.height:
            # Stored portrait, shown landscape: /Rotate 90 and content turned to match
            # (reportlab takes the shown size and writes the MediaBox turned).
            c.setPageSize((page.width, page.height))
            c.setPageRotation(90)
            c.transform(0, 1, -1, 0, page.height, 0)
        else:
            c.setPageSize((page.width, page.height))
            c.setPageRotation(0)
        p = _Painter(c, page, variant, font)
        _page_furniture(p, number, total)
        top = lay.frame.page_top
        if i == 0:
            if lay.merged:
                _draw_notice_runs(c, p, lay.notice.pages[-1], variant, hfont)
            if lay.title_lines:
                t = lay.title_top
                p.text(_sub(variant, hfont, "附件"), page.left, t + 12, 14, font=hfont)
                for k, line in enumerate(lay.title_lines):
                    x = (page.left + page.right - line.width) / 2
                    p.text(line.text, x, t + 24 + 28 * k + 18, 18, font=hfont)
            top = lay.frame.first_top
        elif variant.continued_label and frags:
            p.text(_sub(variant, font, variant.continued_label), page.left, page.top + 12, 12)
        if frags and (i == first_table_page or variant.header_repeat):
            _draw_header(p, lay.table, top)
        for fr in frags:
            _draw_fragment(p, lay.table, fr)
        if i == len(lay.pages) - 1:
            for k, line in enumerate(lay.note_lines):
                p.text(line.text, page.left, lay.note_top + NOTE_SIZE * (1.5 * k + 1), NOTE_SIZE)
        p.flush()
        c.showPage()
    c.save()
    return out_pdf


def layout_facts(gold: dict, variant: Variant) -> dict:
    """What the layout of ``gold`` as ``variant`` contains, for tests of the generator.

    ``pushed_cells``: (table page, 序号) of rows split with the 序号 on one page
    and the whole name cell on the next; ``split_rows``: rows broken across pages;
    ``most_pages_per_row``: the most pages one row touches.
    """
    lay = _layout(gold, variant)
    seqs = [it["seq"] for it in gold["items"]]
    per_row: dict[int, int] = {}
    for frs in lay.pages:
        for fr in frs:
            per_row[fr.index] = per_row.get(fr.index, 0) + 1
    return {
        "table_pages": len(lay.pages),
        "pushed_cells": [(i, seqs[row]) for i, row in _pushed_cells(lay.pages, lay.table)],
        "split_rows": sum(fr.open_bottom for frs in lay.pages for fr in frs),
        "most_pages_per_row": max(per_row.values()),
    }
