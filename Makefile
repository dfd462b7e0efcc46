# newsetl: the two commands are `make demo` and `make test`; both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHONPATH := $(CURDIR)
# For the progress lines: how many pinned packages each install step brings, and how long the first takes
# (a fresh clone on 2 cores: 1 min 21 s to 1 min 50 s, most of it downloading and unpacking wheels).
# requirements-dev.txt is a whole lock, requirements.txt's pins included: count only the lines it adds.
RUNTIME_PACKAGES = $(shell grep -c '^[A-Za-z0-9]' requirements.txt)
DEV_PACKAGES = $(shell grep -vxF -f requirements.txt requirements-dev.txt | grep -c '^[A-Za-z0-9]')
INSTALL_MINUTES = 2

.PHONY: install install-dev lock demo test lint airflow reset clean

install: $(VENV)/.installed

# pip's own output stays on (a line per package it collects and one per install step), so the first
# install, which takes minutes, is never silent. The lock first, then the project itself without dependencies
# (editable: the checkout's code and sql/ stay the ones that run), which gives $(BIN)/newsetl.
$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(BIN)/python || { echo "newsetl: creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "newsetl: installing $(RUNTIME_PACKAGES) pinned packages from requirements.txt into $(VENV) (first time: about $(INSTALL_MINUTES) minutes) ..."
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements.txt
	@echo "newsetl: adding the project itself to $(VENV) (editable, no dependencies: they are the pins above) for $(BIN)/newsetl"
	$(BIN)/python -m pip install --disable-pip-version-check --no-deps -e .
	@touch $@
	@echo "newsetl: $(VENV) is ready"

install-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	@echo "newsetl: installing $(DEV_PACKAGES) more pinned packages from requirements-dev.txt (tests, lint, benchmarks) into $(VENV) ..."
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements-dev.txt
	@echo "newsetl: checking for /usr/bin/chromium (the UI test drives Debian's Chromium, never Playwright's download)"
	@test -x /usr/bin/chromium || apt-get install -y --no-install-recommends chromium || echo "newsetl: chromium could not be installed; the UI test will be skipped"
	@touch $@
	@echo "newsetl: test dependencies are ready"

# The locks, compiled from pyproject.toml by pip-tools (itself pinned in requirements-dev.txt). pip-compile keeps
# every pin its output file already holds, so only what a change to pyproject.toml demands moves; to move one
# package on purpose: make lock LOCK_UPGRADE='--upgrade-package NAME'.
lock: install
	@echo "newsetl: installing pip-tools, pinned in requirements-dev.txt, into $(VENV) to compile the locks"
	$(BIN)/python -m pip install --disable-pip-version-check -c requirements-dev.txt pip-tools
	@echo "newsetl: compiling requirements.txt (runtime) from pyproject.toml"
	$(BIN)/pip-compile $(LOCK_UPGRADE) --no-emit-find-links --no-emit-index-url --output-file=requirements.txt --strip-extras pyproject.toml
	@echo "newsetl: compiling requirements-dev.txt (runtime, dev and bench, with requirements.txt's pins)"
	$(BIN)/pip-compile $(LOCK_UPGRADE) --constraint=requirements.txt --extra=bench --extra=dev --no-emit-find-links --no-emit-index-url --output-file=requirements-dev.txt --strip-extras --unsafe-package=pip pyproject.toml

demo: install
	@echo "newsetl: running the demo: $(BIN)/python -m etl demo"
	$(BIN)/python -m etl demo

test: install-dev
	$(BIN)/python -m pytest
	$(BIN)/ruff check .
	$(BIN)/python -m mypy etl dags plugins

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m mypy etl dags plugins

airflow: install
	$(BIN)/python scripts/airflow_local.py

# Only the warehouse: the embedded one is stopped and its data directory deleted; a configured
# NEWSETL_DATABASE_URL is refused unless `python -m etl reset-warehouse --yes` is run by hand.
reset: install
	$(BIN)/python -m etl reset-warehouse

clean:
	@echo "newsetl: stopping the embedded warehouse, if it runs"
	-@test -x $(BIN)/python && $(BIN)/python -m etl stop-warehouse
	@echo "newsetl: removing $(VENV) .newsetl .pytest_cache .ruff_cache test-output build newsetl.egg-info and __pycache__ directories"
	rm -rf $(VENV) .newsetl .pytest_cache .ruff_cache test-output build newsetl.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
