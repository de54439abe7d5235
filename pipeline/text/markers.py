"""Task markers ("1." "（1）" "①"…): their shapes, stated once.

    MARKER_STYLES — (style, regex) in the order they are tried at one position
    TASK_MARKER   — one marker of any style, as a regular expression without groups

The tasks parser (``cells.tasks``) reads sub-items by these shapes; list
profiles (``task_start``) and expectation suites (``marker_form``) name
``TASK_MARKER`` as ``{task_marker}`` (``profiles.PATTERN_TOKENS``), so that the
three cannot disagree.  Plain strings: no imports, nothing compiled here.
"""

from __future__ import annotations

# Number shapes.  Digits include full-width forms, which some producers print.
_D = r"[0-9０-９]{1,2}"
#: A Chinese marker number (一 … 九十九), for parsers that read its value.
CN_NUMBER = r"[一二三四五六七八九十]{1,3}"
_C = CN_NUMBER
_NOT_DIGIT_BEFORE = r"(?<![0-9０-９])"
_NOT_CN_BEFORE = r"(?<![一二三四五六七八九十百千零〇])"

#: Marker shapes, as (style, regex) in the order they are tried at one
#: position.  Styles are what decides the level: "1." and "1、" and "⒈" are one
#: style because producers mix them within a list; "（1）" is another.
#: A dot must not be followed by a digit (1.2 is a number, not a marker).
MARKER_STYLES: tuple[tuple[str, str], ...] = (
    ("paren", rf"[（(]\s*{_D}\s*[）)]|[⑴-⒇]"),
    ("cn_paren", rf"[（(]\s*{_C}\s*[）)]"),
    ("dot", rf"{_NOT_DIGIT_BEFORE}{_D}\s*[.．、](?![0-9０-９])|[⒈-⒛]"),
    ("close", rf"{_NOT_DIGIT_BEFORE}{_D}\s*[）)]"),
    ("cn_dot", rf"{_NOT_CN_BEFORE}{_C}\s*[、.．](?![0-9０-９])"),
    ("circled", r"[①-⑳㉑-㉟㊱-㊿❶-❿➀-➉➊-➓]"),
)
#: One marker of any style (no groups).  Profiles (``task_start``) and expectation
#: suites (``marker_form``) name this pattern as ``{task_marker}``.
TASK_MARKER = "(?:" + "|".join(rx for _, rx in MARKER_STYLES) + ")"
