"""Binary workbooks (.xls, and .et in the binary format) → ``book.Sheet`` per worksheet.

    read_xls_sheets(path) → (sheets in workbook order, those left out marked; total)

Read with xlrd with formatting information (merged ranges, hidden rows and
columns, number formats), rows kept ragged.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

from ...errors import InputError, LimitError, PipelineError
from .book import MAX_CELLS, MAX_MERGES, Sheet
from .numbers import format_number


def read_xls_sheets(path: Path) -> tuple[list[Sheet], int]:
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


def _xls_read(book, xlrd) -> tuple[list[Sheet], int]:
    formats = {key: f.format_str for key, f in book.format_map.items()}
    xf_format = [formats.get(xf.format_key, "General") for xf in book.xf_list]
    date1904 = book.datemode == 1
    sheets = []
    count = 0
    for index in range(book.nsheets):
        sh = book.sheet_by_index(index)
        if sh.visibility:  # 1 hidden, 2 very hidden
            sheets.append(Sheet(sh.name, index + 1, left_out="hidden"))
            book.unload_sheet(index)
            continue
        sheet = Sheet(sh.name, index + 1)
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
        return format_number(float(cell.value), code, date1904)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return ""
