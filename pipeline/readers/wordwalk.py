"""The walk of a Word document's body: paragraphs to printed lines, tables to cells.

    walk_body(body, w, styles, numbering) → (tables, outside, notice_lines)

In document order, through content controls, custom XML and smart tags: each paragraph
and line break (``w:br``) is a line of its own, list numbers rendered (``wordstyles``),
fields by their result, deleted revisions and hidden text (``w:vanish``) left out; each
top-level table becomes ``cells.GridCell``s from ``w:gridSpan``/``w:gridBefore`` and
``w:vMerge`` (a nested table flattened into its cell's paragraphs), grid columns too narrow
to hold text dropped so that a jagged table's rows line up; spans reaching far past the
declared grid are refused (a forged document), not walked.
"""

from __future__ import annotations

from ..errors import InputError
from .cells import GridCell
from .wordparts import w_int as _int
from .wordparts import w_toggle as _toggle
from .wordparts import w_val as _val
from .wordstyles import SYMBOL_BULLETS, Numbering, Styles

_MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
#: Grid columns narrower than this (in twips: 1/20 pt; 120 = 2.1 mm, half a 10.5 pt
#: character) hold no text: they are borders of one column dragged apart in some rows.
SLIVER_TWIPS = 120
#: Nested tables deeper than this are not a list's layout (and would exhaust the stack).
MAX_TABLE_DEPTH = 20
#: Grid columns a row's cells may reach past the table's declared grid (w:tblGrid).
#: Word makes tables of at most 63 columns, so a cell reaching further than a whole
#: table's width beyond the grid was not written by it.
MAX_COLUMNS = 64


def walk_body(body, w: str, styles: Styles, numbering: Numbering
              ) -> tuple[list[list[GridCell]], list[list[str]], int]:
    """The top-level tables' cells of ``body`` (a ``w:body``), the text before, between and
    after them (``outside[i]`` before table i; the last entry after the last table), and
    how many lines of ``outside[0]`` come before the last page break in it."""
    return _Walker(w, styles, numbering).body(body)


class _Walker:
    """Walks the body in document order: paragraphs to lines, tables to GridCells."""

    def __init__(self, w: str, styles: Styles, numbering: Numbering):
        self.w, self.styles, self.numbering = w, styles, numbering
        self.fields: list[bool] = []  # open complex fields: True once past their separator
        wrappers = ("sdt", "sdtContent", "customXml", "smartTag")
        self.wrappers = {f"{w}{t}" for t in wrappers}

    def body(self, body) -> tuple[list[list[GridCell]], list[list[str]], int]:
        """The top-level tables' cells, the text before, between and after them
        (``outside[i]`` before table i; the last entry after the last table), and
        how many lines of ``outside[0]`` come before the last page break in it (the
        notice's own pages, before the attachment's)."""
        w = self.w
        tables: list[list[GridCell]] = []
        outside: list[list[str]] = [[]]
        lines = _Lines()
        notice_lines = 0
        for el in self._blocks(body):
            if el.tag == f"{w}p":
                if not tables and self._breaks_before(el):
                    notice_lines = len(lines.lines)
                self._paragraph(el, lines)
                if not tables and self._breaks_after(el):
                    notice_lines = len(lines.lines)
            elif el.tag == f"{w}tbl":
                outside[-1].extend(lines.done())
                lines = _Lines()
                self.fields.clear()
                tables.append(self._table(el, 0))
                self.fields.clear()
                outside.append([])
        outside[-1].extend(lines.done())
        return tables, outside, notice_lines

    def _breaks_before(self, p) -> bool:
        w = self.w
        return bool(_toggle(p.find(f"{w}pPr/{w}pageBreakBefore"), w))

    def _breaks_after(self, p) -> bool:
        """A page break in the paragraph, or a section break after it that starts a page."""
        w = self.w
        sect = p.find(f"{w}pPr/{w}sectPr")
        if sect is not None and _val(sect.find(f"{w}type"), w) != "continuous":
            return True
        return any(br.get(f"{w}type") == "page" for br in p.iter(f"{w}br"))

    def _blocks(self, parent):
        """Block-level children (w:p, w:tbl), content controls and custom XML unwrapped."""
        for el in parent:
            if el.tag in self.wrappers:
                yield from self._blocks(el)
            else:
                yield el

    # --- tables ---------------------------------------------------------------------

    def _table(self, tbl, depth: int) -> list[GridCell]:
        w = self.w
        if depth > MAX_TABLE_DEPTH:
            raise InputError(f"tables nested more than {MAX_TABLE_DEPTH} deep")
        edge, declared = _grid_edges(tbl, w)
        reach = declared + MAX_COLUMNS  # no cell may end past this grid position
        cells: list[GridCell] = []
        above: dict[int, GridCell] = {}  # first column → the cell last placed there
        rows = [tr for tr in self._blocks(tbl) if tr.tag == f"{w}tr"]
        r = 0
        for tr in rows:
            trpr = tr.find(f"{w}trPr")
            if trpr is not None and trpr.find(f"{w}del") is not None:
                continue  # a row deleted with tracked changes
            grid = 0  # position in w:tblGrid
            if trpr is not None:  # cells of the grid left out before the first
                grid = max(0, _int(_val(trpr.find(f"{w}gridBefore"), w)) or 0)
                _check_reach(grid, reach, declared, r, "w:gridBefore")
            placed: list[GridCell] = []  # this row's cells
            for tc in self._blocks(tr):
                if tc.tag != f"{w}tc":
                    continue
                tcpr = tc.find(f"{w}tcPr")
                span = max(1, _int(_val(tcpr.find(f"{w}gridSpan"), w)) or 1) \
                    if tcpr is not None else 1
                _check_reach(grid + span, reach, declared, r, "w:gridSpan")
                vmerge = tcpr.find(f"{w}vMerge") if tcpr is not None else None
                hmerge = tcpr.find(f"{w}hMerge") if tcpr is not None else None
                paragraphs = self._cell(tc, depth)
                col, end = edge(grid), edge(grid + span)
                grid += span
                up = above.get(col)
                if end <= col or (placed and placed[-1].col + placed[-1].colspan > col):
                    # a cell in a sliver column (a border dragged a hair off the others)
                    if placed:
                        placed[-1].paragraphs.extend(paragraphs)
                        continue
                    end = col + 1
                if (vmerge is not None and (vmerge.get(f"{w}val") or "continue") == "continue"
                        and up is not None and up.col + up.colspan == end
                        and up.row + up.rowspan == r):
                    up.rowspan += 1
                    up.paragraphs.extend(paragraphs)
                elif (hmerge is not None and (hmerge.get(f"{w}val") or "continue") == "continue"
                      and placed and placed[-1].col + placed[-1].colspan == col):
                    placed[-1].colspan = end - placed[-1].col  # a legacy horizontal merge
                    placed[-1].paragraphs.extend(paragraphs)
                else:
                    cell = GridCell(r, col, 1, end - col, paragraphs)
                    cells.append(cell)
                    placed.append(cell)
                    for c in range(col, end):
                        above.pop(c, None)
                    above[col] = cell
            r += 1
        return cells

    def _cell(self, tc, depth: int) -> list[str]:
        """A cell's printed lines: its paragraphs, and nested tables row by row."""
        w = self.w
        lines = _Lines()
        self.fields.clear()
        for el in self._blocks(tc):
            if el.tag == f"{w}p":
                self._paragraph(el, lines)
            elif el.tag == f"{w}tbl":
                for cell in sorted(self._table(el, depth + 1), key=lambda c: (c.row, c.col)):
                    for text in cell.paragraphs:
                        lines.paragraph([text])
        self.fields.clear()
        return lines.done()

    # --- paragraphs -----------------------------------------------------------------

    def _paragraph(self, p, lines: _Lines) -> None:
        """Add paragraph ``p``'s lines; a paragraph mark deleted or hidden joins the next."""
        w = self.w
        ppr = p.find(f"{w}pPr")
        style = _val(ppr.find(f"{w}pStyle"), w) if ppr is not None else None
        style = style or self.styles.default_para
        mark = ppr.find(f"{w}rPr") if ppr is not None else None
        joined = mark is not None and (mark.find(f"{w}del") is not None
                                       or mark.find(f"{w}moveFrom") is not None
                                       or bool(_toggle(mark.find(f"{w}vanish"), w)))
        out = [""]
        self._inline(p, style, out)
        if not joined:
            marker = self.numbering.marker(ppr, style)
            out[0] = marker + out[0]
        lines.paragraph(out, joined)

    def _inline(self, parent, style: str | None, out: list[str]) -> None:
        w = self.w
        for el in parent:
            tag = el.tag
            if tag == f"{w}r":
                self._run(el, style, out)
            elif tag in (f"{w}del", f"{w}moveFrom", f"{w}pPr"):
                continue
            elif tag == f"{w}fldSimple" or tag in self.wrappers or tag in (
                    f"{w}hyperlink", f"{w}ins", f"{w}moveTo", f"{w}bdo", f"{w}dir"):
                self._inline(el, style, out)
            elif tag == f"{_MATH}oMath" or tag == f"{_MATH}oMathPara":
                if not self._in_code():
                    out[-1] += "".join(t.text or "" for t in el.iter(f"{_MATH}t"))

    def _in_code(self) -> bool:
        """Inside a field's code (before its separator): not printed."""
        return any(not past for past in self.fields)

    def _run(self, r, style: str | None, out: list[str]) -> None:
        w = self.w
        rpr = r.find(f"{w}rPr")
        hidden = caps = None
        if rpr is not None:
            hidden = _toggle(rpr.find(f"{w}vanish"), w)
            caps = _toggle(rpr.find(f"{w}caps"), w)
            if caps is None:
                caps = _toggle(rpr.find(f"{w}smallCaps"), w)
            char_style = _val(rpr.find(f"{w}rStyle"), w)
            if hidden is None:
                hidden = self.styles.inherited(char_style, "hidden")
            if caps is None:
                caps = self.styles.inherited(char_style, "caps")
        if hidden is None:
            hidden = self.styles.inherited(style, "hidden")
        if hidden is None:
            hidden = self.styles.default_hidden
        if caps is None:
            caps = self.styles.inherited(style, "caps")
        for el in r:
            tag = el.tag
            if tag == f"{w}fldChar":
                kind = el.get(f"{w}fldCharType")
                if kind == "begin":
                    self.fields.append(False)
                elif kind == "separate" and self.fields:
                    self.fields[-1] = True
                elif kind == "end" and self.fields:
                    self.fields.pop()
                continue
            if hidden or self._in_code():
                continue
            if tag == f"{w}t":
                text = el.text or ""
                out[-1] += text.upper() if caps else text
            elif tag in (f"{w}tab", f"{w}ptab"):
                out[-1] += "\t"
            elif tag in (f"{w}br", f"{w}cr"):
                out.append("")
            elif tag == f"{w}noBreakHyphen":
                out[-1] += "-"
            elif tag == f"{w}sym":
                code = _int_hex(el.get(f"{w}char"))
                if code is not None:
                    ch = chr(code)
                    if 0xF000 <= code <= 0xF0FF:
                        ch = SYMBOL_BULLETS.get(ch, "")
                    out[-1] += ch
            elif tag == f"{w}ruby":
                base = el.find(f"{w}rubyBase")
                if base is not None:
                    self._inline(base, style, out)


def _check_reach(end: int, reach: int, declared: int, row: int, what: str) -> None:
    """Refuse a row whose cells end at grid position ``end`` beyond ``reach``.

    Refused rather than clamped: the spans are the table's shape, and a row cut
    to fit would shift or merge its columns, giving wrong items without a word;
    and every grid position up to ``end`` costs a step of the walk (a span of
    two billion never finishes).
    """
    if end > reach:
        raise InputError(
            f"table row {row + 1}: its cells ({what}) reach grid column {end:,}, past the "
            f"table's declared grid of {declared:,} columns by more than {MAX_COLUMNS} "
            "(Word tables have at most 63 columns): a damaged or forged document",
            hint="open and re-save it in Word/WPS")


def _grid_edges(tbl, w: str):
    """(grid position → column of the list, the number of w:gridCol declared):
    w:tblGrid's columns narrower than ``SLIVER_TWIPS`` are no columns (a border
    dragged a hair off its column's in one row makes Word add one), so the
    borders around one count once."""
    widths = []
    for col in tbl.findall(f"{w}tblGrid/{w}gridCol"):
        width = _int(col.get(f"{w}w"))
        if width is None or width < 0:
            widths = []
            break
        widths.append(width)
    columns = [0]  # column index of each grid border
    x = last = 0
    for width in widths:
        x += width
        if x - last >= SLIVER_TWIPS:
            last = x
            columns.append(columns[-1] + 1)
        else:
            columns.append(columns[-1])

    def edge(i: int) -> int:
        if i < len(columns):
            return columns[i]
        return columns[-1] + i - (len(columns) - 1)  # beyond the declared grid

    return edge, len(widths)


def _int_hex(text: str | None) -> int | None:
    try:
        return int(text, 16) if text else None
    except ValueError:
        return None


class _Lines:
    """Printed lines in order; a paragraph whose mark is gone runs on into the next."""

    def __init__(self):
        self.lines: list[str] = []
        self.open = False  # the last paragraph's mark was deleted or hidden

    def paragraph(self, lines: list[str], joined: bool = False) -> None:
        if self.open and self.lines:
            self.lines[-1] += lines[0]
            self.lines.extend(lines[1:])
        else:
            self.lines.extend(lines)
        self.open = joined

    def done(self) -> list[str]:
        return [line.replace("\t", " ") for line in self.lines]
