# The whole set-up: `make demo` and `make test` each create .venv when needed and install into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format typecheck imports unit bench bench-tools bench-loop clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[all,dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m llmft demo

test: lint typecheck imports unit

lint: $(STAMP)
	$(BIN)/ruff check --output-format concise src tests examples benchmarks
	$(BIN)/ruff format --check src tests examples benchmarks

format: $(STAMP)
	$(BIN)/ruff check --fix src tests examples
	$(BIN)/ruff format src tests examples

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[bench]"
	cd benchmarks && ../$(BIN)/python tool_loop_scaling.py
	cd benchmarks && ../$(BIN)/python run.py
	cd benchmarks && ../$(BIN)/python tool_loading.py

bench-tools: $(STAMP)
	cd benchmarks && ../$(BIN)/python tool_loading.py

bench-loop: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[bench]"
	cd benchmarks && ../$(BIN)/python tool_loop_scaling.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .coverage .hypothesis
