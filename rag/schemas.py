"""Typed values that cross module boundaries, and the shapes the HTTP API reads and returns.

The same models serve the core and the edges: `Searcher.search` returns `Hit`s, the API returns them as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    StringConstraints,
    TypeAdapter,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from rag.sanitize import link_or_none

Mode = Literal["hybrid", "dense", "lexical"]
MODES: tuple[Mode, ...] = get_args(Mode)
# A document's address as given out: an absolute http, https or mailto URL, or None (a build made before ingest
# refused other schemes may still hold a `javascript:` one: it is never served).
LinkUrl = Annotated[str | None, AfterValidator(link_or_none)]


# What a citation's offsets delimit (the API's, the MCP tools' and the connector's descriptions): a span of the source
# that holds the passage, not the passage's own first and last characters (rag.corpus.formats keep the markup out).
CITED_SPAN = ("Offset in the source file's text where the passage's span starts: every line of the passage text "
              "occurs, in order, in `source_text[start:end]`, which may hold more: the span starts at the heading "
              "line of the passage's section (a Markdown heading, a text file's heading or FAQ question), and for "
              "HTML (an .epub: its chapters' XHTML, joined) it spans the source elements, tags included. For a PDF, "
              "the offsets are in its extracted text, pages joined by a form feed. For a spreadsheet (.csv, .tsv), "
              "the span holds the cells of the row the lines come from, in the file's order, which may differ from "
              "the passage's (a column left of the question follows the answer), a quote inside a quoted cell doubled.")
PAGE = ("Page where the passage starts, as the document numbers it: a PDF's 1-based page, a presentation's slide "
        "number as shown on the slide (from the deck's \"Number slides from\": 1, 0 or more); null without pages.")


class Citation(BaseModel):
    """Where a passage comes from, precisely enough to check it against the source file."""

    model_config = ConfigDict(frozen=True)

    doc_id: str = Field(description="Stable id of the source document (its path in the corpus, slugged).")
    title: str = Field(description="Document title.")
    source: str = Field(description="Path of the source file, relative to the corpus folder.")
    section: str | None = Field(description="Heading (or FAQ question) the passage sits under, if any, after the "
                                            "headings above it: \"Express › Délais\".")
    start: int = Field(description=CITED_SPAN)
    end: int = Field(description="Offset just past the end of that span, `source_text[start:end]`.")
    page: int | None = Field(None, description=PAGE)
    last_page: int | None = Field(None, description="Page where the passage ends, for a passage over several pages "
                                                    "(a PDF's, a presentation's slides); null when it ends on `page`.")
    url: LinkUrl = Field(None, description="Web address of the document (http, https or mailto), when the corpus "
                                     "declares one.")
    link: LinkUrl = Field(None, description="`url` opened at the passage, what to link a source to: a PDF's at its "
                                      "page (`#page=3`), a web page's with the passage's first and last words "
                                      "highlighted (a text fragment, `#:~:text=`), else `url` itself; null without "
                                      "`url`.")
    label: str = Field(description="What to show a reader: document title › section (the title alone when "
                                   "the passage has no section), then the page or pages when there are: "
                                   "\"Guide › Retours, p. 3\", \"Guide › Litiges, pp. 3–4\".")


TABLE_HEADER = ("The header row of the long table this passage goes on with, which an earlier passage holds (not "
                "in `text`): the names of the columns of the rows `text` opens on, to show above them. Null for "
                "other passages.")


class Passage(BaseModel):
    """A retrievable unit of text with its citation. `text` lines occur, in order, in source[start:end]."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Stable passage id: the same corpus always yields the same ids.")
    text: str = Field(description="The passage text, as it stands in the source (section heading not included).")
    citation: Citation
    table_header: str | None = Field(None, description=TABLE_HEADER)


class RetrieverScores(BaseModel):
    """Per-retriever evidence behind one hit, returned when a request sets `explain`."""

    dense_rank: int | None = Field(description="1-based rank among dense candidates (null: not a candidate).")
    dense_score: float | None = Field(description="Cosine similarity of question and passage.")
    lexical_rank: int | None = Field(description="1-based rank among BM25 candidates (null: not a candidate).")
    lexical_score: float | None = Field(description="BM25 score.")
    dense_weight: float = Field(description="Weight the fusion gave the dense side for this question.")


class Highlight(BaseModel):
    """The sentence or two of a passage most relevant to the question: `text == passage_text[start:end]`."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="The sentence or two, verbatim from the passage.")
    start: int = Field(description="Offset of the highlight's first character in the passage text.")
    end: int = Field(description="Offset just past the highlight's last character in the passage text.")
    score: float = Field(description="Summed rarity (BM25 idf) of the question words it contains; 0: none.")


@dataclass(slots=True)
class Reading:
    """How the searcher read a hit, for `rag.search.answer`, which reads an FAQ entry from its start: whether the
    passage is the first of its section (or of its document, outside any section), and whether the question asks
    what the passage's heading asks (`rag.search.searcher._asks_heading`); for the answer's choice of passage, the
    score of its best sentence or two by the question's words alone, wherever the highlight shown was drawn to by
    the model (None: the highlight's own score), and whether the model ranks it first (dense rank 1); the corpus's
    language (its analyzer's), in which its headings are read (and in the passage's own, `answer.asks`); and, found
    when called, the other rows of a table (items of a list) the question names apart from the highlight: only the
    passage the answer quotes reads them, and finding them for every hit took 4.5 % of a search and its answer."""

    opens_section: bool = False
    asks_heading: bool = False
    words: float | None = None
    closest: bool = False
    language: str | None = None
    rows: Callable[[], tuple[tuple[int, int], ...]] = field(default=tuple, compare=False)


class Hit(BaseModel):
    """One passage returned for a question."""

    rank: int = Field(description="1-based position in the answer.")
    id: str = Field(description="Passage id, for `GET /v1/passages/{id}`.")
    text: str = Field(description="Passage text.")
    score: float = Field(description="Fused relevance score (higher is better; comparable within one answer).")
    citation: Citation
    highlight: Highlight | None = Field(None, description="The sentence or two of the passage most relevant to "
                                                          "the question.")
    explain: RetrieverScores | None = Field(None, description="Per-retriever ranks and scores, on request.")
    table_header: str | None = Field(None, description=TABLE_HEADER)
    # Not part of the API: how the searcher read the passage, for `rag.search.answer`. One private attribute, not one
    # a fact: pydantic sets each one's default on every instance (six cost 5 % of a search and its answer).
    _reading: Reading = PrivateAttr(default_factory=Reading)

    @property
    def reading(self) -> Reading:
        """`_reading`, read without pydantic's `__getattr__`: 2.8 µs a read, and an answer reads it some 20 times."""
        return self.__pydantic_private__["_reading"]  # type: ignore[index]


class Answer(BaseModel):
    """The best snippet of the answer and where it comes from: extractive, never invented."""

    text: str = Field(description="The snippet: the highlight of one of the passages with the whole sentences "
                                  "around it (at most about 400 characters; 700 when it opens its passage, "
                                  "starts an entry under a question heading, or announces a list with a "
                                  "colon; 1,000 for a list that comes whole), verbatim; a table row other than "
                                  "the first comes under its table's header row, the rows between left out, "
                                  "and so does one quoted from a passage that goes on with a long table, "
                                  "whose header row an earlier passage holds, and rows of one table that the "
                                  "question names apart, under their header (`start` and `end` locate the "
                                  "rows); list items under the sentence that announces them with a colon, "
                                  "the items of one list that the question names apart together; "
                                  "when the response is not `answerable`, a sentence saying that the documents "
                                  "do not seem to answer (`start` and `end` then locate the closest snippet, not "
                                  "shown).")
    passage_id: str = Field(description="Id of the passage it comes from.")
    rank: int = Field(description="Rank of that passage in `passages`.")
    start: int = Field(description="Offset of the snippet in that passage's text.")
    end: int = Field(description="Offset just past the snippet in that passage's text.")
    citation: Citation
    markdown: str = Field(description="The snippet as a Markdown quote with a numbered reference (each line of "
                                      "the document ending with a hard break, so that list items stay apart "
                                      "once rendered), followed by the numbered sources of all passages: ready to "
                                      "show in a chat (when not `answerable`: the no-answer sentence, then the "
                                      "closest sources).")


def _not_blank(text: str) -> str:
    if not text:
        raise PydanticCustomError("blank", "is empty or only whitespace: send the question's words")
    return text


# What a question holds besides spaces, said as a JSON Schema (ECMA-262) pattern every validator reads, in the OpenAPI
# document and the MCP tools' input schemas alike: the server's own rule, a letter or a digit, needs Unicode classes
# that not all of them do
WORDED = r"\S"
# At least one character once trimmed: "String should have at least 1 character" told the sender of "   " nothing.
Question = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_not_blank),
                     WithJsonSchema({"type": "string", "minLength": 1, "pattern": WORDED})]
# An earlier message of a conversation: trimmed, and may be empty (a chat message that is only an attachment, sent
# as ""), as one without a letter or digit may: search passes over it (`rag.search.conversation.context_text`)
Message = Annotated[str, StringConstraints(strip_whitespace=True)]
# A count sent as a number with no fraction, `5.0`, is 5: JSON Schema's "integer" says so, and some clients send every
# number so (Gemini's function calls); strict validation refused it ("must be an integer") and `"5"` stays refused.
# WHOLE goes after a count's bounds in its `Annotated`: before them, pydantic's JSON Schema says `ge`/`le`, its own
# names, instead of minimum/maximum
WHOLE = BeforeValidator(lambda v: int(v) if isinstance(v, float) and v.is_integer() else v)
Count = Annotated[int, WHOLE]
# A doc_id or a source path, as a filter, a listing or a passage id names it: every path a corpus on Linux can hold
# (PATH_MAX, 4,096 bytes with its end), so that no document a search returns is one these cannot name; a document
# id is shorter (`rag.corpus.reader.SLUG_MAX`)
NAME_MAX = 4096
Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)]
# A passage id is its document's id, "-", 10 hex digits and, for the k-th copy of a passage, "-k" (rag.corpus.chunking)
PASSAGE_ID_MAX = NAME_MAX + 100
FILTER_VALUES_MAX = 1000
# The earlier messages of a conversation a search takes (`SearchRequest.context`); search reads the last two
# (`rag.search.conversation`), so a client need send no more.
CONTEXT_MAX = 5
# The most documents one page of a listing holds, over HTTP (`GET /v1/documents`) and MCP (`list_documents`) alike:
# a filter names at most FILTER_VALUES_MAX documents, so one page can list them all.
DOCUMENTS_PAGE_MAX = FILTER_VALUES_MAX


# A filter field's values: bounded on the list itself, so that OpenAPI says minItems/maxItems on the array (bounds
# put beside `None` were rendered as a string's minLength/maxLength on the union).
Values = Annotated[list[Name], Field(min_length=1, max_length=FILTER_VALUES_MAX)]


class SearchFilter(BaseModel):
    """Which documents a search looks in; a passage must pass every field given (an absent field passes all)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc_ids: Values | None = Field(
        None,
        description="Search only these documents (`citation.doc_id`; `GET /v1/documents` lists them). An id the "
                    "served index does not hold is a 422.")
    sources: Values | None = Field(
        None,
        description="Search only documents whose source path (relative to the corpus folder) is one of these or "
                    "lies under one of these folders: \"faq\" matches \"faq/retours.md\" and a file named \"faq\". "
                    "A value that matches no document is a 422.")


class SearchOptions(BaseModel):
    """How to answer, in the body of both search routes."""

    model_config = ConfigDict(extra="forbid")

    k: Count | None = Field(None, ge=1, description="How many passages to return (default 5).")
    mode: Mode | None = Field(None, description="hybrid (default), dense or lexical.")
    explain: bool = Field(False, description="Add per-retriever ranks and scores to each hit.")
    filter: SearchFilter | None = Field(None, description="Search only some documents (default: all).")


# The question fields come first in each body (pydantic orders fields by the bases in reverse, hence the order of
# the bases below): first in the schema, in the docs, and in the list of a body's errors.
class _OneQuestion(BaseModel):
    question: Question = Field(description="Free-text question, in any wording.")


class _Conversation(BaseModel):
    # bounded on the list itself, as `Values` is: bounds beside `None` were rendered as a string's
    context: Annotated[list[Message], Field(max_length=CONTEXT_MAX)] | None = Field(
        None,
        description="The user's earlier messages in this conversation, oldest first (at most 5; search reads the "
                    "last two; empty or left out for a first message): a follow-up such as \"et le samedi ?\" is "
                    "searched with the subject they give it, while a message that names its own subject keeps it. "
                    "`answerable` reads the message's own words and cosines.")


class SearchRequest(SearchOptions, _Conversation, _OneQuestion):
    """Body of `POST /v1/search`."""


class BatchQuestion(_Conversation, _OneQuestion):
    """One question of a batch with the earlier messages of its conversation, read as `POST /v1/search` reads them."""

    model_config = ConfigDict(extra="forbid")


_QUESTION = TypeAdapter(Question)


def _question_or_conversation(value: Any) -> str | BatchQuestion:
    """A batch's item as a plain question or as an object with its context. Dispatched by the JSON type, not tried
    branch after branch as a union is: a refused item's errors are its own branch's, at its own place
    (`questions.2`, `questions.2.context.0`), not one per branch under each branch's name."""
    if isinstance(value, str):
        return _QUESTION.validate_python(value)
    if isinstance(value, dict | BatchQuestion):
        return BatchQuestion.model_validate(value)
    raise PydanticCustomError("question_or_object", "must be a question (a string) or an object with `question` "
                                                    "and, if any, `context`")


class _Questions(BaseModel):
    questions: list[Annotated[Question | BatchQuestion, PlainValidator(
        _question_or_conversation, json_schema_input_type=Question | BatchQuestion), PlainSerializer(
        lambda item: item if isinstance(item, str) else item.model_dump(exclude_unset=True))]] = Field(
        min_length=1,
        description="Questions, answered in the same order: each a string, or an object with the `question` and the "
                    "`context` it follows in a conversation, as `POST /v1/search` takes them.")


class BatchSearchRequest(SearchOptions, _Questions):
    """Body of `POST /v1/search/batch`."""

    k: Count | None = Field(None, ge=1, description="How many passages to return per question (default 5).")


class SearchResponse(BaseModel):
    """The passages that best answer one question."""

    question: str = Field(description="The question as received (whitespace trimmed).")
    passages: list[Hit] = Field(description="Best passages first.")
    answer: Answer | None = Field(None, description="The best snippet with its citation (null: no passage).")
    answerable: bool = Field(description="Whether the documents likely answer the question, from a calibrated "
                                         "rule over both retrievers' scores (`RAG_ANSWERABLE_THRESHOLD`), in every "
                                         "mode (`dense` and `lexical` still rank by one). When false "
                                         "the passages are only the closest ones, and `answer.text` and "
                                         "`answer.markdown` say that the documents do not seem to answer.")
    question_language: str = Field(description="The language the question was read in (ISO 639-1: `fr`, `en`, "
                                               "...), from its function words; the documents' own when it has "
                                               "none. `answer.markdown`'s own words (the no-answer sentence, "
                                               "\"Sources:\") are in it: a chatbot replies in it.")
    documents_language: str = Field(description="The language the documents are in (ISO 639-1), their index's. A "
                                                "question in another language finds less and is more often said "
                                                "not answerable: translated into this one, it finds more.")
    mode: Mode = Field(description="Retrieval mode used.")
    model: str = Field(description="Embedding model of the index.")
    took_ms: float = Field(description="Time spent answering, in milliseconds. In a batch, the whole batch's time, "
                                       "the same in every result: its questions share model calls, so no one "
                                       "question's own time exists.")


class BatchSearchResponse(BaseModel):
    """One `SearchResponse` per question, in the order asked."""

    results: list[SearchResponse]
    took_ms: float = Field(description="Time spent on the whole batch, in milliseconds (each result carries it "
                                       "too).")


class DocumentSummary(BaseModel):
    """One document of the served index."""

    model_config = ConfigDict(frozen=True)

    doc_id: str = Field(description="Stable id of the document, as in `citation.doc_id`.")
    title: str = Field(description="Document title.")
    source: str = Field(description="Path of the source file, relative to the corpus folder.")
    url: LinkUrl = Field(None, description="Web address of the document (http, https or mailto), when the corpus "
                                     "declares one.")
    passages: int = Field(description="Passages indexed from it.")


class DocumentList(BaseModel):
    """A page of the served index's documents, in corpus order."""

    documents: list[DocumentSummary]
    total: int = Field(description="Documents matching the request, all pages together.")
    offset: int = Field(description="Position of the first document of this page among them.")
    build_id: str = Field(description="Id of the index build listed.")


class Health(BaseModel):
    """Liveness or readiness."""

    status: Literal["ok"] = Field(description="Always `ok`: a server that is not ready answers a 503 problem.")
    detail: str | None = None
    passages: int | None = Field(None, description="Passages in the loaded index.")
    build_id: str | None = Field(None, description="Id of the loaded index build.")
    model: str | None = Field(None, description="The embedding model that reads the questions: under RAG_MODEL=auto, "
                                                "the one the loaded build was made with.")


__all__ = [
    "DOCUMENTS_PAGE_MAX",
    "MODES",
    "NAME_MAX",
    "PASSAGE_ID_MAX",
    "TABLE_HEADER",
    "WHOLE",
    "WORDED",
    "Answer",
    "BatchQuestion",
    "BatchSearchRequest",
    "BatchSearchResponse",
    "Citation",
    "Count",
    "DocumentList",
    "DocumentSummary",
    "Health",
    "Highlight",
    "Hit",
    "Mode",
    "Passage",
    "Reading",
    "RetrieverScores",
    "SearchFilter",
    "SearchOptions",
    "SearchRequest",
    "SearchResponse",
]
