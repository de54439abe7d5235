"""The one exception family of the pipeline.

Every error a user can cause (a bad file, a table that cannot be read with
confidence, a failed check) is a ``PipelineError``.  The CLI prints it as one
``error: …`` line and exits 1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class PipelineError(ValueError):
    """A problem with the input, located as precisely as we can.

    ``where`` names the file (and page, row, column when known); ``what`` says
    what was found against what was expected; ``hint`` suggests a way out.
    """

    def __init__(self, what: str, *, file: str | None = None, page: int | None = None,
                 row: str | int | None = None, column: str | None = None,
                 hint: str | None = None):
        self.what = what
        self.file = file
        self.page = page
        self.row = row
        self.column = column
        self.hint = hint
        super().__init__(self.message())

    def located(self, file: str) -> PipelineError:
        """Return the same error with ``file`` filled in where it was unknown."""
        if self.file is None:
            self.file = file
            self.args = (self.message(),)
        return self

    def message(self) -> str:
        where = [str(self.file)] if self.file else []
        if self.page is not None:
            where.append(f"page {self.page}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        text = ", ".join(where)
        text = f"{text}: {self.what}" if text else self.what
        return f"{text} (hint: {self.hint})" if self.hint else text

    def __str__(self) -> str:
        return self.message()


class InputError(PipelineError):
    """The file is not a PDF we can open: missing, truncated, encrypted, too big."""


class LayoutError(PipelineError):
    """The PDF opens, but its table cannot be read with confidence."""


class LimitError(PipelineError):
    """Reading the file hit a resource limit (time, memory, pages, size)."""


class ValidationFailed(PipelineError):
    """The extraction was written but failed its expectation suite."""
