"""Model string → route, and which request features each route and model accept."""

from __future__ import annotations

from typing import Literal

from attrs import frozen
from returns.result import Failure, Result, Success

from llmft.domain.errors import ConfigurationFailure

OPENAI_PREFIXES = ("gpt-", "o1", "o3", "o4", "chatgpt-")
RouteKind = Literal["openai_responses", "litellm", "anthropic_messages"]


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


def route_model(model: str) -> Result[Route, ConfigurationFailure]:
    """Pick the route of a model string; a bare non-OpenAI name is a failure naming it."""
    text = model.strip()
    if not text or text != model or any(ch.isspace() for ch in text):
        return Failure(
            ConfigurationFailure(f"invalid model string {model!r}: expected 'provider/model'", "model")
        )
    prefix, sep, rest = text.partition("/")
    if not sep:
        if is_openai_model_name(text):
            return Success(Route("openai_responses", "openai", text, model))
        return Failure(
            ConfigurationFailure(
                f"unknown model {model!r}: name the provider, as in 'anthropic/{model}'", "model"
            )
        )
    if not prefix or not rest:
        return Failure(
            ConfigurationFailure(f"invalid model string {model!r}: expected 'provider/model'", "model")
        )
    if prefix == "openai" and is_openai_model_name(rest):
        return Success(Route("openai_responses", "openai", rest, model))
    return Success(Route("litellm", prefix, text, model))


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


def key_variable(provider: str) -> str | None:
    """The environment variable that holds `provider`'s API key, if it uses one."""
    return KEY_VARIABLES.get(provider)
