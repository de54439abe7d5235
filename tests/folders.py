"""Build extracted folders for tests without a PDF (validation, diff, dataset tests).

    write_folder(frames, notice, out_dir) → out_dir   any frames, written as extract does
    gold_folder(gold_path, out_dir, pdf=None) → out_dir   the gold as a good extraction

A folder holds ``<table>.parquet`` and ``<table>.csv`` (UTF-8 with BOM) per table
and ``notice.json``, as CONTRACT.md describes.  Frames are written as given, so a
test may break them first (drop a row, blank a cell, change a type).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from pipeline import schema
from tests.goldtables import FIXTURES, GOLD_2021, GOLD_2023, gold_frames, load_gold

ROOT = FIXTURES.parent.parent
#: The PDF each gold file describes (its sha256 goes into notice.json).
GOLD_PDF = {GOLD_2021: ROOT / "raw" / "notice-2021.pdf",
            GOLD_2023: FIXTURES / "notice-2023-synthetic-INVENTED.pdf"}


def write_folder(frames: dict, notice: dict, out_dir: Path) -> Path:
    """Write ``frames`` (table name → DataFrame) and ``notice`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_parquet(out_dir / f"{name}.parquet", index=False)
        frame.to_csv(out_dir / f"{name}.csv", index=False, encoding="utf-8-sig")
    (out_dir / "notice.json").write_text(json.dumps(notice, ensure_ascii=False, indent=1),
                                         encoding="utf-8")
    return out_dir


def gold_frames_filled(gold_path: Path) -> dict:
    """The gold's tables with citation article and paragraph numbers filled in, as the
    pipeline must fill them (null where the printed numeral is not valid)."""
    frames = gold_frames(load_gold(gold_path))
    cites = frames["citations"].copy()
    numbers = [_article_numbers(ref) for ref in cites["article_ref"].tolist()]
    cites["article"] = [a for a, _ in numbers]
    cites["paragraph"] = [p for _, p in numbers]
    frames["citations"] = schema.CITATIONS.conform(cites)
    return frames


def gold_notice(gold_path: Path, pdf: Path | None = None) -> dict:
    """notice.json for the gold: its notice fields, item count and source PDF."""
    gold = load_gold(gold_path)
    pdf = Path(pdf or GOLD_PDF[Path(gold_path)])
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    notice = {k: gold["notice"].get(k) for k in schema.NOTICE_FIELDS}
    notice.update(version=f"{gold['notice'].get('date')}_{digest[:8]}",
                  item_count=len(gold["items"]), source_file=pdf.name, source_sha256=digest)
    return notice


def gold_folder(gold_path: Path, out_dir: Path, pdf: Path | None = None) -> Path:
    """An extracted folder holding exactly the gold (pages unknown: all 1)."""
    return write_folder(gold_frames_filled(gold_path), gold_notice(gold_path, pdf), out_dir)


def _article_numbers(ref) -> tuple[int | None, int | None]:
    from pipeline.text.numerals import parse_numeral

    if not isinstance(ref, str):
        return None, None
    article = re.match(r"第?([^第条款]+)条", ref)
    paragraph = re.search(r"第([^第条款]+)款", ref)
    return (parse_numeral(article.group(1)) if article else None,
            parse_numeral(paragraph.group(1)) if paragraph else None)
