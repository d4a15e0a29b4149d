"""What an unknown field of a request was likely meant to be: the field to send instead, or where it goes.

A body field a route does not take is refused (its models forbid extra fields), but pydantic's "Extra inputs are
not permitted" does not say what to send instead. The likely mistakes are of three kinds, each read from the
routes' own models, with no message written per field:

- a field of the same body at another place: `context` at the top of a batch, where it goes with each question
  (`questions[i] = {"question": ..., "context": [...]}`); `doc_ids` at the top, where it goes in `filter`;
- another name for a field taken here: `top_k` or `limit` for `k`, `query` for `question` (the names other search
  APIs give the same thing), or a misspelling (`contexte`, `filters`, `question` for `questions`: the closest name;
  `rag.suggest`);
- a field of another route (`questions` on `POST /v1/search`, which `POST /v1/search/batch` takes), said besides.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Iterator
from functools import cached_property
from typing import Annotated, Any, get_args, get_origin

from litestar import Litestar, Request
from litestar.handlers import HTTPRouteHandler
from litestar.utils.scope.state import ScopeState
from pydantic import BaseModel, Tag

from rag.suggest import names, suggestion

# Pydantic's message for a field a model with `extra="forbid"` does not take (error type `extra_forbidden`): what
# the HTTP edge receives from Litestar's validation of a body, by message only
EXTRA = "Extra inputs are not permitted"

_LISTS = (list, tuple, set, frozenset)


def _models(annotation: Any, listed: bool = False, tag: str | None = None
            ) -> Iterator[tuple[type[BaseModel], str]]:
    """The models an annotation holds (through unions, `Annotated`, optionals and lists), each with the steps of
    its place below the field: `[i]` for an item of a list, `.tag` for a member of a tagged union."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, ("[i]" if listed else "") + (f".{tag}" if tag else "")
        return
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *metadata = get_args(annotation)
        yield from _models(inner, listed, next((m.tag for m in metadata if isinstance(m, Tag)), tag))
        return
    if origin is None and not isinstance(annotation, types.UnionType):
        return
    for arg in get_args(annotation):
        yield from _models(arg, listed or origin in _LISTS, tag)


def places(model: type[BaseModel], where: str = "", within: frozenset[type[BaseModel]] = frozenset()
           ) -> dict[str, type[BaseModel]]:
    """Each object of a body of `model` by its place: `""` for the body, `filter`, `questions[i]` for an item of a
    list (and a tagged union's member by its tag, as the validator names it). A model met again inside itself (a
    compound filter's filters) is not gone into again."""
    found = {where: model}
    for name, info in model.model_fields.items():
        for nested, steps in _models(info.annotation):
            if nested in within or nested is model:
                continue
            for place, held in places(nested, f"{where}.{name}".lstrip(".") + steps, within | {model}).items():
                found.setdefault(place, held)
    return found


def _place_of(key: str) -> tuple[str, str]:
    """The place of an unknown field and its name, from the validator's dotted key: `questions.0.k` is `k` at
    `questions[i]`."""
    *parents, name = key.split(".")
    return "".join("[i]" if part.isdigit() else f".{part}" for part in parents).lstrip("."), name


def _shape(annotation: Any) -> str:
    """A placeholder of a field's JSON type: `[...]`, `{...}`, `"..."`, or `...` for any other."""
    origin = get_origin(annotation)
    if origin in _LISTS:
        return "[...]"
    if origin is dict or (isinstance(annotation, type) and issubclass(annotation, BaseModel | dict)):
        return "{...}"
    if annotation is str:
        return '"..."'
    shapes = [_shape(arg) for arg in get_args(annotation) if arg is not type(None)]
    return next((shape for shape in shapes if shape != "..."), "...")


def _object(model: type[BaseModel], fields: list[str]) -> str:
    """An object of `model` with `fields`, each value a placeholder of its type: `{"doc_ids": [...]}`."""
    shown = ", ".join(f"{json.dumps(field)}: {_shape(model.model_fields[field].annotation)}" for field in fields)
    return f"{{{shown}}}"


def _example(model: type[BaseModel], place: str, name: str) -> str:
    """How `name` is sent at `place` (not the top of the body): `questions[i] = {"question": "...", "context":
    [...]}`, with the fields `place` requires."""
    fields = [field for field, info in model.model_fields.items() if info.is_required() and field != name] + [name]
    return f"{place} = {_object(model, fields)}"


def _of(place: str) -> str:
    """A place, as a message names it."""
    if not place:
        return "of the body (its top level)"
    if place.endswith("[i]"):
        return f"of each item of `{place[:-3]}`"
    return f"of `{place}`"


def _elsewhere(name: str, body: dict[str, type[BaseModel]], place: str, close: bool = False, exact: bool = False
               ) -> tuple[str, str] | None:
    """The other place of the body where `name` is a field (only `name` itself when `exact`; a synonym too, and
    when `close` a misspelling of it), none that holds `place` in that very field (a comparison filter's `filters`
    is no field of the top level, whose `filters` the filter already is)."""
    for other, model in body.items():
        if other == place:
            continue
        if exact:
            meant = name if name in model.model_fields else None
        elif close:
            meant = suggestion(name, model.model_fields)
        else:
            meant = next((n for n in names(name) if n in model.model_fields), None)
        within = f"{other}.{meant}".lstrip(".")
        if meant is not None and place != within and not place.startswith((f"{within}.", f"{within}[")):
            return other, meant
    return None


_PARAMETER_TYPE = re.compile(r":\w+}")  # a path parameter's type, as a route's path holds it: `{vector_store_id:str}`


def body_routes(app: Litestar) -> dict[str, type[BaseModel]]:
    """The body model of each route that takes one, by `METHOD /path`."""
    bodies: dict[str, type[BaseModel]] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            model = _body(handler)
            if model is None:
                continue
            for method in sorted(handler.http_methods):
                bodies.setdefault(f"{method} {_PARAMETER_TYPE.sub('}', route.path)}", model)
    return bodies


def _body(handler: object) -> type[BaseModel] | None:
    """The model of the body a route handler takes, None when it takes none."""
    data = handler.parsed_data_field if isinstance(handler, HTTPRouteHandler) else None
    return next((model for model, _ in _models(data.annotation)), None) if data is not None else None


class UnknownFields:
    """What to send instead of each unknown field of one request's body (`said`): the route's model read once, and
    only the first `HINTED` fields of a body that holds more are looked into, the others said "unknown field"."""

    HINTED = 10

    def __init__(self, request: Request[Any, Any, Any]) -> None:
        self._request = request
        self._model = _body(request.scope.get("route_handler"))
        self._hinted = 0

    @cached_property
    def _body(self) -> dict[str, type[BaseModel]]:
        """The places of the route's body, read when a message needs them."""
        return places(self._model) if self._model is not None else {}

    def example(self, key: str) -> str | None:
        """An object of the fields the body takes at `key` (the validator's dotted key), each value a placeholder of
        its type; None when no one model is taken there (a tagged union's)."""
        model = self._body.get(_place_of(key + ".")[0])
        return None if model is None else _object(model, list(model.model_fields))

    def _given(self, key: str) -> set[str]:
        """The names the object holding the field at `key` was sent with, read from the decoded body (a tagged
        union's tag, no step of the JSON, passed over); none when the body is not at hand (litestar's decoded JSON, kept
        in the request's scope)."""
        sent = ScopeState.from_scope(self._request.scope).json
        for step in key.split(".")[:-1]:
            if isinstance(sent, dict) and step in sent:
                sent = sent[step]
            elif isinstance(sent, list) and step.isdigit() and int(step) < len(sent):
                sent = sent[int(step)]
        return set(sent) if isinstance(sent, dict) else set()

    def said(self, key: str) -> str:
        """What to send instead of the unknown body field at `key` (the validator's dotted key), as a rule's
        message."""
        place, name = _place_of(key)
        here = self._body.get(place)
        if here is None or self._hinted >= self.HINTED:
            return "unknown field"
        self._hinted += 1
        taken = list(here.model_fields)
        meant = suggestion(name, taken)
        if meant is not None and meant in self._given(key):  # `query` beside `question`: nothing to rename
            return f"unknown field (`{meant}`, which it likely means, is given too)"
        # a field meant here is said with another place only when `name` itself is a field there: `filter` meant
        # as `filters` is not also the `filters` of a compound filter
        moved = _elsewhere(name, self._body, place, exact=meant is not None)
        if moved is None and meant is None:
            moved = _elsewhere(name, self._body, place, close=True)
        said = "unknown field" if meant is None else f"unknown field: did you mean `{meant}`?"
        if moved is not None:
            other, field = moved
            goes = f"`{field}` is a field {_of(other)}" + (f": {_example(self._body[other], other, field)}"
                                                           if other else "")
            said = f"{said} ({goes})" if meant is not None else f"unknown field here: {goes}"
        elif meant is None:
            said = f"unknown field: the fields {_of(place)} are {', '.join(taken)}"
        if not place and moved is None:
            routes = body_routes(self._request.app).items()
            other_route = next((route for route, model in routes if name in model.model_fields
                                and model is not self._model), None)
            said += f" (`{name}` is a field of {other_route})" if other_route else ""
        return said


__all__ = ["EXTRA", "UnknownFields", "body_routes", "places"]
