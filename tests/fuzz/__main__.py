"""``python -m tests.fuzz [--seed N] [--count N] [--formats pdf,docx,…] [--minutes M] [--jobs J]``

Runs the fuzzing campaign (``tests.fuzz.campaign``); exit 0 when it ends with no
finding, 1 otherwise.  ``--replay FOLDER/recipe.json`` rebuilds one input from its
recipe (``--write PATH``) for a look.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tests.fuzz.seeds import FORMATS


def main(argv: list[str] | None = None) -> int:
    from tests.fuzz.campaign import Options, run_campaign

    d = Options()
    p = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=d.seed, help="campaign seed (default %(default)s)")
    p.add_argument("--count", type=int, default=d.count, help="inputs (default %(default)s)")
    p.add_argument("--minutes", type=float, default=d.minutes,
                   help="stop drawing inputs after this long (default %(default)s)")
    p.add_argument("--formats", default=",".join(FORMATS),
                   help="comma-separated, of: " + ", ".join(FORMATS))
    p.add_argument("--jobs", type=int, default=d.jobs, help="runs at once (default: cores + 1)")
    p.add_argument("--out", type=Path, default=d.out, help="default %(default)s")
    p.add_argument("--timeout", type=float, default=d.timeout,
                   help="the CLI's --timeout for most formats (default %(default)s)")
    p.add_argument("--no-minimize", action="store_true")
    p.add_argument("--replay", type=Path, metavar="RECIPE_JSON",
                   help="write the input of a saved recipe to --write and exit")
    p.add_argument("--write", type=Path, metavar="PATH")
    a = p.parse_args(argv)
    formats = [f.strip() for f in a.formats.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        p.error(f"unknown formats: {', '.join(unknown)}")
    if a.replay:
        from tests.fuzz.mutate import Corpus, Recipe, apply_recipe
        from tests.fuzz.seeds import build_seeds

        recipe = Recipe.from_json(json.loads(a.replay.read_text()))
        corpus = Corpus(build_seeds(a.out / "seeds"))
        target = a.write or Path(f"replay{FORMATS[recipe.fmt]}")
        target.write_bytes(apply_recipe(recipe, corpus))
        print(target)
        return 0
    opts = Options(seed=a.seed, count=a.count, minutes=a.minutes, formats=formats, jobs=a.jobs,
                   out=a.out, timeout=a.timeout, minimize=not a.no_minimize)
    return run_campaign(opts)


if __name__ == "__main__":
    sys.exit(main())
