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
    the suites' meta), the ``cells`` and ``columns`` frames of every table, and the
    OCR'd cells flagged for a person to check."""
    import pandas as pd

    frames, tables, notice = folder.frames, folder.tables, folder.notice
    items = frames.get("items")
    seqs = set(column_values(items, "seq")) - {None} if items is not None else set()
    lookup = _CellLookup(items)
    out: dict[str, pd.DataFrame] = {}
    keys = {t.name: t.key for t in tables}
    if items is not None:
        out["items"] = _derive_items(items.copy(), frames, notice)
    for table in tables:
        if table.name == "items" or table.name not in frames:
            continue
        df = frames[table.name].copy()
        seq = column_values(df, "seq")
        group = _groups(df)
        df["_item_exists"] = pd.array([s in seqs for s in seq], dtype="boolean")
        df["_position"] = pd.array(_positions(group), dtype="Int64")
        if table.name == "tasks":
            _derive_tasks(df, group, lookup.cells(df, "tasks_text"))
        elif table.name == "citations":
            _derive_citations(df, lookup.cells(df, "basis_text"))
        out[table.name] = df
    if OCR_CELLS in frames:
        out[OCR_CELLS] = _derive_ocr(frames[OCR_CELLS].copy(), seqs, folder.path)
        keys[OCR_CELLS] = schema.OCR_CELLS.key
    required = (set(folder.profile.required)
                if folder.profile is not None and not folder.profile.generic else set())
    fill = (suite.meta.get(CELLS) or {}).get("required_fill")
    per_column = {}
    out[CELLS], per_column[CELLS], out[COLUMNS], per_column[COLUMNS] = cell_frames(
        frames, tables, required, fill)
    sizes = {t.name: len(frames[t.name]) for t in tables if t.name in frames}
    if OCR_CELLS in frames:
        sizes[OCR_CELLS] = len(frames[OCR_CELLS])
    flagged = _flagged_cells(out.get(OCR_CELLS), frames.get(schema.COLUMNS.name))
    return Derived(out, keys, per_column, sizes, flagged)


def _derive_items(df: pd.DataFrame, frames: dict[str, pd.DataFrame],
                  notice: dict) -> pd.DataFrame:
    import pandas as pd

    seq = column_values(df, "seq")
    df["_row_number"] = pd.array(range(1, len(df) + 1), dtype="Int64")
    for name, column in (("tasks", "_task_rows"), ("citations", "_citation_rows"),
                         ("departments", "_department_rows")):
        counts = Counter(column_values(frames.get(name), "seq"))
        df[column] = pd.array([counts.get(s, 0) for s in seq], dtype="Int64")
    ends = column_values(df, "page_end")
    df["_previous_page_end"] = pd.array([None, *ends[:-1]][:len(df)], dtype="Int64")
    source_format = notice.get("source_format") or LEGACY_FORMAT
    df["_source_format"] = pd.array([str(source_format)] * len(df), dtype="string")
    return df


def _derive_ocr(df: pd.DataFrame, seqs: set, folder: Path) -> pd.DataFrame:
    """OCR'd cells: does the item exist, is the crop a file inside the folder."""
    import pandas as pd

    df["_item_exists"] = pd.array([s in seqs for s in column_values(df, "seq")], dtype="boolean")
    df["_crop_exists"] = pd.array([None if not crop else file_inside(folder, crop) is not None
                                   for crop in column_values(df, "crop")], dtype="boolean")
    return df


def _groups(df: pd.DataFrame) -> list:
    """Per row, the items cell it was parsed from: seq, and in a generic list the
    items column (``field``)."""
    if "field" in df.columns:
        return list(zip(column_values(df, "seq"), column_values(df, "field"), strict=True))
    return [(s,) for s in column_values(df, "seq")]


class _CellLookup:
    """The items cell a parsed row came from: by seq, in the row's ``field`` (generic
    lists) or in the fixed column of a specific profile."""

    def __init__(self, items: pd.DataFrame | None):
        self.items = items
        self.row = ({} if items is None
                    else {s: i for i, s in enumerate(column_values(items, "seq"))})

    def cells(self, df: pd.DataFrame, default: str) -> list:
        if self.items is None:
            return [None] * len(df)
        fields = column_values(df, "field") if "field" in df.columns else [default] * len(df)
        columns: dict[str, list] = {}
        out = []
        for seq, name in zip(column_values(df, "seq"), fields, strict=True):
            if name not in columns:
                columns[name] = column_values(self.items, name) if name in self.items else []
            i = self.row.get(seq)
            out.append(columns[name][i] if i is not None and columns[name] else None)
        return out



def _derive_tasks(df: pd.DataFrame, group: list, cells: list) -> None:
    """Per task: a level-1 task above it in its item?  its expected parent?  its marker
    number and the number it should carry; the size of its numbering group.

    Level-1 numbers run 1, 2, 3 … through an item; at a section heading they may go
    on or start again at 1.  Level-2 numbers start at 1 under each level-1 task.
    After a wrong number the count follows the printed one, so a gap is reported
    once, at the task where it occurs.  ``group``: per row, the cell it came from;
    ``cells``: that cell's text.
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

