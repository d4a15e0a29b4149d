"""`GET /passages/{id}`: a passage as a small HTML page, for a person who follows the link a connector cited.

The page stands alone: the passage text and its citation, escaped, inline style, no script, no external asset (its
Content-Security-Policy forbids loading any). It sits behind the same key guard as `/v1/*`: with `RAG_API_KEYS` set a
browser, which sends no `Authorization` header, gets the 401 problem instead (docs/INTEGRATIONS.md says what to do).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.router import Router
from litestar.types import Guard

from rag.http.problems import responses
from rag.mcp_connector import PAGE_PATH
from rag.schemas import Passage
from rag.serving.runtime import Runtime

HTML = "text/html"  # Litestar adds the charset, utf-8
HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
           "X-Content-Type-Options": "nosniff"}
STYLE = ("body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}"
         "blockquote{white-space:pre-wrap;margin:1.5rem 0;padding-left:1rem;border-left:4px solid #bbb}"
         "dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{color:#666}dd{margin:0}")


def render(passage: Passage) -> str:
    """The HTML page of `passage`: its label as heading, its text, then its citation."""
    c = passage.citation
    rows = [("Document", escape(c.title)), ("Section", escape(c.section) if c.section else None),
            ("Page", str(c.page) if c.page is not None else None),
            ("Source", f"{escape(c.source)}, characters {c.start}–{c.end}"),
            ("Link", f'<a href="{escape(c.url)}">{escape(c.url)}</a>' if c.url else None),
            ("Passage id", f"<code>{escape(passage.id)}</code>")]
    cited = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows if value is not None)
    return (f'<!doctype html>\n<html><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(c.label)}</title><style>{STYLE}</style></head>\n"
            f"<body><h1>{escape(c.label)}</h1>\n<blockquote>{escape(passage.text)}</blockquote>\n"
            f"<dl>{cited}</dl></body></html>\n")


@get("/{passage_id:str}", summary="One passage as a page for people", sync_to_thread=False, media_type=HTML,
     responses=responses(401, 404, 503))
def passage_page(passage_id: FromPath[str], runtime: NamedDependency[Runtime]) -> Response[str]:
    """The passage with this id and its citation, as a small HTML page: the link the MCP connector gives for a
    passage whose document has no URL of its own."""
    return Response(render(runtime.passage(passage_id)), media_type=HTML, headers=HEADERS)


def router(guards: Sequence[Guard]) -> Router:
    """The pages, behind `guards` (the API's key guard when keys are configured)."""
    return Router(PAGE_PATH, route_handlers=[passage_page], guards=list(guards))


__all__ = ["passage_page", "render", "router"]
