# Document-ingestion pipeline for Chinese list notices. `make` (or `make help`) lists targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NOTICE ?=
JOBS ?= 0
OLD ?=
NEW ?=

.DEFAULT_GOAL := help
.PHONY: help setup extract validate diff dataset test test-all lint bench bench-ocr notebook clean fuzz

help: ## Show this list of targets
	@echo "usage: make TARGET [NOTICE=file] [OLD=… NEW=…] [PORT=N]"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-13s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the pinned dependencies (requirements.txt)

# Notice files that raw/ may hold (the kind is read from each file's content).
FORMATS := pdf docx doc wps odt rtf xlsx xls et ods html htm shtml
RAW := $(sort $(wildcard $(addprefix raw/*.,$(FORMATS))))

extract: $(STAMP) ## Extract + validate every notice in raw/ (or NOTICE=file: PDF, Word, Excel, web page); unchanged ones are skipped
	$(PY) -m pipeline extract $(if $(NOTICE),$(NOTICE),$(RAW)) --validate --jobs $(JOBS)

validate: $(STAMP) ## Validate an extracted folder: make validate DIR=extracted/<version>
	$(PY) -m pipeline validate $(DIR)

diff: $(STAMP) ## Compare two versions: make diff OLD=folder-or-pdf NEW=folder-or-pdf
	@test -n "$(OLD)" -a -n "$(NEW)" || { echo "usage: make diff OLD=… NEW=…" >&2; exit 2; }
	$(PY) -m pipeline diff $(OLD) $(NEW)

dataset: $(STAMP) ## Combine every version in extracted/ into extracted/dataset/ (Hive-partitioned Parquet)
	$(PY) -m pipeline dataset

# Tests run on every logical core (pytest-xdist); TEST_JOBS=1 runs them in this process.
TEST_JOBS ?= logical

test: $(STAMP) ## Run the fast tests on every core (a few minutes; slow cases left out: make test-all)
	$(PY) -m pytest -q -m "not slow" -n $(TEST_JOBS)

test-all: $(STAMP) ## Run every test, the slow cases too (OCR, LibreOffice, long lists, browser): what CI runs; prints the slowest 20
	$(PY) -m pytest -q -n $(TEST_JOBS) --durations=20

lint: $(STAMP) ## Check the code with ruff
	$(VENV)/bin/ruff check pipeline tests bench notebooks

bench: $(STAMP) ## Time extraction against bare pdfplumber; writes bench/results.json
	$(PY) bench/run.py

bench-ocr: $(STAMP) ## OCR s/page and accuracy on scans of the 2021 list (slow: minutes a variant); VARIANTS=clean,noisy PAGES=3,4
	$(PY) bench/ocr.py $(if $(VARIANTS),--variants $(VARIANTS)) $(if $(PAGES),--pages $(PAGES))

fuzz: $(STAMP) ## Fuzz every reader through the CLI (not in test): SEED=1 COUNT=5000 MINUTES=28 FUZZ_FORMATS=pdf,docx,…
	$(PY) -m tests.fuzz $(if $(SEED),--seed $(SEED)) $(if $(COUNT),--count $(COUNT)) \
		$(if $(MINUTES),--minutes $(MINUTES)) $(if $(FUZZ_FORMATS),--formats $(FUZZ_FORMATS))

notebook: $(STAMP) ## Build extracted/dataset and run the analysis notebook on it (writes extracted/analysis.ipynb)
	$(PY) -m pipeline dataset
	cp notebooks/analysis.ipynb extracted/analysis.ipynb
	ANALYSIS_DATASET=$(CURDIR)/extracted/dataset $(VENV)/bin/jupyter-execute --inplace extracted/analysis.ipynb

# A scheduler and two workers started here from .venv (as docs/cluster.md tells), a batch of
# the sample notices on them, then every process stopped (logs in build/cluster-demo/).
DEMO := build/cluster-demo
DEMO_NOTICES := $(RAW) tests/fixtures/notice-2023-synthetic-INVENTED.pdf

.PHONY: cluster-demo
cluster-demo: $(STAMP) ## Start a Dask scheduler + 2 workers here, extract the sample notices on them, stop them
	@mkdir -p $(DEMO) && rm -f $(DEMO)/scheduler.json && set -e; \
	trap 'kill $$pids 2>/dev/null; wait $$pids 2>/dev/null; echo "cluster stopped"' EXIT; \
	$(VENV)/bin/dask scheduler --port 0 --dashboard-address :0 \
		--scheduler-file $(DEMO)/scheduler.json >$(DEMO)/scheduler.log 2>&1 & pids=$$!; \
	for i in 1 2; do PYTHONPATH=$(CURDIR) DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False \
		$(VENV)/bin/dask worker --nthreads 1 --name demo-$$i \
		--scheduler-file $(DEMO)/scheduler.json >$(DEMO)/worker-$$i.log 2>&1 & pids="$$pids $$!"; done; \
	for _ in $$(seq 100); do test -s $(DEMO)/scheduler.json && break; sleep 0.2; done; \
	address=$$($(PY) -c 'import json,sys; print(json.load(open(sys.argv[1]))["address"])' \
		$(DEMO)/scheduler.json); \
	echo "scheduler $$address, workers demo-1 and demo-2 (logs in $(DEMO)/)"; \
	$(PY) -m pipeline extract $(DEMO_NOTICES) --validate --scheduler $$address

.PHONY: site serve
site: extract ## Build the site database extracted/site/lists.db from every version (extracts raw/ first)
	$(PY) -m pipeline.site build

serve: extract ## Build the site database, then browse it read-only at http://127.0.0.1:8001/ (PORT=N)
	$(PY) -m pipeline.site serve $(if $(PORT),--port $(PORT))

clean: ## Remove extracted output, caches and build files (never raw/ or .venv)
	rm -rf extracted/*/ extracted/.tmp-* extracted/analysis.ipynb .pytest_cache .ruff_cache .hypothesis build
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +
