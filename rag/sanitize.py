"""What corpus text may carry to a reader: web addresses that are safe to link, and no terminal control sequences.

A document's `url` (from `sources.toml`, front matter or an HTML canonical link) is shown to people as a link, in
`answer.markdown` that chat integrations display as is, and in the MCP tools' results. Only absolute `http`,
`https` and `mailto` addresses qualify: `javascript:`, `data:`, `file:` and the like would run or open something
where a reader clicks, so they are left out (at ingest, with the reason reported, and again when served, for a
build made before this check).

Control characters (C0 but tab, line breaks and form feed; DEL; C1) in a document's text, title or headings are
replaced by spaces at ingest, one for one so that every offset still points at the same place: an `ESC [ 2 J` in
a file must not clear the terminal of whoever runs `rag search`. What the command line prints from a corpus (file
names too, which cannot be changed) goes through `for_terminal`, which shows any control character as `\\xHH` and
an explicit bidirectional control (U+202E, which shows a name reversed) as `\\uHHHH`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

LINK_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # kept: tab, line feed, form feed, carriage return
_TERMINAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # kept: tab and line feed, which the output itself uses
# the explicit bidirectional controls (embeddings, overrides, isolates): a file named with U+202E reads reversed on a
# terminal, as source code does in "Trojan Source"; right-to-left letters need none of them and are printed as they are
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_JSON_RAW = re.compile(r"[\x7f-\x9f]")  # `json.dumps(ensure_ascii=False)` escapes C0 itself, not DEL and C1


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


def blank_controls(text: str) -> tuple[str, int]:
    """`text` with each control character replaced by a space (same length, same offsets), and how many."""
    if not _CONTROL.search(text):
        return text, 0
    return _CONTROL.subn(" ", text)


def for_terminal(text: str) -> str:
    """`text` with every control character but tab and line feed shown as `\\xHH`, and every explicit bidirectional
    control as `\\uHHHH`: inert on a terminal."""
    return _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", _TERMINAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))


def json_for_terminal(text: str) -> str:
    """JSON text with DEL and C1 characters written as `\\u00HH` escapes: the same JSON, inert on a terminal."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


__all__ = ["LINK_SCHEMES", "blank_controls", "for_terminal", "json_for_terminal", "link_or_none", "url_refusal"]
