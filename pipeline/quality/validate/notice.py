"""Frames built from what notice.json says about the reading, so that the suites check
them like any table (``expectations/common/``):

    notice_frames(notice, items) → {frame name: (frame, key columns)}

- ``unread_pages`` (issue 19): one row per run of pages the list did not read
  (notice.json ``unread_pages``: ``{"pages": [first, last], "kind": "table" | "text",
  "why": …}``): ``pages`` ("251–750"), ``first``, ``last``, ``kind`` ("table" where not
  said), ``why``.  No such key, or null (a folder written before the reader accounted
  for its pages; a source without pages): no frame, nothing checked.
- ``sheets``: one row per sheet of a workbook (notice.json ``sheets``): ``sheet`` (its
  name), ``why`` (why it was left out, if it was), ``_read`` (the list was read from it:
  notice.json ``read``, else whether items carry its name), ``_stated_count`` (the
  count its name states, ``行政处罚（254项）``: notice.json ``stated_count``) and
  ``_items`` (items in the items table from it).

The reader's own warnings (notice.json ``warnings``) are not checked but shown in the
report as written (``ValidationResult.reader_warnings``).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from .rows import column_values

if TYPE_CHECKING:
    import pandas as pd

UNREAD_PAGES, SHEETS = "unread_pages", "sheets"


def notice_frames(notice: dict, items: pd.DataFrame | None
                  ) -> dict[str, tuple[pd.DataFrame, tuple[str, ...]]]:
    """The frames notice.json gives (see the module docstring); a key notice.json does
    not hold gives none."""
    out = {}
    if notice.get(UNREAD_PAGES) is not None:
        out[UNREAD_PAGES] = (_unread_pages(notice[UNREAD_PAGES]), ("pages",))
    if isinstance(notice.get(SHEETS), list):
        out[SHEETS] = (_sheets(notice[SHEETS], items), ("sheet",))
    return out


def _unread_pages(value) -> pd.DataFrame:
    import pandas as pd

    rows = []
    entries = value if isinstance(value, list) else [value]
    for entry in entries:
        pages = entry.get("pages") if isinstance(entry, dict) else None
        why = entry.get("why") if isinstance(entry, dict) else None
        kind = entry.get("kind") if isinstance(entry, dict) else None
        if (isinstance(pages, list) and len(pages) == 2
                and all(isinstance(p, int) and not isinstance(p, bool) for p in pages)):
            first, last = pages
            label = f"{first}" if first == last else f"{first}–{last}"
        else:  # written otherwise than agreed: still a page left unread, named as written
            first = last = None
            label = str(pages if pages is not None else entry)
        rows.append({"pages": label, "first": first, "last": last,
                     "kind": "table" if kind is None else str(kind),
                     "why": None if why is None else str(why)})
    frame = pd.DataFrame(rows, columns=["pages", "first", "last", "kind", "why"])
    for name, dtype in (("pages", "string"), ("first", "Int64"), ("last", "Int64"),
                        ("kind", "string"), ("why", "string")):
        frame[name] = frame[name].astype(dtype)
    return frame


def _sheets(entries: list, items: pd.DataFrame | None) -> pd.DataFrame:
    import pandas as pd

    in_items = Counter(column_values(items, "sheet"))
    rows = []
    for entry in entries:
        entry = entry if isinstance(entry, dict) else {"name": entry}
        name = entry.get("name", entry.get("sheet"))
        name = None if name is None else str(name)
        stated = entry.get("stated_count")
        read = entry.get("read")
        rows.append({
            "sheet": name, "why": None if entry.get("why") is None else str(entry["why"]),
            "_read": read if isinstance(read, bool) else in_items.get(name, 0) > 0,
            "_stated_count": stated if isinstance(stated, int) and not isinstance(stated, bool)
            else None,
            "_items": in_items.get(name, 0)})
    frame = pd.DataFrame(rows, columns=["sheet", "why", "_read", "_stated_count", "_items"])
    for name, dtype in (("sheet", "string"), ("why", "string"), ("_read", "boolean"),
                        ("_stated_count", "Int64"), ("_items", "Int64")):
        frame[name] = frame[name].astype(dtype)
    return frame
