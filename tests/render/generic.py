"""Typeset a list with any columns (reportlab), and random lists of other families.

    render_list(spec, out_pdf, options)  → ``Rendered``: the PDF and its expected extraction
    layout_list(spec, options)           → ``Layout``: where every row and category part went
    layout_facts(layout), place_breaks(spec, options, needs): what a layout shows
    random_spec(family, seed, n_rows)    → ``ListSpec`` of one family of issue 13
    render_long_list(out_pdf, pages, …)  → ``LongList``: an N-page list, fast (benchmarks)

A ``ListSpec`` is a title, columns (``Col``: label, relative width, an upper
header label for a two-level header, whether the column is a category merged
over runs of equal values) and rows (dicts: column label → text, paragraphs
separated by "\\n").  ``ListOptions`` say how it is typeset:

- header repeated on every page or printed once; one or two header levels;
- rules stroked as lines or drawn as thin filled rectangles (Excel printed by
  Acrobat PDFMaker, as ../shared/real/csrc-2018q3.pdf);
- rows kept whole (Excel: a row that does not fit moves to the next page) or
  cut at the foot of a page (Word: the rest of every cell continues on the
  next page), with or without a rule where a row is cut;
- category cells merged over runs of equal values (a run also ends where a
  category column to its left starts a new run) and across page breaks.  A
  category never makes a row taller (Excel fits row heights to unmerged cells
  only): each page part of a merged cell shows the lines that fit in it,
  vertically centred or at the top.  ``category_print="each part"`` (Excel)
  prints the text again in every page part, so at a page top a part one row
  high shows only its first line(s); ``"first part"`` (Word) prints it once,
  in the part where the run starts.  A run one row high shows what fits;
- a 序号 column or none (the spec's columns say); portrait or landscape;
  a running header and page numbers.

The expected extraction (``Rendered.items``) is what the generic profile must
produce: one row per spec row keyed by field names (``field_of`` asks the
pipeline's profile for them, as the tests do), ``seq`` the printed 序号 or the
row's position, each category cell the fullest text its group prints on any
page (as printed: a group that never shows its whole text keeps the part it
shows), page_start/page_end; ``Rendered.parsed`` the tasks/citations/
departments rows of columns whose label gives them that role, decoded from the
generator's own cell format (independent of the pipeline's parsers).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from tests.render.paginate import Frame, RowFragment, paginate_rows
from tests.render.wrap import Line, wrap_paragraph

PAPER = (595.28, 841.89)  # A4, portrait
TITLE_SIZE = 16.0
FURNITURE_SIZE = 9.0
_LATIN_END = re.compile(r"[A-Za-z0-9]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9]")


@dataclass(frozen=True)
class Col:
    """One printed column: ``label`` (unique in its spec), relative ``width``,
    ``group`` (an upper header label spanning the adjacent columns that share
    it: a two-level header), ``category`` (cells merged over runs of equal values).
    ``label`` + ``group`` (``key``) is unique in its spec."""

    label: str
    width: float = 1.0
    group: str = ""
    category: bool = False
    center: bool = False

    @property
    def key(self) -> str:
        """The column's key in a spec's rows: its upper label and its label."""
        return self.group + self.label


@dataclass(frozen=True)
class ListSpec:
    """A list to typeset: ``rows`` map column keys (``Col.key``) to cell text ("\\n"
    between paragraphs)."""

    title: str
    columns: tuple[Col, ...]
    rows: tuple[dict[str, str], ...]
    family: str = ""

    @property
    def labels(self) -> list[str]:
        """The header label of each column as the pipeline reads it: the upper
        label then the lower one for a column under a two-level header."""
        return [c.key for c in self.columns]


@dataclass(frozen=True)
class ListOptions:
    """How a ``ListSpec`` is typeset (see the module docstring)."""

    orientation: str = "portrait"  # portrait | landscape
    font: str = "uming"  # a key of tests.render.variant.FONTS
    font_size: float = 9.0
    leading: float = 1.4  # line height / font size
    padding: float = 2.5
    header_repeat: bool = True
    rules: str = "lines"  # lines | rects (thin filled rectangles)
    rule_width: float = 0.5
    row_split: bool = False  # Word: rows cut at the page foot; else kept whole (Excel)
    break_rules: bool = True  # with row_split: a rule where a row is cut
    category_print: str = "each part"  # each part (Excel) | first part (Word)
    category_valign: str = "middle"  # middle | top
    running_header: str | None = None
    page_numbers: bool = False
    title: bool = True
    top_offset: float = 0.0  # extra space above the table on its first page
    margin_bottom: float = 48.0


@dataclass
class Part:
    """One page part of a category run: the rows it covers on one page and what it prints."""

    column: int
    run: int  # index of the run in its column
    page: int  # 0-based
    rows: list[int]
    top: float
    bottom: float
    lines: list[Line]  # the lines printed (those that fit)
    at_page_top: bool
    wrapped: int  # how many lines the whole text has


@dataclass
class Layout:
    """Everything placed: column edges, header, pages of row fragments and category parts."""

    spec: ListSpec
    options: ListOptions
    width: float
    height: float
    edges: list[tuple[float, float]]
    header: list[tuple[int, int, int, int, list[Line]]]  # col0, col1, row0, rows, lines
    header_heights: tuple[float, float]
    frame: Frame
    pages: list[list[RowFragment]]
    runs: dict[int, list[tuple[int, int]]]  # category column → runs (first row, end row)
    parts: list[Part]
    cells: list[dict[int, list[Line]]]  # wrapped lines of every cell
    _row_pages: dict[int, list[int]] | None = field(default=None, repr=False)

    def row_pages(self, row: int) -> list[int]:
        """The 0-based pages the row ``row`` is printed on."""
        if self._row_pages is None:
            self._row_pages = {}
            for i, frs in enumerate(self.pages):
                for fr in frs:
                    self._row_pages.setdefault(fr.index, []).append(i)
        return self._row_pages[row]


@dataclass
class Rendered:
    """A rendered list: its PDF, layout, and the expected extraction (see the module docstring)."""

    path: Path
    layout: Layout
    items: list[dict]
    parsed: dict[str, list[dict]]
    columns: list  # the generic profile's ``profiles.Column``s for the spec's header


# --------------------------------------------------------------------------- fonts

class _Font:
    """A registered font and a cached width measure."""

    def __init__(self, key: str):
        from reportlab.pdfbase import pdfmetrics

        from tests.render.pdf_reportlab import register_font

        self.name = register_font(key)
        self._width = pdfmetrics.stringWidth
        self._cache: dict[tuple[str, float], float] = {}

    def width(self, text: str, size: float) -> float:
        key = (text, size)
        w = self._cache.get(key)
        if w is None:
            w = self._cache[key] = self._width(text, self.name, size)
        return w


# --------------------------------------------------------------------------- layout

def field_of(labels: list[str]) -> list:
    """The generic profile's columns for printed header ``labels`` (field names, roles)."""
    from pipeline.profiles import load_profiles

    columns = load_profiles()["generic"].read_header(labels)
    assert columns is not None, labels
    return columns


def _category_runs(spec: ListSpec) -> dict[int, list[tuple[int, int]]]:
    """Runs of equal values per category column; a run also ends where a category
    column to its left starts one (a sub-category never spans two categories)."""
    runs: dict[int, list[tuple[int, int]]] = {}
    starts: set[int] = set()
    for j, col in enumerate(spec.columns):
        if not col.category:
            continue
        out: list[tuple[int, int]] = []
        for i, row in enumerate(spec.rows):
            value = row.get(col.key, "")
            if (not out or i in starts or value != spec.rows[out[-1][0]].get(col.key, "")):
                out.append((i, i + 1))
            else:
                out[-1] = (out[-1][0], i + 1)
        runs[j] = out
        starts |= {a for a, _ in out}
    return runs


def layout_list(spec: ListSpec, options: ListOptions = ListOptions()) -> Layout:
    """Place ``spec`` on pages as ``options`` say (nothing is drawn)."""
    font = _Font(options.font)
    size, pad = options.font_size, options.padding
    lead = size * options.leading
    width, height = PAPER if options.orientation == "portrait" else PAPER[::-1]
    left, right = 40.0, width - 40.0
    total = sum(c.width for c in spec.columns)
    edges, x = [], left
    for c in spec.columns:
        w = (right - left) * c.width / total
        edges.append((x, x + w))
        x += w

    def measure(s: str) -> float:
        return font.width(s, size)

    def wrap(j: int, text: str) -> list[Line]:
        x0, x1 = edges[j]
        lines: list[Line] = []
        for para in text.split("\n"):
            if para:
                lines += wrap_paragraph(para, x1 - x0 - 2 * pad, measure)
        return lines

    # Header: one cell per ungrouped column spanning both levels, one per group above
    # its columns, one per grouped column below.
    levels = 2 if any(c.group for c in spec.columns) else 1
    header: list[tuple[int, int, int, int, list[Line]]] = []
    j = 0
    while j < len(spec.columns):
        col = spec.columns[j]
        if col.group:
            k = j
            while k < len(spec.columns) and spec.columns[k].group == col.group:
                k += 1
            x0, x1 = edges[j][0], edges[k - 1][1]
            header.append((j, k, 0, 1, wrap_paragraph(col.group, x1 - x0 - 2 * pad, measure)))
            for m in range(j, k):
                header.append((m, m + 1, 1, 1, wrap(m, spec.columns[m].label)))
            j = k
        else:
            header.append((j, j + 1, 0, levels, wrap(j, col.label)))
            j += 1

    def h(lines: list[Line]) -> float:
        return max(len(lines), 1) * lead + 2 * pad

    h1 = max((h(ls) for _, _, r0, n, ls in header if r0 == 0 and n == 1), default=0.0)
    h2 = max((h(ls) for _, _, r0, _, ls in header if r0 == 1), default=0.0)
    tall = max(h(ls) for _, _, _, n, ls in header if n == levels)
    if levels == 1:
        h1, h2 = tall, 0.0
    elif h1 + h2 < tall:
        h2 = tall - h1

    cells = [{j: wrap(j, row.get(c.key, "")) for j, c in enumerate(spec.columns)}
             for row in spec.rows]
    category = {j for j, c in enumerate(spec.columns) if c.category}
    # Categories never make a row taller; a row has at least one line.
    flow = [{**{str(j): ls for j, ls in row.items() if j not in category},
             "": [Line("", 0.0, True)]} for row in cells]
    page_top = 58.0 if options.running_header else 40.0
    first_top = page_top + options.top_offset
    if options.title:
        first_top += TITLE_SIZE * 2.2
    frame = Frame(first_top, page_top, height - options.margin_bottom, h1 + h2,
                  options.header_repeat, lead, pad, options.row_split)
    pages = paginate_rows(flow, frame, widow=False)
    for frs in pages:
        for fr in frs:
            fr.cells = {int(k): v for k, v in fr.cells.items() if k}
    runs = _category_runs(spec)
    parts = _parts(runs, pages, cells, options, lead, pad)
    return Layout(spec, options, width, height, edges, header, (h1, h2), frame, pages, runs,
                  parts, cells)


def _parts(runs, pages, cells, options: ListOptions, lead: float, pad: float) -> list[Part]:
    parts: list[Part] = []
    for j, col_runs in runs.items():
        run_of = {}
        for r, (a, b) in enumerate(col_runs):
            for i in range(a, b):
                run_of[i] = r
        for p, frs in enumerate(pages):
            current: Part | None = None
            for k, fr in enumerate(frs):
                r = run_of[fr.index]
                if current is not None and current.run == r:
                    current.rows.append(fr.index)
                    current.bottom = fr.top + fr.height
                    continue
                current = Part(j, r, p, [fr.index], fr.top, fr.top + fr.height, [], k == 0, 0)
                parts.append(current)
    first_seen: set[tuple[int, int]] = set()
    for part in parts:
        a = runs[part.column][part.run][0]
        lines = cells[a][part.column]
        part.wrapped = len(lines)
        fits = int((part.bottom - part.top - 2 * pad + 1e-6) // lead)
        show = (options.category_print == "each part"
                or (part.column, part.run) not in first_seen)
        first_seen.add((part.column, part.run))
        part.lines = lines[:max(fits, 0)] if show else []
    return parts


def layout_facts(lay: Layout) -> frozenset[str]:
    """What a layout shows, for tests that a case shows what it is named after.

    ``category across pages``: a category run has parts on two pages or more;
    ``category reprinted at page top``: such a part atop a page prints the
    whole text again; ``category in part at page top``: … only its first
    line(s); ``category not printed at page top``: … nothing (Word);
    ``category one row shows part``: a run one row high shows only part of its
    text; ``row cut at page foot``: a row continues on the next page;
    ``cut row starts a category printed again``: such a row is the first of a
    category run, printed again atop the next page (``… and its sub-category``:
    runs of two category columns); ``rest of cut row leaves a filled column
    empty``: the rest of a cut row has no text in a column every row fills;
    ``open rule at cut``: no rule closes a page where a row is cut.
    """
    facts = set()
    first: dict[tuple[int, int], Part] = {}
    for part in lay.parts:
        key = (part.column, part.run)
        a, b = lay.runs[part.column][part.run]
        if key not in first:
            first[key] = part
            if b - a == 1 and 0 < len(part.lines) < part.wrapped:
                facts.add("category one row shows part")
            continue
        facts.add("category across pages")
        if part.at_page_top:
            if not part.lines and first[key].lines:
                facts.add("category not printed at page top")
            elif part.lines and len(part.lines) == part.wrapped:
                facts.add("category reprinted at page top")
            elif part.lines:
                facts.add("category in part at page top")
    cut = {fr.index for frs in lay.pages for fr in frs if fr.open_bottom}
    if cut:
        facts.add("row cut at page foot")
        starts: dict[int, set[int]] = {}  # cut row → category columns starting a run there
        for j, runs in lay.runs.items():
            for a, b in runs:
                if a in cut and b - a > 1:
                    starts.setdefault(a, set()).add(j)
        again = {(part.rows[0], part.column) for part in lay.parts
                 if part.at_page_top and part.lines and part.column in starts.get(part.rows[0], ())}
        if again:
            facts.add("cut row starts a category printed again")
        if any(len({j for r, j in again if r == row}) > 1 for row, _ in again):
            facts.add("cut row starts a category and its sub-category printed again")
        filled = [j for j, c in enumerate(lay.spec.columns) if j not in lay.runs
                  and all(row.get(c.key) for row in lay.spec.rows)]
        if any(fr.open_top and not fr.cells[j] for frs in lay.pages for fr in frs
               for j in filled):
            facts.add("rest of cut row leaves a filled column empty")
        if not lay.options.break_rules:
            facts.add("open rule at cut")
    return frozenset(facts)


def place_breaks(spec: ListSpec, options: ListOptions, needs: frozenset[str] | set[str],
                 ) -> tuple[ListOptions, Layout]:
    """``options`` with the table moved down its first page (``top_offset``) until the
    layout shows every fact in ``needs`` (``layout_facts``); raises ValueError if none does."""
    for step in range(0, 120):
        trial = replace(options, top_offset=options.top_offset + 3.0 * step)
        lay = layout_list(spec, trial)
        if set(needs) <= layout_facts(lay):
            return trial, lay
    raise ValueError(f"no layout of {spec.title} shows {sorted(needs)}")


# --------------------------------------------------------------------------- drawing

class _Canvas:
    """Rules and text of one page, drawn as the options say."""

    def __init__(self, c, height: float, options: ListOptions, font: _Font):
        self.c, self.h, self.o, self.font = c, height, options, font

    def hline(self, x0: float, x1: float, y: float) -> None:
        w, h = self.o.rule_width, self.h
        if self.o.rules == "rects":
            self.c.rect(x0 - w / 2, h - y - w / 2, x1 - x0 + w, w, stroke=0, fill=1)
        else:
            self.c.line(x0, h - y, x1, h - y)

    def vline(self, x: float, y0: float, y1: float) -> None:
        w, h = self.o.rule_width, self.h
        if self.o.rules == "rects":
            self.c.rect(x - w / 2, h - y1 - w / 2, w, y1 - y0 + w, stroke=0, fill=1)
        else:
            self.c.line(x, h - y0, x, h - y1)

    def text(self, s: str, x: float, baseline: float, size: float) -> None:
        if s:
            self.c.setFont(self.font.name, size)
            self.c.drawString(x, self.h - baseline, s)


def _draw_page(cv: _Canvas, lay: Layout, p: int, number: int, total: int, font: _Font) -> None:
    o, spec = lay.options, lay.spec
    size, pad = o.font_size, o.padding
    lead = size * o.leading
    left, right = lay.edges[0][0], lay.edges[-1][1]
    frs = lay.pages[p]
    if o.running_header:
        cv.text(o.running_header, left, 40.0, FURNITURE_SIZE)
    if o.page_numbers:
        s = f"第 {number} 页 共 {total} 页"
        cv.text(s, (left + right - font.width(s, FURNITURE_SIZE)) / 2, lay.height - 24.0,
                FURNITURE_SIZE)
    if not frs:
        return
    top = lay.frame.first_top if p == 0 else lay.frame.page_top
    if p == 0 and o.title:
        w = font.width(spec.title, TITLE_SIZE)
        cv.text(spec.title, (left + right - w) / 2, top - TITLE_SIZE * 0.9, TITLE_SIZE)
    body_top = frs[0].top
    with_header = p == 0 or o.header_repeat
    if with_header:
        h1, h2 = lay.header_heights
        cv.hline(left, right, top)
        for c0, c1, r0, n, lines in lay.header:
            x0, x1 = lay.edges[c0][0], lay.edges[c1 - 1][1]
            y0 = top + (h1 if r0 == 1 else 0.0)
            y1 = top + (h1 if r0 == 0 and n == 1 else h1 + h2)
            if r0 == 0 and n == 1:
                cv.hline(x0, x1, y1)
            shift = (y1 - y0 - 2 * pad - len(lines) * lead) / 2
            for i, line in enumerate(lines):
                cv.text(line.text, (x0 + x1 - line.width) / 2,
                        y0 + shift + pad + i * lead + size * 0.95, size)
        for x in [lay.edges[0][0], *(x1 for _, x1 in lay.edges)]:
            inner = [c for c in lay.header if c[2] == 0 and c[3] == 1
                     and lay.edges[c[0]][0] < x < lay.edges[c[1] - 1][1]]
            cv.vline(x, top + (lay.header_heights[0] if inner else 0.0), body_top)
    # Row edges: under each fragment but where a category run goes on, the
    # page's top and foot as the options say.
    run_of = {j: {i: r for r, (a, b) in enumerate(runs) for i in range(a, b)}
              for j, runs in lay.runs.items()}
    first = frs[0]
    if not with_header and not (first.open_top and not o.break_rules):
        cv.hline(left, right, body_top)
    elif with_header:
        cv.hline(left, right, body_top)
    for k, fr in enumerate(frs):
        y = fr.top + fr.height
        if k == len(frs) - 1:
            if not (fr.open_bottom and not o.break_rules):
                cv.hline(left, right, y)
            continue
        nxt = frs[k + 1]
        segment: list[float] | None = None
        for j, (x0, x1) in enumerate(lay.edges):
            goes_on = j in run_of and run_of[j][fr.index] == run_of[j][nxt.index]
            if goes_on:
                if segment:
                    cv.hline(segment[0], segment[1], y)
                segment = None
            elif segment is None:
                segment = [x0, x1]
            else:
                segment[1] = x1
        if segment:
            cv.hline(segment[0], segment[1], y)
    bottom = frs[-1].top + frs[-1].height
    for x in [lay.edges[0][0], *(x1 for _, x1 in lay.edges)]:
        cv.vline(x, body_top, bottom)
    # Cell text, categories apart.
    category = set(lay.runs)
    for fr in frs:
        for j, lines in fr.cells.items():
            if j in category:
                continue
            x0, x1 = lay.edges[j]
            for i, line in enumerate(lines):
                x = (x0 + x1 - line.width) / 2 if spec.columns[j].center else x0 + pad
                cv.text(line.text, x, fr.top + pad + i * lead + size * 0.95, size)
    for part in lay.parts:
        if part.page != p or not part.lines:
            continue
        x0, x1 = lay.edges[part.column]
        shift = 0.0
        if o.category_valign == "middle":
            shift = max(0.0, (part.bottom - part.top - 2 * pad - len(part.lines) * lead) / 2)
        for i, line in enumerate(part.lines):
            x = (x0 + x1 - line.width) / 2 if spec.columns[part.column].center else x0 + pad
            cv.text(line.text, x, part.top + shift + pad + i * lead + size * 0.95, size)


def render_list(spec: ListSpec, out_pdf: Path, options: ListOptions = ListOptions(),
                layout: Layout | None = None) -> Rendered:
    """Write ``spec`` typeset as ``options`` to ``out_pdf``; return it with its expected
    extraction.  ``layout``: one already made by ``layout_list`` for the same spec."""
    from reportlab.pdfgen.canvas import Canvas

    lay = layout or layout_list(spec, options)
    font = _Font(options.font)
    out_pdf = Path(out_pdf)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(out_pdf), pagesize=(lay.width, lay.height), invariant=1, pageCompression=1)
    c.setTitle(spec.title)
    c.setCreator("tests.render.generic")
    c.setLineWidth(options.rule_width)
    total = len(lay.pages)
    for p in range(total):
        cv = _Canvas(c, lay.height, options, font)
        c.setLineWidth(options.rule_width)
        _draw_page(cv, lay, p, p + 1, total, font)
        c.showPage()
    c.save()
    columns = field_of(spec.labels)
    items = expected_items(lay, columns)
    return Rendered(out_pdf, lay, items, expected_parsed(items, columns), columns)


# --------------------------------------------------------------------------- expected

def _join(lines: list[Line]) -> str:
    """Printed lines of one paragraph as the pipeline joins them (a space only between
    two Latin words)."""
    out = ""
    for line in lines:
        if out and _LATIN_END.search(out) and _LATIN_START.match(line.text):
            out += " "
        out += line.text
    return out


def expected_items(lay: Layout, columns) -> list[dict]:
    """The ``items`` rows the generic profile must read from ``lay`` (see the module
    docstring); ``columns``: ``field_of(spec.labels)``."""
    spec = lay.spec
    fullest: dict[tuple[int, int], str] = {}
    for part in lay.parts:
        text = _join(part.lines)
        key = (part.column, part.run)
        if len(text) > len(fullest.get(key, "")):
            fullest[key] = text
    run_of = {j: {i: r for r, (a, b) in enumerate(runs) for i in range(a, b)}
              for j, runs in lay.runs.items()}
    keyed = any(c.role == "key" for c in columns)
    items = []
    for i, row in enumerate(spec.rows):
        pages = lay.row_pages(i)
        item = {"seq": i + 1, "page_start": pages[0] + 1, "page_end": pages[-1] + 1}
        for col, spec_col in zip(columns, spec.columns, strict=True):
            j = col.index
            if col.role == "key":
                item["seq"] = int(row[spec_col.key])
                continue
            if j in run_of:
                text = fullest.get((j, run_of[j][i]), "")
            else:
                text = row.get(spec_col.key, "")
            if col.role == "departments":
                text = re.sub(r"\s+", "", text)
            item[col.field] = text
        items.append(item)
    assert keyed or all(it["seq"] == n for n, it in enumerate(items, 1))
    return items


def expected_parsed(items: list[dict], columns) -> dict[str, list[dict]]:
    """tasks/citations/departments rows of ``items`` for columns with those roles,
    decoded from the generator's cell format: tasks "1.…" one per line (else one
    unnumbered task), citations "《law》article" one per line, departments joined by 、."""
    out: dict[str, list[dict]] = {"tasks": [], "citations": [], "departments": []}
    for item in items:
        for col in columns:
            text = item[col.field]
            if col.role == "tasks" and text:
                for line in text.split("\n"):
                    m = re.match(r"(\d+\.)(.*)", line)
                    out["tasks"].append({"seq": item["seq"], "field": col.field,
                                         "marker": m.group(1) if m else None,
                                         "text": m.group(2) if m else line})
            elif col.role == "citations" and text:
                for line in text.split("\n"):
                    m = re.fullmatch(r"《(.+?)》(.*)", line)
                    assert m, line
                    out["citations"].append({"seq": item["seq"], "field": col.field,
                                             "law": m.group(1), "article_ref": m.group(2) or None})
            elif col.role == "departments" and text:
                out["departments"].extend({"seq": item["seq"], "field": col.field,
                                           "department": d} for d in text.split("、"))
    return out


# --------------------------------------------------------------------------- random lists

_CATEGORIES_POWER = ("行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查",
                     "行政确认", "行政奖励", "行政裁决", "其他行政权力")
_ACTIONS = ("审批", "备案", "登记", "核准", "认定", "查处", "检查", "处罚", "许可", "确认")
_SUBJECTS = ("建设工程消防设计", "食品经营", "户外广告设施设置", "城市道路占用", "排水许可",
             "特种设备使用", "药品零售企业", "民办学校设立", "建筑施工企业资质", "河道采砂",
             "林木采伐", "养犬登记", "殡葬设施建设", "宗教活动场所筹备", "公共场所卫生",
             "再生资源回收经营者", "机动车维修经营", "燃气经营", "城镇污水排入排水管网",
             "生产建设项目水土保持方案")
_DEPTS = ("区市场监管局", "区公安分局", "区住房城乡建设委", "区城市管理局", "区生态环境局",
          "区卫生健康委", "区交通局", "区水利局", "区林业局", "区民政局", "区教委",
          "区规划自然资源局", "区应急局", "区文化旅游委", "街道办事处", "镇人民政府")
_PROOFS = ("无犯罪记录证明", "亲属关系证明", "居住证明", "无房证明", "收入证明",
           "婚姻状况证明", "独生子女证明", "健康状况证明", "出生医学证明", "死亡证明",
           "经营场所证明", "就业失业登记证明", "困难家庭证明", "残疾等级证明", "学历证明")
_REQUESTERS = ("区人力社保局", "区民政局", "区教委", "区住房城乡建设委", "区医保局",
               "区退役军人事务局", "区税务局", "区残联")
_SERVICE_KINDS = ("社会保障", "医疗卫生", "教育", "文化体育", "住房保障", "就业创业",
                  "养老服务", "残疾人服务", "法律服务", "公共安全")
_SERVICE_ITEMS = ("城乡居民基本养老保险参保登记", "基本医疗保险关系转移接续",
                  "适龄儿童入学登记", "公共图书馆免费开放", "公共租赁住房申请受理",
                  "失业登记", "创业担保贷款申请", "高龄津贴发放", "残疾人两项补贴申领",
                  "法律援助申请", "预防接种", "孕产妇健康管理", "老年人健康管理",
                  "城乡低保对象认定", "临时救助申请", "体育场馆免费低收费开放")
_INDUSTRIES = (
    ("农、林、牧、渔业(A)", (("01", "农业"), ("02", "林业"), ("03", "畜牧业"),
                         ("04", "渔业"), ("05", "农、林、牧、渔服务业"))),
    ("采矿业(B)", (("06", "煤炭开采和洗选业"), ("07", "石油和天然气开采业"),
                 ("08", "黑色金属矿采选业"), ("09", "有色金属矿采选业"))),
    ("制造业(C)", (("13", "农副食品加工业"), ("14", "食品制造业"),
                 ("15", "酒、饮料和精制茶制造业"), ("26", "化学原料和化学制品制造业"),
                 ("27", "医药制造业"), ("37", "铁路、船舶、航空航天和其它运输设备制造业"),
                 ("39", "计算机、通信和其他电子设备制造业"))),
    ("电力、热力、燃气及水的生产和供应业(D)", (("44", "电力、热力生产和供应业"),
                                       ("45", "燃气生产和供应业"))),
    ("信息传输、软件和信息技术服务业(I)", (("63", "电信、广播电视和卫星传输服务"),
                                     ("64", "互联网和相关服务"),
                                     ("65", "软件和信息技术服务业"))),
    ("居民服务、修理和其他服务业(O)", (("80", "机动车、电子产品和日用产品修理业"),)),
    ("文化、体育和娱乐业(R)", (("85", "新闻和出版业"), ("86", "广播、电视、电影和影视录音制作业"))),
)
_NAME_CHARS = "华中东方海天金山新科股份信达通宝龙鑫恒泰安康明光远航长城国电北京上深南"


def _law(rng: random.Random) -> tuple[str, str]:
    from tests.render.randomlist import _LAW_KIND, _LAW_PREFIX, _LAW_TOPIC

    law = rng.choice(_LAW_PREFIX) + rng.choice(_LAW_TOPIC) + rng.choice(_LAW_KIND)
    if rng.random() < 0.15:
        return law, ""
    n = rng.randint(1, 80)
    ref = f"第{_numeral(n)}条"
    if rng.random() < 0.3:
        ref += f"第{_numeral(rng.randint(1, 4))}款"
    return law, ref


def _numeral(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _citations(rng: random.Random, k: int | None = None) -> str:
    k = k or rng.choice((1, 1, 2, 3))
    return "\n".join(f"《{law}》{ref}" for law, ref in (_law(rng) for _ in range(k)))


def _tasks(rng: random.Random) -> str:
    from tests.render.randomlist import _OBJECTS, _TAILS, _VERBS

    k = rng.choice((1, 2, 3, 4))
    texts = [f"{rng.choice(_VERBS)}{rng.choice(_OBJECTS)}{rng.choice(_TAILS)}责任。"
             for _ in range(k)]
    if k == 1 and rng.random() < 0.5:
        return texts[0]
    return "\n".join(f"{i}.{t}" for i, t in enumerate(texts, 1))


def _runs(rng: random.Random, values, n: int, longest: int = 9) -> list[str]:
    out: list[str] = []
    pool = list(values)
    while len(out) < n:
        value = pool[len(out) % len(pool)] if rng.random() < 0.7 else rng.choice(pool)
        if out and value == out[-1]:
            continue
        out.extend([value] * rng.randint(1, longest))
    return out[:n]


def random_spec(family: str, seed: int, n_rows: int = 40, two_level: bool = False,
                seq: bool = True) -> ListSpec:
    """A random list of one family of issue 13 (seeded, deterministic).

    ``power`` 权责清单 (序号, 职权类别 merged, 职权名称, 子项, 设定依据, 实施主体,
    责任事项, 备注; ``two_level``: 职权名称 merged over its 子项 rows too);
    ``proof`` 证明事项清单 (序号, 证明名称, 开具单位 merged over runs, 设定依据,
    索要单位, 备注); ``service`` 公共服务事项清单 (序号, 服务类别
    merged, 服务事项, 服务内容, a two-level header 办理信息: 实施依据 and 责任单位,
    备注); ``assist`` another district's 协助事项清单: the 2021 list's columns
    and a 类别 merged; ``classification`` a list like the CSRC's (no 序号, 门类
    and 大类 merged; ``two_level``: 代码 and 名称 under 行业大类, 代码 and 简称
    under 上市公司).  ``seq=False`` leaves out the 序号 column.
    """
    spec = _random_spec(family, seed, n_rows, two_level)
    if seq:
        return spec
    cols = tuple(c for c in spec.columns if c.key != "序号")
    return replace(spec, columns=cols, rows=tuple({k: v for k, v in r.items() if k != "序号"}
                                                 for r in spec.rows))


def _random_spec(family: str, seed: int, n_rows: int, two_level: bool) -> ListSpec:
    rng = random.Random(f"{family}:{seed}")
    if family == "power":
        cols = (Col("序号", 0.5, center=True), Col("职权类别", 0.9, category=True, center=True),
                Col("职权名称", 1.6), Col("子项", 1.1), Col("设定依据", 2.4),
                Col("实施主体", 1.1), Col("责任事项", 2.6), Col("备注", 0.6))
        if two_level:  # 职权名称 merged over its 子项 rows
            cols = tuple(replace(c, category=True) if c.label == "职权名称" else c for c in cols)
        cats = _runs(rng, _CATEGORIES_POWER, n_rows, 12)
        rows = []
        subject, left = "", 0
        for i in range(n_rows):
            if left == 0 or (i and cats[i] != cats[i - 1]):
                subject = rng.choice(_SUBJECTS)
                name = (f"{subject}{cats[i][2:]}" if rng.random() < 0.5
                        else f"对{subject}的{rng.choice(_ACTIONS)}")
                left = rng.randint(1, 3) if two_level else 1
            left -= 1
            rows.append({"序号": str(i + 1), "职权类别": cats[i], "职权名称": name,
                         "子项": (f"{subject}{rng.choice(('设立', '变更', '注销', '延续'))}"
                                if two_level else
                                rng.choice(("", "", f"{subject}变更", f"{subject}注销"))),
                         "设定依据": _citations(rng), "实施主体": rng.choice(_DEPTS),
                         "责任事项": _tasks(rng),
                         "备注": rng.choice(("", "", "", "新增", "调整"))})
        return ListSpec("某区行政权力和责任事项清单", cols, tuple(rows), family)
    if family == "proof":
        cols = (Col("序号", 0.5, center=True), Col("证明名称", 1.4),
                Col("开具单位", 1.2, category=True),
                Col("设定依据", 2.4), Col("索要单位", 1.2), Col("备注", 0.7))
        rows = []
        pool = ["、".join(rng.sample(_DEPTS, rng.choice((1, 1, 2)))) for _ in range(12)]
        issuers = _runs(rng, pool, n_rows, 5)
        for i in range(n_rows):
            rows.append({"序号": str(i + 1), "证明名称": rng.choice(_PROOFS),
                         "开具单位": issuers[i], "设定依据": _citations(rng, 1),
                         "索要单位": rng.choice(_REQUESTERS),
                         "备注": rng.choice(("", "", "保留", "告知承诺制"))})
        return ListSpec("某区证明事项清单", cols, tuple(rows), family)
    if family == "service":
        cols = (Col("序号", 0.5, center=True), Col("服务类别", 0.9, category=True, center=True),
                Col("服务事项", 1.6), Col("服务内容", 2.0),
                Col("实施依据", 2.2, group="办理信息"), Col("责任单位", 1.1, group="办理信息"),
                Col("备注", 0.6))
        from tests.render.randomlist import _CLAUSES

        kinds = _runs(rng, _SERVICE_KINDS, n_rows, 8)
        rows = []
        for i in range(n_rows):
            rows.append({"序号": str(i + 1), "服务类别": kinds[i],
                         "服务事项": rng.choice(_SERVICE_ITEMS),
                         "服务内容": f"为符合条件的群众提供服务，{rng.choice(_CLAUSES)}。",
                         "办理信息实施依据": _citations(rng),
                         "办理信息责任单位": rng.choice(_DEPTS),
                         "备注": rng.choice(("", "", "免费"))})
        return ListSpec("某区基本公共服务事项清单", cols, tuple(rows), family)
    if family == "assist":
        from tests.render.randomlist import _CLAUSES, _OBJECTS, _VERBS

        cols = (Col("序号", 0.5, center=True), Col("类别", 0.8, category=True, center=True),
                Col("事项名称", 1.3), Col("具体内容", 2.0), Col("协助工作细化事项", 2.4),
                Col("依据", 2.0), Col("主管单位", 1.0), Col("备注", 0.6))
        kinds = _runs(rng, ("社会治理", "民生保障", "城乡建设", "平安建设", "文化教育"),
                      n_rows, 8)
        rows = []
        for i in range(n_rows):
            rows.append({"序号": str(i + 1), "类别": kinds[i],
                         "事项名称": f"{rng.choice(_VERBS)}{rng.choice(_OBJECTS)}工作",
                         "具体内容": f"{rng.choice(_CLAUSES)}。", "协助工作细化事项": _tasks(rng),
                         "依据": _citations(rng), "主管单位": "、".join(rng.sample(_DEPTS, 2)),
                         "备注": ""})
        return ListSpec("某区村（居）民委员会协助政府工作事项清单", cols, tuple(rows), family)
    if family == "classification":
        industry, company = ("行业大类", "上市公司") if two_level else ("", "")
        cols = (Col("门类名称及代码", 1.3, category=True),
                Col("代码" if two_level else "行业大类代码", 0.9, industry, True, True),
                Col("名称" if two_level else "行业大类名称", 1.7, industry, True),
                Col("代码" if two_level else "上市公司代码", 1.0, company, center=True),
                Col("简称" if two_level else "上市公司简称", 1.0, company))
        rows = []
        codes = rng.sample(range(100000, 999999), n_rows)
        while len(rows) < n_rows:
            section, industries = rng.choice(_INDUSTRIES)
            if rows and rows[-1]["门类名称及代码"] == section:
                continue
            for code, name in rng.sample(industries, rng.randint(1, len(industries))):
                for _ in range(rng.randint(1, 7)):
                    if len(rows) < n_rows:
                        rows.append({"门类名称及代码": section, "行业大类代码": code,
                                     "行业大类名称": name,
                                     "上市公司代码": f"{codes[len(rows)]:06d}",
                                     "上市公司简称": "".join(rng.sample(_NAME_CHARS, 4))})
        return ListSpec("上市公司行业分类结果", cols, tuple(rows), family)
    raise ValueError(f"unknown family {family!r}")


def with_rows(spec: ListSpec, rows: list[dict[str, str]]) -> ListSpec:
    """``spec`` with other rows (a revised version of the list)."""
    return replace(spec, rows=tuple(rows))


# --------------------------------------------------------------------------- long lists

@dataclass
class LongList:
    """A rendered long list: the PDF, its page count and number of list rows."""

    path: Path
    pages: int
    rows: int


def render_long_list(out_pdf: Path, pages: int, *, seed: int = 0,
                     options: ListOptions | None = None) -> LongList:
    """Write a ``pages``-page list to ``out_pdf`` quickly (for memory and time benchmarks).

    A classification like the CSRC's (no 序号; 门类 and 大类 merged over runs and
    across pages, printed again at each page top; rules as filled rectangles;
    header on every page), one-line rows (about 41 a page), reportlab's
    built-in STSong font (not embedded).  Deterministic for a ``seed``.
    Returns the path, page count and row count (the extraction has that many items).
    """
    options = options or ListOptions(font="stsong", rules="rects", rule_width=0.96,
                                     category_valign="top", title=True)
    # Rows are one line high (categories never make a row taller): count what fits.
    probe = layout_list(random_spec("classification", seed, 1), options)
    frame = probe.frame
    row_h = frame.leading + 2 * frame.padding
    first = int((frame.bottom - frame.first_top - frame.header_height + 1e-6) // row_h)
    per_page = int((frame.bottom - frame.page_top - frame.header_height + 1e-6) // row_h)
    spec = random_spec("classification", seed, first + per_page * (pages - 1))
    lay = layout_list(spec, options)
    if len(lay.pages) != pages:  # a row taller than one line after all
        keep = {fr.index for frs in lay.pages[:pages] for fr in frs}
        spec = with_rows(spec, [r for i, r in enumerate(spec.rows) if i in keep])
        lay = layout_list(spec, options)
    rendered = render_list(spec, out_pdf, options, lay)
    return LongList(rendered.path, len(lay.pages), len(spec.rows))
