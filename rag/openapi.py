"""What the OpenAPI document says beyond the request models: the limits of this server's settings.

Litestar describes the pydantic request models but not that they refuse unknown fields, and the models cannot
know limits that come from the settings (`RAG_K_MAX`, `RAG_BATCH_MAX`, `RAG_QUESTION_MAX_CHARS`). Clients and
agents that read the schema learn them here, before a 422 teaches them.
"""

from __future__ import annotations

from litestar.openapi.spec import OpenAPI, Schema

from rag.settings import Settings


def describe_limits(openapi: OpenAPI, settings: Settings) -> None:
    """Add `additionalProperties: false` and the settings' limits to the request bodies' schemas, in place."""
    schemas = openapi.components.schemas if openapi.components else None
    if not schemas:
        return
    for name in ("SearchRequest", "BatchSearchRequest", "SearchFilter"):
        body = schemas.get(name)
        if not isinstance(body, Schema) or not body.properties:
            continue
        body.additional_properties = False
        k = body.properties.get("k")
        if isinstance(k, Schema):
            k.maximum = settings.k_max
        question = body.properties.get("question")
        if isinstance(question, Schema):
            question.max_length = settings.question_max_chars
        questions = body.properties.get("questions")
        if isinstance(questions, Schema):
            questions.max_items = settings.batch_max
            if isinstance(questions.items, Schema):
                questions.items.max_length = settings.question_max_chars


__all__ = ["describe_limits"]
