"""Render many cases at once: LibreOffice cases (.fodt and .docx) share one soffice run each."""

from __future__ import annotations

from pathlib import Path

from tests.render.catalogue import Case, load_source

#: Producers converted in batches by one soffice process: producer → module, function.
_BATCHED = {
    "soffice": ("tests.render.pdf_soffice", "render_soffice"),
    "docx": ("tests.render.pdf_docx", "render_docx"),
}


def render_cases(cases: list[Case], out_dir: Path) -> dict[str, Path]:
    """Render ``cases`` into ``out_dir``/<id>.pdf; return id → path (raises on failure)."""
    import importlib

    from tests.render import render_notice

    out_dir = Path(out_dir)
    done: dict[str, Path] = {}
    for producer, (module, function) in _BATCHED.items():
        group = [c for c in cases if c.variant.producer == producer]
        if not group:
            continue
        render = getattr(importlib.import_module(module), function)
        jobs = [(load_source(c.source), out_dir / f"{c.id}.pdf", c.variant) for c in group]
        made = render(jobs, profile=out_dir / ".soffice-profile")
        for case, path in zip(group, made, strict=True):
            done[case.id] = path
    for case in cases:
        if case.variant.producer not in _BATCHED:
            done[case.id] = render_notice(
                load_source(case.source), out_dir / f"{case.id}.pdf", case.variant
            )
    return done
