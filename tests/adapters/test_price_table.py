"""The price table over litellm's price map: name matching, real prices, and litellm never imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from llmft.adapters import price_table as price_table_module
from llmft.adapters.price_table import MAP_FILE, LiteLLMPriceTable, _load, bundled_price_map
from llmft.app.bootstrap import client_parts, price_table
from llmft.domain.pricing import LongContextPrice, Price

M = 1e-6  # one USD per million tokens, as the map writes it per token


def _chat(inp: Any, out: Any, provider: str | None, **more: Any) -> dict[str, Any]:
    entry = {"input_cost_per_token": inp, "output_cost_per_token": out, **more}
    return entry if provider is None else {**entry, "litellm_provider": provider}


SMALL_MAP: dict[str, Any] = {
    "sample_spec": {"input_cost_per_token": "a number", "litellm_provider": "one of ..."},
    "gpt-x": _chat(1 * M, 4 * M, "openai"),
    "gpt-x-2024-05-13": _chat(5 * M, 15 * M, "openai"),
    "ft:gpt-x-2024-01-01": _chat(3 * M, 12 * M, "openai"),
    "Claude-Y": _chat(
        3 * M,
        15 * M,
        "anthropic",
        cache_read_input_token_cost=0.3 * M,
        cache_creation_input_token_cost=3.75 * M,
        cache_creation_input_token_cost_above_1hr=6 * M,
    ),
    "gemini/gem": _chat(
        1.25 * M,
        10 * M,
        "gemini",
        cache_read_input_token_cost=0.125 * M,
        output_cost_per_reasoning_token=10 * M,
        input_cost_per_token_above_200k_tokens=2.5 * M,
        output_cost_per_token_above_200k_tokens=15 * M,
        input_cost_per_token_above_200k_tokens_priority=4.5 * M,
        input_cost_per_token_above_128k_tokens=2 * M,
    ),
    "gem": _chat(1.5 * M, 11 * M, "vertex_ai-language-models"),
    "mistral/big-latest": _chat(0.5 * M, 1.5 * M, "mistral"),
    "azure/gpt-x": _chat(1.1 * M, 4.4 * M, "azure"),
    "anthropic.claude-z-v1:0": _chat(1 * M, 5 * M, "bedrock_converse"),
    "ollama/free": _chat(0.0, 0.0, "ollama"),
    "embed-only": {"input_cost_per_token": 1 * M, "litellm_provider": "openai", "mode": "embedding"},
    "bad-rate": _chat("0.1", 1 * M, "openai"),
    "negative": _chat(-1 * M, 1 * M, "openai"),
    "bad-tier": _chat(1 * M, 1 * M, "openai", input_cost_per_token_above_100k_tokens="x"),
    "no-provider": _chat(2 * M, 2 * M, None),
    "null-tier": _chat(1 * M, 1 * M, "openai", input_cost_per_token_above_100k_tokens=None),
    "not-a-dict": 5,
    "model-6-5": _chat(2 * M, 8 * M, "anthropic", aliases=["model-six", "gpt-x", 7]),
    "model-latest": {"alias_of": "model-6-5"},
    "pointer-to-pointer": {"alias_of": "model-latest"},
    "pointer-to-nothing": {"alias_of": "no-such-model"},
}


def _ragged(data: dict[str, Any]) -> str:
    """The map with rows indented unevenly and spaced oddly, as hand edits leave a JSON file."""
    rows = [
        f"{' ' * (n % 3)}{json.dumps(key)}  :{json.dumps(row, indent=n % 4)}"
        for n, (key, row) in enumerate(data.items())
    ]
    return "\n{\n" + ",\n".join(rows) + "\n}\n"


LAYOUTS = {
    "compact": lambda data: json.dumps(data),
    "indented": lambda data: json.dumps(data, indent=4),
    "ragged": _ragged,
}


@pytest.fixture(params=sorted(LAYOUTS))
def table(request: pytest.FixtureRequest, tmp_path: Path) -> LiteLLMPriceTable:
    # A look-up reads the map's text, not a parsed whole: every layout JSON allows must read the same.
    path = tmp_path / MAP_FILE
    path.write_text(LAYOUTS[request.param](SMALL_MAP))
    return LiteLLMPriceTable(path)


def _rates(price: Price | None) -> tuple[float, float] | None:
    return None if price is None else (price.input, price.output)


@pytest.mark.parametrize(
    ("model", "rates"),
    [
        ("gpt-x", (1.0, 4.0)),  # rule 1: as the map spells it
        ("GPT-X", (1.0, 4.0)),  # case-insensitive
        ("  gpt-x ", (1.0, 4.0)),
        ("claude-y", (3.0, 15.0)),  # the map's own capitals do not matter either
        ("gemini/gem", (1.25, 10.0)),
        ("azure/gpt-x", (1.1, 4.4)),  # a reseller's own entry, not the maker's
        ("openai/gpt-x", (1.0, 4.0)),  # rule 2: the provider's own bare entry
        ("anthropic/claude-y", (3.0, 15.0)),
        ("vertex_ai/gem", (1.5, 11.0)),  # litellm's qualified provider names
        ("bedrock/anthropic.claude-z-v1:0", (1.0, 5.0)),
        ("openrouter/openai/gpt-x", (1.0, 4.0)),  # a gateway at the maker's price
        ("big-latest", (0.5, 1.5)),  # rule 3: a bare name under a maker's own API
        ("gem", (1.5, 11.0)),  # a bare entry wins over a maker's prefixed one
        ("gpt-x-2024-05-13", (5.0, 15.0)),  # a dated entry the map lists keeps its own price
        ("gpt-x-2031-01-01", (1.0, 4.0)),  # rule 4: an unlisted date falls back to the alias
        ("anthropic/claude-y-20991231", (3.0, 15.0)),
        ("claude-y-latest", (3.0, 15.0)),
        ("openrouter/openai/gpt-x-2031-01-01", (1.0, 4.0)),
        ("ft:gpt-x-2024-01-01:my-org::abc123", (3.0, 12.0)),  # rule 5: the fine-tune's own price
        ("openai/ft:gpt-x-2024-01-01:my-org::abc123", (3.0, 12.0)),
        ("ollama/free", (0.0, 0.0)),  # free is a price, not unknown
        ("no-provider", (2.0, 2.0)),
        ("null-tier", (1.0, 1.0)),
        ("model-latest", (2.0, 8.0)),  # a row that is another's alias
        ("anthropic/model-latest", (2.0, 8.0)),
        ("model-six", (2.0, 8.0)),  # a name in a row's `aliases`
    ],
)
def test_a_model_string_finds_its_entry(
    table: LiteLLMPriceTable, model: str, rates: tuple[float, float]
) -> None:
    assert _rates(table.price(model)) == rates


@pytest.mark.parametrize(
    "model",
    [
        "azure/claude-y",  # the bare entry is Anthropic's, not Azure's
        "groq/gpt-x",
        "azure/my-deployment",  # deployment names are the user's own
        "ft:gpt-x:my-org::abc",  # a fine-tune is never priced as its base model
        "ft:",
        "no-provider/gpt-x",  # an unknown prefix with an entry of another provider
        "openai/no-provider",  # an entry that names no provider is matched only exactly
        "embed-only",  # no output price: not a chat price
        "bad-rate",  # a malformed rate makes the entry unknown rather than wrong
        "negative",
        "bad-tier",
        "sample_spec",
        "not-a-dict",
        "unknown-model",
        "pointer-to-pointer",  # one step only, as litellm reads them
        "pointer-to-nothing",
        "",
        "   ",
    ],
)
def test_what_the_map_cannot_price_is_unknown(table: LiteLLMPriceTable, model: str) -> None:
    assert table.price(model) is None


def test_cache_and_long_context_rates_come_from_the_map(table: LiteLLMPriceTable) -> None:
    assert table.price("anthropic/claude-y") == Price(3.0, 15.0, cached_input=0.3, cache_write=3.75)
    gem = table.price("gemini/gem")
    assert gem == Price(
        1.25,
        10.0,
        cached_input=0.125,
        reasoning=10.0,
        long_context=(
            LongContextPrice(128_000, Price(2.0, 10.0, cached_input=0.125, reasoning=10.0)),
            LongContextPrice(200_000, Price(2.5, 15.0, cached_input=0.125, reasoning=10.0)),
        ),
    )


def test_an_unreadable_map_prices_nothing_and_raises_nothing(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "broken.json").write_text("{not json")
    for name in ("missing.json", "list.json", "broken.json"):
        assert LiteLLMPriceTable(tmp_path / name).price("gpt-x") is None


def test_a_name_is_a_row_only_where_it_is_a_key(tmp_path: Path) -> None:
    # Written by hand: the name first shows up as a string value, inside an escaped string, as a key
    # whose value is no object, and in an `aliases` list, all before the row it names.
    text = (
        '{"a": {"note": "gpt-x", "quote": "\\"gpt-x\\": {\\"input_cost_per_token\\": 9}",'
        ' "input_cost_per_token": 1, "output_cost_per_token": 1, "litellm_provider": "openai"},\n'
        ' "b": {"input_cost_per_token": 7e-06, "output_cost_per_token": 7e-06, "litellm_provider": "openai",'
        ' "aliases": ["other", "gpt-x"], "nested": {"gpt-y": {"input_cost_per_token": 5}}},\n'
        ' "gpt-x"\t:\n {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},\n'
        ' "c": {"aliases": ["gpt-z"], "input_cost_per_token": 3e-06, "output_cost_per_token": 3e-06}}'
    )
    assert json.loads(text)["a"]["quote"] == '"gpt-x": {"input_cost_per_token": 9}'
    path = tmp_path / MAP_FILE
    path.write_text(text)
    table = LiteLLMPriceTable(path)
    assert _rates(table.price("gpt-x")) == (1.0, 2.0)  # the row, not the alias nor the string
    assert _rates(table.price("other")) == (7.0, 7.0)  # in an aliases list
    assert _rates(table.price("gpt-z")) == (3.0, 3.0)  # the list before the row's prices
    assert table.price("gpt-y") is None  # a key inside a row is no row (no provider, no output rate)
    assert table.price("note") is None


def test_every_row_of_the_real_map_reads_as_json_reads_it() -> None:
    path = bundled_price_map()
    assert path is not None
    rows = _load(path)
    lowered = json.loads(path.read_bytes().lower())  # what the table keeps
    plain = {k: v for k, v in lowered.items() if not (isinstance(v, dict) and "alias_of" in v)}
    assert len(plain) > 1000
    assert [k for k, v in plain.items() if rows.get(k) != v] == []
    # and every row is priced as the map as written prices it (lower case changes no price)
    raw = json.loads(path.read_bytes())
    differ = [k for k, v in raw.items() if k.lower() in plain and _prices(rows.get(k.lower())) != _prices(v)]
    assert differ == []


def _prices(row: Any) -> Any:
    entry = price_table_module._entry(row)
    return None if entry is None else entry.price


def test_a_look_up_parses_its_rows_not_the_whole_map(monkeypatch: pytest.MonkeyPatch) -> None:
    # Parsing all of the real map (3.4 MB) holds the interpreter lock for 45-90 ms: from any thread,
    # a stall of the event loop. A look-up may only parse small windows of it.
    parsed: list[int] = []
    real = price_table_module._DECODER

    class Counting(json.JSONDecoder):
        def raw_decode(self, s: str, idx: int = 0) -> tuple[Any, int]:
            parsed.append(len(s))
            return real.raw_decode(s, idx)

    monkeypatch.setattr(price_table_module, "_DECODER", Counting())
    monkeypatch.setattr(json, "loads", _refuse)
    _load.cache_clear()
    try:
        table = LiteLLMPriceTable()
        sonnet = Price(3.0, 15.0, cached_input=0.3, cache_write=3.75)
        assert table.price("anthropic/claude-sonnet-4-5") == sonnet
        assert table.price("claude-haiku-latest") is not None  # an alias row, resolved
        assert table.price("no-such-model-at-all") is None
    finally:
        _load.cache_clear()
    assert parsed
    assert max(parsed) <= 64 * 1024


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the whole map was parsed")


def test_the_map_is_read_once_per_process(tmp_path: Path) -> None:
    path = tmp_path / MAP_FILE
    path.write_text(json.dumps(SMALL_MAP))
    assert LiteLLMPriceTable(str(path)).price("gpt-x") is not None
    path.unlink()
    assert _rates(LiteLLMPriceTable(path).price("openai/gpt-x")) == (1.0, 4.0)  # a new table, same data


def test_tables_over_one_map_share_what_they_found(
    table: LiteLLMPriceTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _rates(table.price("openai/gpt-x")) == (1.0, 4.0)
    searched: list[str] = []
    monkeypatch.setattr(price_table_module._Rows, "get", lambda rows, name: searched.append(name))
    another = LiteLLMPriceTable(table._path)  # a client made later: its first look-up searches nothing
    assert _rates(another.price("OpenAI/GPT-X")) == (1.0, 4.0)
    assert searched == []
    assert another.price("gpt-unknown") is None
    assert searched  # a new name is searched for


def test_remembered_names_stay_bounded(table: LiteLLMPriceTable) -> None:
    assert table.price("gpt-x") is table.price("GPT-X ")  # remembered by normalised name
    for n in range(4100):
        assert table.price(f"no-such-model-{n}") is None
    assert _rates(table.price("gpt-x")) == (1.0, 4.0)


# The real map bundled with the installed litellm.

REAL = LiteLLMPriceTable()


def test_the_bundled_map_is_found_in_the_litellm_package() -> None:
    path = bundled_price_map()
    assert path is not None
    assert path.name == MAP_FILE
    assert path.parent.name == "litellm"
    assert bundled_price_map("llmft_no_such_package") is None
    assert bundled_price_map("llmft_no_such_package.sub") is None
    assert bundled_price_map("json") is None  # a package without the map
    assert bundled_price_map("math") is None  # a module, not a package


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-4o-mini", Price(0.15, 0.6, cached_input=0.075)),
        ("gpt-4o-mini-2024-07-18", Price(0.15, 0.6, cached_input=0.075)),
        ("openai/gpt-4o", Price(2.5, 10.0, cached_input=1.25)),
        ("gpt-4o-2024-08-06", Price(2.5, 10.0, cached_input=1.25)),
        ("anthropic/claude-sonnet-4-5", Price(3.0, 15.0, cached_input=0.3, cache_write=3.75)),
        ("claude-sonnet-4-5-20250929", Price(3.0, 15.0, cached_input=0.3, cache_write=3.75)),
        ("anthropic/claude-haiku-4-5", Price(1.0, 5.0, cached_input=0.1, cache_write=1.25)),
    ],
)
def test_well_known_prices_from_the_real_map(model: str, expected: Price) -> None:
    assert REAL.price(model) == expected


def test_gemini_25_pro_costs_more_above_200k_input_tokens() -> None:
    price = REAL.price("gemini/gemini-2.5-pro")
    assert price is not None
    assert (price.input, price.output, price.cached_input) == (1.25, 10.0, 0.125)
    above = price.for_input(200_001)
    assert (above.input, above.output, above.cached_input) == (2.5, 15.0, 0.25)


@pytest.mark.parametrize(
    "model",
    [
        "gpt-4o",
        "gpt-4.1",
        "gpt-5",
        "gpt-5-mini",
        "o3",
        "o4-mini",
        "claude-haiku-4-5",
        "gemini-2.5-flash",
        "gemini/gemini-2.5-flash",
        "gemini-2.5-pro",
        "deepseek-chat",
        "deepseek/deepseek-chat",
        "mistral-large-latest",
        "mistral/mistral-large-latest",
        "azure/gpt-4o",
        "openrouter/openai/gpt-4o",
        "ft:gpt-4o-mini-2024-07-18:my-org::abc123",
    ],
)
def test_the_models_llmft_documents_are_priced(model: str) -> None:
    price = REAL.price(model)
    assert price is not None
    assert price.input > 0
    assert price.output > 0


def test_every_alias_in_the_real_map_costs_what_its_model_costs() -> None:
    path = bundled_price_map()
    assert path is not None
    raw = json.loads(path.read_text())
    pointers = {k: v["alias_of"] for k, v in raw.items() if isinstance(v, dict) and "alias_of" in v}
    priced = [(alias, REAL.price(target)) for alias, target in pointers.items() if target not in pointers]
    assert all(REAL.price(alias) == price for alias, price in priced)
    assert sum(price is not None for _, price in priced) >= len(pointers) // 2  # most name a priced row


def test_the_table_and_its_first_look_up_do_not_import_litellm() -> None:
    code = (
        "import sys, llmft.adapters.price_table as t\n"
        "assert t.LiteLLMPriceTable().price('anthropic/claude-sonnet-4-5') is not None\n"
        "print(sorted(m for m in sys.modules if m == 'litellm' or m.startswith('litellm.')))\n"
    )
    run = [sys.executable, "-c", code]
    done = subprocess.run(run, capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


class _Fixed:
    def price(self, model: str) -> Price | None:
        return Price(1.0, 1.0)


def test_bootstrap_builds_the_real_table_unless_one_is_handed_in() -> None:
    fake = _Fixed()
    assert client_parts(prices=fake).prices is fake
    assert client_parts().prices.price("gpt-4o-mini") == Price(0.15, 0.6, cached_input=0.075)
    assert price_table().price("no-such-model") is None
