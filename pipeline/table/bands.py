"""Stage 2b: join the columns a wide sheet printed on later pages onto the rows they continue.

    join_bands(page_layouts) → ``Banding``: the pages, with every band's columns on the first

A sheet wider than the paper, printed without "fit to width", is printed in
column bands.  **Down, then over** (Excel's and LibreOffice's default): pages
1…N hold the left-hand columns of every row, pages N+1…2N the next columns of
the same rows, and so on; **over, then down**: the bands of one run of rows
follow each other (1, 2, 3, then the next rows).  The pages of one run of rows
hold the same sheet rows, so their tables have the same row structure: the
same number of rows and the same row heights, page for page (the sheet's row
heights are the tallest cell of each row, across all columns); their columns
differ (other widths, another number of them).  Print titles may repeat the
header row on every page (each band shows its own labels) and the left
columns (序号, 事项名称) on every band: those are the first band's columns again
and are dropped from the later bands (when their text is the same, row for
row); without them, a band's header is still printed once, on its first page.

Recognised: the table pages from the list's first one on are bands when a
later page has the first page's row heights and other columns (a later band
starts there: down, then over, N pages a band), or the pages right after the
first do (over, then down); every page of every band must then have the row
heights of the first band's page it continues, and each band one set of
columns throughout.  A page that does not line up is not joined: it is named
(``Banding.unjoined``) and left out, with the rest of its band's rows' cells
empty.  Pages without table are left where they are.

Joined: each page of the first band gets, after its own columns, every later
band's columns of the same rows (cells placed by their grid rows: the page's
row edges), so that the stages after this one read one wide table: header
rows (every band's labels in one row), rows cut by page breaks, categories
merged over rows and pages, all as for any list.  Items keep the first band's
page numbers.  A list that is not printed in bands passes through unchanged.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ..model import PageLayout
from ..readers.cells import group_rows
from ..settings import DEFAULT_LAYOUT, LayoutSettings

#: Row heights of two pages printing the same sheet rows agree within this many
#: points, or this share of the height (scans: a rule found a pixel or two off).
ROW_TOLERANCE_PT = 1.5
ROW_TOLERANCE_SHARE = 0.03
#: Table pages before the list that may hold other tables (a contact table on the
#: notice's page): the list's first page is looked for among this many first ones.
MAX_LEADING_TABLES = 3
#: No sheet is printed in more bands than this.
MAX_BANDS = 32
#: Distinct texts a repeated leading column needs to identify rows (a category merged
#: over a whole page, the same on the next, does not).
MIN_KEY_ROWS = 2
DOWN_THEN_OVER = "down, then over"
OVER_THEN_DOWN = "over, then down"


@dataclass
class Banding:
    """What ``join_bands`` made of the pages.

    ``pages``: the pages for the later stages (each first-band page with every
    band's columns; the later bands' pages left out).  ``bands``: the page
    numbers of each band, first band first ([] where the table is not printed
    in bands); ``order``: ``DOWN_THEN_OVER`` or ``OVER_THEN_DOWN``;
    ``joined``: first-band page → the later bands' pages joined onto it;
    ``unjoined``: later bands' pages whose rows do not line up (left out: page →
    why); ``missing``: first-band page → the later bands (2, 3 …) that have no
    page for its rows (a document cut short); ``repeated``: per later band, its
    leading columns that repeat the first band's (print titles), dropped.
    """

    pages: list[PageLayout]
    bands: list[list[int]] = field(default_factory=list)
    order: str = ""
    joined: dict[int, list[int]] = field(default_factory=dict)
    unjoined: dict[int, str] = field(default_factory=dict)
    missing: dict[int, list[int]] = field(default_factory=dict)
    repeated: list[int] = field(default_factory=list)

    @property
    def note(self) -> str:
        """What the user is told ("" where there are no bands)."""
        if not self.bands:
            return ""
        k = len(self.bands)
        if self.order == DOWN_THEN_OVER:
            where = ", ".join(f"band {b}: {_pages_text(band)}"
                              for b, band in enumerate(self.bands, start=1))
        else:
            numbers = sorted(n for band in self.bands for n in band)
            where = (f"the bands of each run of rows on {k} pages in a row, "
                     f"{_pages_text(numbers)}")
        titles = (f"; the {max(self.repeated)} left column(s) every band repeats were read "
                  "once" if any(self.repeated) else "")
        return (f"the table is printed in {k} column bands, {self.order} ({where}): each "
                f"band's columns were joined onto the rows they continue{titles}")


def join_bands(pages: list[PageLayout], layout: LayoutSettings = DEFAULT_LAYOUT) -> Banding:
    """Return the pages with column bands joined (see the module docstring).

    ``pages``: a paginated document's pages (PDF, text layer or OCR), in order.
    Nothing is changed where no bands are found.
    """
    tables = [i for i, p in enumerate(pages) if p.has_table and len(p.row_edges) >= 2]
    for start in range(min(len(tables), MAX_LEADING_TABLES + 1)):
        found = [h for h in (_down_then_over(pages, tables[start:], layout),
                             _over_then_down(pages, tables[start:], layout)) if h is not None]
        if found:
            plan = max(found, key=lambda h: sum(len(b) for b in h.bands))
            banding = _joined(pages, plan, layout)
            banding.pages = [_unruled(p) for p in banding.pages]
            return banding
    return Banding([_unruled(p) for p in pages])


def _unruled(page: PageLayout) -> PageLayout:
    """A page whose table has one column, unless joined as a band, as a page of text:
    a list is never one column, and the stages after this one read such a page's text
    as they did before one-column tables were found (``readers.grid``)."""
    if len(page.columns) != 1:
        return page
    lines = [ln for frag in page.rows for c in frag.cells for ln in c.lines]
    outside = sorted([*page.outside, *lines], key=lambda ln: ln.top)
    return PageLayout(page.number, [], [], outside, clipped=page.clipped)


@dataclass
class _Plan:
    """Bands found: per band, the indexes (in ``pages``) of its pages, aligned row-page
    by row-page with the first band's (None where a band has no page there)."""

    order: str
    bands: list[list[int | None]]


def _heights(page: PageLayout) -> list[float]:
    e = page.row_edges
    return [b - a for a, b in itertools.pairwise(e)]


def _same_rows(a: PageLayout, b: PageLayout) -> bool:
    """Whether two pages print the same sheet rows: as many rows, heights alike."""
    ha, hb = _heights(a), _heights(b)
    return len(ha) == len(hb) and all(
        abs(x - y) <= max(ROW_TOLERANCE_PT, ROW_TOLERANCE_SHARE * max(x, y))
        for x, y in zip(ha, hb, strict=True))


def _same_columns(a: PageLayout, b: PageLayout, layout: LayoutSettings) -> bool:
    tol = layout.column_tolerance
    return len(a.columns) == len(b.columns) and all(
        abs(x[0] - y[0]) <= tol and abs(x[1] - y[1]) <= tol
        for x, y in zip(a.columns, b.columns, strict=True))


def _down_then_over(pages: list[PageLayout], tables: list[int],
                    layout: LayoutSettings) -> _Plan | None:
    """Bands of N pages each, one after the other: the second starts at the first later
    page with the first page's rows and other columns."""
    if len(tables) < 2:
        return None
    first = pages[tables[0]]
    n = next((k for k in range(1, len(tables)) if _continues(first, pages[tables[k]], layout)),
             None)
    if n is None:
        return None
    starts = [0]
    while (starts[-1] + n < len(tables) and len(starts) < MAX_BANDS
           and _continues(first, pages[tables[starts[-1] + n]], layout)):
        starts.append(starts[-1] + n)
    bands = [[tables[s + i] if s + i < len(tables) else None for i in range(n)] for s in starts]
    return _checked(pages, _Plan(DOWN_THEN_OVER, bands), layout)


def _over_then_down(pages: list[PageLayout], tables: list[int],
                    layout: LayoutSettings) -> _Plan | None:
    """k bands of each run of rows side by side in page order: the pages right after
    the first have its rows and other columns."""
    k = 1
    while k < min(MAX_BANDS, len(tables)) and _continues(pages[tables[0]], pages[tables[k]],
                                                         layout):
        k += 1
    if k < 2:
        return None
    groups = len(tables) // k
    # (the bands end with the first run of rows whose pages do not line up: what
    # follows is another table, or pages the later stages name as not read)
    for g in range(1, groups):
        row_page = [pages[tables[g * k + b]] for b in range(k)]
        if not all(_same_rows(row_page[0], p) for p in row_page[1:]):
            groups = g
            break
    bands = [[tables[g * k + b] for g in range(groups)] for b in range(k)]
    return _checked(pages, _Plan(OVER_THEN_DOWN, bands), layout)


def _continues(first: PageLayout, page: PageLayout, layout: LayoutSettings) -> bool:
    """Whether ``page`` prints other columns of ``first``'s rows: the same rows, and
    other columns, or the same columns whose leading ones repeat ``first``'s row
    keys (print titles: 序号 again, row for row) while a later one differs."""
    if not _same_rows(first, page):
        return False
    if not _same_columns(first, page, layout):
        return True
    keyed = False
    for j in range(len(page.columns)):
        texts = _column_texts(first, j)
        if texts != _column_texts(page, j):
            return keyed
        keyed = keyed or _row_keys(first, j)
    return False


def _row_keys(page: PageLayout, j: int) -> bool:
    """Whether column ``j`` tells the page's rows apart: a cell of its own in most of
    them, with distinct texts (a 序号; not a category merged over the page)."""
    own = [" ".join(ln.text for ln in lines) for b0, b1, c0, _, lines in _spans(page)
           if c0 == j and b1 - b0 == 1 and lines]
    return len(set(own)) >= max(MIN_KEY_ROWS, (len(page.row_edges) - 1) // 2)


def _checked(pages, plan: _Plan, layout: LayoutSettings) -> _Plan | None:
    """The plan if each band keeps one set of columns on most of its pages and most
    pages line up with the first band's; else None (not bands after all)."""
    aligned = total = 0
    for band in plan.bands[1:]:
        head = pages[band[0]]
        for base, other in zip(plan.bands[0], band, strict=True):
            if other is None or base is None:
                continue
            total += 1
            aligned += (_same_rows(pages[base], pages[other])
                        and _same_columns(head, pages[other], layout))
    return plan if total and aligned * 2 > total else None


# --------------------------------------------------------------------------- joining

def _joined(pages: list[PageLayout], plan: _Plan, layout: LayoutSettings) -> Banding:
    first = plan.bands[0]
    head = [pages[b[0]] for b in plan.bands]
    repeated = [_repeated_columns(pages, first, band, layout) for band in plan.bands[1:]]
    joined: dict[int, list[int]] = {}
    unjoined: dict[int, str] = {}
    missing: dict[int, list[int]] = {}
    replaced: dict[int, PageLayout] = {}
    for i, base_index in enumerate(first):
        base = pages[base_index]
        others = []
        for b, band in enumerate(plan.bands[1:], start=1):
            index = band[i]
            page = pages[index] if index is not None else None
            if page is None:
                missing.setdefault(base.number, []).append(b + 1)
            elif not _same_rows(base, page):
                unjoined[page.number] = (f"its rows do not line up with page {base.number}'s "
                                         "(another number of rows, or other heights)")
            elif not _same_columns(head[b], page, layout):
                unjoined[page.number] = (f"its columns are not those of the other pages of "
                                         f"its band (page {head[b].number})")
            else:
                others.append((page, repeated[b - 1]))
                continue
            # (the band's columns stay, empty: the list keeps its columns on every page)
            others.append((_blank(head[b]), repeated[b - 1]))
        replaced[base_index] = _join(base, others)
        joined[base.number] = [p.number for p, _ in others if p.rows]
    band_pages = {i for band in plan.bands[1:] for i in band if i is not None}
    out = [replaced.get(i, p) for i, p in enumerate(pages) if i not in band_pages]
    return Banding(out, [[pages[i].number for i in band if i is not None] for band in plan.bands],
                   plan.order, joined, unjoined, missing, repeated)


def _blank(head: PageLayout) -> PageLayout:
    """A band's columns without rows, for a page of the band that is missing."""
    return PageLayout(head.number, head.columns, [], [])


def _spans(page: PageLayout):
    """(band0, band1, col0, col1, lines) of every cell, bands counted over the page."""
    at = 0
    for frag in page.rows:
        for c in frag.cells:
            yield at + c.band0, at + c.band1, c.col0, c.col1, c.lines
        at += frag.nbands


def _column_texts(page: PageLayout, j: int) -> list[tuple[int, str]]:
    return [(b0, "".join(ln.text for ln in lines).replace(" ", ""))
            for b0, _, c0, _, lines in _spans(page) if c0 == j]


def _repeated_columns(pages, first: list[int], band: list[int | None],
                      layout: LayoutSettings) -> int:
    """How many leading columns of ``band`` repeat the first band's (print titles):
    same edges on its first page, and the same text in every row of every page."""
    a, b = pages[first[0]], pages[band[0]]
    tol = layout.column_tolerance
    n = 0
    while (n < min(len(a.columns), len(b.columns)) - 1
           and all(abs(x - y) <= tol for x, y in zip(a.columns[n], b.columns[n], strict=True))):
        n += 1
    for base, other in zip(first, band, strict=True):
        if other is None:
            continue
        while n and any(_column_texts(pages[base], j) != _column_texts(pages[other], j)
                        for j in range(n)):
            n -= 1
    return n


def _join(base: PageLayout, others: list[tuple[PageLayout, int]]) -> PageLayout:
    """``base`` with the columns of ``others`` (pages of the same rows, with the
    number of leading columns to drop) after its own."""
    if not others:
        return base
    spans = list(_spans(base))
    columns = list(base.columns)
    clipped = list(base.clipped)
    outside = list(base.outside)
    open_bottom = bool(base.rows) and base.rows[-1].open_bottom
    open_columns = set(base.rows[-1].open_columns) if base.rows else set()
    for page, skip in others:
        offset = len(columns) - skip
        shift = columns[-1][1] - page.columns[skip][0]
        for b0, b1, c0, c1, lines in _spans(page):
            if c1 <= skip:
                continue
            spans.append((b0, b1, max(c0, skip) + offset, c1 + offset, lines))
        columns += [(x0 + shift, x1 + shift) for x0, x1 in page.columns[skip:]]
        clipped += [c for c in page.clipped if c.column < 0]
        for c in page.clipped:
            if c.column >= skip:
                c.column += offset
                clipped.append(c)
        outside += page.outside
        if page.rows:
            open_bottom = open_bottom or page.rows[-1].open_bottom
            open_columns.update(j + offset for j in page.rows[-1].open_columns if j >= skip)
    rows = group_rows(spans, len(base.row_edges) - 1)
    if rows:
        rows[-1].open_bottom = open_bottom
        rows[-1].open_columns = frozenset(open_columns)
    outside.sort(key=lambda ln: ln.top)
    return PageLayout(base.number, columns, rows, outside, base.table_top, base.row_edges,
                      clipped)


def _pages_text(numbers: list[int]) -> str:
    """"page 3", "pages 1–250", "pages 1, 3, 5" for a band's pages."""
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"pages {numbers[0]}–{numbers[-1]}"
    if len(numbers) > 4:
        step = numbers[1] - numbers[0]
        if all(b - a == step for a, b in itertools.pairwise(numbers)):
            return f"pages {numbers[0]}, {numbers[1]}, … {numbers[-1]}"
    return "pages " + ", ".join(map(str, numbers))
