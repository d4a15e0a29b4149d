"""What the OpenAPI document says beyond the request models, and the page that shows it.

Litestar describes the pydantic request models but not that they refuse unknown fields, and the models cannot
know limits that come from the settings (`RAG_K_MAX`, `RAG_BATCH_MAX`, `RAG_QUESTION_MAX_CHARS`). Clients and
agents that read the schema learn them here, before a 422 teaches them.

With keys configured, the document declares them (`securitySchemes`, and a `security` requirement on each route a
key guard keeps, the probes and the schema left open): Swagger UI shows its Authorize button and sends the key, and
client generators take it as a parameter. A server without keys declares none: its routes are open, and a
requirement would have generators ask for a key that nothing checks.

The Swagger UI page (`/schema`) loads its scripts and styles from this server (`/schema/assets/`, the files of the
package swagger-ui-py), not from a CDN: it works offline and on a network that reaches nothing else.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import (
    Components,
    Example,
    OpenAPI,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
    SecurityScheme,
)
from litestar.router import Router
from litestar.routes import HTTPRoute
from litestar.static_files import create_static_files_router
from litestar.types import Method

from rag.http.auth import admin_key_guard, api_key_guard
from rag.schemas import CONTEXT_MAX, FILTER_VALUES_MAX, WORDED
from rag.search import vector_store
from rag.settings import Settings

ASSETS = "/schema/assets"
# The request bodies the document shows, which Swagger UI's "Try it out" sends as they are: answered on any corpus.
# Without them it sent one it made from the schema, a placeholder in every field, `filter.doc_ids` ["string"] among
# them: a 422 on the first try.
_QUESTION = "Quels documents d’identité acceptez-vous ?"
EXAMPLES = {
    "/v1/search": Example(summary="A question", value={"question": _QUESTION, "k": 3}),
    "/v1/search/batch": Example(summary="Two questions, the second a follow-up in a chat", value={
        "questions": [_QUESTION, {"question": "et le samedi ?", "context": ["horaires du service client ?"]}],
        "k": 3}),
    "/v1/vector_stores/{vector_store_id}/search": Example(summary="A query", value={
        "query": _QUESTION, "max_num_results": 3}),
}
# a line break inside a paragraph of a docstring (wrapped at the source's width), not one before a list item
_WRAP = re.compile(r"(?<=\S)\n(?!\n|\s*[-*] )(?=\S)")


def _swagger_ui_files() -> Path:
    """The folder of Swagger UI's built files in swagger-ui-py, found without importing the package (its adapters
    import web frameworks)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("swagger-ui-py is not installed (a dependency of rag): reinstall rag")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def swagger_ui() -> tuple[SwaggerRenderPlugin, Router]:
    """The Swagger UI page at `/schema`, and the router that serves its files from this server."""
    files = _swagger_ui_files()
    plugin = SwaggerRenderPlugin(
        path="/", js_url=f"{ASSETS}/swagger-ui-bundle.js", css_url=f"{ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{ASSETS}/favicon-32x32.png'>")
    return plugin, create_static_files_router(ASSETS, directories=[files], include_in_schema=False,
                                              send_as_attachment=False)


def operation_id(handler: HTTPRouteHandler, method: Method, _path: list[Any]) -> str:
    """An operation's `operationId`, what client generators name its method and agents its tool: the handler's name
    (`search`, `search_batch`, `get_passage`, `list_documents`), where Litestar ran the path and the name together
    (`V1SearchSearch`, `V1VectorStoresVectorStoreIdSearchSearchStore`)."""
    return handler.handler_name if len(handler.http_methods) == 1 else f"{handler.handler_name}_{method.lower()}"


def _within(example: Example, settings: Settings) -> Example:
    """`example` within this server's limits (RAG_K_MAX, RAG_BATCH_MAX), which it would break with a 422."""
    value = dict(example.value or {})
    for key in ("k", "max_num_results"):
        if key in value:
            value[key] = min(value[key], settings.k_max)
    if "questions" in value:
        value["questions"] = value["questions"][:settings.batch_max]
    return Example(summary=example.summary, value=value)


def describe_limits(openapi: OpenAPI, settings: Settings) -> None:
    """Add `additionalProperties: false` and the settings' limits to the request bodies' schemas, an example to each
    search's request body (`EXAMPLES`), drop the 400 Litestar declares by itself for a route with parameters, and
    unwrap the operations' descriptions (the handlers' docstrings, wrapped at 120 columns: an agent or a generator
    that shows one as a tool's description would show its line breaks mid-sentence), in place."""
    _drop_framework_400s(openapi)
    for path, example in EXAMPLES.items():
        body = getattr((openapi.paths or {}).get(path), "post", None)
        body = body.request_body if isinstance(body, Operation) else None
        for media in body.content.values() if isinstance(body, RequestBody) else []:
            media.examples = {"question": _within(example, settings)}
    for item in (openapi.paths or {}).values():
        for operation in (getattr(item, method) for method in ("get", "put", "post", "delete", "patch")):
            if isinstance(operation, Operation) and operation.description:
                operation.description = _WRAP.sub(" ", operation.description)
    schemas = openapi.components.schemas if openapi.components else None
    if not schemas:
        return
    compared = schemas.get("Comparison")  # the vector-store route's filter: the attributes it reads, as a client's enum
    key = compared.properties.get("key") if isinstance(compared, Schema) and compared.properties else None
    if isinstance(key, Schema):
        key.enum = list(vector_store.KEYS)
    for name in ("SearchRequest", "BatchSearchRequest", "BatchQuestion", "SearchFilter"):
        body = schemas.get(name)
        if not isinstance(body, Schema) or not body.properties:
            continue
        body.additional_properties = False
        k = body.properties.get("k")
        if isinstance(k, Schema):  # the server's bounds and default, not the models' (RAG_K_MAX, RAG_K_DEFAULT)
            k.maximum = settings.k_max
            k.description = re.sub(r"\(default \d+\)", f"(default {settings.k_default})", k.description or "")
        question = body.properties.get("question")
        if isinstance(question, Schema):  # a question holds a word: Litestar drops the model's own bounds
            question.min_length, question.max_length, question.pattern = 1, settings.question_max_chars, WORDED
        questions = body.properties.get("questions")
        if isinstance(questions, Schema):
            questions.max_items = settings.batch_max
            # each item a string or a `BatchQuestion` (bounded as a body is, above): the string's length on the string
            for option in questions.items.one_of or [] if isinstance(questions.items, Schema) else []:
                if isinstance(option, Schema) and option.type == OpenAPIType.STRING:
                    option.min_length, option.max_length, option.pattern = 1, settings.question_max_chars, WORDED
        for field, most in (("doc_ids", FILTER_VALUES_MAX), ("sources", FILTER_VALUES_MAX), ("context", CONTEXT_MAX)):
            values = body.properties.get(field)  # Litestar drops a list's bounds beside `None`: said on the array
            for option in values.one_of or [] if isinstance(values, Schema) else []:
                if isinstance(option, Schema) and option.items is not None:
                    option.min_items, option.max_items = 0 if field == "context" else 1, most
                    if field == "context" and isinstance(option.items, Schema):
                        option.items.max_length = settings.question_max_chars


_KEYS = {"ApiKey": SecurityScheme(type="http", scheme="bearer", description=(
              "A key of RAG_API_KEYS (an admin key, of RAG_ADMIN_KEYS, searches too), sent as `Authorization: "
              "Bearer <key>`.")),
          "AdminKey": SecurityScheme(type="http", scheme="bearer", description=(
              "A key of RAG_ADMIN_KEYS, for the admin routes, sent as `Authorization: Bearer <key>`."))}


def describe_security(app: Litestar, settings: Settings) -> None:
    """Declare the keys the settings configure (`_KEYS`) in `app`'s OpenAPI document, and on each operation the one
    its guards ask for: the admin key on an admin route (when admin keys are set), else an API key behind the API's
    key guard (when API keys are set); the other operations stay open. In place."""
    openapi = app.openapi_schema
    named = {"ApiKey": bool(settings.api_keys), "AdminKey": bool(settings.admin_keys)}
    if not any(named.values()):
        return
    openapi.components = openapi.components or Components()
    openapi.components.security_schemes = {name: _KEYS[name] for name, on in named.items() if on}
    for route in app.routes:
        item = (openapi.paths or {}).get(route.path_format)
        for handler in route.route_handlers if isinstance(route, HTTPRoute) and item is not None else []:
            guards = handler.resolve_guards()
            name = ("AdminKey" if admin_key_guard in guards and named["AdminKey"] else
                    "ApiKey" if api_key_guard in guards else "")
            for method in handler.http_methods if name else ():
                operation = getattr(item, method.lower(), None)
                if isinstance(operation, Operation):
                    operation.security = [{name: []}]


def _drop_framework_400s(openapi: OpenAPI) -> None:
    """Litestar declares a 400 in its own shape (`{status_code, detail}`) on every route with parameters, where a
    route declares none: those routes answer a bad parameter with a 422 problem, which they declare, never with
    that body. A 400 a route declares itself stays."""
    for item in (openapi.paths or {}).values():
        for operation in (item.get, item.head, item.post, item.put, item.patch, item.delete, item.options):
            responses = operation.responses if operation is not None else None
            said = responses.get("400") if responses else None
            content = getattr(said, "content", None) or {}
            schema = getattr(content.get("application/json"), "schema", None)
            if responses and isinstance(schema, Schema) and schema.required == ["detail", "status_code"]:
                del responses["400"]


__all__ = ["describe_limits", "describe_security", "operation_id", "swagger_ui"]
