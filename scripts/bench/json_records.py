"""How long reading a JSON Lines knowledge base takes, and how much memory, as it grows: is it linear?

    nice .venv/bin/python -m scripts.bench.json_records [--records 200000] [--rounds 3] [--no-gc]

Writes, in memory, JSON Lines files of a quarter, half and all of `--records` records shaped as a passage collection
(`{"id", "title", "text", "updated_at", "draft"}`: a title of 8 words, a text of two paragraphs of 30 words,
an accent written as `\\u00e9` in one record of ten and a quoted word in another), then reads each with
`rag.corpus.formats.json.parse_jsonl` (decoding, the records, their sections and each line's span; no model): the
median of `--rounds` times, wall clock and CPU (the process's: on a machine other work loads, CPU time is what the
read itself costs), the peak of memory Python allocated during one read (tracemalloc; the text itself excluded),
and each per record. `--no-gc` reads with Python's cyclic garbage collector off, to tell its share of the
time (its full collections walk every object the read made so far) from the reader's.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import time
import tracemalloc

from rag.corpus.formats.json import parse_jsonl

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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
