"""validation.json and validation.html: the report of one validation, written into the
folder it checked.

    write_report(result, folder) → validation.json (every check, machine-readable) and a
    self-contained validation.html (failed checks first, OCR'd cells to look at with their
    crops, warnings, then every check table by table)
"""

from __future__ import annotations

import base64
import html
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import PipelineError
from .rows import file_inside, row_label

if TYPE_CHECKING:
    from .result import Check, ValidationResult

REPORT_JSON = "validation.json"
REPORT_HTML = "validation.html"
#: Crops larger than this are linked from validation.html, not embedded.
MAX_EMBED_BYTES = 256 * 1024


def write_report(result: ValidationResult, folder: Path) -> None:
    """Write ``result`` as validation.json and validation.html into ``folder`` (each
    replaced in one step).  Crops of flagged OCR cells are read from ``folder``.
    Raises ``PipelineError`` if a report cannot be written."""
    data = {**result.to_dict(),
            "validated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    _write_atomic(folder / REPORT_JSON,
                  json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
    _write_atomic(folder / REPORT_HTML, _html(result, data, folder))


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise PipelineError(f"cannot write the validation report: {e.strerror or e}",
                            file=str(path)) from None


_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
.badge{display:inline-block;padding:.2em .7em;border-radius:.3em;color:#fff;font-weight:bold}
.pass{background:#2e7d32}.fail{background:#c62828}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}tr.error td:first-child{background:#ffcdd2}
tr.warning td:first-child{background:#fff3c4}tr.info td:first-child{background:#e3f2fd}
tr.ok td:first-child{background:#dcedc8}td.k{white-space:nowrap;font-weight:bold;width:12em}
code{font-family:ui-monospace,monospace;font-size:.95em}
td.crop img{max-width:28em;max-height:10em;border:1px solid #999}
"""


def _html(result: ValidationResult, data: dict, folder: Path) -> str:
    """The report as one HTML page: inline CSS, no script, nothing fetched from anywhere
    (crops of OCR'd cells embedded as data; a very large one linked relatively)."""
    e = html.escape
    notice = result.notice
    status = "pass" if result.success else "fail"
    facts = [("folder", result.folder), ("document", notice.get("doc_no")),
             ("title", notice.get("title")), ("source file", notice.get("source_file")),
             ("sha256", notice.get("source_sha256")),
             ("source format", notice.get("source_format")),
             ("profile / suite", f"{notice.get('profile') or '?'} / {result.suite}"),
             ("items", result.items),
             ("expected items", result.expected_items if result.expected_items is not None
              else "not recorded"), ("count from", result.expected_source),
             ("checks", result.summary()), ("validated at", data["validated_at"]),
             ("great_expectations", result.great_expectations_version)]
    name = Path(result.folder).name
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>Validation {e(name)}</title>",
           f"<style>{_CSS}</style></head><body>",
           f"<h1>Validation of {e(name)} "
           f'<span class="badge {status}">{"PASSED" if result.success else "FAILED"}</span></h1>',
           "<table>"]
    out += [f'<tr><td class="k">{e(k)}</td><td>{e("" if v is None else str(v))}</td></tr>'
            for k, v in facts]
    out.append("</table>")
    if result.failures:
        out.append(f"<h2>Failed checks ({len(result.failures)})</h2>")
        out.append(_html_checks(result.failures))
    if result.ocr_cells:
        out.append(f"<h2>OCR'd cells to check by eye ({len(result.ocr_cells)})</h2>")
        out.append(_html_ocr(result.ocr_cells, folder))
    if result.warnings:
        out.append(f"<h2>Warnings and notes ({len(result.warnings)})</h2><ul>")
        out += [f"<li>{e(w)}</li>" for w in result.warnings]
        out.append("</ul>")
    if result.reader_warnings:
        out.append(f"<h2>Warnings of the reader, from notice.json "
                   f"({len(result.reader_warnings)})</h2><ul>")
        out += [f"<li>{e(w)}</li>" for w in result.reader_warnings]
        out.append("</ul>")
    order = [c.table for c in result.checks]
    for table in dict.fromkeys(order):
        checks = [c for c in result.checks if c.table == table]
        passed = sum(c.success for c in checks)
        out.append(f"<h2>{e(table)}: {passed} of {len(checks)} checks passed</h2>")
        out.append(_html_checks(checks))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _html_ocr(cells: list[dict], folder: Path) -> str:
    """One row per flagged cell: item, column, page, confidence, what is suspect, the
    text as read, and the page image of the cell."""
    e = html.escape
    rows = ["<table><tr><th>item</th><th>column</th><th>page</th><th>confidence</th>"
            "<th>suspect characters</th><th>text as read</th><th>page image</th></tr>"]
    for cell in cells:
        conf = cell.get("conf")
        suspect = "; ".join(f"{k.replace('_chars', '')}: {cell[k]}"
                            for k in ("low_chars", "seal_chars") if cell.get(k))
        column = cell.get("field") or ""
        if cell.get("label") and cell.get("label") != column:
            column = f"{column} ({cell['label']})"
        rows.append(
            f"<tr><td>{e(str(cell.get('seq', '')))}</td><td>{e(column)}</td>"
            f"<td>{e(str(cell.get('page') if cell.get('page') is not None else ''))}</td>"
            f"<td>{'' if conf is None else f'{float(conf):.3f}'}</td><td>{e(suspect)}</td>"
            f"<td>{e(str(cell.get('text') or ''))}</td>"
            f'<td class="crop">{_crop_html(folder, cell.get("crop"))}</td></tr>')
    rows.append("</table>")
    return "\n".join(rows)


def _crop_html(folder: Path, crop) -> str:
    if not crop:
        return "no crop"
    path = file_inside(folder, str(crop))
    if path is None:
        return f"missing: {html.escape(str(crop))}"
    alt = html.escape(str(crop), quote=True)
    if path.stat().st_size > MAX_EMBED_BYTES:
        href = html.escape(Path(str(crop)).as_posix(), quote=True)
        return f'<a href="{href}"><img src="{href}" alt="{alt}"></a>'
    kind = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:{kind};base64,{data}" alt="{alt}">'



def _html_checks(checks: list[Check]) -> str:
    e = html.escape
    rows = ["<table><tr><th>status</th><th>column</th><th>check</th><th>found</th>"
            "<th>expected</th><th>rows</th></tr>"]
    for c in checks:
        css = "ok" if c.success and c.severity != "info" else c.severity
        status = ("info" if c.severity == "info" else "pass" if c.success
                  else "FAIL" if c.severity == "error" else c.severity)
        where = ", ".join(row_label(r) for r in c.rows)
        if c.rows_total > len(c.rows):
            where += f" (+{c.rows_total - len(c.rows)} more)"
        rows.append(
            f'<tr class="{css}"><td>{e(status)}</td><td>{e(c.column or "")}</td>'
            f"<td><code>{e(c.check)}</code></td><td>{e(c.found)}</td><td>{e(c.expected)}</td>"
            f"<td>{e(where)}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)
