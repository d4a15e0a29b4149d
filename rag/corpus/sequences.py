"""Where a long section's passage should not end: inside a sequence of steps.

A section too long for one passage is cut at its last clean cut in bounds (`rag.corpus.chunking`): one between a
sentence that opens a sequence ("Dans un premier temps, elle va retrouver le dossier du client ...") or any sentence
and one that goes on with it ("Ensuite, elle va aider l'internaute ...") left each passage half a procedure, and a
question about the procedure found half of it. The nearest clean cut before it that no sequence runs across is
tried first, its next passage opening on the sequence; where there is none, or where that next passage would not fit,
the cut stays where it was. A cut at a line's end (a paragraph's, an item's) is taken before one inside a line, and
one inside a line only in the line the passage was cut in anyway: a sentence break inside a line may be a false one
("jusqu'au 1er janv. 2025"), and a clean end is never traded for it. Passages never overlap nor pass the size bound:
only where one ends moves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Generic, NamedTuple, TypeVar

from rag.passage import sentence_breaks

# Words whose whole job is to go on with a sequence, as a sentence opens with them, in the languages the analyzer has
# chat words for; one list for all (no language is detected here): none is a common opening of another's sentences.
_GOES_ON = (
    "ensuite", "puis", "enfin", "après cela", "après quoi", "dans un second temps", "dans un deuxième temps",
    "dans un dernier temps", "deuxièmement", "pour finir",  # French
    "then", "next", "finally", "after that", "afterwards", "secondly", "lastly",  # English
    "dann", "danach", "anschließend", "schließlich", "zuletzt", "als nächstes",  # German
    "luego", "después", "a continuación", "por último",  # Spanish
    "poi", "successivamente", "infine", "dopodiché", "in seguito",  # Italian
    "depois", "em seguida", "por fim", "finalmente",  # Portuguese (and Spanish, Italian)
    "daarna", "vervolgens", "ten slotte", "tot slot",  # Dutch
)
# ... and the words that open one, announcing that steps follow
_OPENS = (
    "dans un premier temps", "tout d'abord", "d'abord", "premièrement", "en premier lieu",  # French
    "first", "firstly", "first of all", "to begin with",  # English
    "zuerst", "zunächst", "als erstes",  # German
    "primero", "en primer lugar",  # Spanish
    "innanzitutto", "per prima cosa", "in primo luogo",  # Italian
    "primeiro", "em primeiro lugar", "primeiramente",  # Portuguese
    "eerst", "allereerst", "ten eerste",  # Dutch
)


def _opening(words: Iterable[str]) -> re.Pattern[str]:
    """A sentence opening on one of `words` (after any bullet, dash or quote), as a whole word: "Next-day delivery",
    "Puisque", "Next.js" (a full stop then no space) and a table's cell ("| Ensuite | 3 |", a row read from a page's
    table "Ensuite | 3") do not."""
    spelt = sorted((r"\s+".join(map(re.escape, w.split())).replace("'", "['’]") for w in words), key=len, reverse=True)
    return re.compile(rf"(?![\W_]*\|)[\W_]*(?:{'|'.join(spelt)})(?![\w'’-]|\.\S|\s*\|)", re.IGNORECASE)


_GOES_ON_WORDS = _opening(_GOES_ON)
_OPENS_WORDS = _opening(_OPENS)


def goes_on(before: str, after: str, at: int = 0) -> bool:
    """Whether a sequence runs across a cut between the sentence `before` and the text `after` from `at`: that text
    opens on a word that goes on with a sequence, or `before` on one that opens it."""
    return _GOES_ON_WORDS.match(after, at) is not None or _OPENS_WORDS.match(before) is not None


def last_sentence(text: str, start: int = 0, end: int | None = None) -> str:
    """The last sentence of `text[start:end]` (`sentence_breaks`)."""
    text = text[start:end]
    return text[max((match.end() for match in sentence_breaks(text)), default=0):]


Cut = TypeVar("Cut")


class Candidate(NamedTuple, Generic[Cut]):
    """A clean cut, built only if it is taken (`make`), with what `goes_on` reads of it (the sentence before it only
    if the text after it does not settle it); `in_line` when it falls inside a line, at a sentence break, rather than
    at the line's end."""

    make: Callable[[], Cut]
    in_line: bool
    before: Callable[[], str]
    after: str
    at: int

    def goes_on(self) -> bool:
        """Whether a sequence runs across this cut (`goes_on`)."""
        return _GOES_ON_WORDS.match(self.after, self.at) is not None or _OPENS_WORDS.match(self.before()) is not None


def preferred(cuts: Iterable[Candidate[Cut]]) -> list[Cut]:
    """The cuts to try, best first, of `cuts`, the nearest first: the nearest alone when no sequence runs across it
    (`goes_on`); else the nearest at a line's end across which none runs, if any, or else the nearest inside a line,
    then the nearest. Builds only those; reads no further than the first such line end: linear in the cuts it reads."""
    nearest: Candidate[Cut] | None = None
    in_line: Candidate[Cut] | None = None
    for cut in cuts:
        if not cut.goes_on():
            if nearest is None:
                return [cut.make()]
            if not cut.in_line:
                return [cut.make(), nearest.make()]
            in_line = in_line or cut
        nearest = nearest or cut
    return [cut.make() for cut in (in_line, nearest) if cut is not None]


__all__ = ["Candidate", "goes_on", "last_sentence", "preferred"]
