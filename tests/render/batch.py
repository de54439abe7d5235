"""Render many cases at once: LibreOffice cases share one soffice run."""

from __future__ import annotations

from pathlib import Path

from tests.render.catalogue import Case, load_source


def render_cases(cases: list[Case], out_dir: Path) -> dict[str, Path]:
    """Render ``cases`` into ``out_dir``/<id>.pdf; return id → path (raises on failure)."""
    from tests.render import render_notice

    out_dir = Path(out_dir)
    done: dict[str, Path] = {}
    office = [c for c in cases if c.variant.producer == "soffice"]
    if office:
        from tests.render.pdf_soffice import render_soffice

        jobs = [(load_source(c.source), out_dir / f"{c.id}.pdf", c.variant) for c in office]
        made = render_soffice(jobs, profile=out_dir / ".soffice-profile")
        for case, path in zip(office, made, strict=True):
            done[case.id] = path
    for case in cases:
        if case.variant.producer != "soffice":
            done[case.id] = render_notice(
                load_source(case.source), out_dir / f"{case.id}.pdf", case.variant
            )
    return done
