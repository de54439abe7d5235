"""Split a 权责清单 依据 cell into one row per cited article, with the article's text.

A 权责清单 (power-and-responsibility list) prints its legal basis like this::

    设定依据：
    【法律】《中华人民共和国畜牧法》（2005年12月29日……通过 根据……修正 2022年10月30日……修订）
    第二十二条第一款：从事种畜禽生产经营……的单位、个人，应当……：（一）……；（二）……
    第二十四条：……
    【规章】《某某管理办法》第四十条、第四十一条：……
    【规范性文件】关于……的通知

Each cited law is: an optional prefix (``设定依据：``) and number (``1.`` ``（一）`` ``①``),
an optional type in 【】, its title — in 《》 (〈〉 and <> inside kept), or without
《》 after a type (``【规范性文件】关于……的通知``), or, first in a cell, a bare name
ending like a law (``……法`` ``……条例`` ``……办法``) — an optional note in brackets
right after the title, then its articles.  An article is a reference
(第X条, 第X条第Y款第Z项, 第X条之一, 第X条至第Y条; several listed with 、 share
one text) followed by a colon or a space and the provision's text, which runs
to the next article or law.  The text may itself number its items ((一)(二)…)
and cite other articles (违反本法第二十二条规定…): an article starts only
where a reference follows the end of a sentence or a break and is followed by
a colon, a space, or (after a sentence end) the start of a new sentence.
Line breaks may fall anywhere (a PDF wraps cells at any character).

What the rows keep and what they drop (so the cell can be rebuilt):
every character of the cell is in ``law_type``, ``law``, ``law_note``,
``article_ref`` or ``article_text``, except white space, the 【】《》 and
bracket pairs around type, title and note, the colon after a reference, the
separators between references and around a text (、，,；;), a law's number
(``LEAD``) and a prefix such as ``设定依据：`` (``LEAD``).  A cell that does not
open with a law (``无``, a sentence) is one row with ``parsed`` False and the
whole cell in ``article_text``.
"""

from __future__ import annotations

import re

from pipeline.text.numerals import parse_numeral
from pipeline.text.spaces import squeeze_spaces

from .brackets import pair_brackets
from .citations import NOTE_CLOSE, NOTE_OPEN, NUMERAL, TITLE_CLOSE, TITLE_OPEN

#: The keys of every row, in the order of the citations table.
ROW_KEYS = ("citation_no", "law_type", "law", "law_note", "article_ref", "article",
            "paragraph", "item", "article_text", "parsed")
#: A law's type as printed in 【】 (法律, 行政法规, 规范性文件…); a 【…依据】 label is a prefix.
TYPE = re.compile(r"【(?![^【】]{0,20}[依根]\s*据\s*】)\s*([^【】《》]{1,20}?)\s*】")
_LABEL = r"[\u4e00-\u9fff]{0,8}[依根]\s*据"
#: 设定依据： 【实施依据】 — or 依据/根据 straight before a law (依据《某某法》第三条).
_PREFIX = rf"(?:【\s*{_LABEL}\s*】\s*[:：]?|{_LABEL}\s*[:：]|{_LABEL}(?=\s*[《【]))"
_MARKER = (r"(?:(?<![0-9０-９])[0-9０-９]{1,2}\s*[.．、](?![0-9０-９])"
           r"|[（(]\s*(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*[）)]"
           r"|(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,3}\s*[、.．]"
           r"|[①-⑳⑴-⒇⒈-⒛])")
#: What may stand before a law and is dropped: a prefix (设定依据：) and a number (1. （一） ①).
LEAD = re.compile(rf"(?:{_PREFIX}\s*)?(?:{_MARKER}\s*)?")
# (searched up to the law's 【 or 《, which it cannot see: a label needs no colon there)
_LEAD_BEFORE = re.compile(rf"(?:(?:【\s*{_LABEL}\s*】|{_LABEL})\s*[:：]?\s*)?"
                          rf"(?:{_MARKER}\s*)?\s*\Z")
#: A bare law name (no 【type】, no 《》) is read only at the start of a cell and when
#: it ends like a law's title.
_LAW_SUFFIX = re.compile(r"(?:法|条例|规定|办法|细则|决定|规则|通知|意见|规程|标准|规范|目录"
                         r"|纲要|方案|批复|公告|决议|解释)$")
#: A bracket group after a bare title is its note only if it reads like one.
_NOTE_LIKE = re.compile(r"[0-9０-９]|年|号|令|通过|修订|修正|公布|施行|发布|印发")

#: A numeral, which a line break may split (第二十\n四条).
_N = rf"{NUMERAL}(?:\s+{NUMERAL})*"
_ITEM = rf"第\s*[（(]?\s*(?P<item>{_N})\s*[）)]?\s*项"


def _ref(di: str) -> re.Pattern:
    """One article reference; every part optional (callers reject an empty match)."""
    return re.compile(
        rf"(?:{di}\s*(?P<art>{_N})\s*条(?:\s*之\s*{_N})?"
        rf"(?P<range>\s*[至到]\s*第\s*{_N}\s*条(?:\s*之\s*{_N})?)?)?"
        rf"(?:\s*第\s*(?P<par>{_N})\s*款)?(?:\s*{_ITEM})?")


_REF = _ref("第")
_REF_LOOSE = _ref("第?")  # first after a title: lists drop 第 by mistake ("三十九条")
_REF_START = re.compile(rf"第\s*[（(]?\s*{_N}\s*[）)]?\s*[条款项]")
_LAW_START = re.compile("[【《]")
_TYPE_OPEN = re.compile("【")
_SENTENCE_STOP = re.compile("[：:。；;]")
#: How far before a law's 【 or 《 its prefix and number are looked for.
_LEAD_REACH = 40
#: Characters after which a sentence has ended: a reference there may open an article.
_SENTENCE_END = "。；;！!？?：:"
#: Characters after which a law may start (besides white space and a sentence end): a
#: separator, a closing bracket, the end of a reference printed without text (第一条《乙法》).
_LAW_BOUNDARY = _SENTENCE_END + "，,、】》）)条款项"
#: Characters that continue a sentence after a reference (第二十二条规定的…, 第三条和…):
#: a reference followed by one of them is cited inside a provision, not an article.
_CONTINUATION = frozenset("规的所中之至和与或及以等有内外前后起止并为即、，,）)》")
_REF_LIST_SEPARATORS = "、，,和及与或"
_TEXT_STRIP = "、，,；;"
_COLONS = ":："


def parse_power_citations(text: str) -> list[dict]:
    """Return the citation rows of one 权责清单 依据 cell, in printed order.

    In: the cell text (line breaks and stray spaces allowed anywhere).
    Out: dicts with the keys of ``ROW_KEYS``: ``citation_no`` (1-based),
    ``law_type`` (as printed in 【】, or None), ``law`` (title without 《》,
    〈〉/<> inside kept; None where none is printed), ``law_note`` (the note in
    brackets right after the title, without the brackets, or None),
    ``article_ref`` (as printed, white space removed; None for a law cited
    without article), ``article``/``paragraph``/``item`` (ints of 第X条/第Y款/第Z项;
    None where not printed, the numeral is not valid, or the reference is a
    range), ``article_text`` (the provision after the colon, as printed, ends
    stripped; shared by references listed together; None where none) and
    ``parsed`` (True; False for a cell that does not open with a law: then one
    row holds the whole cell in ``article_text``).  An empty cell gives no row.
    Never raises.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    groups = _Cell(text).read()
    if groups is None:
        return [_row(1, article_text=text.strip(), parsed=False)]
    rows: list[dict] = []
    for law_type, law, note, articles in groups:
        for refs, article_text in articles:
            for m in refs or [None]:
                rows.append(_row(len(rows) + 1, law_type, law, note, m, article_text))
    return rows


def _row(no: int, law_type=None, law=None, note=None, ref: re.Match | None = None,
         article_text=None, parsed=True) -> dict:
    article = paragraph = item = None
    if ref is not None:
        if ref.group("art") and not ref.group("range"):
            article = parse_numeral(ref.group("art"))
        paragraph = parse_numeral(ref.group("par")) if ref.group("par") else None
        item = parse_numeral(ref.group("item")) if ref.group("item") else None
    return {"citation_no": no, "law_type": law_type, "law": law, "law_note": note,
            "article_ref": re.sub(r"\s+", "", ref.group()) if ref is not None else None,
            "article": article, "paragraph": paragraph, "item": item,
            "article_text": article_text, "parsed": parsed}


class _Cell:
    """One cell being read: its text and bracket pairs, and the scanning steps."""

    def __init__(self, text: str):
        self.text = text
        self.n = len(text)
        self.titles = pair_brackets(text, TITLE_OPEN, TITLE_CLOSE)
        self.notes = pair_brackets(text, NOTE_OPEN, NOTE_CLOSE)

    def read(self) -> list[tuple] | None:
        """(law_type, law, note, [(reference matches, article text)]) per law, or
        None if the cell does not open with a law."""
        pos = LEAD.match(self.text, self._skip_space(0)).end()
        header = self._header(pos, first=True)
        if header is None:
            return None
        groups = []
        while header is not None:
            law_type, law, note, body = header
            lead, start = self._next_law(body)
            groups.append((law_type, law, note, self._articles(body, lead)))
            # (_next_law stops only at a 【type】 or a closed 《title》: never None)
            header = self._header(start, first=False) if lead < self.n else None
        return groups

    # --- a law's header: type, title, note ----------------------------------

    def _header(self, pos: int, first: bool) -> tuple | None:
        text, law_type, note = self.text, None, None
        m = TYPE.match(text, pos)
        if m:
            law_type = squeeze_spaces(m.group(1))
            pos = self._skip_space(m.end())
        if pos < self.n and text[pos] == TITLE_OPEN:
            close = self.titles.get(pos)
            if close is None:
                # A lost 》: the title cannot run into its references or the next law.
                end = min(self._find(_REF_START, pos + 1), self._find(_TYPE_OPEN, pos + 1))
                law, pos = squeeze_spaces(text[pos + 1:end]), end
            else:
                law, pos = squeeze_spaces(text[pos + 1:close]), close + 1
            note, pos = self._notes(pos)
        elif law_type is not None or first:
            law, note, pos = self._bare_title(pos)
            if law_type is None and not _LAW_SUFFIX.search(law):
                return None
        else:
            return None
        return law_type, law or None, note, pos

    def _notes(self, pos: int) -> tuple[str | None, int]:
        """The note(s) in brackets right after a title, and where the body starts."""
        parts = []
        j = self._skip_space(pos)
        while j < self.n and self.text[j] in NOTE_OPEN:
            close = self.notes.get(j)
            if close is None:
                # An unclosed note runs to the first article or law after it.
                end = min(self._next_article(j + 1, self.n, j + 1), self._next_law(j + 1)[0])
                parts.append(squeeze_spaces(self.text[j + 1:end]))
                return " ".join(parts), end
            parts.append(squeeze_spaces(self.text[j + 1:close]))
            pos = close + 1
            j = self._skip_space(pos)
        return (" ".join(parts) if parts else None), pos

    def _bare_title(self, pos: int) -> tuple[str, str | None, int]:
        """A title printed without 《》: up to the first article, law or sentence end;
        a note-like bracket group ending it is its note."""
        text = self.text
        end = min(self._next_article(pos, self.n, pos, bare=True), self._next_law(pos)[0])
        stop = _SENTENCE_STOP.search(text, pos, end)
        end = stop.start() if stop else end
        stop = end
        while stop > pos and text[stop - 1].isspace():
            stop -= 1
        if stop > pos and text[stop - 1] in NOTE_CLOSE:
            opening = next((o for o, c in self.notes.items() if c == stop - 1 and o >= pos), None)
            if opening is not None and _NOTE_LIKE.search(text, opening, stop):
                return (squeeze_spaces(text[pos:opening]),
                        squeeze_spaces(text[opening + 1:stop - 1]), end)
        return squeeze_spaces(text[pos:end]), None, end

    # --- where the next law starts ------------------------------------------

    def _next_law(self, lo: int) -> tuple[int, int]:
        """(start of its prefix/number, position of its 【 or 《) of the next law after
        ``lo``, or (n, n)."""
        for m in _LAW_START.finditer(self.text, lo):
            i = m.start()
            if self.text[i] == "【":
                # A 【type】 opens a law wherever it stands (provisions do not print one).
                if TYPE.match(self.text, i):
                    return self._lead_start(i, lo), i
            elif self._title_then_citation(i):
                lead = self._lead_start(i, lo)
                if self._law_boundary(lead, lo):
                    return lead, i
        return self.n, self.n

    def _lead_start(self, i: int, lo: int) -> int:
        """Where the prefix and number before the law at ``i`` start: the first place
        after a boundary from which they run up to ``i`` (``i`` itself if none)."""
        p = max(lo, i - _LEAD_REACH)
        while True:
            start = _LEAD_BEFORE.search(self.text, p, i).start()
            if start >= i or self._law_boundary(start, lo):
                return start
            p = start + 1

    def _law_boundary(self, i: int, lo: int) -> bool:
        return i <= lo or self.text[i - 1].isspace() or self.text[i - 1] in _LAW_BOUNDARY

    def _title_then_citation(self, i: int) -> bool:
        """True if the 《title》 at ``i`` is followed (after its notes) by what follows a
        cited law: the end, an article, another law (after a separator)."""
        close = self.titles.get(i)
        if close is None:
            return False
        j = self._skip_space(close + 1)
        while j < self.n and self.text[j] in NOTE_OPEN and j in self.notes:
            j = self._skip_space(self.notes[j] + 1)
        if j >= self.n or _REF_START.match(self.text, j):
            return True
        while j < self.n and (self.text[j] in _TEXT_STRIP + "。" or self.text[j].isspace()):
            j += 1
        j = LEAD.match(self.text, j).end()
        return j >= self.n or self.text[j] in "【《"

    # --- a law's articles ---------------------------------------------------

    def _articles(self, lo: int, hi: int) -> list[tuple[list[re.Match], str | None]]:
        """(reference matches, text) per article of the body ``[lo, hi)``; a body not
        opening with a reference gives a first entry without references."""
        out: list[tuple[list[re.Match], str | None]] = []
        j = self._skip_space(lo, hi)
        while j < hi and self.text[j] in _TEXT_STRIP + _COLONS:
            j = self._skip_space(j + 1, hi)
        refs = self._ref_list(j, hi, loose=True)
        if refs is None:
            k = self._next_article(lo, hi, j)
            lead_text = self._clean(lo, k)
            if lead_text is not None or k >= hi:
                out.append(([], lead_text))
            refs = self._ref_list(k, hi, loose=False) if k < hi else None
        while refs is not None:
            matches, end = refs
            t = self._skip_space(end, hi)
            if t < hi and self.text[t] in _COLONS:
                t += 1
            k = self._next_article(lo, hi, t)
            out.append((matches, self._clean(t, k)))
            refs = self._ref_list(k, hi, loose=False) if k < hi else None
        return out

    def _ref_list(self, i: int, hi: int, loose: bool) -> tuple[list[re.Match], int] | None:
        """The references listed at ``i`` (第四十条、第四十一条) and where they end."""
        m = (_REF_LOOSE if loose else _REF).match(self.text, i, hi)
        if m is None or m.end() == i or self.text[i].isspace():
            return None
        matches, end = [m], m.end()
        while True:
            k = self._skip_space(end, hi)
            if k < hi and self.text[k] in _REF_LIST_SEPARATORS:
                k = self._skip_space(k + 1, hi)
            m = _REF.match(self.text, k, hi)
            if m is None or m.end() == k:
                return matches, end
            matches.append(m)
            end = m.end()

    def _next_article(self, lo: int, hi: int, frm: int, bare: bool = False) -> int:
        """Where the next article of the body ``[lo, hi)`` starts after ``frm`` (or ``hi``).

        ``bare``: in a title without 《》, a reference needs no break before it
        (中华人民共和国畜牧法第二十二条：…).
        """
        for m in _REF_START.finditer(self.text, frm, hi):
            i = m.start()
            k = i - 1
            while k >= lo and self.text[k].isspace():
                k -= 1
            strong = bare or k < lo or self.text[k] in _SENTENCE_END
            if not strong and k == i - 1:
                continue  # inside a sentence: 违反本法第二十二条…
            refs = self._ref_list(i, hi, loose=False)
            if refs is not None and self._opens_text(refs[1], hi, strong):
                return i
        return hi

    def _opens_text(self, end: int, hi: int, strong: bool) -> bool:
        """True if what follows a reference ending at ``end`` opens its provision."""
        j = self._skip_space(end, hi)
        if j >= hi or self.text[j] in _COLONS:
            return True
        if self.text[j] in _CONTINUATION:
            return False
        return strong or j > end

    # --- small helpers ------------------------------------------------------

    def _clean(self, lo: int, hi: int) -> str | None:
        """The text of ``[lo, hi)`` without white space and separators at its ends."""
        s = self.text[lo:hi]
        while True:
            t = s.strip().strip(_TEXT_STRIP).lstrip(_COLONS)
            if t == s:
                return s or None
            s = t

    def _skip_space(self, pos: int, hi: int | None = None) -> int:
        hi = self.n if hi is None else hi
        while pos < hi and self.text[pos].isspace():
            pos += 1
        return pos

    def _find(self, pattern: re.Pattern, pos: int) -> int:
        m = pattern.search(self.text, pos)
        return m.start() if m else self.n
