"""The first version's own tests, run against llmft through a re-export shim; off unless asked for.

`LLMFT_COMPAT=1` runs `first_version/` against llmft (the shim in `shim/` goes first on sys.path);
`LLMFT_COMPAT=original` runs it against the real llm-factory-toolkit, when installed, as a baseline.
Unset (or anything else), nothing under tests/compat is collected, so the default suite is unchanged.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SHIM = HERE / "shim"
TARGETS = {"1": "llmft", "llmft": "llmft", "original": "original"}
TARGET = TARGETS.get(os.environ.get("LLMFT_COMPAT", "").strip().lower())

collect_ignore_glob = ["*"] if TARGET is None else ["shim/*"]


def _use_shim() -> None:
    """Make `import llm_factory_toolkit` find the shim, and refuse to run against anything else."""
    loaded = sys.modules.get("llm_factory_toolkit")
    if loaded is not None and not str(getattr(loaded, "__file__", "")).startswith(str(SHIM)):
        raise pytest.UsageError(
            f"llm_factory_toolkit was already imported from {loaded.__file__}; "
            "the compat suite would not be testing llmft"
        )
    if str(SHIM) not in sys.path:
        sys.path.insert(0, str(SHIM))


def _check_original() -> None:
    try:
        llm_factory_toolkit = importlib.import_module("llm_factory_toolkit")
    except ImportError as error:
        raise pytest.UsageError(
            "LLMFT_COMPAT=original needs the real llm-factory-toolkit importable "
            f"(e.g. PYTHONPATH=<its sdist>): {error}"
        ) from None
    if str(getattr(llm_factory_toolkit, "__file__", "")).startswith(str(SHIM)):
        raise pytest.UsageError("LLMFT_COMPAT=original found the shim, not the real package")


if TARGET == "llmft":
    _use_shim()
elif TARGET == "original":
    _check_original()


def pytest_configure(config: pytest.Config) -> None:
    """When on: register the first version's marker and run past the files that cannot import."""
    if TARGET is not None:
        config.addinivalue_line("markers", "integration: calls a real provider API (needs a key)")
        # Files that import a name llmft lacks fail to collect; that is expected here, so run the rest.
        config.option.continue_on_collection_errors = True


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Offline only: the first version's integration tests need real keys, so they are always skipped."""
    if TARGET is None:
        return
    offline = pytest.mark.skip(reason="first version's integration test: needs a real provider key")
    for item in items:
        if HERE in item.path.parents and item.get_closest_marker("integration") is not None:
            item.add_marker(offline)
