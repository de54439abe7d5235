"""Stage 4: stitch rows that a page break cut into one item each.

    stitch_rows(list_table) → list of ``model.RawItem``

A row fragment that opens a page continues the item above when its 序号 is
empty or repeats the item's 序号; every cell of it continues the same cell
above.  A fragment that closes a page with an empty 序号 starts an item whose
序号 is printed on the next page (a vertically centred 序号 can fall there).
Anywhere else, a row without a 序号 cannot be placed with confidence.
"""

from __future__ import annotations

from .errors import LayoutError
from .model import ListTable, RawItem, seq_number
from .settings import DEFAULT_LAYOUT, LayoutSettings


def stitch_rows(table: ListTable, layout: LayoutSettings = DEFAULT_LAYOUT) -> list[RawItem]:
    """Return one ``RawItem`` per list item, with its lines per field and page span.

    Raises ``LayoutError`` naming the page and row of a fragment that is neither
    a new item nor a continuation.
    """
    seq_col = table.fields["seq"]
    items: list[RawItem] = []
    for frag in table.fragments:
        seq = "".join(frag.column_text(seq_col).split())
        prev = items[-1] if items else None
        opens_page = frag.index == 0
        wrapped = prev is not None and opens_page and _wrapped_seq(items, seq, layout)
        if prev is not None and opens_page and (not seq or not prev.seq_text or _same_seq(
                seq, prev.seq_text, layout) or wrapped):
            if seq and not prev.seq_text:
                prev.seq_text = seq
            elif wrapped:
                prev.seq_text += seq  # "4" | "、", "1" | "2．": the 序号 wrapped at the break
            _extend(prev, frag, table)
            prev.page_end = frag.page
            continue
        if not seq and not frag.last_on_page:
            raise LayoutError(
                "a row has no 序号 and does not continue a row from the previous page",
                page=frag.page, row=frag.index + 1, column="序号",
                hint="the row may be a stray line of the table; compare with the PDF")
        if not seq and prev is None and not frag.last_on_page:
            raise LayoutError("the first row of the list has no 序号", page=frag.page,
                              row=frag.index + 1, column="序号")
        item = RawItem(seq, {f: [] for f in table.fields}, frag.page, frag.page, frag.index + 1)
        _extend(item, frag, table)
        items.append(item)
    return items


def _wrapped_seq(items: list[RawItem], tail: str, layout: LayoutSettings) -> bool:
    """Whether ``tail``, opening a page, completes the last item's 序号 cut by the break.

    A narrow 序号 column wraps "4、" as "4" | "、" and "12．" as "1" | "2．"; a
    page break between those lines leaves the head on one page and the tail
    atop the next.  A tail with no number completes any head; a tail with a
    number only when head + tail is the number that follows the item before.
    """
    head = items[-1].seq_text
    if not tail or not head or items[-1].page_end != items[-1].page_start:
        return False
    whole = seq_number(head + tail, layout.seq_pattern)
    if whole is None:
        return False
    if seq_number(tail, layout.seq_pattern) is None:
        return whole == seq_number(head, layout.seq_pattern)
    before = seq_number(items[-2].seq_text, layout.seq_pattern) if len(items) > 1 else 0
    return before is not None and whole == before + 1


def _same_seq(a: str, b: str, layout: LayoutSettings) -> bool:
    n = seq_number(a, layout.seq_pattern)
    return n is not None and n == seq_number(b, layout.seq_pattern)


def _extend(item: RawItem, frag, table: ListTable) -> None:
    for name, j in table.fields.items():
        item.lines[name].extend(frag.column_lines(j))
