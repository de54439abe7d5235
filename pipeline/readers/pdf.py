"""The PDF reader: pages of characters and ruling edges → the table on each page.

    read_pdf(path, fmt, layout, limits) → ``model.Document``

Only this reader talks to pdfplumber.  Each page is read (``_pages``), laid
out as a grid of cells (``readers.grid.find_tables``) and released, so memory
stays flat however long the notice is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..model import Document, Page
from ..settings import DEFAULT_LAYOUT, DEFAULT_LIMITS, LayoutSettings, Limits
from .grid import find_tables

# The keys later stages read; copying only these keeps pages small.
CHAR_KEYS = ("text", "x0", "x1", "top", "bottom", "size", "upright")


def read_pdf(path: Path, fmt=None, layout: LayoutSettings = DEFAULT_LAYOUT,
             limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read every page of the PDF ``path`` into the page model.

    ``fmt`` (the sniffed ``Format``) is not needed: a PDF is a PDF.  Raises
    ``PipelineError`` for a file that cannot be read within ``limits`` or a
    page whose table cannot be read with confidence.
    """
    pages = [find_tables(page, layout) for page in _pages(Path(path), layout, limits)]
    return Document("pdf", pages, len(pages))


def _pages(path: Path, layout: LayoutSettings = DEFAULT_LAYOUT,
           limits: Limits = DEFAULT_LIMITS) -> Iterator[Page]:
    """Yield each page of ``path`` (1-based ``number``) with its chars and rule edges.

    The file is opened through ``guard.open_pdf``, which refuses (with a
    ``PipelineError``) what would exceed ``limits`` before any page is laid out.

    Edges come from lines, curves, and rectangles that look like rules: thin
    rectangles (filled or stroked; browsers draw borders as thin filled
    boxes) and stroked boxes.  A filled box that is not thin is a background
    (a shaded cell, a page-sized white fill), not a rule.  What is drawn off
    the page is invisible, so characters there are dropped and edges clipped
    to the page (browsers draw the rest of a cut row above the page).
    """
    from pdfplumber import utils

    from ..guard import open_pdf

    with open_pdf(Path(path), limits) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            width, height = float(page.width), float(page.height)
            chars = [{k: c[k] for k in CHAR_KEYS} for c in page.chars
                     if 0 <= (c["x0"] + c["x1"]) / 2 <= width
                     and 0 <= (c["top"] + c["bottom"]) / 2 <= height]
            raw: list[dict] = [utils.line_to_edge(line) for line in page.lines]
            for curve in page.curves:
                raw.extend(utils.curve_to_edges(curve))
            for rect in page.rects:
                thin = min(rect["width"], rect["height"]) <= layout.rule_max_thickness
                if thin or rect.get("stroke"):
                    raw.extend(utils.rect_to_edges(rect))
            edges = [e for e in (_clipped(e, width, height) for e in raw) if e is not None]
            yield Page(number, width, height, chars, edges)
            page.close()


def _clipped(e: dict, width: float, height: float) -> dict | None:
    """The edge's part on the page (as a plain dict), or None if it is all off the page."""
    x0, x1 = max(e["x0"], 0.0), min(e["x1"], width)
    top, bottom = max(e["top"], 0.0), min(e["bottom"], height)
    if x0 > x1 or top > bottom:
        return None
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,
            "height": bottom - top, "orientation": e["orientation"]}
