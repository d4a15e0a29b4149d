"""How rag's readers read documents (HTML pages first; any format rag reads, by its suffix), to compare two versions
of the readers on the same files: each file's sections (heading path, lines) written as JSON, then the files whose
reading changed, line by line.

    find corpus tests/data -name "*.htm*" > /tmp/pages.txt
    (find /usr/share/doc /usr/lib/python3* .venv /usr/lib/node_modules -type f -name "*.html" | shuf -n 400 \
        --random-source=<(yes); find ~/.rustup/toolchains -type f -name "*.html" -size +2k | shuf -n 150 \
        --random-source=<(yes)) >> /tmp/pages.txt
    git worktree add --detach /tmp/old-rag BASE     # the reader before, run by this script (not in BASE)
    PYTHONPATH=/tmp/old-rag .venv/bin/python scripts/eval/html_sections.py /tmp/pages.txt -o /tmp/old.json
    PYTHONPATH=. .venv/bin/python scripts/eval/html_sections.py /tmp/pages.txt -o /tmp/new.json --against /tmp/old.json

Other formats the same way, from another list: `find corpus tests -name "*.txt" -o -name "*.md" -o -name "*.csv" -o
-name "*.docx" -o -name "*.odt" > /tmp/pages.txt` (a file a reader refuses is read as its error).

Prints, for each page read otherwise than in `--against`, the lines gone or added and the lines whose section
changed ("[old path] -> [new path]: line").
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

from rag.corpus.encoding import decode_text
from rag.corpus.files import BINARY_SUFFIXES, SUFFIXES
from rag.corpus.formats.base import Parsed, heading_path

Reading = list[tuple[str | None, list[str]]]


def read(path: Path) -> Reading:
    """A file's sections, read by the parser of its suffix (`rag.corpus.files`)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES and suffix not in BINARY_SUFFIXES:
        return [("error", [f"no reader for {suffix or 'a file without suffix'}"])]  # recorded, as ingest skips it
    try:
        parsed: Parsed = BINARY_SUFFIXES[suffix](path.read_bytes()) if suffix in BINARY_SUFFIXES else \
            SUFFIXES[suffix](decode_text(path.read_bytes())[0])
    except ValueError as exc:  # a bad file, as ingest reports it
        return [("error", [str(exc)])]
    return [(heading_path(s, parsed.title or ""), [line.text for line in s.lines]) for s in parsed.sections]


def differences(old: Reading, new: Reading) -> list[str]:
    """The lines gone (-) or added (+), then those read under another section."""
    before = [(path, line) for path, lines in old for line in lines]
    after = [(path, line) for path, lines in new for line in lines]
    out = [d for d in difflib.unified_diff([t for _, t in before], [t for _, t in after], lineterm="", n=0)
           if d[:1] in "+-" and d[:3] not in ("+++", "---")]
    where: dict[str, str | None] = {}
    for path, line in before:
        where.setdefault(line, path)
    out += [f"[{where[line]}] -> [{path}]: {line}" for path, line in after if line in where and where[line] != path]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", type=Path, help="a file listing the pages, one path a line")
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to write the readings (JSON)")
    parser.add_argument("--against", type=Path, help="readings written before, to compare with")
    args = parser.parse_args(argv)
    pages = [line for line in args.pages.read_text(encoding="utf-8").splitlines() if line.strip()]
    readings = {page: read(Path(page)) for page in pages}
    args.output.write_text(json.dumps(readings, ensure_ascii=False), encoding="utf-8")
    if args.against:
        old = {page: [(path, lines) for path, lines in reading]
               for page, reading in json.loads(args.against.read_text(encoding="utf-8")).items()}
        changed = [page for page in pages if page in old and old[page] != readings[page]]
        for page in changed:
            print(f"== {page}")
            for line in differences(old[page], readings[page]):
                print(f"   {line[:160]}")
        print(f"{len(pages)} pages, {len(changed)} read otherwise")
    return 0


if __name__ == "__main__":
    sys.exit(main())
