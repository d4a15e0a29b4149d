"""Where a person can read a passage an MCP tool returns: the `url` both profiles give (`rag.mcp.tools`,
`rag.mcp.connector`).

The document's own URL when the corpus declares one, opened at the passage (`Citation.link`); else this server's page
of the passage (`/passages/{id}`, under `RAG_PUBLIC_URL`, else under the address the request was sent to). Over stdio
there is no server to link to unless `RAG_PUBLIC_URL` names one: the link is then the source file (`file://`, under
`RAG_CORPUS_DIR` when set, else under the folder the build was read from), which opens on the machine the agent runs
on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mcp.server.mcpserver import Context

from rag.schemas import Hit, Passage
from rag.settings import Settings

PAGE_PATH = "/passages"  # the HTML page of a passage (rag.http.pages)


def passage_url(passage: Passage | Hit, base: str | None, corpus_dir: Path) -> str:
    """Where a person can read `passage`: its document's URL opened at it (`Citation.link`), else the page of it
    under `base` (a server's address, without trailing slash), else, without a server, its source file under
    `corpus_dir`."""
    if passage.citation.link:
        return passage.citation.link
    if base is not None:
        return f"{base}{PAGE_PATH}/{quote(passage.id, safe='')}"
    return (corpus_dir / passage.citation.source).resolve().as_uri()


def source_folder(settings: Settings, manifest: dict[str, Any]) -> Path:
    """The folder source files are linked under: `RAG_CORPUS_DIR` (or `--corpus`) when set, else the folder the
    build was read from, which its manifest records absolute. The default `corpus` is relative to the folder the
    server runs from: `rag mcp --index /srv/index`, started by an agent from its own folder, would link to files
    that are not there. A build of an older release recorded the folder as given: relative, it is not used."""
    if "corpus_dir" in settings.model_fields_set:
        return settings.corpus_dir
    recorded = Path(str((manifest.get("corpus") or {}).get("path") or ""))
    return recorded if recorded.is_absolute() else settings.corpus_dir


def linker(settings: Settings, ctx: Context | None, manifest: dict[str, Any]) -> Callable[[Passage | Hit], str]:
    """`passage_url` for the passages of one tool call: under `RAG_PUBLIC_URL`, else the address the HTTP request was
    sent to, else (over stdio) the source folder of the build whose `manifest` is given."""
    base = settings.public_url
    if base is None:
        request = ctx.request_context.request if ctx else None  # the HTTP request (Starlette's), None over stdio
        url = getattr(request, "base_url", None)
        base = None if url is None else str(url).rstrip("/")
    folder = source_folder(settings, manifest)
    return lambda passage: passage_url(passage, base, folder)


__all__ = ["PAGE_PATH", "linker", "passage_url", "source_folder"]
