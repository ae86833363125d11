# PMC Minutes: developer entry points. `make` (or `make help`) lists them.

SHELL := /bin/bash

VENV    := .venv
VENV_PY := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
# Python 3.11 when available, else whatever python3 is.
PYTHON  ?= $(shell command -v python3.11 >/dev/null 2>&1 && echo python3.11 || echo python3)

PYTEST_ARGS ?=

.DEFAULT_GOAL := help

.PHONY: help venv system-deps migrate demo run lint format test bench clean

help: ## List the targets
	@echo "Targets:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-zA-Z_-]+):.*## (.*)$$/\1\t\2/' \
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

migrate: venv ## Apply database migrations
	$(VENV_PY) manage.py migrate --noinput

demo: migrate ## Load the demo data
	$(VENV_PY) manage.py load_demo

run: system-deps venv migrate demo ## Set everything up, load the demo, serve on http://127.0.0.1:8000/
	$(VENV_PY) manage.py runserver 127.0.0.1:8000

define lint_commands
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
endef

lint: venv ## Check code with ruff (lint and formatting)
	$(lint_commands)

format: venv ## Reformat code and apply ruff's safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: system-deps venv ## Lint, check for missing migrations, run pytest (PYTEST_ARGS=...)
	$(lint_commands)
	$(VENV_PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: venv ## Run the benchmarks (bench/run.py)
	@if [ -f bench/run.py ]; then $(VENV_PY) bench/run.py; else echo "no benchmarks yet"; fi

clean: ## Remove .venv, db.sqlite3, staticfiles and .pytest_cache
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
