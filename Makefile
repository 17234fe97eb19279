# The whole set-up: `make demo` and `make test` each create .venv when needed and install into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format typecheck imports unit compat bench bench-tools bench-otel bench-loop clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[all,dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m llmft demo

test: lint typecheck imports unit compat

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

# The first version's own tests through a re-export shim (tests/compat/README.md): passing, or listed with why.
compat: $(STAMP)
	LLMFT_COMPAT=1 $(BIN)/pytest tests/compat --no-cov -p no:cacheprovider

# The first version (llm-factory-toolkit 2.1.0) pins an older openai, so its rows run in a venv of their own,
# made once; without the package index it is not made, and run.py marks those rows "not measured".
V1_VENV := .venv-v1

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[bench]"
	test -f $(V1_VENV)/.installed || { rm -rf $(V1_VENV) && $(PYTHON) -m venv $(V1_VENV) \
		&& $(V1_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
			"llm-factory-toolkit[openai,anthropic]==2.1.0" \
		&& touch $(V1_VENV)/.installed; } \
		|| { rm -rf $(V1_VENV); echo "bench: could not make $(V1_VENV); the first version is not measured"; }
	cd benchmarks && ../$(BIN)/python tool_loop_scaling.py
	cd benchmarks && ../$(BIN)/python run.py
	cd benchmarks && ../$(BIN)/python tool_loading.py
	cd benchmarks && ../$(BIN)/python otel_overhead.py

bench-tools: $(STAMP)
	cd benchmarks && ../$(BIN)/python tool_loading.py

bench-otel: $(STAMP)
	cd benchmarks && ../$(BIN)/python otel_overhead.py

bench-loop: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[bench]"
	cd benchmarks && ../$(BIN)/python tool_loop_scaling.py

clean:
	rm -rf $(VENV) $(V1_VENV) .mypy_cache .ruff_cache .pytest_cache .coverage .hypothesis
