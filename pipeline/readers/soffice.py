"""Other word-processor files → .docx by LibreOffice, run headless and fenced in.

    convert_document(path, fmt, limits, workdir) → (the .docx made, its ``Format``)

An old binary .doc (and WPS Writer's .wps, which is the same Word 97 format),
an .odt or an .rtf is converted to .docx and then read by ``readers.word``
like any .docx.  The parent runs this before the sandboxed reader
(``readers.prepare_source``); LibreOffice itself runs as a process group of
its own with:

- limits of its own (``setrlimit`` in the child before ``exec``): address
  space ``limits.memory_mb`` + ``ADDRESS_SPACE_EXTRA_MB`` per process
  (LibreOffice 7.4 peaks at 450–490 MB of address space converting the 2021
  list, and aborts below ~400 MB), CPU time ``limits.cpu_s``, files it writes
  at most ``MAX_OUTPUT_MB`` each, no core dumps;
- a wall clock of ``limits.timeout_s`` in all, after which the whole group is
  killed (a second start, when LibreOffice asks for one after setting up its
  profile, gets what the first left of it);
- a private profile (``-env:UserInstallation``) seeded with macros disabled and
  remote referer links blocked, HOME and TMPDIR inside ``workdir``, output only
  into ``workdir``;
- no network: a new network namespace (``unshare --net``) where the system
  allows one, and in any case an environment without proxy settings.

Every failure is one ``PipelineError`` naming the file: LibreOffice missing
(with the package to install), an encrypted document (found before
LibreOffice starts: it would only say "source file could not be loaded"), a
variant LibreOffice has no filter for or a damaged file (what to save it as
instead), a hang (timeout) or a crash.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from functools import cache
from pathlib import Path

from ..errors import InputError, LimitError
from ..settings import DEFAULT_LIMITS, Limits
from .sniff import DESCRIBED, Format, detect_format

#: Executables tried, in order, on PATH.
SOFFICE_NAMES = ("soffice", "libreoffice")
#: Address space LibreOffice may map beyond the reader's memory limit (per process).
ADDRESS_SPACE_EXTRA_MB = 1024
#: Largest file LibreOffice may write (the .docx, its profile, temporary files).
MAX_OUTPUT_MB = 512
#: The file name each content is given for LibreOffice (its type detection reads
#: the extension too: a Word 97 file named .wps would be taken for Microsoft Works).
SOURCE_NAMES = {"word-binary": "source.doc", "rtf": "source.rtf", "odt": "source.odt"}
#: Output filter: Word 2007–365 .docx.
DOCX_FILTER = "docx:MS Word 2007 XML"
#: LibreOffice's exit status when it set up a new profile and wants to be started
#: again (older releases do so on the first start; 7.4 converts at once).
RESTART_STATUS = 81
#: What LibreOffice prints when it cannot load a file (no filter, damaged, a password).
_NOT_LOADED = "source file could not be loaded"
_SAVE_AS_DOCX = "open it in WPS or Word and save it as .docx (文件 → 另存为 → Word 文档)"
#: The profile's settings: no macros run, no remote content fetched for the document.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
{items}</oor:items>
"""
_SETTINGS = (
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
)
#: Environment variables passed on to LibreOffice (proxies and the rest are not).
_KEPT_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "FONTCONFIG_FILE", "FONTCONFIG_PATH")


def convert_document(path: Path, fmt: Format, limits: Limits = DEFAULT_LIMITS,
                     workdir: Path | None = None) -> tuple[Path, Format]:
    """Convert ``path`` (content ``fmt.content``: word-binary, rtf or odt) into a
    .docx inside ``workdir``; return its path and ``Format``.

    Raises ``InputError`` (LibreOffice missing, an encrypted file, one it cannot
    open or crashes on) or ``LimitError`` (it ran past ``limits.timeout_s`` or
    its CPU limit), each naming ``path``.
    """
    path = Path(path)
    name = str(path)
    what = DESCRIBED.get(fmt.content, "this document")
    if fmt.content not in SOURCE_NAMES:
        raise InputError(f"{what} is not converted by LibreOffice here", file=name)
    exe = _soffice()
    if exe is None:
        raise InputError(f"{what} is read through LibreOffice, which is not installed "
                         "(no soffice on PATH)", file=name,
                         hint="apt install libreoffice-writer-nogui, or " + _SAVE_AS_DOCX)
    _refuse_encrypted(path, fmt)
    if workdir is None:
        raise ValueError("convert_document needs a workdir (readers.prepare_source gives one)")
    work = Path(workdir).resolve()
    folders = {k: work / k for k in ("in", "out", "profile", "home", "tmp")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    source = folders["in"] / SOURCE_NAMES[fmt.content]
    shutil.copyfile(path, source)
    _seed_profile(folders["profile"])
    command = [*_no_network(), exe, f"-env:UserInstallation={folders['profile'].as_uri()}",
               "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck",
               "--nodefault", "--convert-to", DOCX_FILTER, "--outdir", str(folders["out"]),
               str(source)]
    env = {k: os.environ[k] for k in _KEPT_ENV if k in os.environ}
    env.update(HOME=str(folders["home"]), TMPDIR=str(folders["tmp"]), SAL_USE_VCLPLUGIN="svp")
    deadline = time.monotonic() + limits.timeout_s
    status, output = _run(command, env, work, limits, name, deadline)
    if status == RESTART_STATUS:  # it only set up the new profile: run it again
        status, output = _run(command, env, work, limits, name, deadline)
    made = folders["out"] / (source.stem + ".docx")
    if status != 0:
        raise _crashed(status, output, limits, name)
    if not made.is_file() or made.stat().st_size == 0:
        if _NOT_LOADED in output:
            raise InputError(f"LibreOffice cannot open it as {what}: a variant it has no "
                             "import filter for, or a damaged file", file=name,
                             hint=_SAVE_AS_DOCX)
        said = _last_line(output) or "it printed nothing"
        raise InputError(f"LibreOffice made no .docx of it ({said})", file=name,
                         hint=_SAVE_AS_DOCX)
    return made, detect_format(made)


# --------------------------------------------------------------------------- before starting

@cache
def _soffice() -> str | None:
    for exe in SOFFICE_NAMES:
        found = shutil.which(exe)
        if found:
            return found
    return None


def _refuse_encrypted(path: Path, fmt: Format) -> None:
    """Raise for a password-protected .doc or .odt: LibreOffice would only say it
    could not load the file."""
    name = str(path)
    hint = "ask the publisher for a copy without a password"
    if fmt.content == "word-binary":
        import struct

        import olefile

        try:
            with olefile.OleFileIO(str(path)) as ole, ole.openstream("WordDocument") as s:
                fib = s.read(12)
        except (OSError, ValueError, IndexError, TypeError, KeyError, AssertionError,
                ArithmeticError, struct.error, RecursionError) as exc:  # olefile's, as sniff
            raise InputError(f"damaged old-style Word document ({exc})", file=name,
                             hint=_SAVE_AS_DOCX) from None
        # FibBase.fEncrypted (bit 8 of the flags at offset 10): encrypted, or
        # XOR-obfuscated with fObfuscated; both need the password to open.
        if len(fib) >= 12 and int.from_bytes(fib[10:12], "little") & 0x0100:
            raise InputError("encrypted Word document (.doc): a password is needed to open "
                             "it", file=name, hint=hint)
    elif fmt.content == "odt":
        import zipfile
        import zlib

        try:
            with zipfile.ZipFile(path) as z:
                info = z.getinfo("META-INF/manifest.xml")
                if info.file_size > 1 << 20:
                    return  # not a manifest; LibreOffice will say what it makes of it
                manifest = z.read(info)
        except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError, zlib.error):
            return  # LibreOffice will say what it makes of it
        if b"encryption-data" in manifest:
            raise InputError("encrypted OpenDocument text (.odt): a password is needed to "
                             "open it", file=name, hint=hint)


def _seed_profile(profile: Path) -> None:
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    items = "".join(f'<item oor:path="{p}"><prop oor:name="{k}" oor:op="fuse"><value>{v}'
                    "</value></prop></item>\n" for p, k, v in _SETTINGS)
    (user / "registrymodifications.xcu").write_text(_REGISTRY.format(items=items),
                                                    encoding="utf-8")


@cache
def _no_network() -> tuple[str, ...]:
    """The command prefix that starts a program without network: a new network
    namespace (as root, else as a user namespace's root), or nothing."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    for prefix in ((unshare, "--net"), (unshare, "--map-root-user", "--net")):
        try:
            done = subprocess.run([*prefix, "true"], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  timeout=10, env={"PATH": os.environ.get("PATH", "")})
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return prefix
    return ()


# --------------------------------------------------------------------------- running

def _run(command: list[str], env: dict, cwd: Path, limits: Limits, name: str,
         deadline: float) -> tuple[int, str]:
    """Run LibreOffice in a process group of its own until ``deadline`` (of
    ``time.monotonic``); (exit status, its output)."""
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, cwd=cwd, env=env,
                                start_new_session=True, preexec_fn=_limiter(limits))
    except OSError as exc:
        raise InputError(f"LibreOffice could not be started ({exc.strerror or exc})",
                         file=name, hint=_SAVE_AS_DOCX) from None
    try:
        out, _ = proc.communicate(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.communicate()
        raise LimitError(f"LibreOffice did not finish converting it to .docx within "
                         f"{limits.timeout_s:g} s (it hangs on this file?)", file=name,
                         hint="raise the limit with --timeout if the file is genuine, or "
                              + _SAVE_AS_DOCX) from None
    finally:
        _kill_group(proc)  # what it left running (oosplash starts soffice.bin)
    return proc.returncode, out.decode("utf-8", "replace")


def _limiter(limits: Limits):
    address = (int(limits.memory_mb) + ADDRESS_SPACE_EXTRA_MB) << 20
    cpu = max(1, int(limits.cpu_s))

    def limit() -> None:  # in the child, between fork and exec
        import resource

        for which, value in (("RLIMIT_AS", address), ("RLIMIT_CPU", cpu),
                             ("RLIMIT_FSIZE", MAX_OUTPUT_MB << 20), ("RLIMIT_CORE", 0)):
            res = getattr(resource, which, None)
            if res is None:
                continue
            _, hard = resource.getrlimit(res)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            try:
                resource.setrlimit(res, (value, value))
            except (ValueError, OSError):
                pass
        _die_with_parent()

    return limit


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _crashed(status: int, output: str, limits: Limits, name: str):
    """The error for LibreOffice ending with a non-zero status."""
    signum = -status if status < 0 else status - 128 if 128 < status < 160 else None
    signame = ""
    if signum is not None:
        try:
            signame = signal.Signals(signum).name
        except ValueError:
            signame = f"signal {signum}"
    if signum in (signal.SIGXCPU, signal.SIGKILL):
        return LimitError(f"LibreOffice reached its CPU time limit of {limits.cpu_s} s "
                          "converting it", file=name,
                          hint="raise --timeout (the CPU limit follows it) if the file is genuine")
    how = f"{signame}, exit status {status}" if signame else f"exit status {status}"
    if signum in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS):
        how += f"; its address space is limited to {limits.memory_mb + ADDRESS_SPACE_EXTRA_MB} MB"
    said = _last_line(output)
    return InputError(f"LibreOffice crashed converting it to .docx ({how})"
                      + (f": {said}" if said else ""), file=name, hint=_SAVE_AS_DOCX)


def _last_line(output: str) -> str:
    lines = [ln.strip() for ln in output.splitlines()
             if ln.strip() and "javaldx" not in ln]
    return lines[-1][:160] if lines else ""
