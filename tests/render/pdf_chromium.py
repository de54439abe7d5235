"""Print a list notice from HTML with headless Chromium, as a browser user would.

The browser decides everything the reportlab producer controls: where rows
break (rows split across pages, borders sliced at the break), line breaking,
orphans/widows, the repeated <thead>.  Options honoured: orientation, font,
font_size, running_header (+align), page_number (+outer), notice_pages,
attachment_label, header_repeat, header_levels, break_rules (False: cell
borders are sliced at a page break; True: collapsed borders), justify,
inline_subitems, marker_space, substitute.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from tests.render.cells import (
    FIELDS,
    INDENTED_FIELDS,
    build_cells,
    column_weights,
    header_cells,
    notice_blocks,
)
from tests.render.glyphsubst import substitute_ideographs
from tests.render.variant import FONTS, LATIN_FONTS, Variant

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def _css_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _page_number_content(form: str) -> str:
    parts = re.split(r"(\{n\}|\{total\})", form)
    out = []
    for part in parts:
        if part == "{n}":
            out.append("counter(page)")
        elif part == "{total}":
            out.append("counter(pages)")
        elif part:
            out.append(_css_string(part))
    return " ".join(out)


def _css(v: Variant) -> str:
    family = _css_string(FONTS[v.font][2])
    if v.latin_font:  # ASCII from the Latin font, CJK falls back to the CJK font
        family = f"{_css_string(LATIN_FONTS[v.latin_font][1])}, {family}"
    size = f"{v.paper} {v.orientation}"
    margins = "20mm 17mm 17mm 17mm" if v.orientation == "landscape" else "20mm 14mm 18mm 14mm"
    boxes = ""
    if v.browser_header_footer:  # Chromium prints its own date, title, URL and page x/y
        v = replace(v, running_header=None, page_number=None)
    if v.running_header:
        where = {"left": "top-left", "center": "top-center", "right": "top-right"}[
            v.running_header_align
        ]
        boxes += (
            f"@{where} {{ content: {_css_string(v.running_header)}; font-size: 10.5pt;"
            " vertical-align: bottom; padding-bottom: 4mm; }\n"
        )
    number = ""
    if v.page_number:
        content = _page_number_content(v.page_number)
        if v.page_number_align == "outer":
            number = (
                f"@page :right {{ @bottom-right {{ content: {content}; font-size: 12pt; }} }}\n"
                f"@page :left {{ @bottom-left {{ content: {content}; font-size: 12pt; }} }}\n"
            )
        else:
            boxes += f"@bottom-center {{ content: {content}; font-size: 12pt; }}\n"
    collapse = "collapse" if v.break_rules else "separate"
    border = (
        "td, th { border: 0.5pt solid #000; }"
        if v.break_rules
        else "table { border-spacing: 0; border-top: 0.5pt solid #000;"
        " border-left: 0.5pt solid #000; }\n"
        "td, th { border-right: 0.5pt solid #000; border-bottom: 0.5pt solid #000; }"
    )
    if v.cell_spacing:  # an old-style <table border=1>: every cell boxed, rules doubled
        collapse = "separate"
        border = (
            f"table {{ border-spacing: {v.cell_spacing}pt; border: 0.75pt solid #000; }}\n"
            "td, th { border: 0.75pt solid #000; }"
        )
    if v.outer_rule_width:
        border += f"\ntable {{ border: {v.outer_rule_width}pt solid #000; }}"
    extra = []
    if not v.attachment_new_page:
        extra.append(".list { break-before: auto; } .notice { page: auto; }")
    if not v.allow_row_split:
        extra.append("tr { break-inside: avoid; }")
    if v.cell_indent == "geometric":
        extra.append("td.i p { text-indent: 2em; }")
    if v.header_shading:
        extra.append("th { background: #d9d9d9; }")
    if v.zebra:
        extra.append("tbody tr:nth-child(even) td { background: #eeeeee; }")
    align = "justify" if v.justify else "left"
    return f"""
@page {{ size: {size}; margin: {margins};
{boxes}}}
@page notice {{ size: {v.paper} portrait; margin: 25mm 25mm 22mm 25mm; }}
{number}
* {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
html {{ font-family: {family}; font-size: {v.font_size}pt; line-height: {v.leading}; }}
body {{ margin: 0; }}
.notice {{ page: notice; font-size: 12pt; line-height: 1.75; }}
.notice p {{ margin: 0 0 2pt 0; text-indent: 2em; text-align: justify; }}
.notice .issuer {{ text-align: center; font-size: 16pt; text-indent: 0; margin: 0; }}
.notice .title {{ text-align: center; font-size: 16pt; text-indent: 0; margin: 14pt 0 6pt 0; }}
.notice .docno {{ text-align: center; text-indent: 0; margin-bottom: 8pt; }}
.notice .sign, .notice .date {{ text-align: right; text-indent: 0; padding-right: 2em; }}
.notice .sign:first-of-type {{ margin-top: 20pt; }}
.list {{ break-before: page; }}
.label {{ font-size: 14pt; margin: 0; }}
h1 {{ font-size: 18pt; font-weight: normal; text-align: center; margin: 6pt 0 10pt 0; }}
table {{ border-collapse: {collapse}; table-layout: {"auto" if v.auto_columns else "fixed"};
  width: 100%; }}
{border}
td, th {{ padding: {v.cell_padding}pt; vertical-align: top; font-weight: normal;
  text-align: {align}; }}
th {{ text-align: center; font-weight: {"bold" if v.bold_header else "normal"}; }}
td p {{ margin: 0; }}
/* A number wider than a narrow cell breaks instead of overflowing the table: text
   outside every cell is an error by design (issue 6), not a layout to read. */
td, th {{ overflow-wrap: anywhere; }}
.c {{ text-align: center; }}
.m {{ vertical-align: middle; }}
{chr(10).join(extra)}
"""


def _cell_html(paragraphs: list[str], sub) -> str:
    return "".join(f"<p>{html.escape(sub(p))}</p>" for p in paragraphs)


def _classes(field: str, v: Variant) -> str:
    on = (("c", field in v.centered), ("m", field in v.middle), ("i", field in INDENTED_FIELDS))
    return " ".join(c for c, yes in on if yes)


def _document(gold: dict, v: Variant) -> str:
    from tests.render.glyphsubst import font_has_glyph

    def sub(text: str) -> str:
        return substitute_ideographs(text, v.substitute, font_has_glyph(v.font))

    parts = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>{html.escape(gold['notice']['title'])}</title><style>{_css(v)}</style></head><body>",
    ]
    if v.notice_pages:
        parts.append("<div class='notice'>")
        for kind, text in notice_blocks(gold):
            cls = "" if kind == "para" else f" class='{kind}'"
            parts.append(f"<p{cls}>{html.escape(sub(text))}</p>")
        parts.append("</div><div class='list'>")
    else:
        parts.append("<div>")
    if v.attachment_label:
        title = html.escape(sub(gold["notice"]["list_title"]))
        parts.append(f"<p class='label'>{sub('附件')}</p><h1>{title}</h1>")
    weights = column_weights(v)
    total = sum(weights.values())
    parts.append("<table>")
    if not v.auto_columns:
        parts.append("<colgroup>")
        parts += [f"<col style='width:{100 * weights[f] / total:.2f}%'>" for f in FIELDS]
        parts.append("</colgroup>")
    head = header_cells(gold, v)
    rows_html = []
    for r in (1, 2):
        cells = [c for c in head if c.row == r]
        if cells:
            rows_html.append(
                "<tr>"
                + "".join(
                    f"<th rowspan='{c.rows}' colspan='{len(c.fields)}'>"
                    f"{html.escape(sub(c.text))}</th>"
                    for c in cells
                )
                + "</tr>"
            )
    if v.header_repeat:
        parts.append("<thead>" + "".join(rows_html) + "</thead><tbody>")
    else:
        parts.append("<tbody>" + "".join(rows_html))
    for row in build_cells(gold, v):
        parts.append(
            "<tr>"
            + "".join(
                f"<td class='{_classes(f, v)}'>{_cell_html(row[f], sub)}</td>" for f in FIELDS
            )
            + "</tr>"
        )
    parts.append("</tbody></table></div></body></html>")
    return "\n".join(parts)


def chromium_binary() -> str | None:
    """The Chromium executable on PATH, or None."""
    return (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


def render_chromium(gold: dict, out_pdf: Path, variant: Variant) -> Path:
    """Write the notice ``gold`` printed by headless Chromium as ``variant``; return the path."""
    exe = chromium_binary()
    if exe is None:
        raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
    out_pdf = Path(out_pdf)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="render-chromium-") as tmp:
        page = Path(tmp) / "notice.html"
        page.write_text(_document(gold, variant), encoding="utf-8")
        cmd = [
            exe,
            *CHROMIUM_FLAGS,
            *([] if variant.browser_header_footer else ["--no-pdf-header-footer"]),
            f"--user-data-dir={tmp}/profile",
            f"--print-to-pdf={out_pdf}",
            page.as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or not out_pdf.exists():
            raise RuntimeError(f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return out_pdf
