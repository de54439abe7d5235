"""Stage 4b: account for every page and cell: read into the list, or named as not read.

    account_pages(page_layouts, list_table, raw_items, banding) → ``Account``

Silently losing pages is the worst failure an extraction can have: the output
looks complete.  After the list's table is chosen and its rows stitched,
every page of a paginated document (PDF, text layer or OCR) is one of:

- read: a page of the list's table (or a later column band joined onto one,
  ``table.bands``);
- the notice: a page without table before the list (its facts are read by
  ``read_notice``);
- blank, or only page furniture (page numbers, running headers);
- **not read**: a page holding a table that is not the list (another table, the
  list's own later columns that could not be joined, a table cut off by a
  column count that changed), or text without table after the list began.

Consecutive pages not read for the same reason make one ``unread_pages`` entry:
``{"pages": [first, last], "kind": "table" | "text", "why": "…"}``, and one
warning line.  Cells whose text is cut off at their border in print
(``PageLayout.clipped``: the text layer holds more than the page shows) are
kept as shown and named: ``clipped_cells`` entries and a warning each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import ListTable, PageLayout, RawItem
from .bands import Banding

_HAN = re.compile(r"[\u3400-\u9fff]")
_DIGITS = re.compile(r"\d+")
# Page numbers and their words: "第 3 页 共 14 页", "—3—", "3/14".
_PAGE_WORDS = re.compile(r"[第页共\d\s/\-－—–·.]+")
#: Labels of a table not read, shown in its warning.
SHOWN_LABELS = 6
#: Characters of a clipped cell's hidden text shown in its warning.
SHOWN_HIDDEN = 24


@dataclass
class Account:
    """What ``account_pages`` found: ``unread_pages`` and ``clipped_cells`` (notice.json
    entries), ``warnings`` (one line each, for the user) and ``notes``."""

    unread_pages: list[dict] = field(default_factory=list)
    clipped_cells: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def account_pages(pages: list[PageLayout], table: ListTable, raw_items: list[RawItem],
                  banding: Banding | None = None) -> Account:
    """Account for the pages (after ``join_bands``) and cells of the list ``table``
    (its rows stitched into ``raw_items``, the pages' rows not yet let go): see the
    module docstring.  Entries come in page order."""
    account = Account(_unread_pages(pages, table, banding))
    account.warnings += [_unread_warning(e) for e in account.unread_pages]
    _clipped(pages, table, raw_items, account)
    return account


def _unread_pages(pages: list[PageLayout], table: ListTable,
                  banding: Banding | None) -> list[dict]:
    read = set(table.pages)
    for base in table.pages:
        read.update(banding.joined.get(base, ()) if banding else ())
    furniture = _furniture(pages)
    first = table.pages[0]
    width = len(table.header)
    per_page: list[tuple[int, str, str]] = []  # (page, kind, why)
    for page in pages:
        if page.number in read:
            continue
        if page.has_table:
            per_page.append((page.number, "table", _why_table(page, first, width)))
        elif page.number > first and _text(page, furniture):
            per_page.append((page.number, "text", "text outside any table, not part of the "
                                                  "list"))
    if banding is not None:
        for number, why in banding.unjoined.items():
            band = next(b for b, band in enumerate(banding.bands, start=1) if number in band)
            per_page.append((number, "table", f"the columns of band {band} of the table "
                                              f"(printed {banding.order}), but {why}"))
        for base, bands in banding.missing.items():
            if base in read:
                per_page.append((base, "table", "its rows lack the columns of band(s) "
                                 f"{', '.join(map(str, bands))}: no page prints them (the "
                                 "document may be cut short)"))
    per_page.sort()
    out: list[dict] = []
    for number, kind, why in per_page:
        last = out[-1] if out else None
        if (last is not None and last["kind"] == kind and last["why"] == why
                and last["pages"][1] == number - 1):
            last["pages"][1] = number
        else:
            out.append({"pages": [number, number], "kind": kind, "why": why})
    return out


def _unread_warning(entry: dict) -> str:
    a, b = entry["pages"]
    where = f"page {a} holds" if a == b else f"pages {a}–{b} hold"
    what = "a table" if entry["kind"] == "table" else "text"
    return f"{where} {what} that was not read: {entry['why']}"


def _why_table(page: PageLayout, first: int, width: int) -> str:
    ncols = len(page.columns)
    rows = [r for r in page.rows if not r.is_empty]
    labels = ["".join(c.text.split()) for c in rows[0].cells if c.text.strip()] if rows else []
    shown = "、".join(x[:12] for x in labels[:SHOWN_LABELS]) + ("…" if len(labels) > SHOWN_LABELS
                                                              else "")
    place = "before" if page.number < first else "after the list began:"
    base = f"{ncols} columns" + (f" (first row: {shown})" if shown else "")
    if page.number < first:
        return f"{base}, {place} the list's table"
    if ncols != width:
        return f"{base}, {place} not the list's {width} columns"
    return f"{base}, {place} not taken as the list's continuation"


def _furniture(pages: list[PageLayout]) -> set[str]:
    """Running headers and footers: a text (numbers left out) on several pages."""
    seen: dict[str, int] = {}
    for page in pages:
        for text in {_DIGITS.sub("#", "".join(ln.text.split())) for ln in page.outside}:
            seen[text] = seen.get(text, 0) + 1
    return {text for text, n in seen.items() if n > 1}


def _text(page: PageLayout, furniture: set[str]) -> bool:
    """Whether the page holds text other than furniture (page numbers, running headers)."""
    for ln in page.outside:
        squashed = "".join(ln.text.split())
        if _DIGITS.sub("#", squashed) in furniture or _PAGE_WORDS.fullmatch(squashed):
            continue
        if _HAN.search(squashed) or len(squashed) > 3:
            return True
    return False


def _clipped(pages: list[PageLayout], table: ListTable, raw_items: list[RawItem],
             account: Account) -> None:
    """Name the list's cells cut off at their border, and hidden text in no cell."""
    cells = [(page.number, c) for page in pages for c in page.clipped]
    if not cells:
        return
    item_of: dict[int, tuple[int, RawItem, str]] = {}  # id(line) → (row, item, field)
    for n, item in enumerate(raw_items, start=1):
        for name, lines in item.lines.items():
            for ln in lines:
                item_of[id(ln)] = (n, item, name)
    label = {c.field: c.label for c in table.columns}
    listed = set(table.pages)
    loose: dict[int, str] = {}  # page → hidden text in no cell of the list
    for number, cell in cells:
        found = next((item_of[id(ln)] for ln in cell.lines if id(ln) in item_of), None)
        if found is None or number not in listed:
            loose[number] = loose.get(number, "") + cell.hidden
            continue
        row, item, name = found
        shown = "".join(ln.text for ln in cell.lines)
        account.clipped_cells.append({
            "page": number, "row": row, "key": item.seq_text or None, "field": name,
            "label": label.get(name, ""), "shown": shown, "hidden": cell.hidden})
        key = f" (序号 {item.seq_text})" if item.seq_text else ""
        hidden = cell.hidden[:SHOWN_HIDDEN] + ("…" if len(cell.hidden) > SHOWN_HIDDEN else "")
        account.warnings.append(
            f"page {number}, row {row} of the list{key}, column {label.get(name) or name}: "
            f"the cell is cut off in print; its text layer holds {len(cell.hidden)} more "
            f"characters than the page shows ({hidden!r}); kept as shown")
    for number, text in sorted(loose.items()):
        shown = text[:SHOWN_HIDDEN] + ("…" if len(text) > SHOWN_HIDDEN else "")
        account.notes.append(f"page {number}: {len(text)} characters of the text layer are "
                             f"hidden by clipping (not shown on the page) and were left out "
                             f"({shown!r})")
