# ruff: noqa: E501  (the tables of reasons below read best one entry per line)
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

PROVIDERS = "imports the first version's private provider layer (llm_factory_toolkit.providers: BaseProvider, ProviderRouter, one adapter per provider), which llmft replaces with its routes"
# Files that cannot import against llmft, and why. Their public behaviour is tested on llmft's side.
UNIMPORTABLE = {
    "test_anthropic_unit.py": PROVIDERS,
    "test_async_safety.py": PROVIDERS + "; llmft runs every sync tool in a worker thread (docs/migrating.md)",
    "test_auto_compact.py": PROVIDERS + " (dynamic loading: tests/app/test_dynamic_loading.py)",
    "test_bounded_concurrency.py": PROVIDERS + " (max_concurrent_tools: tests/app/test_tool_limits.py)",
    "test_compact_provider_integration.py": PROVIDERS + " and its private _resolve_tool_definitions",
    "test_drop_params.py": PROVIDERS
    + "; llmft refuses the first version's options by name instead of dropping them",
    "test_extract_core_tool_names.py": "the private BaseProvider._extract_core_tool_names",
    "test_find_tools.py": "imports the private _META_TOOL_NAMES and _format_catalog_for_prompt (llmft: llmft.tool_loading.META_TOOL_NAMES, catalog_prompt)",
    "test_gemini_unit.py": PROVIDERS,
    "test_model_pricing.py": "the first version's llm_factory_toolkit.models price registry; llmft prices with Usage.cost_usd and LLMClient(prices=) (docs/cost.md)",
    "test_models.py": "the first version's llm_factory_toolkit.models registry; llmft routes by model string (docs/providers.md)",
    "test_observability.py": "the first version's on_usage / UsageEvent callbacks (llm_factory_toolkit.models); llmft has hooks and OpenTelemetry (docs/migrating.md)",
    "test_provider_claude_code_unit.py": PROVIDERS + "; llmft has no claude-code route",
    "test_provider_error_paths.py": PROVIDERS + " (errors: tests/providers/test_reliability.py)",
    "test_provider_openai_paths_unit.py": PROVIDERS,
    "test_provider_unit.py": PROVIDERS,
    "test_registry_unit.py": PROVIDERS,
    "test_repetitive_loop_detection.py": PROVIDERS + " (repetition_threshold: tests/app/test_tool_limits.py)",
    "test_retry.py": PROVIDERS + " (retries: tests/providers/test_reliability.py)",
    "test_tool_output_truncation.py": PROVIDERS + " (max_tool_output_chars: tests/app/test_tool_limits.py)",
    "test_usage_event.py": "the first version's UsageEvent (on_usage callbacks), retired for hooks (docs/migrating.md)",
    "test_usage_metadata.py": PROVIDERS + "; usage_metadata= is retired (docs/migrating.md)",
    "test_xai_unit.py": PROVIDERS,
    "test_auto_schema.py": "imports the private llm_factory_toolkit.tools._schema_gen (schemas from hints: tests/app/test_registration.py)",
}
# Tests that run but cannot pass, by node id (a class or file prefix covers its tests), and why.
PRIVATE = "patches the first version's private ProviderRouter (client.provider)"
RETIRED = (
    "an option of the first version that llmft refuses by name, with its replacement (docs/migrating.md)"
)
ROOT = "register_builtins without file_root: llmft requires the directory read_local_file may read (security; docs/migrating.md)"
KNOWN_FAILURES = {
    "test_adapter_claude_agent_sdk.py": "the first version's Claude Agent SDK adapter (llm_factory_toolkit.adapters); llmft serves tools to other agents over MCP (docs/mcp.md)",
    "test_browse_pagination.py::TestCatalogSearchOffset::test_last_search_total_tracks_unsliced_count": "reads the private catalog._last_search_total (llmft: CatalogPage.total)",
    "test_builtin_tools.py::test_safe_math_evaluator": "probes the private module attribute builtins.sympify (the same call passes: tests/adapters/test_math_worker.py)",
    "test_builtin_tools.py::test_safe_math_evaluator_without_sympy": "patches the private module attribute builtins.sympify; sympy is a dependency of llmft",
    "test_builtin_tools.py::test_read_local_file_text": ROOT,
    "test_builtin_tools.py::test_read_local_file_json": ROOT,
    "test_builtin_tools.py::test_read_local_file_missing_returns_error": ROOT,
    "test_builtin_tools.py::test_builtins_have_category": ROOT,
    "test_client_observability.py": RETIRED,
    "test_client_unit.py::test_generate_passes_expected_kwargs_and_handles_stream": PRIVATE,
    "test_client_unit.py::test_generate_wraps_unexpected_errors": PRIVATE,
    "test_client_unit.py::test_generate_tool_intent_wraps_unexpected_errors": PRIVATE,
    "test_dynamic_loading_unit.py::TestDynamicToolLoading::test_creates_session_per_call": PRIVATE,
    "test_dynamic_loading_unit.py::TestDynamicToolLoading::test_explicit_session_overrides": PRIVATE,
    "test_dynamic_loading_unit.py::TestDynamicToolLoading::test_backward_compatible": PRIVATE,
    "test_merge_history.py::test_generate_merge_history_combines_adjacent_turns": PRIVATE,
    "test_merge_history.py::test_generate_merge_history_default_keeps_sequence": PRIVATE,
    "test_tool_runtime_nested_calls.py::test_tool_runtime_respects_max_depth": "expects the first version's JSON error output; llmft's tool errors are plain text the model reads (docs/migrating.md)",
}  # fmt: skip

collect_ignore_glob = ["*"] if TARGET is None else ["shim/*"]
collect_ignore = [] if TARGET != "llmft" else [f"first_version/{name}" for name in UNIMPORTABLE]


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
    """When on: register the first version's marker (against the original, run past files it lacks)."""
    if TARGET is not None:
        config.addinivalue_line("markers", "integration: calls a real provider API (needs a key)")
    if TARGET == "original":
        config.option.continue_on_collection_errors = True


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Offline only: the first version's integration tests need real keys, so they are always skipped."""
    if TARGET is None:
        return
    offline = pytest.mark.skip(reason="first version's integration test: needs a real provider key")
    for item in items:
        if HERE not in item.path.parents:
            continue
        if item.get_closest_marker("integration") is not None:
            item.add_marker(offline)
        elif TARGET == "llmft":
            reason = _known_failure(item.nodeid.split("first_version/", 1)[-1])
            if reason is not None:
                # strict: a known failure that starts passing fails the run, so the list stays true.
                item.add_marker(pytest.mark.xfail(reason=reason, strict=True))


def _known_failure(node: str) -> str | None:
    """Why `node` cannot pass against llmft, when it is listed (itself, its class or its file)."""
    for known, reason in KNOWN_FAILURES.items():
        if node == known or node.startswith(f"{known}::"):
            return reason
    return None
