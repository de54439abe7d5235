"""Scanned notices, made from text PDFs: what a scanner and a photocopier do to a page.

    render_pages(pdf, dpi, pages)              clean RGB images of the pages (pypdfium2)
    degrade(image, dpi, Scan(...))             one page as a scanner returns it
    scan_pdf(pdf, out, Scan(...), pages, text_pages)   an image-only (or mixed) PDF

A ``Scan`` says what happens to each page: resolution, tilt, noise, JPEG
artefacts, grey or colour, a red seal (over text or over the table), a rule
broken by noise, punch holes and a dark margin, a page turned upside down or
sideways.  The expected extraction of a scan is the gold of its source PDF.

    .venv/bin/python -m tests.formats.scan SRC.pdf OUT.pdf [--dpi 200] [--tilt 1.2]
        [--noise 8] [--jpeg 60] [--colour] [--seal text|table] [--broken] [--holes]
        [--turn 90|180|270] [--pages 3,4] [--text-pages 1,2]
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from pathlib import Path

SEAL_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SEAL_INK = (214, 38, 48)
MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Scan:
    """How a page is scanned; the defaults are a clean 200-dpi grey scan."""

    dpi: int = 200
    tilt: float = 0.0  # degrees, counter-clockwise
    noise: float = 0.0  # standard deviation of grey noise (0–255 scale); also sprinkles dust
    jpeg: int | None = None  # JPEG quality of the embedded image (None: lossless)
    colour: bool = False
    seal: str | None = None  # "text": over the signature on the last text page; "table": over a
    #                          table page; "all": both
    seal_pages: tuple[int, ...] = ()  # 1-based pages that get the seal (default: chosen)
    broken: bool = False  # a column rule and a row rule broken in places by noise
    holes: bool = False  # two punch holes and a dark margin along the left edge
    turn: int = 0  # the page scanned turned by this many degrees (0, 90, 180, 270)
    turn_pages: tuple[int, ...] = ()  # 1-based pages turned (default: every page)
    seed: int = 0


def render_pages(pdf: Path, dpi: int = 200, pages: list[int] | None = None) -> list:
    """Clean RGB Pillow images of ``pages`` (1-based; default all) of ``pdf``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        numbers = pages or list(range(1, len(doc) + 1))
        return [doc[n - 1].render(scale=dpi / 72).to_pil().convert("RGB") for n in numbers]
    finally:
        doc.close()


def degrade(image, number: int, scan: Scan, seal_here: bool = False):
    """``image`` (clean RGB page ``number``) as ``scan`` would return it (RGB or L)."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = random.Random(scan.seed * 1000 + number)
    img = image.convert("RGB")
    if scan.broken:
        img = _break_rules(img, scan.dpi, rng)
    if seal_here:
        img = _stamp(img, scan.dpi, rng)
    if scan.holes:
        img = _holes(img, scan.dpi)
    if scan.tilt:
        img = img.rotate(scan.tilt, resample=Image.Resampling.BICUBIC, expand=False,
                         fillcolor=(255, 255, 255))
    turned = scan.turn and (not scan.turn_pages or number in scan.turn_pages)
    if turned:
        img = img.rotate(scan.turn, expand=True)
    if scan.noise:
        img = img.filter(ImageFilter.GaussianBlur(0.6))
        arr = np.asarray(img).astype(np.float32)
        nrng = np.random.default_rng(scan.seed * 1000 + number)
        arr += nrng.normal(0, scan.noise, arr.shape[:2])[:, :, None]
        dust = nrng.random(arr.shape[:2]) < scan.noise / 20000
        arr[dust] = 40
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return img if scan.colour else img.convert("L")


def scan_pdf(pdf: Path, out: Path, scan: Scan = Scan(), pages: list[int] | None = None,
             text_pages: tuple[int, ...] = ()) -> Path:
    """Write ``out``: ``pages`` of ``pdf`` (1-based; default all) as scanned images, except
    ``text_pages``, copied as they are (a body typed, an attachment scanned)."""
    import io

    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(pdf))
    numbers = pages or list(range(1, len(src) + 1))
    src.close()
    scanned = [n for n in numbers if n not in text_pages]
    seal_pages = _seal_pages(pdf, scan, scanned)
    images = dict(zip(scanned, render_pages(pdf, scan.dpi, scanned), strict=True))
    out = Path(out)
    dest = pdfium.PdfDocument.new()
    text_src = pdfium.PdfDocument(str(pdf)) if text_pages else None
    for n in numbers:
        if n in text_pages:
            dest.import_pages(text_src, [n - 1])
            continue
        img = degrade(images.pop(n), n, scan, seal_here=n in seal_pages)
        buf = io.BytesIO()
        if scan.jpeg:
            img.save(buf, "JPEG", quality=scan.jpeg)
        else:
            img.save(buf, "PNG")
        _append_image_page(dest, img, buf.getvalue(), scan.dpi, bool(scan.jpeg))
    dest.save(str(out))
    dest.close()
    if text_src is not None:
        text_src.close()
    return out


def _append_image_page(dest, img, data: bytes, dpi: int, jpeg: bool) -> None:
    """One page of the image's size at ``dpi``, the image covering it."""
    import pypdfium2 as pdfium

    width, height = img.size[0] * 72 / dpi, img.size[1] * 72 / dpi
    page = dest.new_page(width, height)
    obj = pdfium.PdfImage.new(dest)
    if jpeg:
        import io

        obj.load_jpeg(io.BytesIO(data), inline=False)
    else:
        obj.set_bitmap(pdfium.PdfBitmap.from_pil(img))
    obj.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(obj)
    page.gen_content()
    page.close()


def _seal_pages(pdf: Path, scan: Scan, scanned: list[int]) -> set[int]:
    """Where the seal goes: the last page before the table (the signature) and/or the
    first table page."""
    if scan.seal_pages:
        return set(scan.seal_pages)
    if not scan.seal:
        return set()
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        landscape = [i + 1 for i in range(len(doc)) if doc[i].get_width() > doc[i].get_height()]
    finally:
        doc.close()
    first_table = landscape[0] if landscape else 1
    out = set()
    if scan.seal in ("text", "all"):
        out.add(max(first_table - 1, 1))
    if scan.seal in ("table", "all"):
        out.add(first_table)
    return out & set(scanned)


def _stamp(img, dpi: int, rng: random.Random):
    """A round red seal (ring, star, name along the arc, 专用章) multiplied onto the page:
    over the signature (the last issuers and the date) of a portrait page, over the
    table's middle columns on a landscape one."""
    from PIL import Image, ImageChops, ImageDraw, ImageFont

    px = dpi / 25.4  # pixels per millimetre
    size = int(44 * px)
    layer = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(layer)
    ring = max(int(1.2 * px), 2)
    draw.ellipse((ring, ring, size - ring, size - ring), outline=SEAL_INK, width=ring)
    c = size / 2
    star = [(c + (7 * px if k % 2 == 0 else 2.8 * px) * math.sin(k * math.pi / 5),
             c - (7 * px if k % 2 == 0 else 2.8 * px) * math.cos(k * math.pi / 5))
            for k in range(10)]
    draw.polygon(star, fill=SEAL_INK)
    font = ImageFont.truetype(SEAL_FONT, int(5.5 * px))
    name = "重庆市民政局业务"
    for k, ch in enumerate(name):
        angle = -110 + 220 * (k + 0.5) / len(name)
        glyph = Image.new("L", (int(7 * px), int(7 * px)), 0)
        ImageDraw.Draw(glyph).text((glyph.size[0] / 2, glyph.size[1] / 2), ch, font=font,
                                   fill=255, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
        r = size / 2 - ring - 5 * px
        x = c + r * math.sin(math.radians(angle)) - glyph.size[0] / 2
        y = c - r * math.cos(math.radians(angle)) - glyph.size[1] / 2
        layer.paste(Image.new("RGB", glyph.size, SEAL_INK), (int(x), int(y)), glyph)
    small = ImageFont.truetype(SEAL_FONT, int(4.5 * px))
    draw.text((c, c + 12 * px), "专用章", font=small, fill=SEAL_INK, anchor="mm")
    layer = layer.rotate(rng.uniform(-15, 15), resample=Image.Resampling.BICUBIC,
                         fillcolor=(255, 255, 255))
    w, h = img.size
    if w > h:  # a table page: over the middle of the table
        x = int(w * rng.uniform(0.45, 0.55) - size / 2)
        y = int(h * rng.uniform(0.45, 0.6) - size / 2)
    else:  # over the signature: the last issuers and the date
        x, y = int(w * 0.30 - size / 2), int(h * 0.77 - size / 2)
    box = (x, y, x + size, y + size)
    out = img.copy()
    out.paste(ImageChops.multiply(img.crop(box), layer), box)
    return out


def _break_rules(img, dpi: int, rng: random.Random):
    """Gaps in the longest vertical and horizontal rule: toner that did not take."""
    import numpy as np
    from PIL import Image

    arr = np.asarray(img).copy()
    dark = arr.min(axis=2) < 100
    px = dpi / 25.4  # pixels per millimetre
    for axis in (0, 1):
        runs = dark.sum(axis=axis)
        line = int(np.argmax(runs))
        if runs[line] < dark.shape[axis] * 0.3:
            continue
        span = np.nonzero(dark[:, line] if axis == 0 else dark[line, :])[0]
        # (gaps away from the rule's ends: a rule missing over a whole header row
        # cannot be told from a cell spanning columns)
        lo, hi = int(span.min() + 10 * px), int(span.max() - 10 * px)
        if hi - lo < 40:
            continue
        for _ in range(4):
            start = rng.randint(lo, max(lo, hi - 20))
            gap = int(rng.uniform(1.0, 3.0) * px)
            sl = slice(start, start + gap)
            if axis == 0:
                arr[sl, line - 3:line + 4] = 255
            else:
                arr[line - 3:line + 4, sl] = 255
    return Image.fromarray(arr)


def _holes(img, dpi: int):
    """A dark scanner margin along the left edge and two punch holes beside it."""
    from PIL import ImageDraw

    px = dpi / 25.4
    out = img.copy()
    draw = ImageDraw.Draw(out)
    w, h = out.size
    side_w = int(6 * px)
    draw.rectangle((0, 0, side_w, h), fill=(35, 35, 35))
    draw.rectangle((0, 0, w, int(3 * px)), fill=(50, 50, 50))
    r = 3 * px
    for frac in (0.3, 0.7):
        cx, cy = 14 * px, h * frac
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(25, 25, 25))
    return out


def _main(argv: list[str] | None = None) -> None:
    import argparse

    p = argparse.ArgumentParser(prog="python -m tests.formats.scan")
    p.add_argument("src", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--dpi", type=int, default=200)
    p.add_argument("--tilt", type=float, default=0.0)
    p.add_argument("--noise", type=float, default=0.0)
    p.add_argument("--jpeg", type=int)
    p.add_argument("--colour", action="store_true")
    p.add_argument("--seal", choices=("text", "table", "all"))
    p.add_argument("--broken", action="store_true")
    p.add_argument("--holes", action="store_true")
    p.add_argument("--turn", type=int, default=0)
    p.add_argument("--pages", type=lambda s: [int(x) for x in s.split(",")])
    p.add_argument("--text-pages", type=lambda s: tuple(int(x) for x in s.split(",")),
                   default=())
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    scan = Scan(a.dpi, a.tilt, a.noise, a.jpeg, a.colour, a.seal, (), a.broken, a.holes,
                a.turn, (), a.seed)
    print(scan_pdf(a.src, a.out, scan, a.pages, a.text_pages))


if __name__ == "__main__":
    _main()

__all__ = ["Scan", "degrade", "render_pages", "replace", "scan_pdf"]
