"""Ask a running server the questions of a knowledge base exported from a team's tool (audit 49: Notion, Confluence,
Google Docs, Obsidian) and score what a user would see: the gold page first or in the top 5, the answer's words in
the first passage, in a top-5 passage or in the answer's snippet, and the export's furniture shown to the user,
counted by kind (a tool's page id in a title or a document id, a "Créé par" line, a table of contents, wikilink or
callout syntax, a link's encoded path, a divider) in the top-5 passages and the answer's snippet. One line a
question with `-v`, then the counts.

    python -m scripts.eval.export_audit PORT tests/data/audit49/questions.jsonl [--k 5] [-v] [-o FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

# What an export writes that a reader of the page never sees as text: each kind counted once a question where it
# shows in a top-5 passage, its title or label, or the answer's snippet.
FURNITURE = {
    "tool id in a title or id": re.compile(r"\b[0-9a-f]{32}\b"),
    "page metadata": re.compile(r"Créé par .*dernière modification|Document généré par|^(?:Created|Last edited time):",
                                re.M),
    # "1Acquisition des jours" (Confluence's), or three lines or more of names alone (a list of headings or pages)
    "table of contents": re.compile(r"^\d+[A-ZÀ-Ý][a-zà-ÿ]|\A(?:[^\W\d][^\n.,:;?!|0-9]{0,38}(?:\n|\Z)){3,}\Z", re.M),
    "wikilink or embed": re.compile(r"!?\[\[[^\]]+\]\]"),
    "callout marker": re.compile(r"\[![A-Za-z]+\][+-]?"),
    "encoded link path": re.compile(r"\]\([^)]*%20[^)]*\)"),
    "divider": re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$", re.M),
}


def ask(port: int, question: str, k: int) -> dict[str, Any]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/search",
                                     json.dumps({"question": question, "k": k}).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)  # type: ignore[no-any-return]


def norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()


def shown(found: dict[str, Any]) -> list[str]:
    """All a user reads of a response: each passage's text, title, label and document id, the answer's snippet."""
    parts = [(found.get("answer") or {}).get("text", "")]
    for passage in found["passages"]:
        citation = passage["citation"]
        parts += [passage["text"], citation.get("title") or "", citation.get("label") or "", citation["doc_id"]]
    return [part for part in parts if part]


def score(port: int, questions: list[dict[str, Any]], k: int, verbose: bool) -> dict[str, Any]:
    counts = {"first": 0, "top5": 0, "answer_first": 0, "passage": 0, "snippet": 0, "answerable": 0}
    furniture = dict.fromkeys(FURNITURE, 0)
    for q in questions:
        found = ask(port, q["question"], k)
        docs = [p["citation"]["doc_id"] for p in found["passages"]]
        answer = found.get("answer") or {}
        words = [norm(x) for x in q["answers"]]
        marks = {"first": docs[:1] == q["passage_ids"][:1], "top5": q["passage_ids"][0] in docs[:5],
                 "answer_first": any(x in norm(p["text"]) for p in found["passages"][:1] for x in words),
                 "snippet": any(x in norm(answer.get("text", "")) for x in words),
                 "passage": any(x in norm(p["text"]) for p in found["passages"][:5] for x in words),
                 "answerable": bool(found.get("answerable"))}
        for key, hit in marks.items():
            counts[key] += hit
        parts = shown(found)
        kinds = [kind for kind, pattern in FURNITURE.items() if any(pattern.search(part) for part in parts)]
        for kind in kinds:
            furniture[kind] += 1
        if verbose:
            rank = "1" if marks["first"] else "5" if marks["top5"] else "-"
            label = (answer.get("citation") or {}).get("label")
            print(f'{q["id"]:>3} {rank} {"F" if marks["answer_first"] else "."} {"A" if marks["passage"] else "."} '
                  f'{"S" if marks["snippet"] else "."} '
                  f'{q["question"][:48]:48} | {docs[:2]} | {answer.get("text", "")[:80]!r} | {label} | {kinds}')
    return {"questions": len(questions), **counts, "furniture": furniture}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("port", type=int, help="the port of a running `rag serve`")
    parser.add_argument("questions", type=Path, help="JSON lines with question, answers and passage_ids")
    parser.add_argument("--k", type=int, default=5, help="passages asked for (default 5)")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line a question")
    parser.add_argument("-o", "--output", type=Path, help="write the figures as JSON too")
    args = parser.parse_args()
    with args.questions.open(encoding="utf-8") as handle:
        questions = [json.loads(line) for line in handle if line.strip()]
    figures = score(args.port, questions, args.k, args.verbose)
    n = figures["questions"]
    print(f'gold page first {figures["first"]}/{n}, in top 5 {figures["top5"]}/{n}; answer in the first passage '
          f'{figures["answer_first"]}/{n}, in a top-5 passage {figures["passage"]}/{n}, in the snippet '
          f'{figures["snippet"]}/{n}; answerable {figures["answerable"]}/{n}')
    shown_kinds = figures["furniture"].items()
    print("furniture shown (questions): " + ", ".join(f"{kind} {count}" for kind, count in shown_kinds))
    if args.output:
        args.output.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
