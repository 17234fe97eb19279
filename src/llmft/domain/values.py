"""Changed copies of frozen attrs values, for the paths every model call and tool round takes.

`attrs.evolve` works out the class's init fields on every call (about 5 µs for a value of eight
fields, a dozen times or so per tool round); `replace` works them out once per class and then costs
about half. Same result: the class's `__init__` runs, with its validators and converters.
"""

from __future__ import annotations

from typing import Any, TypeVar

from attrs import AttrsInstance, fields

T = TypeVar("T", bound=AttrsInstance)

_INIT_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}  # class -> (attribute, init argument) pairs


def replace(instance: T, /, **changes: Any) -> T:
    """A copy of the attrs value `instance` with `changes` (given by init argument name) applied."""
    cls = type(instance)
    pairs = _INIT_FIELDS.get(cls)
    if pairs is None:
        pairs = _INIT_FIELDS[cls] = tuple((f.name, f.alias) for f in fields(cls) if f.init)
    for name, alias in pairs:
        if alias not in changes:
            changes[alias] = getattr(instance, name)
    return cls(**changes)
