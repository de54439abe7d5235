"""The extraction chain: one notice file in, the notice's tables out (in memory).

    run(path) = read_document → join_bands → drop_headers → stitch_rows
                → account_pages → clean_items → describe_sheets → parse_items,
                with read_notice alongside

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
from .table.sheets import describe_sheets
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
    # publisher defects kept as printed, pages or cells not read in full
    warnings: list[str] = field(default_factory=list)

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
    fmt = None
    try:
        fmt = detect_format(path)
        doc = _read(path, fmt, converted, layout, limits)
        banding = join_bands(doc.pages, layout) if doc.paginated else None
        table = drop_headers(_with_bands(doc, banding), choose_profiles(profile), layout,
                             doc.paginated)
        table.page_names = {s["page"]: s["name"] for s in doc.sheets if s["page"]}
        raw_items = stitch_rows(table, layout)
        account = account_pages(doc.pages, table, raw_items, banding) if doc.paginated else None
        _release_pages(doc, table, account)
        items = clean_items(raw_items, table)
        sheets, sheet_notes = describe_sheets(doc, table, items)
        rows, ocr_files = _rows(doc, table, raw_items, items)
        notice = read_notice(doc.pages, table, doc.paginated)
    except PipelineError as e:
        raise _with_note(e.located(str(path)), fmt) from None
    doc.notes += sheet_notes + _ocr_facts_note(doc, table)
    return _extraction(path, doc, table, banding, account, notice, sheets, rows, ocr_files)


def _read(path: Path, fmt: Format, converted: tuple[Path, Format] | None,
          layout: LayoutSettings, limits: Limits):
    """The document of ``path`` (or of what it was converted to), its format's note first."""
    if converted is None:
        doc = read_document(path, layout, limits, fmt)
    else:
        doc = read_document(converted[0], layout, limits, converted[1])
        doc.source_format = fmt.kind
    if fmt.note:
        doc.notes.insert(0, fmt.note)
    return doc


def _with_bands(doc, banding) -> list:
    """The document's pages with column bands joined (``join_bands``), its note kept."""
    if banding is not None:
        doc.pages = banding.pages
        doc.notes += [banding.note] if banding.note else []
    return doc.pages


def _release_pages(doc, table, account) -> None:
    """Once the pages are accounted for (their notes kept), the stitched rows hold the
    table: the pages keep only what the notice facts need (a long list is not held twice)."""
    doc.notes += account.notes if account is not None else []
    table.fragments = []
    for page in doc.pages:
        page.rows = []


def _rows(doc, table, raw_items: list[dict], items: list[dict]
          ) -> tuple[dict[str, list[dict]], dict[str, bytes]]:
    """Rows per output table (items, parsed cells, columns, sub_items, ocr_cells) and the
    PNG crops of OCR'd cells."""
    if not doc.paginated:
        for item in (*items, *table.sub_items):
            item["page_start"] = item["page_end"] = None
    columns = [{"position": c.index + 1, "field": c.field, "label": c.label, "role": c.role,
                "span": c.span} for c in table.columns]
    rows = {"items": items, **_parse(items, table), "columns": columns}
    if table.profile.sub_items:
        rows["sub_items"] = table.sub_items
    by_row = table.profile.key_as_printed  # (OCR cells are keyed by the item's row)
    ocr_cells, files = list_ocr_cells(raw_items, [{"seq": i["row"]} for i in items]
                                      if by_row else items, table.profile.key_field)
    if ocr_cells:  # (only sources with OCR'd text have the table)
        rows["ocr_cells"] = ocr_cells
    return rows, files


def _ocr_facts_note(doc, table) -> list[str]:
    """A note where the notice's own facts (before the table) were read by OCR."""
    if any(ln.conf is not None for page in doc.pages if page.number <= table.pages[0]
           for ln in page.outside):
        return ["the notice's own facts (document number, date, title, issuers) were read "
                "by OCR and no check covers them: compare them with the scan"]
    return []


def _extraction(path: Path, doc, table, banding, account, notice: dict, sheets,
                rows: dict[str, list[dict]], files: dict[str, bytes]) -> Extraction:
    """The notice (notice.json's fields), the rows, their tables and the reader's
    notes and warnings, as one ``Extraction``."""
    digest = sha256_file(path)
    notice.update({
        "version": version_name(notice.get("date"), digest),
        "item_count": len(rows["items"]),
        "source_file": path.name,
        "source_sha256": digest,
        "source_format": doc.source_format,
        "profile": table.profile.name,
        "notes": doc.notes,
        "page_count": doc.page_count,
        "table_pages": [table.pages[0], table.pages[-1]] if doc.paginated else None,
        "sheets": sheets,
        "warnings": table.warnings,
        "column_bands": ({"order": banding.order, "pages": banding.bands}
                         if banding is not None and banding.bands else None),
        "unread_pages": account.unread_pages if account is not None else None,
        "clipped_cells": account.clipped_cells if account is not None else None,
        "pipeline_version": __version__,
        "extracted_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    })
    tables = schema.version_tables(table.profile.tables, rows["columns"])
    if "ocr_cells" in rows:
        tables = (*tables, schema.OCR_CELLS)
    return Extraction({k: notice.get(k) for k in schema.NOTICE_FIELDS}, rows, tables,
                      doc.notes, files,
                      [*table.warnings, *(account.warnings if account is not None else [])])


def _parse(items: list[dict], table) -> dict[str, list[dict]]:
    """``parse_items`` with the profile's parsers, rows keyed by its key fields (a
    权责清单's by (sheet, row)); a cell the citation parser could not read (kept whole,
    ``parsed`` false) is warned about, naming the cell."""
    profile = table.profile
    key = schema.POWER_KEY if profile.key_as_printed else (profile.key_field,)
    rows = parse_items(items, table.columns, dict(profile.parsers), key)
    unread = [r for r in rows.get("citations", ()) if r.get("parsed") is False]
    if unread:
        seqs = {tuple(i[k] for k in key): i.get("seq") for i in items}
        for r in unread:
            at = tuple(r[k] for k in key)
            where = f"sheet '{r['sheet']}', " if r.get("sheet") else ""
            table.warnings.append(
                f"{where}item {at[-1]} (序号 {seqs.get(at)!r}), column {r['field']}: the "
                "citation parser could not read the cell; kept whole in citations.article_text")
    return rows


def _with_note(error: PipelineError, fmt: Format | None) -> PipelineError:
    """``error`` saying, where the file's name and content disagree, that it was read
    as its content (the user may have meant another file)."""
    if fmt is not None and fmt.note and fmt.note not in error.what:
        error.what = f"{error.what} ({fmt.note})"
        error.args = (error.message(),)
    return error


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
