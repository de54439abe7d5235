"""Map code points that PDF fonts substitute for ideographs back to the ideograph.

Some producers (WPS, some Word fonts) write a Kangxi radical (U+2F00–U+2FD5), a
CJK Radicals Supplement character (U+2E80–U+2EF3) or a CJK compatibility
ideograph into the text layer where the page shows an ordinary ideograph
("⽣" U+2F63 for "生" U+751F).  The table is derived from Unicode's data:
``data/EquivalentUnifiedIdeograph.txt`` for the radicals, and the canonical
singleton decompositions of ``unicodedata`` for compatibility ideographs.
NFKC is not used: it would also turn ① into 1 and full-width punctuation into
ASCII, which must stay as printed.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

EUI_FILE = Path(__file__).with_name("data") / "EquivalentUnifiedIdeograph.txt"
#: Blocks of compatibility ideographs (BMP and the supplement).
COMPAT_BLOCKS = ((0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
#: The radical blocks taken from the EUI file (strokes are left alone).
RADICAL_BLOCKS = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF))


@functools.cache
def ideograph_table() -> dict[int, str]:
    """Return a ``str.translate`` table: substituted code point → ideograph."""
    table: dict[int, str] = {}
    for raw in EUI_FILE.read_text(encoding="utf-8").splitlines():
        data = raw.split("#", 1)[0].strip()
        if not data:
            continue
        source, target = (part.strip() for part in data.split(";"))
        first, _, last = source.partition("..")
        lo, hi = int(first, 16), int(last or first, 16)
        if any(a <= lo and hi <= b for a, b in RADICAL_BLOCKS):
            for cp in range(lo, hi + 1):
                table[cp] = chr(int(target, 16))
    for lo, hi in COMPAT_BLOCKS:
        for cp in range(lo, hi + 1):
            decomposition = unicodedata.decomposition(chr(cp))
            # A canonical singleton ("5C6E") and nothing else: a compatibility
            # ideograph; <compat> or multi-part decompositions are not ours.
            if decomposition and " " not in decomposition and not decomposition.startswith("<"):
                table[cp] = chr(int(decomposition, 16))
    return table


def unify_ideographs(text: str) -> str:
    """Return ``text`` with substituted radicals/compatibility ideographs mapped."""
    if text.isascii():
        return text
    return text.translate(ideograph_table())
