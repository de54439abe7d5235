"""Charts show Chinese: every chart the notebook draws renders without a missing glyph,
with the fonts of this machine and with only the font the project installs from PyPI.

The notebook's code cells run in this process (matplotlib's Agg backend) on a dataset
built from the gold of the 2021 notice and the invented 2023 version; each figure is
saved as PNG, which is when matplotlib lays out text and warns about glyphs it lacks.
"""

from __future__ import annotations

import logging
import re
import warnings
from importlib import metadata
from pathlib import Path

import jupytext
import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from fontTools.ttLib import TTFont
from matplotlib import font_manager

from pipeline.output.dataset import build_dataset
from pipeline.review import charts
from tests.goldversions import ROOT, write_gold_version

NOTEBOOK = ROOT / "notebooks" / "analysis.py"
#: Words every chart of these lists shows somewhere (departments, titles).
CJK_WORDS = "公安部门民政"
MISSING_GLYPH = re.compile(r"Glyph \d+ .*missing from", re.S)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    root = tmp_path_factory.mktemp("extracted")
    write_gold_version(root, "2021")
    write_gold_version(root, "2023")
    return build_dataset(root)


@pytest.fixture
def fresh_rc():
    """Each test starts from matplotlib's defaults and leaves them as it found them."""
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        yield
    plt.close("all")


def _draw_notebook(dataset: Path, out: Path, monkeypatch, caplog) -> tuple[list[Path], list[str]]:
    """Run the notebook's code cells; save every figure; return PNGs and glyph complaints."""
    monkeypatch.setenv("ANALYSIS_DATASET", str(dataset))
    monkeypatch.chdir(NOTEBOOK.parent)
    code = "\n\n".join(c.source for c in jupytext.read(NOTEBOOK).cells if c.cell_type == "code")
    plt.close("all")
    pngs = []
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        exec(compile(code, str(NOTEBOOK), "exec"), {"__name__": "analysis"})
        for number in plt.get_fignums():
            pngs.append(out / f"chart-{number}.png")
            plt.figure(number).savefig(pngs[-1], dpi=72)
    complaints = [str(w.message) for w in caught if MISSING_GLYPH.search(str(w.message))]
    complaints += [r.getMessage() for r in caplog.records
                   if MISSING_GLYPH.search(r.getMessage()) or "findfont" in r.getMessage()]
    return pngs, complaints


def _figure_texts() -> str:
    return "".join(t.get_text() for n in plt.get_fignums()
                   for t in plt.figure(n).findobj(matplotlib.text.Text))


@pytest.mark.parametrize("system", [True, False], ids=["installed-fonts", "packaged-font-only"])
def test_every_notebook_chart_renders_its_chinese_without_a_missing_glyph(
        dataset, tmp_path, monkeypatch, caplog, fresh_rc, system):
    if not system:  # a machine without CJK fonts: the search finds only the packaged font
        monkeypatch.setattr(charts, "SYSTEM_FAMILIES", ())
    pngs, complaints = _draw_notebook(dataset, tmp_path, monkeypatch, caplog)
    assert len(pngs) == 4  # rows per version, departments, laws, changes
    assert all(p.stat().st_size > 5_000 for p in pngs)
    texts = _figure_texts()
    assert "协助工作细化事项" in texts and "部门" in texts and "《" in texts  # Chinese is drawn
    assert complaints == []
    used = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    if not system:
        assert Path(used).name == charts.PACKAGED_FONT[1]


def test_the_check_catches_tofu_when_no_cjk_font_is_used(dataset, tmp_path, monkeypatch,
                                                         caplog, fresh_rc):
    """Negative control: with matplotlib's own DejaVu Sans only, the same run complains."""
    monkeypatch.setattr(charts, "use_cjk_font", lambda **_: None)
    pngs, complaints = _draw_notebook(dataset, tmp_path, monkeypatch, caplog)
    assert len(pngs) == 4
    assert any("DejaVu Sans" in c for c in complaints), complaints


def test_the_packaged_font_has_the_chinese_glyphs_on_a_machine_without_cjk_fonts(
        monkeypatch, fresh_rc):
    monkeypatch.setattr(charts, "SYSTEM_FAMILIES", ())
    font = charts.use_cjk_font()
    assert font.packaged and font.path.is_file()
    with TTFont(font.path, lazy=True) as tt:
        cmap = tt.getBestCmap()
    assert all(ord(ch) in cmap for ch in CJK_WORDS + "协助工作细化事项依据主管单位《》〔〕")
    assert matplotlib.rcParams["font.sans-serif"][0] == font.family == "Noto Sans SC"
    assert not matplotlib.rcParams["axes.unicode_minus"]


def test_the_packaged_font_is_pinned_and_open_licensed():
    package, _ = charts.PACKAGED_FONT
    dist = package.replace("_", "-")
    pins = (ROOT / "requirements.txt").read_text().splitlines()
    assert f"{dist}=={metadata.version(dist)}" in pins
    assert "SIL Open Font License" in metadata.metadata(dist)["License"]


def test_an_installed_font_without_chinese_is_not_taken(monkeypatch, fresh_rc):
    monkeypatch.setattr(charts, "SYSTEM_FAMILIES", ("DejaVu Sans",))
    assert charts.use_cjk_font().packaged


def test_an_installed_cjk_font_is_preferred_when_there_is_one(fresh_rc):
    installed = {e.name for e in font_manager.fontManager.ttflist}
    if not installed & set(charts.SYSTEM_FAMILIES):
        pytest.skip("no system CJK font on this machine (the packaged-font tests cover it)")
    font = charts.use_cjk_font()
    assert not font.packaged and font.family in charts.SYSTEM_FAMILIES
    with TTFont(font.path, lazy=True,
                fontNumber=0 if font.path.suffix.lower() in (".ttc", ".otc") else -1) as tt:
        assert all(ord(ch) in tt.getBestCmap() for ch in CJK_WORDS)
