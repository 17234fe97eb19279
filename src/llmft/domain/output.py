"""Structured output: the JSON text inside a model's reply (which may wrap it in a code fence)."""

from __future__ import annotations


def extract_json_text(text: str) -> str:
    """The reply without surrounding whitespace or a Markdown code fence (linear time, no regex)."""
    body = text.strip()
    if not body.startswith("```"):
        return body
    first_newline = body.find("\n")
    if first_newline < 0:
        return body.strip("`").strip()
    body = body[first_newline + 1 :]
    if body.rstrip().endswith("```"):
        body = body.rstrip()[:-3]
    return body.strip()
