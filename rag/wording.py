"""A validator's refusal of a value, said in the API's words rather than in the validator's.

pydantic says "Input should be a valid dictionary or instance of SearchFilter" (a Python class the client never
sees), "List should have at least 1 item after validation", "Input should be less than or equal to 50"; msgspec
(Litestar's query and path parameters) "Expected `int`, got `str`" of `?limit=abc`, "Invalid enum value" without the
values taken. `reworded` says each as the server's own checks do ("k: must be at most 50 (got 51)"): "must be at
most 50", "must not be empty", "must be a JSON object". Both edges use it: HTTP (`rag.http.rules`, which adds the
value sent and the values or fields taken) and the MCP tools (`rag.mcp.tools`); and the command line says a bad
setting with it ("RAG_BATCH_MAX: must be at least 1", a validator's own message without pydantic's "Value error, ").
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable, Mapping, Sequence

# A validator's message, and what the API says instead: `{n}` and `{m}` are the message's groups; the other
# placeholders are the caller's (`reworded`'s `context`): over HTTP, `{got}` the value sent for a parameter,
# `{length}` its length, `{choices}` the values a parameter takes, `{fields}` the fields an object takes.
_SAID: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), said) for pattern, said in (
    (r"Field required", "required"),
    (r"Value error, (.*)", "{n}"),  # a validator's own ValueError: its message is already the server's words
    (r"Input should be a valid dictionary or instance of \w+", "must be a JSON object{fields}"),
    (r"Input should be a valid list", "must be a JSON list"),
    (r"Input should be a valid string", "must be a JSON string"),
    (r"Input should be a valid integer(?:, .*)?", "must be an integer"),
    (r"Input should be a valid boolean(?:, .*)?", "must be true or false"),
    (r"Input should be a valid number(?:, .*)?", "must be a number"),
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
_FORMATTER = string.Formatter()


def reworded(message: str, context: Mapping[str, Callable[[], str]] | None = None) -> str:
    """`message` (a validator's) in the API's words, each placeholder but `{n}` and `{m}` filled by calling its
    entry of `context` (left empty without one); `message` as it is when no rule knows it."""
    for pattern, said in _SAID:
        matched = pattern.fullmatch(message)
        if matched is None:
            continue
        groups = [*matched.groups(), "", ""]
        names = {name for _, name, _, _ in _FORMATTER.parse(said) if name and name not in ("n", "m")}
        filled = {name: (context or {}).get(name, str)() for name in names}
        return said.format(n=groups[0], m=groups[1], **filled)
    return message


_ESCAPE_TEXT = re.compile(r"\\[uU][dD][89a-fA-F]")  # a surrogate's escape, "\\ud83d" (half of an emoji's pair too)
_ESCAPE = re.compile(_ESCAPE_TEXT.pattern.encode())


def lone_surrogate(body: bytes | str) -> str | None:
    """What to say of `body`, JSON but for a lone UTF-16 surrogate escape (`"\\ud800"`, no Unicode character), which
    Python's decoder takes and msgspec's and pydantic's refuse, saying "Input data was truncated" or "unexpected end
    of hex escape"; None for any other body (at once for one without a surrogate escape)."""
    if not (_ESCAPE.search(body) if isinstance(body, bytes) else _ESCAPE_TEXT.search(body)):
        return None
    try:
        json.dumps(json.loads(body), ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return ("a string holds a lone UTF-16 surrogate escape (\\ud800 to \\udfff without its pair), which is no "
                "Unicode character: send the character itself, or its pair of escapes")
    except (ValueError, RecursionError):
        return None
    return None


def shown_count(number: int) -> str:
    """A number sent, as a refusal shows it: whole up to 20 digits, else its first digits and how many there are
    (`k: 1e308` sent as JSON is an integer of 309 digits, which the message echoed whole)."""
    digits = str(number)
    return digits if len(digits.lstrip("-")) <= 20 else f"{digits[:12]}... ({len(digits.lstrip('-'))} digits)"


def place(loc: Sequence[str | int]) -> str:
    """A field's place as every edge names it, list positions in brackets: `doc_ids[0]`, `questions[1].context`
    (a validator's `loc` says `doc_ids.0`)."""
    return "".join(f".{part}" if isinstance(part, str) else f"[{part}]" for part in loc).removeprefix(".")


__all__ = ["lone_surrogate", "place", "reworded", "shown_count"]
