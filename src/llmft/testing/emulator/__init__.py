"""`ProviderEmulator`: a real HTTP server on 127.0.0.1 speaking the providers' wire protocols.

OpenAI Responses (`POST /v1/responses`, background mode included), OpenAI Chat Completions
(`POST /v1/chat/completions`) and Anthropic Messages (`POST /v1/messages`), each as JSON or as an SSE
stream, with tool calls. Replies are scripted per test, every request is recorded, and faults can be
injected.

Written from the providers' API references and independent of llmft's own conversion code (it
imports none of it), so a conversion bug shows up as a failing test rather than being mirrored.

    async with ProviderEmulator() as emu:
        emu.script(emu_text("hello"))
        client = LLMClient(model="gpt-4o-mini", base_url=emu.openai_base_url, api_key="test")

`EmuReply` fields beyond text, tool calls and usage (each absent by default):
- `refusal`: Responses refusal content part (streamed as `response.refusal.*`), Chat
  `message.refusal` / `delta.refusal`, Anthropic a text block with `stop_reason: "refusal"`.
- `stop_reason`: the stop reason sent verbatim (Anthropic `stop_reason`, Chat `finish_reason`;
  Responses: `status: "incomplete"` with `incomplete_details.reason`).
- `status`: the Responses status (`failed` carries an `error`; `cancelled` has no output).
- `reasoning`, `reasoning_tokens`, `signature`: a Responses reasoning item (summary text;
  `encrypted_content` = `signature` or a generated one, only when the request's `include` asks for
  it), an Anthropic `thinking` block signed with `signature`, Chat `reasoning_content`.
- `redacted_thinking`: Anthropic `redacted_thinking` blocks (their `data`).
- `cache_creation_tokens`: Anthropic `cache_creation_input_tokens`.
- `server_calls`: provider-run calls, `emu_web_search(...)` / `emu_tool_search(...)`.
- `stream_error`: a `StreamError` reported inside the stream after some deltas.
- `size`: a generated text of this many bytes (for reply-size caps).
- `polls`: in background mode, how many polls answer `in_progress` first.
"""

from llmft.testing.emulator.script import (
    BatchPlan,
    EmuReply,
    EmuToolCall,
    Fault,
    RecordedRequest,
    ServerCall,
    StreamError,
    emu_fault,
    emu_refusal,
    emu_stream_error,
    emu_text,
    emu_tool_calls,
    emu_tool_search,
    emu_web_search,
)
from llmft.testing.emulator.server import ProviderEmulator

__all__ = [
    "BatchPlan",
    "EmuReply",
    "EmuToolCall",
    "Fault",
    "ProviderEmulator",
    "RecordedRequest",
    "ServerCall",
    "StreamError",
    "emu_fault",
    "emu_refusal",
    "emu_stream_error",
    "emu_text",
    "emu_tool_calls",
    "emu_tool_search",
    "emu_web_search",
]
