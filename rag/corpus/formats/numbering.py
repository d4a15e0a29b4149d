"""A list item's number as a document shows it: digits, letters or Roman numerals, for the formats that store the
count and its format apart from the text (Word, OpenDocument) and leave the rendering to the application."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_LETTERS_MAX = 780  # past "zz...z" (30 letters): the number comes as digits, not millions of letters


def roman(n: int) -> str:
    """`n` in lowercase Roman numerals (1 to 3999), else as digits."""
    if not 0 < n < 4000:
        return str(n)
    out = ""
    for value, symbols in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        out += symbols * (n // value)
        n %= value
    return out


def letters(n: int, *, repeated: bool = True) -> str:
    """`n` in lowercase letters: a..z, then (`repeated`, Word's and LibreOffice's "synchronised" letters) aa..zz, aaa..;
    else as spreadsheet columns are named, aa, ab, .. az, ba. A number below 1 comes as digits, as does one past
    780 repeated."""
    if n < 1 or (repeated and n > _LETTERS_MAX):
        return str(n)
    if repeated:
        return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


@dataclass(frozen=True)
class ListLevel:
    """How an OpenDocument list level labels its items: a bullet, or (`numbered`) a number from `start` in its
    format (`shape`: style:num-format's "1", "a", "A", "i", "I"; "" shows none; letters `repeated` as "aa", "bb"
    past "z" when style:num-letter-sync says so, else "aa", "ab"), after the numbers of as many levels above as
    `levels` says ("2.1": text:display-levels), between `prefix` and `suffix`."""

    numbered: bool = False
    prefix: str = ""
    suffix: str = ""
    start: int = 1
    shape: str = "1"
    repeated: bool = False
    levels: int = 1

    def number(self, count: int) -> str:
        shape = self.shape
        if shape in ("a", "A"):
            shown = letters(count, repeated=self.repeated)
        elif shape in ("i", "I"):
            shown = roman(count)
        else:  # "1", and formats of other scripts, which come as digits
            return str(count)
        return shown.upper() if shape.isupper() else shown

    def label(self, count: int, above: Sequence[tuple[ListLevel, int]] = ()) -> str:
        """The label of the item numbered `count`, under the items of the levels above it (outermost first, each
        with its level)."""
        if not self.numbered:
            return "•"
        if not self.shape:
            return ""
        shown = above[max(0, len(above) - self.levels + 1):] if self.levels > 1 else ()
        numbers = [level.number(n) for level, n in shown if level.numbered and level.shape]
        return f"{self.prefix}{'.'.join([*numbers, self.number(count)])}{self.suffix}".strip()


__all__ = ["ListLevel", "letters", "roman"]
