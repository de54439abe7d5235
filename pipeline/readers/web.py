"""The web-page reader: a saved article page (.html, .htm, .shtml) → the page model.

    read_web(path, fmt, layout, limits) → ``model.Document``

Government sites publish a notice as an article page: the site's chrome
(navigation, often laid out with tables), an info table (索引号, 发文字号,
成文日期 …), the article's text and, often inline, the list as an HTML table
with rowspan and colspan.  This reader

* decodes the bytes (``webcharset``): a BOM, else the charset the page declares (``<meta
  charset>``, ``http-equiv`` Content-Type, the XML declaration), else what the
  bytes are (UTF-8, else GB18030, chosen with charset-normalizer).  GB2312 and
  GBK labels are read as GB18030, their superset.  Decoding is strict: a byte
  the encoding cannot read is an error (never a silent U+FFFD); where the
  declared charset cannot read the bytes but UTF-8 or GB18030 reads all of
  them, that one is used and a note says so;
* parses with lxml's HTML parser (libxml2: no network, no DTD, no entity
  expansion beyond HTML's own), refusing more than ``MAX_ELEMENTS`` elements
  and nesting deeper than libxml2's limit rather than reading half a page;
* renders text as a reader sees it: scripts, styles, templates, comments and
  hidden elements (``display:none``, ``hidden``, Word's ``mso-hide:all``) are
  not shown; ``<p>``, ``<div>``, ``<li>``, ``<br>`` and other blocks break
  lines; runs of white space are one space; ``&nbsp;`` is a space;
* turns every table that may be a list into a page of the model
  (``cells.layout_table``, numbered 1..n in document order), with the HTML
  table model: cells take the next free slot of their row, rowspan=0 reaches
  the end of its row group, spans past the row group are cut there (as
  browsers do) and bogus spans clamped (colspan ≤ 1000, rowspan ≤ 65534).
  Other tables are read as text: a table whose cells hold tables (it lays
  the page out), tables of one row or one column, tables made only of links
  (menus), a table of "label：value" pairs (the site's info box), and tables
  in the site's header, footer or sidebar (``<footer>``, class="footer" …);
* gives each page, as the text above its table, everything between the
  previous candidate table and this one, that table included as text (a row a
  line), so ``notice.read_notice`` reads the notice's facts in reading order
  from the page's own info table and the article, whichever table
  ``header.drop_headers`` takes for the list.  Lines made only of links
  (menus, breadcrumbs, the site's name) are left out of that text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, LayoutError, LimitError
from ..model import Document
from ..settings import DEFAULT_LAYOUT, DEFAULT_LIMITS, LayoutSettings, Limits
from .cells import GridCell, layout_table
from .webcharset import decode_page

#: Elements a page may have; an article page has thousands, a long Word-exported
#: list some hundred thousand.  More is refused before memory runs out.
MAX_ELEMENTS = 500_000
#: Slots (rows × columns, spans counted) one table may cover.
MAX_TABLE_SLOTS = 2_000_000
#: Nesting depth libxml2's HTML parser reads (it stops reading the page deeper).
MAX_DEPTH = 256
#: The HTML table model's caps on spans.
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534
#: Characters fed to the parser at a time (the element count is checked between).
FEED_CHARS = 1 << 20

_SKIPPED = frozenset({"script", "style", "template", "noscript", "head", "title", "iframe",
                      "object", "embed", "select", "textarea", "svg", "math", "nav", "canvas",
                      "audio", "video", "img", "input", "map", "frameset", "frame"})
_BLOCKS = frozenset({"address", "article", "aside", "blockquote", "center", "dd", "details",
                     "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
                     "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
                     "hr", "legend", "li", "main", "menu", "ol", "p", "pre", "section",
                     "summary", "ul", "caption", "body", "html", "option", "button", "tr",
                     "td", "th", "tbody", "thead", "tfoot", "listing", "plaintext", "xmp"})
#: Class or id words of the site's furniture (never the list's place).
_CHROME_WORDS = frozenset({"footer", "foot", "header", "nav", "navbar", "menu", "sidebar",
                           "crumb", "crumbs", "breadcrumb", "banner", "copyright", "share"})
_WORDS = re.compile(r"[\s_\-]+")
_LABEL = re.compile(r"[\[［【(（]?[^：:\]］】]{1,12}[\]］】)）]?[：:]"  # 发文字号： (发文字号)：
                    r"|[\[［【][^\]］】]{1,12}[\]］】]")  # [发文字号]
_LABELLED = re.compile(r"[^：:]{1,8}[：:]\S")
_HIDDEN_STYLE = re.compile(r"display:none|visibility:hidden|mso-hide:all")
_SPACE = re.compile(r"[ \t\n\r\f]+")
_ATTACHMENT = re.compile(r"\.(docx?|wps|xlsx?|et|pdf|odt|ods|ofd|zip|rar)(\W|$)", re.I)


def read_web(path: Path, fmt=None, layout: LayoutSettings = DEFAULT_LAYOUT,
             limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read the saved web page ``path``: one ``PageLayout`` per table that may be
    the list (numbered 1..n in document order), each with the page's text since
    the previous one above it.  ``Document(fmt.kind or "html", pages,
    page_count=1, paginated=False)``.

    Raises ``LimitError`` for a page over ``limits.max_file_mb`` or the reader's
    own bounds, ``InputError`` for bytes no candidate encoding reads,
    ``LayoutError`` for a page without a table.
    """
    from ..safety.guard import check_size

    path = Path(path)
    name = str(path)
    check_size(path, limits)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", file=name) from None
    text, notes = decode_page(data, name)
    del data
    root = _parse(text, name)
    del text
    flow = _Flow()
    flow.walk(root)
    flow.end_line()
    if not flow.tables:
        what = (f"no table in the page but {flow.others} of the site's own (layout, menus, "
                "info box, footer)" if flow.others else "no table in the page")
        raise LayoutError(f"{what}: the list is not in it", file=name,
                          hint=_attachment_hint(root))
    pages = []
    for k, table in enumerate(flow.tables):
        below = flow.chunks[k + 1][table.kept:] if k == len(flow.tables) - 1 else ()
        pages.append(layout_table(table.cells, k + 1, flow.chunks[k], below))
    kind = getattr(fmt, "kind", None) or "html"
    return Document(kind, pages, page_count=1, paginated=False, notes=notes)


# --------------------------------------------------------------------------- text → tree

def _parse(text: str, name: str):
    """The page's element tree (lxml), bounded in elements and depth.

    libxml2 stops reading a document whose nesting passes its limit and says
    nothing through the feed interface, so the depth is followed here from
    the parser's start and end events.
    """
    from lxml import etree

    parser = etree.HTMLPullParser(events=("start", "end"), remove_comments=True,
                                  remove_pis=True, no_network=True, recover=True)
    count = depth = deepest = 0

    def follow() -> None:
        nonlocal count, depth, deepest
        for event, _ in parser.read_events():
            if event == "start":
                count += 1
                depth += 1
                deepest = max(deepest, depth)
            else:
                depth -= 1
        if count > MAX_ELEMENTS:
            raise LimitError(f"the page has more than {MAX_ELEMENTS:,} HTML elements",
                             file=name, hint="a notice page has thousands; this is not one")

    for start in range(0, len(text), FEED_CHARS):
        parser.feed(text[start:start + FEED_CHARS])
        follow()
    root = parser.close()
    follow()
    if deepest > MAX_DEPTH:
        raise LimitError(f"elements nested more than {MAX_DEPTH} deep: the rest of the page "
                         "cannot be read", file=name,
                         hint="a notice page nests a few dozen deep; this is not one")
    if root is None:
        raise InputError("no HTML content in the page", file=name)
    return root


# --------------------------------------------------------------------------- tree → lines

@dataclass
class _Table:
    """A candidate table: its cells, and how many lines of text it gave the chunk
    after it (the text above the next table starts with this one's rows)."""

    cells: list[GridCell]
    kept: int  # how many of the chunk after it are its own lines


@dataclass
class _Lines:
    """Lines being made: inline text joins, blocks and ``<br>`` break.  Each line
    remembers whether any of its text is not a link's (``plain``)."""

    lines: list[tuple[str, bool]] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    plain: bool = False

    def add(self, text: str, in_link: bool) -> None:
        self.parts.append(text)
        if not in_link and text.strip():
            self.plain = True

    def end(self) -> None:
        text = "".join(self.parts)
        if text.strip():
            self.lines.append((text, self.plain))
        self.parts, self.plain = [], False


class _Flow:
    """The page in reading order: text lines, cut into chunks at candidate tables.

    ``chunks[k]`` is the text before ``tables[k]`` (since ``tables[k-1]``, whose
    text it starts with); the last chunk is the text after the last table.
    Lines made only of links are left out of the chunks.
    """

    def __init__(self) -> None:
        self.tables: list[_Table] = []
        self.others = 0  # tables read as text
        self.chunks: list[list[str]] = [[]]
        self.out = _Lines()

    def walk(self, el, in_link: bool = False, pre: bool = False) -> None:
        if _hidden(el):
            return
        tag = _tag(el)
        if tag == "table":
            self._table(el)
            return
        if tag == "br":
            self.out.end()
            return
        block = tag in _BLOCKS
        if block:
            self.out.end()
        in_link = in_link or tag == "a"
        pre = pre or tag in ("pre", "listing", "plaintext", "xmp")
        if el.text:
            self._text(el.text, in_link, pre)
        for child in el:
            self.walk(child, in_link, pre)
            if child.tail:
                self._text(child.tail, in_link, pre)
        if block:
            self.out.end()

    def _text(self, text: str, in_link: bool, pre: bool) -> None:
        if not pre:
            self.out.add(_SPACE.sub(" ", text), in_link)
            return
        first, *rest = text.split("\n")
        self.out.add(first, in_link)
        for piece in rest:
            self.out.end()
            self.out.add(piece, in_link)

    def end_line(self) -> None:
        """Close the current line and move the finished lines into the current chunk."""
        self.out.end()
        self._keep(self.out.lines)
        self.out.lines = []

    def _keep(self, lines: list[tuple[str, bool]]) -> None:
        self.chunks[-1].extend(text for text, plain in lines if plain)

    def _table(self, el) -> None:
        self.end_line()
        for child in el:
            if _tag(child) == "caption":
                self.walk(child)
        self.end_line()
        groups = _row_groups(el)
        if _holds_table(el):
            self.others += 1  # laying the page out: its cells' content in reading order
            for row in (row for group in groups for row in group):
                for td in row:
                    self.walk(td)
                    self.end_line()
            return
        cells, plain = _grid(groups)
        lines = _table_lines(cells, plain)
        ncols = max((c.col + c.colspan for c in cells), default=0)
        nrows = max((c.row + c.rowspan for c in cells), default=0)
        if (ncols < 2 or nrows < 2 or not any(plain) or _in_chrome(el)
                or _is_info_table(cells)):
            self._keep(lines)  # a box of text, a menu, the info table, the footer: not a list
            self.others += 1
            return
        self.chunks.append([])
        self._keep(lines)
        self.tables.append(_Table(cells, len(self.chunks[-1])))


def _tag(el) -> str:
    tag = el.tag
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""


def _hidden(el) -> bool:
    tag = _tag(el)
    if not tag or tag in _SKIPPED or el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style) and bool(_HIDDEN_STYLE.search(style.lower().replace(" ", "")))


def _in_chrome(el) -> bool:
    """Inside the site's furniture: a <header>, <footer> or <aside>, or an element
    whose class or id names it so (the words Readability-style extractors use)."""
    while el is not None:
        tag = _tag(el)
        if tag in ("header", "footer", "aside"):
            return True
        words = _WORDS.split(f"{el.get('class') or ''} {el.get('id') or ''}".lower())
        if _CHROME_WORDS.intersection(words):
            return True
        el = el.getparent()
    return False


def _is_info_table(cells: list[GridCell]) -> bool:
    """A table of "label：value" pairs (a site's 索引号/发文字号/成文日期 box): in every
    row, every other cell from the first is a label (ends with a colon or is
    bracketed), or every cell starts with a short label and a colon."""
    rows: dict[int, list[tuple[int, str]]] = {}
    for c in cells:
        text = "".join("".join(c.paragraphs).split())
        if text:
            rows.setdefault(c.row, []).append((c.col, text))
    if len(rows) < 2:
        return False
    for row in rows.values():
        texts = [t for _, t in sorted(row)]
        pairs = len(texts) % 2 == 0 and all(_LABEL.fullmatch(t) for t in texts[::2])
        if not pairs and not all(_LABELLED.match(t) for t in texts):
            return False
    return True


def _holds_table(table) -> bool:
    """A table whose cells hold other (shown) tables lays the page out."""
    return any(not _hidden_in(t, table) for t in table.iterdescendants("table"))


def _hidden_in(el, top) -> bool:
    while el is not None and el is not top:
        if _hidden(el):
            return True
        el = el.getparent()
    return False


def _row_groups(table) -> list[list[list]]:
    """The table's row groups, each a list of rows (lists of td/th elements), in the
    HTML table model's order: thead, tbody and bare rows as they come, tfoot last."""
    groups: list[list[list]] = []
    feet: list[list[list]] = []
    loose: list = []  # rows straight under <table>: one implied row group
    for child in table:
        tag = _tag(child)
        if tag in ("thead", "tbody", "tfoot"):
            if loose:
                groups.append(_group_rows(loose))
                loose = []
            if not _hidden(child):
                (feet if tag == "tfoot" else groups).append(_group_rows(list(child)))
        elif tag in ("tr", "td", "th"):
            loose.append(child)
    if loose:
        groups.append(_group_rows(loose))
    return groups + feet


def _group_rows(children: list) -> list[list]:
    rows, implied = [], []
    for child in children:
        tag = _tag(child)
        if tag in ("td", "th"):
            implied.append(child)  # a cell without its <tr>: browsers imply one
            continue
        if implied:
            rows.append(implied)
            implied = []
        if tag == "tr" and not _hidden(child):
            rows.append([c for c in child if _tag(c) in ("td", "th") and not _hidden(c)])
    if implied:
        rows.append(implied)
    return rows


def _span(value: str | None, cap: int, zero: bool) -> int:
    """A span attribute by HTML's rules for non-negative integers (leading digits
    count, anything else is 1), clamped to ``cap``; 0 stays 0 where ``zero``."""
    m = re.match(r"[ \t\n\r\f]*\+?(\d+)", value or "")
    if not m:
        return 1
    n = int(m.group(1)[:9])
    return min(n, cap) if n else (0 if zero else 1)


def _grid(groups: list[list[list]]) -> tuple[list[GridCell], list[bool]]:
    """GridCells of a table by the HTML table model, and per cell whether any of
    its text is not a link's.

    A cell takes the first slot of its row no cell above covers; rowspan=0 and
    rowspans past the end of the row group stop at its end.
    """
    cells: list[GridCell] = []
    plain: list[bool] = []
    slots = 0
    top = 0  # first row of the current group
    for group in groups:
        occupied: dict[int, set[int]] = {}
        for i, row in enumerate(group):
            taken = occupied.pop(i, set())
            c = 0
            for td in row:
                while c in taken:
                    c += 1
                colspan = _span(td.get("colspan"), MAX_COLSPAN, zero=False)
                rowspan = _span(td.get("rowspan"), MAX_ROWSPAN, zero=True)
                rowspan = len(group) - i if rowspan == 0 else min(rowspan, len(group) - i)
                slots += rowspan * colspan
                if slots > MAX_TABLE_SLOTS:
                    raise LimitError(f"a table covering more than {MAX_TABLE_SLOTS:,} cells "
                                     "(rows × columns, spans counted)",
                                     hint="a notice's list has at most thousands of rows "
                                          "of a few columns")
                lines = _cell_lines(td)
                cells.append(GridCell(top + i, c, rowspan, colspan, [t for t, _ in lines]))
                plain.append(any(p for _, p in lines))
                for below in range(i + 1, i + rowspan):
                    occupied.setdefault(below, set()).update(range(c, c + colspan))
                c += colspan
        top += len(group)
    return cells, plain


def _cell_lines(td) -> list[tuple[str, bool]]:
    """A cell's lines (its paragraphs) as shown, each with its ``plain`` flag."""
    flow = _Flow()
    flow.walk(td)
    flow.out.end()
    return flow.out.lines


def _table_lines(cells: list[GridCell], plain: list[bool]) -> list[tuple[str, bool]]:
    """A table as text: a row whose cells hold a line each is one line (cells one
    space apart, as they stand side by side); a row with longer cells gives
    their lines in turn.  A line is ``plain`` unless all its cells are links."""
    rows: dict[int, list[tuple[GridCell, bool]]] = {}
    for cell, p in zip(cells, plain, strict=True):
        rows.setdefault(cell.row, []).append((cell, p))
    lines = []
    for r in sorted(rows):
        row = [(c, p) for c, p in sorted(rows[r], key=lambda cp: cp[0].col) if c.paragraphs]
        if all(len(c.paragraphs) == 1 for c, _ in row):
            text = " ".join(c.paragraphs[0].strip() for c, _ in row)
            if text.strip():
                lines.append((text, any(p for _, p in row)))
        else:
            lines.extend((text, p) for c, p in row for text in c.paragraphs)
    return lines


def _attachment_hint(root) -> str:
    """Where the list may be instead: the page's links to documents."""
    names = []
    for a in root.iter("a", "A"):
        href = a.get("href") or ""
        label = " ".join("".join(a.itertext()).split())
        if _ATTACHMENT.search(href) or _ATTACHMENT.search(label):
            names.append(label or href.rsplit("/", 1)[-1])
    if names:
        return (f"the page links to {len(names)} attachment(s) ({'; '.join(names[:3])}): "
                "download the list and extract that file")
    return "save the page that shows the list as a table, or its attachment"
