"""How long reading a JSON Lines knowledge base takes, and how much memory, as it grows: is it linear?

    nice .venv/bin/python -m scripts.bench.json_records [--records 200000] [--rounds 3] [--no-gc] [--ingest]
        [--by-line N] [--keep-documents] [--markdown]

Writes, in memory, JSON Lines files of a quarter, half and all of `--records` records shaped as a passage collection
(`{"id", "title", "text", "updated_at", "draft"}`: a title of 8 words, a text of two paragraphs of 30 words,
an accent written as `\\u00e9` in one record of ten and a quoted word in another), then reads each with
`rag.corpus.formats.json.parse_jsonl` (decoding, the records, their sections and each line's span; no model): the
median of `--rounds` times, wall clock and CPU (the process's: on a machine other work loads, CPU time is what the
read itself costs), the peak of memory Python allocated during one read (tracemalloc; the text itself excluded),
and each per record. `--no-gc` reads with Python's cyclic garbage collector off, to tell its share of the
time (its full collections walk every object the read made so far) from the reader's.

`--ingest` then measures what an ingest holds of the largest file before it embeds anything: the file written to a
folder, read as `rag ingest` reads it (`rag.corpus.reader.read_document`: its bytes, its text, its sections), then cut
into passages as `rag ingest` cuts them (`rag.ingestion.stages.cut`, with the bundled model's tokenizer): the peak of
memory Python allocated during each step (tracemalloc; the model loaded before), the larger of the two against the
file's size, and what is still held once cut, all through embedding (the passages, and what is kept of the document).
`--keep-documents` cuts keeping the document whole (`cut(..., release=False)`, as `rag eval` does and every ingest
did before stop 50): what releasing each section once cut saves. `--markdown` writes each record as a Markdown file
of its own instead (`# title`, then its text), read as `rag ingest` reads a folder (`rag.corpus.reader.read_corpus`),
against the size of its files.
`--by-line N` prints the N lines of code whose allocations the largest file's parse still holds once it has returned
(a tracemalloc snapshot by line): what its sections are made of.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from rag import Settings, load_embedder
from rag.corpus.formats.json import parse_jsonl
from rag.corpus.reader import Corpus, read_corpus, read_document
from rag.ingestion.stages import chunker_for, cut

WORDS = ("demande", "compte", "données", "personnelles", "droit", "accès", "courrier", "organisme", "délai", "réponse",
         "effacement", "rectification", "plainte", "formulaire", "justificatif", "identité", "mois", "employeur")


def records(count: int, seed: int = 1) -> str:
    """`count` records as a JSON Lines text, one a line."""
    rng = random.Random(seed)
    lines = []
    for n in range(count):
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + " ?"
        text = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(30)) + "." for _ in range(2))
        if n % 10 == 1:
            text = text.replace("é", "\u00e9")
        record = {"id": f"kb-{n}", "title": title, "text": text if n % 10 != 2 else f'Cliquez sur "Valider". {text}',
                  "updated_at": "2024-03-01T10:00:00Z", "draft": False}
        lines.append(json.dumps(record, ensure_ascii=n % 10 != 1))
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-gc", action="store_true", help="read with the cyclic garbage collector off")
    parser.add_argument("--by-line", type=int, default=0, metavar="N",
                        help="then the N lines of code holding the most of the largest file's parse")
    parser.add_argument("--ingest", action="store_true",
                        help="then what an ingest holds of the largest file before embedding (loads the model)")
    parser.add_argument("--keep-documents", action="store_true",
                        help="with --ingest, cut keeping the document's text and sections (as `rag eval` does)")
    parser.add_argument("--markdown", action="store_true",
                        help="with --ingest, the records as a folder of Markdown files, one a record")
    args = parser.parse_args()
    if args.no_gc:
        gc.disable()
    print("| records | MB | seconds (median) | CPU seconds | CPU µs per record | peak MB | bytes per record |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for count in (args.records // 4, args.records // 2, args.records):
        text = records(count)
        times, cpu = [], []
        for _ in range(args.rounds):
            start, started = time.perf_counter(), time.process_time()
            parsed = parse_jsonl(text)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - started)
        assert len(parsed.sections) == count
        del parsed
        tracemalloc.start()
        parsed = parse_jsonl(text)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del parsed
        seconds, cpu_seconds = statistics.median(times), statistics.median(cpu)
        print(f"| {count:,} | {len(text.encode()) / 1e6:.1f} | {seconds:.2f} | {cpu_seconds:.2f} | "
              f"{cpu_seconds / count * 1e6:.1f} | {peak / 1e6:.0f} | {peak / count:,.0f} |", flush=True)
    if args.by_line:
        by_line(text, args.by_line)
    if args.ingest:
        before_embedding(text, args.records, release=not args.keep_documents, markdown=args.markdown)
    return 0


def by_line(text: str, count: int) -> None:
    """Print the `count` lines of code whose allocations the parse of `text` holds once it has returned."""
    tracemalloc.start()
    parsed = parse_jsonl(text)
    snapshot = tracemalloc.take_snapshot()
    tracemalloc.stop()
    print(f"\nheld by the parse of {len(parsed.sections):,} records, by line of code:")
    for stat in snapshot.statistics("lineno")[:count]:
        where = stat.traceback[0]
        name = where.filename.rsplit("/", 2)[-1]
        print(f"  {stat.size / 1e6:6.2f} MB {stat.count:9,} objects  {name}:{where.lineno}")


def before_embedding(text: str, count: int, *, release: bool = True, markdown: bool = False) -> None:
    """Print the peaks of memory of reading `text` as a corpus file (`markdown`: as a folder of a Markdown file a
    record) and of cutting it into passages."""
    chunker = chunker_for(load_embedder(Settings()), None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kb.jsonl"
        if markdown:
            for n, line in enumerate(text.splitlines()):
                record = json.loads(line)
                (Path(folder) / f"{n}.md").write_text(f"# {record['title']}\n\n{record['text']}\n", encoding="utf-8")
        else:
            path.write_text(text, encoding="utf-8")
        size = sum(file.stat().st_size for file in Path(folder).iterdir())
        tracemalloc.start()
        corpus = read_corpus(Path(folder)) if markdown else Corpus([read_document(Path(folder), path, max_bytes=size)])
        read = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        passages = cut(corpus, chunker, release=release)
        held, chunked = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    files = "Markdown files" if markdown else "a file"
    print(f"\nbefore embedding, {count:,} records, {files} of {size / 1e6:.1f} MB: read, peak {read / 1e6:.0f} MB; "
          f"cut into {len(passages):,} passages, peak {chunked / 1e6:.0f} MB; the larger "
          f"{max(read, chunked) / count:,.0f} bytes a record, {max(read, chunked) / size:.1f} times the bytes; held "
          f"once cut {held / 1e6:.0f} MB, {held / size:.1f} times the bytes")


if __name__ == "__main__":
    raise SystemExit(main())
