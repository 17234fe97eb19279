"""Model string → route, and the per-model feature rules."""

from __future__ import annotations

import pytest
from returns.pipeline import is_successful

from llmft.domain.routing import Route, accepts_temperature, route_model, suggest_models, suggest_providers


@pytest.mark.parametrize(
    ("model", "kind", "provider", "name"),
    [
        ("gpt-4o-mini", "openai_responses", "openai", "gpt-4o-mini"),
        ("openai/gpt-4o-mini", "openai_responses", "openai", "gpt-4o-mini"),
        ("o3", "openai_responses", "openai", "o3"),
        ("openai/o4-mini", "openai_responses", "openai", "o4-mini"),
        ("o1-preview", "openai_responses", "openai", "o1-preview"),
        ("chatgpt-4o-latest", "openai_responses", "openai", "chatgpt-4o-latest"),
        ("openai/ft:gpt-4o-mini:org::abc", "openai_responses", "openai", "ft:gpt-4o-mini:org::abc"),
        ("openai/text-embedding-3-small", "litellm", "openai", "openai/text-embedding-3-small"),
        ("azure/gpt-4o", "litellm", "azure", "azure/gpt-4o"),
        ("ollama/gpt-oss:20b", "litellm", "ollama", "ollama/gpt-oss:20b"),
        ("openrouter/openai/gpt-4o", "litellm", "openrouter", "openrouter/openai/gpt-4o"),
        ("anthropic/claude-sonnet-4-5", "litellm", "anthropic", "anthropic/claude-sonnet-4-5"),
        # A bare name of a known family goes to its provider, as in the first version.
        ("claude-3-5-haiku-latest", "litellm", "anthropic", "anthropic/claude-3-5-haiku-latest"),
        ("gemini-2.5-flash", "litellm", "gemini", "gemini/gemini-2.5-flash"),
        ("mistral-large-latest", "litellm", "mistral", "mistral/mistral-large-latest"),
        ("grok-2", "litellm", "xai", "xai/grok-2"),
        ("Claude-Sonnet-4-5", "litellm", "anthropic", "anthropic/Claude-Sonnet-4-5"),
        # OpenAI's audio models are served by Chat Completions only.
        ("gpt-audio", "litellm", "openai", "openai/gpt-audio"),
        ("openai/gpt-4o-audio-preview", "litellm", "openai", "openai/gpt-4o-audio-preview"),
    ],
)
def test_routes(model: str, kind: str, provider: str, name: str) -> None:
    assert route_model(model).unwrap() == Route(kind, provider, name, model)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "model", ["claude", "llama-3", "", " gpt-4o", "gpt 4o", "/gpt-4o", "openai/", "llama3\n"]
)
def test_bad_model_strings_name_the_model(model: str) -> None:
    result = route_model(model)
    assert not is_successful(result)
    assert repr(model) in result.failure().message
    assert result.failure().field == "model"


@pytest.mark.parametrize(
    ("name", "accepts"),
    [
        ("gpt-4o", True),
        ("gpt-4.1-mini", True),
        ("gpt-5", False),
        ("gpt-5-mini", False),
        ("gpt-5.1", False),
        ("gpt-5-chat-latest", True),
        ("o1", False),
        ("o3-mini", False),
        ("o4-mini", False),
        ("openrouter/openai/gpt-5", False),
        ("ft:o4-mini:x", False),
        ("anthropic/claude-sonnet-4-5", True),
    ],
)
def test_temperature_rule(name: str, accepts: bool) -> None:
    assert accepts_temperature(name) is accepts


@pytest.mark.parametrize(
    ("model", "provider", "name"),
    [
        ("openai:gpt-4o", "openai", "gpt-4o"),
        ("OpenAI/GPT-4o", "openai", "gpt-4o"),
        ("GPT-4o-mini", "openai", "gpt-4o-mini"),
        ("Anthropic/claude-sonnet-4-5", "anthropic", "anthropic/claude-sonnet-4-5"),
        ("anthropic:claude-sonnet-4-5", "anthropic", "anthropic/claude-sonnet-4-5"),
        ("ollama:llama3:8b", "ollama", "ollama/llama3:8b"),
        ("ft:gpt-4o-mini:My-Org::X1", "openai", "ft:gpt-4o-mini:My-Org::X1"),
    ],
)
def test_colon_prefixes_and_any_case_name_the_same_provider(model: str, provider: str, name: str) -> None:
    route = route_model(model).unwrap()
    assert (route.provider, route.name, route.model_string) == (provider, name, model)


@pytest.mark.parametrize(
    ("model", "expected", "absent"),
    [
        ("gpt4", ["'gpt-4o'", "'openai/gpt-4'"], "anthropic/gpt4"),
        ("claude", ["'anthropic/claude'"], "did you mean"),  # a family without a model
        ("gemini", ["'gemini/gemini'"], "anthropic/"),
        ("lama-3.3-70b-versatile", ["'groq/llama-3.3-70b-versatile'"], "anthropic/"),
        ("zzqx", ["'provider/model'"], "did you mean"),
        ("foo:bar", ["'provider/model'"], "did you mean"),
    ],
)
def test_unknown_bare_names_suggest_close_model_strings(model: str, expected: list[str], absent: str) -> None:
    message = route_model(model).failure().message
    assert all(hint in message for hint in expected)
    assert absent not in message


def test_suggestions_come_from_the_known_names() -> None:
    assert suggest_models("gpt-4o-mni")[0] == "gpt-4o-mini"
    assert suggest_models("zzzz") == []
    assert suggest_providers("antropic", ["anthropic", "openai", "gemini"]) == ["anthropic"]
