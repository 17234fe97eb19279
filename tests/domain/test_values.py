"""`replace`: the hot-path twin of `attrs.evolve`."""

from __future__ import annotations

import attrs
import pytest
from attrs import field, frozen
from hypothesis import given
from hypothesis import strategies as st

from llmft.domain.messages import Message, ModelRequest, ToolCall
from llmft.domain.values import replace


@frozen
class _Aliased:
    _private: int
    public: str = "x"
    derived: int = field(init=False, default=7)


def test_replace_matches_evolve_on_domain_values() -> None:
    request = ModelRequest(model="m", messages=(Message("user", "hi"),), temperature=0.5)
    assert replace(request, model="n") == attrs.evolve(request, model="n")
    assert replace(request) == request
    assert replace(request) is not request
    call = ToolCall("", "f", "{}")
    assert replace(call, id="call_0") == ToolCall("call_0", "f", "{}")


def test_replace_uses_init_names_and_skips_non_init_fields() -> None:
    value = _Aliased(private=1, public="y")
    assert replace(value, private=2) == attrs.evolve(value, private=2)
    assert replace(value, public="z").derived == 7


def test_unknown_fields_are_refused_like_evolve() -> None:
    with pytest.raises(TypeError):
        replace(ToolCall("a", "f", "{}"), nope=1)


@given(st.text(), st.text(), st.text(), st.text())
def test_replace_equals_evolve(id_: str, name: str, arguments: str, new_id: str) -> None:
    call = ToolCall(id_, name, arguments)
    assert replace(call, id=new_id) == attrs.evolve(call, id=new_id)
