"""A refused field's rule over HTTP, said in the API's words (`rag.wording`) rather than in its validator's, with
what the request tells besides: the value sent for a query or path parameter (shortened: msgspec's "Invalid enum
value" echoed all of it), the values a parameter takes ("must be one of asc, desc", where msgspec named none), the
fields an object takes ("filter: must be a JSON object: {"doc_ids": [...], "sources": [...]}"); an unknown field
said by `rag.http.fields`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, get_args, get_origin

from litestar import Request
from litestar.handlers import HTTPRouteHandler

from rag.http.fields import EXTRA, UnknownFields
from rag.wording import reworded

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
        words (`rag.wording`), with the value sent for a parameter; a message no rule knows, as it is."""
        message, key = str(error.get("message")), str(error["key"])
        if message == EXTRA:
            return self._unknown.said(key)
        source = error.get("source")
        sent = self._sent(key, str(getattr(source, "value", source) or ""))
        context: dict[str, Callable[[], str]] = {
            "got": lambda: f" (got {_shown(sent)})" if sent is not None else "",
            "length": lambda: f" (got {len(sent)})" if sent is not None else "",
            "choices": lambda: self._choices(key),
            "fields": lambda: self._fields(key)}
        return reworded(message, context)

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
