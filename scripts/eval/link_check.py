"""Whether citations' links find their passage on the page: the text fragment of each passage's `link` looked for in
its document as a browser shows it.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.link_check [FOLDER ...]

Each corpus folder (by default the help centre's pages and the audit's long pages, whose documents declare URLs) is
ingested by `rag ingest` into a temporary index; each passage's citation link (`rag.search.links`) is read, and its
text directive's words (`text=start,end`) are looked for in the document rendered as a page: a Markdown file through
markdown-it (CommonMark with tables), an HTML file as it is, a text file as its lines. The page's text is taken block
by block (a paragraph, a list item, a table cell, a heading), its runs of spaces and line breaks as one space, as
browsers match text fragments: `start` must be found within one block, `end` within one block at or after it,
without regard to case. Printed per folder: passages, links with a text fragment, how many find their words, and
how many start with words the page holds more than once (a browser highlights their first place).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt

from rag.index.store import Index
from rag.search.remembered import citation
from scripts.eval.common import ROOT

FOLDERS = [ROOT / "tests" / "data" / "help_centre" / "pages", ROOT / "tests" / "data" / "audit37" / "pages"]
RAG = str(Path(sys.executable).parent / "rag")
BLOCKS = {"p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "div", "summary", "blockquote",
          "pre", "section", "article", "tr", "table", "ul", "ol", "dl", "details", "body", "main", "nav", "footer",
          "header", "aside", "br", "hr", "title"}
SKIPPED = {"script", "style", "head", "template"}
FRONT_MATTER = re.compile(r"\A---\r?\n.*?\r?\n---\r?\n", re.DOTALL)


class Blocks(HTMLParser):
    """A page's text, one string per block, whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = [""]
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping += 1
        elif tag in BLOCKS:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCKS:
            self.blocks.append("")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.blocks[-1] += data


def page_blocks(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".md", ".markdown"):
        html = MarkdownIt("commonmark").enable("table").render(FRONT_MATTER.sub("", text))
    elif path.suffix in (".html", ".htm"):
        html = text
    else:
        return [" ".join(line.split(" ")).strip().casefold() for line in text.splitlines()]
    parser = Blocks()
    parser.feed(html)
    return [re.sub(r"[ \t\r\n\f]+", " ", b).strip().casefold() for b in parser.blocks if b.strip()]


def found(blocks: list[str], directive: str) -> tuple[bool, bool]:
    """Whether the directive's words are on the page, and whether its start is there more than once (a browser
    highlights the first)."""
    terms = [unquote(t).casefold() for t in directive.removeprefix("text=").split(",")]
    starts = [i for i, b in enumerate(blocks) if terms[0] in b]
    if not starts:
        return False, False
    return len(terms) == 1 or any(terms[-1] in b for b in blocks[starts[0]:]), len(starts) > 1


def check(folder: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([RAG, "ingest", str(folder), "--index", tmp, "-q"], check=True)
        index = Index.load(Path(tmp))
        pages: dict[str, list[str]] = {}
        passages = fragments = matched = twice = 0
        misses = []
        for chunk in index.passages:
            passages += 1
            link = citation(chunk).link
            fragment = urlsplit(link).fragment if link else ""
            if ":~:text=" not in fragment:
                continue
            fragments += 1
            directive = fragment.split(":~:", 1)[1]
            blocks = pages.setdefault(chunk.source, page_blocks(folder / chunk.source))
            there, repeated = found(blocks, directive)
            matched += there
            twice += repeated
            if not there:
                misses.append(f"{chunk.source}: {unquote(directive)}")
    return {"folder": str(folder.relative_to(ROOT)) if folder.is_relative_to(ROOT) else str(folder),
            "passages": passages, "text fragments": fragments, "found": matched, "start found twice": twice,
            "misses": misses}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", type=Path, default=FOLDERS)
    for folder in ap.parse_args().folders:
        print(json.dumps(check(folder.resolve()), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
