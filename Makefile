# newsetl: the two commands are `make demo` and `make test`; both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHONPATH := $(CURDIR)

.PHONY: install install-dev demo test lint airflow clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	# The UI test drives Debian's Chromium; Playwright's own browser download is never used.
	test -x /usr/bin/chromium || apt-get install -y --no-install-recommends chromium || echo "newsetl: chromium could not be installed; the UI test will be skipped"
	touch $@

demo: install
	$(BIN)/python -m etl demo

test: install-dev
	$(BIN)/python -m pytest
	$(BIN)/ruff check .

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

airflow: install
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/airflow-standalone.sh

clean:
	-test -x $(BIN)/python && $(BIN)/python -m etl stop-warehouse
	rm -rf $(VENV) .newsetl .pytest_cache .ruff_cache test-output
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
