"""The workbook as stored, before layout: one ``Sheet`` per worksheet (texts by cell,
merged ranges, hidden rows and columns kept as ``Ranges``), and the limits every
format's reader counts against."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

#: Cells with text a workbook may hold (a real list: tens of thousands).
MAX_CELLS = 2_000_000
#: Merged ranges a workbook may declare.
MAX_MERGES = 500_000
#: Cells that merged ranges (with text) may cover, summed over the workbook.
MAX_MERGED_AREA = 5_000_000
#: Bytes inflated from an .xlsx/.ods zip, all members together.
MAX_INFLATED_BYTES = 512 << 20
#: Text in this many cells of a row starts the table (fewer in a narrower table).
TABLE_ROW_CELLS = 3
#: The sheet grid (Excel's and LibreOffice's): hidden rows and columns past it are ignored.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384


class Ranges:
    """Indices below ``limit`` given as ranges [start, stop), stored as ranges.

    A workbook hides rows and columns in ranges (``<col min max>``, an .ods
    ``number-columns-repeated``), thousands at a time: kept as ranges, memory
    follows the elements read, not the indices they span.  Overlapping and
    adjacent ranges are merged whenever the list has doubled, so it never holds
    more than ``limit / 2`` disjoint ranges plus as many pending.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.starts: list[int] = []
        self.stops: list[int] = []
        self.merged = 0  # how many leading ranges are sorted, disjoint and merged

    def add(self, start: int, stop: int) -> None:
        start, stop = max(0, start), min(stop, self.limit)
        if start >= stop:
            return
        if self.starts and self.starts[-1] <= start <= self.stops[-1]:
            # the next rows of a run, or the same again: the last range grows (it
            # has the largest start, so a merged list stays sorted and disjoint)
            self.stops[-1] = max(self.stops[-1], stop)
            return
        self.starts.append(start)
        self.stops.append(stop)
        if len(self.starts) > 2 * max(self.merged, 512):
            self._merge()

    def __contains__(self, i: int) -> bool:
        return self.next_visible(i) != i

    def next_visible(self, i: int) -> int:
        """The first index at or after ``i`` in no range."""
        if len(self.starts) > self.merged:
            self._merge()
        k = bisect.bisect_right(self.starts, i) - 1
        return self.stops[k] if k >= 0 and i < self.stops[k] else i

    def _merge(self) -> None:
        starts: list[int] = []
        stops: list[int] = []
        for start, stop in sorted(zip(self.starts, self.stops, strict=True)):
            if stops and start <= stops[-1]:
                stops[-1] = max(stops[-1], stop)
            else:
                starts.append(start)
                stops.append(stop)
        self.starts, self.stops, self.merged = starts, stops, len(starts)


@dataclass
class Sheet:
    """One worksheet as stored: texts by (row, col) (0-based), merged ranges
    (r0, c0, r1, c1 inclusive), hidden rows and columns."""

    name: str
    position: int  # 1-based, among all the workbook's sheets
    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    left_out: str = ""  # why the sheet is not laid out (hidden, not a worksheet), or ""
    hidden_rows: Ranges = field(default_factory=lambda: Ranges(MAX_ROWS))
    hidden_cols: Ranges = field(default_factory=lambda: Ranges(MAX_COLUMNS))


def int_or(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
