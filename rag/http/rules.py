"""A refused field's rule, said in the API's words rather than in its validator's.

The validators' own messages name their rule in their terms: pydantic's (bodies) say "Input should be a valid
dictionary or instance of SearchFilter" (a Python class the client never sees) and "List should have at least 1 item
after validation"; msgspec's (query and path parameters, through Litestar) say "Expected `int`, got `str`" of
`?limit=abc` (every query parameter is a string: what is wrong is that it is not a number), and "Invalid enum value"
without the values taken, echoing the whole value sent. `Rules.said` says each in the API's terms, with the value
sent for a parameter (shortened) and the values or fields taken; an unknown field is said by `rag.http.fields`.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args, get_origin

from litestar import Request
from litestar.handlers import HTTPRouteHandler

from rag.http.fields import EXTRA, UnknownFields

# A validator's message, and what the API says instead: `{n}` and `{m}` are the message's groups, `{got}` the value sent
# (for a parameter), `{choices}` the values a parameter takes, `{fields}` the fields an object takes.
_SAID: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), said) for pattern, said in (
    (r"Input should be a valid dictionary or instance of \w+", "must be a JSON object{fields}"),
    (r"Input should be a valid list", "must be a JSON list"),
    (r"Input should be a valid string", "must be a JSON string"),
    (r"Input should be a valid integer(?:, .*)?", "must be an integer"),
    (r"Input should be a valid boolean(?:, .*)?", "must be true or false"),
    (r"Input should be greater than or equal to (-?[\d.]+)", "must be at least {n}"),
    (r"Input should be less than or equal to (-?[\d.]+)", "must be at most {n}"),
    (r"Input should be (.+)", "must be {n}"),  # 'hybrid', 'dense' or 'lexical'; a valid number
    (r"List should have at least 1 item after validation, not 0", "must not be empty"),
    (r"List should have at least (\d+) items after validation, not (\d+)", "at least {n} items (got {m})"),
    (r"List should have at most (\d+) items? after validation, not (\d+)", "at most {n} items (got {m})"),
    (r"String should have at least 1 character", "must not be empty"),
    (r"String should have at most (\d+) characters?", "at most {n} characters"),
    (r"Expected `int`, got `\w+`", "must be an integer{got}"),
    (r"Expected `int` >= (-?\d+)", "must be at least {n}{got}"),
    (r"Expected `int` <= (-?\d+)", "must be at most {n}{got}"),
    (r"Expected `str` of length <= (\d+)", "at most {n} characters{length}"),
    (r"Invalid enum value '.*'", "must be {choices}{got}"),
))
_SHOWN = 100  # a value sent is shown up to this many characters


def _shown(value: str) -> str:
    return repr(value if len(value) <= _SHOWN else value[:_SHOWN] + "...")


class Rules:
    """The messages of one request's refused fields, said in the API's words (`said`)."""

    def __init__(self, request: Request[Any, Any, Any]) -> None:
        self._request = request
        self._unknown = UnknownFields(request)

    def said(self, error: dict[str, Any]) -> str:
        """The message of a refused field's entry (`key`, `message` and, for a parameter, `source`), in the API's
        words; a message no rule here knows, as it is."""
        message, key = str(error.get("message")), str(error["key"])
        if message == EXTRA:
            return self._unknown.said(key)
        for pattern, said in _SAID:
            matched = pattern.fullmatch(message)
            if matched is not None:
                source = error.get("source")
                sent = self._sent(key, str(getattr(source, "value", source) or ""))
                groups = [*matched.groups(), "", ""]
                return said.format(n=groups[0], m=groups[1],
                                   got=f" (got {_shown(sent)})" if sent is not None else "",
                                   length=f" (got {len(sent)})" if sent is not None else "",
                                   choices=self._choices(key) if "{choices}" in said else "",
                                   fields=self._fields(key) if "{fields}" in said else "")
        return message

    def _sent(self, key: str, source: str) -> str | None:
        """The value a parameter was sent with, None for a body field (its value is not at hand)."""
        if source == "query":
            return self._request.query_params.get(key)
        if source == "path":
            value = self._request.path_params.get(key)
            return None if value is None else str(value)
        return None

    def _choices(self, key: str) -> str:
        """The values a parameter of a closed set takes: `one of asc, desc`."""
        handler = self._request.scope.get("route_handler")
        parameters = handler.parsed_fn_signature.parameters if isinstance(handler, HTTPRouteHandler) else {}
        for name, parameter in parameters.items():
            alias = getattr(parameter.kwarg_definition, "query", None)
            if key in (name, alias):
                values = _literal(parameter.annotation)
                if values:
                    return "one of " + ", ".join(map(str, values))
        return "one of the values /schema/openapi.json lists"

    def _fields(self, key: str) -> str:
        """The fields of the object a body field holds: `: {"doc_ids": [...], "sources": [...]}`."""
        example = self._unknown.example(key)
        return f": {example}" if example else ""


def _literal(annotation: Any) -> tuple[Any, ...]:
    """The values of a `Literal` annotation (through optionals), else ()."""
    if get_origin(annotation) is Literal:
        return get_args(annotation)
    return next((values for arg in get_args(annotation) if (values := _literal(arg))), ())


__all__ = ["Rules"]
