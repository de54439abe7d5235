"""The extraction chain: one PDF in, the notice's tables out (in memory).

    run(pdf) = read_pdf → find_tables → drop_headers → stitch_rows → clean_items
               → parse_items, with read_notice alongside

Nothing here writes files; ``write.write_extraction`` does, in the parent
process, after ``run`` has finished in a child (see ``sandbox``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import __version__, schema
from .clean import clean_items
from .errors import PipelineError
from .header import drop_headers
from .notice import read_notice
from .parse import parse_items
from .read import read_pdf
from .settings import DEFAULT_LAYOUT, DEFAULT_LIMITS, LayoutSettings, Limits
from .stitch import stitch_rows
from .tables import find_tables


@dataclass
class Extraction:
    """What one notice yields: ``notice`` (notice.json) and rows per output table."""

    notice: dict
    rows: dict[str, list[dict]] = field(default_factory=dict)

    def frames(self) -> dict:
        """Typed DataFrames per table name, in schema order."""
        return {t.name: t.frame(self.rows.get(t.name, [])) for t in schema.EXTRACTION_TABLES}


def run(pdf: Path, layout: LayoutSettings = DEFAULT_LAYOUT,
        limits: Limits = DEFAULT_LIMITS) -> Extraction:
    """Extract the list in ``pdf``; raise ``PipelineError`` (file named) if it cannot."""
    pdf = Path(pdf)
    try:
        pages = [find_tables(page, layout) for page in read_pdf(pdf, layout, limits)]
        table = drop_headers(pages, layout)
        items = clean_items(stitch_rows(table, layout), layout)
        rows = {"items": items, **parse_items(items)}
        notice = read_notice(pages, table)
    except PipelineError as e:
        raise e.located(str(pdf)) from None
    digest = sha256_file(pdf)
    notice.update({
        "version": version_name(notice.get("date"), digest),
        "item_count": len(items),
        "source_file": pdf.name,
        "source_sha256": digest,
        "page_count": len(pages),
        "table_pages": [table.pages[0], table.pages[-1]],
        "pipeline_version": __version__,
        "extracted_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    })
    return Extraction({k: notice.get(k) for k in schema.NOTICE_FIELDS}, rows)


def version_name(date: str | None, digest: str) -> str:
    """Folder name of a version: date first so versions sort, then a short file hash.

    A PDF without a notice date (the attachment alone) is named from its hash.
    """
    if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return f"{date}_{digest[:8]}"
    return f"undated_{digest[:12]}"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
