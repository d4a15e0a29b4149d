"""Where a long section's passage should not end: inside a sequence of steps.

A section too long for one passage is cut at its last clean cut in bounds (`rag.corpus.chunking`): one between a
sentence that opens a sequence ("Dans un premier temps, elle va retrouver le dossier du client ...") or any sentence
and one that goes on with it ("Ensuite, elle va aider l'internaute ...") left each passage half a procedure, and a
question about the procedure found half of it. The nearest clean cut before it that no sequence runs across is
tried first, its next passage opening on the sequence; where there is none, or where that next passage would not fit,
the cut stays where it was. Passages never overlap nor pass the size bound: only where one ends moves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

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
    """A sentence opening on one of `words` (after any bullet, dash or quote), as a whole word: "Next-day delivery"
    or "Puisque" does not."""
    spelt = sorted((r"\s+".join(map(re.escape, w.split())).replace("'", "['’]") for w in words), key=len, reverse=True)
    return re.compile(rf"[\W_]*(?:{'|'.join(spelt)})(?![\w'’-])", re.IGNORECASE)


_GOES_ON_WORDS = _opening(_GOES_ON)
_OPENS_WORDS = _opening(_OPENS)


def goes_on(before: str, after: str) -> bool:
    """Whether a sequence runs across a cut between the sentence `before` and the text `after`: `after` opens on a
    word that goes on with a sequence, or `before` on one that opens it."""
    return _GOES_ON_WORDS.match(after) is not None or _OPENS_WORDS.match(before) is not None


Cut = TypeVar("Cut")


def preferred(cuts: Iterable[tuple[Cut, str, str]]) -> list[Cut]:
    """The cuts to try, best first, of `cuts` (each with the sentence before it and the text after it), the nearest
    first: the nearest alone when no sequence runs across it (`goes_on`); else the nearest across which none runs,
    if any, then the nearest. Reads no further than that one: linear in the cuts it reads."""
    nearest = None
    for cut, before, after in cuts:
        if not goes_on(before, after):
            return [cut] if nearest is None else [cut, nearest]
        if nearest is None:
            nearest = cut
    return [] if nearest is None else [nearest]


__all__ = ["goes_on", "preferred"]
