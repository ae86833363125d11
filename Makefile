# PMC Minutes: developer entry points. `make` (or `make help`) lists them.

SHELL := /bin/bash

VENV    := .venv
VENV_PY := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
# Python 3.11 when available, else whatever python3 is.
PYTHON  ?= $(shell command -v python3.11 >/dev/null 2>&1 && echo python3.11 || echo python3)

PYTEST_ARGS ?=

# The browser tests (tests/e2e) drive the system's Chromium with Playwright and
# check pages with axe-core and the Nu HTML Checker (vnu-jar, run with Java), installed from npm into a
# git-ignored folder.
AXE_VERSION := 4.14.1
VNU_VERSION := 26.9.27
E2E_DIR     := .e2e
AXE_PACKAGE := $(E2E_DIR)/node_modules/axe-core/package.json
VNU_PACKAGE := $(E2E_DIR)/node_modules/vnu-jar/package.json

.DEFAULT_GOAL := help

.PHONY: help venv system-deps e2e-deps assets assets-check migrate demo run lint format test e2e bench clean

help: ## List the targets
	@echo "Targets:"
	@grep -E '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-zA-Z0-9_-]+):.*## (.*)$$/\1\t\2/' \
		| while IFS=$$'\t' read -r target text; do printf '  %-12s %s\n' "$$target" "$$text"; done
	@echo
	@echo "Variables: PYTEST_ARGS='...' (passed to pytest), DATABASE_URL (default SQLite), PYTHON (for the venv)."

venv: $(STAMP) ## Create .venv and install requirements-dev.txt (only when requirements changed)

# The stamp is newer than both requirements files once they are installed.
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(VENV_PY) || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(VENV_PY) -m pip install --quiet --upgrade pip
	$(VENV_PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

system-deps: ## Install system packages (Pango for WeasyPrint, fonts, Chromium) when possible
	@bash scripts/system-deps.sh

# Idempotent: npm runs only when a pinned version is not there yet. No lock
# file, no package.json: the pins above are the whole record. Both in one npm
# run, since npm removes what a --no-save install does not name.
e2e-deps: ## Install axe-core and vnu-jar (pinned in this Makefile) into .e2e/ for the browser tests (needs npm)
	@if grep -qs '"version": "$(AXE_VERSION)"' $(AXE_PACKAGE) && grep -qs '"version": "$(VNU_VERSION)"' $(VNU_PACKAGE); then \
		echo "e2e-deps: axe-core $(AXE_VERSION) and vnu-jar $(VNU_VERSION) present."; \
	elif ! command -v npm >/dev/null 2>&1; then \
		echo "e2e-deps: WARNING: npm not found, cannot install axe-core and vnu-jar: the browser tests will be skipped (and fail under CI)." >&2; \
	else \
		echo "e2e-deps: installing axe-core $(AXE_VERSION) and vnu-jar $(VNU_VERSION) into $(E2E_DIR)/"; \
		npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error --prefix $(E2E_DIR) \
			axe-core@$(AXE_VERSION) vnu-jar@$(VNU_VERSION) \
			|| echo "e2e-deps: WARNING: could not install axe-core and vnu-jar: the browser tests will be skipped (and fail under CI)." >&2; \
	fi
	@command -v java >/dev/null 2>&1 || echo "e2e-deps: WARNING: java not found: the HTML check (vnu) will be skipped (and fail under CI)." >&2

# The live editor's bundle: npm ci from frontend/package-lock.json (only when
# the lock changed), then esbuild. The bundle is committed; CI checks it.
assets: ## Rebuild static/js/live/live-editor.js from frontend/ (needs npm; commit the result)
	@bash scripts/assets.sh build

assets-check: ## Check that the committed static/js/live/live-editor.js is what frontend/ builds
	@bash scripts/assets.sh check

migrate: venv ## Apply database migrations
	$(VENV_PY) manage.py migrate --noinput

demo: migrate ## Load the demo data
	$(VENV_PY) manage.py load_demo

run: system-deps venv migrate demo ## Set everything up, load the demo, serve on http://127.0.0.1:8000/
	@echo "run: background tasks (e-mails, git mirror, PDFs) run immediately, inside each request (PMC_TASKS=$${PMC_TASKS:-immediate});"
	@echo "run: no worker needed. In production set PMC_TASKS=database and run: python manage.py db_worker"
	$(VENV_PY) manage.py runserver 127.0.0.1:8000

define lint_commands
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
endef

lint: venv ## Check code with ruff (lint and formatting) and the import contracts (imports only go down)
	$(lint_commands)

format: venv ## Reformat code and apply ruff's safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: system-deps venv e2e-deps ## Lint, check the built assets and for missing migrations, run pytest (PYTEST_ARGS=...)
	$(lint_commands)
	@bash scripts/assets.sh check
	$(VENV_PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

e2e: system-deps venv e2e-deps ## Run only the browser tests (tests/e2e; screenshots in test-artifacts/)
	$(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

bench: venv ## Run the benchmarks (bench/run.py; installs wrk when it can, BENCH_RUNS=n, BENCH_ONLY=a,b,c,d,e,f,g,h,i,j,k; BENCH_SCALE=n meetings for i; BENCH_LIVE_SECONDS=600 for k's 10-minute run)
	@bash scripts/system-deps.sh --bench || echo "bench: some system packages are missing (see above); going on"
	@command -v wrk >/dev/null || echo "bench: wrk is missing: the throughput benchmark (a) will say so and be skipped"
	$(VENV_PY) bench/run.py

clean: ## Remove .venv, db.sqlite3, staticfiles, .pytest_cache, .e2e and test-artifacts
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache $(E2E_DIR) test-artifacts
