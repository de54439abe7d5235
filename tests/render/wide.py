"""Wide lists printed in column bands, as a spreadsheet prints a sheet wider than its paper.

    wide_list(seed, n_rows, widths)        → ``WideList``: a 权责清单 of 15 columns (issue 19's)
    render_bands(wide, out_pdf, printing)  → ``Printed``: reportlab draws the printed pages
    expected_items(wide)                   → the workbook's cells as the generic profile's items
    agreement(expected, items)             → ``Agreement``: characters, names, columns alike

A ``WideList`` is what a workbook holds: a title, columns (label, width in
points, a ``category`` merged over runs of equal values) and rows (label →
text, "\\n" between paragraphs).  ``Printing`` says how it is printed, in the
terms of a sheet's page setup: page order (``downThenOver``, Excel's and
LibreOffice's default, or ``overThenDown``), print titles (the header row on
every page; the left columns on every band), paper and orientation.

``render_bands`` prints it as a spreadsheet does (tests/render/wide_sheet.py
has LibreOffice print the same list from a real workbook): row heights are the
tallest cell of each row over every column (a category merged over rows does
not count), so the pages of one run of rows have the same rows and heights in
every band; columns are packed into bands of at most the paper's width; the
title row and the header are sheet rows (printed on each band's first page:
the title's text only on the first band's); a category run is one merged
cell, printed again in each page part.  Two things only a printer of another
kind does: ``row_split`` cuts a row that does not fit at the foot of a page
(the rest continues on the next, every band alike: Word's tables), and
``clipped_rows`` get one line less height than their tallest cell needs (a
row height set by hand): that cell's text is drawn whole under a clipping path
of the cell, as LibreOffice does, so the text layer holds a line the page
does not show.  ``Printed.items`` is the expected extraction: the cells as
printed (a clipped cell as shown).
"""

from __future__ import annotations

import difflib
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.render.paginate import Frame, RowFragment, paginate_rows
from tests.render.wrap import Line, wrap_paragraph

PAPERS = {"A4": (595.28, 841.89), "A3": (841.89, 1190.55)}
MARGIN = 36.0
TITLE_SIZE = 14.0
TITLE_HEIGHT = 28.0
PADDING = 2.5
LEADING = 1.35


@dataclass(frozen=True)
class WideCol:
    """One column of the sheet: its header label, width (points) and whether its cells
    are merged over runs of equal values (a category)."""

    label: str
    width: float
    category: bool = False


#: The columns of a 权责清单 as issue 19's lists print them (15, about 1,500 pt wide).
WIDE_COLUMNS = (
    WideCol("序号", 30), WideCol("事项名称", 96), WideCol("子项名称", 84),
    WideCol("职权类型", 54, category=True), WideCol("职权编码", 84), WideCol("设定依据", 168),
    WideCol("实施主体", 84), WideCol("承办机构", 84), WideCol("行使层级", 54),
    WideCol("责任事项", 168), WideCol("责任事项依据", 168), WideCol("追责对象范围", 96),
    WideCol("追责情形", 168), WideCol("救济途径", 120), WideCol("备注", 54),
)


@dataclass(frozen=True)
class WideList:
    """A sheet's list: ``rows`` map column labels to cell text."""

    title: str
    columns: tuple[WideCol, ...]
    rows: tuple[dict[str, str], ...]

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.columns]


@dataclass(frozen=True)
class Printing:
    """A sheet's page setup (see the module docstring); ``row_split`` and ``clipped_rows``
    (row indexes) are for ``render_bands`` only."""

    order: str = "downThenOver"  # downThenOver | overThenDown
    title_rows: bool = False  # print titles: the header row repeated on every page
    title_cols: int = 0  # print titles: the left columns repeated on every band
    paper: str = "A4"
    orientation: str = "portrait"
    font_size: float = 9.0
    row_split: bool = False
    clipped_rows: tuple[int, ...] = ()
    title: bool = True

    @property
    def size(self) -> tuple[float, float]:
        w, h = PAPERS[self.paper]
        return (w, h) if self.orientation == "portrait" else (h, w)


@dataclass
class Printed:
    """A printed wide list: the PDF, its bands (column indexes of each), pages per band,
    the expected items, and the (row, label) of cells drawn clipped."""

    path: Path
    bands: list[list[int]]
    rows_on: list[list[int]]  # per run of rows (one page of each band): the rows it prints
    items: list[dict]
    clipped: list[tuple[int, str]] = field(default_factory=list)

    @property
    def row_pages(self) -> int:
        return len(self.rows_on)

    @property
    def pages(self) -> int:
        return self.row_pages * len(self.bands)

    def crossing_runs(self, wide: WideList) -> int:
        """Category runs printed on two runs of rows or more (merged cells cut by a break)."""
        page_of: dict[int, list[int]] = {}
        for p, rows in enumerate(self.rows_on):
            for i in rows:
                page_of.setdefault(i, []).append(p)
        return sum(len({p for i in rows for p in page_of[i]}) > 1
                   for runs in _runs(wide).values()
                   for rows in _group_rows(runs).values())


# --------------------------------------------------------------------------- the list

def wide_list(seed: int, n_rows: int, columns: tuple[WideCol, ...] = WIDE_COLUMNS,
              width: float = 1.0) -> WideList:
    """A random 权责清单 (seeded) with ``columns`` (each ``width`` times as wide)."""
    from tests.render.generic import (
        _ACTIONS,
        _CATEGORIES_POWER,
        _DEPTS,
        _SUBJECTS,
        _citations,
        _runs,
        _tasks,
    )
    from tests.render.randomlist import _CLAUSES

    rng = random.Random(f"wide:{seed}")
    cats = _runs(rng, _CATEGORIES_POWER, n_rows, 6)
    rows = []
    for i in range(n_rows):
        subject = rng.choice(_SUBJECTS)
        name = (f"对{subject}的{rng.choice(_ACTIONS)}" if rng.random() < 0.6
                else f"{subject}{cats[i][2:]}")
        cells = {
            "序号": str(i + 1), "事项名称": name,
            "子项名称": rng.choice(("", "", f"{subject}变更", f"{subject}注销")),
            "职权类型": cats[i], "职权编码": f"3302{rng.randint(10, 99)}{i + 1:05d}",
            "设定依据": _citations(rng), "实施主体": rng.choice(_DEPTS),
            "承办机构": rng.choice(_DEPTS) + rng.choice(("", "综合科", "执法大队")),
            "行使层级": rng.choice(("区级", "镇街", "区级、镇街")),
            "责任事项": _tasks(rng), "责任事项依据": _citations(rng),
            "追责对象范围": rng.choice(("直接负责的主管人员和其他直接责任人员",
                                  "承办人员、审核人员、批准人员", "相关工作人员")),
            "追责情形": "".join(f"{rng.choice(_CLAUSES)}未落实的；" for _ in range(
                rng.randint(1, 3))).rstrip("；") + "。",
            "救济途径": rng.choice(("行政复议、行政诉讼", "依法申请行政复议或者提起行政诉讼。",
                                "申诉、控告")),
            "备注": rng.choice(("", "", "", "新增", "调整")),
        }
        rows.append({c.label: cells.get(c.label, "") for c in columns})
    cols = tuple(WideCol(c.label, c.width * width, c.category) for c in columns)
    return WideList("某区行政权力和责任事项清单", cols, tuple(rows))


def expected_items(wide: WideList, shown: dict[tuple[int, str], str] | None = None
                   ) -> list[dict]:
    """The workbook's cells as the generic profile's ``items`` (field → text; ``seq`` the
    printed 序号); ``shown``: (row, label) → the text a clipped cell shows instead."""
    from tests.render.generic import field_of

    columns = field_of(wide.labels)
    items = []
    for i, row in enumerate(wide.rows):
        item = {}
        for col in columns:
            text = (shown or {}).get((i, wide.columns[col.index].label),
                                     row[wide.columns[col.index].label])
            item[col.field] = int(text) if col.role == "key" else text
        items.append(item)
    return items


@dataclass
class Agreement:
    """How far extracted items agree with the expected ones: ``chars`` (share of the
    expected characters, white space left out, found in place), ``names`` (share of rows
    whose name is exact), ``missing`` (expected fields not extracted) and ``rows``."""

    chars: float
    names: float
    missing: list[str]
    rows: tuple[int, int]
    worst: list[tuple[int, str, str, str]]  # (row, field, expected, found), least alike first


def agreement(expected: list[dict], items: list[dict], name_field: str = "name") -> Agreement:
    """Compare ``items`` (extracted rows, as read back from items.csv/parquet) with
    ``expected`` row by row."""
    fields = list(expected[0]) if expected else []
    missing = [f for f in fields if items and f not in items[0]]
    total = found = names = 0
    worst = []
    for n, (want, got) in enumerate(zip(expected, items, strict=False)):
        for f in fields:
            a = _squash(str(want[f]))
            b = _squash("" if got.get(f) is None else str(got[f]))
            total += len(a)
            same = sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False)
                       .get_matching_blocks())
            found += same
            if a != b:
                worst.append((same - len(a) - len(b), n, f, a, b))
        names += _squash(str(want.get(name_field, ""))) == _squash(str(got.get(name_field, "")))
    worst.sort()
    return Agreement(found / total if total else 1.0,
                     names / len(expected) if expected else 1.0, missing,
                     (len(expected), len(items)), [w[1:] for w in worst[:5]])


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- printing

def column_bands(wide: WideList, printing: Printing) -> list[list[int]]:
    """The columns each printed band holds, as a spreadsheet packs them into the paper's
    width (the print-title columns first on every band)."""
    room = printing.size[0] - 2 * MARGIN
    widths = [c.width for c in wide.columns]
    bands: list[list[int]] = []
    j = 0
    while j < len(widths):
        band = list(range(printing.title_cols)) if bands else []
        used = sum(widths[k] for k in band) + widths[j]
        band.append(j)  # (a band holds at least one column of its own)
        j += 1
        while j < len(widths) and used + widths[j] <= room:
            band.append(j)
            used += widths[j]
            j += 1
        bands.append(band)
    return bands


class _Measure:
    def __init__(self, size: float):
        from reportlab.pdfbase import pdfmetrics

        from tests.render.pdf_reportlab import register_font

        self.font = register_font("uming")
        self.size = size
        self._width = pdfmetrics.stringWidth

    def __call__(self, text: str) -> float:
        return self._width(text, self.font, self.size)


def wrap_cell(text: str, width: float, measure) -> list[Line]:
    """A cell's text set into its column (padding left out), paragraph by paragraph."""
    lines: list[Line] = []
    for para in text.split("\n"):
        if para:
            lines += wrap_paragraph(para, width - 2 * PADDING, measure)
    return lines


def render_bands(wide: WideList, out_pdf: Path, printing: Printing = Printing()) -> Printed:
    """Print ``wide`` in column bands with reportlab (see the module docstring)."""
    from reportlab.pdfgen.canvas import Canvas

    size = printing.font_size
    measure = _Measure(size)
    lead = size * LEADING
    cols = wide.columns
    category = {j for j, c in enumerate(cols) if c.category}
    cells = [[wrap_cell(row[c.label], c.width, measure) for c in cols] for row in wide.rows]
    header = [wrap_cell(c.label, c.width, measure) for c in cols]
    header_h = max(len(x) for x in header) * lead + 2 * PADDING
    # A clipped row is one line lower than its tallest cell: the flow gets the lines shown.
    flow, shown, clipped = [], {}, []
    for i, row in enumerate(cells):
        fit = max(len(row[j]) for j in range(len(cols)) if j not in category)
        if i in printing.clipped_rows and fit > 1:
            fit -= 1
            for j, lines in enumerate(row):
                if j not in category and len(lines) > fit:
                    shown[(i, cols[j].label)] = "".join(ln.text for ln in lines[:fit])
                    clipped.append((i, cols[j].label))
        flow.append({**{str(j): row[j][:fit] for j in range(len(cols)) if j not in category},
                     "": [Line("", 0.0, True)]})
    width, height = printing.size
    top = MARGIN + (TITLE_HEIGHT if printing.title else 0.0)
    frame = Frame(top, MARGIN, height - MARGIN, header_h, printing.title_rows, lead, PADDING,
                  printing.row_split)
    pages = paginate_rows(flow, frame, widow=False)
    runs = _runs(wide)
    bands = column_bands(wide, printing)
    order = ([(b, r) for b in range(len(bands)) for r in range(len(pages))]
             if printing.order == "downThenOver"
             else [(b, r) for r in range(len(pages)) for b in range(len(bands))])
    out_pdf = Path(out_pdf)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(out_pdf), pagesize=(width, height), invariant=1, pageCompression=1)
    c.setTitle(wide.title)
    for b, r in order:
        _draw(c, wide, printing, bands[b], b, r, pages[r], cells, header, header_h, runs,
              measure, frame)
        c.showPage()
    c.save()
    return Printed(out_pdf, bands, [[fr.index for fr in frs] for frs in pages],
                   expected_items(wide, shown), clipped)


def _group_rows(run_of: dict[int, int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for i, run in run_of.items():
        out.setdefault(run, []).append(i)
    return out


def _runs(wide: WideList) -> dict[int, dict[int, int]]:
    """Category column → row → index of its run of equal values."""
    out = {}
    for j, col in enumerate(wide.columns):
        if col.category:
            run, out[j] = -1, {}
            for i, row in enumerate(wide.rows):
                if i == 0 or row[col.label] != wide.rows[i - 1][col.label]:
                    run += 1
                out[j][i] = run
    return out


def _draw(c, wide: WideList, printing: Printing, band: list[int], b: int, r: int,
          frs: list[RowFragment], cells, header, header_h: float, runs, measure,
          frame: Frame) -> None:
    size = printing.font_size
    lead = size * LEADING
    height = printing.size[1]
    xs = [MARGIN]
    for j in band:
        xs.append(xs[-1] + wide.columns[j].width)
    left, right = xs[0], xs[-1]
    c.setFont(measure.font, size)
    c.setLineWidth(0.5)

    def text(s: str, x: float, top: float, font_size: float = size) -> None:
        if s:
            c.setFont(measure.font, font_size)
            c.drawString(x, height - (top + font_size * 0.95), s)

    def hline(x0: float, x1: float, y: float) -> None:
        c.line(x0, height - y, x1, height - y)

    if r == 0 and b == 0 and printing.title:
        text(wide.title, MARGIN, MARGIN + 4.0, TITLE_SIZE)
    table_top = frame.first_top if r == 0 else frame.page_top
    body_top = frs[0].top if frs else table_top
    bottom = frs[-1].top + frs[-1].height if frs else body_top
    if r == 0 or printing.title_rows:
        hline(left, right, table_top)
        for k, j in enumerate(band):
            for n, ln in enumerate(header[j]):
                text(ln.text, (xs[k] + xs[k + 1] - ln.width) / 2,
                     table_top + PADDING + n * lead)
    hline(left, right, body_top)
    for x in xs:
        c.line(x, height - table_top, x, height - bottom)
    for n, fr in enumerate(frs):
        y = fr.top + fr.height
        nxt = frs[n + 1] if n + 1 < len(frs) else None
        for k, j in enumerate(band):
            goes_on = (j in runs and nxt is not None
                       and runs[j][nxt.index] == runs[j][fr.index])
            if not goes_on:
                hline(xs[k], xs[k + 1], y)
            if j in runs:
                continue
            lines = fr.cells[str(j)]
            full = cells[fr.index][j]
            clipped = (not fr.open_top and not fr.open_bottom and len(full) > len(lines)
                       and fr.index in printing.clipped_rows)
            if clipped:  # the whole text, under a clip of the cell: the page shows part of it
                c.saveState()
                path = c.beginPath()
                path.rect(xs[k], height - y, xs[k + 1] - xs[k], fr.height)
                c.clipPath(path, stroke=0, fill=0)
                lines = full
            for m, ln in enumerate(lines):
                text(ln.text, xs[k] + PADDING, fr.top + PADDING + m * lead)
            if clipped:
                c.restoreState()
                c.setLineWidth(0.5)
    # Category runs: one merged cell per page part, its text printed again in each.
    for k, j in enumerate(band):
        if j not in runs:
            continue
        n = 0
        while n < len(frs):
            m = n
            while m + 1 < len(frs) and runs[j][frs[m + 1].index] == runs[j][frs[n].index]:
                m += 1
            part_top, part_bottom = frs[n].top, frs[m].top + frs[m].height
            lines = cells[frs[n].index][j]
            block = len(lines) * lead
            y0 = part_top + max(PADDING, (part_bottom - part_top - block) / 2)
            for q, ln in enumerate(lines):
                if y0 + (q + 1) * lead <= part_bottom + 0.01:
                    text(ln.text, (xs[k] + xs[k + 1] - ln.width) / 2, y0 + q * lead)
            n = m + 1


def render_long_bands(out_pdf: Path, pages: int, *, seed: int = 7,
                      printing: Printing | None = None) -> Printed:
    """A wide list of about ``pages`` printed pages (at least that many) in three column
    bands, down then over (A4 portrait, the 15 columns at 0.85 of their width), for
    benchmarks: issue 19's 750-page 权责清单 is ``render_long_bands(path, 750)``."""
    printing = printing or Printing()
    probe = render_bands(wide_list(seed, 30, width=0.85), Path(out_pdf), printing)
    rows = max(1, round(pages / probe.pages * 30))
    while True:
        made = render_bands(wide_list(seed, rows, width=0.85), Path(out_pdf), printing)
        if made.pages >= pages:
            return made
        rows = max(rows + 1, round(rows * pages / made.pages))
