"""The user documentation stays true: README.md fits on a screen or two and links every page
of docs/; every link resolves; every command shown in a console block (and every Python
session and SQL query) is run and prints what the page shows; every make target and
``python -m pipeline`` option named in the text exists. How blocks are run: tests/docrun.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tests import docrun
from tests.docrun import ROOT, Block
from tests.once import made_once

README = ROOT / "README.md"
README_MAX_BYTES = 10_000
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)")
_CODE = re.compile(r"`([^`\n]+)`")


def _pages() -> list[Path]:
    return [README, *sorted((ROOT / "docs").glob("*.md"))]


def _blocks(page: Path) -> list[Block]:
    try:
        return docrun.read_blocks(page)
    except ValueError:
        return []  # test_every_page_parses says why


def _ids(pages):
    return [str(p.relative_to(ROOT)) for p in pages]


def _here(page: Path) -> list[Block]:
    """The blocks of a page this file runs (not those another test runs)."""
    return [b for b in _blocks(page) if b.run_by is None]


FAST_PAGES = [p for p in _pages() if any("slow" not in b.modes for b in _here(p))]
SLOW_PAGES = [p for p in _pages() if any("slow" in b.modes for b in _here(p))]


# --------------------------------------------------------------------------- the pages

def test_readme_fits_on_a_screen_or_two():
    size = len(README.read_bytes())
    assert size <= README_MAX_BYTES, (
        f"README.md is {size:,} bytes (at most {README_MAX_BYTES:,}): move a section to docs/")


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(README.parent / target.split("#")[0]).resolve()
              for target in _links(README) if not re.match(r"\w+:", target)}
    missing = [p.name for p in sorted((ROOT / "docs").glob("*.md")) if p.resolve() not in linked]
    assert not missing, f"README.md links no docs/{missing}"


def _links(page: Path) -> list[str]:
    text = _without_code(page.read_text(encoding="utf-8"))
    return [a or b for a, b in _LINK.findall(text)]


def _without_code(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors of a page."""
    out = set()
    for line in _without_code(page.read_text(encoding="utf-8")).split("\n"):
        m = re.match(r"#{1,6}\s+(.*)", line)
        if m:
            text = re.sub(r"[`*_]", "", m.group(1)).strip().lower()
            slug = "".join(c for c in text
                           if c in " -" or unicodedata.category(c)[0] in "LN" or c == "_")
            out.add(slug.replace(" ", "-"))
    return out


@pytest.mark.parametrize("page", _pages(), ids=_ids(_pages()))
def test_every_link_resolves(page):
    broken = []
    for target in _links(page):
        if re.match(r"\w+:", target):  # http:, mailto:: not followed
            continue
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target} (no heading #{anchor} in {dest.name})")
    assert not broken, f"{page.relative_to(ROOT)}: broken links: {broken}"


@pytest.mark.parametrize("page", _pages(), ids=_ids(_pages()))
def test_every_page_parses(page):
    docrun.read_blocks(page)  # raises naming the line


@pytest.mark.parametrize("page", _pages(), ids=_ids(_pages()))
def test_no_command_is_shown_where_no_test_runs_it(page):
    unrun = docrun.unrun_commands(page)
    assert not unrun, (
        "shown but never run (so it can go stale): write it as a ```console block (`$ command`"
        " then what it prints) or a ```pycon session, name what varies in capitals (FILE, HOST)"
        " if it is a synopsis, or put <!-- doctest: run-by tests/test_x.py --> on the line"
        " before the block:\n" + "\n".join(unrun))


@pytest.mark.parametrize("page", _pages(), ids=_ids(_pages()))
def test_a_block_run_elsewhere_names_a_test_that_reads_the_page(page):
    wrong = []
    for block in _blocks(page):
        if block.run_by is None:
            continue
        test = ROOT / block.run_by
        if not (block.run_by.startswith("tests/") and test.is_file()):
            wrong.append(f"{block.where}: run-by {block.run_by}: no such file under tests/")
        elif page.name not in test.read_text(encoding="utf-8"):
            wrong.append(f"{block.where}: run-by {block.run_by}: it never names {page.name}")
    assert not wrong, "\n".join(wrong)


# --------------------------------------------------------------------------- the commands

@pytest.fixture(scope="session")
def doc_files(tmp_path_factory):
    """Input files the pages name, each generated once per test run on first use."""
    def provide(name: str) -> Path:
        def make(folder: Path) -> None:
            docrun.FILES[name](folder / name)
        return made_once(tmp_path_factory, f"doc-{name}", make) / name
    return provide


def _run_page(page: Path, slow: bool, where: Path, doc_files) -> None:
    blocks = [b for b in _here(page) if ("slow" in b.modes) == slow]
    root = docrun.make_root(where)
    problems, skipped = [], []
    for block in blocks:
        texts = [c.text for c in block.commands]
        absent = [p for p in docrun.shared_paths(texts) if not (root / p).exists()]
        if absent:
            skipped.append(f"{block.where} (absent: {', '.join(absent)})")
            continue
        for name in docrun.files_named(texts):
            if not (root / name).exists():
                shutil.copyfile(doc_files(name), root / name)
        problems += docrun.check_block(block, root)
    assert not problems, "\n\n".join(problems)
    if skipped and len(skipped) == len(blocks):
        pytest.skip(f"every block needs files not here: {skipped}")


@pytest.mark.parametrize("page", FAST_PAGES, ids=_ids(FAST_PAGES))
def test_page_commands_print_what_the_page_shows(page, tmp_path, doc_files):
    _run_page(page, False, tmp_path, doc_files)


@pytest.mark.slow
@pytest.mark.parametrize("page", SLOW_PAGES, ids=_ids(SLOW_PAGES))
def test_page_slow_commands_print_what_the_page_shows(page, tmp_path, doc_files):
    _run_page(page, True, tmp_path, doc_files)


# --------------------------------------------------------------------------- named in text

def _spans() -> list[tuple[Path, str]]:
    return [(page, span) for page in _pages()
            for span in _CODE.findall(_without_code(page.read_text(encoding="utf-8")))]


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", text, flags=re.M))


def test_every_make_target_named_exists():
    targets = _make_targets()
    wrong = []
    for page, span in _spans():
        for m in re.finditer(r"(?:^|/ )make ([a-z][\w-]*)", span):
            if m.group(1) not in targets:
                wrong.append(f"{page.relative_to(ROOT)}: `{span}`")
    assert not wrong, f"no such make target: {wrong}"


def _help(words: tuple[str, ...]) -> str:
    proc = subprocess.run([sys.executable, "-m", *words, "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, f"{' '.join(words)} --help: {proc.stderr}"
    return proc.stdout


def test_every_pipeline_option_named_exists():
    helps: dict[tuple[str, ...], str] = {}
    wrong = []
    for page, span in _spans():
        m = re.match(r"(?:\.venv/bin/)?python -m (pipeline(?:\.site)?) ([a-z]+)\b(.*)", span)
        if not m:
            continue
        module, sub, rest = m.groups()
        sub = sub.split("|")[0]
        key = (module, sub)
        if key not in helps:
            helps[key] = _help(key)
        for option in re.findall(r"(?<![\w-])(--[a-z][\w-]*)", rest):
            if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", helps[key]):
                wrong.append(f"{page.relative_to(ROOT)}: `{span}`: {option}")
    assert not wrong, f"options that `--help` does not list: {wrong}"


# --------------------------------------------------------------------------- the runner

def test_output_matches_either_streams_order_and_ellipses():
    out, err = ["extracted/v"], ["warning: a b c", "27 items"]
    assert docrun.output_matches(["warning: … b …", "extracted/v", "27 items"], out, err)
    assert docrun.output_matches(["extracted/v", "…"], out, err)
    assert not docrun.output_matches(["extracted/v", "27 items"], out, err)  # a line unshown
    assert not docrun.output_matches(["27 items", "warning: a b c", "extracted/v"], out, err)
    assert not docrun.output_matches(["extracted/v", "warning: a b c", "28 items"], out, err)


def test_hashes_and_the_scratch_root_are_normalised(tmp_path):
    line = f"[1/2] {tmp_path}/list.docx → extracted/2021-02-10_c92b47c7"
    assert docrun.normalise(line, tmp_path) == "[1/2] list.docx → extracted/2021-02-10_<hash>"
    assert docrun.normalise("1 passed in 1.2s (0:00:01)") == "1 passed in <time>"
    assert docrun.normalise("1 added, 1 removed") == "1 added, 1 removed"


def test_a_page_that_no_longer_tells_the_truth_fails_naming_its_line(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("text\n\n```console\n$ echo hello  # a comment\nhello\n$ printf 'a\\nb\\n'"
                    "\na\n```\n\n```console\n$ echo hello >&2; exit 1\nhello\n```\n",
                    encoding="utf-8")
    blocks = docrun.read_blocks(page)
    root = tmp_path / "root"
    root.mkdir()
    assert [c.text for c in blocks[0].commands] == ["echo hello", "printf 'a\\nb\\n'"]
    problems = docrun.check_block(blocks[0], root)
    assert len(problems) == 1 and ":6: `$ printf" in problems[0], problems  # b is not shown
    problems = docrun.check_block(blocks[1], root)
    assert len(problems) == 1 and "exited 1" in problems[0], problems  # no error: line shown


def test_an_unknown_mode_is_an_error_naming_the_line(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("<!-- doctest: sloow -->\n```console\n$ true\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"page.md:1: unknown doctest mode"):
        docrun.read_blocks(page)


def test_a_command_shown_outside_a_console_block_is_named_unless_a_synopsis(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "```\npython -m pipeline extract FILE --out DIR\n"                  # synopsis: fine
        "$ PYTHONPATH=. .venv/bin/dask worker tcp://HOST:8786\n"             # synopsis: fine
        "python -m pipeline extract raw/notice-2021.pdf --validate   # the 2021 notice\n"
        "DEBUG=1 make extract\nwarning: kept as printed\n```\n\n"
        "```python\n# a comment\nimport pandas as pd\n```\n\n"
        "<!-- doctest: run-by tests/test_dataset.py -->\n```python\nimport pandas\n```\n",
        encoding="utf-8")
    assert docrun.unrun_commands(page) == [
        f"{page}:4: python -m pipeline extract raw/notice-2021.pdf --validate",
        f"{page}:5: DEBUG=1 make extract",
        f"{page}:11: ```python block: import pandas as pd"]
    assert docrun.read_blocks(page) == []  # nothing here is run by this file


def test_a_block_run_by_another_test_is_not_run_here(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("<!-- doctest: slow run-by tests/test_dataset.py -->\n```sql\nSELECT 1\n```"
                    "\n```console\n$ true\n```\n", encoding="utf-8")
    first, second = docrun.read_blocks(page)
    assert (first.run_by, first.modes, second.run_by) == ("tests/test_dataset.py", {"slow"}, None)
