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
         "dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{color:#666}dd{margin:0}"
         "blockquote span{color:#666}")


# The citation's labels in the corpus's language (the index's analyzer language; English for the others), as
# `rag.search.answer.wording` words the answers: document, section, page, source, characters, link, passage id.
_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("Document", "Section", "Page", "Source", "characters", "Link", "Passage id"),
    "fr": ("Document", "Section", "Page", "Source", "caractères", "Lien", "Identifiant du passage"),
    "es": ("Documento", "Sección", "Página", "Fuente", "caracteres", "Enlace", "Identificador del pasaje"),
    "de": ("Dokument", "Abschnitt", "Seite", "Quelle", "Zeichen", "Link", "Passagen-ID"),
    "it": ("Documento", "Sezione", "Pagina", "Fonte", "caratteri", "Link", "Identificativo del passaggio"),
    "pt": ("Documento", "Secção", "Página", "Fonte", "caracteres", "Ligação", "Identificador da passagem"),
    "nl": ("Document", "Sectie", "Pagina", "Bron", "tekens", "Link", "Passage-id"),
}


def render(passage: Passage, language: str = "en") -> str:
    """The HTML page of `passage`: its label as heading, its text (under its table's header row, greyed, for a
    passage that goes on with a long table), then its citation, labelled in `language` (the corpus's; English for a
    language without labels here)."""
    c = passage.citation
    lang = language if language in _LABELS else "en"
    document, section, page, source, characters, link, passage_id = _LABELS[lang]
    rows = [(document, escape(c.title)), (section, escape(c.section) if c.section else None),
            (page, str(c.page) if c.page is not None else None),
            (source, f"{escape(c.source)}, {characters} {c.start}–{c.end}"),
            (link, f'<a href="{escape(c.link or c.url)}">{escape(c.url)}</a>' if c.url else None),
            (passage_id, f"<code>{escape(passage.id)}</code>")]
    cited = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows if value is not None)
    above = "" if passage.table_header is None else f"<span>{escape(passage.table_header)}</span>\n"
    return (f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(c.label)}</title><style>{STYLE}</style></head>\n"
            f"<body><h1>{escape(c.label)}</h1>\n<blockquote>{above}{escape(passage.text)}</blockquote>\n"
            f"<dl>{cited}</dl></body></html>\n")


@get("/{passage_id:str}", summary="One passage as a page for people", sync_to_thread=False, media_type=HTML,
     responses=responses(401, 404, 503))
def passage_page(passage_id: FromPath[str], runtime: NamedDependency[Runtime]) -> Response[str]:
    """The passage with this id and its citation, as a small HTML page: the link the MCP connector gives for a
    passage whose document has no URL of its own."""
    searcher = runtime.current()
    passage = searcher.passage(passage_id)
    return Response(render(passage, searcher.index.lexical.analyzer.language), media_type=HTML, headers=HEADERS)


def router(guards: Sequence[Guard]) -> Router:
    """The pages, behind `guards` (the API's key guard when keys are configured)."""
    return Router(PAGE_PATH, route_handlers=[passage_page], guards=list(guards))


__all__ = ["passage_page", "render", "router"]
