"""The request class of the HTTP edge: what Litestar's own does, with a body decoder that refuses more cleanly.

- A body whose `Content-Type` names something else than JSON (`text/plain`, a form) is a 415: Litestar would decode
  it as JSON all the same, and a web page may send those to any origin without a CORS preflight. A body with no
  `Content-Type` is read as JSON, as scripts often send it (`requests.post(url, data=...)`): a page that sends one
  across origins says its `Origin`, which `rag.http.hosts` refuses.
- JSON nested deeper than the decoder's recursion limit (about 990 levels with msgspec) is a malformed body (400),
  as any other JSON that cannot be decoded, and not a RecursionError (500).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException, SerializationException


def is_json(media_type: str) -> bool:
    """Whether a `Content-Type` (without its parameters) names JSON: `application/json` or `application/*+json`."""
    kind = media_type.strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


class BoundedRequest(Request[Any, Any, Any]):
    """A request whose JSON body must say it is JSON, and cannot fail to decode with a 500."""

    async def json(self) -> Any:
        media_type, _ = self.content_type
        if media_type and not is_json(media_type):
            shown = media_type[:100]
            raise HTTPException(status_code=415, detail=f"the request body must be JSON, sent with "
                                                        f"`Content-Type: application/json` (got {shown})")
        try:
            return await super().json()
        except RecursionError:
            raise SerializationException("it is nested too deeply") from None


__all__ = ["BoundedRequest", "is_json"]
