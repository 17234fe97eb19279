"""`replace`: a copy of an attrs value with some fields changed, for the hot paths.

`attrs.evolve` looks the class's fields up and checks them on every call; the tool loop replaces its
state several times per model call, so the field list is worked out once per class here.
"""

from __future__ import annotations

from typing import Any, TypeVar

import attrs

T = TypeVar("T", bound=attrs.AttrsInstance)

_INIT_FIELDS: dict[type[Any], tuple[tuple[str, str], ...]] = {}  # class -> (attribute, __init__ name)


def replace(inst: T, **changes: Any) -> T:
    """Like `attrs.evolve(inst, **changes)`: a new value, checked by the class's own `__init__`."""
    cls: type[T] = type(inst)
    names = _INIT_FIELDS.get(cls)
    if names is None:
        names = _INIT_FIELDS[cls] = tuple((a.name, a.alias) for a in attrs.fields(cls) if a.init)
    for name, alias in names:
        if alias not in changes:
            changes[alias] = getattr(inst, name)
    return cls(**changes)
