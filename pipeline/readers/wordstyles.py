"""Word's styles and numbering: what a paragraph inherits, and the list number Word prints
before it.

    read_styles(styles_root, numbering_root, w) → (Styles, Numbering)

``Styles`` resolves a paragraph or character style's numbering and hidden/caps runs
through ``w:basedOn``; ``Numbering`` renders the number of each numbered paragraph
(``w:numPr``, or its style's) from ``numbering.xml`` as Word does: the level's ``lvlText``
(``%1.``) in its format (``decimal``, ``chineseCounting``, ``decimalEnclosedCircle`` …),
with Word's counters (shared by the ``w:num`` instances of one abstract definition,
restarted by ``w:startOverride`` and ``w:lvlRestart``), starts clamped to Word's cap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .wordparts import w_int as _int
from .wordparts import w_toggle as _toggle
from .wordparts import w_val as _val

#: Largest list number a level may start at (Word's own cap on w:start).
MAX_NUMBER_START = 32_767
#: Characters of the Symbol/Wingdings fonts (private use area) bullets are drawn with.
SYMBOL_BULLETS = {"\uf0b7": "•", "\uf06c": "●", "\uf0a7": "▪", "\uf0d8": "➢",
                  "\uf076": "❖", "\uf0fc": "✓", "\uf06e": "■", "\uf071": "❑", "\uf075": "◆"}


def read_styles(styles_root, numbering_root, w: str) -> tuple[Styles, Numbering]:
    """The styles of ``styles_root`` and the numbering of ``numbering_root`` (either may be
    None: a package without that part) in the namespace ``w``."""
    styles = Styles(styles_root, w)
    return styles, Numbering(numbering_root, w, styles)


@dataclass
class _Style:
    based_on: str | None = None
    num_id: str | None = None
    ilvl: int | None = None
    hidden: bool | None = None
    caps: bool | None = None


class Styles:
    """What the walker needs of styles.xml: numbering and hidden/caps runs, inherited."""

    def __init__(self, root, w: str):
        self.w = w
        self.styles: dict[str, _Style] = {}
        self.default_para: str | None = None
        self.default_hidden = False
        if root is None:
            return
        defaults = root.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr")
        if defaults is not None:
            self.default_hidden = bool(_toggle(defaults.find(f"{w}vanish"), w))
        for s in root.iter(f"{w}style"):
            sid = s.get(f"{w}styleId")
            if not sid:
                continue
            based = s.find(f"{w}basedOn")
            style = _Style(based_on=based.get(f"{w}val") if based is not None else None)
            num = s.find(f"{w}pPr/{w}numPr")
            if num is not None:
                style.num_id = _val(num.find(f"{w}numId"), w)
                style.ilvl = _int(_val(num.find(f"{w}ilvl"), w))
            rpr = s.find(f"{w}rPr")
            if rpr is not None:
                style.hidden = _toggle(rpr.find(f"{w}vanish"), w)
                caps = _toggle(rpr.find(f"{w}caps"), w)
                small = _toggle(rpr.find(f"{w}smallCaps"), w)
                style.caps = caps if caps is not None else small
            self.styles[sid] = style
            if s.get(f"{w}type") == "paragraph" and s.get(f"{w}default") in ("1", "true"):
                self.default_para = sid

    def chain(self, sid: str | None):
        """The style and those it is based on, nearest first (cycles cut)."""
        seen = set()
        while sid and sid not in seen and sid in self.styles:
            seen.add(sid)
            yield sid, self.styles[sid]
            sid = self.styles[sid].based_on

    def inherited(self, sid: str | None, attr: str):
        for _, style in self.chain(sid):
            value = getattr(style, attr)
            if value is not None:
                return value
        return None

    def numbering(self, sid: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) a paragraph style gives its paragraphs."""
        for _, style in self.chain(sid):
            if style.num_id is not None or style.ilvl is not None:
                return style.num_id, style.ilvl
        return None, None



@dataclass
class _Level:
    start: int = 0
    fmt: str = "decimal"
    text: str | None = None
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 never
    legal: bool = False  # w:isLgl: every level shown as a decimal number
    suffix: str = " "  # tab or space: one space, as a reader sees it; nothing: ""
    style: str | None = None  # w:pStyle: the paragraph style this level belongs to


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # w:startOverride per level
    levels: dict[int, _Level] = field(default_factory=dict)  # a w:lvl given in an override


class Numbering:
    """numbering.xml and Word's counters: the marker each numbered paragraph shows."""

    def __init__(self, root, w: str, styles: Styles):
        self.w, self.styles = w, styles
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNum → the numbering style it follows
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.seen: set[tuple[str, int]] = set()
        if root is None:
            return
        for a in root.iter(f"{w}abstractNum"):
            aid = a.get(f"{w}abstractNumId")
            self.abstract[aid] = {lvl[0]: lvl[1] for lvl in map(self._level, a.iter(f"{w}lvl"))}
            link = _val(a.find(f"{w}numStyleLink"), w)
            if link:
                self.style_link[aid] = link
        for n in root.iter(f"{w}num"):
            aid = _val(n.find(f"{w}abstractNumId"), w)
            if aid is None:
                continue
            num = _Num(aid)
            for o in n.iter(f"{w}lvlOverride"):
                ilvl = _int(o.get(f"{w}ilvl")) or 0
                start = _int(_val(o.find(f"{w}startOverride"), w))
                if start is not None:
                    num.starts[ilvl] = _start(start)
                lvl = o.find(f"{w}lvl")
                if lvl is not None:
                    num.levels[ilvl] = self._level(lvl)[1]
            self.nums[n.get(f"{w}numId")] = num

    def _level(self, el) -> tuple[int, _Level]:
        w = self.w
        level = _Level()
        level.start = _start(_int(_val(el.find(f"{w}start"), w)) or 0)
        level.fmt = _val(el.find(f"{w}numFmt"), w) or "decimal"
        text = el.find(f"{w}lvlText")
        level.text = None if text is None else (text.get(f"{w}val") or "")
        level.restart = _int(_val(el.find(f"{w}lvlRestart"), w))
        level.legal = bool(_toggle(el.find(f"{w}isLgl"), w))
        suffix = _val(el.find(f"{w}suff"), w)
        level.suffix = "" if suffix == "nothing" else " "
        level.style = _val(el.find(f"{w}pStyle"), w)
        return _int(el.get(f"{w}ilvl")) or 0, level

    def marker(self, ppr, style: str | None) -> str:
        """The number (with its suffix) Word prints before a paragraph; counts it."""
        w = self.w
        num_id, ilvl = None, None
        numpr = ppr.find(f"{w}numPr") if ppr is not None else None
        if numpr is not None:
            num_id = _val(numpr.find(f"{w}numId"), w)
            ilvl = _int(_val(numpr.find(f"{w}ilvl"), w))
        if num_id is None or ilvl is None:
            style_num, style_ilvl = self.styles.numbering(style)
            num_id = num_id if num_id is not None else style_num
            if ilvl is None:
                ilvl = style_ilvl
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return ""
        num = self.nums[num_id]
        aid, levels = self._levels(num.abstract)
        if ilvl is None:  # a style's numbering: the level that names the style, else 0
            ilvl = next((i for i, lv in levels.items() if style and lv.style == style), 0)
        ilvl = max(0, min(ilvl, 8))
        levels = {**levels, **num.levels}
        level = levels.get(ilvl)
        if level is None or level.text is None:
            return ""
        counters = self.counters.setdefault(aid, {})
        if (num_id, ilvl) not in self.seen and ilvl in num.starts:
            counters.pop(ilvl, None)
            value = num.starts[ilvl]
        else:
            value = counters[ilvl] + 1 if ilvl in counters else level.start
        self.seen.add((num_id, ilvl))
        counters[ilvl] = value
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels.get(deeper, _Level()).restart
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]
        starts = {**{i: lv.start for i, lv in levels.items()}, **num.starts}

        def number(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k)
            if lv is None:
                return ""
            n = counters.get(k, starts.get(k, lv.start))
            return _format_number(n, "decimal" if level.legal and lv.fmt != "none" else lv.fmt)

        if level.fmt == "bullet":
            text = "".join(SYMBOL_BULLETS.get(c, c) for c in level.text)
        else:
            text = re.sub(r"%([1-9])", number, level.text)
        return text + level.suffix if text.strip() else ""

    def _levels(self, aid: str) -> tuple[str, dict[int, _Level]]:
        """The abstract definition that holds the levels (following w:numStyleLink)."""
        seen = set()
        while aid in self.style_link and aid not in seen:
            seen.add(aid)
            num_id, _ = self.styles.numbering(self.style_link[aid])
            if num_id not in self.nums:
                break
            aid = self.nums[num_id].abstract
        return aid, self.abstract.get(aid, {})


def _start(n: int) -> int:
    # Word caps w:start at 32767; a larger one costs its digits' worth of work in
    # some formats (a Roman numeral is an "M" per thousand, a letter repeats n/26 times).
    return max(0, min(n, MAX_NUMBER_START))


_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _format_number(n: int, fmt: str) -> str:
    """``n`` written in the w:numFmt ``fmt`` as Word prints it (decimal for unknown formats)."""
    if fmt == "none":
        return ""
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        if 1 <= n <= 20:
            return chr(0x2460 + n - 1)
        return str(n)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if n > MAX_NUMBER_START and fmt in ("upperRoman", "lowerRoman", "upperLetter",
                                        "lowerLetter"):
        return str(n)  # counted past Word's cap: these grow with n, not with its digits
    if fmt in ("upperRoman", "lowerRoman") and n > 0:
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter") and n > 0:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
               "taiwaneseCounting", "koreanCounting") and n >= 0:
        return _chinese(n, _CN_DIGITS, "十百千")
    if fmt in ("chineseLegalSimplified", "taiwaneseCountingThousand") and n >= 0:
        return _chinese(n, _CN_LEGAL, "拾佰仟", tens_one=True)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand") and n >= 0:
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional" and n > 0:
        return _TIANGAN[(n - 1) % 10]
    if fmt == "ideographZodiac" and n > 0:
        return _DIZHI[(n - 1) % 12]
    if fmt == "ordinal":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    return str(n)


def _roman(n: int) -> str:
    out = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _chinese(n: int, digits: str, units: str, tens_one: bool = False) -> str:
    """一 … 十 … 十一 … 二十 … 一百零一 … (below 10,000; larger numbers digit by digit)."""
    if n == 0:
        return digits[0]
    if n >= 10_000:
        return "".join(digits[int(d)] for d in str(n))
    out, zero = [], False
    parts = [(n // 1000, units[2]), (n // 100 % 10, units[1]), (n // 10 % 10, units[0]),
             (n % 10, "")]
    for d, unit in parts:
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")  # 一百零五, as written (and 壹佰零伍)
            zero = False
        out.append(digits[d] + unit)
    text = "".join(out)
    if not tens_one and 10 <= n < 20:
        text = text[1:]  # 十一, not 一十一
    return text
