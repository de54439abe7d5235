"""Flow table rows down pages the way a word processor does.

A row that does not fit is split between pages line by line in every cell
(Word's "allow row to break across pages", a browser's fragmentation).  With
widow control a paragraph keeps at least two lines on each side of the break,
so a short cell (a two-line name) moves whole to the next page while a
one-line 序号 stays on the first.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.render.wrap import Line


@dataclass
class RowFragment:
    """The part of one table row on one page (top-down coordinates, pt)."""

    index: int  # position of the item in the list
    top: float
    height: float
    cells: dict[str, list[Line]]
    open_top: bool  # continues a fragment from the previous page
    open_bottom: bool  # continues on the next page


@dataclass(frozen=True)
class Frame:
    """Vertical space for the table: first page and following pages (pt, top-down)."""

    first_top: float
    page_top: float
    bottom: float
    header_height: float
    header_repeat: bool
    leading: float
    padding: float
    allow_split: bool = True  # False: a row moves whole unless it is taller than a page


def _take(lines: list[Line], n: int, widow: bool) -> int:
    """How many of ``lines`` go on this page when ``n`` lines fit."""
    if len(lines) <= n:
        return len(lines)
    if not widow:
        return n
    start = n
    while start > 0 and not lines[start - 1].para_end:
        start -= 1
    end = n
    while not lines[end].para_end:
        end += 1
    end += 1
    if start == n:
        return n
    k = n
    if end - k < 2:
        k = end - 2
    if k - start < 2:
        k = start
    return max(k, 0)


def paginate_rows(
    rows: list[dict[str, list[Line]]], frame: Frame, widow: bool
) -> list[list[RowFragment]]:
    """Return the row fragments of each page; page 0 is the table's first page."""
    pages: list[list[RowFragment]] = [[]]
    y = frame.first_top + frame.header_height
    pad, lead = frame.padding, frame.leading

    def new_page() -> float:
        # The header goes with the first row: a page before any row holds no table.
        first_rows = not any(pages)
        pages.append([])
        repeat = frame.header_repeat or first_rows
        return frame.page_top + (frame.header_height if repeat else 0.0)

    for index, row in enumerate(rows):
        rest = {f: list(lines) for f, lines in row.items()}
        started = False
        while True:
            need = max(len(v) for v in rest.values()) * lead + 2 * pad
            space = frame.bottom - y
            if need <= space + 1e-6:
                pages[-1].append(RowFragment(index, y, need, rest, started, False))
                y += need
                break
            fresh = y <= frame.page_top + frame.header_height + 1e-6 and not pages[-1]
            if not frame.allow_split and not started and not fresh:
                y = new_page()
                continue
            avail = int((space - 2 * pad + 1e-6) // lead)
            take = {f: _take(v, avail, widow) for f, v in rest.items()} if avail > 0 else {}
            if not any(take.values()):
                if not pages[-1] and y <= frame.page_top + frame.header_height + 1e-6:
                    raise ValueError(f"row {index} cannot be placed on an empty page")
                y = new_page()
                continue
            pages[-1].append(
                RowFragment(
                    index,
                    y,
                    frame.bottom - y,
                    {f: v[: take[f]] for f, v in rest.items()},
                    started,
                    True,
                )
            )
            rest = {f: v[take[f] :] for f, v in rest.items()}
            started = True
            y = new_page()
    return pages
