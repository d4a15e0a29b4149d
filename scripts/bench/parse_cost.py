"""The CPU an ingest spends reading a folder's files into documents (`rag.corpus.reader.read_files`: every format's
parser, no chunking, no model), to compare two checkouts' parsers on the same files.

    PYTHONPATH=$PWD .venv/bin/python -m scripts.bench.parse_cost tests/data --suffixes .html,.htm,.pdf [--rounds 5]
    PYTHONPATH=<checkout> .venv/bin/python scripts/bench/parse_cost.py tests/data --suffixes .html,.htm,.pdf

Run as a file with another checkout first on the path, it times that checkout's code on the same files (run both in
one sitting: the machine is shared). Reads the folder once untimed (the imports, the file cache), then `--rounds`
times; prints the documents read and the median and each round's CPU seconds (`time.process_time`).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from rag.corpus.reader import Skipped, read_files


def rounds(root: Path, count: int) -> tuple[int, list[float]]:
    """How many documents `read_files` read under `root`, and the CPU seconds of each of `count` reads after an
    untimed first."""
    def once() -> int:
        return sum(1 for outcome in read_files(root) if not isinstance(outcome, Skipped))

    files = once()
    times = []
    for _ in range(count):
        start = time.process_time()
        once()
        times.append(time.process_time() - start)
    return files, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the corpus folder to read")
    parser.add_argument("--suffixes", default="", help="read only the files with these suffixes (comma-separated), "
                        "copied with their paths into a temporary folder; default: every file")
    parser.add_argument("--rounds", type=int, default=5, help="timed reads (default 5)")
    args = parser.parse_args()
    suffixes = {s.strip().lower() for s in args.suffixes.split(",") if s.strip()} or None
    with tempfile.TemporaryDirectory() as temporary:
        root = args.folder
        if suffixes is not None:
            root = Path(temporary)
            for path in sorted(args.folder.rglob("*")):
                if path.is_file() and path.suffix.lower() in suffixes:
                    copy = root / path.relative_to(args.folder)
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, copy)
        files, times = rounds(root, args.rounds)
    print(f"{files} documents  median {statistics.median(times):.3f} s  rounds "
          + " ".join(f"{t:.3f}" for t in times))


if __name__ == "__main__":
    main()
