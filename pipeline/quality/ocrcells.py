"""What a person should check in a list read by OCR: one row per OCR'd cell and page.

    list_ocr_cells(raw_items, items, key) → (``ocr_cells`` rows, files {path: PNG bytes})

A cell is flagged where a character was read below the confidence threshold
(``LayoutSettings.ocr_low_conf``) or looks like seal text; the reader left a
crop of each flagged cell on its first OCR'd line (``model.OcrMarks.crop``),
written as ``ocr/<seq>-<field>.png`` (``-p<page>`` added for the part of a
cell on a later page).  Cells of text that was not OCR'd give no rows.
"""

from __future__ import annotations

from ..model import Line, RawItem

#: Folder of the crops inside a version folder.
CROP_FOLDER = "ocr"


def list_ocr_cells(raw_items: list[RawItem], items: list[dict],
                   key: str = "seq") -> tuple[list[dict], dict[str, bytes]]:
    """Rows of ``schema.OCR_CELLS`` for the OCR'd cells of ``raw_items`` (whose cleaned
    rows are ``items``, same order; ``key``: the profile's key field), and the crops
    of the flagged ones by relative path."""
    rows: list[dict] = []
    files: dict[str, bytes] = {}
    for raw, item in zip(raw_items, items, strict=True):
        seq = item.get("seq")
        for field, lines in raw.lines.items():
            by_page: dict[int, list[Line]] = {}
            for ln in lines:
                if ln.conf is not None and ln.ocr is not None:
                    by_page.setdefault(ln.ocr.page, []).append(ln)
            for k, (page, group) in enumerate(sorted(by_page.items())):
                name = "seq" if field == key else field
                low = "".join(ln.ocr.low for ln in group)
                seal = "".join(ln.ocr.seal for ln in group)
                crop = next((ln.ocr.crop for ln in group if ln.ocr.crop), None)
                path = None
                if crop is not None and (low or seal):
                    path = f"{CROP_FOLDER}/{seq}-{name}{f'-p{page}' if k else ''}.png"
                    files[path] = crop
                rows.append({"seq": seq, "field": name, "page": page,
                             "conf": min(ln.conf for ln in group),
                             "text": "\n".join(ln.text for ln in group),
                             "low_chars": low, "seal_chars": seal,
                             "flagged": bool(low or seal), "crop": path})
    return rows, files
