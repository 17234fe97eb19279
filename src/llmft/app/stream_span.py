"""The span of a streamed request attempt, ended from the deltas as they pass (see RetryingModel.stream)."""

from __future__ import annotations

from returns.result import Failure, Success

from llmft.domain.messages import ModelReply, ModelRequest, Usage, add_usage
from llmft.domain.ports import RequestSpan
from llmft.domain.streaming import ReplyAccumulator, StreamDelta, StreamEnd, StreamFailed, UsageDelta


class StreamSpan:
    """A streamed attempt's span: ended with the reply's usage (or, capturing content, the whole reply)
    before the terminal delta is yielded, since the consumer may close the stream right after it."""

    __slots__ = ("_replies", "_usage", "span")

    def __init__(self, span: RequestSpan) -> None:
        self.span = span
        self._usage: Usage | None = None
        self._replies = ReplyAccumulator() if span.records_content else None

    def see(self, delta: StreamDelta, request: ModelRequest) -> None:
        """Note one delta; a terminal one ends the span."""
        replies = self._replies
        if replies is not None:
            replies.add(delta)
        elif isinstance(delta, UsageDelta):
            self._usage = add_usage(self._usage, delta.usage)
        if isinstance(delta, StreamEnd):
            if replies is not None:
                self.span.finish(replies.build("llmft", request.model))
            else:
                reply = ModelReply(usage=self._usage, finish_reason=delta.finish_reason, model=delta.model)
                self.span.finish(Success(reply))
        elif isinstance(delta, StreamFailed):
            self.span.finish(Failure(delta.failure))
