"""ChatModel over the OpenAI Responses API, sent by the openai SDK's client, JSON and streaming.

The SDK sends each request (auth, headers, timeouts, status errors as its exception types); the
reply's JSON and the stream's events are read here as plain data, not built into the SDK's models.
Only translation happens here; the transcript conversion and the feature rules live in the domain.
SDK retries are off (`max_retries=0`): retrying is llmft's decision, made once.

`request` builds the keywords of `responses.create` (tools in the strict form `strict` works out once
per schema), `reply` reads a response, and `model` is the ChatModel: the calls, background polling,
streaming and what went wrong.
"""

from llmft.adapters.openai_responses.model import OpenAIResponsesModel, background_poll_delay
from llmft.adapters.openai_responses.reply import parse_response
from llmft.adapters.openai_responses.request import build_params

__all__ = ["OpenAIResponsesModel", "background_poll_delay", "build_params", "parse_response"]
