# One task runner for people and CI alike. `make run` and `make test` work on a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA := archive

.PHONY: run test install lint types browser bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "xronika needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@if [ ! -e $(DATA)/archive.sqlite3 ]; then \
		$(BIN)/xronika --data $(DATA) ingest sample/articles.jsonl; \
	fi
	$(BIN)/xronika --data $(DATA) serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

types: $(STAMP)
	$(BIN)/mypy src

# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
browser:
	command -v chromium >/dev/null 2>&1 || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

test: lint types browser
	$(BIN)/pytest -q

# Measurements, never tests: regenerates docs/benchmarks.md with the quick versions.
bench: $(STAMP)
	$(BIN)/python bench/publish.py --quick

clean:
	rm -rf $(VENV) build .mypy_cache .ruff_cache .pytest_cache
