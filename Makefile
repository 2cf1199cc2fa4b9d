# Safeguard: `make run` and `make test` do everything on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export SAFEGUARD_ENV ?= development
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-interruption check venv migrate seed serve e2e lock clean-embedded backup restore system-packages

# Two database roles (docs/deployment.md): the app connects as a role that owns
# nothing, migrations run as the owner. Given a superuser's DATABASE_URL (a
# development or CI server), this creates <database>_owner and <database>_app
# (idempotent) and runs the command with DATABASE_URL (app) and
# DATABASE_OWNER_URL (owner); with DATABASE_OWNER_URL set, or DATABASE_URL
# unset (the embedded server splits itself), it runs it as it is.
ROLES := $(PY) -m safeguard.dbroles exec --

$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	$(ROLES) $(PY) manage.py migrate --noinput

seed: migrate
	$(ROLES) $(PY) manage.py seed_demo

## Development server on http://127.0.0.1:8000 with demo data.
## A background worker (large chronology exports) runs beside it and stops with it.
## One supervisor (safeguard/devserver.py) runs migrate, seed_demo, then the worker
## and runserver, and owns the embedded PostgreSQL for the whole run, so Ctrl-C or a
## signal to the process group at any moment stops everything, the database included.
run: $(STAMP)
	$(ROLES) $(PY) -m safeguard.devserver $(HOST):$(PORT)

## Chromium, pdftoppm and the DejaVu fonts: installed when missing (Debian, as
## root or with passwordless sudo); otherwise one instruction and a stop.
system-packages:
	.ci/install-system-packages

## Whole test suite, browser tests included, on real PostgreSQL.
## The system packages come first, so a machine without them stops before anything runs.
## In parallel (pytest-xdist): PYTEST_WORKERS processes (default: one per CPU core and one
## more, which fills the time the browser tests spend waiting on Chromium; docs/testing.md),
## each on its own copy of the test database (tests/conftest.py, docs/testing.md).
## PYTEST_WORKERS=0 runs in this one process; PYTEST_ARGS adds pytest's arguments.
PYTEST_WORKERS ?= $(shell $(PYTHON) -c "import os; n = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count(); print((n or 1) + 1)")
test: system-packages
	$(MAKE) --no-print-directory $(STAMP)
	$(ROLES) $(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## `make run` interrupted at 20 random moments (minutes; not part of `make test`).
test-interruption: $(STAMP)
	SAFEGUARD_RUN_INTERRUPTION=1 $(PY) -m pytest -p no:xdist tests/reliability/test_make_run.py -s $(PYTEST_ARGS)

## Browser tests only.
e2e: system-packages
	$(MAKE) --no-print-directory $(STAMP)
	$(ROLES) $(PY) -m pytest -n $(PYTEST_WORKERS) -m e2e $(PYTEST_ARGS)

check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# mypy's Django plugin loads settings, which without DATABASE_URL start the embedded
	@# server; mypy then leaves by os._exit, skipping the exit handler that would stop it.
	@# Settings never connect at import, so a URL of nothing keeps mypy off the server.
	DATABASE_URL=$${DATABASE_URL:-postgres://typecheck@127.0.0.1:9/typecheck} $(VENV)/bin/mypy .
	$(ROLES) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

## Regenerate requirements.lock from requirements.in (needs network access to the package index).
lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile requirements.in --generate-hashes --python-version 3.11 -o requirements.lock

## Production-style serving (gunicorn + whitenoise) on http://$(HOST):$(PORT).
## There is no TLS locally, so SAFEGUARD_ENV stays development unless you set it;
## SAFEGUARD_ENV=production needs TLS in front, SECRET_KEY and ALLOWED_HOSTS (docs/deployment.md).
serve: migrate
	@# Production serves hashed, compressed files collected beforehand (slow: run it at deploy time).
	if [ "$$SAFEGUARD_ENV" = production ]; then $(ROLES) $(PY) manage.py collectstatic --noinput --verbosity 0; fi
	GUNICORN_BIND=$${GUNICORN_BIND:-$(HOST):$(PORT)} $(ROLES) $(VENV)/bin/gunicorn -c gunicorn.conf.py

## Back up the database (DATABASE_URL, or the embedded server) into backups/ as
## safeguard-<db>-<UTC time>.dump (pg_dump custom format, owner-only file).
backup: $(STAMP)
	$(ROLES) $(PY) manage.py backup_database --output-dir backups

## Replace the database's contents with a backup: make restore FILE=backups/<name>.dump
## Asks you to type the database name; stop the app servers first. All-or-nothing.
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/<name>.dump" >&2; exit 2; }
	$(ROLES) $(PY) manage.py restore_database "$(FILE)"

## Record-quality checks measured on the labelled corpus (tests/disclosures/quality_corpus/):
## per field, weak texts flagged and strong texts wrongly flagged. No database needed.
.PHONY: quality-report
quality-report: $(STAMP)
	DJANGO_SETTINGS_MODULE=safeguard.settings $(PY) -m bench.quality_report $(if $(VERBOSE),--verbose,)

## Benchmark at scale: builds (or reuses) its own database of BENCH_INCIDENTS incidents,
## prints a table and writes bench/results/latest.json. BENCH_FAST=1: short smoke run.
BENCH_INCIDENTS ?= 100000
.PHONY: bench
bench: $(STAMP)
	$(PY) -m bench.run --incidents $(BENCH_INCIDENTS) $(if $(BENCH_FAST),--fast,)
