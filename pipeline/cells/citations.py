"""Split the 依据 cell into one row per cited article.

A cell reads like ``《某某办法》第四条、第五条\\n《某某条例》（2020年……修订）第十一条``:
a title in 《》 (titles may nest: 《某省实施<某某法>办法》, or 《…《…》…》),
optionally a parenthesised note right after it, then article references
separated by 、.  Each reference becomes a row; a title without references
becomes one row with ``article_ref`` None.

What the rows keep and what is dropped (so the cell can be rebuilt):
every character of the cell ends up in ``law``, ``note`` or ``article_ref``
except white space, the 《》 around a title, the brackets around a note and
the separators (:data:`SEPARATORS`) between references and between titles.
Text before the first title (a cell citing a law without 《》) becomes a
citation of its own, one per line, with the ``law`` as printed.
"""

from __future__ import annotations

import re

from pipeline.text.numerals import parse_numeral
from pipeline.text.spaces import squeeze_spaces

from .brackets import pair_brackets

#: Brackets of a title.  Only these nest for finding the end of a title;
#: 〈〉 and <> inside a title are kept as printed.
TITLE_OPEN, TITLE_CLOSE = "《", "》"
#: Brackets of a note right after a title.  Full- and half-width forms are
#: interchangeable because extraction sometimes mixes them within one note.
NOTE_OPEN, NOTE_CLOSE = "（(", "）)"
#: Characters that separate article references (and titles); the notice uses
#: 、, other lists use ，or ；.
SEPARATORS = "、，,；;"

#: One number as printed (shared with the 权责清单 parser): positional Chinese numerals
#: or digits (validity is decided by parse_numeral, so a misprint like 第十十五条 still
#: reads as a reference).
NUMERAL = r"[0-9０-９零〇一二三四五六七八九十百千两壹贰叁肆伍陆柒捌玖拾佰仟]+"
# One article reference.  第 before an article number is optional because
# lists drop it by mistake ("三十九条"); a bare 第X款 (a paragraph of the article before,
# printed as its own item) is a reference too.
_REF = re.compile(
    rf"(?:第?(?P<art>{NUMERAL})条)(?:第(?P<par>{NUMERAL})款)?(?:第{NUMERAL}项)?"
    rf"|第(?P<par2>{NUMERAL})款(?:第{NUMERAL}项)?"
    rf"|第{NUMERAL}项"
)
_REF_START = re.compile(f"第{NUMERAL}[条款项]")
_SPACE = re.compile(r"\s+")
_SPLIT = re.compile(f"[{re.escape(SEPARATORS)}]")


def parse_citations(text: str) -> list[dict]:
    """Return the citation rows of one 依据 cell, in printed order.

    In: the cell text (line breaks and stray spaces allowed anywhere).
    Out: dicts with ``citation_no`` (1-based), ``law`` (title without 《》,
    nested brackets kept), ``note`` (remark in brackets right after the title,
    without the brackets, or None), ``article_ref`` (one reference as printed,
    white space removed, or None for a title cited without article),
    ``article`` and ``paragraph`` (ints read from 第X条/第X款; None where the
    numeral is not valid or the reference is not of that form).  A reference
    without 第 ("三十九条") keeps ``article_ref`` as printed and still gives
    ``article`` 39.  Never raises.
    """
    if not isinstance(text, str):
        return []
    rows: list[dict] = []
    for law, note, refs in _citations(text):
        for ref in refs or [None]:
            article, paragraph = _numbers(ref)
            rows.append({"citation_no": len(rows) + 1, "law": law, "note": note,
                         "article_ref": ref, "article": article, "paragraph": paragraph})
    return rows


def _citations(text: str) -> list[tuple[str, str | None, list[str]]]:
    """(law, note, article references) per cited title."""
    out: list[tuple[str, str | None, list[str]]] = []
    first = _find_title(text, 0)
    for line in text[:first].splitlines():
        law, refs = _plain_citation(line)
        if law or refs:
            out.append((law, None, refs))
    titles = pair_brackets(text, TITLE_OPEN, TITLE_CLOSE)
    notes = pair_brackets(text, NOTE_OPEN, NOTE_CLOSE)
    pos = first
    while pos < len(text):
        end = _match_close(text, pos, titles)
        closed = end < len(text) and text[end] == TITLE_CLOSE
        if not closed:
            # A lost 》: the title cannot run into its article references.
            ref = _REF_START.search(text, pos + 1, end)
            end = ref.start() if ref else end
        law = squeeze_spaces(text[pos + 1:end])
        pos = end + 1 if closed else end
        note = None
        after = _skip_space(text, pos)
        if after < len(text) and text[after] in NOTE_OPEN:
            close = _match_close(text, after, notes)
            note = squeeze_spaces(text[after + 1:close])
            pos = close + 1
        nxt = _find_title(text, pos)
        refs = _split_refs(text[pos:nxt])
        if law or note or refs:  # a stray 《 alone is not a citation
            out.append((law, note, refs))
        pos = nxt
    return out


def _find_title(text: str, pos: int) -> int:
    i = text.find(TITLE_OPEN, pos)
    return len(text) if i < 0 else i


def _match_close(text: str, start: int, pairs: dict[int, int]) -> int:
    """Index of the bracket closing the one at ``start``.

    An unclosed bracket runs to the end of its line (or of the text), so a
    missing bracket costs one citation, not the rest of the cell.
    """
    if start in pairs:
        return pairs[start]
    line_end = text.find("\n", start)
    return len(text) if line_end < 0 else line_end


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _split_refs(region: str) -> list[str]:
    """Article references of the text after a title, as printed.

    Split at the separators; a piece that is several complete references run
    together (a separator lost in extraction: 第四条第五条) is split into
    them; anything else stays one piece as printed.
    """
    refs: list[str] = []
    for piece in _SPLIT.split(_SPACE.sub("", region)):
        if piece:
            refs.extend(_split_run(piece))
    return refs


def _split_run(piece: str) -> list[str]:
    parts, pos = [], 0
    for m in _REF.finditer(piece):
        if m.start() != pos:
            return [piece]
        parts.append(m.group())
        pos = m.end()
    return parts if pos == len(piece) and parts else [piece]


def _plain_citation(line: str) -> tuple[str, list[str]]:
    """A law cited without 《》: its name runs up to the first reference."""
    s = squeeze_spaces(line).strip(SEPARATORS + " ")
    m = _REF_START.search(s)
    if not m:
        return s, []
    return s[:m.start()], _split_refs(s[m.start():])


def _numbers(ref: str | None) -> tuple[int | None, int | None]:
    if not ref:
        return None, None
    m = _REF.fullmatch(ref)
    if not m:
        return None, None
    art = parse_numeral(m.group("art")) if m.group("art") else None
    par_text = m.group("par") or m.group("par2")
    par = parse_numeral(par_text) if par_text else None
    return art, par
