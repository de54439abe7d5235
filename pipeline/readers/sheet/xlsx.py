"""OOXML workbooks (.xlsx, and .et saved as OOXML) → ``book.Sheet`` per worksheet.

    read_xlsx_sheets(path) → (sheets in workbook order, those left out marked; total)

Each part is streamed once with pyexpat (no DOM: memory flat in the number of
rows): the workbook's sheet list, relationships, shared strings, number formats,
then each worksheet's cells (shown through their number formats), merged ranges,
hidden rows and columns.
"""

from __future__ import annotations

import math
import posixpath
import re
from pathlib import Path

from ...errors import InputError, LimitError
from .book import MAX_CELLS, MAX_MERGES, Sheet, int_or
from .numbers import BUILTIN_FORMATS, format_number
from .zipxml import SEP, WorkbookZip, local_name

_COLUMNS: dict[str, int] = {}
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d{1,7})$", re.ASCII)
#: A row number as Excel writes it (str.isdigit also accepts "²", which int() refuses).
_ROW_NUMBER = re.compile(r"[0-9]{1,7}", re.ASCII)
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def read_xlsx_sheets(path: Path) -> tuple[list[Sheet], int]:
    z = WorkbookZip(path)
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
            sheets.append(Sheet(name, position, left_out="hidden"))
            continue
        part = targets["sheets"].get(rid)
        if part is None or not z.has(part):  # a chart sheet or a dangling entry
            sheets.append(Sheet(name, position, left_out="not a worksheet (a chart?)"))
            continue
        sheet = Sheet(name, position)
        _xlsx_sheet(z, part, sheet, strings, formats, date1904, budget)
        sheets.append(sheet)
    return sheets, len(entries)


def _xlsx_workbook(z: WorkbookZip) -> tuple[list[tuple[str, str, str]], bool]:
    """(name, state, relationship id) per sheet in workbook order, and the 1904 date system."""
    entries: list[tuple[str, str, str]] = []
    flags = {"date1904": False}

    def start(tag, attrs):
        local = local_name(tag)
        if local == "sheet":
            rid = next((v for k, v in attrs.items() if k.endswith(f"{SEP}id")), "")
            entries.append((attrs.get("name", f"Sheet{len(entries) + 1}"),
                            attrs.get("state", "visible"), rid))
        elif local == "workbookPr":
            flags["date1904"] = attrs.get("date1904", "0") in ("1", "true")

    z.parse("xl/workbook.xml", start)
    return entries, flags["date1904"]


def _xlsx_targets(z: WorkbookZip) -> dict:
    """Parts named by the workbook's relationships: sheets by id, shared strings, styles."""
    out: dict = {"sheets": {}}
    if not z.has("xl/_rels/workbook.xml.rels"):
        return out

    def start(tag, attrs):
        if local_name(tag) != "Relationship":
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


def _xlsx_strings(z: WorkbookZip, part: str | None) -> list[str]:
    """The shared strings (rich text runs joined; phonetic runs left out)."""
    if part is None or not z.has(part):
        return []
    strings: list[str] = []
    state = {"parts": [], "in_t": False, "phonetic": 0}

    def start(tag, attrs):
        local = local_name(tag)
        if local == "t" and not state["phonetic"]:
            state["in_t"] = True
        elif local == "rPh":
            state["phonetic"] += 1
        elif local == "si":
            state["parts"] = []

    def end(tag):
        local = local_name(tag)
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


def _xlsx_formats(z: WorkbookZip, part: str | None) -> list[str]:
    """The number format code of each cell style (index = the cells' ``s``)."""
    if part is None or not z.has(part):
        return []
    custom: dict[int, str] = {}
    xfs: list[int] = []
    state = {"in_cell_xfs": False}

    def start(tag, attrs):
        local = local_name(tag)
        if local == "numFmt":
            custom[int_or(attrs.get("numFmtId"))] = attrs.get("formatCode", "General")
        elif local == "cellXfs":
            state["in_cell_xfs"] = True
        elif local == "xf" and state["in_cell_xfs"]:
            xfs.append(int_or(attrs.get("numFmtId")))

    def end(tag):
        if local_name(tag) == "cellXfs":
            state["in_cell_xfs"] = False

    z.parse(part, start, end)
    return [custom.get(i) or BUILTIN_FORMATS.get(i, "General") for i in xfs]


def _xlsx_sheet(z: WorkbookZip, part: str, sheet: Sheet, strings: list[str], formats: list[str],
                date1904: bool, budget: list[int]) -> None:
    """Stream one worksheet part into ``sheet``."""
    pos = {"row": -1, "col": -1}
    cell: dict = {}
    parts: list[str] = []
    flags = {"value": False}

    def start(tag, attrs):
        local = local_name(tag)
        if local == "c":
            ref = attrs.get("r")
            col, row = _ref(ref) if ref else (pos["col"] + 1, pos["row"])
            pos["col"] = col
            cell.clear()
            cell.update(row=row, col=col, t=attrs.get("t", "n"), s=int_or(attrs.get("s")))
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
                lo, hi = int_or(attrs.get("min"), 1), int_or(attrs.get("max"), 1)
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
        local = local_name(tag)
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
        i = int_or(value, -1)
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
    return format_number(number, code, date1904)


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



def _unescape(text: str) -> str:
    # Excel writes control characters (a carriage return: _x000D_) as _xHHHH_.
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
