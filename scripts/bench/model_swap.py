"""What a running server's swap to the other model costs (`RAG_MODEL=auto`): its resident memory before, at its
peak and after, and the reload's time.

    python -m scripts.bench.model_swap [-o docs/results/model_swap.json]

`rag serve` (a subprocess, the watch off) starts on a French build (corpus/: the bundled e5). The corpus then turns
English (a few pages written here), `rag ingest` builds it with all-MiniLM-L6-v2, `POST /v1/admin/reload` swaps
build and model; then French again, and so on (`--swaps`). After each step the server answers searches for a while
(its model's buffers warm), then its `VmRSS` (resident now) and `VmHWM` (the peak so far) are read from /proc.
Beside it, a server started on the English build alone: what MiniLM costs without e5 ever loaded.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from scripts.bench.common import CORPUS, ENV, rss_mib, serving

ADMIN_KEY = "bench-admin-key"
ENGLISH_PAGES = {
    "account.md": "# Deleting your account\n\nGo to the settings page, open the privacy tab and click the button at "
                  "the bottom. Your account is deactivated for two weeks, then deleted for good.\n",
    "mail.md": "# Forwarding your mail\n\nIn the mail settings, add the address your messages should go to and "
               "confirm it with the code we send there.\n",
    "billing.md": "# Changing your billing address\n\nOpen the billing page, edit the address and save it: the next "
                  "invoice carries the new one.\n",
}
QUESTIONS = {"en": ["how do I remove my profile?", "forward my emails", "where do I change the invoice address?"],
             "fr": ["Comment fonctionne le remboursement d'une commande ?",
                    "Quels documents d'identité acceptez-vous ?"]}


def hwm_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def write_corpus(folder: Path, language: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    if language == "fr":
        shutil.copytree(CORPUS, folder)
    else:
        folder.mkdir()
        for name, text in ENGLISH_PAGES.items():
            (folder / name).write_text(text, encoding="utf-8")


def ingest(corpus: Path, index: Path) -> None:
    subprocess.run([sys.executable, "-m", "rag", "ingest", str(corpus), "--index", str(index), "-q"], env=ENV,
                   check=True, stdout=subprocess.DEVNULL, timeout=600)


def ask(base: str, language: str, rounds: int = 20) -> str:
    """Search the language's questions `rounds` times; the model that answered."""
    model = ""
    for _ in range(rounds):
        for question in QUESTIONS[language]:
            r = httpx.post(f"{base}/v1/search", json={"question": question, "k": 3}, timeout=60)
            r.raise_for_status()
            model = r.json()["model"]
    return model


def state(pid: int, base: str, language: str) -> dict[str, object]:
    model = ask(base, language)
    return {"model": model, "rss_mib": round(rss_mib(pid), 1), "peak_mib": round(hwm_mib(pid), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--swaps", type=int, default=4, help="reloads, English and French in turn (default 4)")
    parser.add_argument("-o", "--output", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    env = {**ENV, "RAG_ADMIN_KEYS": ADMIN_KEY, "RAG_RELOAD_POLL_SECONDS": "0"}
    steps: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as scratch:
        corpus, index = Path(scratch) / "corpus", Path(scratch) / "index"
        write_corpus(corpus, "fr")
        ingest(corpus, index)
        with serving(index, env, 300) as (base, _, server):
            steps.append({"step": "started on the French build", **state(server.pid, base, "fr")})
            for language in ["en", "fr"] * (args.swaps // 2) + ["en"] * (args.swaps % 2):
                write_corpus(corpus, language)
                ingest(corpus, index)
                started = time.perf_counter()
                r = httpx.post(f"{base}/v1/admin/reload", headers={"Authorization": f"Bearer {ADMIN_KEY}"},
                               timeout=300)
                took = time.perf_counter() - started
                r.raise_for_status()
                steps.append({"step": f"reloaded the {'English' if language == 'en' else 'French'} build",
                              "reload_s": round(took, 2), **state(server.pid, base, language)})
        # an English build as a server started on it has it: MiniLM alone
        if language != "en":
            write_corpus(corpus, "en")
            ingest(corpus, index)
        with serving(index, env, 300) as (base, _, server):
            alone = {"step": "started on the English build", **state(server.pid, base, "en")}
    result = {"steps": steps, "english_alone": alone,
              "command": f"python -m scripts.bench.model_swap --swaps {args.swaps} -o docs/results/model_swap.json"}
    print(json.dumps(result, indent=2))
    if args.output:
        args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
