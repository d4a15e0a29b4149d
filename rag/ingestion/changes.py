"""What changed in a corpus between two builds, from their manifests' `corpus.files`: the ingest report's `since`."""

from __future__ import annotations

from typing import Any


def file_changes(before: list[dict[str, str]], now: list[dict[str, str]]) -> dict[str, list[Any]]:
    """The files indexed `now` against those indexed `before` (a manifest's `corpus.files`): added, modified (another
    content) and removed, each list by source path, and renamed, `[old, new]` pairs: a name gone and a name come with
    the same content (sha256; several of one content paired in name order). A file skipped now that was indexed
    before counts as removed. Metadata: the files of the same name and content with another title or URL (a build
    from before stop 47 recorded no URL: titles only)."""
    was, is_ = {f["source"]: f for f in before}, {f["source"]: f for f in now}
    old = {source: f.get("sha256") for source, f in was.items()}
    new = {source: f.get("sha256") for source, f in is_.items()}
    kept = sorted(new.keys() & old.keys())
    added, removed = sorted(new.keys() - old.keys()), sorted(old.keys() - new.keys())
    renamed: list[list[str]] = []
    for content in {old[source] for source in removed} - {None, ""}:  # no content recorded: no rename seen
        gone = [source for source in removed if old[source] == content]
        came = [source for source in added if new[source] == content]
        renamed += [list(pair) for pair in zip(gone, came, strict=False)]
    paired = {source for pair in renamed for source in pair}
    return {"added": [source for source in added if source not in paired],
            "modified": [source for source in kept if new[source] != old[source]],
            "removed": [source for source in removed if source not in paired],
            "renamed": sorted(renamed),
            "metadata": [source for source in kept
                         if new[source] == old[source] and _described_otherwise(was[source], is_[source])]}


def _described_otherwise(before: dict[str, str], now: dict[str, str]) -> bool:
    """Whether two `corpus.files` entries of a file give it another title, or URL (when both record one)."""
    keys = ("title", "url") if "url" in before and "url" in now else ("title",)
    return any(before.get(key) != now.get(key) for key in keys)


__all__ = ["file_changes"]
