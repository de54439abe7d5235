"""Excel, WPS and OpenDocument workbooks → the page model: one page per visible sheet.

    read_sheet(path, fmt, layout, limits) → ``model.Document``

How each content is read (chosen by measurement, see README "Formats"):

- .xlsx, and .et saved as OOXML: the workbook's XML streamed once per sheet with
  pyexpat (no DOM, memory flat in the number of rows): shared strings, each cell's
  value shown through its number format, merged ranges, hidden rows, columns and
  sheets.  A document that declares a DTD is refused by our own expat handlers
  (the rule of defusedxml's forbid_dtd: no entity expansion, no external
  entities), and the bytes inflated from the zip are counted as they are read
  (a member's declared size may lie).
- .ods: content.xml streamed the same way: each cell's displayed text (its
  ``text:p`` paragraphs), spans, repeated and collapsed rows and columns, hidden tables.
- .xls, and .et in the binary format: xlrd with formatting information (merged
  ranges, hidden rows and columns, number formats), rows kept ragged.

Each visible sheet becomes a ``PageLayout`` (numbered 1..n in workbook order;
``drop_headers`` picks the one with the list's columns; ``Document.page_labels``
name the sheets, so that the extraction's notes say which one that is).  A
sheet is laid out as Excel prints it:

- hidden rows and columns are left out; a merged range keeps its top-left cell's
  text over the visible rows and columns it spans (covered cells are not shown);
- empty rows and columns are squeezed out, so a sheet whose used range reaches
  row 1,048,576 costs only its cells with text;
- a cell's lines (Alt+Enter) are its paragraphs;
- rows above the table (the first row with text in three cells, or two in a
  two-column table) are text above it (``outside_above``: "附件", the list title
  merged across the columns, the notice), rows below its last row with text in
  two columns are text below it ("注：…").
"""

from __future__ import annotations

import bisect
import datetime as _dt
import io
import math
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, LayoutError, LimitError, PipelineError
from ..model import Document, PageLayout
from ..settings import DEFAULT_LAYOUT, DEFAULT_LIMITS, LayoutSettings, Limits
from .cells import GridCell, layout_table
from .sniff import Format

#: Cells with text a workbook may hold (a real list: tens of thousands).
MAX_CELLS = 2_000_000
#: Merged ranges a workbook may declare.
MAX_MERGES = 500_000
#: Cells that merged ranges (with text) may cover, summed over the workbook.
MAX_MERGED_AREA = 5_000_000
#: Bytes inflated from an .xlsx/.ods zip, all members together.
MAX_INFLATED_BYTES = 512 << 20
#: Bytes read from the zip per step.
_CHUNK = 1 << 16
#: Text in this many cells of a row starts the table (fewer in a narrower table).
TABLE_ROW_CELLS = 3
#: The sheet grid (Excel's and LibreOffice's): hidden rows and columns past it are ignored.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384

_NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_NS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_NS_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_SEP = "\x01"  # namespace separator given to expat


class _Ranges:
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
class _Sheet:
    """One worksheet as stored: texts by (row, col) (0-based), merged ranges
    (r0, c0, r1, c1 inclusive), hidden rows and columns."""

    name: str
    position: int  # 1-based, among all the workbook's sheets
    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: _Ranges = field(default_factory=lambda: _Ranges(MAX_ROWS))
    hidden_cols: _Ranges = field(default_factory=lambda: _Ranges(MAX_COLUMNS))


def read_sheet(path: Path, fmt: Format, layout: LayoutSettings = DEFAULT_LAYOUT,
               limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read the workbook at ``path`` (content ``fmt.content``: xlsx, ods or
    excel-binary) into a ``Document`` of one page per visible sheet.

    Raises ``InputError`` for a damaged, encrypted or unreadable workbook and
    ``LimitError`` where it exceeds the limits above (or has more visible sheets
    than ``limits.max_pages``).
    """
    path = Path(path)
    readers: dict[str, Callable[[Path], tuple[list[_Sheet], int]]] = {
        "xlsx": _xlsx_sheets, "ods": _ods_sheets, "excel-binary": _xls_sheets}
    if fmt.content not in readers:
        raise InputError(f"not a workbook ({fmt.content})", file=str(path))
    sheets, total = readers[fmt.content](path)
    if len(sheets) > limits.max_pages:
        raise LimitError(f"{len(sheets):,} visible sheets, more than the limit of "
                         f"{limits.max_pages:,} (one page per sheet)", file=str(path),
                         hint="raise it with --max-pages if the file is genuine")
    pages = []
    for number, sheet in enumerate(sheets, 1):
        pages.append(_layout_sheet(sheet, number))
        sheet.cells, sheet.merges = {}, []  # the page holds the text now
    doc = Document(fmt.kind, pages, page_count=max(1, len(pages)), paginated=False)
    if not pages:
        raise LayoutError("the workbook has no visible sheet", file=str(path))
    doc.page_labels = {number: f"sheet '{sheet.name}' ({sheet.position} of {total})"
                       for number, sheet in enumerate(sheets, 1)}
    return doc


# --------------------------------------------------------------------------- layout

def _layout_sheet(sheet: _Sheet, number: int) -> PageLayout:
    """The page of one sheet: its table's cells, and the text above and below it."""
    hidden_r, hidden_c = sheet.hidden_rows, sheet.hidden_cols
    cells = {rc: t for rc, t in sheet.cells.items()
             if rc[0] not in hidden_r and rc[1] not in hidden_c}
    anchors: dict[tuple[int, int], tuple[int, int, str]] = {}  # (r, c) → (r1, c1, text)
    covered: set[tuple[int, int]] = set()
    if cells:
        last_r = max(r for r, _ in cells)
        last_c = max(c for _, c in cells)
        area = 0
        for r0, c0, r1, c1 in sorted(sheet.merges):
            text = sheet.cells.get((r0, c0), "")
            r1, c1 = min(r1, last_r), min(c1, last_c)
            if not text.strip():
                continue
            row, col = hidden_r.next_visible(r0), hidden_c.next_visible(c0)
            if row > r1 or col > c1:
                continue
            area += (r1 - r0 + 1) * (c1 - c0 + 1)
            if area > MAX_MERGED_AREA:
                raise LimitError(f"sheet '{sheet.name}': merged ranges cover more than "
                                 f"{MAX_MERGED_AREA:,} cells")
            span = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
            if any(rc in covered for rc in span):
                continue  # overlapping ranges (Excel repairs them away): the first wins
            covered.update(span)
            anchors[(row, col)] = (r1, c1, text)
    for rc, text in cells.items():
        if rc not in covered and text.strip():
            anchors[rc] = (rc[0], rc[1], text)
    if not anchors:
        return layout_table([], number)
    # Squeeze out hidden and empty rows and columns: only rows and columns where a
    # cell starts keep a place; a merged cell ends on the last such row it covers.
    rows = sorted({r for r, _ in anchors})
    cols = sorted({c for _, c in anchors})
    row_at = {r: i for i, r in enumerate(rows)}
    col_at = {c: j for j, c in enumerate(cols)}
    grid = []
    for (r, c), (r1, c1, text) in anchors.items():
        i, j = row_at[r], col_at[c]
        grid.append(GridCell(i, j, bisect.bisect_right(rows, r1) - i,
                             bisect.bisect_right(cols, c1) - j, _paragraphs(text)))
    return _split_table(grid, len(rows), number)


def _split_table(grid: list[GridCell], nrows: int, number: int) -> PageLayout:
    """Lay out ``grid``: rows before the table's first row and after its last are
    text outside it."""
    own = [0] * nrows  # cells starting in each row
    spans = [0] * nrows  # cells reaching into each row from above
    for g in grid:
        own[g.row] += 1
        for k in range(g.row + 1, g.row + g.rowspan):
            spans[k] += 1
    need = max(2, min(TABLE_ROW_CELLS, max(own)))
    top = next((k for k in range(nrows) if own[k] >= need), None)
    if top is None:  # no table: every row is text
        return layout_table([], number, _texts(grid, range(nrows)))
    bottom = max(k for k in range(top, nrows) if own[k] + spans[k] >= 2)
    table = [GridCell(g.row - top, g.col, min(g.rowspan, bottom + 1 - g.row), g.colspan,
                      g.paragraphs)
             for g in grid if top <= g.row <= bottom]
    return layout_table(table, number, _texts(grid, range(top)),
                        _texts(grid, range(bottom + 1, nrows)))


def _texts(grid: list[GridCell], rows: range) -> list[str]:
    """Lines of text of the rows ``rows``: a lone cell's paragraphs, or the row's
    cells side by side on one line."""
    by_row: dict[int, list[GridCell]] = {}
    for g in grid:
        if g.row in rows:
            by_row.setdefault(g.row, []).append(g)
    out = []
    for r in sorted(by_row):
        row = sorted(by_row[r], key=lambda g: g.col)
        if len(row) == 1:
            out.extend(row[0].paragraphs)
        else:
            out.append("   ".join(" ".join(g.paragraphs) for g in row))
    return out


def _paragraphs(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# --------------------------------------------------------------------------- zip + XML

class _Zip:
    """A workbook zip whose members are read with the inflated bytes counted."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise InputError(f"damaged workbook: not a readable zip ({exc})",
                             hint="download the file again, or open and re-save it") from None
        self.names = {i.filename.lower(): i.filename for i in self.zip.infolist()}
        self.inflated = 0

    def has(self, name: str) -> bool:
        return name.lower() in self.names

    def chunks(self, name: str) -> Iterator[bytes]:
        real = self.names.get(name.lower())
        if real is None:
            raise InputError(f"damaged workbook: the part {name} is missing",
                             hint="open and re-save it in Excel or WPS")
        try:
            f = self.zip.open(real)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError,
                NotImplementedError, zlib.error) as exc:
            raise InputError(f"damaged workbook: {name} cannot be opened ({exc})",
                             hint="download the file again, or open and re-save it") from None
        with f:
            while True:
                try:
                    block = f.read(_CHUNK)
                except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError,
                        NotImplementedError, struct.error, zlib.error) as exc:
                    raise InputError(f"damaged workbook: {name} cannot be inflated ({exc})",
                                     hint="download the file again, or open and re-save "
                                          "it") from None
                if not block:
                    return
                self.inflated += len(block)
                if self.inflated > MAX_INFLATED_BYTES:
                    raise LimitError(
                        f"the workbook inflates to more than {MAX_INFLATED_BYTES >> 20} MB "
                        "of XML (a zip bomb?)")
                yield block

    def parse(self, name: str, start, end=None, text=None) -> None:
        """Stream the XML part ``name`` through expat with these handlers
        (element names as "namespace\\x01local")."""
        _parse_xml(self.chunks(name), name, start, end, text)


def _parse_xml(chunks, name: str, start, end=None, text=None) -> None:
    import pyexpat

    parser = pyexpat.ParserCreate(namespace_separator=_SEP)
    parser.buffer_text = True
    parser.buffer_size = _CHUNK

    def refuse(*_args):
        raise InputError(f"the workbook part {name} declares a DTD (entities are refused: "
                         "an entity-expansion or external-entity attack?)")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        for block in chunks:
            parser.Parse(block, False)
        parser.Parse(b"", True)
    except pyexpat.ExpatError as exc:
        raise InputError(f"damaged workbook: {name} is not well-formed XML ({exc})",
                         hint="download the file again, or open and re-save it") from None
    except PipelineError:
        raise
    except (ValueError, ArithmeticError) as exc:
        # A value the handlers could not make sense of (a number, an index): expat
        # passes the handler's exception through, and it is the file's fault.
        raise InputError(f"damaged workbook: {name} holds a value that cannot be read "
                         f"({type(exc).__name__}: {str(exc)[:120]})",
                         hint="open and re-save it in Excel or WPS") from None


_LOCAL: dict[str, str] = {}
_COLUMNS: dict[str, int] = {}


def _local(tag: str) -> str:
    """An element's name without its namespace (cached: handlers run per element)."""
    local = _LOCAL.get(tag)
    if local is None:
        local = tag.rpartition(_SEP)[2]
        if len(_LOCAL) < 4096:
            _LOCAL[tag] = local
    return local


# --------------------------------------------------------------------------- xlsx

_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d{1,7})$", re.ASCII)
#: A row number as Excel writes it (str.isdigit also accepts "²", which int() refuses).
_ROW_NUMBER = re.compile(r"[0-9]{1,7}", re.ASCII)
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _xlsx_sheets(path: Path) -> tuple[list[_Sheet], int]:
    z = _Zip(path)
    if not z.has("xl/workbook.xml"):
        raise InputError("damaged workbook: no xl/workbook.xml")
    entries, date1904 = _xlsx_workbook(z)
    targets = _xlsx_targets(z)
    strings = _xlsx_strings(z, targets.get("sharedStrings"))
    formats = _xlsx_formats(z, targets.get("styles"))
    sheets = []
    budget = [MAX_CELLS, MAX_MERGES]
    for position, (name, state, rid) in enumerate(entries, 1):
        if state in ("hidden", "veryHidden"):
            continue
        part = targets["sheets"].get(rid)
        if part is None or not z.has(part):
            continue  # a chart sheet or a dangling entry
        sheet = _Sheet(name, position)
        _xlsx_sheet(z, part, sheet, strings, formats, date1904, budget)
        sheets.append(sheet)
    return sheets, len(entries)


def _xlsx_workbook(z: _Zip) -> tuple[list[tuple[str, str, str]], bool]:
    """(name, state, relationship id) per sheet in workbook order, and the 1904 date system."""
    entries: list[tuple[str, str, str]] = []
    flags = {"date1904": False}

    def start(tag, attrs):
        local = _local(tag)
        if local == "sheet":
            rid = next((v for k, v in attrs.items() if k.endswith(f"{_SEP}id")), "")
            entries.append((attrs.get("name", f"Sheet{len(entries) + 1}"),
                            attrs.get("state", "visible"), rid))
        elif local == "workbookPr":
            flags["date1904"] = attrs.get("date1904", "0") in ("1", "true")

    z.parse("xl/workbook.xml", start)
    return entries, flags["date1904"]


def _xlsx_targets(z: _Zip) -> dict:
    """Parts named by the workbook's relationships: sheets by id, shared strings, styles."""
    out: dict = {"sheets": {}}
    if not z.has("xl/_rels/workbook.xml.rels"):
        return out

    def start(tag, attrs):
        if _local(tag) != "Relationship":
            return
        target = attrs.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        kind = attrs.get("Type", "").rpartition("/")[2]
        if kind == "worksheet":
            out["sheets"][attrs.get("Id", "")] = part
        elif kind in ("sharedStrings", "styles"):
            out[kind] = part

    z.parse("xl/_rels/workbook.xml.rels", start)
    return out


def _xlsx_strings(z: _Zip, part: str | None) -> list[str]:
    """The shared strings (rich text runs joined; phonetic runs left out)."""
    if part is None or not z.has(part):
        return []
    strings: list[str] = []
    state = {"parts": [], "in_t": False, "phonetic": 0}

    def start(tag, attrs):
        local = _local(tag)
        if local == "t" and not state["phonetic"]:
            state["in_t"] = True
        elif local == "rPh":
            state["phonetic"] += 1
        elif local == "si":
            state["parts"] = []

    def end(tag):
        local = _local(tag)
        if local == "t":
            state["in_t"] = False
        elif local == "rPh":
            state["phonetic"] -= 1
        elif local == "si":
            strings.append(_unescape("".join(state["parts"])))
            if len(strings) > MAX_CELLS:
                raise LimitError(f"the workbook holds more than {MAX_CELLS:,} strings")

    def text(data):
        if state["in_t"]:
            state["parts"].append(data)

    z.parse(part, start, end, text)
    return strings


def _xlsx_formats(z: _Zip, part: str | None) -> list[str]:
    """The number format code of each cell style (index = the cells' ``s``)."""
    if part is None or not z.has(part):
        return []
    custom: dict[int, str] = {}
    xfs: list[int] = []
    state = {"in_cell_xfs": False}

    def start(tag, attrs):
        local = _local(tag)
        if local == "numFmt":
            custom[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "General")
        elif local == "cellXfs":
            state["in_cell_xfs"] = True
        elif local == "xf" and state["in_cell_xfs"]:
            xfs.append(_int(attrs.get("numFmtId")))

    def end(tag):
        if _local(tag) == "cellXfs":
            state["in_cell_xfs"] = False

    z.parse(part, start, end)
    return [custom.get(i) or BUILTIN_FORMATS.get(i, "General") for i in xfs]


def _xlsx_sheet(z: _Zip, part: str, sheet: _Sheet, strings: list[str], formats: list[str],
                date1904: bool, budget: list[int]) -> None:
    """Stream one worksheet part into ``sheet``."""
    pos = {"row": -1, "col": -1}
    cell: dict = {}
    parts: list[str] = []
    flags = {"value": False}

    def start(tag, attrs):
        local = _local(tag)
        if local == "c":
            ref = attrs.get("r")
            col, row = _ref(ref) if ref else (pos["col"] + 1, pos["row"])
            pos["col"] = col
            cell.clear()
            cell.update(row=row, col=col, t=attrs.get("t", "n"), s=_int(attrs.get("s")))
            parts.clear()
        elif local in ("v", "t") and cell:
            flags["value"] = True
        elif local == "row":
            r = attrs.get("r") or ""
            number = int(r) if _ROW_NUMBER.fullmatch(r) else 0
            pos["row"] = number - 1 if number >= 1 else pos["row"] + 1
            pos["col"] = -1
            if attrs.get("hidden") in ("1", "true") or attrs.get("ht") in ("0", "0.0"):
                sheet.hidden_rows.add(pos["row"], pos["row"] + 1)
        elif local == "col":
            if attrs.get("hidden") in ("1", "true") or attrs.get("width") in ("0", "0.0"):
                lo, hi = _int(attrs.get("min"), 1), _int(attrs.get("max"), 1)
                sheet.hidden_cols.add(lo - 1, hi)
        elif local == "mergeCell":
            ref = attrs.get("ref", "")
            a, _, b = ref.partition(":")
            if a and b and _CELL_REF.match(a) and _CELL_REF.match(b):
                (c0, r0), (c1, r1) = _ref(a), _ref(b)
                budget[1] -= 1
                if budget[1] < 0:
                    raise LimitError(f"sheet '{sheet.name}': more than {MAX_MERGES:,} "
                                     "merged ranges")
                sheet.merges.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
        elif local == "rPh" and cell:
            flags["value"] = False
            cell["phonetic"] = True

    def end(tag):
        local = _local(tag)
        if local in ("v", "t"):
            flags["value"] = False
        elif local == "rPh":
            cell.pop("phonetic", None)
        elif local == "c" and cell:
            value = "".join(parts)
            if value:
                try:
                    shown = _xlsx_value(value, cell, strings, formats, date1904)
                except (ValueError, ArithmeticError):  # a value no format can show
                    shown = value
                if shown.strip():
                    budget[0] -= 1
                    if budget[0] < 0:
                        raise LimitError(f"the workbook holds more than {MAX_CELLS:,} "
                                         "cells with text")
                    sheet.cells[(cell["row"], cell["col"])] = shown
            cell.clear()

    def text(data):
        if flags["value"] and not cell.get("phonetic"):
            parts.append(data)

    z.parse(part, start, end, text)


def _xlsx_value(value: str, cell: dict, strings: list[str], formats: list[str],
                date1904: bool) -> str:
    """A cell's text as Excel shows it."""
    kind = cell["t"]
    if kind == "s":
        i = _int(value, -1)
        return strings[i] if 0 <= i < len(strings) else ""
    if kind in ("str", "inlineStr"):
        return _unescape(value)
    if kind == "b":
        return "TRUE" if value.strip() in ("1", "true") else "FALSE"
    if kind in ("e", "d"):
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    if not math.isfinite(number):  # "1e999", "nan": no format shows them; as written
        return value
    s = cell["s"]
    code = formats[s] if 0 <= s < len(formats) else "General"
    return _format_number(number, code, date1904)


def _ref(ref: str) -> tuple[int, int]:
    """"AB12" → (col, row), 0-based."""
    m = _CELL_REF.match(ref)
    if not m:
        raise InputError(f"damaged workbook: bad cell reference {ref[:20]!r}")
    letters = m.group(1)
    col = _COLUMNS.get(letters)
    if col is None:
        col = 0
        for ch in letters.upper():
            col = col * 26 + ord(ch) - 64
        col -= 1
        _COLUMNS[letters] = col
    return col, int(m.group(2)) - 1


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _unescape(text: str) -> str:
    # Excel writes control characters (a carriage return: _x000D_) as _xHHHH_.
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


# --------------------------------------------------------------------------- number formats

#: Built-in number formats (ECMA-376 18.8.30, with the zh-CN date and time forms).
BUILTIN_FORMATS: dict[int, str] = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
    11: "0.00E+00", 14: "yyyy/m/d", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
    18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "yyyy/m/d h:mm",
    27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m-d-yy",
    31: 'yyyy"年"m"月"d"日"', 32: 'h"时"mm"分"', 33: 'h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"', 37: "#,##0 ;(#,##0)", 38: "#,##0 ;(#,##0)", 39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;(#,##0.00)", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss.0", 48: "##0.0E+0",
    49: "@", 50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"',
    54: 'm"月"d"日"', 57: 'yyyy"年"m"月"', 58: 'm"月"d"日"',
}
_DATE_TOKENS = re.compile(r'"[^"]*"|\\.|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s'
                          r"|AM/PM|上午/下午|.", re.IGNORECASE)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _format_number(number: float, code: str, date1904: bool = False) -> str:
    """``number`` shown through the number format ``code`` (the common cases: General,
    text, fixed decimals, thousands, percent, zero-padded codes, dates and times;
    anything rarer is shown as General).  Infinity and NaN (which a binary .xls
    can store) are shown as Excel's "#NUM!"."""
    if not math.isfinite(number):
        return "#NUM!"
    section = code.split(";")[0] if code else "General"
    if number < 0 and ";" in code:
        section = code.split(";")[1] or section
        number = -number if section else number
    section = re.sub(r"\[[^\]]*\]", "", section)  # [$-804], [Red], [DBNum1] …
    bare = re.sub(r'"[^"]*"|\\.', "", section)
    if not bare.strip() or bare.strip().lower() == "general" or "@" in bare:
        return _general(number)
    if re.search(r"[yYdD]|[hH]|[sS]", bare) or re.fullmatch(r"[mM]+", bare.strip()):
        shown = _date_text(number, section, date1904)
        if shown is not None:
            return shown
        return _general(number)
    return _number_text(number, section)


def _general(number: float) -> str:
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.10g}"


def _number_text(number: float, section: str) -> str:
    literal = re.sub(r'"([^"]*)"|\\(.)', lambda m: m.group(1) or m.group(2) or "", section)
    m = re.search(r"[0#?][0#?,]*(?:\.[0#?]*)?|\.[0#?]+", literal)
    if not m or "E" in literal.upper():
        return _general(number)
    body = m.group(0)
    whole, _, decimals = body.partition(".")
    if "%" in literal:
        number *= 100
    places = len(decimals)
    text = f"{abs(number):,.{places}f}" if "," in whole else f"{abs(number):.{places}f}"
    head, _, tail = text.partition(".")
    pad = whole.count("0")
    if len(head.replace(",", "")) < pad:
        head = head.zfill(pad)
    if head == "0" and pad == 0:
        head = ""
    shown = head + (f".{tail}" if tail else "")
    sign = "-" if number < 0 and round(abs(number), places) else ""
    return f"{literal[:m.start()]}{sign}{shown}{literal[m.end():]}".strip()


def _date_text(serial: float, section: str, date1904: bool) -> str | None:
    if serial < 0 or serial > 2_958_465:  # beyond 9999-12-31
        return None
    base = _dt.datetime(1904, 1, 1) if date1904 else _dt.datetime(1899, 12, 30)
    when = base + _dt.timedelta(days=serial)
    when = when.replace(microsecond=0) + _dt.timedelta(seconds=round(when.microsecond / 1e6))
    tokens = _DATE_TOKENS.findall(section)
    out = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if tok.startswith('"'):
            out.append(tok[1:-1])
        elif tok.startswith("\\"):
            out.append(tok[1:])
        elif low == "yyyy":
            out.append(f"{when.year:04d}")
        elif low == "yy":
            out.append(f"{when.year % 100:02d}")
        elif low in ("m", "mm"):
            before = [t.lower() for t in tokens[:i] if t.strip() and t.isalpha()]
            after = [t.lower() for t in tokens[i + 1:] if t.strip() and t.isalpha()]
            minute = (before and before[-1][0] == "h") or (after and after[0][0] == "s")
            value = when.minute if minute else when.month
            out.append(f"{value:02d}" if low == "mm" else str(value))
        elif low == "mmm":
            out.append(_MONTHS[when.month - 1][:3])
        elif low == "mmmm":
            out.append(_MONTHS[when.month - 1])
        elif low in ("d", "dd"):
            out.append(f"{when.day:02d}" if low == "dd" else str(when.day))
        elif low in ("ddd", "dddd"):
            out.append(when.strftime("%a" if low == "ddd" else "%A"))
        elif low in ("h", "hh"):
            hour = when.hour
            if any(t.upper() in ("AM/PM", "上午/下午") for t in tokens):
                hour = hour % 12 or 12
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("s", "ss"):
            out.append(f"{when.second:02d}" if low == "ss" else str(when.second))
        elif tok.upper() == "AM/PM":
            out.append("AM" if when.hour < 12 else "PM")
        elif tok == "上午/下午":
            out.append("上午" if when.hour < 12 else "下午")
        else:
            out.append(tok)
    return "".join(out)


# --------------------------------------------------------------------------- ods

def _ods_sheets(path: Path) -> tuple[list[_Sheet], int]:
    z = _Zip(path)
    sheets: list[_Sheet] = []
    hidden_styles: set[str] = set()
    st: dict = {"sheet": None, "row": 0, "col": 0, "repeat_rows": 1, "row_hidden": False,
                "cell": None, "depth_p": 0, "skip": 0, "paras": [], "style": None,
                "count": 0, "tables": 0}
    budget = [MAX_CELLS, MAX_MERGES]
    t = f"{_NS_TABLE}{_SEP}"

    def start(tag, attrs):
        local = _local(tag)
        ns = tag[: -len(local)]
        if st["skip"]:
            st["skip"] += 1
            return
        if ns == f"{_NS_OFFICE}{_SEP}" and local == "annotation":
            st["skip"] = 1
            return
        if ns == f"{_NS_STYLE}{_SEP}":
            if local == "style":
                st["style"] = attrs.get(f"{_NS_STYLE}{_SEP}name")
            elif local == "table-properties" and attrs.get(f"{t}display") == "false":
                hidden_styles.add(st["style"])
            return
        if ns == t:
            if local == "table":
                st["tables"] += 1
                hidden = attrs.get(f"{t}style-name") in hidden_styles
                st["sheet"] = None if hidden else _Sheet(attrs.get(f"{t}name", ""), st["tables"])
                st["row"], st["col"], st["colpos"] = 0, 0, 0
                if st["sheet"] is not None:
                    sheets.append(st["sheet"])
            elif st["sheet"] is None:
                return
            elif local == "table-column":
                n = min(max(1, _int(attrs.get(f"{t}number-columns-repeated"), 1)), MAX_COLUMNS)
                if attrs.get(f"{t}visibility", "visible") != "visible":
                    st["sheet"].hidden_cols.add(st["colpos"], st["colpos"] + n)
                st["colpos"] += n
            elif local == "table-row":
                st["repeat_rows"] = max(1, _int(attrs.get(f"{t}number-rows-repeated"), 1))
                st["row_hidden"] = attrs.get(f"{t}visibility", "visible") != "visible"
                st["col"] = 0
                st["row_cells"] = []
            elif local in ("table-cell", "covered-table-cell"):
                st["cell"] = {
                    "repeat": max(1, _int(attrs.get(f"{t}number-columns-repeated"), 1)),
                    "rows": _int(attrs.get(f"{t}number-rows-spanned"), 1),
                    "cols": _int(attrs.get(f"{t}number-columns-spanned"), 1),
                    "covered": local == "covered-table-cell"}
                st["paras"] = []
        elif ns == f"{_NS_TEXT}{_SEP}" and st["cell"] is not None:
            if local == "p" or local == "h":
                st["paras"].append([])
                st["depth_p"] += 1
            elif st["paras"] and local == "s":
                st["paras"][-1].append(" " * min(_int(attrs.get(f"{_NS_TEXT}{_SEP}c"), 1), 1000))
            elif st["paras"] and local == "tab":
                st["paras"][-1].append("\t")
            elif st["paras"] and local == "line-break":
                st["paras"].append([])

    def end(tag):
        if st["skip"]:
            st["skip"] -= 1
            return
        local = _local(tag)
        sheet = st["sheet"]
        if tag.startswith(t) and sheet is not None:
            if local in ("table-cell", "covered-table-cell") and st["cell"] is not None:
                c = st["cell"]
                text = "\n".join("".join(p) for p in st["paras"])
                if text.strip() and not c["covered"]:
                    st["row_cells"].append((st["col"], c["repeat"], text, c["rows"], c["cols"]))
                st["col"] += c["repeat"]
                st["cell"] = None
            elif local == "table-row":
                n = st["repeat_rows"]
                if st["row_cells"]:
                    n = min(n, 1 + budget[0])  # repeated rows of text: bounded below
                for k in range(n if st["row_cells"] else 0):
                    row = st["row"] + k
                    for col, repeat, text, rs, cs in st["row_cells"]:
                        for j in range(min(repeat, budget[0] + 1)):
                            budget[0] -= 1
                            if budget[0] < 0:
                                raise LimitError(f"the workbook holds more than {MAX_CELLS:,} "
                                                 "cells with text")
                            sheet.cells[(row, col + j)] = text
                            if rs > 1 or cs > 1:
                                budget[1] -= 1
                                if budget[1] < 0:
                                    raise LimitError(f"sheet '{sheet.name}': more than "
                                                     f"{MAX_MERGES:,} merged ranges")
                                sheet.merges.append((row, col + j, row + rs - 1,
                                                     col + j + cs - 1))
                if st["row_hidden"]:
                    sheet.hidden_rows.add(st["row"], st["row"] + st["repeat_rows"])
                st["row"] += st["repeat_rows"]
                st["row_cells"] = []
        elif tag.startswith(f"{_NS_TEXT}{_SEP}") and local in ("p", "h"):
            st["depth_p"] -= 1

    def text(data):
        if st["cell"] is not None and st["depth_p"] > 0 and st["paras"] and not st["skip"]:
            st["paras"][-1].append(data)

    if not z.has("content.xml"):
        raise InputError("damaged workbook: no content.xml")
    z.parse("content.xml", start, end, text)
    return sheets, st["tables"]


# --------------------------------------------------------------------------- xls

def _xls_sheets(path: Path) -> tuple[list[_Sheet], int]:
    import xlrd
    from xlrd.compdoc import CompDocError

    try:
        # xlrd's warnings ("file size not 512 + multiple of sector size") would go to
        # stdout: keep them in memory.
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True,
                                  ragged_rows=True, logfile=io.StringIO())
    except (xlrd.biffh.XLRDError, CompDocError) as exc:
        if "encrypt" in str(exc).lower():
            raise InputError("encrypted workbook: a password is needed",
                             hint="ask the publisher for a copy without a password") from None
        raise InputError(f"damaged or unsupported .xls workbook ({exc})",
                         hint="open and re-save it in Excel or WPS") from None
    except PipelineError:
        raise
    except (AssertionError, IndexError, KeyError, ValueError, TypeError, OSError,
            UnicodeDecodeError, struct.error) as exc:
        raise InputError(f"damaged .xls workbook ({type(exc).__name__}: {str(exc)[:120]})",
                         hint="download the file again, or open and re-save it") from None
    try:
        return _xls_read(book, xlrd)
    except PipelineError:
        raise
    except (AssertionError, IndexError, KeyError, ValueError, TypeError, ArithmeticError,
            UnicodeDecodeError, struct.error, xlrd.biffh.XLRDError, CompDocError) as exc:
        # ArithmeticError: xlrd keeps cell formats in 16-bit arrays (an index of 65535
        # overflows them)
        raise InputError(f"damaged .xls workbook ({type(exc).__name__}: {str(exc)[:120]})",
                         hint="download the file again, or open and re-save it") from None
    finally:
        book.release_resources()


def _xls_read(book, xlrd) -> tuple[list[_Sheet], int]:
    formats = {key: f.format_str for key, f in book.format_map.items()}
    xf_format = [formats.get(xf.format_key, "General") for xf in book.xf_list]
    date1904 = book.datemode == 1
    sheets = []
    count = 0
    for index in range(book.nsheets):
        sh = book.sheet_by_index(index)
        if sh.visibility:
            book.unload_sheet(index)
            continue
        sheet = _Sheet(sh.name, index + 1)
        for r, info in sh.rowinfo_map.items():
            if info.hidden:
                sheet.hidden_rows.add(r, r + 1)
        for c, info in sh.colinfo_map.items():
            if info.hidden:
                sheet.hidden_cols.add(c, c + 1)
        if len(sh.merged_cells) > MAX_MERGES:
            raise LimitError(f"sheet '{sh.name}': more than {MAX_MERGES:,} merged ranges")
        sheet.merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells
                        if r1 > r0 and c1 > c0]
        for r in range(sh.nrows):
            for c, cell in enumerate(sh.row(r)):
                shown = _xls_value(cell, xlrd, xf_format, date1904)
                if shown.strip():
                    count += 1
                    if count > MAX_CELLS:
                        raise LimitError(f"the workbook holds more than {MAX_CELLS:,} cells "
                                         "with text")
                    sheet.cells[(r, c)] = shown
        sheets.append(sheet)
        book.unload_sheet(index)
    return sheets, book.nsheets


def _xls_value(cell, xlrd, xf_format: list[str], date1904: bool) -> str:
    kind = cell.ctype
    if kind == xlrd.XL_CELL_TEXT:
        return cell.value
    if kind in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE):
        code = xf_format[cell.xf_index] if 0 <= (cell.xf_index or 0) < len(xf_format) \
            else "General"
        return _format_number(float(cell.value), code, date1904)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return ""
