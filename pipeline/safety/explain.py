"""What went wrong in a sandboxed reader: any exception → one located ``PipelineError``.

    explain_exception(exc, limits, start_vm_mb) → PipelineError   (in the child)

Library exceptions of any type become "truncated or damaged PDF: …", "encrypted PDF: a
password is needed", "memory limit of N MB reached while reading", "CPU time limit …";
a ``PipelineError`` passes through unchanged; anything else is an internal error naming
the innermost pipeline frame.  The error is located on a page when a frame holds a
pdfplumber ``Page``, or pipeline code a local ``page_number``; its traceback travels as
``detail``.  Part of ``sandbox`` (split along its seams).
"""

from __future__ import annotations

import os
import traceback
from typing import Any

from ..errors import InputError, LimitError, PipelineError
from ..settings import Limits

#: Child traceback text kept for ``detail``.
DETAIL_CHARS = 6000
CPU_HINT = "raise --timeout (the CPU limit follows it) if the file is genuine"
#: Longest library message quoted in an error line.
_MESSAGE_CHARS = 160


class CpuLimitReached(BaseException):
    """Raised in the child at the soft CPU limit (a BaseException: ``except Exception`` in
    library code must not swallow it)."""


def explain_exception(exc: BaseException, limits: Limits,
                      start_vm_mb: float = 0.0) -> PipelineError:
    """One ``PipelineError`` for any exception raised while reading."""
    exc = _unwrap(exc)
    if isinstance(exc, PipelineError):
        return exc
    where = _where(exc.__traceback__)
    if isinstance(exc, MemoryError) or _out_of_address_space(exc):
        traceback.clear_frames(exc.__traceback__)
        started = (f" (it started at {start_vm_mb:,.0f} MB)"
                   if start_vm_mb > max(limits.memory_mb / 2, 200) else "")
        err: PipelineError = LimitError(
            f"memory limit of {limits.memory_mb} MB reached while reading{started}",
            hint="raise it with --memory-mb if the file is genuine")
    elif isinstance(exc, CpuLimitReached):
        err = LimitError(f"CPU time limit of {limits.cpu_s} s reached while reading",
                         hint=CPU_HINT)
    elif isinstance(exc, RecursionError):
        err = InputError("damaged PDF: its objects nest too deeply (circular references?)")
    elif type(exc).__name__ == "PDFPasswordIncorrect":
        err = InputError("encrypted PDF: a password is needed",
                         hint="ask the publisher for a copy without a password")
    elif type(exc).__name__ in ("PDFEncryptionError", "PDFEncryptionWarning"):
        err = InputError(f"encrypted PDF: its encryption is not supported ({_brief(exc)})")
    elif where["library"]:
        err = InputError(f"truncated or damaged PDF: {_brief(exc)}",
                         hint="download the file again, or open and re-save it in a PDF reader")
    else:
        err = PipelineError(f"internal error while reading: {_brief(exc)} at {where['frame']}",
                            hint="this is a bug in the pipeline; please report it")
    if err.page is None and where["page"] is not None:
        err.page = where["page"]
    if where["objid"] is not None and "object" not in err.what:
        err.what += f" (object {where['objid']})"
    err.args = (err.message(),)
    err.detail = "".join(traceback.format_exception(exc))[-DETAIL_CHARS:]
    return err


def _out_of_address_space(exc: BaseException) -> bool:
    # Under RLIMIT_AS a shared library that cannot be mapped fails to import.
    text = str(exc)
    return isinstance(exc, (ImportError, OSError)) and (
        "failed to map segment" in text or "Cannot allocate memory" in text)


def _unwrap(exc: BaseException) -> BaseException:
    # pdfplumber re-raises every pdfminer error as PdfminerException(original).
    while (type(exc).__name__ == "PdfminerException" and exc.args
           and isinstance(exc.args[0], BaseException)):
        exc = exc.args[0]
    return exc


def _where(tb) -> dict[str, Any]:
    """Page number, object id and innermost frame of a traceback (best effort)."""
    out: dict[str, Any] = {"page": None, "objid": None, "library": False, "frame": "?"}
    innermost_own = None
    while tb is not None:
        frame = tb.tb_frame
        filename = frame.f_code.co_filename
        module = frame.f_globals.get("__name__", "")
        for value in frame.f_locals.values():
            kind = type(value)
            if kind.__name__ == "Page" and kind.__module__ == "pdfplumber.page":
                out["page"] = getattr(value, "page_number", out["page"])
        if module.startswith("pipeline") and isinstance(frame.f_locals.get("page_number"), int):
            out["page"] = frame.f_locals["page_number"]
        if module.startswith("pdfminer") and isinstance(frame.f_locals.get("objid"), int):
            out["objid"] = frame.f_locals["objid"]
        if module.startswith(("pdfminer", "pdfplumber")):
            out["library"] = True
        elif module.startswith("pipeline"):
            innermost_own = f"{os.path.basename(filename)}:{tb.tb_lineno}"
            out["library"] = False  # the failing code below this frame is ours
        tb = tb.tb_next
    out["frame"] = innermost_own or "?"
    return out


def _brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "(no message)"
    if len(text) > _MESSAGE_CHARS:
        text = text[:_MESSAGE_CHARS] + "…"
    return f"{type(exc).__name__}: {text}"
