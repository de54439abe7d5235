"""Run the commands shown in README.md and docs/*.md, as a reader would, and compare what
they print with what the page shows (tests/test_docs_commands.py).

A page's runnable blocks, in order:

- ```` ```console ````: lines starting with ``$ `` are commands (run by bash from a scratch
  copy of the project root, ``.venv/bin`` first on PATH, so ``python`` is the project's);
  the lines after a command, up to the next one, are what it prints (stdout and stderr
  together, in either's order). A line ``…`` stands for any number of lines, ``…`` inside
  a line for any text (spaces around it optional). Hashes (8+ hex digits, or ``<hash>``),
  test-run times and the scratch root's path are normalised; ``<hash>`` in a command is a
  glob (``extracted/2023-06-30_<hash>``: the one folder of that date). A command must
  exit 0, or 1 where its output shows an ``error:`` line.
- ```` ```pycon ````: a Python session (``>>>``), run by doctest in the scratch root.
- ```` ```sql ````: DuckDB SQL, run in the scratch root; it must return rows.

A command or Python code shown in any other fenced block (plain, ``bash``, ``python``…) is
not run, so it must be a synopsis naming what varies in capitals (``extract FILE --out DIR``,
``tcp://HOST:8786``) or name the test that runs it: ``unrun_commands`` lists the others.

An HTML comment on the line before a block's fence says how to run it:
``<!-- doctest: slow -->`` (a case over a few seconds: LibreOffice, OCR, long lists; run by
``make test-all`` only), ``<!-- doctest: dry-run -->`` (``make TARGET``: its recipe, as
``make -n`` prints it, must be the first lines shown: the test suite's own targets),
``<!-- doctest: server -->`` (runs until its last shown line is printed, then gets Ctrl-C;
the port in ``PORT=N``/``--port N`` is replaced by a free one everywhere in the block),
``<!-- doctest: run-by tests/test_x.py -->`` (any block: run by that test, which must name
the page, not here).

Blocks of a page share one scratch root, so a page reads as a session: a command may use
what an earlier one on the page made. Slow blocks run together in a root of their own and
so must not need what a fast block made. Input files named in a command (``list.docx``,
``scan.pdf``…) are generated once per test session from the gold lists (``FILES``); paths
under ``../shared/real`` are used where present, else the block is skipped.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: Entries of the project root a scratch root links to (read-only for the commands).
LINKED = (".venv", "pipeline", "expectations", "tests", "notebooks", "bench", "raw", "docs",
          "Makefile", ".ci")
ELLIPSIS = "…"
MODES = {"slow", "dry-run", "server"}
TIMEOUT_S = 900


@dataclass
class Command:
    text: str
    expected: list[str]
    line: int


@dataclass
class Block:
    page: Path
    line: int  # of the fence, 1-based
    lang: str
    body: str
    modes: set[str] = field(default_factory=set)
    commands: list[Command] = field(default_factory=list)
    run_by: str | None = None  # the test file that runs the block instead of this runner

    @property
    def where(self) -> str:
        return f"{shown(self.page)}:{self.line}"


def shown(path: Path) -> str:
    """A page's path as messages name it: relative to the project root where it is inside."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- parsing

_FENCE = re.compile(r"^```([\w-]*)\s*$")
_DIRECTIVE = re.compile(r"^<!--\s*doctest:\s*(.*?)\s*-->\s*$")
_RUN_BY = re.compile(r"\brun-by\s+(\S+)")
_COMMENT = re.compile(r"\s+#\s.*$")
RUNNABLE = ("console", "pycon", "sql")


def _fenced(page: Path) -> list[tuple[int, str, list[str], str]]:
    """Every fenced block of a page: (index of its opening line, language, body lines,
    directive text on the line before it).  Raises ValueError for a fence never closed."""
    lines = page.read_text(encoding="utf-8").split("\n")
    out, i = [], 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start = i
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), None)
        if end is None:
            raise ValueError(f"{page}:{i + 1}: the ``` block is never closed")
        d = _DIRECTIVE.match(lines[start - 1]) if start else None
        out.append((start, m.group(1), lines[start + 1:end], d.group(1) if d else ""))
        i = end + 1
    return out


def read_blocks(page: Path) -> list[Block]:
    """The runnable blocks of a Markdown page (console, pycon, sql), in order.

    Raises ValueError naming the page and line for an unknown directive or an unclosed fence.
    """
    blocks = []
    for start, lang, body, directive in _fenced(page):
        run_by = _RUN_BY.search(directive)
        modes = set(_RUN_BY.sub("", directive).split())
        if modes - MODES:
            raise ValueError(f"{page}:{start}: unknown doctest mode(s) {modes - MODES}; "
                             f"expected some of {sorted(MODES)} or run-by tests/FILE.py")
        if lang not in RUNNABLE:
            continue
        block = Block(page, start + 1, lang, "\n".join(body), modes,
                      run_by=run_by.group(1) if run_by else None)
        if lang == "console":
            block.commands = _commands(body, start + 2, page)
        blocks.append(block)
    return blocks


#: A line that runs this project: make, the venv's programs, python on the package or a script
#: (after ``$ `` and variables set for it).
_PROJECT_COMMAND = re.compile(
    r"^(?:\$\s+)?(?:\w+=\S*\s+)*(?:make(?:\s|$)|\.venv/bin/|python3?\s+(?:-m\s+pipeline|\S+\.py))")
#: A word in capitals standing for what the reader puts there (FILE, DIR, HOST, N).
_METAVARIABLE = re.compile(r"(?<![\w=-])[A-Z][A-Z0-9_]*(?![\w=])")


def unrun_commands(page: Path) -> list[str]:
    """Commands and Python code a page shows in blocks nobody runs, as ``page:line: text``:
    a command line outside a console block that names no metavariable, every line of a
    ``python`` block; blocks marked ``run-by`` are run by their test."""
    found = []
    for start, lang, body, directive in _fenced(page):
        if lang in RUNNABLE or _RUN_BY.search(directive):
            continue
        for n, line in enumerate(body, start=start + 2):
            text = _COMMENT.sub("", line).strip()
            if lang == "python" and text and not text.startswith("#"):
                found.append(f"{shown(page)}:{n}: ```python block: {text}")
                break
            if _PROJECT_COMMAND.match(text) and not _METAVARIABLE.search(text):
                found.append(f"{shown(page)}:{n}: {text}")
    return found


def _commands(lines: list[str], first: int, page: Path) -> list[Command]:
    out: list[Command] = []
    pending = ""
    for n, line in enumerate(lines, start=first):
        if pending or line.startswith("$ "):
            text = pending + (line[2:] if not pending else line)
            if text.endswith("\\"):
                pending = text[:-1] + " "
                continue
            pending = ""
            out.append(Command(_COMMENT.sub("", text).strip(), [], n))
        elif out:
            out[-1].expected.append(line)
        elif line.strip():
            raise ValueError(f"{page}:{n}: a console block must start with a `$ ` command")
    return out


# --------------------------------------------------------------------------- comparing

_HASH = re.compile(r"(?<![0-9A-Za-z])(?:[0-9a-f]{8,64}|<hash>)(?![0-9A-Za-z])")
_RUN_TIME = re.compile(r"\bin \d+(?:\.\d+)?s(?: \(\d+:\d\d:\d\d\))?")


def normalise(line: str, root: Path | None = None) -> str:
    """What may differ between runs taken out: the scratch root, hashes, a test run's time."""
    if root is not None:
        line = line.replace(f"{root}/", "").replace(str(root), ".")
    line = _HASH.sub("<hash>", line.rstrip())
    return _RUN_TIME.sub("in <time>", line)


@functools.lru_cache(maxsize=4096)
def _pattern(expected: str) -> re.Pattern:
    parts = [re.escape(p) for p in re.split(rf"\s*{ELLIPSIS}\s*", expected)]
    return re.compile(".*".join(parts) + r"\Z", re.S)


def line_matches(expected: str, actual: str) -> bool:
    return _pattern(expected).match(actual) is not None


def output_matches(expected: list[str], out: list[str], err: list[str]) -> bool:
    """Whether ``expected`` is what a terminal shows for ``out`` and ``err``: all of each,
    each in its order, interleaved in any way (``…`` lines stand for any lines)."""
    seen: set[tuple[int, int, int]] = set()
    stack = [(0, 0, 0)]
    while stack:
        i, j, k = state = stack.pop()
        if state in seen:
            continue
        seen.add(state)
        if i == len(expected):
            if j == len(out) and k == len(err):
                return True
            continue
        if expected[i] == ELLIPSIS:
            stack.append((i + 1, j, k))
            if j < len(out):
                stack.append((i, j + 1, k))
            if k < len(err):
                stack.append((i, j, k + 1))
            continue
        if j < len(out) and line_matches(expected[i], out[j]):
            stack.append((i + 1, j + 1, k))
        if k < len(err) and line_matches(expected[i], err[k]):
            stack.append((i + 1, j, k + 1))
    return False


# --------------------------------------------------------------------------- input files

def _gold():
    from tests.goldtables import GOLD_2021, load_gold

    return load_gold(GOLD_2021)


def _word_case(case: str) -> Callable[[Path], None]:
    def make(dest: Path) -> None:
        from tests.formats import docx

        made = docx.make_cases([case], dest.parent / f"_{dest.name}")[case]
        shutil.copyfile(made, dest)
    return make


def _workbook(dest: Path) -> None:
    from tests.formats import sheet

    sheet.write_workbook(_gold(), dest, sheet.VARIANTS["excel-style"])


def _converted_workbook(target: str) -> Callable[[Path], None]:
    def make(dest: Path) -> None:
        from tests.formats import sheet

        work = dest.parent / f"_{dest.name}"
        src = sheet.write_workbook(_gold(), work / "list.xlsx", sheet.VARIANTS["excel-style"])
        [out] = sheet.convert_workbooks([src], "xls" if target == "et" else target, work)
        shutil.copyfile(out, dest)
    return make


def _power_workbook(dest: Path) -> None:
    # a 权责清单 with every phenomenon of issue 18, as a binary .xls named .xlsx
    from tests.render.power import VARIANTS, make_list
    from tests.render.power_files import write_xls

    write_xls(make_list(VARIANTS["everything"]), dest)


def _web_page(dest: Path) -> None:
    from tests.formats import web

    web.write_page(_gold(), web.VARIANTS["govcn-utf8-meta-br"], dest)


def _scan(dest: Path) -> None:
    from tests.formats.scan import Scan, scan_pdf

    scan_pdf(ROOT / "raw" / "notice-2021.pdf", dest, Scan(dpi=200), pages=[1, 2, 3],
             text_pages=(1, 2))


def _html_saved_as_pdf(dest: Path) -> None:
    dest.write_bytes(b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
                     b"<body><h1>Not Found</h1></body></html>\n")


def _text_named_xlsx(dest: Path) -> None:
    dest.write_text("序号,事项名称\n1,某事项\n", encoding="utf-8")


def _pdf_named_docx(dest: Path) -> None:
    shutil.copyfile(ROOT / "raw" / "notice-2021.pdf", dest)


#: File names the pages use → how to make them (into the given path). Every one is a
#: version of the 2021 list (or a broken file) generated here: nothing binary is committed.
FILES: dict[str, Callable[[Path], None]] = {
    "list.docx": _word_case("clerk-2021"),
    "list.doc": _word_case("doc-2021"),
    "list.wps": _word_case("wps-2021"),
    "list.odt": _word_case("odt-2021"),
    "list.rtf": _word_case("rtf-2023"),
    "list.xlsx": _workbook,
    "list.xls": _converted_workbook("xls"),
    "list.et": _converted_workbook("et"),
    "list.ods": _converted_workbook("ods"),
    "notice.html": _web_page,
    "power.xlsx": _power_workbook,
    "scan.pdf": _scan,
    "download.pdf": _html_saved_as_pdf,
    "report.docx": _pdf_named_docx,
    "notes.xlsx": _text_named_xlsx,
}


def files_named(texts: list[str]) -> list[str]:
    """The FILES names a block's commands use."""
    words = {w for t in texts for w in re.split(r"[\s=]+", t)}
    return sorted(name for name in FILES if name in words)


def shared_paths(texts: list[str]) -> list[str]:
    """Paths under ../shared a block's commands use (read where present)."""
    return sorted({w for t in texts for w in t.split() if w.startswith("../shared/")})


# --------------------------------------------------------------------------- running

def make_root(where: Path) -> Path:
    """A scratch project root in ``where``: the project's code, raw/ and tests linked, an
    empty extracted/ (with its README), ``../shared`` linked where it exists."""
    root = where / "root"
    (root / "extracted").mkdir(parents=True)
    shutil.copyfile(ROOT / "extracted" / "README.md", root / "extracted" / "README.md")
    for name in LINKED:
        target = Path(sys.prefix) if name == ".venv" else ROOT / name
        if target.exists():
            (root / name).symlink_to(target)
    # make's stamp (.venv/.installed) must not look older than requirements.txt: the
    # environment running the tests is the one the commands use; never reinstall into it.
    shutil.copyfile(ROOT / "requirements.txt", root / "requirements.txt")
    os.utime(root / "requirements.txt", (0, 0))
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        (where / "shared").symlink_to(shared)
    return root


def environment(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHONPATH", "COLUMNS")}
    env["PATH"] = f"{root / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["LC_ALL"] = env["LANG"] = "C.UTF-8"
    return env


@dataclass
class Ran:
    command: str
    returncode: int | None
    out: list[str]
    err: list[str]


def run_command(command: str, root: Path, timeout: float = TIMEOUT_S,
                until: Callable[[list[str], list[str]], bool] | None = None) -> Ran:
    """Run ``command`` with bash in ``root``; with ``until``, stop it by Ctrl-C (SIGINT to
    its process group) once ``until(out, err)`` holds, keeping what it printed up to then."""
    proc = subprocess.Popen(["bash", "-c", command], cwd=root, env=environment(root),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    out: list[str] = []
    err: list[str] = []
    lock = threading.Lock()
    done = threading.Event()

    def pump(stream, into):
        for raw in stream:
            with lock:
                into.append(normalise(raw.decode("utf-8", "replace"), root))
                if until is not None and until(out, err):
                    done.set()

    threads = [threading.Thread(target=pump, args=(proc.stdout, out), daemon=True),
               threading.Thread(target=pump, args=(proc.stderr, err), daemon=True)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    while proc.poll() is None and not done.is_set() and time.monotonic() < deadline:
        done.wait(0.1)
    if done.is_set():
        time.sleep(1.0)  # the other stream's reader may not have read what came before
        with lock:
            snapshot = Ran(command, 0, list(out), list(err))
        _stop(proc)
        for t in threads:
            t.join(10)
        return snapshot
    returncode = proc.poll()
    if returncode is None:
        _stop(proc)
    for t in threads:
        t.join(10)
    if returncode is None:
        err.append(f"(killed after {timeout:.0f} s)")
    return Ran(command, returncode, out, err)


def _stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(10)
            return
        except subprocess.TimeoutExpired:
            continue


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_PORT = re.compile(r"(?:PORT=|--port[ =])(\d+)")


def check_block(block: Block, root: Path) -> list[str]:
    """Run a block in ``root``; the problems found (empty when it printed what it shows)."""
    if block.lang == "pycon":
        return _check_pycon(block, root)
    if block.lang == "sql":
        return _check_sql(block, root)
    problems = []
    for cmd in block.commands:
        # A hash the page cannot know (a generated file's) is a glob in the command.
        text = cmd.text.replace("<hash>", "[0-9a-f]*")
        expected = [normalise(e) for e in cmd.expected]
        until = None
        if "server" in block.modes:
            m = _PORT.search(text)
            if m:
                port = str(free_port())
                text = text.replace(m.group(1), port)
                expected = [e.replace(m.group(1), port) for e in expected]
            last = [e for e in expected if e != ELLIPSIS]
            until = functools.partial(_printed, last[-1]) if last else None
        if "dry-run" in block.modes:
            ran = run_command(f"make -n {text.removeprefix('make ')}", root)
            # The recipe must be the block's first lines; what the run prints follows.
            ok = ran.returncode == 0 and not ran.err and ran.out and all(
                i < len(expected) and line_matches(expected[i], line)
                for i, line in enumerate(ran.out))
        else:
            ran = run_command(text, root, until=until)
            want = 1 if any(e.startswith("error: ") for e in expected) else 0
            ok = ran.returncode == want and output_matches(expected, ran.out, ran.err)
        if not ok:
            problems.append(_report(block, cmd, ran, expected))
            break  # what follows on the page may need this command's output
    return problems


def _printed(line: str, out: list[str], err: list[str]) -> bool:
    return any(line_matches(line, x) for x in (out[-1:] + err[-1:]))


def _report(block: Block, cmd: Command, ran: Ran, expected: list[str]) -> str:
    page_shows = "\n".join(f"    {e}" for e in expected) or "    (nothing)"
    got = "\n".join([*(f"    out| {x}" for x in ran.out), *(f"    err| {x}" for x in ran.err)])
    got = got or "    (nothing)"
    return (f"{shown(block.page)}:{cmd.line}: `$ {cmd.text}` exited "
            f"{ran.returncode}; the page shows:\n{page_shows}\n  it printed:\n{got}")


def _check_pycon(block: Block, root: Path) -> list[str]:
    script = ("import doctest, sys\n"
              "test = doctest.DocTestParser().get_doctest(sys.stdin.read(), {}, 'page', "
              "None, 0)\n"
              "runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS "
              "| doctest.NORMALIZE_WHITESPACE)\n"
              "runner.run(test)\n"
              "sys.exit(1 if runner.failures else 0)\n")
    body = block.body.replace(ELLIPSIS, "...")
    proc = subprocess.run([str(root / ".venv" / "bin" / "python"), "-c", script], input=body,
                          cwd=root, env=environment(root), capture_output=True, text=True,
                          timeout=TIMEOUT_S, check=False)
    if proc.returncode:
        return [f"{block.where}: the Python session does not print what the page shows:\n"
                f"{proc.stdout[-3000:]}{proc.stderr[-3000:]}"]
    return []


def _check_sql(block: Block, root: Path) -> list[str]:
    script = ("import duckdb, sys\n"
              "rows = duckdb.sql(sys.stdin.read()).fetchall()\n"
              "print(len(rows))\n")
    proc = subprocess.run([str(root / ".venv" / "bin" / "python"), "-c", script],
                          input=block.body, cwd=root, env=environment(root),
                          capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if proc.returncode or proc.stdout.strip() in ("", "0"):
        return [f"{block.where}: the SQL fails or returns no rows: "
                f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}"]
    return []
