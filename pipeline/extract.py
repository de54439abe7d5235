"""The extraction chain: one notice file in, the notice's tables out (in memory).

    run(path) = read_document → join_bands → drop_headers → stitch_rows
                → account_pages → clean_items → parse_items, with read_notice alongside

``read_document`` picks the reader for the file's format (PDF, scanned PDF,
Word, Excel, web page: ``readers``); every later stage is shared.  Nothing
here writes files; ``write.write_tables`` does, in the parent process, after
``run`` has finished in a child (see ``sandbox``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import __version__, schema
from .cells.parse import parse_items
from .errors import PipelineError
from .profiles import AUTO, load_profiles
from .quality.ocrcells import list_ocr_cells
from .readers import Format, detect_format, read_document
from .settings import DEFAULT_LAYOUT, DEFAULT_LIMITS, LayoutSettings, Limits
from .table.account import account_pages
from .table.bands import join_bands
from .table.clean import clean_items
from .table.header import drop_headers
from .table.notice import read_notice
from .table.stitch import stitch_rows


@dataclass
class Extraction:
    """What one notice yields: ``notice`` (notice.json), rows per output table, and
    the tables' definitions (``schema.version_tables``: fixed for a specific profile,
    built from the printed columns for the generic one); ``files``: other files of
    the version folder by relative path (PNG crops of OCR'd cells, "ocr/<seq>-<field>.png")."""

    notice: dict
    rows: dict[str, list[dict]] = field(default_factory=dict)
    tables: tuple[schema.Table, ...] = schema.EXTRACTION_TABLES
    notes: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # pages or cells not read in full

    def frames(self, release: bool = False) -> dict:
        """Typed DataFrames per table name, in schema order.  ``release``: let go of each
        table's rows once its frame is built (``rows`` is left empty), so that a long
        list is not held twice."""
        if not release:
            return {t.name: t.frame(self.rows.get(t.name, [])) for t in self.tables}
        return {t.name: t.frame(self.rows.pop(t.name, [])) for t in self.tables}


def run(path: Path, layout: LayoutSettings = DEFAULT_LAYOUT,
        limits: Limits = DEFAULT_LIMITS, profile: str = AUTO,
        converted: tuple[Path, Format] | None = None) -> Extraction:
    """Extract the list in the notice file ``path`` with ``profile`` (a name, or
    ``auto``: the profile whose columns fit the table best); raise
    ``PipelineError`` (file named) if it cannot.

    ``converted``: what ``readers.prepare_source`` made of ``path`` (read instead
    of it; the notice still names ``path``, its hash and its format).
    """
    path = Path(path)
    try:
        fmt = detect_format(path)
        if converted is None:
            doc = read_document(path, layout, limits, fmt)
        else:
            doc = read_document(converted[0], layout, limits, converted[1])
            doc.source_format = fmt.kind
        banding = join_bands(doc.pages, layout) if doc.paginated else None
        if banding is not None:
            doc.pages = banding.pages
            doc.notes += [banding.note] if banding.note else []
        table = drop_headers(doc.pages, choose_profiles(profile), layout, doc.paginated)
        if table.pages[0] in doc.page_labels:
            doc.notes.append(f"the list is on {doc.page_labels[table.pages[0]]}")
        raw_items = stitch_rows(table, layout)
        account = account_pages(doc.pages, table, raw_items, banding) if doc.paginated else None
        doc.notes += account.notes if account is not None else []
        # (the rows are in raw_items now: the pages keep only what notice facts need)
        table.fragments = []
        for page in doc.pages:
            page.rows = []
        items = clean_items(raw_items, table)
        if not doc.paginated:
            for item in items:
                item["page_start"] = item["page_end"] = None
        columns = [{"position": c.index + 1, "field": c.field, "label": c.label, "role": c.role}
                   for c in table.columns]
        rows = {"items": items, **parse_items(items, table.columns), "columns": columns}
        ocr_cells, files = list_ocr_cells(raw_items, items, table.profile.key_field)
        notice = read_notice(doc.pages, table, doc.paginated)
        if any(ln.conf is not None for page in doc.pages if page.number <= table.pages[0]
               for ln in page.outside):
            doc.notes.append("the notice's own facts (document number, date, title, issuers) "
                             "were read by OCR and no check covers them: compare them with "
                             "the scan")
    except PipelineError as e:
        raise e.located(str(path)) from None
    digest = sha256_file(path)
    notice.update({
        "version": version_name(notice.get("date"), digest),
        "item_count": len(items),
        "source_file": path.name,
        "source_sha256": digest,
        "source_format": doc.source_format,
        "profile": table.profile.name,
        "notes": doc.notes,
        "page_count": doc.page_count,
        "table_pages": [table.pages[0], table.pages[-1]] if doc.paginated else None,
        "column_bands": ({"order": banding.order, "pages": banding.bands}
                         if banding is not None and banding.bands else None),
        "unread_pages": account.unread_pages if account is not None else None,
        "clipped_cells": account.clipped_cells if account is not None else None,
        "pipeline_version": __version__,
        "extracted_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    })
    tables = schema.version_tables(table.profile.generic, columns)
    if ocr_cells:  # (only sources with OCR'd text have the table)
        rows["ocr_cells"] = ocr_cells
        tables = (*tables, schema.OCR_CELLS)
    return Extraction({k: notice.get(k) for k in schema.NOTICE_FIELDS}, rows, tables,
                      doc.notes, files, account.warnings if account is not None else [])


def choose_profiles(name: str = AUTO) -> list:
    """The profiles to try: all of them for ``auto`` (specific first), else the one named.

    Raises ``PipelineError`` for a name no profile has, listing those there are.
    """
    profiles = load_profiles()
    if name == AUTO:
        return list(profiles.values())
    if name not in profiles:
        raise PipelineError(f"no list profile named {name!r}",
                            hint=f"choose one of {', '.join([AUTO, *profiles])}")
    return [profiles[name]]


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
