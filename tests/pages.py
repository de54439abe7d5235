"""Build ``model.Page`` objects by hand: ruled grids with text, no PDF needed.

Characters are 10 pt squares; each cell's text starts 2 pt inside its left
edge, one line per "\\n"-separated part, 12 pt apart.  Enough geometry for the
table, header, stitch and clean stages to be tested on small cases.
"""

from __future__ import annotations

from pipeline.model import ListTable, Page
from pipeline.profiles import load_profiles


def _assist_table() -> ListTable:
    """A list table read by the 2021 list's profile, columns in printed order (no rows)."""
    profile = load_profiles()["assist"]
    columns = profile.read_headerless(len(profile.printed_order))
    return ListTable({c.field: c.index for c in columns}, [""] * len(columns), [], [], "",
                     profile, columns)


#: What ``clean_items`` needs to know of the table: the 2021 list's columns.
ASSIST = _assist_table()

SIZE = 10.0


def char(text: str, x: float, y: float, size: float = SIZE) -> dict:
    return {"text": text, "x0": x, "x1": x + size, "top": y, "bottom": y + size,
            "size": size, "upright": True}


def chars_of(text: str, x: float, y: float, size: float = SIZE) -> list[dict]:
    """One line of text starting at (x, y), one character per ``size`` points."""
    return [char(t, x + i * size, y, size) for i, t in enumerate(text)]


def hline(x0: float, x1: float, y: float) -> dict:
    return {"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0,
            "orientation": "h"}


def vline(x: float, top: float, bottom: float) -> dict:
    return {"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0.0,
            "height": bottom - top, "orientation": "v"}


def grid_page(number: int, xs: list[float], ys: list[float], texts: dict,
              *, spans: dict | None = None, undrawn_h: set[int] = frozenset(),
              split_h: dict | None = None, outside: list[tuple[str, float, float]] = ()) -> Page:
    """A page with a ruled grid of columns ``xs`` and row lines ``ys``.

    ``texts[(row, col)]`` is the cell text ("\\n" between lines); ``spans[(row, col)]
    = n`` makes that cell span n columns (no vertical rule inside it);
    ``undrawn_h`` lists indexes into ``ys`` whose horizontal rule is not drawn;
    ``split_h[i] = (c0, c1)`` draws rule ``i`` only across columns c0..c1-1;
    ``outside`` places extra lines of text (text, x, y) off the table.
    """
    spans = spans or {}
    split_h = split_h or {}
    edges = []
    for i, y in enumerate(ys):
        if i in undrawn_h:
            continue
        c0, c1 = split_h.get(i, (0, len(xs) - 1))
        edges.append(hline(xs[c0], xs[c1], y))
    for j, x in enumerate(xs):
        # A vertical rule runs through every band except where a spanning cell covers it.
        for r in range(len(ys) - 1):
            covered = any(rr == r and cc < j < cc + n for (rr, cc), n in spans.items())
            if not covered:
                edges.append(vline(x, ys[r], ys[r + 1]))
    chars = []
    for (r, c), text in texts.items():
        for k, line in enumerate(text.split("\n")):
            chars.extend(chars_of(line, xs[c] + 2, ys[r] + 2 + k * 12))
    for text, x, y in outside:
        chars.extend(chars_of(text, x, y))
    return Page(number, 842.0, 595.0, chars, edges)
