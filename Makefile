# Pathwise — the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run test test-browser test-worker bench lint schemathesis clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Pathwise needs Python 3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing dependencies into $(VENV) ..."
	@# Some machines' pip config names local wheel folders that may not exist: hide that noise only.
	@set -o pipefail; $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 \
	  | { grep -v '^WARNING: Location .* is ignored' || true; }
	@touch $(STAMP)

var:
	@mkdir -p var

## make run: migrate, load the curriculum and demo users, start web + Celery worker + beat.
run: install var
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py import_roadmap fixtures/ml-roadmap.yaml
	@$(PY) manage.py seed_demo
	@echo
	@echo "Pathwise is starting at http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/, API docs: http://$(HOST):$(PORT)/api/v1/docs/)"
	@echo "Press Ctrl-C to stop the web app, the worker and beat."
	@trap 'kill 0' INT TERM EXIT; \
	  $(VENV)/bin/celery -A config worker --loglevel=WARNING --concurrency=2 & \
	  $(VENV)/bin/celery -A config beat --loglevel=WARNING & \
	  $(PY) manage.py runserver --noreload $(HOST):$(PORT)

## make test: the whole suite (PostgreSQL when DATABASE_URL is set, SQLite otherwise).
test: install
	@echo "Database: $${DATABASE_URL:-SQLite (set DATABASE_URL for PostgreSQL)}"
	$(PY) -m pytest -n 2 -m "not browser and not celery_worker" $(PYTEST_ARGS)

## Browser tests (Playwright + Debian's Chromium); .ci/run installs chromium first.
test-browser: install
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

## A real Celery worker process on Redis (CELERY_BROKER_URL must point at Redis).
test-worker: install
	$(PY) -m pytest -m celery_worker $(PYTEST_ARGS)

## Fuzz the API against its own OpenAPI schema.
schemathesis: install
	$(PY) -m pytest tests/api/test_schemathesis.py $(PYTEST_ARGS)

bench: install
	$(PY) -m tests.benchmarks.run $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf var .pytest_cache .hypothesis
