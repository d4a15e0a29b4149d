"""The command line: `rag ingest`, `search`, `documents`, `eval`, `serve` and `mcp`. Parse, call the core, print."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.errors import (
    ConfigError,
    IndexError_,
    IndexNotFound,
    IndexWriteFailed,
    IngestBusy,
    IngestError,
    InvalidQuery,
    ModelError,
    RagError,
)
from rag.interrupts import Terminated, sigterm_interrupts
from rag.sanitize import for_terminal, json_for_terminal
from rag.settings import INGEST_ENGINES, Settings, unknown_variables
from rag.wording import place, reworded

if TYPE_CHECKING:
    from rag.schemas import SearchFilter, SearchResponse
    from rag.search.searcher import Searcher

# The one table from core errors to exit codes (2 is argparse's own usage error).
INTERRUPTED, OUTPUT_CLOSED, TERMINATED = 130, 141, 143  # the shell's codes for SIGINT, SIGPIPE and SIGTERM
EXIT_CODES: dict[type[RagError], int] = {
    IngestError: 3, IndexError_: 4, ModelError: 5, ConfigError: 6, InvalidQuery: 7, IngestBusy: 8, IndexWriteFailed: 9}


def _say(text: str = "", *, err: bool = False) -> None:
    """Print a line that may hold corpus text (titles, passages, file names): control characters shown, not run."""
    print(for_terminal(text), file=sys.stderr if err else sys.stdout)


def _line(name: str) -> str:
    """A file name or a title on one line: a line break in it (a file may be named so) shown as `\\n`, as the
    terminal escapes show the other control characters."""
    return name.replace("\r", "\\r").replace("\n", "\\n")


def _print_json(value: Any) -> None:
    print(json_for_terminal(json.dumps(value, ensure_ascii=False, indent=2)))


def _count(n: int, noun: str) -> str:
    """`n` and `noun`, plural unless `n` is 1 ("1 passage", "13 passages")."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _or_default(name: str) -> str:
    """What an option overrides, for its help: "RAG_INDEX_DIR, else var/index"."""
    return f"RAG_{name.upper()}, else {Settings.model_fields[name].default}"


# The settings a command-line option overrides, and the option's name.
_OPTIONS = {"corpus_dir": "--corpus", "index_dir": "--index", "host": "--host", "port": "--port", "model": "--model",
            "ingest_engine": "--engine", "url": "--url"}


def _settings(args: argparse.Namespace) -> Settings:
    from pydantic import ValidationError

    overrides = {name: value for name in _OPTIONS if (value := getattr(args, name, None)) is not None}
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:  # values are left out: a key must not reach the terminal
        raise ConfigError("invalid settings: " + "; ".join(  # no `loc`: a rule over several settings names them
            f"{_named(str(e['loc'][0]), overrides)}: {reworded(e['msg'])}" if e["loc"] else reworded(e["msg"])
            for e in exc.errors())) from None
    for warning in unknown_variables(os.environ) if args.command not in ("serve", "mcp") else ():  # they log them
        _say(f"rag: warning: {warning}", err=True)
    return settings


def _named(setting: str, overrides: dict[str, Any]) -> str:
    """A setting as the user gave it: its option ("--port"), else its variable ("RAG_PORT")."""
    return _OPTIONS[setting] if setting in overrides else f"RAG_{setting.upper()}"


def _ingest(args: argparse.Namespace) -> int:
    from rag.ingestion.pipeline import ingest

    settings = _settings(args)
    progress = not args.quiet and not args.json  # a bar on a terminal, else a line every 30 s (`Meter`)
    with sigterm_interrupts():  # SIGTERM cleans up as ^C does: the build being written is removed
        report = ingest(settings, force=args.force, progress=progress, address=args.address, actors=args.actors)
    if args.json:
        _print_json({"ok": True, **report.to_dict()})  # a failure prints {"ok": false, ...}: `_failed`
        return 0
    if report.up_to_date:
        _say(f"index {report.build_id} is up to date with {settings.corpus_dir} "
             f"({_count(report.passages, 'passage')}); nothing to do ({report.seconds:.2f}s)")
    else:
        _say(f"ingested {_count(report.documents, 'document')} ({_count(report.files, 'file')}) into "
             f"{_count(report.passages, 'passage')} in {report.seconds:.1f}s: {report.embedded} embedded, "
             f"{report.reused} reused; build {report.build_id} in {settings.index_dir}")
    if differences := report.differences():
        _say(f"  since the build before: {_line(differences)}")
    for line, warning in report.reading():  # its model and language; a model of one language, a warning
        _say(f"rag: warning: {line}" if warning else f"  {line}", err=warning)
    for skipped in report.skipped_lines():  # many files of one reason (an export's images) in a line
        _say(f"  {_line(skipped)}", err=True)
    for changed in report.changed:
        _say(f"  changed {_line(changed.source)}: {changed.change}", err=True)
    return 0


def _search(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from rag.schemas import SearchFilter
    from rag.search.answer import wording

    settings = _settings(args)
    question = " ".join(args.question).strip()
    if not question:
        raise InvalidQuery("the question is empty")
    try:  # before the model loads: a mistyped value is refused at once
        scoped = SearchFilter(doc_ids=args.doc_ids, sources=args.sources) if args.doc_ids or args.sources else None
    except ValidationError as exc:
        raise InvalidQuery("; ".join(f"{place(e['loc'])}: {reworded(e['msg'])}"
                                     for e in exc.errors())) from exc
    search = _search_remote if settings.url else _search_local
    found = search(settings, args, question, scoped)
    if args.json:
        _print_json(found.model_dump(mode="json"))  # what POST /v1/search answers
        return 0
    hits, best, answerable = found.passages, found.answer, found.answerable
    if best and answerable:
        _say(f"{best.text}\n    — [{best.rank}] {_line(best.citation.label)}\n")
    elif best:  # the no-answer sentence, then the closest passages under their heading, in the question's language
        _say(f"{best.text}\n{wording(found.question_language)[2]}\n")
    for hit in hits:
        c = hit.citation
        _say(f"[{hit.rank}] {hit.score:.3f}  {_line(c.label)}\n    {_line(c.source)}:{c.start}-{c.end}  id={hit.id}")
        above = [] if hit.table_header is None else [f"    ↑ {_line(hit.table_header)}"]  # columns, not cited
        _say("\n".join([*above, *(f"    | {line}" for line in hit.text.splitlines())]))
        print()
    return 0


def _search_local(settings: Settings, args: argparse.Namespace, question: str,
                  scoped: SearchFilter | None) -> SearchResponse:
    """Load the model and the index here (seconds), then search; the response, as the API's."""
    import time

    from rag.search.answer import response
    from rag.search.queries import CLI, make_queries
    from rag.serving.runtime import load_searcher

    searcher = load_searcher(settings)
    queries = make_queries(settings, [question], args.k, args.mode, args.explain, index=searcher.index,
                           search_filter=scoped, wording=CLI, context=args.context or ())
    started = time.perf_counter()
    (hits,) = searcher.search(queries)
    return response(question, hits, hits.answerable, hits.asked_in, hits.language, mode=queries[0].mode,
                    model=searcher.model, seconds=time.perf_counter() - started)


def _search_remote(settings: Settings, args: argparse.Namespace, question: str,
                   scoped: SearchFilter | None) -> SearchResponse:
    """Ask the server at `settings.url`, which has both loaded already (milliseconds); as `_search_local`."""
    from rag.http import client

    body: dict[str, Any] = {"question": question, "explain": args.explain}
    body |= {"k": args.k} if args.k is not None else {}
    body |= {"mode": args.mode} if args.mode else {}
    body |= {"context": args.context} if args.context else {}
    if scoped is not None:
        body["filter"] = scoped.model_dump(exclude_none=True)
    return client.search(settings.url or "", body, api_key=settings.api_key)


def _documents(args: argparse.Namespace) -> int:
    from rag.index.store import Index

    index = Index.load(_settings(args).index_dir, verify=False)  # a listing: no need to hash every file first
    doc_ids = index.documents_under(args.source)
    if args.json:
        _print_json([index.documents[d].model_dump(mode="json") for d in doc_ids])
        return 0
    for doc_id in doc_ids:
        document = index.documents[doc_id]
        _say(f"{doc_id}  {_count(document.passages, 'passage')}  {_line(document.source)}\n    {_line(document.title)}")
    where = f" under {_line(args.source or '')!r}: paths are relative to the corpus folder"
    print(f"{_count(len(doc_ids), 'document')} in build {index.build_id}{where if args.source and not doc_ids else ''}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from functools import partial

    from rag.embedding.load import load_embedder
    from rag.evaluation import Models, evaluate, named_modes, set_name, table
    from rag.evaluation.inputs import check_targets
    from rag.evaluation.trec import DEFAULT_TAG, TrecFiles, write_file

    settings = _settings(args)
    modes = named_modes(args.modes)
    for note in check_targets(args.targets, settings, args.against, args.limit):  # refused before the model loads
        _say(note, err=True)  # a dataset folder's other files, not read
    trec = TrecFiles(args.run_out, args.qrels_out, args.level, args.run_tag or DEFAULT_TAG)
    trec.check([set_name(t) for t in args.targets], modes, output=args.output)
    reports = []
    models = Models(settings, load_embedder)  # each target's corpus may get its model (RAG_MODEL=auto)
    for target in args.targets:
        keep = partial(trec.keep, set_name(target)) if args.run_out or args.qrels_out else None
        chosen, embedder, vectors = models.of(target, args.against)
        reports.append(report := evaluate(target, chosen, embedder, modes, limit=args.limit,
                                          unaccented=args.unaccented, against=args.against, vectors=vectors, keep=keep))
        print(table(report), end="\n\n", flush=True)  # with its warning of answers no passage holds, if any
    for path, what in trec.written.items():
        _say(f"wrote {path}: {what}")
    if args.output:
        write_file(args.output, json.dumps(reports, ensure_ascii=False, indent=2))
        print(f"wrote {args.output}")
    return 0


def _at_least_one(text: str) -> int:
    """A whole number of at least 1, as argparse's `type` (`--limit -1` would drop the last question)."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _serve(args: argparse.Namespace) -> int:
    from rag import logs
    from rag.http import server
    from rag.http.app import create_app
    from rag.serving.runtime import load_searcher

    settings = _settings(args)
    logs.configure(settings.log_level, settings.log_format, unknown_variables(os.environ))
    try:
        searcher: Searcher | None = load_searcher(settings)  # refuse to start on a damaged index, with the reason
    except IndexNotFound:
        if not settings.reload_poll_seconds:
            raise  # nothing would ever load one
        # no build yet: a replica started before the first ingest listens, not ready, until the watch loads one
        searcher = None
    server.serve(create_app(settings, searcher=searcher), settings)
    return 0


def _mcp(args: argparse.Namespace) -> int:
    import anyio

    from rag import logs
    from rag.mcp.connector import build_connector
    from rag.mcp.tools import build_server, run_stdio

    settings = _settings(args)
    logs.configure(settings.log_level, settings.log_format, unknown_variables(os.environ))  # stdout: the protocol
    anyio.run(run_stdio, settings, None, build_connector if args.profile == "connector" else build_server)
    return 0


def parser() -> argparse.ArgumentParser:
    from rag import __version__

    top = argparse.ArgumentParser(prog="rag", description="Retrieval with citations over a document folder.")
    top.add_argument("--version", action="version", version=f"rag {__version__}")
    sub = top.add_subparsers(dest="command", required=True)
    index_help = f"index folder (default: {_or_default('index_dir')})"

    p = sub.add_parser("ingest", help="chunk, embed and index a corpus folder")
    p.add_argument("corpus_dir", nargs="?", type=Path, help=f"corpus folder (default: {_or_default('corpus_dir')})")
    p.add_argument("--index", dest="index_dir", type=Path, help=index_help)
    p.add_argument("--force", action="store_true", help="rebuild even if the corpus has not changed")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress (a bar on a terminal; elsewhere, a line every 30 s of a long embedding)")
    p.add_argument("--engine", dest="ingest_engine", choices=INGEST_ENGINES,
                   help="local: this process; ray: a Ray Data pipeline, needs pip install 'rag[ray]' "
                        f"(default: {_or_default('ingest_engine')})")
    p.add_argument("--address", help="with --engine ray: the Ray cluster to run on (default: RAY_ADDRESS, else a "
                                     "local Ray instance)")
    p.add_argument("--actors", type=int, help="with --engine ray: most model replicas (default: the cluster's CPUs)")
    p.set_defaults(run=_ingest)

    p = sub.add_parser("search", help="print the best passages for a question")
    p.add_argument("question", nargs="+", help="the question")
    p.add_argument("-k", type=int,
                   help=f"passages to print (default: {_or_default('k_default')}; with --url, the server's)")
    p.add_argument("--mode", choices=["hybrid", "dense", "lexical"],
                   help=f"retrieval mode (default: {_or_default('default_mode')}; with --url, the server's)")
    p.add_argument("--explain", action="store_true", help="show per-retriever ranks and scores (with --json)")
    p.add_argument("--context", action="append", metavar="MESSAGE", help="an earlier message of the conversation, "
                   "oldest first (repeatable): a follow-up is searched with its subject")
    p.add_argument("--doc-id", dest="doc_ids", action="append", metavar="DOC_ID",
                   help="search only this document (repeatable; `rag documents` lists them)")
    p.add_argument("--source", dest="sources", action="append", metavar="PATH",
                   help="search only documents with this source path or under this folder (repeatable)")
    p.add_argument("--index", dest="index_dir", type=Path, help=index_help)
    p.add_argument("--json", action="store_true", help="print JSON, as the API returns it")
    p.add_argument("--url", help="ask the rag server at this address (e.g. http://127.0.0.1:8000): the same output, "
                                 "without loading the model and index here (default: RAG_URL; key: RAG_API_KEY)")
    p.set_defaults(run=_search)

    p = sub.add_parser("documents", help="list the documents of the current index build")
    p.add_argument("--source", help="only documents with this source path or under this folder")
    p.add_argument("--index", dest="index_dir", type=Path, help=index_help)
    p.add_argument("--json", action="store_true", help="print JSON, as GET /v1/documents returns each")
    p.set_defaults(run=_documents)

    p = sub.add_parser("eval", help="score retrieval on question sets, per mode")
    p.add_argument("targets", nargs="+", type=Path,
                   help="dataset folders (passages.jsonl + questions.jsonl) or questions .jsonl files (scored "
                        "against the corpus folder)")
    p.add_argument("--modes", default="hybrid,dense,lexical",
                   help="comma-separated modes to compare (default: hybrid,dense,lexical)")
    p.add_argument("--limit", type=_at_least_one, metavar="N", help="score only the first N questions of each set")
    p.add_argument("--unaccented", action="store_true", help="ask every question with its accents removed")
    p.add_argument("--corpus", dest="corpus_dir", type=Path,
                   help=f"corpus folder, or dataset folder (its passages.jsonl), for questions files (default: "
                        f"{_or_default('corpus_dir')})")
    p.add_argument("--against", type=Path,
                   help="ask the questions of this other corpus (dataset or corpus folder) instead, which should not "
                        "answer them: `flagged` is then the share of them rightly not answerable")
    p.add_argument("-o", "--output", type=Path, help="write the figures as JSON to this file")
    p.add_argument("--run-out", metavar="FILE", help="write each mode's rankings as a TREC run (qid Q0 docid rank "
                                                     "score tag); with several sets or modes, name the files with "
                                                     "{set} and {mode}, e.g. runs/{set}.{mode}.trec")
    p.add_argument("--qrels-out", metavar="FILE", help="write what is relevant as TREC qrels (qid 0 docid 1), the "
                                                       "relevance rag eval scores; {set} with several sets")
    p.add_argument("--level", choices=["document", "passage"], default="document",
                   help="docids of the files: document ids, each at its first passage's rank, as recall@k counts "
                        "(default); or passage ids, as answer recall counts")
    p.add_argument("--run-tag", help="the run's tag, may hold {set} and {mode} (default: rag-{mode})")
    p.set_defaults(run=_eval)

    p = sub.add_parser("serve", help="serve the HTTP API")
    p.add_argument("--index", dest="index_dir", type=Path, help=index_help)
    p.add_argument("--host", help=f"address to bind to (default: {_or_default('host')})")
    p.add_argument("--port", type=int, help=f"port to listen on (default: {_or_default('port')})")
    p.set_defaults(run=_serve)

    p = sub.add_parser("mcp", help="serve the MCP tools (search, get_passage, list_documents) over stdio, "
                                       "for a desktop agent")
    p.add_argument("--index", dest="index_dir", type=Path, help=index_help)
    p.add_argument("--profile", choices=["tools", "connector"], default="tools",
                   help="tools: search, get_passage, list_documents (as /mcp); connector: search(query) and "
                        "fetch(id) only (as /mcp/connector), links to passages under RAG_PUBLIC_URL, else to the "
                        "source files under RAG_CORPUS_DIR (default: tools)")
    p.set_defaults(run=_mcp)
    return top


def _failed(args: argparse.Namespace, code: int, error: str) -> int:
    """`code`, said on stdout too by `rag ingest --json`: its reader gets one JSON object whatever happens."""
    if args.command == "ingest" and args.json:
        _print_json({"ok": False, "exit_code": code, "error": error})
    return code


def main(argv: list[str] | None = None) -> int:
    # Where the process starts, so set here for all of it: the tokenizers of sentence-transformers models must not
    # start a thread pool that a forked process (a Ray worker) would inherit in use.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except RagError as exc:
        code = next((c for kind, c in EXIT_CODES.items() if isinstance(exc, kind)), 1)
        _say(f"rag: error: {exc}", err=True)
        return _failed(args, code, str(exc))
    except KeyboardInterrupt as exc:  # Terminated: SIGTERM during an ingest, after its cleanup (`rag.interrupts`)
        code, said = (TERMINATED, "terminated (SIGTERM)") if isinstance(exc, Terminated) else (INTERRUPTED,
                                                                                                "interrupted")
        _say(f"rag: {said}", err=True)  # a log (cron, a Job) said nothing of why the command ended
        return _failed(args, code, said)
    except BrokenPipeError:  # the reader left (`rag search ... | head`): nothing more to say, and nowhere to say it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OUTPUT_CLOSED
    except Exception as exc:  # a bug: Python's traceback and exit code 1, after the JSON a script waits for
        _failed(args, 1, f"unexpected error: {type(exc).__name__}: {exc}")
        raise


if __name__ == "__main__":
    sys.exit(main())
