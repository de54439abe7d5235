"""A number as Excel shows it through its number format.

    format_number(number, code, date1904) → text

The common cases: General, text, fixed decimals, thousands, percent, zero-padded
codes, dates and times (with the zh-CN built-in forms); anything rarer is shown
as General.
"""

from __future__ import annotations

import datetime as _dt
import math
import re

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


def format_number(number: float, code: str, date1904: bool = False) -> str:
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
