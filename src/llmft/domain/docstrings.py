"""A function's docstring read for a tool: the summary the model reads, and each argument's description.

Google style (`Args:` with `name: text` lines, continuation lines indented) and reST (`:param name:`)
are understood; other sections (`Returns:`, `Raises:`, ...) are left out.
"""

from __future__ import annotations

import inspect
import re

_SECTION = re.compile(r"^\s*(Args|Arguments|Parameters|Params|Keyword Args):\s*$")
_OTHER_SECTION = re.compile(r"^\s*(Returns?|Raises|Yields|Examples?|Notes?|See Also):\s*$")
_ARG_LINE = re.compile(r"^\s*\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_PARAM_LINE = re.compile(r"^\s*:param\s+(?:[^:]*\s)?(\w+)\s*:\s*(.*)$")


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """The summary (text before any section) and per-argument descriptions (Google or reST style)."""
    if not doc:
        return "", {}
    lines = inspect.cleandoc(doc).splitlines()
    summary: list[str] = []
    args: dict[str, str] = {}
    in_args = False
    seen_section = False
    current: str | None = None
    arg_indent = -1
    for line in lines:
        if _SECTION.match(line):
            in_args, seen_section, current, arg_indent = True, True, None, -1
            continue
        if _OTHER_SECTION.match(line):
            in_args, seen_section, current = False, True, None
            continue
        param = _PARAM_LINE.match(line)
        if param:
            seen_section, current = True, param.group(1)
            args[current] = param.group(2).strip()
            continue
        if in_args and line.strip():
            indent = len(line) - len(line.lstrip())
            match = _ARG_LINE.match(line)
            if match and (arg_indent < 0 or indent <= arg_indent):
                arg_indent = indent
                current = match.group(1)
                args[current] = match.group(2).strip()
            elif current is not None:
                args[current] = f"{args[current]} {line.strip()}".strip()
            continue
        if not seen_section:
            summary.append(line)
        elif current is not None and line.strip() and line.startswith((" ", "\t")):
            args[current] = f"{args[current]} {line.strip()}".strip()
    return "\n".join(summary).strip(), args
