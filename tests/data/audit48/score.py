"""Score audit 48's questions against a running server (`score.py PORT questions.jsonl`): the gold page first or in
the top 5, the answer's words in the answer's snippet or in a top-5 passage; one line a question, then the counts."""

import json
import sys
import urllib.request


def ask(port: str, question: str, k: int = 5) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/search",
                                     json.dumps({"question": question, "k": k}).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()


def main(port: str, path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        questions = [json.loads(line) for line in handle if line.strip()]
    counts = {"first": 0, "top5": 0, "snippet": 0, "passage": 0}
    for q in questions:
        found = ask(port, q["question"])
        docs = [p["citation"]["doc_id"] for p in found["passages"]]
        answer = found["answer"] or {}
        marks = {"first": docs[:1] == q["passage_ids"][:1], "top5": q["passage_ids"][0] in docs,
                 "snippet": any(norm(x) in norm(answer.get("text", "")) for x in q["answers"]),
                 "passage": any(norm(x) in norm(p["text"]) for p in found["passages"] for x in q["answers"])}
        for key, hit in marks.items():
            counts[key] += hit
        rank = "1" if marks["first"] else "5" if marks["top5"] else "-"
        label = (answer.get("citation") or {}).get("label")
        print(f'{q["id"]:>3} {rank} {"S" if marks["snippet"] else "."} {"A" if marks["passage"] else "."} '
              f'{q["question"][:50]:50} | {docs[:3]} | {answer.get("text", "")[:90]!r} | {label}')
    n = len(questions)
    print(f'gold page first {counts["first"]}/{n}, in top 5 {counts["top5"]}/{n}, answer string in snippet '
          f'{counts["snippet"]}/{n}, in a top-5 passage {counts["passage"]}/{n}')


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
