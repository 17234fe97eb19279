"""Whether a value is plain JSON (what a RunState may hold)."""

from __future__ import annotations

import json
from typing import Any


def json_value(value: Any) -> tuple[bool, Any]:
    """(True, value) when `value` is plain JSON (a copy of it), else (False, None)."""
    try:
        return True, json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        return False, None
