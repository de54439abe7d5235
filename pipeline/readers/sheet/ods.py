"""OpenDocument spreadsheets (.ods) → ``book.Sheet`` per table.

    read_ods_sheets(path) → (sheets in document order, those left out marked; total)

content.xml is streamed with pyexpat: each cell's displayed text (its ``text:p``
paragraphs), spans, repeated and collapsed rows and columns, hidden tables.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import InputError, LimitError
from .book import MAX_CELLS, MAX_COLUMNS, MAX_MERGES, Sheet, int_or
from .zipxml import SEP, WorkbookZip, local_name

_NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_NS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_NS_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"


def read_ods_sheets(path: Path) -> tuple[list[Sheet], int]:
    z = WorkbookZip(path)
    sheets: list[Sheet] = []
    hidden_styles: set[str] = set()
    st: dict = {"sheet": None, "row": 0, "col": 0, "repeat_rows": 1, "row_hidden": False,
                "cell": None, "depth_p": 0, "skip": 0, "paras": [], "style": None,
                "count": 0, "tables": 0}
    budget = [MAX_CELLS, MAX_MERGES]
    t = f"{_NS_TABLE}{SEP}"

    def start(tag, attrs):
        local = local_name(tag)
        ns = tag[: -len(local)]
        if st["skip"]:
            st["skip"] += 1
            return
        if ns == f"{_NS_OFFICE}{SEP}" and local == "annotation":
            st["skip"] = 1
            return
        if ns == f"{_NS_STYLE}{SEP}":
            if local == "style":
                st["style"] = attrs.get(f"{_NS_STYLE}{SEP}name")
            elif local == "table-properties" and attrs.get(f"{t}display") == "false":
                hidden_styles.add(st["style"])
            return
        if ns == t:
            if local == "table":
                st["tables"] += 1
                hidden = attrs.get(f"{t}style-name") in hidden_styles
                sheet = Sheet(attrs.get(f"{t}name", ""), st["tables"],
                              left_out="hidden" if hidden else "")
                sheets.append(sheet)
                st["sheet"] = None if hidden else sheet
                st["row"], st["col"], st["colpos"] = 0, 0, 0
            elif st["sheet"] is None:
                return
            elif local == "table-column":
                n = min(max(1, int_or(attrs.get(f"{t}number-columns-repeated"), 1)), MAX_COLUMNS)
                if attrs.get(f"{t}visibility", "visible") != "visible":
                    st["sheet"].hidden_cols.add(st["colpos"], st["colpos"] + n)
                st["colpos"] += n
            elif local == "table-row":
                st["repeat_rows"] = max(1, int_or(attrs.get(f"{t}number-rows-repeated"), 1))
                st["row_hidden"] = attrs.get(f"{t}visibility", "visible") != "visible"
                st["col"] = 0
                st["row_cells"] = []
            elif local in ("table-cell", "covered-table-cell"):
                st["cell"] = {
                    "repeat": max(1, int_or(attrs.get(f"{t}number-columns-repeated"), 1)),
                    "rows": int_or(attrs.get(f"{t}number-rows-spanned"), 1),
                    "cols": int_or(attrs.get(f"{t}number-columns-spanned"), 1),
                    "covered": local == "covered-table-cell"}
                st["paras"] = []
        elif ns == f"{_NS_TEXT}{SEP}" and st["cell"] is not None:
            if local == "p" or local == "h":
                st["paras"].append([])
                st["depth_p"] += 1
            elif st["paras"] and local == "s":
                st["paras"][-1].append(" " * min(int_or(attrs.get(f"{_NS_TEXT}{SEP}c"), 1), 1000))
            elif st["paras"] and local == "tab":
                st["paras"][-1].append("\t")
            elif st["paras"] and local == "line-break":
                st["paras"].append([])

    def end(tag):
        if st["skip"]:
            st["skip"] -= 1
            return
        local = local_name(tag)
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
        elif tag.startswith(f"{_NS_TEXT}{SEP}") and local in ("p", "h"):
            st["depth_p"] -= 1

    def text(data):
        if st["cell"] is not None and st["depth_p"] > 0 and st["paras"] and not st["skip"]:
            st["paras"][-1].append(data)

    if not z.has("content.xml"):
        raise InputError("damaged workbook: no content.xml")
    z.parse("content.xml", start, end, text)
    return sheets, st["tables"]
