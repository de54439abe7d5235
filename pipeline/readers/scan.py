"""Scanned pages: one page image → the page model the text route yields.

    read_scanned_page(image, number, dpi, layout, threads) → ``model.Page``

The page that comes out has pdfplumber-style characters (text, x0, x1, top,
bottom, size, upright, and ``conf``: the recogniser's confidence, 0–1) and
ruling edges, in PDF points, so ``readers.grid.find_tables`` and every stage
after it read it as they read a text page.  The steps, each on the whole page:

1. grey: a colour page keeps its red channel, in which red ink (seals, a red
   header) is as light as the paper and black text stays black;
2. orientation: text-line boxes found on a small copy tell a page turned
   sideways (the boxes stand upright), and the direction classifier, run on
   the longest lines, a page upside down;
3. margins: thick dark regions (a scanner's dark margin, punch holes) are
   whitened; no text stroke or rule is that thick;
4. skew: the angle that makes the row profile of the ink sharpest (rules and
   lines of text level) is found coarse then fine, and undone;
5. seals: red blobs of a seal's size (colour) or rings of a seal's size
   (grey); their characters are marked ``seal``, their rings are no rules;
6. rules: long thin straight runs of ink (morphological opening along each
   axis); a curved piece (an arc of a seal) or a thick one is not a rule;
   collinear pieces are joined across gaps narrower than any column, where
   ink covers most of the joined length;
7. text: RapidOCR (PP-OCRv6 models inside its wheel), one box per character;
   a "rule" that cuts through characters was strokes of text lined up; a seal
   word (专用章) read inside a seal is the seal's own text and is dropped.

Heavy modules (numpy, OpenCV, RapidOCR) are imported inside the functions.
One recogniser is loaded per process and kept (``_engine``).
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

from ..model import Page
from ..settings import DEFAULT_LAYOUT, LayoutSettings

#: Points per inch (PDF user space).
PT_PER_INCH = 72.0
#: Millimetres per point.
MM_PER_PT = 25.4 / 72

#: Ink runs at least this long (points) along an axis may be rule pieces.
_RULE_MIN_PT = 12.0
#: Pieces at least this long are rules; shorter ones only where both ends meet rules.
_RULE_SURE_PT = 60.0

_ENGINE: dict[int, Any] = {}


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def read_scanned_page(image, number: int, dpi: float, layout: LayoutSettings = DEFAULT_LAYOUT,
                      threads: int = 1) -> Page:
    """Read one page image (a Pillow image or an array; grey or RGB, scanned at ``dpi``)
    into a ``Page`` (1-based ``number``) with OCR'd characters and raster rules.

    ``threads``: the recogniser's intra-op threads (set explicitly: onnxruntime's
    default spins on every core).  The returned page has ``ocr`` set and keeps the
    oriented, deskewed grey image (``Page.image``) for crops of cells to check.
    """
    import numpy as np

    engine = _engine(threads)
    grey, lum, red = _planes(np.asarray(image))
    turns = _orientation(grey, engine)
    if turns:
        grey, lum = np.rot90(grey, turns).copy(), np.rot90(lum, turns).copy()
        red = None if red is None else np.rot90(red, turns).copy()
    angle = _skew(grey)
    if angle:
        grey, lum = _rotated(grey, angle, 255), _rotated(lum, angle, 255)
        red = None if red is None else _rotated(red, angle, 0)
    px_per_mm = dpi / 25.4
    grey = _without_thick_ink(grey, px_per_mm)
    seals = _seals(grey, red, px_per_mm)
    edges = _rules(grey, seals, dpi, layout)
    chars = _chars(grey, engine, dpi, seals, layout)
    if red is not None:  # red ink read through the red channel is a seal's, not the page's
        chars = [c for c in chars if not _red_ink(c, grey, red, dpi)]
    edges = [e for e in edges if not _cuts_text(e, chars)]
    scale = PT_PER_INCH / dpi
    height, width = grey.shape
    return Page(number, width * scale, height * scale, chars, edges, ocr=True, image=lum)


# --------------------------------------------------------------------------- engine

def _engine(threads: int):
    """The process's recogniser (loaded once; models from the rapidocr wheel, no download)."""
    if threads not in _ENGINE:
        import logging

        import cv2
        from rapidocr import RapidOCR

        # (OpenCV would start a thread per core in every worker: workers × cores threads)
        cv2.setNumThreads(max(1, int(threads)))
        _ENGINE.clear()
        _ENGINE[threads] = RapidOCR(params={
            "Global.log_level": "error",
            "Global.return_word_box": True,
            "Global.return_single_char_box": True,
            "EngineConfig.onnxruntime.intra_op_num_threads": max(1, int(threads)),
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        })
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return _ENGINE[threads]


# --------------------------------------------------------------------------- grey planes

def _planes(arr):
    """(grey to read, luminance to show, red-ink mask or None) of a page image.

    A colour page is read in its red channel (red ink is as light as the
    paper there); a page whose colours are all greys is read as it is.
    """
    import cv2
    import numpy as np

    if arr.ndim == 2:
        return arr.astype(np.uint8), arr.astype(np.uint8), None
    rgb = arr[:, :, :3].astype(np.uint8)
    lum = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    r, g, b = (rgb[:, :, i].astype(np.int16) for i in range(3))
    red = (r > 110) & (r - g > 50) & (r - b > 40)
    chroma = rgb.max(axis=2).astype(np.int16) - rgb.min(axis=2)
    if (chroma > 60).mean() < 1e-4:  # a grey page stored as RGB
        return lum, lum, None
    return rgb[:, :, 0].copy(), lum, red


# --------------------------------------------------------------------------- orientation

def _orientation(grey, engine) -> int:
    """Quarter turns (counter-clockwise, as ``numpy.rot90``) that set the page upright."""
    import cv2
    import numpy as np
    from rapidocr.utils.process_img import get_rotate_crop_image

    small, _ = _shrunk(grey, 1280)
    bgr = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    found = engine(bgr, use_det=True, use_cls=False, use_rec=False)
    boxes = getattr(found, "boxes", None)
    if boxes is None or len(boxes) == 0:
        return 0
    lines = []
    for box in boxes:
        w = float(np.linalg.norm(box[0] - box[1]))
        h = float(np.linalg.norm(box[1] - box[2]))
        if max(w, h) >= 2.5 * max(min(w, h), 1.0):  # a line of three or more characters
            lines.append((max(w, h), h > w, box))
    if not lines:
        return 0
    sideways = sum(tall for _, tall, _ in lines) > len(lines) / 2
    lines = sorted((ln for ln in lines if ln[1] == sideways), key=lambda ln: -ln[0])[:24]
    crops = [get_rotate_crop_image(bgr, box.astype(np.float32)) for _, _, box in lines]
    if sideways:  # (get_rotate_crop_image turns a standing crop a quarter counter-clockwise)
        crops = [c if c.shape[0] < c.shape[1] else np.rot90(c) for c in crops]
    verdicts = engine._load_cls_model()(crops).cls_res  # pinned rapidocr: (label, score) each
    flipped = sum(1 for label, score in verdicts if label == "180" and score > 0.6)
    upside_down = flipped > len(verdicts) / 2
    if not sideways:
        return 2 if upside_down else 0
    # Crops turned a quarter counter-clockwise read upright: the page was turned clockwise.
    return 3 if upside_down else 1


# --------------------------------------------------------------------------- skew

def _skew(grey, limit: float = 4.0) -> float:
    """The angle (degrees, counter-clockwise) that levels the page's rules and lines."""
    import cv2
    import numpy as np

    small, _ = _shrunk(grey, 1600)
    ink = (small < 160).astype(np.float32)
    if ink.sum() < 100:
        return 0.0
    h, w = ink.shape
    centre = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        profile = turned.sum(axis=1)
        return float((profile * profile).sum())

    best = max(np.arange(-limit, limit + 1e-9, 0.25), key=sharpness)
    fine = max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.02), key=sharpness)
    return round(float(fine), 2) if abs(fine) >= 0.02 else 0.0


def _rotated(img, angle: float, fill: int):
    import cv2
    import numpy as np

    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    src = img.astype(np.uint8) if img.dtype == bool else img
    out = cv2.warpAffine(src, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=fill)
    return out > 0 if img.dtype == bool else out


def _shrunk(img, longest: int):
    """``img`` scaled down so that its longer side is at most ``longest`` (and the factor)."""
    import cv2

    h, w = img.shape[:2]
    f = min(1.0, longest / max(h, w))
    if f >= 1.0:
        return img, 1.0
    return cv2.resize(img, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA), f


# --------------------------------------------------------------------------- margins

def _without_thick_ink(grey, px_per_mm: float):
    """``grey`` with dark regions thicker than any stroke or rule whitened (a scanner's
    dark margin, punch holes, the filled star of a seal)."""
    import cv2
    import numpy as np

    k = max(3, round(2.5 * px_per_mm))
    dark = (grey < 150).astype(np.uint8)
    thick = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT,
                                                                             (k, k)))
    if not thick.any():
        return grey
    thick = cv2.dilate(thick, np.ones((5, 5), np.uint8), iterations=2)
    out = grey.copy()
    out[thick > 0] = 255
    return out


# --------------------------------------------------------------------------- seals

def _seals(grey, red, px_per_mm: float) -> list[tuple[float, float, float, float]]:
    """Seals on the page as ellipses (cx, cy, rx, ry) in pixels: red blobs of a seal's
    size on a colour page, rings of a seal's size on a grey one."""
    import cv2
    import numpy as np

    lo, hi = 15 * px_per_mm, 60 * px_per_mm  # seal diameters: 15–60 mm
    out = []
    if red is not None:
        mask = cv2.morphologyEx(red.astype(np.uint8), cv2.MORPH_CLOSE,
                                np.ones((max(3, round(3 * px_per_mm)),) * 2, np.uint8))
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, n):
            x, y, w, h, _ = stats[i]
            if lo <= w <= hi and lo <= h <= hi and 0.6 <= w / h <= 1.6:
                out.append((x + w / 2, y + h / 2, w / 2, h / 2))
        return out
    small, f = _shrunk(grey, 1400)
    blurred = cv2.GaussianBlur(small, (5, 5), 1.2)
    circles = cv2.HoughCircles(blurred, cv2.HOUGH_GRADIENT_ALT, dp=1.5,
                               minDist=lo * f, param1=200, param2=0.75,
                               minRadius=round(lo * f / 2), maxRadius=round(hi * f / 2))
    if circles is None:
        return out
    ink = small < 170
    for cx, cy, r in circles[0]:
        if _ring_coverage(ink, cx, cy, r) >= 0.6:
            out.append((cx / f, cy / f, r / f, r / f))
    return out


def _ring_coverage(ink, cx: float, cy: float, r: float) -> float:
    """Share of the directions around (cx, cy) in which ink lies at distance ~r."""
    import numpy as np

    h, w = ink.shape
    hits = 0
    angles = np.linspace(0, 2 * math.pi, 120, endpoint=False)
    for a in angles:
        found = False
        for dr in (-2, -1, 0, 1, 2):
            x = round(cx + (r + dr) * math.cos(a))
            y = round(cy + (r + dr) * math.sin(a))
            if 0 <= x < w and 0 <= y < h and ink[y, x]:
                found = True
                break
        hits += found
    return hits / len(angles)


def _in_seal(x: float, y: float, seals, margin: float = 1.05) -> bool:
    return any(((x - cx) / (rx * margin)) ** 2 + ((y - cy) / (ry * margin)) ** 2 <= 1
               for cx, cy, rx, ry in seals)


# --------------------------------------------------------------------------- rules

def _rules(grey, seals, dpi: float, layout: LayoutSettings):
    """Ruling edges (pdfplumber-style dicts, points).

    A run of ink at least ``_RULE_MIN_PT`` long, thin and straight, is a rule
    piece.  Strokes of large type are that long too; so a piece shorter than
    ``_RULE_SURE_PT`` is kept only where both its ends meet rules across it
    (a rule closes cells; a stroke ends in the open).
    """
    import cv2
    import numpy as np

    px_per_pt = dpi / PT_PER_INCH
    block = max(15, round(4 * dpi / 25.4) | 1)
    ink = cv2.adaptiveThreshold(grey, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                block, 15)
    ink[grey > 225] = 0
    for cx, cy, rx, ry in seals:  # a seal's ring is no rule (a rule under it is joined again)
        ring = np.zeros_like(ink)
        thick = max(3, round(0.15 * min(rx, ry)))
        cv2.ellipse(ring, (round(cx), round(cy)), (round(rx), round(ry)), 0, 0, 360, 1, thick)
        ink[ring > 0] = 0
    bridge = max(2, round(1.0 * px_per_pt))  # specks of missing toner
    max_thick = max(3.0, 2.5 * px_per_pt, layout.rule_max_thickness * px_per_pt * 0.75)
    k = max(5, round(_RULE_MIN_PT * px_per_pt))
    found: dict[str, list] = {}
    for orient in ("h", "v"):
        shape = (1, bridge) if orient == "h" else (bridge, 1)
        closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones(shape, np.uint8))
        runs = cv2.morphologyEx(closed, cv2.MORPH_OPEN,
                                np.ones((1, k) if orient == "h" else (k, 1), np.uint8))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
        pieces = []
        for i in range(1, n):
            x, y, w, h, area = (int(v) for v in stats[i])
            length = w if orient == "h" else h
            if area / length > max_thick:
                continue  # a bar, not a rule
            sub = labels[y:y + h, x:x + w] == i
            centre = _centre_line(sub, orient)
            if centre is None:
                continue
            pos, spread = centre
            if spread > max(1.5, 0.004 * length):
                continue  # curved: an arc (a seal's ring), not a rule
            if orient == "h":
                pieces.append((y + pos, x, x + w, (x, y, sub)))
            else:
                pieces.append((x + pos, y, y + h, (x, y, sub)))
        found[orient] = pieces
    columns = _cluster_positions([p for p in found["v"] if p[2] - p[1] >= _RULE_SURE_PT
                                  * px_per_pt], 2 * px_per_pt)
    narrowest = min((b - a for a, b in itertools.pairwise(columns) if b - a > 6 * px_per_pt),
                    default=40 * px_per_pt)
    gaps = {"h": min(0.6 * narrowest, 15 * px_per_pt), "v": 10 * px_per_pt}
    joined = {o: _joined(found[o], 1.5 * px_per_pt, gaps[o], seals, o) for o in found}
    sure = _RULE_SURE_PT * px_per_pt
    tol = 3 * px_per_pt
    kept: dict[str, list] = {}
    for orient, other in (("h", "v"), ("v", "h")):
        long_other = [q for q in joined[other] if q[2] - q[1] >= sure]
        kept[orient] = [p for p in joined[orient] if p[2] - p[1] >= sure
                        or (_meets(p[1], p[0], long_other, tol)
                            and _meets(p[2], p[0], long_other, tol))]
    stub = max(3, round(3 * px_per_pt))
    reach = (_RULE_MIN_PT + 12) * px_per_pt
    for orient, other in (("h", "v"), ("v", "h")):
        kept[orient] = [_reaching(p, kept[other], ink, orient, reach, stub, tol)
                        for p in kept[orient]]
    scale = 1 / px_per_pt
    edges = []
    for orient, pieces in kept.items():
        for pos, a, b, _ in pieces:
            if (b - a) * scale < layout.edge_min_length:
                continue
            if orient == "h":
                e = {"x0": a * scale, "x1": b * scale, "top": pos * scale, "bottom": pos * scale}
            else:
                e = {"x0": pos * scale, "x1": pos * scale, "top": a * scale, "bottom": b * scale}
            e.update(width=e["x1"] - e["x0"], height=e["bottom"] - e["top"], orientation=orient)
            edges.append(e)
    return edges


def _cuts_text(edge: dict, chars: list[dict]) -> bool:
    """Whether ``edge`` runs through the middle of two or more characters (not seal text):
    strokes of lined-up characters, not a rule (a rule runs between cells' text)."""
    cut = 0
    for c in chars:
        if c.get("seal"):
            continue
        if edge["orientation"] == "v":
            inset = 0.25 * (c["x1"] - c["x0"])
            hit = (c["x0"] + inset < edge["x0"] < c["x1"] - inset
                   and c["top"] < edge["bottom"] and c["bottom"] > edge["top"])
        else:
            inset = 0.25 * (c["bottom"] - c["top"])
            hit = (c["top"] + inset < edge["top"] < c["bottom"] - inset
                   and c["x0"] < edge["x1"] and c["x1"] > edge["x0"])
        cut += hit
        if cut >= 2:
            return True
    return False


def _reaching(rule, across, ink, orient: str, reach: float, stub: int, tol: float):
    """``rule`` with each end carried to the next rule across it, where a stub of it
    (``stub`` pixels of ink on its line, from that rule on) says that it was drawn
    there and broke (a piece too short to be found alone)."""
    pos, a, b, parts = rule
    p = round(pos)
    line = (ink[:, max(0, p - 1):p + 2].max(axis=1) if orient == "v"
            else ink[max(0, p - 1):p + 2, :].max(axis=0))
    for q in across:
        if not q[1] - tol <= pos <= q[2] + tol:
            continue
        at = round(q[0])
        if a - reach <= at < a - tol and line[at + 2:at + 2 + stub].all():
            a = at
        elif b + tol < at <= b + reach and line[max(0, at - 1 - stub):at - 1].all():
            b = at
    return pos, a, b, parts


def _meets(end: float, pos: float, across, tol: float) -> bool:
    """Whether a rule across (position, start, end) passes by the point ``end`` of a piece
    at ``pos``: the piece ends on it."""
    return any(abs(q[0] - end) <= tol and q[1] - tol <= pos <= q[2] + tol for q in across)


def _centre_line(sub, orient: str):
    """(mean offset of the run's centre line across it, its spread about a straight fit)."""
    import numpy as np

    along = 1 if orient == "h" else 0
    counts = sub.sum(axis=1 - along)
    idx = np.nonzero(counts)[0]
    if len(idx) < 2:
        return None
    offsets = np.arange(sub.shape[1 - along], dtype=np.float64)
    weighted = (sub * (offsets[:, None] if along == 1 else offsets[None, :])).sum(axis=1 - along)
    centres = weighted[idx] / counts[idx]
    slope, intercept = np.polyfit(idx.astype(np.float64), centres, 1)
    residual = centres - (slope * idx + intercept)
    return float(centres.mean()), float(np.abs(residual).max())


def _cluster_positions(pieces, tol: float) -> list[float]:
    out: list[list[float]] = []
    for pos in sorted(p[0] for p in pieces):
        if out and pos - out[-1][-1] <= tol:
            out[-1].append(pos)
        else:
            out.append([pos])
    return [sum(g) / len(g) for g in out]


def _joined(pieces, tol: float, gap: float, seals=(), orient: str = "h"):
    """Collinear pieces (same position within ``tol``) joined across gaps up to ``gap``,
    or of any length under a seal (whose ring was taken out of the ink): (position,
    start, end, the pieces' pixels) each."""
    groups: list[list] = []
    for p in sorted(pieces, key=lambda p: p[0]):
        if groups and p[0] - groups[-1][-1][0] <= tol:
            groups[-1].append(p)
        else:
            groups.append([p])
    out = []
    for g in groups:
        g.sort(key=lambda p: p[1])
        run = [g[0]]
        end = g[0][2]
        for p in g[1:]:
            middle = (p[1] + end) / 2
            under_seal = seals and _in_seal(*((middle, p[0]) if orient == "h" else (p[0], middle)),
                                            seals, margin=1.15)
            if p[1] - end <= gap or under_seal:
                run.append(p)
                end = max(end, p[2])
            else:
                out.extend(_split_sparse(run))
                run, end = [p], p[2]
        out.extend(_split_sparse(run))
    return out


def _merged(run):
    length = sum(p[2] - p[1] for p in run)
    pos = sum(p[0] * (p[2] - p[1]) for p in run) / length
    return (pos, min(p[1] for p in run), max(p[2] for p in run), [p[3] for p in run])


def _split_sparse(run, coverage: float = 0.75):
    """``run`` as one piece if ink covers ``coverage`` of its length, else piece by piece
    (strokes of characters in a column of text are not one broken rule)."""
    span = max(p[2] for p in run) - min(p[1] for p in run)
    if len(run) == 1 or sum(p[2] - p[1] for p in run) >= coverage * span:
        return [_merged(run)]
    return [_merged([p]) for p in run]


# --------------------------------------------------------------------------- text

def _chars(img, engine, dpi: float, seals, layout: LayoutSettings) -> list[dict]:
    """OCR'd characters of the page as pdfplumber-style dicts in points (with ``conf``)."""
    import cv2
    import numpy as np

    bgr = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    result = engine(bgr, use_det=True, use_cls=False, use_rec=True, return_word_box=True,
                    return_single_char_box=True)
    lines = getattr(result, "word_results", None) or ()
    scale = PT_PER_INCH / dpi
    chars: list[dict] = []
    for words in lines:
        boxes = []
        if len(words) == 3 and isinstance(words[0], str):
            words = (words,)  # a page read as nothing comes back as one bare ('', 1.0, None)
        for word in words:
            if len(word) != 3:  # an empty entry: nothing recognised in that box
                continue
            text, conf, box = word
            if not text or text.isspace() or box is None:
                continue
            pts = np.asarray(box, dtype=np.float64)
            x0, x1 = pts[:, 0].min(), pts[:, 0].max()
            y0, y1 = pts[:, 1].min(), pts[:, 1].max()
            boxes.append((text, float(conf), x0, x1, y0, y1))
        if not boxes:
            continue
        tall = len(boxes) > 1 and (boxes[-1][4] - boxes[0][4]) > (boxes[-1][2] - boxes[0][2])
        line_chars = []
        for text, conf, x0, x1, y0, y1 in boxes:
            # The detector's box is taller than the type; a CJK glyph is as wide as its size.
            size = min(x1 - x0, y1 - y0) if tall else min(y1 - y0, max(x1 - x0, (y1 - y0) / 1.6))
            cy = (y0 + y1) / 2
            ch = {"text": text, "x0": x0 * scale, "x1": x1 * scale,
                  "top": (cy - size / 2) * scale, "bottom": (cy + size / 2) * scale,
                  "size": size * scale, "upright": True, "conf": round(conf, 4)}
            if seals and _in_seal((x0 + x1) / 2, cy, seals):
                ch["seal"] = True
            line_chars.append(ch)
        _print_width(line_chars, dict(layout.ocr_full_width))
        _mark_seal_words(line_chars, layout.seal_words)
        # A seal word inside a seal is the seal's own text ("专用章"), not the page's.
        chars.extend(c for c in line_chars if not (c.get("seal_word") and seals and _in_seal(
            (c["x0"] + c["x1"]) / 2 / scale, (c["top"] + c["bottom"]) / 2 / scale, seals)))
    return chars


def _print_width(chars: list[dict], full: dict[str, str]) -> None:
    """Punctuation beside a Chinese character as printed: full width.

    The recogniser reads a printed "（" or "，" as its ASCII form; in Chinese
    running text these marks are full width, so beside an ideograph they are
    given back that way (the character's confidence stays what it was).
    """
    for i, ch in enumerate(chars):
        wide = full.get(ch["text"])
        if wide is None:
            continue
        near = [chars[j]["text"] for j in (i - 1, i + 1) if 0 <= j < len(chars)]
        if any(_HAN.match(t) for t in near):
            ch["text"] = wide


def _red_ink(ch: dict, grey, red, dpi: float) -> bool:
    """Whether the character was printed in red (a colour page read in its red channel
    ``grey``): red ink in its box, and hardly any black (black over red stays black)."""
    s = dpi / PT_PER_INCH
    y0, y1 = max(0, int(ch["top"] * s)), int(ch["bottom"] * s) + 1
    x0, x1 = max(0, int(ch["x0"] * s)), int(ch["x1"] * s) + 1
    area = max(1, (y1 - y0) * (x1 - x0))
    n_red = int(red[y0:y1, x0:x1].sum())
    n_black = int((grey[y0:y1, x0:x1] < 110).sum())
    return n_red > 0.05 * area and n_black < 0.03 * area


def _mark_seal_words(chars: list[dict], words: tuple[str, ...]) -> None:
    """Mark the characters of words typical of seal text (专用章…) read anywhere."""
    text = "".join(c["text"] for c in chars)
    if len(text) != len(chars):
        return
    for word in words:
        start = text.find(word)
        while start >= 0:
            for c in chars[start:start + len(word)]:
                c["seal"] = c["seal_word"] = True
            start = text.find(word, start + 1)
