"""Extract official Chinese list notices from PDF into clean tables.

Stages (one module each, chained by ``pipeline.extract.run``):
read → tables → header → stitch → clean → parse → notice; then write,
validate, diff, dataset.
"""

__version__ = "0.1.0"
