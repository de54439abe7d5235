"""What a validation found: one ``Check`` per expectation and column, and the
``ValidationResult`` of a folder (its lines for the terminal; ``write_reports`` writes
validation.json and validation.html, see ``report``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from .rows import row_label


@dataclass
class Check:
    """The outcome of one expectation (or of reading one file) on one table and column.

    ``rows`` holds the keys (``seq``, ``task_no`` …) of the first offending rows;
    ``rows_total`` counts them all.  ``severity`` is "error" (the folder fails),
    "warning" or "info" (reported only).  ``each_row``: the check is reported
    one line per offending row (``details``), every row (OCR cells to look at).
    """

    table: str
    check: str
    column: str | None
    success: bool
    severity: str
    found: str
    expected: str
    rows: list[dict] = field(default_factory=list)
    rows_total: int = 0
    expectation: str = ""
    each_row: bool = False
    details: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line: table, check, found vs expected, the offending rows."""
        text = f"{self._where()}: {self.check}: found {self.found}; expected {self.expected}"
        if self.rows:
            labels = ", ".join(row_label(r) for r in self.rows)
            more = self.rows_total - len(self.rows)
            text += f"; rows: {labels}" + (f" (+{more} more)" if more > 0 else "")
        return text

    def lines(self) -> list[str]:
        """``line()``, or for an ``each_row`` check one line per offending row."""
        if not self.each_row or not self.details:
            return [self.line()]
        return [f"{self._where()}: {self.check}: {d}; expected {self.expected}"
                for d in self.details]

    def _where(self) -> str:
        return f"{self.table}.{self.column}" if self.column else self.table


@dataclass
class ValidationResult:
    """What ``validate_extraction`` found; ``success`` is False if any error check failed."""

    folder: str
    success: bool
    checks: list[Check]
    warnings: list[str]
    items: int | None
    expected_items: int | None
    expected_source: str
    elapsed_s: float
    suite: str = ""
    expectations: dict[str, int] = field(default_factory=dict)  # frame → expectations run
    ocr_cells: list[dict] = field(default_factory=list)  # flagged OCR'd cells, for a person
    #: The reader's own warnings (notice.json ``warnings``: publisher defects it kept as
    #: printed), shown as written; ``extract`` has printed them already.
    reader_warnings: list[str] = field(default_factory=list)
    notice: dict = field(default_factory=dict)
    great_expectations_version: str = ""

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.success and c.severity == "error"]

    def failure_lines(self) -> list[str]:
        """One line per failed check (what ``validate`` prints on stderr)."""
        return [c.line() for c in self.failures]

    def warning_lines(self) -> list[str]:
        """Warnings and notes: failed warning checks (one line per OCR cell to check),
        an unrecorded item count."""
        return list(self.warnings)

    def summary(self) -> str:
        failed = len(self.failures)
        items = "?" if self.items is None else self.items
        warned = len(self.warnings)
        return (f"{items} items; {len(self.checks)} checks "
                f"({sum(self.expectations.values())} expectations, suite {self.suite or '?'}), "
                f"{failed} failed, {warned} warning{'' if warned == 1 else 's'}")

    def to_dict(self) -> dict:
        return {"success": self.success, "summary": self.summary(), **asdict(self)}

    def write_reports(self, folder: Path, label: Path | str | None = None) -> None:
        """Write validation.json and a self-contained validation.html into ``folder``.

        ``label`` is the folder the report names (default: ``folder``): validation
        runs in a temporary folder that is then moved into place.  Crops of
        flagged OCR cells are read from ``folder``.  Raises ``PipelineError`` if a
        report cannot be written.
        """
        from .report import write_report

        if label is not None:
            self.folder = str(label)
        write_report(self, Path(folder))
