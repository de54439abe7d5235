"""Write substitutes for ideographs into a text layer, as WPS and some Word fonts do.

The reverse of the pipeline's mapping, derived independently from Unicode's
data: EquivalentUnifiedIdeograph.txt (Kangxi radicals U+2F00–U+2FD5, CJK
Radicals Supplement U+2E80–U+2EF3) and the canonical singleton decompositions
of CJK compatibility ideographs (U+F900–U+FAFF).
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

EUI_FILE = (
    Path(__file__).resolve().parents[2] / "pipeline" / "text" / "data"
    / "EquivalentUnifiedIdeograph.txt"
)
_KIND_RANGES = {
    "kangxi": (0x2F00, 0x2FD5),
    "supplement": (0x2E80, 0x2EF3),
    "compat": (0xF900, 0xFAFF),
}


@functools.cache
def _substitutes() -> dict[str, dict[str, list[str]]]:
    """kind → ideograph → its substitutes of that kind (in code point order)."""
    table: dict[str, dict[str, list[str]]] = {k: {} for k in _KIND_RANGES}
    for raw in EUI_FILE.read_text(encoding="utf-8").splitlines():
        data = raw.split("#", 1)[0].strip()
        if not data:
            continue
        source, target = (p.strip() for p in data.split(";"))
        first, _, last = source.partition("..")
        for cp in range(int(first, 16), int(last or first, 16) + 1):
            for kind, (lo, hi) in _KIND_RANGES.items():
                if kind != "compat" and lo <= cp <= hi:
                    table[kind].setdefault(chr(int(target, 16)), []).append(chr(cp))
    lo, hi = _KIND_RANGES["compat"]
    for cp in range(lo, hi + 1):
        dec = unicodedata.decomposition(chr(cp))
        if dec and " " not in dec and not dec.startswith("<"):
            table["compat"].setdefault(chr(int(dec, 16)), []).append(chr(cp))
    return table


def substitute_ideographs(text: str, kinds: tuple[str, ...], has_glyph=lambda ch: True) -> str:
    """Return ``text`` with every ideograph that has a substitute of ``kinds`` replaced.

    ``has_glyph(ch)`` says whether the font can draw the substitute; kinds are
    tried in order, so ("kangxi", "compat") prefers a radical.
    """
    if not kinds:
        return text
    table = _substitutes()
    out = []
    for ch in text:
        rep = ch
        for kind in kinds:
            cands = [c for c in table[kind].get(ch, ()) if has_glyph(c)]
            if cands:
                rep = cands[0]
                break
        out.append(rep)
    return "".join(out)


@functools.cache
def _cmap(path: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    if path.endswith(".ttc"):
        font = TTCollection(path, lazy=True).fonts[index]
    else:
        font = TTFont(path, lazy=True)
    return frozenset(font.getBestCmap())


def font_has_glyph(font_key: str):
    """A predicate: does the font FONTS[font_key] map this character (False if not embedded)?"""
    from tests.render.variant import FONTS

    path, index = FONTS[font_key][0], FONTS[font_key][1]
    if path is None:
        return lambda ch: False
    cmap = _cmap(path, index)
    return lambda ch: ord(ch) in cmap
