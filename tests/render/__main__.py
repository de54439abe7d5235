"""Render the layout cases for a look, and optionally score them.

    python -m tests.render OUT_DIR [--score] [CASE_ID ...]   (default: all cases)
    python -m tests.render OUT_DIR --fuzz N [--score]         (N random cases instead)
    python -m tests.render OUT_DIR --fuzz A:B [--docx] [--score]
        seeds A..B-1; with --docx, random Word documents (fuzz.random_docx_case)

With --score each PDF is extracted by the pipeline and scored against its
source (one line per case: score, measures below 1.0, first wrong cells).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from tests.render import CASES, load_source
from tests.render.batch import render_cases


def main(argv: list[str]) -> int:
    seeds: range | None = None
    if "--fuzz" in argv:
        k = argv.index("--fuzz")
        lo, _, hi = argv[k + 1].rpartition(":")
        seeds = range(int(lo or 0), int(hi))
        argv = argv[:k] + argv[k + 2 :]
    args = [a for a in argv if not a.startswith("--")]
    if not args:
        print(__doc__)
        return 2
    out = Path(args[0])
    wanted = set(args[1:])
    cases = [c for c in CASES if not wanted or c.id in wanted]
    if seeds is not None:
        from tests.render.fuzz import random_case, random_docx_case

        make = random_docx_case if "--docx" in argv else random_case
        cases = [make(seed) for seed in seeds]
    t = time.perf_counter()
    paths = render_cases(cases, out)
    print(f"rendered {len(paths)} cases in {time.perf_counter() - t:.1f}s into {out}")
    if "--score" not in argv:
        return 0
    from tests.render.check import explain, score_pdf

    failed = 0
    for case in cases:
        gold = load_source(case.source)
        t = time.perf_counter()
        res = score_pdf(paths[case.id], gold, out / f"{case.id}.out")
        ok = "error" not in res and res.get("score") == 1.0
        failed += not ok
        took = time.perf_counter() - t
        print(
            f"{'PASS' if ok else 'FAIL'} {case.id:30s} {res.get('score')}  ({took:.1f}s)"
            f"  [{case.variant.producer}, {case.source}] {case.looks}"
        )
        if not ok:
            print(
                "    " + explain(gold, out / f"{case.id}.out", res, limit=3).replace("\n", "\n    ")
            )
    print(f"{len(cases) - failed}/{len(cases)} cases extract exactly")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
