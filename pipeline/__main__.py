"""``python -m pipeline``: see ``pipeline.cli``."""

import sys

from .cli import main

sys.exit(main())
