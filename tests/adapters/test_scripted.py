"""ScriptedModel's made-up usage: the words of the whole transcript in, the words said out, whether the
transcript extends the last one (a tool loop's next round, counted by its new messages) or not."""

from __future__ import annotations

from llmft import LLMClient
from llmft.domain.messages import Message, ModelRequest
from llmft.testing import ScriptedModel, reply, tool_call


def words(messages: tuple[Message, ...]) -> int:
    return sum(len(m.text.split()) + sum(len(c.arguments.split()) for c in m.tool_calls) for m in messages)


async def test_usage_counts_the_whole_transcript_every_round() -> None:
    model = ScriptedModel(
        lambda r: tool_call("ping", {"n": len(r.messages)}) if len(r.messages) < 9 else reply("ok")
    )

    async def ping(n: int) -> str:
        """Ping."""
        return f"pong number {n}"

    client = LLMClient(model=model)
    client.register_tool(ping)
    await client.generate([{"role": "user", "content": "ping a few times please"}])
    await client.generate([{"role": "user", "content": "again"}])  # a transcript that extends nothing
    requests = list(model.requests)
    assert len(requests) == 10
    for request in [*requests, *reversed(requests)]:  # in order, then in reverse: counted afresh
        usage = (await model.complete(request)).unwrap().usage
        assert usage is not None
        assert usage.input_tokens == words(request.messages)


async def test_usage_of_a_transcript_that_shrinks_or_changes_is_counted_afresh() -> None:
    model = ScriptedModel(lambda r: reply("fine thanks"))
    long = (Message("user", "one two three"), Message("assistant", "four"), Message("user", "five six"))
    for messages in (long, long[:1], (Message("user", "seven"), *long[1:]), long):
        got = (await model.complete(ModelRequest(model="m", messages=messages))).unwrap().usage
        assert got is not None
        assert (got.input_tokens, got.output_tokens) == (words(messages), 2)
