"""Scanned pages without the recogniser: skew, rules, seals, margins on small drawn images.

Fast: each image is a few hundred pixels and the OCR models are not loaded.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from pipeline.readers import scan  # noqa: E402
from pipeline.settings import DEFAULT_LAYOUT  # noqa: E402

DPI = 150
PX = DPI / 72  # pixels per point
#: A small ruled table (points): column rules and row rules.
COLS = (40.0, 90.0, 250.0, 330.0)
ROWS = (40.0, 70.0, 130.0, 190.0)


def _table(width_pt=380, height_pt=240, thick=1):
    """A white page with the table's rules and a few text-like strokes in its cells."""
    img = np.full((round(height_pt * PX), round(width_pt * PX)), 255, np.uint8)
    for x in COLS:
        cv2.line(img, (round(x * PX), round(ROWS[0] * PX)), (round(x * PX), round(ROWS[-1] * PX)),
                 0, thick)
    for y in ROWS:
        cv2.line(img, (round(COLS[0] * PX), round(y * PX)), (round(COLS[-1] * PX), round(y * PX)),
                 0, thick)
    # "Characters": 10-pt boxes of a few strokes in the cells, in lines 14 pt apart.
    k = 0
    for x0, x1 in itertools.pairwise(COLS):
        for y in np.arange(ROWS[1] + 6, ROWS[-1] - 10, 14):
            for x in np.arange(x0 + 4, x1 - 12, 11):
                k += 1
                left, top = round(x * PX), round(y * PX)
                size = round(9 * PX)
                dy = (k * 7) % 3 * size // 3
                cv2.line(img, (left, top + dy), (left + size, top + dy), 0, 1)
                cv2.line(img, (left + (k % 4) * 3, top), (left + (k % 4) * 3, top + size), 0, 1)
    return img


def _tilted(img, degrees):
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _edges(img, seals=()):
    return scan._rules(img, list(seals), DPI, DEFAULT_LAYOUT)


def _positions(edges, orient, min_len=60):
    key = "x0" if orient == "v" else "top"
    size = "height" if orient == "v" else "width"
    return sorted(round(e[key]) for e in edges if e["orientation"] == orient and e[size] >= min_len)


def test_the_rules_of_a_straight_table_are_found_where_drawn():
    edges = _edges(_table())
    assert _positions(edges, "v") == pytest.approx(COLS, abs=1.5)
    assert _positions(edges, "h") == pytest.approx(ROWS, abs=1.5)


def test_text_strokes_are_not_rules():
    edges = _edges(_table())
    inside = [e for e in edges if e["orientation"] == "v"
              and all(abs(e["x0"] - x) > 3 for x in COLS)]
    assert inside == []


@pytest.mark.parametrize("degrees", [-2.0, -0.5, 0.7, 1.8])
def test_skew_is_measured_and_undone(degrees):
    tilted = _tilted(_table(), degrees)
    angle = scan._skew(tilted)
    assert angle == pytest.approx(-degrees, abs=0.1)
    edges = _edges(scan._rotated(tilted, angle, 255))
    assert _positions(edges, "v") == pytest.approx(COLS, abs=2.0)
    assert _positions(edges, "h") == pytest.approx(ROWS, abs=2.0)


def test_a_rule_broken_by_noise_is_joined():
    img = _table()
    x = round(COLS[2] * PX)
    for y in (80, 110, 160):  # three gaps of ~4 pt in one column rule
        img[round(y * PX):round((y + 4) * PX), x - 2:x + 3] = 255
    verticals = [e for e in _edges(img) if e["orientation"] == "v" and abs(e["x0"] - COLS[2]) < 2]
    assert len(verticals) == 1
    assert verticals[0]["top"] == pytest.approx(ROWS[0], abs=2)
    assert verticals[0]["bottom"] == pytest.approx(ROWS[-1], abs=2)


def _ring(img, centre_pt, radius_pt, ink=90, thick_pt=2.5):
    cv2.circle(img, (round(centre_pt[0] * PX), round(centre_pt[1] * PX)), round(radius_pt * PX),
               ink, max(2, round(thick_pt * PX)))
    return img


def test_a_grey_seal_ring_over_the_table_is_found_and_is_not_a_rule():
    img = _ring(_table(), (170, 120), 60)
    seals = scan._seals(img, None, DPI / 25.4)
    assert len(seals) == 1
    cx, cy, rx, _ = seals[0]
    assert (cx / PX, cy / PX, rx / PX) == pytest.approx((170, 120, 60), abs=4)
    edges = _edges(img, seals)
    assert _positions(edges, "v") == pytest.approx(COLS, abs=1.5)
    assert _positions(edges, "h") == pytest.approx(ROWS, abs=1.5)


def test_an_arc_is_not_a_rule_even_where_no_seal_is_found():
    img = np.full((round(240 * PX), round(380 * PX)), 255, np.uint8)
    cv2.ellipse(img, (round(190 * PX), round(120 * PX)), (round(60 * PX), round(60 * PX)), 0,
                150, 210, 0, max(2, round(2.5 * PX)))  # the left arc of a ring
    assert [e for e in _edges(img) if e["orientation"] == "v"] == []


def test_a_red_seal_fades_in_the_red_channel_and_is_found():
    grey = _table()
    rgb = np.dstack([grey] * 3).copy()
    cv2.circle(rgb, (round(170 * PX), round(120 * PX)), round(60 * PX), (214, 38, 48),
               max(2, round(2.5 * PX)))
    read, shown, red = scan._planes(rgb)
    assert red is not None and red.any()
    assert read[round(120 * PX), round(110 * PX)] > 200  # the ring's left edge, in red ink
    assert shown[round(120 * PX), round(110 * PX)] < 150  # (a person sees it)
    seals = scan._seals(read, red, DPI / 25.4)
    assert len(seals) == 1
    assert _positions(_edges(read, seals), "v") == pytest.approx(COLS, abs=1.5)


def test_a_grey_page_stored_as_rgb_is_read_as_grey():
    grey = _table()
    read, _, red = scan._planes(np.dstack([grey] * 3))
    assert red is None
    assert (read == grey).all()


def test_a_dark_margin_and_punch_holes_are_whitened_and_make_no_rules():
    img = _table()
    img[:, :round(8 * PX)] = 30  # the scanner's dark margin
    for y in (60, 170):
        cv2.circle(img, (round(20 * PX), round(y * PX)), round(8 * PX), 20, -1)  # punch holes
    cleaned = scan._without_thick_ink(img, DPI / 25.4)
    assert cleaned[:, :round(6 * PX)].min() > 200
    assert cleaned[round(60 * PX), round(20 * PX)] > 200
    edges = _edges(cleaned)
    assert _positions(edges, "v", min_len=30) == pytest.approx(COLS, abs=1.5)


def test_collinear_pieces_are_joined_only_where_ink_covers_most_of_the_span():
    rule = [(10.0, 0.0, 100.0, "a"), (10.0, 104.0, 200.0, "b")]
    assert [(round(p), a, b) for p, a, b, _ in scan._joined(rule, 1.5, 10)] == [(10, 0, 200)]
    strokes = [(10.0, y, y + 12.0, i) for i, y in enumerate(range(0, 120, 20))]
    assert len(scan._joined(strokes, 1.5, 10)) == len(strokes)


def test_an_edge_through_characters_is_text_not_a_rule():
    chars = [{"text": "中", "x0": x, "x1": x + 10, "top": 0, "bottom": 10} for x in (0, 20)]
    through = {"orientation": "h", "x0": 0, "x1": 30, "top": 5, "bottom": 5}
    above = {"orientation": "h", "x0": 0, "x1": 30, "top": -2, "bottom": -2}
    assert scan._cuts_text(through, chars)
    assert not scan._cuts_text(above, chars)
    assert math.isclose(scan._cuts_text(through, chars[:1]), 0)


def test_a_rule_broken_next_to_a_crossing_rule_still_reaches_it():
    # A gap of 5 pt that leaves a stub of 5 pt under the top rule: the stub alone is too
    # short to be found, but it says the rule went on to the top.
    img = _table()
    x = round(COLS[1] * PX)
    img[round((ROWS[0] + 5) * PX):round((ROWS[0] + 10) * PX), x - 2:x + 3] = 255
    v = [e for e in _edges(img) if e["orientation"] == "v" and abs(e["x0"] - COLS[1]) < 2]
    assert len(v) == 1 and v[0]["top"] == pytest.approx(ROWS[0], abs=1.5)
