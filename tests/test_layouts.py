"""Every layout of a list extracts exactly to its source (issue 6).

Each case of ``tests.render.CASES`` is a variant (producer, orientation, fonts,
running header, page numbers, rules, breaks, inline sub-items, substituted
ideographs, fake bold, stray spaces, ...) typeset from a gold JSON or a random
list.  The PDF is rendered once per session, extracted by the pipeline and
scored with tests/fixtures/shared/score.py: every measure must be 1.0.

A second group checks that each rendering really shows the quirk it is named
after (so a generator change cannot quietly make a case easy).

Producers that are missing (chromium, soffice) skip their cases through the
``producer`` fixture only; CI installs them (.ci/run).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.render import CASES, load_source
from tests.render.batch import render_cases
from tests.render.catalogue import Case
from tests.render.check import MEASURES, explain, score_pdf
from tests.render.fuzz import random_case, random_docx_case
from tests.render.variant import FONTS, Variant

CASE_BY_ID = {c.id: c for c in CASES}
FUZZ = [random_case(seed) for seed in range(int(os.environ.get("LAYOUT_FUZZ") or 0))] + [
    random_docx_case(seed) for seed in range(int(os.environ.get("LAYOUT_FUZZ_DOCX") or 0))
]
_BINARIES = {
    "chromium": ("chromium", "chromium-browser", "google-chrome"),
    "soffice": ("soffice", "libreoffice"),
    "docx": ("soffice", "libreoffice"),
}
_PACKAGES = {
    "chromium": "chromium",
    "soffice": "libreoffice-writer-nogui",
    "docx": "libreoffice-writer-nogui",
}
#: Producers whose named cases are converted together, in one soffice run each.
_BATCHED = ("soffice", "docx")
_FONT_PACKAGES = {
    "uming": "fonts-arphic-uming",
    "ukai": "fonts-arphic-ukai",
    "microhei": "fonts-wqy-microhei",
    "zenhei": "fonts-wqy-zenhei",
}
_LATIN_FILES = {
    "times": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "helvetica": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
}


@pytest.fixture(scope="session")
def producer():
    """Skip a case whose PDF producer or fonts are not installed (the one place that skips)."""

    def need(variant: Variant) -> None:
        name = variant.producer
        if name in _BINARIES and not any(shutil.which(b) for b in _BINARIES[name]):
            pytest.skip(f"{name} not installed: apt-get install {_PACKAGES[name]}")
        for key in {variant.font, variant.header_font or variant.font}:
            path = FONTS[key][0]
            if path and not Path(path).exists():
                pytest.skip(f"font {path} missing: apt-get install {_FONT_PACKAGES[key]}")
        latin = _LATIN_FILES.get(variant.latin_font or "")
        if latin and name != "reportlab" and not Path(latin).exists():
            pytest.skip(f"font {latin} missing: apt-get install fonts-dejavu-core")

    return need


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, producer):
    """case → PDF path, rendered once per session (named LibreOffice cases in one run each)."""
    out = tmp_path_factory.mktemp("layouts")
    cache: dict[str, Path] = {}

    def get(case: Case) -> Path:
        producer(case.variant)
        if case.id not in cache:
            group = [case]
            kind = case.variant.producer
            if kind in _BATCHED and case.id in CASE_BY_ID:
                group = [c for c in CASES if c.variant.producer == kind and c.id not in cache]
            cache.update(render_cases(group, out))
        return cache[case.id]

    return get


def _ids(cases):
    return [c.id for c in cases]


#: Producers that start a browser or LibreOffice (seconds a case): make test-all.
SLOW_PRODUCERS = {"chromium", "soffice", "docx"}


def _params(cases):
    return [pytest.param(c, marks=pytest.mark.slow, id=c.id)
            if c.variant.producer in SLOW_PRODUCERS else pytest.param(c, id=c.id)
            for c in cases]


def _assert_extracts_exactly(case: Case, pdf: Path, out: Path) -> None:
    gold = load_source(case.source)
    result = score_pdf(pdf, gold, out)
    wrong = {m: result.get(m) for m in MEASURES if result.get(m) != 1.0}
    count_ok = result.get("items_found") == result.get("items_expected")
    assert "error" not in result and not wrong and count_ok, (
        f"{case.id} [{case.variant.producer}, {case.source}]: {case.looks}\n"
        f"PDF: {pdf}\n" + explain(gold, out, result)
    )


@pytest.mark.parametrize("case", _params(CASES))
def test_layout_extracts_exactly(case: Case, rendered, tmp_path):
    _assert_extracts_exactly(case, rendered(case), tmp_path / "out")


@pytest.mark.skipif(not FUZZ, reason="random layouts run with LAYOUT_FUZZ=N, LAYOUT_FUZZ_DOCX=N")
@pytest.mark.parametrize("case", FUZZ or [None], ids=_ids(FUZZ) or ["none"])
def test_random_layout_extracts_exactly(case: Case, rendered, tmp_path):
    _assert_extracts_exactly(case, rendered(case), tmp_path / "out")


# --- the renderings show their quirks -------------------------------------------------


def _pages(pdf: Path) -> list[dict]:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return [
            {
                "text": "".join(c["text"] for c in p.chars),
                "chars": p.chars,
                "lines": p.lines,
                "rects": p.rects,
                "height": p.height,
                "width": p.width,
                "rotation": p.rotation,
                "path": Path(pdf),
            }
            for p in doc.pages
        ]


def _table_pages(pages: list[dict]) -> list[dict]:
    """The pages from the first one with the table header to the end."""
    first = next(i for i, p in enumerate(pages) if "主管单位" in p["text"])
    return pages[first:]


def _hrules(page: dict) -> list[float]:
    """Tops of horizontal rules, whether stroked lines or thin filled rectangles."""
    tops = [ln["top"] for ln in page["lines"] if abs(ln["top"] - ln["bottom"]) < 0.1]
    tops += [r["top"] for r in page["rects"] if r["height"] < 2 and r["width"] > 10]
    return sorted(tops)


def _line_text(chars) -> str:
    """Text of chars in reading order, a fake-bold copy (same char within 1 pt) dropped."""
    kept: list[dict] = []
    for c in sorted(chars, key=lambda c: c["x0"]):
        if not any(k["text"] == c["text"] and abs(k["x0"] - c["x0"]) < 1 for k in kept[-2:]):
            kept.append(c)
    return "".join(c["text"] for c in kept)


def substitutes(*ranges):
    def check(pages):
        n = sum(1 for p in pages for c in p["text"] if any(lo <= ord(c) <= hi for lo, hi in ranges))
        assert n > 50, f"only {n} substituted code points in the text layer"

    return check


RADICALS = substitutes((0x2F00, 0x2FD5), (0x2E80, 0x2EF3))
COMPAT = substitutes((0xF900, 0xFAFF))


def fake_bold(pages):
    chars = [c for p in _table_pages(pages)[:2] for c in p["chars"] if c["text"].strip()]
    at: dict[tuple, list[float]] = {}
    for c in chars:
        at.setdefault((c["text"], round(c["top"], 1)), []).append(c["x0"])
    twins = sum(
        1
        for c in chars
        if any(abs(x - c["x0"] - 0.3) < 0.05 for x in at[(c["text"], round(c["top"], 1))])
    )
    assert twins > 0.4 * len(chars), (
        f"{twins} of {len(chars)} characters have a copy 0.3 pt to the right"
    )


def stray_spaces(pages):
    spaces = sum(p["text"].count(" ") for p in _table_pages(pages))
    assert spaces > 100, f"only {spaces} spaces in the table's text layer"


def rect_rules(pages):
    for p in _table_pages(pages):
        assert not p["lines"], "a stroked line in a rendering whose rules are rectangles"
        assert len(p["rects"]) > 10


def open_breaks(pages):
    """Some table page's text runs below its last horizontal rule (no rule at the break)."""
    opened = 0
    for p in _table_pages(pages)[:-1]:
        body = [
            c["bottom"] for c in p["chars"] if c["text"].strip() and c["top"] < p["height"] - 60
        ]
        rules = _hrules(p)
        opened += bool(body and rules and max(body) > rules[-1] + 1)
    assert opened, "every page's text ends above a rule: no open break"


def cell_borders(pages):
    """Body rules come in cell-wide pieces, not one rule across the table."""
    for p in _table_pages(pages):
        widths = [ln["x1"] - ln["x0"] for ln in p["lines"] if abs(ln["top"] - ln["bottom"]) < 0.1]
        short = sum(w < max(widths) / 2 for w in widths)
        assert short > 0.6 * len(widths), f"{short} of {len(widths)} rules narrower than a cell"


def seq_middle(pages):
    """Some 序号 sits well below the rule above it (vertically centred in a tall row)."""
    gaps = []
    for p in _table_pages(pages):
        left = min(ln["x0"] for ln in p["lines"] + p["rects"])
        rules = _hrules(p)
        for c in p["chars"]:
            if c["text"].isdigit() and c["x0"] < left + 30 and c["top"] < p["height"] - 60:
                above = [t for t in rules if t < c["top"]]
                if above:
                    gaps.append(c["top"] - above[-1])
    assert gaps and max(gaps) > 40, f"序号 gaps below the rule above: {sorted(gaps)[-3:]}"


def rotated(pages):
    assert all(p["rotation"] == 90 for p in _table_pages(pages))


def latin_font(pages):
    digits = [c for p in _table_pages(pages) for c in p["chars"] if c["text"].isdigit()]
    fonts = {c["fontname"].split("+")[-1] for c in digits}
    assert any("Times" in f or "DejaVu" in f for f in fonts), fonts


def shading(pages):
    def grey(r) -> bool:
        colour = r.get("non_stroking_color")
        return bool(r.get("fill")) and r["height"] > 5 and colour not in (None, 0, (0,), (0, 0, 0))

    n = sum(grey(r) for p in _table_pages(pages) for r in p["rects"])
    assert n > 3, "no grey filled rectangles behind cells"


def continued(label: str):
    def check(pages):
        tables = _table_pages(pages)
        assert label not in tables[0]["text"]
        assert all(label in p["text"] for p in tables[1:])

    return check


def table_note(pages):
    assert "注：本清单" in pages[-1]["text"]


def header_once(pages):
    tables = _table_pages(pages)
    assert len(tables) >= 2 and sum("主管单位" in p["text"] for p in tables) == 1


def header_repeated(pages):
    tables = _table_pages(pages)
    assert len(tables) >= 2 and all("主管单位" in p["text"] for p in tables)


def page_numbers(form: str | None):
    def check(pages):
        for i, p in enumerate(pages, 1):
            foot = [c for c in p["chars"] if c["top"] > p["height"] - 45]
            got = _line_text(foot).replace(" ", "")
            want = "" if form is None else form.format(n=i, total=len(pages)).replace(" ", "")
            assert got == want, f"page {i}: footer {got!r}, expected {want!r}"

    return check


def running_header(text: str | None, rule: bool = False):
    def check(pages):
        # List pages only: a browser's notice pages have other margins.
        for p in _table_pages(pages):
            head = [c for c in p["chars"] if c["top"] < 45]
            assert _line_text(head) == (text or "")
            if rule:
                assert any(t < 50 for t in _hrules(p)), "no rule under the running header"

    return check


def attachment_only(pages):
    text = pages[0]["text"]
    assert "附件" in text and "主管单位" in text and text.index("附件") < text.index("主管单位")


def inline_subitems(pages):
    text = "".join(p["text"] for p in pages)
    assert re.search(r"[。；，] ?[①-⑳]", text), "no ① sub-item inside a paragraph"


def _facts(case):
    from tests.render.pdf_reportlab import layout_facts

    return layout_facts(load_source(case.source), case.variant)


def row_over_pages(pages, case):
    assert _facts(case)["most_pages_per_row"] >= 3, "no row touches three pages"


def rows_kept_whole(pages, case):
    from dataclasses import replace

    assert _facts(case)["split_rows"] == 0, "a row was split"
    split = _facts(replace(case, variant=replace(case.variant, allow_row_split=True)))
    assert split["split_rows"] > 0, "no row would have split anyway: the case shows nothing"


def flows_after_notice(pages, case):
    y, m, d = (int(x) for x in load_source(case.source)["notice"]["date"].split("-"))
    first = next(p for p in pages if "主管单位" in p["text"])
    assert f"{y}年{m}月{d}日" in first["text"].replace(" ", ""), "the table opens a new page"


def ideographic_indent(pages):
    n = sum(p["text"].count("\u3000\u3000") for p in _table_pages(pages))
    assert n > 10, f"{n} typed indents"


def contact_table(pages):
    notice = [p for p in pages if "联系电话" in p["text"]]
    assert notice and len(notice[0]["lines"]) >= 6, "no ruled contact table on the notice"


def thick_outer(pages):
    widths = {round(ln.get("linewidth") or 0, 1) for p in _table_pages(pages) for ln in p["lines"]}
    assert {0.5, 1.5} <= widths, widths


def browser_footer(pages):
    # Chromium's footer font ligates "fi" (U+FB01): match what follows.
    assert all("le:///" in p["text"] for p in pages), "no URL in Chromium's footer"


def double_rules(pages):
    """Cells are separate boxes: a box's right edge and the next box's left edge 1-3.5 pt apart."""
    p = _table_pages(pages)[0]
    boxes = [r for r in p["rects"] if r["width"] > 10 and r["height"] > 10 and r.get("stroke")]
    lefts = {round(r["x0"], 1) for r in boxes}
    doubled = sum(1 for r in boxes if any(1.0 <= x - r["x1"] <= 3.5 for x in lefts))
    assert doubled >= 5, f"{doubled} of {len(boxes)} cell boxes have a neighbour 1-3.5 pt away"


def continuation_at_top(pages):
    """A page whose first row holds text only right of the 序号 column, with no rule above it."""
    found = 0
    for p in _table_pages(pages)[1:]:
        rules = [t for t in _hrules(p) if t > 50]
        verticals = [r["x0"] for r in p["rects"] + p["lines"] if r["height"] > 10]
        if not rules or not verticals:
            continue
        first = [c for c in p["chars"] if 50 < c["top"] < rules[0] and c["text"].strip()]
        if first and min(c["x0"] for c in first) > min(verticals) + 40:
            found += 1
    assert found, "no page opens with a continuation fragment under no rule"


def header_split(pages):
    first = next(p for p in pages if "主管单位" in p["text"])
    assert "事项名称" not in first["text"], "both header rows on one page"


def rules_above_page(pages):
    above = [r["top"] for p in pages for r in p["rects"] if r["top"] < 0]
    assert above, "no rule starts above the page"


def condensed(pages):
    chars = [
        c for p in _table_pages(pages) for c in p["chars"] if "\u4e00" <= c["text"] <= "\u9fff"
    ]
    ratios = sorted(round((c["x1"] - c["x0"]) / c["size"], 2) for c in chars)
    assert ratios[len(ratios) // 2] == 0.85, f"median width/size {ratios[len(ratios) // 2]}"


def turned_numbers(pages):
    turned = [c for p in _table_pages(pages) for c in p["chars"] if not c["upright"]]
    assert any(c["text"].isdigit() for c in turned), "no page number turned 90°"


def double_header_rule(pages):
    rules = _hrules(_table_pages(pages)[0])
    assert any(1.0 <= b - a <= 2.0 for a, b in itertools.pairwise(rules))


def letter(pages):
    assert all(round(max(p["height"], p["width"])) == 792 for p in pages), "not US Letter"


def pushed_cell(pages, case):
    facts = _facts(case)
    assert facts["pushed_cells"], (
        "no row split with its 序号 on one page and its whole name on the next"
    )


def paper(width: float, height: float):
    def check(pages):
        for p in pages:
            assert sorted((round(p["width"]), round(p["height"]))) == sorted((width, height))

    return check


def text_has(*snippets: str):
    """Every snippet occurs in the table pages' text layer (spaces kept)."""

    def check(pages):
        text = "".join(p["text"] for p in _table_pages(pages))
        for s in snippets:
            assert s in text, f"{s!r} not in the text layer"

    return check


def closing_lines(pages):
    assert "抄送" in pages[-1]["text"] and "印发" in pages[-1]["text"]


def red_rule(pages):
    red = [
        ln
        for ln in pages[0]["lines"] + pages[0]["rects"]
        if (ln.get("stroking_color") or ln.get("non_stroking_color"))
        in ((1, 0, 0), (1.0, 0.0, 0.0))
    ]
    assert red, "no red rule on the notice's first page"


def no_furniture_on_first_page(pages):
    foot = [c for c in pages[0]["chars"] if c["top"] > pages[0]["height"] - 45]
    assert not foot and len(pages) > 2, "page 1 has a footer"


def partial_rules(pages):
    """Some body rule spans only part of the table (rows split per task, others merged)."""
    for p in _table_pages(pages):
        h = [ln for ln in p["lines"] if abs(ln["top"] - ln["bottom"]) < 0.1]
        if not h:
            continue
        full = max(ln["x1"] - ln["x0"] for ln in h)
        if any(ln["x1"] - ln["x0"] < full / 2 and ln["top"] > 150 for ln in h):
            return
    raise AssertionError("every body rule spans the table")


def title_in_table(pages, case):
    title = load_source(case.source)["notice"]["list_title"]
    p = _table_pages(pages)[1]  # a continuation page: the title row repeats, no title above
    assert title in p["text"].replace(" ", ""), "no title row on a continuation page"


def vertical_text(pages):
    """Header cells set vertically: 备 stacked above 注 (same x, one line apart)."""
    p = _table_pages(pages)[0]
    bei = [c for c in p["chars"] if c["text"] == "备"]
    zhu = [c for c in p["chars"] if c["text"] == "注"]
    assert any(
        abs(a["x0"] - b["x0"]) < 1 and 0 < b["top"] - a["top"] < 2 * a["size"]
        for a in bei
        for b in zhu
    ), "备注 is not stacked"


def ruled_running_header(pages):
    """A rule between the running header's line and the table on every list page."""
    for p in _table_pages(pages):
        head = min(c["bottom"] for c in p["chars"] if c["text"].strip())
        table = min(ln["top"] for ln in p["lines"] if ln["bottom"] - ln["top"] > 10)
        rules = [t for t in _hrules(p) if head < t < table - 1]
        assert rules, "no rule under the running header"


def grid_pitch(pages):
    """Characters sit apart on Word's character grid (a tenth of a character or more)."""
    import statistics

    p = _table_pages(pages)[1]
    cs = sorted(
        (c for c in p["chars"] if "\u4e00" <= c["text"] <= "\u9fff"),
        key=lambda c: (round(c["top"]), c["x0"]),
    )
    gaps = [
        b["x0"] - a["x1"]
        for a, b in itertools.pairwise(cs)
        if abs(a["top"] - b["top"]) < 1 and 0 <= b["x0"] - a["x1"] < 20
    ]
    assert statistics.median(gaps) > 0.1 * cs[0]["size"], statistics.median(gaps)


def made_by_writer(pages, case):
    import pdfplumber

    assert case.variant.producer in ("soffice", "docx")
    with pdfplumber.open(_pdf_of(pages)) as doc:
        assert doc.metadata.get("Producer", "").startswith("LibreOffice")


def _pdf_of(pages):
    return pages[0]["path"]


def _seq_column(page: dict) -> list[dict]:
    """Characters in the 序号 column below the header, top to bottom (none on a bare page)."""
    verticals = sorted(
        {round(r["x0"], 1) for r in page["lines"] + page["rects"] if r["height"] > 10}
    )
    if len(verticals) < 3:
        return []
    left, right = verticals[0], verticals[1]
    chars = [
        c
        for c in page["chars"]
        if left < c["x0"]
        and c["x1"] <= right + 0.5
        and c["text"].strip()
        and c["text"] not in "序号"
        and 50 < c["top"] < page["height"] - 60
    ]
    return sorted(chars, key=lambda c: c["top"])


def seq_cut(head: str, tail: str):
    """Some page's 序号 column ends with ``head`` and the next page's starts with ``tail``."""

    def check(pages):
        tables = _table_pages(pages)
        for a, b in itertools.pairwise(tables):
            ca, cb = _seq_column(a), _seq_column(b)
            if ca and cb and ca[-1]["text"] == head and cb[0]["text"] == tail:
                return
        raise AssertionError(f"no 序号 cut as {head!r} | {tail!r} by a page break")

    return check


def punct_over_rule(pages):
    """A closing punctuation mark starts left of a column rule and has its centre past it."""
    for p in _table_pages(pages):
        xs = {round(ln["x0"], 1) for ln in p["lines"] if ln["height"] > 10}
        for c in p["chars"]:
            if c["text"] in "，。、；：" and any(c["x0"] < x < (c["x0"] + c["x1"]) / 2 for x in xs):
                return
    raise AssertionError("no punctuation hangs over a column rule")


def portrait_list(pages):
    assert all(p["height"] > p["width"] for p in _table_pages(pages))


def spaces_between_ideographs(pages):
    text = "".join(p["text"] for p in _table_pages(pages))
    n = len(re.findall(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text))
    assert n > 20, f"{n} spaces between ideographs"


def unruled_continuation(pages):
    """A page's first body line lies in a band with no rule at the 序号|名称 boundary."""
    for p in _table_pages(pages)[1:]:
        verticals = [r for r in p["rects"] if r["height"] > 10 and r["width"] < 2]
        xs = sorted({round(r["x0"], 1) for r in verticals})
        if len(xs) < 3:
            continue
        header_bottom = max(
            r["top"] + r["height"]
            for r in verticals
            if round(r["x0"], 1) == xs[1] and r["top"] < 100
        )
        body = [c for c in p["chars"] if c["top"] > header_bottom + 1 and c["text"].strip()]
        if not body:
            continue
        y = min(c["top"] for c in body) + 2
        if not any(
            round(r["x0"], 1) == xs[1] and r["top"] <= y <= r["top"] + r["height"]
            for r in verticals
        ):
            return
    raise AssertionError("every continuation band is ruled")


CASE_AWARE = {
    "pushed_cell",
    "row_over_pages",
    "rows_kept_whole",
    "flows_after_notice",
    "title_in_table",
    "made_by_writer",
}

FEATURES = {
    "rl-baseline": (
        header_repeated,
        page_numbers("— {n} —"),
        running_header("重庆市民政局规范性文件"),
    ),
    "rl-no-running-header": (running_header(None),),
    "rl-other-running-header": (running_header("重庆市民政局文件", rule=True),),
    "rl-page-di-ye": (page_numbers("第 {n} 页"),),
    "rl-page-bare-outer": (page_numbers("{n}"),),
    "rl-page-hyphen": (page_numbers("- {n} -"),),
    "rl-page-of-total": (page_numbers("第{n}页/共{total}页"),),
    "rl-page-none": (page_numbers(None),),
    "rl-attachment-only": (attachment_only,),
    "rl-header-once": (header_once,),
    "rl-open-breaks": (open_breaks, header_once),
    "rl-pushed-cell": (pushed_cell,),
    "rl-inline-subitems": (inline_subitems,),
    "rl-kangxi-radicals": (RADICALS,),
    "rl-compat-ideographs": (COMPAT,),
    "rl-fake-bold": (fake_bold,),
    "rl-stray-spaces": (stray_spaces,),
    "rl-rect-rules": (rect_rules,),
    "rl-latin-times": (latin_font,),
    "rl-rotated-pages": (rotated,),
    "rl-shading-zebra": (shading,),
    "rl-continued-label": (continued("续表"), header_repeated),
    "rl-note-empty-row": (table_note,),
    "rl-hard-word-2021": (
        rotated,
        latin_font,
        shading,
        continued("续表"),
        table_note,
        COMPAT,
        page_numbers("- {n} -"),
        cell_borders,
    ),
    "chromium-latin-shading": (latin_font, shading),
    "rl-row-over-pages": (row_over_pages,),
    "rl-flow-after-notice": (flows_after_notice,),
    "rl-rows-kept-whole": (rows_kept_whole,),
    "rl-indent-ideographic": (ideographic_indent,),
    "rl-notice-contact-table": (contact_table,),
    "rl-thick-outer-bold-header": (thick_outer,),
    "chromium-webpage-2021": (flows_after_notice, browser_footer),
    "chromium-cellspacing": (double_rules,),
    "rl-letter-small-tight": (letter,),
    "chromium-continuation-top": (continuation_at_top, header_once),
    "soffice-header-split": (header_split,),
    "rl-condensed-type": (condensed,),
    "rl-turned-page-numbers": (turned_numbers,),
    "rl-header-double-rule": (double_header_rule,),
    "chromium-rules-above-page": (rules_above_page, running_header("重庆市民政局文件")),
    "chromium-auto-columns": (letter,),
    "soffice-letter-tight": (letter,),
    "soffice-flow-2023": (flows_after_notice, page_numbers("第 {n} 页")),
    "soffice-portrait-2021": (latin_font, shading, page_numbers("{n}")),
    "rl-cell-borders-middle": (cell_borders, seq_middle),
    "chromium-middle": (seq_middle, page_numbers(None)),
    "rl-hard-portrait-2021": (
        RADICALS,
        COMPAT,
        open_breaks,
        rect_rules,
        fake_bold,
        header_once,
        pushed_cell,
        page_numbers("{n}"),
    ),
    "rl-hard-large-2023": (
        stray_spaces,
        inline_subitems,
        attachment_only,
        running_header(None),
        page_numbers("第{n}页/共{total}页"),
    ),
    "chromium-landscape": (rect_rules, header_repeated, open_breaks, page_numbers("— {n} —")),
    "chromium-portrait-sliced": (open_breaks, page_numbers("第 {n} 页")),
    "chromium-header-once": (header_once, attachment_only, running_header(None)),
    "chromium-hard": (RADICALS, inline_subitems),
    "soffice-landscape": (header_repeated, page_numbers("— {n} —")),
    "soffice-portrait-header-once": (header_once, page_numbers("第{n}页/共{total}页")),
    "soffice-hard": (RADICALS, COMPAT, inline_subitems, attachment_only),
    "docx-landscape": (made_by_writer, header_repeated),
    "docx-word-style-2021": (
        thick_outer,
        shading,
        red_rule,
        closing_lines,
        no_furniture_on_first_page,
        ruled_running_header,
    ),
    "docx-a3-large-type": (paper(1191, 842),),
    "docx-letter-narrow-portrait": (letter,),
    "docx-auto-numbering": (text_has("1、", "①"),),
    "docx-split-item-rows": (partial_rules, seq_middle),
    "docx-title-row-vertical-header": (title_in_table, vertical_text),
    "docx-doc-grid": (grid_pitch, header_once),
    "docx-rows-kept-whole": (header_once, partial_rules),
    "docx-flow-closing-page": (flows_after_notice, closing_lines, text_has("注：本清单")),
    "docx-typed-2023": (RADICALS, inline_subitems, header_once, text_has("1.", "1．")),
    "rl-typed-fullwidth": (text_has("１", "1．\u3000"),),
    "chromium-typed-seq-dot": (text_has("1.", "1、"),),
    "soffice-typed-seq-paren": (text_has("（1）", "1．"),),
    "rl-contact-table-portrait": (contact_table, portrait_list),
    "rl-hanging-punct": (punct_over_rule,),
    "rl-hanging-punct-open-break": (punct_over_rule, open_breaks, header_once),
    "chromium-zero-width-spaces": (spaces_between_ideographs,),
    "rl-seq-mark-wraps": (seq_cut("3", "、"),),
    "docx-seq-digits-wrap": (seq_cut("1", "1"),),
    "chromium-split-row-unpainted": (unruled_continuation, open_breaks),
    "docx-seq-opener-first-page": (seq_cut("（", "1"), flows_after_notice),
}
FEATURE_CASES = [CASE_BY_ID[k] for k in FEATURES]


@pytest.mark.parametrize("case", _params(FEATURE_CASES))
def test_rendering_shows_its_quirk(case: Case, rendered):
    pages = _pages(rendered(case))
    for check in FEATURES[case.id]:
        if getattr(check, "__name__", "") in CASE_AWARE:
            check(pages, case)
        else:
            check(pages)


def test_cases_are_distinct():
    assert len({c.id for c in CASES}) == len(CASES)
    assert len({repr({**c.variant.__dict__, "name": ""}) for c in CASES}) == len(CASES)
