"""A first ingest with texts embedded one at a time against side by side (`RAG_EMBED_WORKERS`), same code, alternated.

    python -m scripts.bench.ingest_workers [CORPUS_OR_DATASET ...] [--rounds 2] [--workers N] [-o FILE.json]

Each round runs `rag ingest --force` twice into fresh index folders, in turn first: once with `RAG_EMBED_WORKERS=1`
(every text on the default session, all CPUs on one call: what `rag` did before side-by-side embedding) and once
with `--workers` (default: unset, the CPUs this process may use). It prints, per target, the median of the
command's own seconds less loading the model, passages/s and their ratio, and checks that both builds hold the very
same bytes (vectors, passages, heading and window arrays, accents: all but the manifest, which names the build, and
the lexical index, whose term ids follow the order of a Python set of strings and so change from any run to the
next). Default targets: the seed corpus and piaf (written out as one Markdown file a passage).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from scripts.bench.common import CORPUS, DEV_SET, ENV, PIAF, prepare


def ingest(corpus: Path, index: Path, workers: int | None) -> dict[str, Any]:
    """`rag ingest --force` with these workers (None: the setting unset); its JSON report."""
    env = {key: value for key, value in ENV.items() if key != "RAG_EMBED_WORKERS"}
    if workers is not None:
        env["RAG_EMBED_WORKERS"] = str(workers)
    done = subprocess.run([sys.executable, "-m", "rag", "ingest", str(corpus), "--index", str(index), "--force",
                           "--json", "-q"], env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"bench: rag ingest failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return dict(json.loads(done.stdout))


def build_files(index: Path) -> dict[str, bytes]:
    """Every file of the index's current build but its manifest and its lexical index, by path."""
    from rag.index.layout import current_build

    build = current_build(index)
    assert build is not None
    return {str(path.relative_to(build)): path.read_bytes() for path in sorted(build.rglob("*"))
            if path.is_file() and path.name != "manifest.json" and "lexical" not in path.relative_to(build).parts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", type=Path, help="corpus or dataset folders (default: seed corpus, piaf)")
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the two ingests (median)")
    parser.add_argument("--workers", type=int, help="RAG_EMBED_WORKERS of the side-by-side ingest (default: unset)")
    parser.add_argument("-o", "--output", type=Path, help="write the figures as JSON to this file")
    args = parser.parse_args(argv)
    targets = args.targets or [t for t in (CORPUS, PIAF) if t.exists()]
    results: dict[str, Any] = {"cpus": os.cpu_count(), "load_before": list(os.getloadavg()), "targets": {}}
    failed = False
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        work = Path(tmp)
        for spec in targets:
            target = prepare(spec, DEV_SET, work)
            seconds: dict[str, list[float]] = {"one at a time": [], "side by side": []}
            passages = 0
            same = True
            for n in range(args.rounds):
                files = {}
                order = [("one at a time", 1), ("side by side", args.workers)]
                for name, workers in order if n % 2 == 0 else order[::-1]:  # alternated: neither always goes first
                    index = work / f"{target.name}-{n}-{name.replace(' ', '-')}"
                    report = ingest(target.corpus, index, workers)
                    seconds[name].append(report["seconds"] - report["model_seconds"])
                    passages = report["passages"]
                    files[name] = build_files(index)
                same = same and files["one at a time"] == files["side by side"]
            one, side = (statistics.median(seconds[k]) for k in ("one at a time", "side by side"))
            results["targets"][target.name] = {"passages": passages, "seconds": seconds, "median_one_s": one,
                                               "median_side_s": side, "ratio": side / one, "same_bytes": same}
            failed = failed or not same
            print(f"{target.name}: {passages} passages; one at a time {one:.1f} s ({passages / one:.1f} passages/s), "
                  f"side by side {side:.1f} s ({passages / side:.1f} passages/s): {side / one:.2f} x the time; "
                  f"builds {'identical' if same else 'DIFFER'}", flush=True)
    results["load_after"] = list(os.getloadavg())
    results["when"] = time.strftime("%Y-%m-%d %H:%M")
    print(f"load average before {results['load_before']}, after {results['load_after']} ({results['cpus']} CPUs)")
    if args.output:
        args.output.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
