"""The fuzzing campaign's seed corpus: small valid notices of every format the pipeline reads.

    build_seeds(folder, formats) → {format: [path, …]}   (cached in ``folder``)
    FORMATS                                          format → file extension

Every seed is a short list (two to four items) made by the generators the format tests
use (``tests.render`` for PDFs, ``tests.formats`` for the rest), so that one
extraction takes a fraction of a second and a mutation lands in the table more
often than in the notice around it.  LibreOffice makes the .doc/.wps/.rtf/.odt and
.xls/.et/.ods seeds (one soffice run per target; skipped with a note when it is
missing), qpdf a PDF with object streams and a cross-reference stream (skipped
without qpdf).  The corpus is built once and kept in ``folder`` with a stamp;
``SEEDS_VERSION`` changes when what is made here changes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: Campaign format → extension of its files.  "scan" is a PDF of scanned pages.
FORMATS: dict[str, str] = {
    "pdf": ".pdf", "scan": ".pdf", "docx": ".docx", "doc": ".doc", "wps": ".wps",
    "rtf": ".rtf", "odt": ".odt", "xlsx": ".xlsx", "xls": ".xls", "et": ".et",
    "ods": ".ods", "html": ".html",
}
#: Formats whose reading starts LibreOffice (a conversion costs seconds).
SOFFICE_FORMATS = frozenset({"doc", "wps", "rtf", "odt"})
SEEDS_VERSION = 4
_STAMP = "seeds.json"


def build_seeds(folder: Path, formats: list[str] | None = None,
                log=lambda text: print(text, file=sys.stderr)) -> dict[str, list[Path]]:
    """Make (or reuse) the seed files under ``folder``; return format → seed paths.

    A format whose tool is missing (LibreOffice, qpdf) gets fewer seeds or none.
    """
    folder = Path(folder)
    stamp = folder / _STAMP
    try:
        known = json.loads(stamp.read_text())
    except (OSError, ValueError):
        known = {}
    if known.get("version") == SEEDS_VERSION and all(
            (folder / name).is_file() for names in known["seeds"].values() for name in names):
        seeds = known["seeds"]
    else:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        log(f"fuzz: making the seed corpus in {folder} (once)")
        seeds = _make(folder, log)
        stamp.write_text(json.dumps({"version": SEEDS_VERSION, "seeds": seeds}, indent=1))
    wanted = formats or list(FORMATS)
    return {f: [folder / n for n in seeds.get(f, [])] for f in wanted if seeds.get(f)}


def _small_golds() -> dict[str, dict]:
    from tests.goldtables import GOLD_2021, GOLD_2023, load_gold
    from tests.render import random_gold

    g21, g23 = load_gold(GOLD_2021), load_gold(GOLD_2023)
    return {"g21": dict(g21, items=g21["items"][:3]),
            "g23": dict(g23, items=g23["items"][3:5]),
            "rand": random_gold(7, 4)}


def _make(folder: Path, log) -> dict[str, list[str]]:
    from tests.formats import docx as docx_mod
    from tests.formats import sheet, web
    from tests.render import Variant, render_notice

    golds = _small_golds()
    seeds: dict[str, list[str]] = {f: [] for f in FORMATS}

    def add(fmt: str, path: Path) -> None:
        seeds[fmt].append(path.name)

    # PDF: our reportlab layout with the notice pages, a table-only one, rects for rules.
    for name, gold, variant in (
            ("pdf-notice-g21.pdf", golds["g21"], Variant(name="n")),
            ("pdf-table-rand.pdf", golds["rand"], Variant(name="t", notice_pages=False,
                                                          header_levels=1)),
            ("pdf-rects-g23.pdf", golds["g23"], Variant(name="r", rules="rects",
                                                        notice_pages=False))):
        add("pdf", render_notice(gold, folder / name, variant))
    if shutil.which("qpdf"):  # object streams and a cross-reference stream
        out = folder / "pdf-objstm-g21.pdf"
        proc = subprocess.run(["qpdf", "--object-streams=generate", "--compress-streams=y",
                               str(folder / "pdf-notice-g21.pdf"), str(out)],
                              capture_output=True, timeout=120)
        if proc.returncode in (0, 3) and out.is_file():
            add("pdf", out)
    else:
        log("fuzz: qpdf missing: no PDF with object streams among the seeds")
    # A scanned list: one page, 150 dpi, grey.
    from tests.formats.scan import Scan, scan_pdf

    with tempfile.TemporaryDirectory() as tmp:
        src = render_notice(dict(golds["rand"], items=golds["rand"]["items"][:2]),
                            Path(tmp) / "src.pdf",
                            Variant(name="s", notice_pages=False, header_levels=1))
        add("scan", scan_pdf(src, folder / "scan-rand.pdf", Scan(dpi=150), pages=[1]))

    # Word: the clerk's document (vMerge/gridSpan header, numbering), python-docx's.
    docx_made = {}
    for name, case, gold in (("docx-clerk-g21.docx", "clerk-numbering-2021", golds["g21"]),
                             ("docx-split-g21.docx", "clerk-split-rows-2021", golds["g21"]),
                             ("docx-user-g21.docx", "user-breaks-2021", golds["g21"]),
                             ("docx-flat-g23.docx", "clerk-flat-2023", golds["g23"])):
        docx_mod.CASES[case].make(gold, folder / name)
        docx_made[case] = folder / name
        add("docx", folder / name)
    # Excel: plain and excel-style workbooks.
    xlsx_made = []
    for name, variant, gold in (("xlsx-plain-g21.xlsx", "plain", golds["g21"]),
                                ("xlsx-style-g23.xlsx", "excel-style", golds["g23"])):
        xlsx_made.append(sheet.write_workbook(gold, folder / name, sheet.VARIANTS[variant]))
        add("xlsx", xlsx_made[-1])
    # Web pages: gov.cn, a city site, a Word export.
    for name, variant, gold in (("html-govcn-g21.html", "govcn-gb18030-gb2312-p", golds["g21"]),
                                ("html-city-g23.html", "city-utf8-br", golds["g23"]),
                                ("html-word-g21.html", "word-export-utf8-subtask-rows",
                                 golds["g21"])):
        add("html", web.write_page(gold, web.VARIANTS[variant], folder / name))

    if shutil.which("soffice") or shutil.which("libreoffice"):
        with tempfile.TemporaryDirectory(prefix="fuzz-soffice-") as tmp:
            profile = Path(tmp) / "profile"
            conv = Path(tmp) / "conv"
            for fmt, source in (("doc", "clerk-numbering-2021"), ("odt", "clerk-split-rows-2021"),
                                ("rtf", "clerk-flat-2023")):
                made = docx_mod.convert_documents([docx_made[source]], fmt, conv / fmt, profile)
                dest = folder / f"{fmt}-{docx_made[source].stem.split('-', 1)[1]}.{fmt}"
                shutil.copyfile(made[0], dest)
                add(fmt, dest)
            wps = folder / "wps-clerk-g21.wps"
            shutil.copyfile(folder / "doc-clerk-g21.doc", wps)
            add("wps", wps)
            for target in ("xls", "ods"):
                for made in sheet.convert_workbooks(xlsx_made, target, conv / target, profile):
                    dest = folder / f"{target}-{made.stem.split('-', 1)[1]}.{target}"
                    shutil.copyfile(made, dest)
                    add(target, dest)
        et = folder / "et-style-g23.et"
        shutil.copyfile(folder / "xls-style-g23.xls", et)
        add("et", et)
    else:
        log("fuzz: LibreOffice missing: no .doc/.wps/.rtf/.odt/.xls/.ods seeds")
    et = folder / "et-ooxml-g21.et"  # WPS saves OOXML under .et too
    shutil.copyfile(folder / "xlsx-plain-g21.xlsx", et)
    add("et", et)
    return {f: names for f, names in seeds.items() if names}
