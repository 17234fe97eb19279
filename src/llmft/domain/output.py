"""Text the model reads or writes: the JSON inside a reply (which may wrap it in a code fence), and a
tool's output cut to a size."""

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


def cut_output(text: str, limit: int | None) -> str:
    """`text` cut to `limit` characters, with a marker saying how much was left out (the first
    version's words), so the model knows it did not see everything."""
    if limit is None or len(text) <= limit:
        return text
    return (
        f"{text[:limit]}\n\n[TRUNCATED: Output was {len(text):,} chars, limit is {limit:,}. "
        "Refine your query for smaller results.]"
    )
