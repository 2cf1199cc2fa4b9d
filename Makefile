# Safeguard: `make run` and `make test` do everything on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export SAFEGUARD_ENV ?= development
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check venv migrate seed serve e2e lock clean-embedded

$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## Development server on http://127.0.0.1:8000 with demo data.
run: seed
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

## Whole test suite, browser tests included, on real PostgreSQL.
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## Browser tests only.
e2e: $(STAMP)
	$(PY) -m pytest -m e2e $(PYTEST_ARGS)

check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) manage.py makemigrations --check --dry-run

## Regenerate requirements.lock from requirements.in (needs network access to the package index).
lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile requirements.in --generate-hashes --python-version 3.11 -o requirements.lock

## Benchmark at scale: builds (or reuses) its own database of BENCH_INCIDENTS incidents,
## prints a table and writes bench/results/latest.json. BENCH_FAST=1: short smoke run.
BENCH_INCIDENTS ?= 100000
.PHONY: bench
bench: $(STAMP)
	$(PY) -m bench.run --incidents $(BENCH_INCIDENTS) $(if $(BENCH_FAST),--fast,)
