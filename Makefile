# Quick start: `make demo` then `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-long lint bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/transferability diagnostic --exemple -o rapport_exemple.xlsx

test: $(STAMP)
	$(BIN)/python -m pytest

# the property tests with many random examples (hypothesis profile "long"); `make test` stays short
test-long: $(STAMP)
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest tests/test_properties.py

lint: $(STAMP)
	$(BIN)/ruff check transferability tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_department.py
	$(BIN)/python benchmarks/bench_classifier.py
	$(BIN)/python benchmarks/bench_national.py 10000 100000

clean:
	rm -rf $(VENV) build dist .pytest_cache rapport_exemple.xlsx
