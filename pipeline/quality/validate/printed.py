"""What each item's printed 序号 says, as derived columns of ``items``: the publisher's own
numbering, kept as printed, which the suites check as warnings (a defect of the list, not
of the extraction).

    printed_keys(items, key_pattern) → {column: (values, dtype)}

- ``_seq_printed``: the 序号 as printed (``seq_text`` where the table has it and it is not
  null, else ``seq`` as text; "" where the publisher left it empty);
- ``_seq_form``: ``number`` (one number, as the profile's key pattern prints it: "12",
  "（12）", "12."), ``several`` (a list or range standing for several items: "2,3", "2、3",
  "2-3"), ``empty`` or ``other``;
- ``_seq_first``, ``_seq_last``: the first and last number it stands for (null for
  ``empty`` and ``other``);
- ``_seq_expected``: the number the item should start at: the previous item's last
  number + 1 within its sheet; a sheet starts at 1 or goes on from the sheet before; an
  empty or unreadable 序号 takes one number, and after a wrong number the count follows
  the printed one, so that a gap or repeat is reported once, where it occurs (null where
  ``_seq_first`` is);
- ``_seq_repeats``: how many items of the same sheet print the same 序号 (null where
  empty).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from .rows import column_values

if TYPE_CHECKING:
    import pandas as pd

#: The column holding the 序号 as printed where the key column holds a number.
PRINTED_COLUMN = "seq_text"
#: Several numbers in one 序号: a list (2,3 / 2、3) or a range (2-3, 2至3).
_SEVERAL = re.compile(r"\s*\d+(?:\s*[,，、;；/\-－—–~～至到]\s*\d+)+\s*")
_DIGITS = re.compile(r"\d+")
#: What a 序号 is read as where the profile states no key pattern.
_PLAIN = r"\s*(\d+)\s*"


def printed_keys(items: pd.DataFrame, key_pattern: str | None) -> dict[str, tuple[list, str]]:
    """The ``_seq_…`` columns of ``items`` (see the module docstring), each as (values,
    pandas dtype).  ``key_pattern``: the profile's pattern of a printed 序号, whose first
    group is the number."""
    import regex

    # seq_text where written (null, or no such column: the key column says it), else seq
    printed = ["" if v is None else str(v).strip()
               for v in (text if text is not None else seq for text, seq in zip(
                   column_values(items, PRINTED_COLUMN), column_values(items, "seq"),
                   strict=True))]
    sheets = column_values(items, "sheet")
    pattern = regex.compile(key_pattern or _PLAIN)
    forms, firsts, lasts = [], [], []
    for text in printed:
        form, first, last = _read(text, pattern)
        forms.append(form)
        firsts.append(first)
        lasts.append(last)
    repeats = Counter((s, p) for s, p in zip(sheets, printed, strict=True) if p)
    return {
        "_seq_printed": (printed, "string"),
        "_seq_form": (forms, "string"),
        "_seq_first": (firsts, "Int64"),
        "_seq_last": (lasts, "Int64"),
        "_seq_expected": (_expected(sheets, firsts, lasts), "Int64"),
        "_seq_repeats": ([repeats[(s, p)] if p else None
                          for s, p in zip(sheets, printed, strict=True)], "Int64"),
    }


def _read(text: str, pattern) -> tuple[str, int | None, int | None]:
    """(form, first number, last number) of one printed 序号."""
    if not text:
        return "empty", None, None
    match = pattern.fullmatch(text)
    if match:
        digits = match.group(1) if match.groups() else match.group(0)
        try:
            number = int(digits)
        except ValueError:
            return "other", None, None
        return "number", number, number
    if _SEVERAL.fullmatch(text):
        numbers = [int(x) for x in _DIGITS.findall(text)]
        return "several", numbers[0], numbers[-1]
    return "other", None, None


def _expected(sheets: list, firsts: list, lasts: list) -> list:
    out: list[int | None] = []
    sheet: object = object()  # no sheet yet
    last: int | None = None  # the last number of this sheet so far
    before: int | None = None  # the last number of the sheet before
    for name, first, end in zip(sheets, firsts, lasts, strict=True):
        if name != sheet:
            sheet, before, last = name, last, None
        if first is None:  # empty or unreadable: it takes one number
            out.append(None)
            last = (last or 0) + 1
            continue
        want = 1 if last is None else last + 1
        if last is None and before is not None and first == before + 1:
            want = first  # a sheet going on with the numbering of the one before
        out.append(want)
        last = end
    return out
