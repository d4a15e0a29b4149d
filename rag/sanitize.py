"""What corpus text may carry to a reader: web addresses that are safe to link.

A document's `url` (from `sources.toml`, front matter or an HTML canonical link) is shown to people as a link, in
`answer.markdown` that chat integrations display as is, and in the MCP tools' results. Only absolute `http`,
`https` and `mailto` addresses qualify: `javascript:`, `data:`, `file:` and the like would run or open something
where a reader clicks, so they are left out (at ingest, with the reason reported, and again when served, for a
build made before this check).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

LINK_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def url_refusal(url: str) -> str | None:
    """Why `url` must not be given out as a link, or None when it may."""
    # a space is harmless inside `<...>`, the Markdown link's destination; a tab, a line break or a bidi control
    # is not (browsers drop tabs and line breaks: `java\tscript:` is `javascript:`)
    if any((ch.isspace() and ch != " ") or unicodedata.category(ch).startswith("C") for ch in url):
        return "it holds control characters or line breaks"
    if any(ch in url for ch in '<>"`\\'):
        return "it holds a character that no address holds unescaped (< > \" ` \\)"
    scheme, colon, _ = url.partition(":")
    if not colon or not _SCHEME.fullmatch(scheme):
        return "it is not an absolute address (no scheme)"
    if scheme.casefold() not in LINK_SCHEMES:
        return f"scheme {scheme.casefold()}: is not one of {', '.join(LINK_SCHEMES)}"
    if scheme.casefold() != "mailto":
        try:
            host = urlsplit(url).hostname
        except ValueError:
            host = None
        if not host:
            return "it names no host"
    return None


@lru_cache(maxsize=4096)  # served with every citation: the same few addresses again and again
def link_or_none(url: str | None) -> str | None:
    """`url` if it may be given out as a link, else None."""
    return url if url is not None and url_refusal(url) is None else None


__all__ = ["LINK_SCHEMES", "link_or_none", "url_refusal"]
