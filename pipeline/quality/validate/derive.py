"""The frames the suites check, with the derived columns (``_`` names) a single row
does not hold: does the item have a task, which task precedes this one, which number
should the next marker carry, does the source have pages …

    derive_frames(folder, suite) → Derived

Each derived column is documented in the ``meta.description`` of the suite file that
checks it; the suites check them like any other column, so every check, plain or
derived, is stated in the JSON and reported the same way.  The ``cells`` and
``columns`` frames (one row per cell / per column of every table) are built by
``frames``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ... import schema
from .folder import OCR_CELLS, Folder
from .frames import CELLS, COLUMNS, cell_frames
from .notice import notice_frames
from .printed import printed_keys
from .rows import column_values, file_inside, plain

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from .suites import Suite

#: Source formats of folders extracted before notice.json recorded one (all were PDFs).
LEGACY_FORMAT = "pdf"


@dataclass
class Derived:
    """The frames the suites check, with what reporting them needs."""

    frames: dict[str, pd.DataFrame]  # frame name → rows (tables, cells, columns, ocr_cells)
    keys: dict[str, tuple[str, ...]]  # table → its key columns (a row's label)
    per_column: dict[str, pd.DataFrame]  # cells/columns → one row per table column covered
    sizes: dict[str, int]  # table → rows
    ocr_cells: list[dict] = field(default_factory=list)  # flagged OCR'd cells, for a person


def derive_frames(folder: Folder, suite: Suite) -> Derived:
    """Each table of ``folder`` with the derived ``_`` columns its suite checks (see
    the suites' meta), the frames built from notice.json (``notice_frames``), the
    ``cells`` and ``columns`` frames of every table, and the OCR'd cells flagged for a
    person to check."""
    import pandas as pd

    frames, tables, notice = folder.frames, folder.tables, folder.notice
    items = _Items(frames.get("items"), _items_key(tables))
    out: dict[str, pd.DataFrame] = {}
    keys = {t.name: t.key for t in tables}
    if items.frame is not None:
        key_pattern = folder.profile.key_pattern if folder.profile is not None else None
        out["items"] = _derive_items(items, frames, notice, key_pattern,
                                     suite.columns.get("items", frozenset()))
    for table in tables:
        if table.name == "items" or table.name not in frames:
            continue
        df = frames[table.name].copy()
        columns, links = items.links(df)
        counts = items.counts(columns)
        group = [(*link, f) for link, f in zip(links, _fields(df), strict=True)]
        df["_item_exists"] = pd.array([counts[k] > 0 for k in links], dtype="boolean")
        df["_item_unique"] = pd.array([counts[k] == 1 for k in links], dtype="boolean")
        df["_position"] = pd.array(_positions(group), dtype="Int64")
        # (only what the suite names: comparing a row with its cell costs the most)
        wanted = suite.columns.get(table.name, frozenset())
        if table.name == "tasks" and wanted & _TASK_COLUMNS:
            cells = (items.cells(df, columns, links, "tasks_text")
                     if "_text_in_cell" in wanted else None)
            _derive_tasks(df, group, cells)
        elif table.name == "citations" and wanted & _CITATION_COLUMNS:
            _derive_citations(df, items.cells(df, columns, links, "basis_text"))
        out[table.name] = df
    if OCR_CELLS in frames:
        out[OCR_CELLS] = _derive_ocr(frames[OCR_CELLS].copy(), items, folder.path)
        keys[OCR_CELLS] = schema.OCR_CELLS.key
    for name, (frame, key) in notice_frames(notice, items.frame).items():
        out[name], keys[name] = frame, key
    required = (set(folder.profile.required)
                if folder.profile is not None and not folder.profile.generic else set())
    per_column = {}
    out[CELLS], per_column[CELLS], out[COLUMNS], per_column[COLUMNS] = cell_frames(
        frames, tables, required, suite.meta.get(CELLS) or {})
    sizes = {t.name: len(frames[t.name]) for t in tables if t.name in frames}
    sizes.update({name: len(out[name]) for name in out if name not in sizes})
    flagged = _flagged_cells(out.get(OCR_CELLS), frames.get(schema.COLUMNS.name))
    return Derived(out, keys, per_column, sizes, flagged)


def _items_key(tables: tuple[schema.Table, ...]) -> tuple[str, ...]:
    """The key of the items table (``seq``; ``sheet``, ``row`` for a 权责清单)."""
    for table in tables:
        if table.name == "items":
            return table.key or ("seq",)
    return ("seq",)


class _Items:
    """The items table as the other tables refer to it: by the items key columns a
    row of theirs carries (``seq``; ``sheet`` and ``row`` for a 权责清单)."""

    def __init__(self, frame: pd.DataFrame | None, key: tuple[str, ...]):
        self.frame = frame
        self.key = key
        self._counts: dict[tuple[str, ...], Counter] = {}
        self._first: dict[tuple[str, ...], dict[tuple, int]] = {}
        self._own: dict[tuple[str, ...], list[tuple]] = {}

    def own(self, columns: tuple[str, ...]) -> list[tuple]:
        """Per item, the values of ``columns`` (computed once)."""
        if columns not in self._own:
            self._own[columns] = _keys(self.frame, columns)
        return self._own[columns]

    def links(self, df: pd.DataFrame | None) -> tuple[tuple[str, ...], list[tuple]]:
        """The items key columns ``df`` carries, and per row their values."""
        if df is None:
            return ("seq",), []
        columns = tuple(c for c in self.key if c in df.columns) or ("seq",)
        return columns, _keys(df, columns)

    def counts(self, columns: tuple[str, ...]) -> Counter:
        """Items per value of ``columns`` (0: no such item; 2 or more: not unique)."""
        if columns not in self._counts:
            self._counts[columns] = Counter(self.own(columns))
        return self._counts[columns]

    def cells(self, df: pd.DataFrame, columns: tuple[str, ...], links: list[tuple],
              default: str) -> list:
        """Per row of ``df``, the items cell it was parsed from: in the row's ``field``
        (generic lists, 权责清单), or in the fixed column ``default`` of a specific
        profile."""
        if self.frame is None:
            return [None] * len(df)
        if columns not in self._first:
            first: dict[tuple, int] = {}
            for i, k in enumerate(self.own(columns)):
                first.setdefault(k, i)
            self._first[columns] = first
        index = self._first[columns]
        cache: dict[str, list] = {}
        out = []
        for link, name in zip(links, _fields(df), strict=True):
            name = name or default
            if name not in cache:
                cache[name] = column_values(self.frame, name) if name in self.frame else []
            i = index.get(link)
            out.append(cache[name][i] if i is not None and cache[name] else None)
        return out


def _keys(df: pd.DataFrame | None, columns: tuple[str, ...]) -> list[tuple]:
    """Per row of ``df``, the values of ``columns`` ([] without the frame)."""
    if df is None:
        return []
    return list(zip(*(column_values(df, c) for c in columns), strict=True))


def _fields(df: pd.DataFrame) -> list:
    """Per row, the items column it was parsed from (``field``; None where the table
    has no such column: a specific profile's fixed column)."""
    return column_values(df, "field") if "field" in df.columns else [None] * len(df)


def _derive_items(items: _Items, frames: dict[str, pd.DataFrame], notice: dict,
                  key_pattern: str | None, wanted: frozenset[str]) -> pd.DataFrame:
    """Items: row number, rows of each parsed table, the previous item's last page, the
    source format, and what the printed 序号 says (``_seq_…``, see ``printed``); the
    counts and the 序号's only where the suite names them (``wanted``)."""
    import pandas as pd

    df = items.frame.copy()
    df["_row_number"] = pd.array(range(1, len(df) + 1), dtype="Int64")
    for name, column in (("tasks", "_task_rows"), ("citations", "_citation_rows"),
                         ("departments", "_department_rows")):
        if column not in wanted:
            continue
        columns, links = items.links(frames.get(name))
        counts = Counter(links)
        df[column] = pd.array([counts.get(k, 0) for k in items.own(columns)], dtype="Int64")
    ends = column_values(df, "page_end")
    df["_previous_page_end"] = pd.array([None, *ends[:-1]][:len(df)], dtype="Int64")
    source_format = notice.get("source_format") or LEGACY_FORMAT
    df["_source_format"] = pd.array([str(source_format)] * len(df), dtype="string")
    if any(name.startswith("_seq_") for name in wanted):
        for name, (values, dtype) in printed_keys(df, key_pattern).items():
            df[name] = pd.array(values, dtype=dtype)
    return df


def _derive_ocr(df: pd.DataFrame, items: _Items, folder: Path) -> pd.DataFrame:
    """OCR'd cells: does the item exist, is the crop a file inside the folder."""
    import pandas as pd

    columns, links = items.links(df)
    counts = items.counts(columns)
    df["_item_exists"] = pd.array([counts[k] > 0 for k in links], dtype="boolean")
    df["_crop_exists"] = pd.array([None if not crop else file_inside(folder, crop) is not None
                                   for crop in column_values(df, "crop")], dtype="boolean")
    return df


#: Derived columns of tasks and citations (computed where the suite names one of them).
_TASK_COLUMNS = frozenset({"_level1_before", "_parent_expected", "_marker_number",
                           "_marker_expected", "_group_size", "_text_in_cell"})
_CITATION_COLUMNS = frozenset({"_article_expected", "_article_valid", "_paragraph_expected",
                               "_paragraph_valid", "_numerals_valid", "_law_in_cell",
                               "_ref_in_cell"})


def _derive_tasks(df: pd.DataFrame, group: list, cells: list | None) -> None:
    """Per task: a level-1 task above it in its item?  its expected parent?  its marker
    number and the number it should carry; the size of its numbering group.

    Level-1 numbers run 1, 2, 3 … through an item; at a section heading they may go
    on or start again at 1.  Level-2 numbers start at 1 under each level-1 task.
    After a wrong number the count follows the printed one, so a gap is reported
    once, at the task where it occurs.  ``group``: per row, the cell it came from;
    ``cells``: that cell's text (None: ``_text_in_cell`` is not wanted).
    """
    import pandas as pd

    numbers = [_marker_number(m) for m in column_values(df, "marker")]
    state: dict = {}
    before, parent, groups, expected = [], [], [], []
    for seq, level, task_no, section, number in zip(
            group, column_values(df, "level"), column_values(df, "task_no"),
            column_values(df, "section"), numbers, strict=True):
        st = state.setdefault(seq, {"n": 0, "l1_at": None, "l1_no": None, "run": 0,
                                    "section": (), "l1": 0, "l2": 0})
        st["n"] += 1
        before.append(st["l1_at"] is not None)
        if level == 2:
            want = st["l2"] + 1
            st["l2"] = number if number is not None else want
            parent.append(st["l1_no"])
            groups.append((seq, 2, st["l1_at"]))
        else:
            want = st["l1"] + 1
            if section != st["section"]:
                st["run"] += 1
                st["section"] = section
                if st["run"] > 1 and number != want:
                    want = 1
            st["l1"], st["l2"] = (number if number is not None else want), 0
            parent.append(None)
            groups.append((seq, 1, st["run"]))
            st["l1_at"], st["l1_no"] = st["n"], task_no
        expected.append(want)
    sizes = Counter(groups)
    df["_level1_before"] = pd.array(before, dtype="boolean")
    df["_parent_expected"] = pd.array(parent, dtype="Int64")
    df["_marker_number"] = pd.array(numbers, dtype="Int64")
    df["_marker_expected"] = pd.array(expected, dtype="Int64")
    df["_group_size"] = pd.array([sizes[g] for g in groups], dtype="Int64")
    if cells is not None:
        df["_text_in_cell"] = pd.array(
            [_contains(c, t) for c, t in zip(cells, column_values(df, "text"), strict=True)],
            dtype="boolean")


_ARTICLE = re.compile(r"\A第?([^第条款项]+)条")
_PARAGRAPH = re.compile(r"第([^第条款项]+)款")


def _derive_citations(df: pd.DataFrame, cells: list) -> None:
    """Per citation: title and reference found in the cell?  the article and paragraph
    numbers the printed reference gives, and whether its numerals are valid."""
    import pandas as pd

    from ...text.numerals import parse_numeral

    cols: dict[str, list] = {k: [] for k in (
        "_article_expected", "_article_valid", "_paragraph_expected", "_paragraph_valid",
        "_numerals_valid", "_law_in_cell", "_ref_in_cell")}
    for cell, law, ref in zip(cells, column_values(df, "law"), column_values(df, "article_ref"),
                              strict=True):
        cols["_law_in_cell"].append(None if law is None else _contains(cell, f"《{law}》"))
        cols["_ref_in_cell"].append(None if ref is None else _contains(cell, ref))
        text = _compact(ref) if isinstance(ref, str) else ""
        valid = []
        for name, pattern in (("article", _ARTICLE), ("paragraph", _PARAGRAPH)):
            match = pattern.search(text)
            number = parse_numeral(match.group(1)) if match else None
            cols[f"_{name}_expected"].append(number)
            cols[f"_{name}_valid"].append(None if match is None else number is not None)
            if match:
                valid.append(number is not None)
        cols["_numerals_valid"].append(all(valid) if valid else None)
    for name, values in cols.items():
        dtype = "Int64" if name.endswith("_expected") else "boolean"
        df[name] = pd.array(values, dtype=dtype)


_MARKER = re.compile(
    r"\A[（(]?\s*([0-9０-９]+|[〇零一二两三四五六七八九十百]+)\s*[）)]?\s*[.．、]?\Z")


def _marker_number(marker: str | None) -> int | None:
    """The number a list marker stands for: "3." → 3, "（2）" → 2, "④" → 4, "十一、" → 11;
    a marker of one character by its Unicode value ("⑴" "⒈" "❶" → 1)."""
    import unicodedata

    from ...text.numerals import parse_numeral

    if not isinstance(marker, str):
        return None
    marker = marker.strip()
    if len(marker) == 1:
        value = unicodedata.numeric(marker, None)
        return int(value) if value is not None and value == int(value) else None
    match = _MARKER.match(marker)
    return parse_numeral(match.group(1)) if match else None


def _positions(keys: list) -> list[int]:
    """1-based position of each row among the rows with the same key, in order."""
    seen: Counter = Counter()
    out = []
    for key in keys:
        seen[key] += 1
        out.append(seen[key])
    return out


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _contains(cell: str | None, text: str | None) -> bool | None:
    if not isinstance(cell, str) or not isinstance(text, str):
        return None
    return _compact(text) in _compact(cell)



def _flagged_cells(ocr: pd.DataFrame | None, columns: pd.DataFrame | None) -> list[dict]:
    """The OCR'd cells flagged for a person to check, with their column's printed label."""
    if ocr is None or "flagged" not in ocr.columns:
        return []
    labels = dict(zip(column_values(columns, "field"), column_values(columns, "label"),
                      strict=True))
    for column in schema.ITEMS.columns:
        labels.setdefault(column.name, column.label)
    out = []
    for i in ocr.index[ocr["flagged"].fillna(False).astype(bool)]:
        row = {k: (None if _isna(ocr.at[i, k]) else plain(ocr.at[i, k])) for k in ocr.columns
               if not k.startswith("_")}
        row["label"] = labels.get(row.get("field"))
        out.append(row)
    return out


def _isna(value) -> bool:
    import pandas as pd

    return value is None or (not isinstance(value, (list, tuple)) and bool(pd.isna(value)))

