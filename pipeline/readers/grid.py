"""PDF geometry: find the ruled table on a page and read its cells line by line.

    find_tables(page) → ``model.PageLayout``

The chain, as in pdfplumber's TableFinder: edges → rules → table region →
grid of bands × columns → merged cells → rows → characters into cells → lines.

Facts are detected per page rather than assumed:
- the table region is the extent of its vertical rules, and its top and bottom
  close the grid even where no horizontal rule is drawn (browsers slice cell
  borders at a page break, so the last row of a page has no bottom rule);
- column edges are the x of the vertical rules; a cell spans the grid columns
  that no rule separates (a two-level header);
- a row is a run of bands that no cell crosses;
- whether a line is ``short`` (it ends before the cell's text edge, so a
  paragraph ended there) is measured against the column's right text edge.
"""

from __future__ import annotations

import bisect
import itertools
import statistics

from ..errors import LayoutError
from ..model import ClippedCell, Fragment, Line, OcrMarks, Page, PageLayout
from ..settings import DEFAULT_LAYOUT, LayoutSettings
from .cells import group_rows

_LATIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def find_tables(page: Page, layout: LayoutSettings = DEFAULT_LAYOUT) -> PageLayout:
    """Return the page's table as rows of cells (or no table) and the text around it.

    Raises ``LayoutError`` when text sits beside the table inside its vertical
    extent (it belongs to no cell, so the table cannot be read with confidence).
    """
    verticals, horizontals = _rules(page.edges, layout)
    region = _largest_region(verticals, layout)
    one_column = region is None
    region = region or _one_column(verticals, layout)
    if region is None:
        return _no_table(page, layout)
    x0, top, x1, bottom, region_verticals = region
    xs = _cluster([v["x0"] for v in region_verticals], layout.snap_tolerance)
    ys, open_bands = _row_boundaries(horizontals, x0, top, x1, bottom, layout)
    grid = _Grid(xs, ys, region_verticals, horizontals, layout)

    in_region, outside, stray = [], [], []
    for ch in page.chars:
        cx = _anchor(ch)
        cy = (ch["top"] + ch["bottom"]) / 2
        if top <= cy <= bottom and x0 <= cx <= x1:
            in_region.append(ch)
        elif top <= cy <= bottom and ch["upright"] and not ch["text"].isspace():
            stray.append(ch)  # (turned text in the margin, such as a page number, is furniture)
        else:
            outside.append(ch)
    if len(stray) > layout.max_stray_chars and one_column:
        return _no_table(page, layout)  # (a framed box beside text: not a column band)
    if len(stray) > layout.max_stray_chars:
        sample = "".join(c["text"] for c in stray[:20])
        raise LayoutError(
            f"{len(stray)} characters lie beside the table, in no cell: {sample!r}",
            page=page.number, hint="the page's ruling does not enclose its text; "
            "check the table's borders in a viewer")
    furniture = _runs_across_rules(in_region, xs, open_bands, region_verticals, layout)
    inside: list[list[dict]] = [[] for _ in grid.cells]
    for i, ch in enumerate(in_region):
        if i in furniture:
            outside.append(ch)
        else:
            cell = grid.cell_at(_anchor(ch), (ch["top"] + ch["bottom"]) / 2)
            inside[cell].append(ch)
    hidden = []
    for ch in page.hidden:
        cell = _cut_by_break(ch, grid, layout)
        if cell is None:
            hidden.append(ch)
        else:
            inside[cell].append(ch)

    cell_lines = [_cell_lines(chars, layout) for chars in inside]
    rows = grid.rows(cell_lines)
    if rows and any(b1 >= bottom and b0 > top for b0, b1 in open_bands):
        rows[-1].open_bottom = True  # no rule under the last row: the page break cut it
    elif rows:
        rows[-1].open_columns = grid.open_at_foot()
    _mark_short_lines(rows, xs, layout)
    columns = [(xs[j], xs[j + 1]) for j in range(len(xs) - 1)]
    return PageLayout(page.number, columns, rows, _lines_outside(outside, layout), top,
                      tuple(ys), _clipped_cells(hidden, grid, rows, cell_lines, layout))


def _no_table(page: Page, layout: LayoutSettings) -> PageLayout:
    """A page without table: its text is all outside (hidden text in no cell)."""
    hidden = _cell_lines(page.hidden, layout)
    return PageLayout(page.number, [], [], _lines_outside(page.chars, layout),
                      clipped=[ClippedCell(-1, [], "".join(ln.text for ln in hidden))]
                      if hidden else [])


def _cut_by_break(ch: dict, grid: _Grid, layout: LayoutSettings) -> int | None:
    """The cell a hidden character belongs to when the page break cut its cell: a cell
    merged over rows on two pages, whose text a spreadsheet centres over the whole of
    it and so prints on one page only, clipped on the other (LibreOffice).  The text
    layer holds it on both: the part without it takes it, as Excel prints it again
    in every part.  Such a character lies in a column, above its clipping box where
    the box starts the body (at the table's top, or under a header of one or two
    rows), or below it where the box ends at the table's foot.  None otherwise."""
    tol = layout.snap_tolerance
    x = (ch["x0"] + ch["x1"]) / 2
    y = (ch["top"] + ch["bottom"]) / 2
    x0, top, x1, bottom = ch["clip"]
    if not (x0 - tol <= x <= x1 + tol and grid.xs[0] < x < grid.xs[-1]):
        return None  # (hidden beside its box: a title wider than the page, not a break)
    if y < top and any(abs(top - edge) <= tol for edge in grid.ys[:3]):
        return grid.cell_at(x, top + tol)
    if y > bottom and abs(bottom - grid.ys[-1]) <= tol:
        return grid.cell_at(x, bottom - tol)
    return None


def _clipped_cells(hidden: list[dict], grid: _Grid, rows: list[Fragment],
                   cell_lines: list[list[Line]], layout: LayoutSettings) -> list[ClippedCell]:
    """The cells whose text the page's clipping hides in part (see ``readers.clipping``).

    A hidden character belongs to the cell its clipping box lies in (a
    spreadsheet clips each cell's text to the cell); one hidden by a box that
    is not one cell's (the page's, the table's) belongs to no cell (column -1).
    """
    if not hidden:
        return []
    by_cell: dict[int, list[dict]] = {}
    inset = layout.snap_tolerance
    for ch in hidden:
        x0, top, x1, bottom = ch["clip"]
        corners = {grid.cell_at(x, y) for x in (x0 + inset, x1 - inset)
                   for y in (top + inset, bottom - inset)}
        inside = (grid.xs[0] - inset <= x0 and x1 <= grid.xs[-1] + inset
                  and grid.ys[0] - inset <= top and bottom <= grid.ys[-1] + inset)
        by_cell.setdefault(corners.pop() if inside and len(corners) == 1 else -1, []).append(ch)
    column_of = {id(c.lines): c.col0 for r in rows for c in r.cells}
    out = []
    for k, chars in sorted(by_cell.items()):
        text = "".join(ln.text for ln in _cell_lines(chars, layout))
        if k < 0:
            out.append(ClippedCell(-1, [], text))
        else:
            out.append(ClippedCell(column_of.get(id(cell_lines[k]), -1), cell_lines[k], text))
    return out


def _anchor(ch: dict) -> float:
    """The x that places a character in a column: just inside its left edge.

    A cell's text starts inside the cell, but closing punctuation may hang
    past its right edge (Word's 允许标点溢出边界): the advance box of "，" or "、"
    then straddles the rule, its centre possibly in the next cell.
    """
    return ch["x0"] + min(1.0, (ch["x1"] - ch["x0"]) / 4)


def _rules(edges: list[dict], layout: LayoutSettings) -> tuple[list[dict], list[dict]]:
    """Merged vertical rules (long enough to make a table) and horizontal rules."""
    from pdfplumber.table import merge_edges

    edges = [e for e in edges if (e["height"] if e["orientation"] == "v" else e["width"])
             >= layout.edge_min_length]
    if not edges:
        return [], []
    merged = merge_edges(edges, layout.snap_tolerance, layout.snap_tolerance,
                         layout.join_tolerance, layout.join_tolerance)
    verticals = [e for e in merged if e["orientation"] == "v"
                 and e["bottom"] - e["top"] >= layout.min_rule_height]
    horizontals = [e for e in merged if e["orientation"] == "h"]
    return verticals, horizontals


def _one_column(verticals: list[dict], layout: LayoutSettings):
    """Where no table has two columns, a table of one: the biggest pair of vertical
    rules.  It may be a column band printed on a page of its own; a framed box is
    one too, and ``table.join_bands`` makes any such page not joined as a band a
    page of text again."""
    return _largest_region(verticals, layout, min_columns=1)


def _largest_region(verticals: list[dict], layout: LayoutSettings, min_columns: int = 2):
    """The biggest group of vertical rules whose extents overlap: one table."""
    groups: list[list[dict]] = []
    for v in sorted(verticals, key=lambda e: e["top"]):
        for g in groups:
            if v["top"] <= max(e["bottom"] for e in g) + layout.join_tolerance:
                g.append(v)
                break
        else:
            groups.append([v])
    best = None
    for g in groups:
        xs = _cluster([e["x0"] for e in g], layout.snap_tolerance)
        if len(xs) < min_columns + 1:  # (one column: a box or a rule, unless ruled in rows)
            continue
        x0, x1 = xs[0], xs[-1]
        top = min(e["top"] for e in g)
        bottom = max(e["bottom"] for e in g)
        area = (x1 - x0) * (bottom - top)
        if best is None or area > best[0]:
            best = (area, (x0, top, x1, bottom, g))
    return best[1] if best else None


def _cluster(values: list[float], tolerance: float) -> list[float]:
    """Sorted distinct values, merging those within ``tolerance`` (mean of each run)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(run) / len(run) for run in out]


def _row_boundaries(horizontals, x0, top, x1, bottom, layout):
    """y of every horizontal rule crossing the region, plus its top and bottom;
    and the open bands: (top, bottom) spans at either end where no rule is drawn.

    The region's own top and bottom always bound the grid: where a producer
    leaves out the rule at a page break, the vertical rules still end there.
    """
    tol = layout.snap_tolerance
    drawn = [h["top"] for h in horizontals
             if top - tol <= h["top"] <= bottom + tol and h["x1"] > x0 + tol and h["x0"] < x1 - tol]
    ys = _cluster([top, bottom, *(y for y in drawn if top + tol < y < bottom - tol)], tol)
    open_bands = []
    if drawn and min(drawn) > top + tol:
        open_bands.append((top, min(drawn)))
    if drawn and max(drawn) < bottom - tol:
        open_bands.append((max(drawn), bottom))
    if not drawn:
        open_bands.append((top, bottom))
    return ys, open_bands


def _runs_across_rules(chars, xs, open_bands, verticals, layout) -> set[int]:
    """Indexes of characters in open bands whose line runs across a column rule.

    Cell text never crosses its column's rules; a running header or page
    number printed where a cut row's rules run on (no rule closes them) does.
    Such a run (characters on one line with no gap wider than a character)
    is page furniture, not a cell.
    """
    if not open_bands:
        return set()
    tol = layout.snap_tolerance
    inner = [v for v in verticals if xs[0] + tol < v["x0"] < xs[-1] - tol]
    picked = sorted((i for i, c in enumerate(chars)
                     if any(a <= (c["top"] + c["bottom"]) / 2 <= b for a, b in open_bands)),
                    key=lambda i: ((chars[i]["top"] + chars[i]["bottom"]) / 2, chars[i]["x0"]))
    out: set[int] = set()
    run: list[int] = []

    def across(c, d, v) -> bool:
        """Whether the run's text flows across rule ``v`` at chars ``c`` (and next ``d``).

        A glyph cut by the rule well inside it, or two glyphs touching over it.
        A glyph of a cell may overhang its rule a little (punctuation pushed to
        the edge, condensed or fake-bold type): that is not crossing.
        """
        if not v["top"] <= (c["top"] + c["bottom"]) / 2 <= v["bottom"]:
            return False
        inset = max(0.5, 0.15 * (c["x1"] - c["x0"]))
        hangs = c["text"] in layout.hanging_punctuation
        if not hangs and c["x0"] + inset < v["x0"] < c["x1"] - inset:
            return True
        return (d is not None and c["x1"] - 1 <= v["x0"] <= d["x0"] + 1
                and d["x0"] - c["x1"] <= 0.1 * max(c["size"], 1.0))

    def close(run):
        glyphs = [chars[i] for i in run if not chars[i]["text"].isspace()]
        if any(across(c, d, v) for c, d in itertools.zip_longest(glyphs, glyphs[1:])
               for v in inner):
            out.update(run)

    for i in picked:
        c = chars[i]
        if run:
            p = chars[run[-1]]
            same_line = abs((c["top"] + c["bottom"]) / 2 - (p["top"] + p["bottom"]) / 2) \
                <= layout.line_tolerance * max(c["size"], 1.0)
            if not (same_line and c["x0"] - p["x1"] <= max(c["size"], 1.0)):
                close(run)
                run = []
        run.append(i)
    if run:
        close(run)
    return out


class _Grid:
    """Bands × columns, with elementary cells merged where no rule separates them."""

    def __init__(self, xs, ys, verticals, horizontals, layout):
        self.xs, self.ys = xs, ys
        tol = layout.snap_tolerance
        nb, nc = len(ys) - 1, len(xs) - 1
        parent = list(range(nb * nc))

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        def union(a, b):
            parent[find(a)] = find(b)

        # The rules near each column edge and each row edge, looked up by index
        # (a page of a long list has thousands of edge/rule pairs).
        v_near = [[(v["top"], v["bottom"]) for v in verticals if abs(v["x0"] - x) <= tol]
                  for x in xs]
        h_near: list[list[tuple[float, float]]] = [[] for _ in ys]
        for h in horizontals:
            for b in range(bisect.bisect_left(ys, h["top"] - tol),
                           bisect.bisect_right(ys, h["top"] + tol)):
                h_near[b].append((h["x0"], h["x1"]))

        def v_rule_at(c, y_mid):
            return any(top - tol <= y_mid <= bottom + tol for top, bottom in v_near[c])

        def h_rule_at(b, x_mid):
            return any(x0 - tol <= x_mid <= x1 + tol for x0, x1 in h_near[b])

        for b in range(nb):
            y_mid = (ys[b] + ys[b + 1]) / 2
            for c in range(nc - 1):
                if not v_rule_at(c + 1, y_mid):
                    union(b * nc + c, b * nc + c + 1)

        def rules_start_at(y):
            """Whether most column rules begin (or end) at ``y``: a row edge across the table.

            A browser drawing each cell's right and bottom border paints nothing
            for the empty cells of a row continued from the previous page, so
            the rule under that row is drawn in its one filled column only;
            the next row's column rules still start there.
            """
            inner = range(1, len(xs) - 1)
            ends = sum(any(abs(top - y) <= tol or abs(bottom - y) <= tol
                           for top, bottom in v_near[c]) for c in inner)
            return len(inner) >= 2 and ends > len(inner) / 2

        for b in range(nb - 1):
            row_edge = rules_start_at(ys[b + 1])
            for c in range(nc):
                x_mid = (xs[c] + xs[c + 1]) / 2
                if not row_edge and not h_rule_at(b + 1, x_mid):
                    union(b * nc + c, (b + 1) * nc + c)

        roots: dict[int, int] = {}
        self._cell_of = [roots.setdefault(find(i), len(roots)) for i in range(nb * nc)]
        self.cells = list(roots.values())
        # Each merged cell's span in bands and columns.
        self.span: list[list[int]] = [[nb, -1, nc, -1] for _ in self.cells]
        for i, k in enumerate(self._cell_of):
            b, c = divmod(i, nc)
            s = self.span[k]
            s[0], s[1], s[2], s[3] = min(s[0], b), max(s[1], b), min(s[2], c), max(s[3], c)
        self.nb, self.nc = nb, nc
        self._h_rule_at = h_rule_at

    def open_at_foot(self) -> frozenset[int]:
        """Columns with no rule at the table's foot (where others have one)."""
        return frozenset(c for c in range(self.nc)
                         if not self._h_rule_at(self.nb, (self.xs[c] + self.xs[c + 1]) / 2))

    def cell_at(self, x: float, y: float) -> int:
        c = min(max(bisect.bisect_right(self.xs, x) - 1, 0), self.nc - 1)
        b = min(max(bisect.bisect_right(self.ys, y) - 1, 0), self.nb - 1)
        return self._cell_of[b * self.nc + c]

    def _narrowed(self, c0: int, c1: int, b1: int, lines: list[Line]) -> tuple[int, int]:
        """A merged cell's columns, narrowed to its last column if all its text lies there.

        A browser ruling each cell's right and bottom edges paints nothing for
        the cells of a split row that have no text left on the next page: the
        one cell continued there merges with its unruled, empty neighbours on
        the left, with no rule under them.  (A header cell spanning columns
        centres its text across them, and a rule runs under all of them; its
        text may still lie in one column, a wide one beside a narrow one.)
        """
        if c0 == c1 or not lines:
            return c0, c1
        if min(ln.x0 for ln in lines) >= self.xs[c1]:
            if b1 + 1 < self.nb and all(self._h_rule_at(b1 + 1, (self.xs[c] + self.xs[c + 1]) / 2)
                                        for c in range(c0, c1 + 1)):
                return c0, c1
            return c1, c1
        return c0, c1

    def rows(self, cell_lines: list[list[Line]]):
        """Group bands into rows (no cell crosses a row boundary) and fill their cells."""
        spans = []
        for k, (b0, b1, c0, c1) in enumerate(self.span):
            c0, c1 = self._narrowed(c0, c1, b1, cell_lines[k])
            spans.append((b0, b1 + 1, c0, c1 + 1, cell_lines[k]))
        return group_rows(spans, self.nb)


def _cell_lines(chars: list[dict], layout: LayoutSettings,
                wide_gap: float | None = None) -> list[Line]:
    """Characters of one cell → its printed lines, top to bottom."""
    if not chars:
        return []
    chars = sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2)
    runs: list[list[dict]] = []
    centre = None
    for ch in chars:
        cy = (ch["top"] + ch["bottom"]) / 2
        if runs and abs(cy - centre) <= layout.line_tolerance * max(ch["size"], 1.0):
            runs[-1].append(ch)
        else:
            runs.append([ch])
            centre = cy
    return [line for run in runs if (line := _line(run, layout, wide_gap)) is not None]


def _line(run: list[dict], layout: LayoutSettings, wide_gap: float | None) -> Line | None:
    """One line's characters → its text: doubles dropped, spaces only between Latin words."""
    run.sort(key=lambda c: c["x0"])
    out: list[str] = []
    kept: list[dict] = []
    pending_space = False
    for ch in run:
        t = ch["text"]
        if t.isspace() or not t:
            pending_space = True
            continue
        if kept:
            prev = kept[-1]
            # A glyph drawn twice at (almost) the same place is fake bold, not text.
            if (t == prev["text"] and abs(ch["x0"] - prev["x0"]) <= layout.dedupe_tolerance
                    and abs(ch["top"] - prev["top"]) <= layout.dedupe_tolerance):
                continue
            gap = ch["x0"] - prev["x1"]
            if (prev["text"][-1] in _LATIN and t[0] in _LATIN
                    and (pending_space or gap > layout.word_gap * ch["size"])):
                out.append(" ")
            elif wide_gap is not None and gap > wide_gap * ch["size"]:
                out.append(" ")
        out.append(t)
        kept.append(ch)
        pending_space = False
    if not kept:
        return None
    size = statistics.median(c["size"] for c in kept)
    line = Line("".join(out), kept[0]["x0"], max(c["x1"] for c in kept),
                min(c["top"] for c in kept), size)
    confs = [c["conf"] for c in kept if c.get("conf") is not None]  # OCR'd characters
    if confs:
        line.conf = min(confs)
        line.ocr = OcrMarks(
            low="".join(c["text"] for c in kept
                        if c.get("conf") is not None and c["conf"] < layout.ocr_low_conf),
            seal="".join(c["text"] for c in kept if c.get("seal")))
    return line


def _mark_short_lines(rows: list[Fragment], xs: list[float], layout: LayoutSettings) -> None:
    """Flag lines that end before their column's text edge (a paragraph ended there).

    The text edge is the rightmost end of any line in that column on this page;
    where a column holds too few lines to tell, the cell's own padding is mirrored.
    """
    for j in range(len(xs) - 1):
        lines = [ln for row in rows for c in row.cells if c.col0 == j and c.col1 == j + 1
                 for ln in c.lines]
        if not lines:
            continue
        edge = max(ln.x1 for ln in lines)
        if len(lines) < 3:
            pad = min(ln.x0 for ln in lines) - xs[j]
            edge = max(edge, xs[j + 1] - pad)
        for ln in lines:
            ln.short = ln.x1 < edge - layout.full_line_slack * ln.size


def _lines_outside(chars: list[dict], layout: LayoutSettings) -> list[Line]:
    """Text outside the table (notice text, running headers, page numbers), as lines.

    Unlike in a cell, a wide gap becomes one space, so that "附件" and a title
    printed on one line, or a header and a page number, stay apart.
    """
    return _cell_lines(chars, layout, wide_gap=layout.outside_word_gap)
