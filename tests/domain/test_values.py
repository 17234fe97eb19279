"""`replace`: a changed copy of a frozen attrs value, as `attrs.evolve` makes it."""

from __future__ import annotations

import attrs
import pytest

from llmft.domain.messages import Usage
from llmft.domain.values import replace


@attrs.frozen
class _Private:
    _secret: int
    shown: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    derived: int = attrs.field(init=False, default=7)


def test_it_is_evolve() -> None:
    usage = Usage(1, 2, 3, cost_usd=0.5, by_model={"m": Usage(1, 2, 3)})
    assert replace(usage, output_tokens=9) == attrs.evolve(usage, output_tokens=9)
    assert replace(usage, output_tokens=9).by_model == usage.by_model
    assert replace(usage) == usage
    assert replace(usage) is not usage


def test_private_fields_go_by_their_init_name_and_validators_run() -> None:
    value = _Private(secret=1, shown=2)
    assert replace(value, secret=5) == _Private(secret=5, shown=2)
    assert replace(value, shown=3).derived == 7  # not an init argument: made afresh
    with pytest.raises(ValueError, match="shown"):
        replace(value, shown=-1)
    with pytest.raises(TypeError):
        replace(value, nonexistent=1)
