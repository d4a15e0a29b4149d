"""RFC 9457 problem details: the shape of HTTP errors, the one table from core errors to statuses (`failure`), the
handler that answers every error with a problem (or, under a path prefix, in another shape: the OpenAI-compatible
routes answer OpenAI's error bodies), and how OpenAPI describes them."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, InternalServerException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from pydantic import BaseModel, Field

from rag.errors import (
    ConfigError,
    IndexError_,
    IndexNotFound,
    IndexWriteFailed,
    InvalidQuery,
    ModelError,
    Overloaded,
    PassageNotFound,
    RagError,
    ReloadFailed,
    TooMuchWork,
)
from rag.http.rules import Rules
from rag.logs import shown

log = logging.getLogger("rag.api")  # the name operators filter the app's records on

# The one table from core errors to HTTP statuses.
STATUS: dict[type[RagError], int] = {
    InvalidQuery: 422,
    PassageNotFound: 404,
    Overloaded: 503,
    TooMuchWork: 413,
    IndexNotFound: 503,
    IndexError_: 503,
    ModelError: 503,
    ConfigError: 500,
    ReloadFailed: 409,
    IndexWriteFailed: 500,  # the server writes no build; listed so that every error has its status
}

MEDIA_TYPE = "application/problem+json"
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          408: "Request timeout", 409: "Conflict", 413: "Request body too large", 415: "Unsupported media type",
          421: "Misdirected request", 422: "Invalid request", 429: "Too many requests",
          431: "Request header fields too large", 499: "Client closed request", 500: "Internal error",
          501: "Not implemented", 503: "Unavailable"}


class Problem(BaseModel):
    """An error: `detail` names what to fix; `errors`, on a 422, lists each refused field."""

    type: str = Field("about:blank", description="Problem type (always about:blank: the status says it).")
    title: str = Field(description="Short name of the status.")
    status: int = Field(description="HTTP status code.")
    detail: str = Field(description="What went wrong and what to change.")
    instance: str = Field(description="Path of the request; empty when the server refused the connection before "
                                      "reading it (429, 431, 408, 503 past RAG_MAX_CONNECTIONS).")
    errors: list[dict[str, Any]] | None = Field(None, description="On a 422, one entry per refused field: `key` "
                                                "(the field, `body` for the body itself), `message` (the rule) and "
                                                "`source` (where it was sent: `body`, `query` or `path`).")


def problem_body(status: int, detail: str, instance: str, **extra: Any) -> dict[str, Any]:
    """The JSON object of a problem."""
    return {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail,
            "instance": instance if len(instance) <= 200 else instance[:200] + "...", **extra}


def problem(status: int, detail: str, instance: str, headers: Mapping[str, str] | None = None,
            **extra: Any) -> Response:
    """A problem response. 401s carry `WWW-Authenticate: Bearer`, as RFC 9110 requires."""
    body = problem_body(status, detail, instance, **extra)
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=_with_challenge(status, headers) or None)


def _with_challenge(status: int, headers: Mapping[str, str] | None) -> dict[str, str]:
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return headers


def _instance(request: Request) -> str:
    """The request's path: under a mount (`/mcp`), `url.path` is the mounted app's own (`/`), so the path sent."""
    raw = request.scope.get("raw_path")
    if raw and getattr(request.scope.get("route_handler"), "is_mount", False):
        return bytes(raw).decode("latin-1")
    return request.url.path


def _retry_after(exc: RagError, request: Request) -> dict[str, str]:
    """`Retry-After` for a 503: for a full queue, the seconds of searches queued when the server knows them (at most
    a minute), else a second; for a missing index, the reload watch's period."""
    if isinstance(exc, Overloaded):
        return {"Retry-After": str(min(60, max(1, math.ceil(exc.retry_after or 1))))}
    poll = request.app.state.settings.reload_poll_seconds
    return {"Retry-After": str(max(1, math.ceil(poll)) if poll else 10)}


_POSITION = re.compile(r"\.(\d+)(?=\.|$)")  # a list position in a validator's dotted field path


def _shortened(key: str) -> str:
    """A field's name as a message shows it: a deeply nested one (a filter tree) cut to its start and end."""
    return key if len(key) <= 200 else f"{key[:100]}...{key[-100:]}"


_LONG_NAME = re.compile(r"[^.]{101,}")  # a name of a field's path longer than a message shows (100 characters)


def _field_path(key: str) -> str:
    """A field's place as the server's own checks name it, list positions in brackets: `questions[1].context[0]`
    for the validator's `questions.1.context.0`; a name of more than 100 characters cut (an unknown key of 1 MB
    was echoed whole)."""
    return _POSITION.sub(r"[\1]", _LONG_NAME.sub(lambda name: name[0][:100] + "...", key))


def _rule(error: dict[str, Any], rules: Rules) -> dict[str, Any]:
    """A refused field's entry, its place as the server's checks name it, its rule in the API's words
    (`rag.http.rules`), and where it was sent: the validator names a parameter's (`query`, `path`, `header`) and
    not a body field's."""
    return {**error, "key": _field_path(str(error["key"])), "message": rules.said(error),
            "source": str(getattr(source, "value", source)) if (source := error.get("source")) else "body"}


def _validation_detail(request: Request, exc: ValidationException) -> tuple[int, str, list[dict[str, Any]]]:
    rules = Rules(request)
    errors = [_rule(e, rules) if isinstance(e, dict) and "key" in e else e
              for e in (exc.extra if isinstance(exc.extra, list) else [])]
    if not errors:  # the body is not JSON at all, or not an object
        return 400, f"the request body is not valid JSON for this endpoint ({exc.detail})", []
    if any(e.get("source") == "body" and e.get("key") == "data" for e in errors if isinstance(e, dict)):
        return 400, "the request body is not valid JSON: it is empty; send a JSON object", []  # no body at all
    whole = "must be a JSON object with the fields in /schema/openapi.json"
    parts = [f"{_shortened(e['key']) or '(empty name)'}: {e.get('message')}" if "key" in e else f"body: {whole}"
             for e in errors if isinstance(e, dict)]
    # every entry names its field, the body itself when it is not an object
    named = [e if "key" in e else {**e, "key": "body", "message": whole, "source": "body"} for e in errors
             if isinstance(e, dict)]
    return 422, "; ".join(parts) or exc.detail, named


class _Said(HTTPException):
    """An error whose detail already says what to fix (`said`): shown as it is."""


def said(status: int, detail: str) -> HTTPException:
    """An HTTP error of `status` whose `detail` is shown as written."""
    return _Said(status_code=status, detail=detail)


def _http_detail(exc: HTTPException, request: Request) -> str:
    """Litestar's own errors say "Not Found" and the like; say what to change instead."""
    path = _instance(request)
    path = path if len(path) <= 200 else path[:200] + "..."
    if exc.status_code == 400 and exc.detail == "Invalid host header":  # Litestar's, before routing
        return "the Host header is not a valid host name (or host:port)"
    if exc.status_code == 400 and not isinstance(exc, _Said):  # the body could not be decoded at all
        return f"the request body is not valid JSON: {exc.detail}"
    if exc.status_code == 404 and exc.detail == HTTPStatus.NOT_FOUND.phrase:  # Litestar's own: no such route
        return f"no route {request.method} {path}: the routes are listed in /schema/openapi.json"
    if exc.status_code == 405:
        allowed = next((value for name, value in (exc.headers or {}).items() if name.lower() == "allow"), "")
        return f"{path} does not accept {request.method}; it accepts {allowed or 'other methods'}"
    if exc.status_code == 413:
        limit = request.app.state.settings.max_body_bytes
        return f"the request body is larger than {limit:,} bytes (RAG_MAX_BODY_BYTES): send fewer or shorter questions"
    return str(exc.detail)


# What Litestar raises, as a 500, when the connection closes while it reads a request body.
_DISCONNECTED = "client disconnected prematurely"


def disconnected() -> HTTPException:
    """What a reader of a request body raises when the connection closes before its end, as Litestar's own does:
    answered (to nobody) and counted as a 499, never as a server error."""
    return InternalServerException(_DISCONNECTED)


@dataclass(frozen=True)
class Failure:
    """An error as every shape of error body says it: status, what to fix, headers, and the invalid fields."""

    status: int
    detail: str
    headers: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, Any]] | None = None


# A rule's refusal names its field first ("k: must be at most 50 (got 51)"): the field's entry in `errors`, as a
# schema's refusal has one.
_FIELD_RULE = re.compile(r"([\w.\[\]-]+): (.+)", re.DOTALL)


def failure(request: Request, exc: Exception) -> Failure:
    """The status, detail and headers of any error (the one table). Unknown errors are logged and said without
    internals, the server's folders named by their settings. 401s carry `WWW-Authenticate: Bearer`, as RFC 9110
    requires."""
    if isinstance(exc, RagError):
        status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 500)
        detail = request.app.state.settings.without_paths(str(exc))
        field = _FIELD_RULE.match(detail) if isinstance(exc, InvalidQuery) else None
        errors = exc.fields if isinstance(exc, InvalidQuery) and exc.fields else \
            None if field is None else [{"key": field[1], "message": field[2], "source": "body"}]
        return Failure(status, detail, _retry_after(exc, request) if status == 503 else {}, errors)
    if isinstance(exc, ValidationException):
        status, detail, errors = _validation_detail(request, exc)
        return Failure(status, detail, errors=errors)
    if isinstance(exc, InternalServerException) and exc.detail == _DISCONNECTED:
        # the client left (or its body stalled past RAG_BODY_TIMEOUT_SECONDS and was cut) before its body was read:
        # nobody gets this answer, and the log and metrics must not count a server error
        return Failure(499, "the client closed the connection before its request body was complete")
    if isinstance(exc, HTTPException):
        headers = dict(exc.headers or {})
        if exc.status_code == 503:
            headers.setdefault("Retry-After", "1")
        return Failure(exc.status_code, _http_detail(exc, request), _with_challenge(exc.status_code, headers))
    log.exception("unhandled error on %s %s", shown(request.method), shown(request.url.path))
    return Failure(500, "internal error; the server log has the details")


def problem_of(request: Request, said: Failure) -> dict[str, Any]:
    """The problem object that says `said` of `request`."""
    extra = {"errors": said.errors} if said.errors else {}
    return problem_body(said.status, said.detail, _instance(request), **extra)


def problem_handler(request: Request, exc: Exception) -> Response:
    """Every error, as problem details."""
    said = failure(request, exc)
    extra = {"errors": said.errors} if said.errors else {}
    return problem(said.status, said.detail, _instance(request), headers=said.headers, **extra)


Shape = Callable[[Request, Failure], Response]


def error_handler(shapes: Mapping[str, Shape]) -> Callable[[Request, Exception], Response]:
    """The app's one exception handler: errors on a path under one of `shapes`' prefixes in that shape (an API
    that mimics another's, with its error bodies, or a protocol of its own), every other as problem details. Under a
    prefix, unknown paths and wrong methods too take its shape; a mount's path is the one sent (`/mcp/connector`),
    not the mounted app's own (`/`)."""

    def handle(request: Request, exc: Exception) -> Response:
        path = _instance(request)
        for prefix, shape in shapes.items():
            if path == prefix or path.startswith(prefix + "/"):
                return shape(request, failure(request, exc))
        return problem_handler(request, exc)

    return handle


_WHEN = {400: "The body is not JSON.", 401: "An API key is needed (RAG_API_KEYS is set).",
         403: "Admin routes are off (no RAG_ADMIN_KEYS).", 404: "No such resource.",
         409: "The new index build could not be loaded; the previous one is still served.",
         413: "The body is larger than RAG_MAX_BODY_BYTES, or its questions alone need more search time "
              "than RAG_REQUEST_DEADLINE_SECONDS allows.",
         415: "The body is not sent as application/json, or is sent compressed (Content-Encoding).",
         422: "A field breaks a rule; {said} says which.",
         503: "No index is served (or the served build is gone from the index folder; {said} says what to do), "
              "or the server is overloaded; retry later."}


# What any route may answer, whatever it does: the host and origin check (`rag.http.hosts`) and the server's
# connection bounds (`rag.http.server`), always as problems.
_ANYWHERE = {
    403: "A browser's `Origin` is not allowed (RAG_CORS_ORIGINS; loopback origins when bound to loopback).",
    408: "The request line and headers did not arrive within RAG_HEADER_TIMEOUT_SECONDS, or its body within "
         "RAG_BODY_TIMEOUT_SECONDS; the connection is closed.",
    421: "The `Host` header names no host this server answers for (RAG_ALLOWED_HOSTS; loopback names when bound to "
         "loopback).",
    431: "The request line and headers are larger than RAG_MAX_HEADER_BYTES; the connection is closed.",
    429: "More connections are open from this address than RAG_MAX_CONNECTIONS_PER_CLIENT: reuse them. Or, on the "
         "routes that need a key, more wrong keys came from this address than RAG_MAX_KEY_FAILURES within "
         "RAG_KEY_FAILURE_WINDOW_SECONDS: retry after `Retry-After` seconds, with a valid key.",
}


def responses(*statuses: int, body: type[BaseModel] = Problem, media_type: str = MEDIA_TYPE,
              said: str = "`detail`") -> dict[int, ResponseSpec]:
    """The OpenAPI description of the errors a route may answer with: problems, unless another `body` (whose
    field `said` says what to fix) and `media_type` are given; and those any route may (`_ANYWHERE`)."""
    described = {status: ResponseSpec(body, description=_WHEN[status].format(said=said), media_type=media_type,
                                      generate_examples=False) for status in statuses}
    for status, when in _ANYWHERE.items():
        if status in described:  # an admin route's 403: admin routes off, or the origin
            described[status] = ResponseSpec(body, description=f"{described[status].description} Or: {when}",
                                             media_type=media_type, generate_examples=False)
        else:
            described[status] = ResponseSpec(Problem, description=when, media_type=MEDIA_TYPE,
                                             generate_examples=False)
    return described


__all__ = ["MEDIA_TYPE", "STATUS", "Failure", "Problem", "Shape", "disconnected", "error_handler", "failure", "problem",
           "problem_body", "problem_handler", "problem_of", "responses", "said"]
