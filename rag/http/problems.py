"""RFC 9457 problem details: the one shape of every HTTP error, how to build it and how OpenAPI describes it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Response
from litestar.openapi.datastructures import ResponseSpec
from pydantic import BaseModel, Field

MEDIA_TYPE = "application/problem+json"
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          408: "Request timeout", 409: "Conflict", 413: "Request body too large", 415: "Unsupported media type",
          421: "Misdirected request", 422: "Invalid request", 431: "Request header fields too large",
          499: "Client closed request", 500: "Internal error", 503: "Unavailable"}


class Problem(BaseModel):
    """An error: `detail` names what to fix; `errors` lists each invalid field of a rejected body."""

    type: str = Field("about:blank", description="Problem type (always about:blank: the status says it).")
    title: str = Field(description="Short name of the status.")
    status: int = Field(description="HTTP status code.")
    detail: str = Field(description="What went wrong and what to change.")
    instance: str = Field(description="Path of the request.")
    errors: list[dict[str, Any]] | None = Field(None, description="One entry per invalid field, when known.")


def problem_body(status: int, detail: str, instance: str, **extra: Any) -> dict[str, Any]:
    """The JSON object of a problem."""
    return {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail,
            "instance": instance if len(instance) <= 200 else instance[:200] + "...", **extra}


def problem(status: int, detail: str, instance: str, headers: Mapping[str, str] | None = None,
            **extra: Any) -> Response:
    """A problem response. 401s carry `WWW-Authenticate: Bearer`, as RFC 9110 requires."""
    body = problem_body(status, detail, instance, **extra)
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers or None)


_WHEN = {400: "The body is not JSON.", 401: "An API key is needed (RAG_API_KEYS is set).",
         403: "Admin routes are off (no RAG_ADMIN_KEYS).", 404: "No such resource.",
         409: "The new index build could not be loaded; the previous one is still served.",
         413: "The body is larger than RAG_MAX_BODY_BYTES.", 415: "The body is not sent as application/json.",
         422: "A field breaks a rule; `detail` says which.",
         503: "No index is served (or the served build is gone from the index folder; `detail` says what to do), "
              "or the server is overloaded; retry later."}


def responses(*statuses: int) -> dict[int, ResponseSpec]:
    """The OpenAPI description of the problems a route may answer with."""
    return {status: ResponseSpec(Problem, description=_WHEN[status], media_type=MEDIA_TYPE,
                                 generate_examples=False) for status in statuses}


__all__ = ["MEDIA_TYPE", "Problem", "problem", "problem_body", "responses"]
