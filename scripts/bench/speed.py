"""Speed of `rag` next to the bare embedding model, measured side by side in one run; exits 1 if a target is missed.

    python -m scripts.bench.speed                                  # the seed corpus, then piaf (761 passages)
    python -m scripts.bench.speed corpus --rounds 5 -o speed.json  # one target, more rounds, figures as JSON

Each target is a corpus folder (questions: `--questions`, default the dev set) or a dataset folder with
`passages.jsonl` and `questions.jsonl` (each passage written out as one Markdown document, title in front matter).
For each target, in one process and on the same machine:

1. floor: the bare model (the bundled default's ONNX Runtime sessions as `rag` runs them, or
   `SentenceTransformer.encode`) encoding one question at a time (median latency; 2 ms apart, as a served question
   comes: `PAUSE`), 32 questions at a time (questions/s), and the passage texts the index holds (passages/s, the
   ingest batch size);
2. `rag ingest` (a subprocess) into a fresh index, then again on the unchanged corpus;
3. `rag serve` (a subprocess: uvicorn on loopback) driven by wrk with 1 client, then 32 concurrent clients, for a
   fixed number of POST /v1/search requests cycling through the target's questions; latency percentiles, rate,
   errors, and the server's resident memory afterwards.

Each server run of a round (`--rounds`) has the floor measured just before and just after it, and its ratio is taken
to that floor; a serving ratio is the median of the rounds' ratios, so that other load on a shared machine hits a
server figure and the floor it is divided by alike (a median server figure over a median floor may pair rounds of
different loads). Targets (ratios to the floor of the same run):
1 client p50 <= 1.25 x single-question encode; 32 clients rate >= 0.7 x batched-32 encode, no error;
first ingest passages/s >= 0.85 x bare passage encode (ingest time without the model's import and load, which the
floor does not count either); unchanged re-ingest >= 20 x faster than the first (whole `rag ingest` time). Ingest
also embeds headings and sentence windows, which the passage floor does not: the bare encode of every text ingest
embedded is printed beside it (no target), the pipeline's cost around the model.

Needs wrk, a C HTTP load generator that costs the 2 shared cores little: `apt-get install wrk` (Debian, Ubuntu) or
`brew install wrk` (macOS).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from rag.embedding.names import AUTO_MODEL, BUNDLED_MODEL
from scripts.bench.common import DEV_SET, ENV, PIAF, ROOT, Target, prepare, serving

LUA = Path(__file__).with_name("speed_load.lua")
DEFAULT_TARGETS = [ROOT / "corpus", PIAF]
R = TypeVar("R")
# Between two questions of the one-question floor, as a server at one client waits between requests. Back to back,
# beside other work (load average 5), the floor read 11 to 15 ms a question where a served p50 read 5.0 ms (docs/
# PERFORMANCE.md, stop 53); paced, 3.2 to 4.4 ms at the same load, as on a quiet machine (`--pause 0`: back to back).
PAUSE = 0.002
TARGETS = {"latency_1_client": 1.25, "rate_32_clients": 0.70, "ingest_rate": 0.85, "reingest_speedup": 20.0}


# -- the floor: the bare model ----------------------------------------------------------------------------------


class Floor:
    """The bare model: for the bundled default, `BundledE5` alone (as `rag` runs it: a lone text on the default
    session, several side by side on the one-thread session); for a sentence-transformers model,
    `SentenceTransformer.encode` as its documentation shows."""

    def __init__(self, pause: float = PAUSE) -> None:
        from rag.settings import Settings

        self.pause = pause
        settings = Settings()
        self.batch_size = settings.encode_batch_size
        if settings.model in (BUNDLED_MODEL, AUTO_MODEL):  # auto: the seed corpus is French, the bundled model
            from rag.embedding.bundled import BundledE5

            bundled = BundledE5(cache=settings.model_cache, workers=settings.embed_workers)
            self.query_prompt, self.passage_prompt = "query: ", "passage: "

            def encode(texts: list[str], prompt: str | None, batch_size: int = 32) -> None:
                if prompt == bundled.query_prompt:
                    bundled.embed_queries(texts)
                else:
                    bundled.embed_passages(texts)
        else:
            from sentence_transformers import SentenceTransformer

            from rag.embedding.sbert import resolve_model

            self.query_prompt = settings.query_prompt or None
            self.passage_prompt = settings.passage_prompt or None
            model = SentenceTransformer(resolve_model(settings.model), device=settings.device)

            def encode(texts: list[str], prompt: str | None, batch_size: int = 32) -> None:
                model.encode(texts, prompt=prompt, batch_size=batch_size, normalize_embeddings=True,
                             convert_to_numpy=True, show_progress_bar=False)
        self._encode = encode
        self._encode(["warm-up"] * 32, None)

    def single_ms(self, questions: list[str]) -> list[float]:
        """Milliseconds to encode each question, one at a time, `pause` seconds apart (not timed), as a server at one
        client waits between requests."""
        times = []
        for question in questions:
            started = time.perf_counter()
            self._encode([question], self.query_prompt)
            times.append(1000 * (time.perf_counter() - started))
            time.sleep(self.pause)
        return times

    def batched_rate(self, questions: list[str], size: int = 32) -> list[float]:
        """Questions per second of each call of `size` consecutive questions."""
        rates = []
        for start in range(0, len(questions) - size + 1, size):
            started = time.perf_counter()
            self._encode(questions[start:start + size], self.query_prompt, size)
            rates.append(size / (time.perf_counter() - started))
        return rates

    def passage_rate(self, texts: list[str]) -> float:
        """Passages per second encoding `texts` in one call, at the ingest batch size."""
        started = time.perf_counter()
        self._encode(texts, self.passage_prompt, self.batch_size)
        return len(texts) / (time.perf_counter() - started)


# -- ingest ------------------------------------------------------------------------------------------------------


def rag_ingest(corpus: Path, index: Path) -> dict[str, Any]:
    """Run `rag ingest` as a user would; its JSON report plus the command's wall time."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "rag", "ingest", str(corpus), "--index", str(index), "--json"],
                          env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"bench: rag ingest failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return {**json.loads(done.stdout), "wall": wall}


def indexed_texts(index: Path, *, everything: bool = False) -> list[str]:
    """The indexed text of every passage of the current build; with `everything`, also each distinct heading and
    sentence window it holds a vector for: all that ingest embedded."""
    from rag.index.headings import heading_text
    from rag.index.layout import PASSAGES, current_build
    from rag.index.windows import Windows, window_texts
    from rag.passage import Chunk

    build = current_build(index)
    assert build is not None
    with (build / PASSAGES).open(encoding="utf-8") as handle:
        chunks = [Chunk(**json.loads(line)) for line in handle]
    texts = [chunk.indexed_text for chunk in chunks]
    if everything:
        texts += dict.fromkeys(heading_text(chunk) for chunk in chunks)
        windows = Windows.load(build)
        if windows is not None:
            spans: list[list[tuple[int, int]]] = [[] for _ in chunks]
            for row, first, end in windows.spans.tolist():
                spans[row].append((first, end))
            texts += dict.fromkeys(window_texts(chunks, spans))
    return texts


# -- serving -----------------------------------------------------------------------------------------------------


def memory_mib(pid: int) -> dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM) of process `pid`, in MiB (Linux /proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return fields


def wrk(url: str, bodies: Path, clients: int, requests: int) -> dict[str, Any]:
    """One wrk run of `requests` requests over `clients` connections (one wrk thread)."""
    done = subprocess.run(["wrk", "-t1", f"-c{clients}", "-d600s", "--timeout", "30s", "-s", str(LUA), url, "--",
                           str(bodies), str(requests)], capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if not lines:
        raise SystemExit(f"bench: wrk gave no result ({done.returncode}): {done.stdout[-1000:]} {done.stderr[-1000:]}")
    result = json.loads(lines[-1][6:])
    seconds = result["duration_us"] / 1e6
    return {"clients": clients, "requests": result["requests"], "errors": sum(result["errors"].values()),
            "rate": result["requests"] / seconds, "p50_ms": result["p50_us"] / 1000,
            "p95_ms": result["p95_us"] / 1000, "p99_ms": result["p99_us"] / 1000, "max_ms": result["max_us"] / 1000}


# -- one target --------------------------------------------------------------------------------------------------


def median_of(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def bench_ingest(target: Target, floor: Floor, work: Path, rounds: int) -> dict[str, Any]:
    firsts, agains, floors, alls, texts = [], [], [], [], []
    for n in range(rounds):
        index = work / f"{target.name}-index-{n}"
        firsts.append(rag_ingest(target.corpus, index))
        agains.append(rag_ingest(target.corpus, index))
        assert agains[-1]["up_to_date"], "the unchanged corpus was ingested again"
        floors.append(floor.passage_rate(indexed_texts(index)))
        everything = indexed_texts(index, everything=True)
        texts.append(len(everything))
        alls.append(len(everything) / floor.passage_rate(everything))  # seconds
        if n:
            shutil.rmtree(index)
    passages = firsts[0]["passages"]
    work_seconds = statistics.median(r["seconds"] - r["model_seconds"] for r in firsts)
    first, again = median_of(firsts, "seconds"), median_of(agains, "seconds")
    return {
        "passages": passages, "floor_passages_per_s": statistics.median(floors),
        "first_s": first, "first_model_s": median_of(firsts, "model_seconds"),
        "first_wall_s": median_of(firsts, "wall"),
        "first_passages_per_s": passages / work_seconds,
        "again_s": again, "again_wall_s": median_of(agains, "wall"),
        "ingest_rate": passages / work_seconds / statistics.median(floors),
        "first_work_s": work_seconds, "floor_everything_s": statistics.median(alls),
        "texts_embedded": texts[0],
        "ingest_vs_everything": statistics.median(alls) / work_seconds,
        "reingest_speedup": first / again,
        "reingest_speedup_wall": median_of(firsts, "wall") / median_of(agains, "wall"),
        "index": str(work / f"{target.name}-index-0"),
    }


def around(floor: Callable[[], list[float]], run: Callable[[], R]) -> tuple[R, dict[str, float]]:
    """`run()` between two floor runs: its result, and the floor: the median of both floor runs' figures (`floor`)
    and each run's own (`floor_before`, `floor_after`), with the machine's load average then. Taken minutes apart, a
    floor and a server run can fall in different loads of a shared machine (stop 51's floor read 2.57 ms a question
    in its first round and 6.45 ms in the next two, a core taken by other work); around the run, both see the same."""
    before = floor()
    result = run()
    after = floor()
    return result, {"floor": statistics.median(before + after), "floor_before": statistics.median(before),
                    "floor_after": statistics.median(after), "load": os.getloadavg()[0]}


def bracketed(floor: Callable[[], list[float]], run: Callable[[], dict[str, Any]], figure: str) -> dict[str, Any]:
    """`around`: the run's figures, the floor, and the run's `figure` over the floor (`ratio`)."""
    result, floors = around(floor, run)
    return {**result, **floors, "ratio": result[figure] / floors["floor"]}


def bench_serving(target: Target, floor: Floor, index: Path, work: Path, rounds: int, requests: dict[int, int],
                  single: int) -> dict[str, Any]:
    bodies = work / f"{target.name}-bodies.jsonl"
    bodies.write_text("".join(json.dumps({"question": q}, ensure_ascii=False) + "\n" for q in target.questions),
                      encoding="utf-8")
    mix = (target.questions * (1 + 32 * 8 // len(target.questions)))
    with serving(index, ENV, 600) as (url, _, server):
        wrk(url, bodies, 32, 200)  # warm-up: first calls of every code path, connection set-up
        runs: dict[str, list[dict[str, Any]]] = {"1": [], "32": []}
        for n in range(rounds):
            offset = (n * single) % len(target.questions)
            questions = (target.questions * (2 + single // len(target.questions)))[offset:offset + single]
            runs["1"].append(bracketed(partial(floor.single_ms, questions), partial(wrk, url, bodies, 1, requests[1]),
                                       "p50_ms"))
            runs["32"].append(bracketed(partial(floor.batched_rate, mix[:32 * 8]),
                                        partial(wrk, url, bodies, 32, requests[32]), "rate"))
        memory = memory_mib(server.pid)
    return {**serving_figures(runs), "memory_mib": memory}


def serving_figures(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The medians over rounds of the server runs at 1 and 32 clients (`bracketed`), and their ratios to the floor:
    the median of the rounds' ratios, each to the floor measured around its run; not a median server figure over a
    median floor, which may pair rounds of different loads."""
    one, many = runs["1"], runs["32"]
    return {
        "floor_single_ms": median_of(one, "floor"), "floor_batch32_per_s": median_of(many, "floor"),
        "client_1": {key: median_of(one, key) for key in ("p50_ms", "p95_ms", "p99_ms", "rate")}
        | {"errors": sum(r["errors"] for r in one), "requests": sum(r["requests"] for r in one)},
        "clients_32": {key: median_of(many, key) for key in ("p50_ms", "p95_ms", "p99_ms", "rate")}
        | {"errors": sum(r["errors"] for r in many), "requests": sum(r["requests"] for r in many)},
        "rounds": runs, "latency_1_client": median_of(one, "ratio"), "rate_32_clients": median_of(many, "ratio"),
    }


def vector_mib(index: Path) -> float:
    from rag.index.layout import read_manifest

    manifest = read_manifest(index) or {}
    return round(manifest["counts"]["passages"] * manifest["model"]["dimension"] * 4 / 2**20, 2)


def checks(result: dict[str, Any]) -> dict[str, bool]:
    serving, ingest = result["serving"], result["ingest"]
    return {
        "latency_1_client": serving["latency_1_client"] <= TARGETS["latency_1_client"],
        "rate_32_clients": serving["rate_32_clients"] >= TARGETS["rate_32_clients"]
        and serving["clients_32"]["errors"] == 0 and serving["client_1"]["errors"] == 0,
        "ingest_rate": ingest["ingest_rate"] >= TARGETS["ingest_rate"],
        "reingest_speedup": ingest["reingest_speedup"] >= TARGETS["reingest_speedup"],
    }


def spread(rounds: list[dict[str, Any]]) -> str:
    """Each round's ratio, its floor before and after the server run and the load average: how the machine moved."""
    return "rounds " + ", ".join(f"{r['ratio']:.2f} (floor {r['floor_before']:.4g} / {r['floor_after']:.4g}, load "
                                 f"{r['load']:.1f})" for r in rounds)


def report(name: str, result: dict[str, Any]) -> str:
    s, i, ok = result["serving"], result["ingest"], result["checks"]
    mark = {True: "ok", False: "MISSED"}
    c1, c32 = s["client_1"], s["clients_32"]
    return "\n".join([
        f"== {name}: {i['passages']} passages, {len(result['questions'])} questions in the mix",
        f"floor (bare model)   single question {s['floor_single_ms']:.2f} ms median | batches of 32 "
        f"{s['floor_batch32_per_s']:.0f} q/s | passages {i['floor_passages_per_s']:.1f} /s",
        f"server, 1 client     p50 {c1['p50_ms']:.2f} ms  p95 {c1['p95_ms']:.2f}  p99 {c1['p99_ms']:.2f}  "
        f"{c1['rate']:.0f} req/s  errors {c1['errors']}/{c1['requests']}",
        f"server, 32 clients   p50 {c32['p50_ms']:.2f} ms  p95 {c32['p95_ms']:.2f}  p99 {c32['p99_ms']:.2f}  "
        f"{c32['rate']:.0f} req/s  errors {c32['errors']}/{c32['requests']}",
        f"ingest               first {i['first_s']:.2f} s in command ({i['first_model_s']:.2f} s loading the model; "
        f"{i['first_wall_s']:.2f} s wall), {i['first_passages_per_s']:.1f} passages/s without the model load | "
        f"unchanged {i['again_s'] * 1000:.1f} ms in command ({i['again_wall_s']:.2f} s wall)",
        f"memory               server resident {s['memory_mib'].get('VmRSS')} MiB "
        f"(peak {s['memory_mib'].get('VmHWM')}), of which vectors {result['vector_mib']} MiB",
        f"ratio  1 client p50 / single encode     {s['latency_1_client']:.2f}  (target <= 1.25) "
        f"{mark[ok['latency_1_client']]}  {spread(s['rounds']['1'])}",
        f"ratio  32 clients rate / batched encode {s['rate_32_clients']:.2f}  (target >= 0.70, no error) "
        f"{mark[ok['rate_32_clients']]}  {spread(s['rounds']['32'])}",
        f"ratio  ingest rate / passage encode     {i['ingest_rate']:.2f}  (target >= 0.85) {mark[ok['ingest_rate']]}",
        f"       bare encode of all {i['texts_embedded']} texts ingest embeds (passages, headings, windows) "
        f"{i['floor_everything_s']:.1f} s / ingest {i['first_work_s']:.1f} s = {i['ingest_vs_everything']:.2f}  "
        f"(like for like; no target)",
        f"ratio  first / unchanged ingest         {i['reingest_speedup']:.0f}  (target >= 20) "
        f"{mark[ok['reingest_speedup']]}  (wall-clock ratio {i['reingest_speedup_wall']:.1f})",
    ])


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", type=Path, help="corpus or dataset folders (default: seed corpus, piaf)")
    parser.add_argument("--questions", type=Path, default=DEV_SET, help="questions (.jsonl) for a corpus folder")
    parser.add_argument("--rounds", type=int, default=3, help="alternations of floor and server runs (median)")
    parser.add_argument("--ingest-rounds", type=int, default=3, help="first and unchanged ingests (median)")
    parser.add_argument("--requests-1", type=int, default=300, help="requests per 1-client run")
    parser.add_argument("--requests-32", type=int, default=2000, help="requests per 32-client run")
    parser.add_argument("--single", type=int, default=100, help="questions per bare single-encode run")
    parser.add_argument("--pause", type=float, default=PAUSE * 1000,
                        help="milliseconds between two questions of the single-encode floor (0: back to back)")
    parser.add_argument("-o", "--output", type=Path, help="write every figure as JSON to this file")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("bench: wrk, the HTTP load generator, is not installed: `apt-get install wrk` (Debian, Ubuntu) or "
              "`brew install wrk` (macOS)", file=sys.stderr)
        return 2
    targets = args.targets or [t for t in DEFAULT_TARGETS if t.exists()]
    import torch

    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(),
                                           "python": platform.python_version(), "load_before": load_average(),
                                           "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True)
                                           .stdout.splitlines()[0]},
                               "targets": {}}
    floor = Floor(args.pause / 1000)
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        work = Path(tmp)
        for spec in targets:
            target = prepare(spec, args.questions, work)
            ingest = bench_ingest(target, floor, work, args.ingest_rounds)
            index = Path(ingest.pop("index"))
            serving = bench_serving(target, floor, index, work, args.rounds,
                                    {1: args.requests_1, 32: args.requests_32}, args.single)
            result = {"questions": target.questions, "ingest": ingest, "serving": serving,
                      "vector_mib": vector_mib(index)}
            result["checks"] = checks(result)
            results["targets"][target.name] = result
            print(report(target.name, result), flush=True)
    results["machine"]["load_after"] = load_average()
    print(f"load average before {results['machine']['load_before']}, after {results['machine']['load_after']} "
          f"({results['machine']['cpus']} CPUs); load generator: {results['machine']['wrk']}")
    if args.output:
        for result in results["targets"].values():
            result["questions"] = len(result["questions"])
        args.output.write_text(json.dumps(results, indent=2), encoding="utf-8")
    missed = [f"{name}: {check}" for name, result in results["targets"].items()
              for check, ok in result["checks"].items() if not ok]
    if missed:
        print("targets missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
