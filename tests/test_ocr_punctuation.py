"""OCR reads printed full-width punctuation as ASCII; beside Chinese it is given back
full width (the replica scans showed 4–9 cells a page differing only in "(" vs "（")."""

from __future__ import annotations

from pipeline.readers.scan import _print_width
from pipeline.settings import DEFAULT_LAYOUT


def _line(text: str) -> list[dict]:
    return [{"text": t, "conf": 0.8} for t in text]


def test_ascii_brackets_beside_chinese_are_printed_full_width():
    chars = _line("乡(镇)人民政府,街道")
    _print_width(chars, dict(DEFAULT_LAYOUT.ocr_full_width))
    assert "".join(c["text"] for c in chars) == "乡（镇）人民政府，街道"
    assert all(c["conf"] == 0.8 for c in chars)  # still what the recogniser said


def test_ascii_punctuation_among_latin_or_digits_stays_ascii():
    chars = _line("QQ(APP) 1,000 12:30")
    _print_width(chars, dict(DEFAULT_LAYOUT.ocr_full_width))
    assert "".join(c["text"] for c in chars) == "QQ(APP) 1,000 12:30"
