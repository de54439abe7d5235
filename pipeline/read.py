"""Stage 1: read a PDF into pages of characters and ruling edges.

    read_pdf(path) → iterator of ``model.Page``

Only this stage talks to pdfplumber.  Each page is released as soon as its
characters and edges are copied out, so memory stays flat however long the
notice is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .model import Page
from .settings import DEFAULT_LAYOUT, DEFAULT_LIMITS, LayoutSettings, Limits

# The keys later stages read; copying only these keeps pages small.
CHAR_KEYS = ("text", "x0", "x1", "top", "bottom", "size", "upright")


def read_pdf(path: Path, layout: LayoutSettings = DEFAULT_LAYOUT,
             limits: Limits = DEFAULT_LIMITS) -> Iterator[Page]:
    """Yield each page of ``path`` (1-based ``number``) with its chars and rule edges.

    The file is opened through ``guard.open_pdf``, which refuses (with a
    ``PipelineError``) what would exceed ``limits`` before any page is laid out.

    Edges come from lines, curves, and rectangles that look like rules: thin
    rectangles (filled or stroked; browsers draw borders as thin filled
    boxes) and stroked boxes.  A filled box that is not thin is a background
    (a shaded cell, a page-sized white fill), not a rule.
    """
    from pdfplumber import utils

    from .guard import open_pdf

    with open_pdf(Path(path), limits) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = [{k: c[k] for k in CHAR_KEYS} for c in page.chars]
            edges: list[dict] = []
            for line in page.lines:
                edges.append(_edge(utils.line_to_edge(line)))
            for curve in page.curves:
                edges.extend(_edge(e) for e in utils.curve_to_edges(curve))
            for rect in page.rects:
                thin = min(rect["width"], rect["height"]) <= layout.rule_max_thickness
                if thin or rect.get("stroke"):
                    edges.extend(_edge(e) for e in utils.rect_to_edges(rect))
            yield Page(number, float(page.width), float(page.height), chars, edges)
            page.close()


def _edge(e: dict) -> dict:
    return {"x0": e["x0"], "x1": e["x1"], "top": e["top"], "bottom": e["bottom"],
            "width": e["x1"] - e["x0"], "height": e["bottom"] - e["top"],
            "orientation": e["orientation"]}
