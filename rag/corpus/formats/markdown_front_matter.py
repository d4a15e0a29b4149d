"""YAML front matter, the block between two `---` lines that opens a Markdown page: its keys (a page's `title`, its
`url`, `draft: true`), or none when the block is a paragraph between two rules rather than YAML."""

from __future__ import annotations

import re
from datetime import date

import yaml

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# Lines of YAML front matter: a key (no space before its colon, as YAML writes it and French prose does not:
# "Attention : ..."); an indented continuation, a list item or a comment.
_YAML_KEY = re.compile(r"[\w\"'.-]+:(?:\s.*)?")
_YAML_MORE = re.compile(r"\s+\S.*|-(?:\s.*)?|#.*")
_LINE_BREAKS = re.compile(r"[ \t]*\n[ \t]*")  # in a block scalar's value: a title is one line


def _looks_like_yaml(body: str) -> bool:
    """At least one key, and keys or their continuations for at least half of the non-blank lines: lenient with a
    line YAML would not parse ("date:2024-01-01"), not with a paragraph of prose."""
    lines = [raw for raw in body.splitlines() if raw.strip()]
    keys = sum(1 for raw in lines if _YAML_KEY.fullmatch(raw))
    return keys > 0 and 2 * (keys + sum(1 for raw in lines if _YAML_MORE.fullmatch(raw))) >= len(lines)


def front_matter(text: str) -> tuple[dict[str, str], dict[str, bool], int]:
    """The front matter's keys with a scalar value, those with a boolean one (`draft: true`), and where the body
    starts; none when the file opens with a `---` rule and text rather than YAML (a paragraph between two rules is
    text, not metadata to drop). Read as YAML (block scalars, quotes and escapes); front matter YAML refuses is read
    a line at a time, `key: value`."""
    match = _FRONT_MATTER.match(text)
    if not match or not _looks_like_yaml(body := match.group("body")):
        return {}, {}, 0
    try:
        loaded = yaml.safe_load(body)
    except yaml.YAMLError:
        loaded = None
    if isinstance(loaded, dict):
        return ({str(key).casefold(): _LINE_BREAKS.sub(" ", str(value)).strip() for key, value in loaded.items()
                 if isinstance(value, (str, int, float, date)) and not isinstance(value, bool)},
                {str(key).casefold(): value for key, value in loaded.items() if isinstance(value, bool)}, match.end())
    meta = {}
    for raw in body.splitlines():
        key, sep, value = raw.partition(":")
        if sep and key.strip():
            meta[key.strip().casefold()] = value.strip().strip("\"'")
    flags = {key: value == "true" for key, value in meta.items() if value in ("true", "false")}
    return meta, flags, match.end()


__all__ = ["front_matter"]
