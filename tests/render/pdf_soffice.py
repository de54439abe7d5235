"""Typeset a list notice as a flat OpenDocument text (.fodt) and export it with LibreOffice.

A Word-like producer: Writer decides line breaks, justification, widows and
orphans, rows split across pages, header rows repeated (table-header-rows) and
draws cell borders itself.  Options honoured: orientation, font, font_size,
running_header (+align), page_number (+outer), notice_pages, attachment_label,
header_repeat, header_levels, justify, inline_subitems, marker_space,
substitute, widow_control.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from tests.render.cells import (
    FIELDS,
    INDENTED_FIELDS,
    build_cells,
    column_weights,
    header_grid,
    notice_blocks,
)
from tests.render.glyphsubst import font_has_glyph, substitute_ideographs
from tests.render.variant import FONTS, LATIN_FONTS, Variant

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)


PAPER_CM = {"A4": (21.0, 29.7), "Letter": (21.59, 27.94)}


def _page_layout(name: str, orientation: str, paper: str) -> str:
    pw, ph = PAPER_CM[paper]
    w, h = (f"{ph}cm", f"{pw}cm") if orientation == "landscape" else (f"{pw}cm", f"{ph}cm")
    side = "1.8cm" if orientation == "landscape" else "1.5cm"
    return (
        f'<style:page-layout style:name="{name}"><style:page-layout-properties fo:page-width="{w}" '
        f'fo:page-height="{h}" style:print-orientation="{orientation}" fo:margin-top="1.0cm" '
        f'fo:margin-bottom="1.0cm" fo:margin-left="{side}" fo:margin-right="{side}"/>'
        '<style:header-style><style:header-footer-properties fo:min-height="0cm" '
        'fo:margin-bottom="0.4cm"/></style:header-style>'
        '<style:footer-style><style:header-footer-properties fo:min-height="0cm" '
        'fo:margin-top="0.4cm"/></style:footer-style></style:page-layout>'
    )


def _number_xml(form: str) -> str:
    out = []
    for part in re.split(r"(\{n\}|\{total\})", form):
        if part == "{n}":
            out.append('<text:page-number text:select-page="current"/>')
        elif part == "{total}":
            out.append("<text:page-count/>")
        else:
            out.append(escape(part))
    return "".join(out)


def _master(name: str, layout: str, v: Variant, sub) -> str:
    parts = [f'<style:master-page style:name="{name}" style:page-layout-name="{layout}">']
    if v.running_header:
        parts.append(
            f'<style:header><text:p text:style-name="Hdr">{escape(sub(v.running_header))}'
            "</text:p></style:header>"
        )
    if v.page_number:
        num = _number_xml(v.page_number)
        if v.page_number_align == "outer":
            parts.append(
                f'<style:footer><text:p text:style-name="FtrR">{num}</text:p></style:footer>'
                f'<style:footer-left><text:p text:style-name="FtrL">{num}</text:p>'
                "</style:footer-left>"
            )
        else:
            parts.append(
                f'<style:footer><text:p text:style-name="FtrC">{num}</text:p></style:footer>'
            )
    parts.append("</style:master-page>")
    return "".join(parts)


def _document(gold: dict, v: Variant) -> str:
    has = font_has_glyph(v.font)

    def sub(text: str) -> str:
        return substitute_ideographs(text, v.substitute, has)

    family = FONTS[v.font][2]
    latin = LATIN_FONTS[v.latin_font][1] if v.latin_font else family

    def shade(color: str) -> str:
        return f' fo:background-color="{color}"'

    size = f"{v.font_size}pt"
    widows = "2" if v.widow_control else "0"
    align = "justify" if v.justify else "start"
    pw, ph = PAPER_CM[v.paper]
    text_width = ph - 3.6 if v.orientation == "landscape" else pw - 3.0
    weights = column_weights(v)
    total = sum(weights.values())
    pad = round(v.cell_padding * 0.75, 2)  # Writer's cells sit tighter than the 3 pt default
    hdr_align = {"left": "start", "center": "center", "right": "end"}[v.running_header_align]
    # The list opens the "List" master page (a page break) unless it follows the notice.
    list_master = "List" if v.attachment_new_page else ""
    table_master = (
        ' style:master-page-name="List"' if v.attachment_new_page and not v.attachment_label else ""
    )

    def pstyle(name: str, props: str, text: str = "", master: str = "") -> str:
        m = f' style:master-page-name="{master}"' if master else ""
        return (
            f'<style:style style:name="{name}" style:family="paragraph" '
            f'style:parent-style-name="Standard"{m}>'
            f"<style:paragraph-properties {props}/>{text}</style:style>"
        )

    def tsize(pt: float) -> str:
        return f'<style:text-properties fo:font-size="{pt}pt" style:font-size-asian="{pt}pt"/>'

    styles = [
        _page_layout("pmPortrait", "portrait", v.paper),
        _page_layout("pmList", v.orientation, v.paper),
        pstyle("Hdr", f'fo:text-align="{hdr_align}"', tsize(10.5)),
        pstyle("FtrC", 'fo:text-align="center"', tsize(12)),
        pstyle("FtrR", 'fo:text-align="end"', tsize(12)),
        pstyle("FtrL", 'fo:text-align="start"', tsize(12)),
        pstyle("Issuer", 'fo:text-align="center" fo:line-height="150%"', tsize(16)),
        pstyle(
            "Title",
            'fo:text-align="center" fo:margin-top="0.5cm" fo:margin-bottom="0.2cm"',
            tsize(16),
        ),
        pstyle("DocNo", 'fo:text-align="center" fo:margin-bottom="0.3cm"', tsize(12)),
        pstyle(
            "Body", 'fo:text-align="justify" fo:text-indent="24pt" fo:line-height="150%"', tsize(12)
        ),
        pstyle("Sign", 'fo:text-align="end" fo:margin-right="24pt"', tsize(12)),
        pstyle("Label", 'fo:text-align="start"', tsize(14), master=list_master),
        pstyle(
            "ListTitle",
            'fo:text-align="center" fo:margin-top="0.2cm" fo:margin-bottom="0.3cm"',
            tsize(18),
        ),
        pstyle("Cell", f'fo:text-align="{align}"', tsize(v.font_size)),
        pstyle("CellC", 'fo:text-align="center"', tsize(v.font_size)),
        pstyle(
            "CellI",
            f'fo:text-align="{align}" fo:text-indent="{2 * v.font_size}pt"',
            tsize(v.font_size),
        ),
        pstyle(
            "CellH",
            'fo:text-align="center"',
            f'<style:text-properties fo:font-size="{v.font_size}pt" '
            f'style:font-size-asian="{v.font_size}pt"'
            + (' fo:font-weight="bold" style:font-weight-asian="bold"' if v.bold_header else "")
            + "/>",
        ),
        f'<style:style style:name="Tbl" style:family="table"'
        f"{table_master}>"
        f'<style:table-properties style:width="{text_width:.2f}cm" table:align="margins" '
        'style:may-break-between-rows="true"/></style:style>',
        '<style:style style:name="Row" style:family="table-row"><style:table-row-properties '
        f'fo:keep-together="{"auto" if v.allow_row_split else "always"}"/></style:style>',
        '<style:style style:name="Td" style:family="table-cell"><style:table-cell-properties '
        f'fo:padding="{pad}pt" fo:border="0.5pt solid #000000" style:vertical-align="top"/>'
        "</style:style>",
        '<style:style style:name="Tm" style:family="table-cell"><style:table-cell-properties '
        f'fo:padding="{pad}pt" fo:border="0.5pt solid #000000" style:vertical-align="middle"/>'
        "</style:style>",
        '<style:style style:name="Th" style:family="table-cell"><style:table-cell-properties '
        f'fo:padding="{pad}pt" fo:border="0.5pt solid #000000" style:vertical-align="middle"'
        f"{shade('#d9d9d9') if v.header_shading else ''}/></style:style>",
    ]
    for name, valign in (("Tdz", "top"), ("Tmz", "middle")):
        styles.append(
            f'<style:style style:name="{name}" style:family="table-cell">'
            f'<style:table-cell-properties fo:padding="{pad}pt" fo:border="0.5pt solid #000000" '
            f'style:vertical-align="{valign}"{shade("#eeeeee")}/></style:style>'
        )
    styles += [
        f'<style:style style:name="Col{i}" style:family="table-column">'
        "<style:table-column-properties "
        f'style:column-width="{text_width * weights[f] / total:.3f}cm"/></style:style>'
        for i, f in enumerate(FIELDS)
    ]

    body: list[str] = []
    if v.notice_pages:
        kinds = {
            "issuer": "Issuer",
            "title": "Title",
            "docno": "DocNo",
            "para": "Body",
            "sign": "Sign",
            "date": "Sign",
        }
        body += [
            f'<text:p text:style-name="{kinds[k]}">{escape(sub(t))}</text:p>'
            for k, t in notice_blocks(gold)
        ]
    if v.attachment_label:
        body.append(f'<text:p text:style-name="Label">{escape(sub("附件"))}</text:p>')
        body.append(
            '<text:p text:style-name="ListTitle">'
            f"{escape(sub(gold['notice']['list_title']))}</text:p>"
        )

    def cell(paragraphs: list[str], para: str, style: str, rows: int = 1, cols: int = 1) -> str:
        span = (f' table:number-rows-spanned="{rows}"' if rows > 1 else "") + (
            f' table:number-columns-spanned="{cols}"' if cols > 1 else ""
        )
        ps = (
            "".join(
                f'<text:p text:style-name="{para}">{escape(sub(p))}</text:p>' for p in paragraphs
            )
            or '<text:p text:style-name="Cell"/>'
        )
        return (
            f'<table:table-cell table:style-name="{style}"{span} '
            'office:value-type="string">'
            f"{ps}</table:table-cell>" + "<table:covered-table-cell/>" * (cols - 1)
        )

    def body_para(field: str) -> str:
        if field in v.centered:
            return "CellC"
        return "CellI" if v.cell_indent == "geometric" and field in INDENTED_FIELDS else "Cell"

    head_rows = []
    for slots in header_grid(gold, v):
        xml = [cell([c.text], "CellH", "Th", c.rows, len(c.fields)) if c is not None
               else "<table:covered-table-cell/>"  # under a cell spanning two rows
               for _, c in slots]
        head_rows.append(
            '<table:table-row table:style-name="Row">' + "".join(xml) + "</table:table-row>"
        )
    body.append('<table:table table:name="List" table:style-name="Tbl">')
    body += [f'<table:table-column table:style-name="Col{i}"/>' for i in range(len(FIELDS))]
    if v.header_repeat:
        body.append("<table:table-header-rows>" + "".join(head_rows) + "</table:table-header-rows>")
    else:
        body += head_rows
    for k, row in enumerate(build_cells(gold, v)):
        zebra = "z" if v.zebra and k % 2 else ""
        body.append(
            '<table:table-row table:style-name="Row">'
            + "".join(
                cell(row[f], body_para(f), ("Tm" if f in v.middle else "Td") + zebra)
                for f in FIELDS
            )
            + "</table:table-row>"
        )
    body.append("</table:table>")

    n = gold["notice"]
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {_NS} office:version="1.3" '
        'office:mimetype="application/vnd.oasis.opendocument.text">'
        f"<office:meta><dc:title>{escape(n['title'])}</dc:title>"
        "<meta:creation-date>2021-02-10T09:00:00</meta:creation-date>"
        "<dc:date>2021-02-10T09:00:00</dc:date></office:meta>"
        "<office:font-face-decls>"
        f'<style:font-face style:name="CJK" svg:font-family="&apos;{family}&apos;"/>'
        f'<style:font-face style:name="Latin" svg:font-family="&apos;{latin}&apos;"/>'
        "</office:font-face-decls><office:styles>"
        '<style:default-style style:family="paragraph">'
        f'<style:paragraph-properties fo:orphans="{widows}" fo:widows="{widows}"/>'
        '<style:text-properties style:font-name="Latin" style:font-name-asian="CJK" '
        f'fo:font-size="{size}" '
        f'style:font-size-asian="{size}" fo:language="zh" fo:country="CN" '
        'style:language-asian="zh" '
        'style:country-asian="CN"/></style:default-style>'
        '<style:style style:name="Standard" style:family="paragraph" style:class="text"/>'
        "</office:styles><office:automatic-styles>" + "".join(styles) + "</office:automatic-styles>"
        "<office:master-styles>"
        + _master(
            "Standard",
            "pmPortrait" if v.notice_pages and v.attachment_new_page else "pmList",
            v,
            sub,
        )
        + _master("List", "pmList", v, sub)
        + "</office:master-styles>"
        "<office:body><office:text>"
        + "".join(body)
        + "</office:text></office:body></office:document>"
    )


def soffice_binary() -> str | None:
    """The LibreOffice executable on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def render_soffice(
    jobs: list[tuple[dict, Path, Variant]], profile: Path | None = None
) -> list[Path]:
    """Export each (gold, out_pdf, variant) through LibreOffice in one soffice run."""
    with tempfile.TemporaryDirectory(prefix="render-soffice-") as tmp:
        sources = []
        for i, (gold, _out_pdf, variant) in enumerate(jobs):
            src = Path(tmp) / f"job{i}.fodt"
            src.write_text(_document(gold, variant), encoding="utf-8")
            sources.append(src)
        return convert_to_pdf(sources, [out for _g, out, _v in jobs], Path(tmp), profile)


def convert_to_pdf(sources: list[Path], outs: list[Path], tmpd: Path,
                   profile: Path | None = None, timeout: float = 900) -> list[Path]:
    """Convert documents to PDF in one soffice run (one start-up for many files).

    ``sources[i]`` becomes ``outs[i]``; ``tmpd`` is scratch space; ``profile`` a
    LibreOffice user profile to reuse (its first creation is the slow part).
    """
    exe = soffice_binary()
    if exe is None:
        raise FileNotFoundError(
            "soffice is not installed (apt-get install libreoffice-writer-nogui)"
        )
    prof = profile or (tmpd / "profile")
    cmd = [exe, f"-env:UserInstallation={Path(prof).resolve().as_uri()}", "--headless",
           "--norestore", "--convert-to", "pdf:writer_pdf_Export", "--outdir",
           str(tmpd / "out"), *map(str, sources)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    done = []
    for src, out_pdf in zip(sources, outs, strict=True):
        made = tmpd / "out" / f"{src.stem}.pdf"
        if not made.exists():
            raise RuntimeError(
                f"soffice did not convert {src.name} ({proc.returncode}): "
                f"{proc.stdout[-1000:]} {proc.stderr[-1000:]}"
            )
        Path(out_pdf).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), out_pdf)
        done.append(Path(out_pdf))
    return done
