"""What the benchmarks share: where things are, the environment of a `rag` subprocess, question files, a served index
on loopback, and the dataset vectors the scale benchmarks measure."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent.parent
RESULTS = ROOT / "docs" / "results"
CORPUS = ROOT / "corpus"
DEV_SET = ROOT / "tests" / "data" / "devset.jsonl"
# shared/ sits beside a clone; a git worktree may sit one level further down
_SHARED = [ROOT.parent / "shared", ROOT.parent.parent / "shared"]
DATASETS = next((p / "datasets" for p in _SHARED if (p / "datasets").is_dir()), _SHARED[0] / "datasets")
PIAF = DATASETS / "piaf"
HOST = "127.0.0.1"
# the environment of a `rag` subprocess: this checkout's rag, no model hub, quiet logs
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "RAG_LOG_LEVEL": "warning"}


def read_questions(path: Path) -> list[str]:
    """The `question` of each line of a questions .jsonl file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["question"] for line in handle if line.strip()]


@dataclass
class Target:
    name: str
    corpus: Path
    questions: list[str]


def prepare(spec: Path, questions: Path, work: Path) -> Target:
    """A corpus folder as it is, or a dataset folder written out as one Markdown document per passage."""
    if not (spec / "passages.jsonl").is_file():
        return Target(spec.name, spec, read_questions(questions))
    corpus = work / f"{spec.name}-corpus"
    corpus.mkdir()
    with (spec / "passages.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                title = " ".join((row.get("title") or row["id"]).split())
                (corpus / f"{row['id']}.md").write_text(f"---\ntitle: {title}\n---\n{row['text']}\n", encoding="utf-8")
    return Target(spec.name, corpus, read_questions(spec / "questions.jsonl"))


# -- a served index on loopback ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def wait_ready(base: str, server: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode} before it was ready")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server was not ready within {timeout:.0f} s")


@contextlib.contextmanager
def serving(index: Path, env: dict[str, str], ready_timeout: float, cwd: Path | None = None
            ) -> Iterator[tuple[str, int, subprocess.Popen]]:
    """`python -m rag serve` over `index` on a free loopback port, until the block ends: (base URL, port, process)."""
    port = free_port()
    base = f"http://{HOST}:{port}"
    server = subprocess.Popen([sys.executable, "-m", "rag", "serve", "--index", str(index), "--host", HOST,
                               "--port", str(port)], env={**env, "RAG_LOG_LEVEL": "warning"}, cwd=cwd)
    try:
        wait_ready(base, server, ready_timeout)
        yield base, port, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextlib.contextmanager
def served_checkout(checkout: Path, env: dict[str, str]) -> Iterator[tuple[str, int, subprocess.Popen]]:
    """`serving` from `checkout` (its code on PYTHONPATH) over an index of corpus/ that checkout builds in a temporary
    folder, with `env` added and the reload watch off."""
    base = {**os.environ, "PYTHONPATH": str(checkout), "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as scratch:
        index = Path(scratch) / "index"
        subprocess.run([sys.executable, "-m", "rag", "ingest", str(CORPUS), "--index", str(index), "-q"],
                       env=base, cwd=checkout, check=True, stdout=subprocess.DEVNULL)
        with serving(index, {**base, "RAG_RELOAD_POLL_SECONDS": "0", **env}, 180, cwd=checkout) as served:
            yield served


def checkout_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a benchmark that serves a checkout: which one, and where its figures go."""
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the rag checkout to serve (default: this one)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")


# -- dataset vectors for the scale benchmarks ---------------------------------------------------------------------

SETS = ("piaf", "en_stackfaq")
QUERIES = 300
CACHE = Path(tempfile.gettempdir()) / "rag-scale-embeddings"


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def real_embeddings(datasets: Path) -> tuple[np.ndarray, np.ndarray]:
    """(passage vectors, held-out question vectors), embedded once and cached by the datasets' bytes."""
    passages = [f"{p.get('title', '')}\n{p['text']}" for s in SETS for p in _jsonl(datasets / s / "passages.jsonl")]
    questions = [str(q["question"]) for s in SETS for q in _jsonl(datasets / s / "questions.jsonl")]
    questions = [questions[i] for i in np.random.default_rng(0).permutation(len(questions))[:QUERIES]]
    key = hashlib.sha256(json.dumps([passages, questions]).encode()).hexdigest()[:16]
    cached = CACHE / f"{key}.npz"
    if cached.is_file():
        data = np.load(cached)
        return data["passages"], data["questions"]
    from rag.embedding.load import ModelSpec
    from rag.embedding.names import FALLBACK_MODEL

    embedder = ModelSpec(FALLBACK_MODEL).load()  # the figures in docs/SCALE.md were measured on these vectors
    p, q = embedder.embed_passages(passages), embedder.embed_queries(questions)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(cached, passages=p, questions=q)
    return p, q


def synthetic(real: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """`n` normalised vectors: the real ones, then perturbed mixtures of them (see `scripts.bench.scale_bench`)."""
    rng = np.random.default_rng(seed)
    centred = real - real.mean(axis=0)
    cov = centred.T @ centred / len(real)
    root = np.linalg.cholesky(cov + 1e-6 * np.eye(real.shape[1])).astype(np.float32)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    out[:min(n, len(real))] = real[:n]
    for start in range(len(real), n, 100_000):
        m = min(100_000, n - start)
        block = real[rng.integers(0, len(real), m)] + rng.uniform(0, 0.5, (m, 1)).astype(np.float32) * \
            real[rng.integers(0, len(real), m)] + rng.standard_normal((m, real.shape[1]), dtype=np.float32) @ root.T
        out[start:start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out
