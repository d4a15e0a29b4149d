"""A black-box audit through the HTTP API: each corpus ingested into a temporary index by `rag ingest`, served by
`rag serve`, every question asked by `POST /v1/search` with default settings.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.http_audit -o /tmp/http_audit.json [--only NAME,...]

Corpora: the seed corpus (`corpus/`), cnil_faq_dev's 503 entries written as one text file each (its FAQ title in a
`sources.toml`, as a user would give titles, written only when that corpus is run), the help centre of
`tests/data/help_centre/pages`, the audits' long help pages (`tests/data/audit37/pages`, `audit_pages`;
`tests/data/audit42/pages`, `audit42_pages`: a CGV in plain text, a Word guide, a town hall's HTML page, a Markdown
claims guide; `tests/data/audit43/pages`, `audit43_pages`: three PDF guides, two without an outline), two long price
tables (`tests/data/tables/pages`, `tables_pages`: a bank's fees in Markdown, a town's prices in HTML, each cut over
several passages), audit 49's team wiki (`tests/data/audit49/spaces`, `audit49_spaces`: three French spaces exported
from Notion, Confluence and Google Docs beside an English Obsidian vault), audit 52's shop knowledge base
(`tests/data/audit52/kb`, `audit52_kb`: two help centre articles saved from a browser as whole pages, a chatbot's FAQ
as CSV, an app's release notes, canned replies as hard-wrapped text), audit 53's documentation site
(`tests/data/audit53/site`, `audit53_site`: a MkDocs Material site in French with English copies beside a Docusaurus
developer portal, kept as Markdown and MDX with their configuration), audit 54's small companies' help pages
(`tests/data/audit54/pages`, `audit54_pages`: WordPress pages built with Elementor and the block editor, a shop's
conditions of sale, a Wix page, saved from a browser), audit 56's intranet documents (`tests/data/audit56/docs`,
`audit56_docs`: an HR handbook and an IT procedure in Word, numbered headings, footnotes, tracked changes, beside a
travel policy in LibreOffice's .odt), audit 57's English help corpus (`tests/data/audit57/pages`, `audit57_pages`:
Zendesk and Intercom articles saved from a browser, a Markdown delivery FAQ, a hard-wrapped returns policy), audit
58's intranet pages (`tests/data/audit58/pages`, `audit58_pages`: a works council's guide saved as a web page by
Word, an onboarding booklet downloaded from Google Docs, a fire procedure saved as HTML by LibreOffice), audit
59's long public-service and company help pages (`tests/data/audit59/pages`, `audit59_pages`: a State portal's, an
allowance office's, an energy supplier's and a mutual insurer's pages split into the reader's cases by tabs), audit
60's help pages printed to PDF from a browser (`tests/data/audit60/pages`, `audit60_pages`: a telecom operator's, an
e-shop's and a bank's pages with Chrome's or Firefox's running lines and the sites' printed furniture), audit 61's
older and other files of a company's shared drive (`tests/data/audit61/pages`, `audit61_files`: two Word 97 `.doc`
documents, an Excel 97 `.xls` workbook, an EPUB 2 handbook, a Sphinx guide in reStructuredText), audit 62's sales
and training team's files (`tests/data/audit62/pages`, `audit62_decks`: two PowerPoint decks and an Impress deck,
bullets, tables and speaker notes, beside an Excel price list and commission grid with merged headers), audit 63's
software vendor's documentation in AsciiDoc (`tests/data/audit63/docs`, `audit63_asciidoc`: an installation guide,
a configuration reference, users and rights, backups, a `[qanda]` FAQ, an English API guide and a shared partial),
audit 65's very long help pages (`tests/data/audit65/pages`, `audit65_pages`: a shop's, a SaaS's and an insurer's
"guide complet" from Zendesk, Intercom and HubSpot, the same "Délais", "Frais", "Qui contacter ?" under every
part), audit 66's public body's FAQ (`tests/data/audit66/pages`, `audit66_faq`: a transport network's 129 short
entries, one CMS page per question or accordions grouped by theme, many titles near each other) and the help pages
of `tests/data/languages` in Spanish, German, Italian, Portuguese and Dutch (`es_pages`, `de_pages`, `it_pages`,
`pt_pages`, `nl_pages`). Sets: the visible ones (dev set, chat messages, cnil_faq_dev, the help centre,
their off-topic questions) beside the audits' new ones (`tests/data/audit37/`'s on three corpora: the seed corpus,
cnil_faq_dev's entries (`cnil`) and its own pages (`audit_pages`); `tests/data/audit64/`'s on the seed corpus;
`tests/data/audit42/`, `tests/data/audit43/`, `tests/data/tables/`, `tests/data/audit49/`, `tests/data/audit52/`,
`tests/data/audit53/`, `tests/data/audit54/`, `tests/data/audit56/`, `tests/data/audit57/`, `tests/data/audit58/`,
`tests/data/audit59/`, `tests/data/audit60/`, `tests/data/audit61/`, `tests/data/audit62/`, `tests/data/audit63/`,
`tests/data/audit65/`, `tests/data/audit66/`, `tests/data/languages/` on theirs).

Per set: `R@1`, `R@5` (a gold document among the first / first five passages' documents, when the set names
documents), `ans@1`, `ans@5` (a gold answer inside the first / one of the first five passages), `snippet` (inside
`answer.text` as served: the no-answer sentence when not answerable), `snippet_any` (inside the answer's span,
whatever `answerable` says, as `rag eval` counts it) and `answerable` (the share said answerable); with `--quoted
REGEX`, `quoted`: how many served answers' text and Markdown hold a line it matches (audit 52's chatbot export's
bookkeeping quoted: `--quoted '^(> )?(intent_id|variantes|statut|derniere_modif) : '`). Each question's result is
kept in the output with the language it was read in (`question_language`) and the first passage's document and
section, for reading the failures; per corpus the model and language its ingest read.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scripts.eval.common import ROOT, norm

DATASETS = ROOT.parent / "shared" / "datasets"
AUDIT = ROOT / "tests" / "data" / "audit37"
AUDIT42 = ROOT / "tests" / "data" / "audit42"
AUDIT43 = ROOT / "tests" / "data" / "audit43"
AUDIT49 = ROOT / "tests" / "data" / "audit49"
AUDIT52 = ROOT / "tests" / "data" / "audit52"
AUDIT53 = ROOT / "tests" / "data" / "audit53"
AUDIT54 = ROOT / "tests" / "data" / "audit54"
AUDIT56 = ROOT / "tests" / "data" / "audit56"
AUDIT57 = ROOT / "tests" / "data" / "audit57"
AUDIT58 = ROOT / "tests" / "data" / "audit58"
AUDIT59 = ROOT / "tests" / "data" / "audit59"
AUDIT60 = ROOT / "tests" / "data" / "audit60"
AUDIT61 = ROOT / "tests" / "data" / "audit61"
AUDIT62 = ROOT / "tests" / "data" / "audit62"
AUDIT63 = ROOT / "tests" / "data" / "audit63"
AUDIT64 = ROOT / "tests" / "data" / "audit64"
AUDIT65 = ROOT / "tests" / "data" / "audit65"
AUDIT66 = ROOT / "tests" / "data" / "audit66"
LANGUAGES = ROOT / "tests" / "data" / "languages"
TABLES = ROOT / "tests" / "data" / "tables"
RAG = str(Path(sys.executable).parent / "rag")


def cnil_corpus(folder: Path, dataset: Path = DATASETS / "cnil_faq_dev") -> Path:
    """cnil_faq_dev's entries (`dataset`) as a folder of text files named by their id, titled by a `sources.toml`."""
    return dataset_corpus(folder, dataset)


def dataset_corpus(folder: Path, *datasets: Path) -> Path:
    """The passages of `datasets` as one text file each in `folder`, named by their id, titled by `sources.toml`."""
    folder.mkdir(parents=True, exist_ok=True)
    toml = []
    for dataset in datasets:
        for line in (dataset / "passages.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            (folder / f"{row['id']}.txt").write_text(row["text"] + "\n", encoding="utf-8")
            toml.append(f'["{row["id"]}.txt"]\ntitle = {json.dumps(row["title"], ensure_ascii=False)}\n')
    (folder / "sources.toml").write_text("\n".join(toml), encoding="utf-8")
    return folder


def corpora(tmp: Path) -> dict[str, tuple[Path, list[tuple[str, Path, bool]]]]:
    """Corpus name -> (folder, [(set name, questions file, answerable?)])."""
    chat, help_centre = ROOT / "tests" / "data" / "chat", ROOT / "tests" / "data" / "help_centre"
    return {
        "seed": (ROOT / "corpus", [("devset", ROOT / "tests" / "data" / "devset.jsonl", True),
                                   ("chat", chat / "questions.jsonl", True),
                                   ("chat_off_topic", chat / "off_topic.jsonl", False),
                                   ("audit_seed", AUDIT / "seed_questions.jsonl", True),
                                   ("audit_seed_off_topic", AUDIT / "off_topic_seed.jsonl", False),
                                   ("audit_seed_near_off_topic", AUDIT / "off_topic_seed_near.jsonl", False),
                                   ("audit64_seed", AUDIT64 / "questions.jsonl", True),
                                   ("audit64_seed_off_topic", AUDIT64 / "off_topic.jsonl", False)]),
        "cnil": (tmp / "cnil_corpus",
                 [("cnil_faq_dev", DATASETS / "cnil_faq_dev" / "questions.jsonl", True),
                  ("audit_cnil", AUDIT / "cnil_questions.jsonl", True),
                  ("audit_cnil_key", AUDIT / "cnil_questions_key.jsonl", True)]),
        "help_centre": (help_centre / "pages", [("help_centre", help_centre / "questions.jsonl", True),
                                                ("help_centre_off_topic", help_centre / "off_topic.jsonl", False)]),
        "audit_pages": (AUDIT / "pages", [("audit_help", AUDIT / "help_questions.jsonl", True),
                                          ("audit_help_off_topic", AUDIT / "off_topic_help.jsonl", False)]),
        "audit42_pages": (AUDIT42 / "pages", [("audit42_help", AUDIT42 / "help_questions.jsonl", True),
                                              ("audit42_off_topic", AUDIT42 / "off_topic.jsonl", False),
                                              ("audit42_near_off_topic", AUDIT42 / "off_topic_near.jsonl", False)]),
        "audit43_pages": (AUDIT43 / "pages", [("audit43_help", AUDIT43 / "help_questions.jsonl", True),
                                              ("audit43_off_topic", AUDIT43 / "off_topic.jsonl", False),
                                              ("audit43_near_off_topic", AUDIT43 / "off_topic_near.jsonl", False)]),
        "tables_pages": (TABLES / "pages", [("tables", TABLES / "questions.jsonl", True)]),
        "audit49_spaces": (AUDIT49 / "spaces", [("audit49", AUDIT49 / "questions.jsonl", True),
                                                ("audit49_off_topic", AUDIT49 / "off_topic.jsonl", False)]),
        "audit52_kb": (AUDIT52 / "kb", [("audit52", AUDIT52 / "questions.jsonl", True),
                                        ("audit52_off_topic", AUDIT52 / "off_topic.jsonl", False)]),
        "audit53_site": (AUDIT53 / "site", [("audit53", AUDIT53 / "questions.jsonl", True),
                                            ("audit53_off_topic", AUDIT53 / "off_topic.jsonl", False),
                                            ("audit53_near_off_topic", AUDIT53 / "off_topic_near.jsonl", False)]),
        "audit54_pages": (AUDIT54 / "pages", [("audit54", AUDIT54 / "questions.jsonl", True),
                                              ("audit54_off_topic", AUDIT54 / "off_topic.jsonl", False)]),
        "audit56_docs": (AUDIT56 / "docs", [("audit56", AUDIT56 / "questions.jsonl", True),
                                            ("audit56_off_topic", AUDIT56 / "off_topic.jsonl", False)]),
        "audit57_pages": (AUDIT57 / "pages", [("audit57", AUDIT57 / "questions.jsonl", True),
                                              ("audit57_off_topic", AUDIT57 / "off_topic.jsonl", False)]),
        "audit58_pages": (AUDIT58 / "pages", [("audit58", AUDIT58 / "questions.jsonl", True),
                                              ("audit58_off_topic", AUDIT58 / "off_topic.jsonl", False)]),
        "audit59_pages": (AUDIT59 / "pages", [("audit59", AUDIT59 / "questions.jsonl", True),
                                              ("audit59_off_topic", AUDIT59 / "off_topic.jsonl", False)]),
        "audit60_pages": (AUDIT60 / "pages", [("audit60", AUDIT60 / "questions.jsonl", True),
                                              ("audit60_off_topic", AUDIT60 / "off_topic.jsonl", False),
                                              ("audit60_near_off_topic", AUDIT60 / "off_topic_near.jsonl", False)]),
        "audit61_files": (AUDIT61 / "pages", [("audit61", AUDIT61 / "questions.jsonl", True),
                                              ("audit61_off_topic", AUDIT61 / "off_topic.jsonl", False),
                                              ("audit61_near_off_topic", AUDIT61 / "off_topic_near.jsonl", False)]),
        "audit62_decks": (AUDIT62 / "pages", [("audit62", AUDIT62 / "questions.jsonl", True),
                                              ("audit62_off_topic", AUDIT62 / "off_topic.jsonl", False)]),
        "audit63_asciidoc": (AUDIT63 / "docs", [("audit63", AUDIT63 / "questions.jsonl", True),
                                                ("audit63_off_topic", AUDIT63 / "off_topic.jsonl", False)]),
        "audit65_pages": (AUDIT65 / "pages", [("audit65", AUDIT65 / "questions.jsonl", True),
                                              ("audit65_off_topic", AUDIT65 / "off_topic.jsonl", False)]),
        "audit66_faq": (AUDIT66 / "pages", [("audit66", AUDIT66 / "questions.jsonl", True),
                                            ("audit66_off_topic", AUDIT66 / "off_topic.jsonl", False)]),
        **{f"{lang}_pages": (LANGUAGES / lang / "pages", [(f"{lang}_help", LANGUAGES / lang / "questions.jsonl", True),
                                                          (f"{lang}_off_topic", LANGUAGES / lang / "off_topic.jsonl",
                                                           False)])
           for lang in ("es", "de", "it", "pt", "nl")},
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def serve(index: Path, env: dict[str, str], port: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    port = port or free_port()
    server = subprocess.Popen([RAG, "serve", "--index", str(index), "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2):
                return server, base
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"rag serve exited with {server.returncode}") from None
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("rag serve did not become ready")


@contextmanager
def served(index: Path, env: dict[str, str], port: int | None = None) -> Iterator[str]:
    """`rag serve` over `index` while the block runs: its base URL; stopped (its process group) after."""
    server, base = serve(index, env, port)
    try:
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The questions of a JSON-lines file, as dicts."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def record(report: dict[str, Any], key: str, figures: dict[str, Any], detail: list[dict[str, Any]]) -> None:
    """A set's figures and questions into `report`, its figures printed as a JSON line."""
    report["sets"][key] = figures
    report["questions"][key] = detail
    print(json.dumps({"set": key, **figures}), flush=True)


def score(rows: list[dict[str, Any]], responses: list[dict[str, Any]],
          quoted: re.Pattern[str] | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A set's figures, and each question's result; with `quoted`, `quoted` counts the served answers (`answer.text`,
    its Markdown) holding a line it matches, and each such question says which."""
    n = len(rows)
    counted = {"text": 0, "markdown": 0}
    totals = dict.fromkeys(("R@1", "R@5", "ans@1", "ans@5", "snippet", "snippet_any", "answerable"), 0)
    graded = answered = 0
    detail = []
    for row, res in zip(rows, responses, strict=True):
        passages = res["passages"]
        docs = [p["citation"]["doc_id"] for p in passages]
        gold = set(row.get("passage_ids") or ())
        answers = [norm(a) for a in row.get("answers") or ()]
        top = [f"{p['citation']['doc_id']} | {p['citation']['section']}" for p in passages[:3]]
        item: dict[str, Any] = {"id": row["id"], "question": row["question"], "answerable": res["answerable"],
                                "language": res["question_language"], "top": top}
        totals["answerable"] += res["answerable"]
        if quoted is not None and (ans := res.get("answer")):
            held = [key for key in counted if quoted.search(ans[key] or "")]
            for key in held:
                counted[key] += 1
            if held:
                item["quoted"] = held
        if gold:
            graded += 1
            item["R@1"] = bool(docs) and docs[0] in gold
            item["R@5"] = any(d in gold for d in docs[:5])
            totals["R@1"] += item["R@1"]
            totals["R@5"] += item["R@5"]
        ans = res.get("answer")
        span = ""
        if ans:
            by_id = {p["id"]: p["text"] for p in passages}
            span = by_id.get(ans["passage_id"], "")[ans["start"]:ans["end"]]
        item["answer"] = span[:300]  # what the answer quotes, whatever `answerable` says (off-topic questions too)
        if answers:
            answered += 1
            holds = [any(a in norm(p["text"]) for a in answers) for p in passages[:5]]
            item["ans@1"], item["ans@5"] = bool(holds) and holds[0], any(holds)
            shown = ans["text"] if ans else ""
            item["snippet"] = any(a in norm(shown) for a in answers)
            item["snippet_any"] = any(a in norm(span) for a in answers)
            item["gold_rank"] = next((i for i, h in enumerate(holds, 1) if h), None)
            for key in ("ans@1", "ans@5", "snippet", "snippet_any"):
                totals[key] += item[key]
        detail.append(item)
    figures: dict[str, Any] = {"questions": n, "answerable": round(totals["answerable"] / n, 4)}
    if graded:
        figures |= {k: round(totals[k] / graded, 4) for k in ("R@1", "R@5")}
    if answered:
        figures |= {k: round(totals[k] / answered, 4) for k in ("ans@1", "ans@5", "snippet", "snippet_any")}
    if quoted is not None:
        figures["quoted"] = counted
    return figures, detail


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", type=Path)
    ap.add_argument("--only", help="corpora to run, comma-separated (seed, cnil, help_centre, audit_pages, "
                                   "audit42_pages, audit43_pages, tables_pages, audit49_spaces, audit52_kb, "
                                   "audit53_site, audit54_pages, audit56_docs, audit57_pages, audit58_pages, "
                                   "audit59_pages, audit60_pages, audit61_files, audit62_decks, audit63_asciidoc, "
                                   "audit65_pages, audit66_faq, es_pages, de_pages, it_pages, pt_pages, nl_pages)")
    ap.add_argument("--port", type=int, help="the port `rag serve` listens on (default: a free one)")
    ap.add_argument("--quoted", type=re.compile, help="count the served answers (text, Markdown) holding a line this "
                                                      "regular expression matches (re.MULTILINE: ^ opens a line)")
    args = ap.parse_args()
    quoted = re.compile(args.quoted.pattern, re.MULTILINE) if args.quoted else None
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("RAG_") or k == "RAG_MODEL_CACHE"}
    report: dict[str, Any] = {"corpora": {}, "sets": {}, "questions": {}}
    with tempfile.TemporaryDirectory(prefix="rag-http-audit-") as tmp_name:
        tmp = Path(tmp_name)
        for name, (folder, sets) in corpora(tmp).items():
            if args.only and name not in args.only.split(","):
                continue
            if name == "cnil":
                cnil_corpus(folder)
            index = tmp / f"index-{name}"
            done = subprocess.run([RAG, "ingest", str(folder), "--index", str(index), "--json", "-q"], env=env,
                                  check=True, capture_output=True, text=True)
            built = json.loads(done.stdout)
            report["corpora"][name] = {k: built.get(k) for k in ("model", "language", "passages")}
            print(json.dumps({"corpus": name, **report["corpora"][name]}, ensure_ascii=False), flush=True)
            with served(index, env, args.port) as base:
                for set_name, path, _ in sets:
                    rows = read_rows(path)
                    responses = [post(f"{base}/v1/search", {"question": r["question"]}) for r in rows]
                    record(report, set_name, *score(rows, responses, quoted))
    if args.output:
        args.output.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
