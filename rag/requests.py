"""The request class of the HTTP edge: what Litestar's own does, with a body decoder that cannot fail with a 500."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import SerializationException


class BoundedRequest(Request[Any, Any, Any]):
    """A request whose JSON body, nested deeper than the decoder's recursion limit (about 990 levels with msgspec),
    is a malformed body (400), as any other JSON that cannot be decoded, and not a RecursionError (500)."""

    async def json(self) -> Any:
        try:
            return await super().json()
        except RecursionError:
            raise SerializationException("it is nested too deeply") from None


__all__ = ["BoundedRequest"]
