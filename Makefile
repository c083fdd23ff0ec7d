# The two commands a fresh clone needs (see README):
#   make run    -> creates .venv on first use, solves the bundled base case
#   make test   -> creates .venv on first use, runs the whole test suite
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/mineralclub solve inputs/base_case.xlsx --out outputs

test: $(STAMP)
	$(VENV)/bin/python -m pytest -n 2

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks inputs
	$(VENV)/bin/ruff format --check src tests benchmarks inputs
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/build_scaling.py

clean:
	rm -rf $(VENV) outputs/*.xlsx
