"""What each sheet of a workbook gave the list: read (with its items) or left out, and why.

    describe_sheets(document, list_table, items) → (sheets for notice.json, notes)

A list may span several sheets (one per power type: 行政许可（11项）, 行政处罚（254项）
…, or one per level); ``drop_headers`` takes every visible sheet with the list's
header.  Here each sheet of the workbook is accounted for: read, with the items
read from it and the count its name states (the profile's ``sheet_count``,
checked: a warning where it disagrees), or left out with why (hidden, no table,
a table without the list's header).  Where the list prints no column for a field
a sheet's name states (the profile's ``from_sheet_name``: the power type of
行政许可（11项）), the items of that sheet take it.  Sources without sheets give
``None`` and the note naming the table's place, as before.
"""

from __future__ import annotations

from collections import Counter

import regex

from ..model import Document, ListTable


def describe_sheets(doc: Document, table: ListTable, items: list[dict]
                    ) -> tuple[list[dict] | None, list[str]]:
    """Return notice.json's ``sheets`` (None without sheets) and the notes naming the
    sheets read and left out; warn (``table.warnings``) where a sheet's stated count
    disagrees with the items read; fill fields stated by sheet names (in ``items``
    and ``table.sub_items``) where the list prints no such column."""
    if not doc.sheets:
        first = table.pages[0]
        return None, ([f"the list is on {doc.page_labels[first]}"]
                      if first in doc.page_labels else [])
    profile = table.profile
    read = set(table.pages)
    per_page = Counter(item.get("page_start") for item in items)
    stated_fields = [(f, regex.compile(p)) for f, p in getattr(profile, "from_sheet_name", ())
                     if f not in table.fields]
    count_rx = regex.compile(profile.sheet_count) if getattr(profile, "sheet_count", None) \
        else None
    out, taken, left = [], [], []
    for sheet in doc.sheets:
        page = sheet["page"]
        entry = {"name": sheet["name"], "position": sheet["position"], "read": page in read,
                 "why": None, "items": None, "stated_count": None}
        if count_rx is not None:
            m = count_rx.search(sheet["name"])
            entry["stated_count"] = int(m.group(1)) if m else None
        if page in read:
            entry["items"] = per_page.get(page, 0)
            taken.append(sheet["name"])
            stated = entry["stated_count"]
            if stated is not None and stated != entry["items"]:
                table.warnings.append(
                    f"sheet '{sheet['name']}': its name states {stated} items, "
                    f"{entry['items']} were read (kept as printed)")
            _fill_stated(sheet["name"], page, stated_fields, items, table)
        else:
            entry["why"] = sheet["left_out"] or _why(doc, page)
            left.append(f"'{sheet['name']}' ({entry['why']})")
        out.append(entry)
    total = len(doc.sheets)
    names = ", ".join(f"'{n}'" for n in taken)
    notes = [f"the list is on sheet{'s' if len(taken) > 1 else ''} {names} "
             f"({_positions(doc, read)} of {total})"]
    if left:
        notes.append(f"sheet{'s' if len(left) > 1 else ''} left out: {', '.join(left)}")
    return out, notes


def _why(doc: Document, page: int | None) -> str:
    if page is None:
        return "not read"
    if not doc.pages[page - 1].has_table:
        return "no table"
    return "a table without the list's header"


def _positions(doc: Document, read: set[int]) -> str:
    return ", ".join(str(s["position"]) for s in doc.sheets if s["page"] in read)


def _fill_stated(name: str, page: int, stated_fields: list, items: list[dict],
                 table: ListTable) -> None:
    """Give the sheet's items (and their printed rows) what its name states."""
    for field, rx in stated_fields:
        m = rx.search(name)
        if not m:
            continue
        rows = [r for r in items if r.get("page_start") == page]
        keys = {r["row"] for r in rows if "row" in r}
        for row in (*rows, *(s for s in table.sub_items if s.get("row") in keys)):
            if not row.get(field):
                row[field] = m.group(1)
