"""parse_numeral: Chinese and digit numerals → int, None when malformed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.text.numerals import parse_numeral

DIGIT_NAMES = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """The standard written form of 0 ≤ n < 10000 (一百一十八, 一千零五, 十五)."""
    if n == 0:
        return "零"
    out, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGIT_NAMES[d] + unit)
    s = "".join(out)
    return s[1:] if s.startswith("一十") else s  # 十五, not 一十五, at the start


@pytest.mark.parametrize(("text", "value"), [
    ("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("三十九", 39), ("一百", 100),
    ("一百零五", 105), ("一百一十", 110), ("一百一十八", 118), ("一千零五十", 1050),
    ("两百", 200), ("两千零二", 2002), ("九千九百九十九", 9999), ("一十五", 15),
    ("零", 0), ("〇", 0), ("壹佰零捌", 108),
    ("118", 118), ("１１８", 118), ("07", 7), ("十 五", 15), (" 二十\n", 20),
])
def test_valid_numerals(text, value):
    assert parse_numeral(text) == value


@pytest.mark.parametrize("text", [
    "十十五",      # the misprint of the 2021 notice (第十十五条)
    "一百五",      # colloquial 150: not how an article number is written
    "一千五十",    # a skipped unit needs 零
    "一百十",      # bare 十 only opens a numeral
    "一百零",      # trailing 零
    "零五", "零零", "一百零零五",
    "二三",        # two digits in a row (a year read digit by digit is not a numeral)
    "两十", "十两", "两",
    "百", "千五", "十百",
    "1十", "十1", "1.5", "+5", "-1", "1_000", "٣",
    "", "  ", "第十五", "十五条", "abc",
])
def test_invalid_numerals(text):
    assert parse_numeral(text) is None


@given(st.integers(min_value=0, max_value=9999))
def test_standard_chinese_form_reads_back(n):
    assert parse_numeral(chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**6))
def test_digits_read_back_ascii_and_full_width(n):
    assert parse_numeral(str(n)) == n
    assert parse_numeral(str(n).translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)})) == n


@given(st.text())
def test_never_raises(text):
    result = parse_numeral(text)
    assert result is None or (isinstance(result, int) and result >= 0)


@given(st.text(alphabet="零〇一二三四五六七八九两十百千", max_size=8))
def test_a_numeral_that_reads_is_the_standard_form_or_a_variant(text):
    # Whatever is accepted must mean the number the standard form writes,
    # up to the accepted variants (两 for 二, 〇 for 零, a leading 一十).
    value = parse_numeral(text)
    if value is not None:
        variant = text.replace("两", "二").replace("〇", "零")
        assert variant in (chinese(value), "一" + chinese(value))


def test_non_str_input_gives_none():
    assert parse_numeral(None) is None  # type: ignore[arg-type]
    assert parse_numeral(15) is None  # type: ignore[arg-type]
