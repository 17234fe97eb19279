"""Model string → route, and which request features each route and model accept."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any, Literal

from attrs import frozen
from returns.result import Failure, Result, Success

from llmft.domain.errors import ConfigurationFailure
from llmft.domain.messages import ModelRequest

OPENAI_PREFIXES = ("gpt-", "o1", "o3", "o4", "chatgpt-")
RouteKind = Literal["openai_responses", "litellm", "anthropic_messages"]

# For suggestions only: a model string not listed here still routes (any `provider/model` does).
WELL_KNOWN_MODELS = (
    "gpt-4o", "gpt-4o-mini", "openai/gpt-4", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-5",
    "gpt-5-mini", "gpt-5-nano", "o1", "o3", "o3-mini", "o4-mini", "chatgpt-4o-latest",
    "anthropic/claude-sonnet-4-5", "anthropic/claude-opus-4-1", "anthropic/claude-haiku-4-5",
    "anthropic/claude-3-5-haiku-latest", "gemini/gemini-2.5-pro", "gemini/gemini-2.5-flash",
    "mistral/mistral-large-latest", "mistral/mistral-small-latest", "deepseek/deepseek-chat",
    "deepseek/deepseek-reasoner", "xai/grok-4", "groq/llama-3.3-70b-versatile",
    "cohere/command-r-plus", "ollama/llama3", "ollama/qwen3",
)  # fmt: skip
# Bare-name beginnings that say which provider serves a model: a bare `claude-…` is `anthropic/claude-…`.
FAMILY_PROVIDERS = {
    "claude": "anthropic", "gemini": "gemini", "mistral": "mistral", "codestral": "mistral",
    "deepseek": "deepseek", "grok": "xai", "command": "cohere",
}  # fmt: skip


@frozen
class Route:
    """Where a model string goes: `name` is the model id that route's SDK is given."""

    kind: RouteKind
    provider: str
    name: str
    model_string: str


def is_openai_model_name(name: str) -> bool:
    """True for the names the OpenAI Responses path serves (fine-tuned `ft:` names included)."""
    base = name[3:] if name.startswith("ft:") else name
    return base.startswith(OPENAI_PREFIXES)


def _invalid(model: str) -> Result[Route, ConfigurationFailure]:
    return Failure(
        ConfigurationFailure(f"invalid model string {model!r}: expected 'provider/model'", "model")
    )


def route_model(model: str) -> Result[Route, ConfigurationFailure]:
    """Pick the route of a model string.

    Provider prefixes are case-insensitive (`OpenAI/gpt-4o` is `openai/gpt-4o`), and a known
    provider may also be named with a colon (`openai:gpt-4o` is `openai/gpt-4o`). A bare name goes to
    OpenAI for OpenAI's names, to its family's provider for a known family (`claude-3-5-haiku-latest`
    is `anthropic/claude-3-5-haiku-latest`, as the first version had it); any other bare name is a
    failure suggesting close names.
    """
    text = model.strip()
    if not text or text != model or any(ch.isspace() for ch in text):
        return _invalid(model)
    prefix, sep, rest = text.partition("/")
    if not sep:
        provider, colon, after = text.partition(":")
        if colon and provider.lower() in KNOWN_PROVIDERS and after:
            prefix, rest = provider, after
        elif is_openai_model_name(text.lower()):
            return Success(_openai_route(text, model))
        elif (family := family_of(text)) is not None:
            prefix, rest = family, text
        else:
            return Failure(ConfigurationFailure(unknown_model_message(model), "model"))
    if not prefix or not rest:
        return _invalid(model)
    provider = prefix.lower()
    if provider == "openai" and is_openai_model_name(rest.lower()):
        return Success(_openai_route(rest, model))
    return Success(Route("litellm", provider, f"{provider}/{rest}", model))


def _openai_route(name: str, model: str) -> Route:
    """The Responses route, but for OpenAI's audio models (`gpt-audio`, `gpt-4o-audio-preview`), which
    only Chat Completions serves: they go through litellm."""
    ident = _openai_id(name)
    if "audio" in ident and not ident.startswith("ft:"):
        return Route("litellm", "openai", f"openai/{ident}", model)
    return Route("openai_responses", "openai", ident, model)


def _openai_id(name: str) -> str:
    """OpenAI model ids are lower case; a fine-tuned id's own suffix is kept as given."""
    return name if name[:3].lower() == "ft:" else name.lower()


def family_of(name: str) -> str | None:
    """The provider of a bare model name's family (`claude-…`: anthropic), or None."""
    lower = name.lower()
    return next((p for start, p in FAMILY_PROVIDERS.items() if lower.startswith(f"{start}-")), None)


def unknown_model_message(model: str) -> str:
    """Why a bare model name has no route, with the known model strings closest to it."""
    close = " or ".join(repr(name) for name in suggest_models(model))
    family = next((p for start, p in FAMILY_PROVIDERS.items() if model.lower().startswith(start)), None)
    if family is not None:
        also = f" (known names close to it: {close})" if close else ""
        return f"unknown model {model!r}: name the provider, as in '{family}/{model}'{also}"
    if close:
        return f"unknown model {model!r}: did you mean {close}? Name the provider as in 'provider/model'"
    return (
        f"unknown model {model!r}: name the provider, as in 'provider/model' "
        "(say 'anthropic/claude-sonnet-4-5', 'gemini/gemini-2.5-flash' or 'ollama/llama3')"
    )


def suggest_models(name: str, limit: int = 3) -> list[str]:
    """The well-known model strings closest to `name` (compared without provider prefixes)."""
    wanted = base_model_name(name.replace(":", "/", 1) if "/" not in name else name).lower()
    by_base: dict[str, list[str]] = {}
    for known in WELL_KNOWN_MODELS:
        by_base.setdefault(base_model_name(known), []).append(known)
    close = difflib.get_close_matches(wanted, list(by_base), n=limit, cutoff=0.6)
    return [full for base in close for full in by_base[base]][:limit]


def suggest_providers(provider: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """The provider prefixes in `known` closest to a misspelt one."""
    return difflib.get_close_matches(provider.lower(), sorted(known), n=limit, cutoff=0.6)


def native_anthropic(route: Route) -> Route:
    """An `anthropic/…` route served by Anthropic's own Messages API instead of litellm."""
    if route.provider != "anthropic" or route.kind != "litellm":
        return route
    return Route("anthropic_messages", "anthropic", route.name.removeprefix("anthropic/"), route.model_string)


def base_model_name(name: str) -> str:
    """The model id without any provider prefixes (`openrouter/openai/gpt-5` → `gpt-5`)."""
    return name.rsplit("/", 1)[-1]


def accepts_temperature(name: str) -> bool:
    """False for the gpt-5 family and the o-series reasoning models, which reject `temperature`."""
    base = base_model_name(name)
    if base.startswith("ft:"):
        base = base[3:]
    if base.startswith("gpt-5") and not base.startswith("gpt-5-chat"):
        return False
    return not base.startswith(("o1", "o3", "o4"))


def openai_style_options(request: ModelRequest, *, with_tools: bool) -> dict[str, Any]:
    """The options the OpenAI-style APIs (Responses, Chat Completions) name alike: `tool_choice` and
    `parallel_tool_calls` (only in a request that sends tools), and `temperature` (left out for the
    models that refuse it)."""
    options: dict[str, Any] = {}
    if with_tools:
        if request.tool_choice is not None:
            options["tool_choice"] = request.tool_choice
        if request.parallel_tool_calls is not None:
            options["parallel_tool_calls"] = request.parallel_tool_calls
    if request.temperature is not None and accepts_temperature(request.model):
        options["temperature"] = request.temperature
    return options


# The environment variable holding each provider's key (litellm's names). Providers that
# authenticate otherwise (ollama, bedrock, vertex_ai, …) are absent: they need no key from us.
KEY_VARIABLES: dict[str, str] = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "azure": "AZURE_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "groq": "GROQ_API_KEY",
    "xai": "XAI_API_KEY",
    "cohere": "COHERE_API_KEY",
    "cohere_chat": "COHERE_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "together_ai": "TOGETHERAI_API_KEY",
    "fireworks_ai": "FIREWORKS_AI_API_KEY",
    "perplexity": "PERPLEXITYAI_API_KEY",
    "deepinfra": "DEEPINFRA_API_KEY",
    "cerebras": "CEREBRAS_API_KEY",
    "huggingface": "HF_TOKEN",
    "nvidia_nim": "NVIDIA_NIM_API_KEY",
    "ai21": "AI21_API_KEY",
    "voyage": "VOYAGE_API_KEY",
    "replicate": "REPLICATE_API_KEY",
    "anyscale": "ANYSCALE_API_KEY",
    "sambanova": "SAMBANOVA_API_KEY",
}


# Providers a `provider:model` string may name (litellm knows more; those take `provider/model`).
KNOWN_PROVIDERS = frozenset(KEY_VARIABLES) | {
    "ollama", "ollama_chat", "bedrock", "vertex_ai", "azure_ai", "lm_studio", "hosted_vllm", "vllm",
    "watsonx", "sagemaker", "databricks", "github", "moonshot", "dashscope", "volcengine",
}  # fmt: skip


def key_variable(provider: str) -> str | None:
    """The environment variable that holds `provider`'s API key, if it uses one."""
    return KEY_VARIABLES.get(provider)
