"""The pure parts of dynamic loading: matching, ranking, close names, token estimates, compaction, budget."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from llmft.adapters.openai_responses.strict import strict_form
from llmft.domain.messages import ToolSpec
from llmft.domain.tool_catalog import (
    BudgetUsage,
    close_names,
    compact_schema,
    compact_spec,
    estimate_tokens,
    in_group,
    matches,
    score,
    search_text,
)


def matches_query(
    query: str, name: str, description: str, tags: Sequence[str] = (), category: str | None = None
) -> bool:
    return matches(query, search_text(name, description, tags, category))


def relevance(
    query: str, name: str, description: str, tags: Sequence[str] = (), category: str | None = None
) -> float:
    return score(query, search_text(name, description, tags, category))


def test_a_query_matches_when_half_its_words_are_found() -> None:
    assert matches_query("send", "send_email", "Send an email")
    assert matches_query("deal create pipeline crm", "create_deal", "Create a deal in the CRM.")
    assert not matches_query("deal pipeline forecast", "create_deal", "Create a deal.")
    assert matches_query("emails", "send_email", "Send email")  # a word of the tool inside the token
    assert not matches_query("aide complex", "tool", "An AI tool")  # "ai" is too short to count
    assert matches_query("contacts", "t", "d", category="contacts")
    assert not matches_query("   ", "send_email", "Send email")


def test_only_the_exact_name_scores_one_and_the_name_weighs_most() -> None:
    assert relevance("SEND_EMAIL", "send_email", "x") == 1.0
    assert relevance("", "send_email", "x") == 0.0
    full = relevance("weather", "get_weather", "Weather now.", ["weather"], "weather")
    assert 0.9 < full < 1.0
    by_name = relevance("email", "email_tool", "A tool.")
    by_tag = relevance("email", "tool_a", "A tool.", ["email"])
    by_description = relevance("email", "tool_b", "Sends email.")
    by_category = relevance("email", "tool_c", "A tool.", category="email")
    assert by_name > by_tag > by_description > by_category > 0.0
    assert relevance("email", "get_weather", "Weather data") == 0.0
    assert 0.0 < relevance("mail", "send_email", "d") < relevance("email", "send_email", "d")


def test_prepared_text_is_what_matching_reads() -> None:
    text = search_text("Create_Contact", "Adds a Contact.", ["CRM"], "Sales")
    assert text.name_words == ("create", "contact")
    assert text.tags == ("crm",)
    assert matches("crm", text)
    assert score("contact", text) == relevance(
        "contact", "Create_Contact", "Adds a Contact.", ["CRM"], "Sales"
    )


def test_groups_are_dotted_prefixes() -> None:
    assert in_group("crm.contacts", "crm")
    assert in_group("crm", "crm")
    assert not in_group("crm.contacts", "crm.con")
    assert not in_group("crmx", "crm")
    assert not in_group(None, "crm")


def test_close_names_for_a_typo_or_a_shared_word() -> None:
    known = ["send_email", "search_crm", "get_weather", "send_sms"]
    assert close_names("send_emial", known)[0] == "send_email"
    assert close_names("weather", known) == ["get_weather"]
    assert close_names("zzz", known) == []
    assert len(close_names("send", [*known, "send_fax", "send_post"], limit=2)) == 2


def test_the_token_estimate_is_compact_json_over_four() -> None:
    definition = {"type": "function", "function": {"name": "greet", "description": "Say hi."}}
    raw = json.dumps(definition, separators=(",", ":"))
    assert estimate_tokens(definition) == round(len(raw) / 4)
    assert estimate_tokens({}) == 1


RICH: dict[str, Any] = {
    "type": "object",
    "description": "the root keeps its own description",
    "properties": {
        "name": {"type": "string", "description": "Who.", "default": "x"},
        "tags": {"type": "array", "description": "Tags.", "items": {"type": "string", "description": "One."}},
        "address": {
            "type": "object",
            "description": "Where.",
            "properties": {"city": {"type": "string", "description": "City."}},
            "required": ["city"],
        },
        "status": {"type": "string", "enum": ["a", "b"], "default": "a", "description": "State."},
        "either": {"anyOf": [{"type": "string", "description": "s"}, {"$ref": "#/$defs/Thing"}]},
        "description": {"type": "string", "description": "a property named like a keyword"},
    },
    "$defs": {"Thing": {"type": "object", "description": "A thing.", "properties": {}}},
    "required": ["name", "description"],
}


def test_compaction_drops_nested_descriptions_and_defaults_only() -> None:
    before = json.dumps(RICH, sort_keys=True)
    compact = compact_schema(RICH)
    assert json.dumps(RICH, sort_keys=True) == before  # the input is untouched
    text = json.dumps(compact)
    assert compact["description"] == "the root keeps its own description"
    assert text.count('"description"') == 3  # the root's, the property named so, and it in `required`
    assert compact["properties"]["description"] == {"type": "string"}
    assert '"default"' not in text
    assert set(compact["properties"]) == set(RICH["properties"])
    assert compact["properties"]["status"]["enum"] == ["a", "b"]
    assert compact["properties"]["address"]["required"] == ["city"]
    assert compact["required"] == ["name", "description"]
    assert compact["$defs"]["Thing"] == {"type": "object", "properties": {}}
    assert estimate_tokens(compact) < estimate_tokens(RICH) * 0.7


def test_a_compact_spec_keeps_its_strict_form_and_deferral() -> None:
    deferred = ToolSpec("add", "Add.", RICH, deferred=True)
    compact = compact_spec(deferred)
    assert compact.deferred
    strict = strict_form(compact.parameters)  # what the Responses route sends for it
    assert strict is not None
    assert "Who." not in json.dumps(strict)


@pytest.mark.parametrize(
    ("used", "budget", "warning", "exceeded"),
    [(500, 1000, False, False), (750, 1000, True, False), (900, 1000, True, True), (50, None, False, False)],
)
def test_budget_thresholds(used: int, budget: int | None, warning: bool, exceeded: bool) -> None:
    usage = BudgetUsage(used, budget, 3)
    assert (usage.warning, usage.budget_exceeded) == (warning, exceeded)
    snapshot = usage.as_dict()
    assert snapshot["tokens_remaining"] == (None if budget is None else budget - used)
    assert snapshot["utilisation"] == (0.0 if budget is None else used / budget)
    assert json.loads(json.dumps(snapshot)) == snapshot


def test_budget_fit() -> None:
    usage = BudgetUsage(800, 1000, 1)
    assert usage.fits(200)
    assert not usage.fits(201)
    assert usage.fits(0)
    assert BudgetUsage(10**6, None, 1).fits(10**6)
    assert BudgetUsage(0, 0, 0).utilisation == 0.0
