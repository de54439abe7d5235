"""The Word reader: a .docx's WordprocessingML → one page of the model per table.

    read_word(path, fmt, layout, limits) → ``model.Document``

The list's cells are the author's cells: ``w:gridSpan`` and ``w:vMerge``
give each ``cells.GridCell`` its spans, every paragraph and line break
(``w:br``) in a cell is a line of its own, and a table nested in a cell is
flattened into that cell's paragraphs in reading order; grid columns too narrow
to hold text (borders dragged a hair apart in some rows) are dropped, so that
the rows of a jagged table line up.  A first or last row that is one cell
across the whole table (the list title typed into the table, a "注：" row) is
text above or below it.  Each top-level table
becomes one ``PageLayout`` (numbered 1…n, not paginated), so that
``header.drop_headers`` picks the list among them as it does among PDF pages;
the paragraphs before a table stand above it (``outside_above``), where
``notice.read_notice`` finds the document number, date, title and issuers.
Where a page or section break separates the notice from the attachment, the
notice's text before it is a page of its own without a table, as in a PDF, so
that the lines above the list ("附件", its title) are told from the notice's.

Text is what Word prints: list numbers that are paragraph properties
(``w:numPr``) are rendered from ``numbering.xml`` (formats such as
``decimal``, ``chineseCounting``, ``decimalEnclosedCircle`` in ``lvlText``
like ``%1.``), with Word's counters (shared by the ``w:num`` instances of one
abstract definition, restarted by ``w:startOverride``); a field shows its
result, not its code; deleted revisions and hidden text (``w:vanish``) are
left out, inserted revisions kept.

The package is read with ``zipfile`` and lxml directly rather than through
python-docx: only three parts are needed (document, numbering, styles), each
read with a cap on its inflated size counted while inflating (a zip's
directory can lie), parsed without DTDs, entities or network, and walked in
document order with tracked changes, fields, content controls and nested
tables, which python-docx's object model does not expose.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, LayoutError, LimitError
from ..model import Document
from ..settings import DEFAULT_LAYOUT, DEFAULT_LIMITS, LayoutSettings, Limits
from .cells import GridCell, layout_table

#: WordprocessingML namespaces: transitional (what Word and WPS write) and strict.
W_NAMESPACES = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                "http://purl.oclc.org/ooxml/wordprocessingml/main")
_MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"
#: A part may inflate to at most this share of the memory limit: lxml's tree
#: takes several times the XML's size.
PART_SHARE_OF_MEMORY = 1 / 16
#: Where an XML part's root element starts (a DTD can only come before it).
_ROOT_START = re.compile(rb"<[A-Za-z_:]")
#: Bytes inflated per read while counting.
_CHUNK = 1 << 20
#: Grid columns narrower than this (in twips: 1/20 pt; 120 = 2.1 mm, half a 10.5 pt
#: character) hold no text: they are borders of one column dragged apart in some rows.
SLIVER_TWIPS = 120
#: A table of at least this many columns may have banner rows (one cell across it).
MIN_BANNER_COLUMNS = 3
#: Nested tables deeper than this are not a list's layout (and would exhaust the stack).
MAX_TABLE_DEPTH = 20
#: Grid columns a row's cells may reach past the table's declared grid (w:tblGrid).
#: Word makes tables of at most 63 columns, so a cell reaching further than a whole
#: table's width beyond the grid was not written by it.
MAX_COLUMNS = 64
#: Largest list number a level may start at (Word's own cap on w:start).
MAX_NUMBER_START = 32_767
#: Word's toggles are off when their w:val says so.
_OFF = {"0", "false", "off"}
#: Characters of the Symbol/Wingdings fonts (private use area) bullets are drawn with.
_SYMBOL_BULLETS = {"\uf0b7": "•", "\uf06c": "●", "\uf0a7": "▪", "\uf0d8": "➢",
                   "\uf076": "❖", "\uf0fc": "✓", "\uf06e": "■", "\uf071": "❑", "\uf075": "◆"}


def read_word(path: Path, fmt=None, layout: LayoutSettings = DEFAULT_LAYOUT,
              limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read the .docx ``path`` into one page per top-level table.

    ``fmt`` (the sniffed ``Format``) names the kind recorded as the source
    format.  Raises ``InputError`` for a package that cannot be read (damaged,
    a part too large, XML with a DTD) and ``LayoutError`` for a document
    without any table; errors name no file: the caller locates them at the
    file the user gave (``path`` may be LibreOffice's conversion of it).
    """
    path = Path(path)
    cap = int(limits.memory_mb * PART_SHARE_OF_MEMORY) << 20
    try:
        with zipfile.ZipFile(path) as z:
            package = _Package(z, cap)
            main = package.main_part()
            document = package.xml(main)
            if document is None:
                raise InputError(f"the package has no main document part ({main})")
            related = package.related(main)
            styles_xml = package.xml(related.get("styles", "word/styles.xml"))
            numbering_xml = package.xml(related.get("numbering", "word/numbering.xml"))
    except zipfile.BadZipFile as exc:
        raise InputError(f"damaged .docx: {exc}",
                         hint="download it again, or open and re-save it in Word/WPS") from None
    w = _namespace(document)
    body = document.find(f"{w}body")
    if body is None:
        raise InputError("not a Word document: its main part has no w:body")
    styles = _Styles(styles_xml, w)
    walker = _Walker(w, styles, _Numbering(numbering_xml, w, styles))
    tables, outside, notice_lines = walker.body(body)
    if not tables:
        raise LayoutError("the document has no table",
                          hint="the list may be a picture or plain text; ask for the "
                               "attachment as a Word or Excel table, or a PDF")
    pages = []
    if notice_lines:  # the notice's pages, then the attachment's: as printed
        pages.append(layout_table([], 1, outside[0][:notice_lines]))
        outside[0] = outside[0][notice_lines:]
    for i, cells in enumerate(tables):
        title, cells, note = _peel_banners(cells)
        below = note + (outside[i + 1] if i == len(tables) - 1 else [])
        pages.append(layout_table(cells, len(pages) + 1, outside[i] + title, below))
    kind = fmt.kind if fmt is not None else "docx"
    return Document(kind, pages, page_count=1, paginated=False)


def _peel_banners(cells: list[GridCell]) -> tuple[list[str], list[GridCell], list[str]]:
    """(text above, the table's cells, text below): first and last rows that are one
    cell across the whole table (the list title typed in a row above the header, a
    "注：" row under the list) are text around the table, as a reader sees them."""
    ncols = max((c.col + c.colspan for c in cells), default=0)
    if ncols < MIN_BANNER_COLUMNS:
        return [], cells, []
    rows: dict[int, list[GridCell]] = {}
    for c in cells:
        rows.setdefault(c.row, []).append(c)

    def banner(r: int) -> bool:
        row = rows.get(r, [])
        return (len(row) == 1 and row[0].colspan == ncols and row[0].rowspan == 1
                and any(p.strip() for p in row[0].paragraphs))

    nrows = max(rows, default=-1) + 1
    first, last = 0, nrows - 1
    while first <= last and banner(first):
        first += 1
    while last >= first and banner(last):
        last -= 1
    if first > last:  # every row a banner: a one-cell layout table, not a list
        return [], cells, []
    above = [p for r in range(first) for p in rows[r][0].paragraphs]
    below = [p for r in range(last + 1, nrows) for p in rows[r][0].paragraphs]
    kept = [GridCell(c.row - first, c.col, c.rowspan, c.colspan, c.paragraphs, c.conf)
            for c in cells if first <= c.row <= last]
    return above, kept, below


# --------------------------------------------------------------------------- the package

class _Package:
    """Parts of an open zip, each inflated under ``cap`` bytes and parsed safely."""

    def __init__(self, z: zipfile.ZipFile, cap: int):
        self.z, self.cap = z, cap

    def main_part(self) -> str:
        rels = self.xml("_rels/.rels")
        if rels is not None:
            for rel in rels.iter(f"{_REL}Relationship"):
                if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT) and rel.get("Target"):
                    return _resolve("", rel.get("Target"))
        return "word/document.xml"

    def related(self, part: str) -> dict[str, str]:
        """Relationship kind (styles, numbering, …) → part name, for ``part``."""
        folder, base = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, str] = {}
        if rels is None:
            return out
        for rel in rels.iter(f"{_REL}Relationship"):
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            if rel.get("TargetMode") != "External" and rel.get("Target"):
                out.setdefault(kind, _resolve(folder, rel.get("Target")))
        return out

    def xml(self, part: str):
        """The parsed part, or None if the package has no such member."""
        data = self._read(part)
        return None if data is None else _parse(data, part)

    def _read(self, part: str) -> bytes | None:
        try:
            info = self.z.getinfo(part)
        except KeyError:
            return None
        too_big = LimitError(
            f"{part} inflates to more than {self.cap >> 20} MB (a zip bomb, or a document "
            "far larger than a list)",
            hint="raise --memory-mb if the file is genuine")
        if info.file_size > self.cap:
            raise too_big
        out = bytearray()
        try:
            with self.z.open(info) as member:
                while chunk := member.read(_CHUNK):
                    out += chunk
                    if len(out) > self.cap:  # the directory's size may lie
                        break
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError,
                RuntimeError, zlib.error) as exc:  # RuntimeError: an encrypted member
            raise InputError(f"damaged .docx: {part} cannot be inflated ({exc})",
                             hint="download the file again") from None
        if len(out) > self.cap:  # raised here: LimitError is a ValueError, caught above
            raise too_big
        return bytes(out)


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _parse(data: bytes, part: str):
    from lxml import etree

    root_at = _ROOT_START.search(data)
    if b"<!DOCTYPE" in data[: root_at.start() if root_at else len(data)]:
        raise _dtd_refused(part)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"damaged .docx: {part} is not well-formed XML ({exc})",
                         hint="open and re-save it in Word/WPS") from None
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.doctype:  # one the byte scan missed (UTF-16)
        raise _dtd_refused(part)
    return root


def _dtd_refused(part: str) -> InputError:
    # Word never writes a DTD; one here can only declare entities (expansion, files, URLs).
    return InputError(f"{part} declares a DTD (entity definitions), which Word never writes: "
                      "refused unread", hint="open and re-save it in Word/WPS if it is genuine")


def _namespace(root) -> str:
    for ns in W_NAMESPACES:
        if root.tag == f"{{{ns}}}document":
            return f"{{{ns}}}"
    raise InputError(f"not a Word document: its main part is <{root.tag}>")


# --------------------------------------------------------------------------- styles

@dataclass
class _Style:
    based_on: str | None = None
    num_id: str | None = None
    ilvl: int | None = None
    hidden: bool | None = None
    caps: bool | None = None


class _Styles:
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


def _val(el, w: str) -> str | None:
    return None if el is None else el.get(f"{w}val")


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _toggle(el, w: str) -> bool | None:
    if el is None:
        return None
    return (el.get(f"{w}val") or "true").lower() not in _OFF


# --------------------------------------------------------------------------- numbering

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


class _Numbering:
    """numbering.xml and Word's counters: the marker each numbered paragraph shows."""

    def __init__(self, root, w: str, styles: _Styles):
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
            text = "".join(_SYMBOL_BULLETS.get(c, c) for c in level.text)
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


# --------------------------------------------------------------------------- the walk

class _Walker:
    """Walks the body in document order: paragraphs to lines, tables to GridCells."""

    def __init__(self, w: str, styles: _Styles, numbering: _Numbering):
        self.w, self.styles, self.numbering = w, styles, numbering
        self.fields: list[bool] = []  # open complex fields: True once past their separator
        wrappers = ("sdt", "sdtContent", "customXml", "smartTag")
        self.wrappers = {f"{w}{t}" for t in wrappers}

    def body(self, body) -> tuple[list[list[GridCell]], list[list[str]], int]:
        """The top-level tables' cells, the text before, between and after them
        (``outside[i]`` before table i; the last entry after the last table), and
        how many lines of ``outside[0]`` come before the last page break in it (the
        notice's own pages, before the attachment's)."""
        w = self.w
        tables: list[list[GridCell]] = []
        outside: list[list[str]] = [[]]
        lines = _Lines()
        notice_lines = 0
        for el in self._blocks(body):
            if el.tag == f"{w}p":
                if not tables and self._breaks_before(el):
                    notice_lines = len(lines.lines)
                self._paragraph(el, lines)
                if not tables and self._breaks_after(el):
                    notice_lines = len(lines.lines)
            elif el.tag == f"{w}tbl":
                outside[-1].extend(lines.done())
                lines = _Lines()
                self.fields.clear()
                tables.append(self._table(el, 0))
                self.fields.clear()
                outside.append([])
        outside[-1].extend(lines.done())
        return tables, outside, notice_lines

    def _breaks_before(self, p) -> bool:
        w = self.w
        return bool(_toggle(p.find(f"{w}pPr/{w}pageBreakBefore"), w))

    def _breaks_after(self, p) -> bool:
        """A page break in the paragraph, or a section break after it that starts a page."""
        w = self.w
        sect = p.find(f"{w}pPr/{w}sectPr")
        if sect is not None and _val(sect.find(f"{w}type"), w) != "continuous":
            return True
        return any(br.get(f"{w}type") == "page" for br in p.iter(f"{w}br"))

    def _blocks(self, parent):
        """Block-level children (w:p, w:tbl), content controls and custom XML unwrapped."""
        for el in parent:
            if el.tag in self.wrappers:
                yield from self._blocks(el)
            else:
                yield el

    # --- tables ---------------------------------------------------------------------

    def _table(self, tbl, depth: int) -> list[GridCell]:
        w = self.w
        if depth > MAX_TABLE_DEPTH:
            raise InputError(f"tables nested more than {MAX_TABLE_DEPTH} deep")
        edge, declared = _grid_edges(tbl, w)
        reach = declared + MAX_COLUMNS  # no cell may end past this grid position
        cells: list[GridCell] = []
        above: dict[int, GridCell] = {}  # first column → the cell last placed there
        rows = [tr for tr in self._blocks(tbl) if tr.tag == f"{w}tr"]
        r = 0
        for tr in rows:
            trpr = tr.find(f"{w}trPr")
            if trpr is not None and trpr.find(f"{w}del") is not None:
                continue  # a row deleted with tracked changes
            grid = 0  # position in w:tblGrid
            if trpr is not None:  # cells of the grid left out before the first
                grid = max(0, _int(_val(trpr.find(f"{w}gridBefore"), w)) or 0)
                _check_reach(grid, reach, declared, r, "w:gridBefore")
            placed: list[GridCell] = []  # this row's cells
            for tc in self._blocks(tr):
                if tc.tag != f"{w}tc":
                    continue
                tcpr = tc.find(f"{w}tcPr")
                span = max(1, _int(_val(tcpr.find(f"{w}gridSpan"), w)) or 1) \
                    if tcpr is not None else 1
                _check_reach(grid + span, reach, declared, r, "w:gridSpan")
                vmerge = tcpr.find(f"{w}vMerge") if tcpr is not None else None
                hmerge = tcpr.find(f"{w}hMerge") if tcpr is not None else None
                paragraphs = self._cell(tc, depth)
                col, end = edge(grid), edge(grid + span)
                grid += span
                up = above.get(col)
                if end <= col or (placed and placed[-1].col + placed[-1].colspan > col):
                    # a cell in a sliver column (a border dragged a hair off the others)
                    if placed:
                        placed[-1].paragraphs.extend(paragraphs)
                        continue
                    end = col + 1
                if (vmerge is not None and (vmerge.get(f"{w}val") or "continue") == "continue"
                        and up is not None and up.col + up.colspan == end
                        and up.row + up.rowspan == r):
                    up.rowspan += 1
                    up.paragraphs.extend(paragraphs)
                elif (hmerge is not None and (hmerge.get(f"{w}val") or "continue") == "continue"
                      and placed and placed[-1].col + placed[-1].colspan == col):
                    placed[-1].colspan = end - placed[-1].col  # a legacy horizontal merge
                    placed[-1].paragraphs.extend(paragraphs)
                else:
                    cell = GridCell(r, col, 1, end - col, paragraphs)
                    cells.append(cell)
                    placed.append(cell)
                    for c in range(col, end):
                        above.pop(c, None)
                    above[col] = cell
            r += 1
        return cells

    def _cell(self, tc, depth: int) -> list[str]:
        """A cell's printed lines: its paragraphs, and nested tables row by row."""
        w = self.w
        lines = _Lines()
        self.fields.clear()
        for el in self._blocks(tc):
            if el.tag == f"{w}p":
                self._paragraph(el, lines)
            elif el.tag == f"{w}tbl":
                for cell in sorted(self._table(el, depth + 1), key=lambda c: (c.row, c.col)):
                    for text in cell.paragraphs:
                        lines.paragraph([text])
        self.fields.clear()
        return lines.done()

    # --- paragraphs -----------------------------------------------------------------

    def _paragraph(self, p, lines: _Lines) -> None:
        """Add paragraph ``p``'s lines; a paragraph mark deleted or hidden joins the next."""
        w = self.w
        ppr = p.find(f"{w}pPr")
        style = _val(ppr.find(f"{w}pStyle"), w) if ppr is not None else None
        style = style or self.styles.default_para
        mark = ppr.find(f"{w}rPr") if ppr is not None else None
        joined = mark is not None and (mark.find(f"{w}del") is not None
                                       or mark.find(f"{w}moveFrom") is not None
                                       or bool(_toggle(mark.find(f"{w}vanish"), w)))
        out = [""]
        self._inline(p, style, out)
        if not joined:
            marker = self.numbering.marker(ppr, style)
            out[0] = marker + out[0]
        lines.paragraph(out, joined)

    def _inline(self, parent, style: str | None, out: list[str]) -> None:
        w = self.w
        for el in parent:
            tag = el.tag
            if tag == f"{w}r":
                self._run(el, style, out)
            elif tag in (f"{w}del", f"{w}moveFrom", f"{w}pPr"):
                continue
            elif tag == f"{w}fldSimple" or tag in self.wrappers or tag in (
                    f"{w}hyperlink", f"{w}ins", f"{w}moveTo", f"{w}bdo", f"{w}dir"):
                self._inline(el, style, out)
            elif tag == f"{_MATH}oMath" or tag == f"{_MATH}oMathPara":
                if not self._in_code():
                    out[-1] += "".join(t.text or "" for t in el.iter(f"{_MATH}t"))

    def _in_code(self) -> bool:
        """Inside a field's code (before its separator): not printed."""
        return any(not past for past in self.fields)

    def _run(self, r, style: str | None, out: list[str]) -> None:
        w = self.w
        rpr = r.find(f"{w}rPr")
        hidden = caps = None
        if rpr is not None:
            hidden = _toggle(rpr.find(f"{w}vanish"), w)
            caps = _toggle(rpr.find(f"{w}caps"), w)
            if caps is None:
                caps = _toggle(rpr.find(f"{w}smallCaps"), w)
            char_style = _val(rpr.find(f"{w}rStyle"), w)
            if hidden is None:
                hidden = self.styles.inherited(char_style, "hidden")
            if caps is None:
                caps = self.styles.inherited(char_style, "caps")
        if hidden is None:
            hidden = self.styles.inherited(style, "hidden")
        if hidden is None:
            hidden = self.styles.default_hidden
        if caps is None:
            caps = self.styles.inherited(style, "caps")
        for el in r:
            tag = el.tag
            if tag == f"{w}fldChar":
                kind = el.get(f"{w}fldCharType")
                if kind == "begin":
                    self.fields.append(False)
                elif kind == "separate" and self.fields:
                    self.fields[-1] = True
                elif kind == "end" and self.fields:
                    self.fields.pop()
                continue
            if hidden or self._in_code():
                continue
            if tag == f"{w}t":
                text = el.text or ""
                out[-1] += text.upper() if caps else text
            elif tag in (f"{w}tab", f"{w}ptab"):
                out[-1] += "\t"
            elif tag in (f"{w}br", f"{w}cr"):
                out.append("")
            elif tag == f"{w}noBreakHyphen":
                out[-1] += "-"
            elif tag == f"{w}sym":
                code = _int_hex(el.get(f"{w}char"))
                if code is not None:
                    ch = chr(code)
                    if 0xF000 <= code <= 0xF0FF:
                        ch = _SYMBOL_BULLETS.get(ch, "")
                    out[-1] += ch
            elif tag == f"{w}ruby":
                base = el.find(f"{w}rubyBase")
                if base is not None:
                    self._inline(base, style, out)


def _check_reach(end: int, reach: int, declared: int, row: int, what: str) -> None:
    """Refuse a row whose cells end at grid position ``end`` beyond ``reach``.

    Refused rather than clamped: the spans are the table's shape, and a row cut
    to fit would shift or merge its columns, giving wrong items without a word;
    and every grid position up to ``end`` costs a step of the walk (a span of
    two billion never finishes).
    """
    if end > reach:
        raise InputError(
            f"table row {row + 1}: its cells ({what}) reach grid column {end:,}, past the "
            f"table's declared grid of {declared:,} columns by more than {MAX_COLUMNS} "
            "(Word tables have at most 63 columns): a damaged or forged document",
            hint="open and re-save it in Word/WPS")


def _grid_edges(tbl, w: str):
    """(grid position → column of the list, the number of w:gridCol declared):
    w:tblGrid's columns narrower than ``SLIVER_TWIPS`` are no columns (a border
    dragged a hair off its column's in one row makes Word add one), so the
    borders around one count once."""
    widths = []
    for col in tbl.findall(f"{w}tblGrid/{w}gridCol"):
        width = _int(col.get(f"{w}w"))
        if width is None or width < 0:
            widths = []
            break
        widths.append(width)
    columns = [0]  # column index of each grid border
    x = last = 0
    for width in widths:
        x += width
        if x - last >= SLIVER_TWIPS:
            last = x
            columns.append(columns[-1] + 1)
        else:
            columns.append(columns[-1])

    def edge(i: int) -> int:
        if i < len(columns):
            return columns[i]
        return columns[-1] + i - (len(columns) - 1)  # beyond the declared grid

    return edge, len(widths)


def _int_hex(text: str | None) -> int | None:
    try:
        return int(text, 16) if text else None
    except ValueError:
        return None


class _Lines:
    """Printed lines in order; a paragraph whose mark is gone runs on into the next."""

    def __init__(self):
        self.lines: list[str] = []
        self.open = False  # the last paragraph's mark was deleted or hidden

    def paragraph(self, lines: list[str], joined: bool = False) -> None:
        if self.open and self.lines:
            self.lines[-1] += lines[0]
            self.lines.extend(lines[1:])
        else:
            self.lines.extend(lines)
        self.open = joined

    def done(self) -> list[str]:
        return [line.replace("\t", " ") for line in self.lines]
