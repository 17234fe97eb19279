"""Checking a tool call's arguments before the tool runs, with a message for the model naming each
bad field: typed signatures through the pydantic model registration built, explicit JSON Schemas
through a JSON Schema validator compiled once per tool."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

MAX_ERRORS_SHOWN = 8


class Check:
    """Validates (and converts) the arguments named in `fields`, or raises `InvalidArguments`."""

    __slots__ = ("fields", "run")

    def __init__(self, fields: frozenset[str], run: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        self.fields = fields
        self.run = run

    def __call__(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The arguments with the checked ones converted."""
        return self.run(arguments)


class InvalidSchema(Exception):
    """An explicit schema that is not valid JSON Schema."""


class InvalidArguments(Exception):
    """The arguments do not fit the tool; the message names each bad field, for the model."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _joined(problems: list[str]) -> str:
    extra = len(problems) - MAX_ERRORS_SHOWN
    listed = "; ".join(problems[:MAX_ERRORS_SHOWN])
    return listed + (f"; and {extra} more" if extra > 0 else "")


def model_check(model: type[BaseModel]) -> Check:
    """A check converting arguments to the typed values a signature declares (models, enums, dates…)."""
    fields = frozenset(model.model_fields)

    def check(arguments: dict[str, Any]) -> dict[str, Any]:
        given = {k: v for k, v in arguments.items() if k in fields}
        try:
            validated = model.model_validate(given)
        except ValidationError as error:
            problems = []
            for item in error.errors(include_url=False):
                where = ".".join(str(p) for p in item["loc"]) or "(arguments)"
                got = f" (got {_shown(item['input'])})" if item["type"] != "missing" else ""
                problems.append(f"{where}: {item['msg']}{got}")
            raise InvalidArguments(_joined(problems)) from None
        converted = dict(arguments)
        for name in given:
            converted[name] = getattr(validated, name)
        return converted

    return Check(fields, check)


@cache
def _meta_validator(cls: Any) -> Any:
    """The validator of schemas of one draft, made once (making it is most of a check's cost)."""
    return cls(cls.META_SCHEMA, format_checker=cls.FORMAT_CHECKER)


def schema_check(schema: Mapping[str, Any]) -> Check:
    """A check of arguments against an explicit JSON Schema (compiled once; raises for a bad schema)."""
    import jsonschema  # on first use: ~50 ms of imports that a client without such tools never pays

    plain = dict(schema)
    # A schema that names no draft is read as Draft 7, the form function-calling schemas are written
    # in: checked and applied under the same draft (2020-12's meta-schema costs ~5x more to check
    # against, and would run a Draft 7 form such as a list of `items` into a crash at call time).
    cls = jsonschema.validators.validator_for(plain, default=jsonschema.Draft7Validator)
    problem = jsonschema.exceptions.best_match(_meta_validator(cls).iter_errors(plain))
    if problem is not None:
        raise InvalidSchema(problem.message)
    validator = cls(plain)
    properties = plain.get("properties")
    fields = frozenset(properties) if isinstance(properties, Mapping) else frozenset()
    listed = plain.get("required")
    required = frozenset(listed) if isinstance(listed, list) else frozenset()

    def check(arguments: dict[str, Any]) -> dict[str, Any]:
        # null for an optional property means "left out": strict schemas make every property required,
        # so null is the only way a model can leave one out.
        arguments = {k: v for k, v in arguments.items() if v is not None or k in required}
        errors = sorted(validator.iter_errors(arguments), key=lambda e: list(e.absolute_path))
        if errors:
            problems = []
            for error in errors:
                where = ".".join(str(p) for p in error.absolute_path) or "(arguments)"
                problems.append(f"{where}: {error.message}")
            raise InvalidArguments(_joined(problems))
        return arguments

    return Check(fields, check)
