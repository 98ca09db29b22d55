# The two set-up commands in the README are `make demo` and `make test`; both install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint bench postgres clean messages

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "topup needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/pybabel compile --domain topup --directory tracker/domain/locale --statistics 2>&1 | tail -3
	@touch $(STAMP)

## Open the app on a throwaway database filled with the sample data.
demo: $(STAMP)
	$(BIN)/topup demo

## Install everything (PostgreSQL's server and Tesseract OCR too, when root) and run the whole test suite.
test: $(STAMP) postgres
	@bash .ci/ensure-sqlite3
	@bash .ci/ensure-ocr
	$(BIN)/pytest

postgres:
	@bash .ci/ensure-postgres

## The benchmark at a million top-ups, on SQLite and on the PostgreSQL it starts (BENCH_ARGS="--rows 100000 --quick" for a quick look).
BENCH_ARGS ?=
bench: $(STAMP) postgres
	@bash .ci/ensure-sqlite3
	@bash .ci/ensure-ocr
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.receipts

## After adding or changing user-visible strings: refresh locale/topup.pot and merge it into every .po file.
messages: $(STAMP)
	$(BIN)/python -m tracker.cli.catalog

lint: $(STAMP)
	$(BIN)/ruff check tracker tui tests sample_data migrations bench
	$(BIN)/ruff format --check tracker tui tests sample_data migrations bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
