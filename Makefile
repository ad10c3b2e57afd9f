# Pathwise — the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
RUN_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install install-dev run manage test test-browser test-worker test-failure test-contract schema bench lint schemathesis locks clean

# Two locks compiled from pyproject.toml by uv (`make locks`): requirements.lock is what runs
# (make run, the Docker image); requirements-dev.lock adds the test and lint tools (make test).
install: $(RUN_STAMP)
install-dev: $(DEV_STAMP)

define pip_install
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Pathwise needs Python 3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@total=$$(grep -c '^[A-Za-z0-9].*==' $(1)); \
	  echo "Installing $$total pinned packages from $(1) into $(VENV) (the first time takes a minute or two) ..."; \
	  set -o pipefail; $(PY) -m pip install --disable-pip-version-check --progress-bar off -r $(1) 2>&1 \
	  | awk -v total=$$total '/^Collecting /{n++; printf "\r  %d/%d downloaded or found in the cache", n, total; fflush()} \
	      /^(ERROR|error)/{print} /^Successfully installed/{printf "\r  done: %d packages new or updated          \n", NF - 2}'
endef

$(RUN_STAMP): requirements.lock
	$(call pip_install,requirements.lock)
	@touch $(RUN_STAMP)

$(DEV_STAMP): requirements-dev.lock
	$(call pip_install,requirements-dev.lock)
	@touch $(DEV_STAMP) $(RUN_STAMP)

var:
	@mkdir -p var

## make run: migrate, load the curriculum (into an empty roadmap only: curators' edits stay)
## and demo users, start web + Celery worker + beat.
run: install var
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py import_roadmap fixtures/ml-roadmap.yaml --only-if-empty
	@$(PY) manage.py seed_demo
	@$(PY) manage.py seed_demo_reviews
	@echo
	@echo "Pathwise is starting at http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/, API docs: http://$(HOST):$(PORT)/api/v1/docs/)"
	@echo "Press Ctrl-C to stop the web app, the worker and beat."
	@trap 'kill 0' INT TERM EXIT; \
	  $(VENV)/bin/celery -A config worker --loglevel=WARNING --concurrency=2 & \
	  $(VENV)/bin/celery -A config beat --loglevel=WARNING & \
	  $(PY) manage.py runserver --noreload $(HOST):$(PORT)

## make test: the whole suite (PostgreSQL when DATABASE_URL is set, SQLite otherwise).
test: install-dev
	@echo "Database: $${DATABASE_URL:-SQLite (set DATABASE_URL for PostgreSQL)}"
	$(PY) -m pytest -n 2 -m "not browser and not celery_worker and not contract and not failure and not schemathesis" $(PYTEST_ARGS)

## Browser tests (Playwright + Debian's Chromium, axe-core from npm); .ci/run installs chromium first.
BROWSER_JS := tests/browser/js
test-browser: install-dev $(BROWSER_JS)/node_modules/.installed
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

$(BROWSER_JS)/node_modules/.installed: $(BROWSER_JS)/package-lock.json
	npm ci --prefix $(BROWSER_JS) --no-audit --no-fund --loglevel=error
	@touch $@

## A real Celery worker process on Redis (CELERY_BROKER_URL must point at Redis).
test-worker: install-dev
	$(PY) -m pytest -m celery_worker $(PYTEST_ARGS)

## The API contract as a client developer meets it: the schema validated and linted (Spectral),
## two generated TypeScript clients compiled (tsc --strict), and a generated Python client
## running the mobile flow against a live server. Installs the pinned npm tools first; needs
## Node.js and a Java runtime (.ci/run installs Debian's default-jre-headless if missing).
test-contract: install-dev
	cd tests/contract && npm ci --no-audit --no-fund --loglevel=error
	$(PY) -m pytest -m contract tests/contract $(PYTEST_ARGS)

## Failure tests: SIGKILL a worker mid-batch, restart PostgreSQL, stop Redis — on a private
## PostgreSQL cluster and Redis started on ports 9040-9042 (loopback), never the machine's own.
test-failure: install-dev
	$(PY) -m pytest -m failure tests/failure -p no:randomly $(PYTEST_ARGS)

## Fuzz the API against its own OpenAPI schema: every check, stateful too, three personas.
schemathesis: install-dev
	$(PY) -m pytest -n 2 -m schemathesis tests/api/test_schemathesis.py -p no:randomly $(PYTEST_ARGS)

## The API contract as a committed file: tests/api/test_schema.py fails while the two differ.
## Run this when you change the API on purpose, and commit api/openapi-v1.yaml with the change.
schema: install-dev
	$(PY) manage.py spectacular --validate --fail-on-warn --file api/openapi-v1.yaml

## make bench: every benchmark, one table (also var/bench/latest.md). The PostgreSQL parts need
## BENCH_DATABASE_URL (a database on a server where they may create and drop throwaway
## databases of their own); without it they are skipped. BENCH_ARGS="--quick" for a short run;
## "<benchmark>:<arg>" passes an argument to one benchmark only (see tests/benchmarks/run.py).
bench: install-dev
	$(PY) -m tests.benchmarks.run $(BENCH_ARGS)

## make manage ARGS="import_roadmap fixtures/ml-roadmap.yaml --dry-run": any manage.py command, in the venv.
manage: install
	@$(PY) manage.py $(ARGS)

## Style, the import contracts (pyproject.toml [tool.importlinter]), module sizes and the curriculum linter.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	@.ci/module-sizes
	$(PY) manage.py lint_roadmap

## Recompile both locks from pyproject.toml, keeping every pin that still fits (uv).
locks: install-dev
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --extra dev -o requirements-dev.lock
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf var .pytest_cache .hypothesis
