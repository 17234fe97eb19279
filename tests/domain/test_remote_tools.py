"""Names and results of tools served elsewhere (MCP): pure functions, no server."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from llmft.domain.remote_tools import (
    RemoteResult,
    RemoteTool,
    check_prefix,
    local_name,
    local_names,
    render_result,
)
from llmft.domain.schema import TOOL_NAME


def test_names_keep_what_providers_accept_and_replace_the_rest() -> None:
    assert local_name(None, "search") == "search"
    assert local_name("gh", "create_issue") == "gh_create_issue"
    assert local_name("gh", "issues/create.v2") == "gh_issues_create_v2"
    assert local_name(None, "héllo wörld") == "h_llo_w_rld"


def test_a_long_name_is_cut_with_a_hash_that_keeps_names_apart() -> None:
    first, second = local_name("p", "x" * 80 + "a"), local_name("p", "x" * 80 + "b")
    assert len(first) == 64
    assert TOOL_NAME.fullmatch(first)
    assert first != second
    assert first.startswith("p_" + "x" * 53 + "_")


def test_an_empty_name_still_gets_a_valid_one() -> None:
    assert TOOL_NAME.fullmatch(local_name(None, ""))


@given(st.text(max_size=100), st.one_of(st.none(), st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True)))
def test_every_name_is_a_valid_tool_name(name: str, prefix: str | None) -> None:
    assert TOOL_NAME.fullmatch(local_name(prefix, name))


def test_two_tools_with_the_same_cleaned_name_are_refused() -> None:
    tools = (RemoteTool("a.b", "", {}), RemoteTool("a-b", "", {}), RemoteTool("a/b", "", {}))
    assert local_names("s", tools) == Failure("its tools 'a.b' and 'a/b' would both be named 's_a_b'")
    assert local_names(None, tools[:2]) == Success({"a_b": "a.b", "a-b": "a-b"})


def test_prefixes() -> None:
    assert check_prefix(None) == Success(None)
    assert check_prefix("crm-2") == Success("crm-2")
    for bad in ["", "has space", "x" * 41, "dotted.name"]:
        assert isinstance(check_prefix(bad), Failure)


def test_a_result_is_its_text_parts_and_its_structured_content_the_payload() -> None:
    rendered = render_result(RemoteResult(("one", "[image: image/png, 3 bytes, not shown]"), {"n": 1}), 100)
    assert rendered.content == "one\n[image: image/png, 3 bytes, not shown]"
    assert (rendered.payload, rendered.cut_chars, rendered.payload_dropped) == ({"n": 1}, 0, False)


def test_structured_content_alone_is_shown_as_json() -> None:
    assert render_result(RemoteResult((), {"n": "é"}), 100).content == '{"n": "é"}'
    assert render_result(RemoteResult(()), 100).content == ""


def test_text_over_the_cap_is_cut_with_a_marker_and_big_structured_content_is_dropped() -> None:
    rendered = render_result(RemoteResult(("x" * 30,), {"text": "y" * 30}), 10)
    assert rendered.content == "x" * 10 + "\n[... 20 more characters cut: the result is over 10 characters]"
    assert (rendered.payload, rendered.cut_chars, rendered.payload_dropped) == (None, 20, True)
