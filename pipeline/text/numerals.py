"""Read a printed number: Chinese numerals (一百一十八) or digits (118, １１８).

Used for article and paragraph numbers (第一百一十八条 → 118) and for list
markers (十一、 → 11).  The reading is strict on purpose: a numeral that is
not well formed (十十五, 一百五, 二三) gives ``None`` rather than a guess, so
that a misprint in the notice surfaces in validation instead of silently
becoming some other article number.
"""

from __future__ import annotations

import re

#: Digit characters.  零/〇 are zero; 两 is 2 but only before 百/千 (两十 and a
#: trailing 两 are not used in writing numbers); the financial forms 壹…玖 are
#: accepted because formal documents sometimes print them.
DIGITS: dict[str, int] = {
    "零": 0, "〇": 0,
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
    "两": 2,
}
#: Unit characters (powers of ten).  万 and above are not read: no article,
#: paragraph or list number reaches ten thousand.
UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
#: Digits that may only stand before these units (两百, 两千; not 两十, 十两).
TWO_ONLY_BEFORE: dict[str, int] = {"两": 100}

_ARABIC = re.compile(r"[0-9０-９]+")
_SPACE = re.compile(r"\s+")


def parse_numeral(text: str) -> int | None:
    """Return the value of ``text`` as a number, or ``None`` if it is not one.

    In: a numeral as printed, e.g. "十五", "一百零五", "１１８", "二十"; white space
    inside is ignored.  Out: the integer, or ``None`` for anything that is not a
    single well-formed numeral (empty text, "十十五", "一百五", "二三", "1十").
    Never raises.
    """
    if not isinstance(text, str):
        return None
    s = _SPACE.sub("", text)
    if not s:
        return None
    if _ARABIC.fullmatch(s):
        return int(s)  # int() reads full-width digits too
    return _parse_chinese(s)


def _parse_chinese(s: str) -> int | None:
    """Positional Chinese numeral below 10000; ``None`` when malformed.

    Units must fall strictly; a skipped unit needs 零 (一千零五十, not 一千五十);
    a final digit must sit in the ones place (一百零五 or 一百五十, not 一百五);
    十 may stand without a digit only at the start (十五, 一百一十五).
    """
    if s in ("零", "〇"):
        return 0
    total = 0
    last_unit = 10_000  # the unit before the first one: anything below it
    digit: int | None = None
    digit_char = ""
    zero = False  # a 零 stands between the last unit and what follows
    for ch in s:
        if ch in UNITS:
            unit = UNITS[ch]
            if unit >= last_unit:
                return None
            if digit is None:
                # Bare 十 only opens a numeral: 十五, not 一百十五 or 一百零十.
                if unit != 10 or total or zero:
                    return None
                digit = 1
            elif digit_char in TWO_ONLY_BEFORE and unit < TWO_ONLY_BEFORE[digit_char]:
                return None
            expected = last_unit // 10
            if total and not zero and unit != expected:
                return None  # a unit was skipped without 零
            if zero and unit >= expected:
                return None  # 零 must stand for a skipped unit
            total += digit * unit
            last_unit, digit, digit_char, zero = unit, None, "", False
        elif ch in DIGITS:
            value = DIGITS[ch]
            if digit is not None:
                return None  # two digits in a row: 二三
            if value == 0:
                if zero or not total:
                    return None  # 零零, or a leading 零
                zero = True
                continue
            digit, digit_char = value, ch
        else:
            return None
    if zero and digit is None:
        return None  # trailing 零: 一百零
    if digit is not None:
        if digit_char in TWO_ONLY_BEFORE:
            return None
        if total and not zero and last_unit != 10:
            return None  # 一百五: the ones place needs 零 or a 十
        if zero and last_unit <= 10:
            return None  # 一十零五
        total += digit
    return total
