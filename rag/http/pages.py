"""`GET /passages/{id}`: a passage as a small HTML page, for a person who follows the link a connector cited.

The page stands alone: the passage text and its citation, escaped, inline style, no script, no external asset (its
Content-Security-Policy forbids loading any). It sits behind the same key guard as `/v1/*`: with `RAG_API_KEYS` set a
browser, which sends no `Authorization` header, gets the 401 problem instead (docs/INTEGRATIONS.md says what to do).

A link to a passage that is no longer served (its document edited and ingested again gave its passages new ids) is a
404: to a browser (text/html preferred over JSON in its Accept header) a page of the same kind saying so, where it
got the raw JSON problem; to an API client, that problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.router import Router
from litestar.types import Guard

from rag.errors import PassageNotFound
from rag.http.problems import MEDIA_TYPE, responses
from rag.mcp.links import PAGE_PATH
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


# The page of a passage no longer served, in the same languages: its heading, then why and what to do.
_GONE: dict[str, tuple[str, str]] = {
    "en": ("This passage no longer exists", "Its document was probably edited and ingested again since the link was "
           "given, and its passages got new ids. Search again to find what it said."),
    "fr": ("Ce passage n’existe plus", "Son document a sans doute été modifié et ingéré à nouveau depuis que le lien "
           "a été donné, et ses passages ont changé d’identifiant. Refaites la recherche pour retrouver ce qu’il "
           "disait."),
    "es": ("Este pasaje ya no existe", "Probablemente su documento se modificó y se volvió a ingerir desde que se "
           "dio el enlace, y sus pasajes recibieron nuevos identificadores. Busque de nuevo para encontrar lo que "
           "decía."),
    "de": ("Diese Passage gibt es nicht mehr", "Ihr Dokument wurde wahrscheinlich geändert und neu eingelesen, seit "
           "der Link erstellt wurde, und seine Passagen haben neue IDs. Suchen Sie erneut, um den Text zu finden."),
    "it": ("Questo passaggio non esiste più", "Il suo documento è stato probabilmente modificato e acquisito di "
           "nuovo da quando il link è stato dato, e i suoi passaggi hanno nuovi identificativi. Ripeta la ricerca "
           "per ritrovare ciò che diceva."),
    "pt": ("Esta passagem já não existe", "O seu documento foi provavelmente editado e ingerido de novo desde que a "
           "ligação foi dada, e as suas passagens receberam novos identificadores. Pesquise de novo para encontrar "
           "o que dizia."),
    "nl": ("Deze passage bestaat niet meer", "Het document is waarschijnlijk gewijzigd en opnieuw ingelezen sinds "
           "de link is gegeven, en de passages kregen nieuwe id's. Zoek opnieuw om terug te vinden wat er stond."),
}


def _page(lang: str, title: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title><style>{STYLE}</style></head>\n<body><h1>{title}</h1>\n{body}</body></html>\n")


def gone(passage_id: str, language: str = "en") -> str:
    """The HTML page saying that the passage `passage_id` no longer exists, and why it likely does not, in
    `language` (English for a language without a wording here); it links nowhere."""
    lang = language if language in _GONE else "en"
    heading, why = _GONE[lang]
    shown = passage_id if len(passage_id) <= 100 else passage_id[:100] + "..."
    return _page(lang, heading, f"<p>{why}</p>\n<dl><dt>{_LABELS[lang][6]}</dt><dd><code>{escape(shown)}</code>"
                                "</dd></dl>")


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
    return _page(lang, escape(c.label), f"<blockquote>{above}{escape(passage.text)}</blockquote>\n<dl>{cited}</dl>")


@get("/{passage_id:str}", summary="One passage as a page for people", sync_to_thread=False, media_type=HTML,
     responses=responses(401, 404, 503))
def passage_page(passage_id: FromPath[str], runtime: NamedDependency[Runtime], request: Request) -> Response[str]:
    """The passage with this id and its citation, as a small HTML page: the link the MCP connector gives for a
    passage whose document has no URL of its own. A passage no longer served is a 404: a page saying so to a client
    that prefers HTML (a browser), the JSON problem to others."""
    searcher = runtime.current()
    language = searcher.index.lexical.analyzer.language
    try:
        passage = searcher.passage(passage_id)
    except PassageNotFound:
        if request.accept.best_match([MEDIA_TYPE, "application/json", HTML]) != HTML:
            raise
        return Response(gone(passage_id, language), status_code=404, media_type=HTML, headers=HEADERS)
    return Response(render(passage, language), media_type=HTML, headers=HEADERS)


def router(guards: Sequence[Guard]) -> Router:
    """The pages, behind `guards` (the API's key guard when keys are configured)."""
    return Router(PAGE_PATH, route_handlers=[passage_page], guards=list(guards))


__all__ = ["gone", "passage_page", "render", "router"]
