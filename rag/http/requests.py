"""The request class of the HTTP edge: what Litestar's own does, with a body decoder that refuses more cleanly.

- A body whose `Content-Type` names something else than JSON (`text/plain`, a form) is a 415: Litestar would decode
  it as JSON all the same, and a web page may send those to any origin without a CORS preflight. A body with no
  `Content-Type` is read as JSON, as scripts often send it (`requests.post(url, data=...)`): a page that sends one
  across origins says its `Origin`, which `rag.http.hosts` refuses.
- JSON nested deeper than the decoder's recursion limit (about 990 levels with msgspec) is a malformed body (400),
  as any other JSON that cannot be decoded, and not a RecursionError (500).
- A string holding a lone UTF-16 surrogate escape (`"\\ud800"`, no Unicode character) is a 400 that says so, where
  msgspec says "Input data was truncated".
"""

from __future__ import annotations

import json
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
        except SerializationException:
            if _holds_lone_surrogate(await self.body()):
                raise SerializationException("a string holds a lone UTF-16 surrogate escape (\\ud800 to \\udfff "
                                             "without its pair), which is no Unicode character: send the character "
                                             "itself, or its pair of escapes") from None
            raise


def _holds_lone_surrogate(body: bytes) -> bool:
    """Whether `body` is JSON but for a lone surrogate escape, which Python's decoder takes and msgspec's refuses
    (saying the input is truncated)."""
    try:
        decoded = json.loads(body)
    except (ValueError, RecursionError):
        return False
    try:
        json.dumps(decoded, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return True
    return False


__all__ = ["BoundedRequest", "is_json"]
