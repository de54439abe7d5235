"""Chinese text in charts: pick one CJK font for matplotlib, in one place.

    use_cjk_font() → CjkFont(family, path, packaged)

matplotlib ships only DejaVu Sans, which has no Chinese glyphs: titles,
department names and law titles come out as empty boxes ("tofu").  Anything
that draws (the analysis notebook, reports) calls ``use_cjk_font()`` once
before drawing.  It takes the first installed font of ``SYSTEM_FAMILIES`` that
really holds the characters of ``PROBE``; where none is installed (a fresh
machine, CI) it takes Noto Sans SC from the pinned PyPI package
``pylopdf-fonts-zh-cn`` (``PACKAGED_FONT``), so a chart never depends on what
the operating system happens to have.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Font families tried in order (Simplified Chinese sans-serif faces first).  A
#: family counts only if its file holds every character of ``PROBE``.
SYSTEM_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "SimHei",
    "Noto Sans CJK TC", "Noto Sans CJK JP", "Source Han Sans TC", "Source Han Sans",
)
#: Characters a chart of these lists must be able to show (department and title words).
PROBE = "公安部门民政协助事项清单依据《》〔〕"
#: Python package (pinned in requirements.txt) and file of the fallback font:
#: Noto Sans SC (SIL Open Font License 1.1), Simplified Chinese subset of Noto Sans CJK.
PACKAGED_FONT: tuple[str, str] = ("pylopdf_fonts_zh_cn", "NotoSansSC-Regular.otf")


@dataclass(frozen=True)
class CjkFont:
    """The font charts now use: its family name, file, and whether it is the packaged one."""

    family: str
    path: Path
    packaged: bool


def use_cjk_font(*, system: bool = True) -> CjkFont:
    """Make matplotlib draw text with a CJK-capable font; return which one.

    In: ``system=False`` skips the installed fonts and takes the packaged one
    (what a machine without CJK fonts gets).  Out: the font chosen; matplotlib's
    ``font.sans-serif`` starts with it (Latin text falls back to DejaVu Sans),
    and the minus sign is drawn as ASCII "-" (not every CJK face has U+2212).
    Raises ``RuntimeError`` if neither an installed nor the packaged font works:
    that is a broken installation (``make setup`` installs the package).
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    font = (_installed_font(font_manager) if system else None) or _packaged_font(font_manager)
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = [
        font.family, *(f for f in mpl.rcParamsDefault["font.sans-serif"] if f != font.family)]
    mpl.rcParams["axes.unicode_minus"] = False
    return font


def _installed_font(font_manager) -> CjkFont | None:
    entries = {}
    for entry in font_manager.fontManager.ttflist:
        # several weights per family: the regular one reads best in labels
        if entry.name in SYSTEM_FAMILIES and (entry.name not in entries
                                              or _regularity(entry) < _regularity(
                                                  entries[entry.name])):
            entries[entry.name] = entry
    for family in SYSTEM_FAMILIES:
        entry = entries.get(family)
        if entry is not None and _has_glyphs(Path(entry.fname), getattr(entry, "index", 0)):
            return CjkFont(family, Path(entry.fname), packaged=False)
    return None


def _regularity(entry) -> int:
    weight = entry.weight if isinstance(entry.weight, int) else 400
    return abs(weight - 400) + (0 if entry.style == "normal" else 1000)


def _packaged_font(font_manager) -> CjkFont:
    from importlib import resources

    package, name = PACKAGED_FONT
    try:
        path = Path(str(resources.files(package) / name))
    except ModuleNotFoundError:
        path = None
    if path is None or not path.is_file() or not _has_glyphs(path, 0):
        raise RuntimeError(
            f"no CJK font: none of {', '.join(SYSTEM_FAMILIES[:4])}, … is installed and the "
            f"packaged font ({package}/{name}) is missing; run `make setup` "
            "(it installs requirements.txt)")
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    return CjkFont(family, path, packaged=True)


def _has_glyphs(path: Path, index: int) -> bool:
    """True if the font (face ``index`` of a collection) maps every character of PROBE."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), fontNumber=index if path.suffix.lower() in (".ttc", ".otc")
                    else -1, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except Exception:  # an unreadable font file is simply not a candidate
        return False
    return all(ord(ch) in cmap for ch in PROBE)
