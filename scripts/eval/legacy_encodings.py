"""What `rag.corpus.encoding.decode_text` makes of text files that are not clean UTF-8, written from real text.

    .venv/bin/python -m scripts.eval.legacy_encodings ../shared/datasets/piaf ../shared/datasets/cnil_faq_dev \
        /usr/share/gnupg/help.*.txt

Each argument is a dataset folder (each passage of its `passages.jsonl`, title and text, is one file) or a UTF-8 text
file (one file). From each, where it applies:

- Windows-1252 files, which should be read as such: the text as it is; as Word types it (’ for ', « » for quotes, a
  non-breaking space before ; : ! ? » and after «); that text in capitals (É then a non-breaking space).
- UTF-8 files with stray bytes, which should be refused: one or three of its non-ASCII characters written in
  Windows-1252 instead (text pasted from another file); the file cut short inside its last multi-byte character.
- Other 8-bit and multi-byte encodings (Windows-1251, 1253 and 1250, Mac Roman, DOS 437, Shift JIS, GBK), which
  should be refused unless their bytes happen to be Windows-1252 Western text too.

Prints, for each kind, how many files were read as Windows-1252, read as UTF-8 and refused. Deterministic (seeded).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from rag.corpus.encoding import decode_text

NBSP = "\u00a0"
OTHER_ENCODINGS = ("cp1251", "cp1253", "cp1250", "mac_roman", "cp437", "shift_jis", "gbk")


def as_word_types(text: str) -> str:
    """`text` with the typography Word's French autocorrect gives it."""
    text = re.sub(r"(?<=\w)'(?=\w)", "’", text)
    text = re.sub(r'"([^"\n]{1,80})"', f"«{NBSP}\\1{NBSP}»", text)
    return re.sub(r"[ \t]*([;:!?»])", f"{NBSP}\\1", text)


def texts(sources: list[str]) -> Iterator[str]:
    for source in sources:
        path = Path(source)
        if path.is_dir():
            with (path / "passages.jsonl").open(encoding="utf-8") as lines:
                for line in lines:
                    row = json.loads(line)
                    yield f"{row['title']}\n{row['text']}"
        else:
            yield path.read_text(encoding="utf-8")


def outcome(data: bytes) -> str:
    try:
        _, assumed = decode_text(data)
    except ValueError:
        return "refused"
    return "read as Windows-1252" if assumed else "read as UTF-8"


def stray(text: str, count: int, rng: random.Random) -> bytes | None:
    """`text` in UTF-8 but for `count` of its non-ASCII characters, in Windows-1252."""
    chars = list(text)
    candidates = [i for i, ch in enumerate(chars) if ord(ch) > 127 and ch.encode("cp1252", "ignore")]
    if len(candidates) < count:
        return None
    chosen = set(rng.sample(candidates, count))
    return b"".join(ch.encode("cp1252" if i in chosen else "utf-8") for i, ch in enumerate(chars))


def cut(text: str) -> bytes | None:
    """`text` in UTF-8, cut after the first byte of its last multi-byte character."""
    data = text.encode("utf-8")
    leads = [i for i, byte in enumerate(data) if byte >= 0xC2]
    return data[:leads[-1] + 1] if leads else None


def encoded(text: str, encoding: str) -> bytes | None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return None
    return data if not data.isascii() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("sources", nargs="+", help="dataset folders (passages.jsonl) or UTF-8 text files")
    rng = random.Random(20261204)
    counts: Counter[tuple[str, str]] = Counter()
    kinds: dict[str, Callable[[str], bytes | None]] = {
        "Windows-1252, as is": lambda t: encoded(t, "cp1252"),
        "Windows-1252, as Word types it": lambda t: encoded(as_word_types(t), "cp1252"),
        "Windows-1252, as Word types it, in capitals": lambda t: encoded(as_word_types(t).upper(), "cp1252"),
        "UTF-8, 1 character in Windows-1252": lambda t: stray(t, 1, rng),
        "UTF-8, 3 characters in Windows-1252": lambda t: stray(t, 3, rng),
        "UTF-8, cut inside its last character": cut,
        **{f"other: {enc}": partial(encoded, encoding=enc) for enc in OTHER_ENCODINGS},
    }
    for text in texts(parser.parse_args(argv).sources):
        for kind, make in kinds.items():
            data = make(text)
            if data is None:
                continue
            if kind.startswith("other") and _utf8(data):
                continue  # bytes that are UTF-8 too: nothing to tell
            counts[kind, outcome(data)] += 1
    columns = ("read as Windows-1252", "read as UTF-8", "refused")
    print("| file | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for kind in kinds:
        print(f"| {kind} | " + " | ".join(f"{counts[kind, column]:,}" for column in columns) + " |")
    return 0


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
