"""Stage 7: read the notice's own facts from the text around the table.

    read_notice(page_layouts, list_table) → dict (document number, date, title, …)

The notice text is what lies outside the table on the pages before the list,
and above the table on its first page.  Every field is null when not found:
a PDF holding only the attachment has no document number or date.
"""

from __future__ import annotations

import re

import regex

from ..model import ListTable, PageLayout
from ..text.glyphs import unify_ideographs

_DOC_NO = re.compile(r"[\u4e00-\u9fff]{1,12}[〔［\[【（(]\d{4}[〕］\]】）)]\d{1,5}号")
_DATE_DIGITS = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_DATE_HANZI = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月"
                         r"([一二三四五六七八九十]{1,3})日")
# An info table's "label：value" (a web page's 发文字号/成文日期 row), as lines are
# squashed: the label, an optional bracket or colon, then the value.
_LABEL_END = r"[\]］】)）]?[：:]?"
_LABELLED_DOC_NO = re.compile(r"(?:发文字号|文号)" + _LABEL_END + f"({_DOC_NO.pattern})")
_LABELLED_DATE = re.compile(r"(?:成文日期|发文日期)" + _LABEL_END
                            + r"(\d{4})(?:年|-|/|\.)(\d{1,2})(?:月|-|/|\.)(\d{1,2})")
_TITLE_START = re.compile(r"^关于")
_TITLE_END = re.compile(r"(通知|决定|意见|办法|批复|通报|函|公告|通告)$")
_ATTACHMENT = re.compile(r"^附件\s*\d*\s*[：:]?\s*")
_PAGE_NUMBER = re.compile(
    r"^[-－—–一\s]*(第\s*)?\d+(\s*页)?(\s*/\s*\d+)?(\s*共\s*\d+\s*页)?[-－—–一\s]*$")
_HANZI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}
#: Points by which a running header's height may differ between pages.
FURNITURE_TOLERANCE = 12.0
#: An issuing body's name ends so (局, 委员会, 人民政府, 办公室…).
_ORG_END = re.compile(r"(局|委|委员会|厅|政府|办公室|办公厅|部|院|会|队|中心|署|处|所|室)$")
#: Lines this long are body text, not an issuer's name.
MAX_ISSUER_CHARS = 30


def read_notice(pages: list[PageLayout], table: ListTable, paginated: bool = True) -> dict:
    """Return doc_no, date (ISO), title, issuers, list_title, parent_doc_no (nulls if absent),
    and list_notes (the list's own notes after its items: ``ListTable.notes`` and the
    lines under the table that the profile's ``list_note`` starts; [] if none).

    A title row printed inside the table (``ListTable.title``) is the list title.

    ``paginated``: the pages are a PDF's, whose running headers and footers
    (the same line at the same height on several pages) are not notice text;
    the tables of a Word, Excel or web document have no such furniture.
    """
    first_table_page = table.pages[0]
    furniture = _repeated_lines(pages) if paginated else set()
    raw_lines: list[str] = []  # the notice text, wide gaps kept as one space
    above_table = 0  # how many of them stand above the table on its first page
    for page in pages:
        if page.number < first_table_page:
            raw_lines.extend(_texts(page.outside, furniture))
        elif page.number == first_table_page:
            above = _texts([ln for ln in page.outside
                            if page.table_top is None or ln.top < page.table_top], furniture)
            raw_lines.extend(above)
            above_table = len(above)
    lines = [_squash(t) for t in raw_lines]
    title, title_at = _title(lines)
    date, date_at = _date(lines)
    return {
        "doc_no": _doc_no(lines),
        "date": date,
        "title": title,
        "issuers": _issuers(raw_lines, title_at, date_at),
        "list_title": table.title or _list_title(lines, above_table),
        "parent_doc_no": _first(_DOC_NO.findall(table.header_text)),
        # (the same note under every sheet's table is one note of the list)
        "list_notes": list(dict.fromkeys([*table.notes, *_notes_below(pages, table,
                                                                       furniture)])),
    }


def _notes_below(pages: list[PageLayout], table: ListTable, furniture: set[str]) -> list[str]:
    """Lines under the table on its pages from one the profile calls a note of the
    list (备注：…, 注：…) on, each such note with the lines after it joined."""
    pattern = getattr(table.profile, "list_note", None)
    if not pattern:
        return []
    rx = regex.compile(pattern)  # (profiles' patterns are the regex package's)
    notes: list[str] = []
    on = set(table.pages)
    for page in pages:
        if page.number not in on or page.table_top is None:
            continue
        going = False
        for text in _texts([ln for ln in page.outside if ln.top > page.table_top], furniture):
            if rx.match(text):
                notes.append(text)
                going = True
            elif going:
                notes[-1] += text
    return notes


def _texts(lines, furniture: set[str]) -> list[str]:
    out = []
    for ln in lines:
        text = unify_ideographs(ln.text).strip()
        if text and _squash(text) not in furniture and not _PAGE_NUMBER.match(text):
            out.append(text)
    return out


def _repeated_lines(pages: list[PageLayout]) -> set[str]:
    """Running headers and footers: the same line at the same height on several pages.

    The height matters: a notice's issuers head its first page and sign its
    last, which is repetition but not furniture.
    """
    seen: dict[str, list[tuple[int, float]]] = {}
    for page in pages:
        for ln in page.outside:
            seen.setdefault(_squash(ln.text), []).append((page.number, ln.top))
    return {text for text, places in seen.items() if text and any(
        p1 != p2 and abs(t1 - t2) <= FURNITURE_TOLERANCE
        for i, (p1, t1) in enumerate(places) for p2, t2 in places[i + 1:])}


def _doc_no(lines: list[str]) -> str | None:
    # The notice's own number opens its line, or follows a 发文字号 label (a web
    # page's info table); numbers cited in the body do neither.
    for text in lines:
        m = _DOC_NO.match(text)
        if m:
            return m.group(0)
        m = _LABELLED_DOC_NO.search(text)
        if m:
            return m.group(1)
    return None


def _date(lines: list[str]) -> tuple[str | None, int | None]:
    """The date of issue (ISO) and its line: the last date standing on its own line,
    else a date labelled 成文日期 (a web page's info table; its line is no signature)."""
    for i in range(len(lines) - 1, -1, -1):
        stripped = lines[i].strip("（）()")
        m = _DATE_DIGITS.fullmatch(stripped)
        if m:
            return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}", i
        m = _DATE_HANZI.fullmatch(stripped)
        if m:
            year = int("".join(str(_HANZI_DIGITS[c]) for c in m[1]))
            return f"{year:04d}-{_hanzi_small(m[2]):02d}-{_hanzi_small(m[3]):02d}", i
    for text in lines:
        m = _LABELLED_DATE.search(text)
        if m:
            return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}", None
    return None, None


def _hanzi_small(text: str) -> int:
    """一…三十一 → 1…31."""
    if "十" not in text:
        return _HANZI_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_HANZI_DIGITS[tens] if tens else 1) * 10 + (_HANZI_DIGITS[ones] if ones else 0)


def _title(lines: list[str]) -> tuple[str | None, int | None]:
    """The title ("关于…的通知", possibly over several lines) and its first line's index."""
    for i, text in enumerate(lines):
        if _TITLE_START.match(text):
            parts = []
            for part in lines[i:i + 4]:
                parts.append(part)
                if _TITLE_END.search(part):
                    return "".join(parts), i
            return text, i
    return None, None


def _issuers(raw_lines: list[str], title_at: int | None, date_at: int | None) -> list[str]:
    """Issuing bodies: the names above the title, else those signing above the date.

    Names printed side by side on one line are split at the wide gaps between them.
    """
    head = raw_lines[:title_at] if title_at else []
    names = _org_names(head)
    if not names and date_at:
        block = []
        for text in reversed(raw_lines[:date_at]):  # the signature block, bottom up
            found = _org_names([text])
            if not found:
                break
            block = found + block
        names = block
    return names


def _org_names(raw_lines: list[str]) -> list[str]:
    out = []
    for text in raw_lines:
        for part in text.split():
            name = re.sub(r"(文件|（印章）|\(印章\))$", "", part)
            if (len(name) > MAX_ISSUER_CHARS or not _ORG_END.search(name)
                    or _DOC_NO.search(name) or re.search(r"\d", name)):
                continue
            if name not in out:
                out.append(name)
    return out


def _list_title(lines: list[str], above_table: int) -> str | None:
    """The list's title: the lines just above the table on its first page (after any
    "附件" line), else the name given on the notice's "附件：…" line."""
    above = lines[len(lines) - above_table:] if above_table else []
    for i in range(len(above) - 1, -1, -1):
        if _ATTACHMENT.match(above[i]):
            rest = "".join(above[i + 1:]) or _ATTACHMENT.sub("", above[i])
            if rest:
                return rest
            break
    tail = [t for t in above[-2:] if not (_DATE_DIGITS.search(t) or _DOC_NO.search(t))]
    if tail and not any(_ATTACHMENT.match(t) for t in above):
        return tail[-1]
    for text in lines:
        if _ATTACHMENT.match(text) and _ATTACHMENT.sub("", text):
            return _ATTACHMENT.sub("", text)
    return None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _first(values: list[str]) -> str | None:
    return values[0] if values else None
