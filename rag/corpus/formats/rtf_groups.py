"""What a group of an RTF file says (`State`: where its text goes, its character and paragraph properties, which
its groups inherit and its closing brace ends), what its control words of properties set (`PROPERTIES`), and the
paragraph being read (`Paragraph`), for `rag.corpus.formats.rtf`."""

from __future__ import annotations

from dataclasses import dataclass

from rag.corpus.formats.blocks import Font, Measure

NEST_MAX = 16  # levels of tables in tables (\itapN): deeper ones are read as the deepest
_UC_MAX = 8  # \ucN: the fallback characters skipped after a \uN (Word writes 1 or 2)
_PLAIN_SIZE = 24  # the font size in half-points where none is said (12 pt)


@dataclass(slots=True)
class State:
    """What a group says, which its groups inherit and its closing brace ends: where its text goes (`sink`: None
    the body, "label" a list item's bullet, "title", "style", "instruction", "fonts", "stylesheet", "info"; `skip`
    nowhere), its character and paragraph properties, and the destination it opened (`opened`, for its end)."""

    skip: bool = False
    sink: str | None = None
    bold: bool = False
    size: int = _PLAIN_SIZE
    font: int | None = None
    deleted: bool = False
    hidden: bool = False
    style: int = 0
    intbl: bool = False
    itap: int = 0
    outline: int | None = None
    uc: int = 1
    instruction: str = ""
    opened: str | None = None

    def child(self) -> State:
        """The state a group opened in this one starts in: this one's, but for the destination it opened."""
        return State(self.skip, self.sink, self.bold, self.size, self.font, self.deleted, self.hidden, self.style,
                     self.intbl, self.itap, self.outline, self.uc, self.instruction)

    def depth(self) -> int:
        """The level of tables the paragraph stands in: 0 none, 1 a table of the body, 2 one in its cell..."""
        return min(self.itap, NEST_MAX) if self.itap > 0 else 1 if self.intbl else 0


class Paragraph:
    """A paragraph's text as it is read: its pieces, its list label, and how it is set (`font`)."""

    __slots__ = ("label", "pieces", "set")

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.label: list[str] = []
        self.set = Measure()

    def add(self, text: str, state: State) -> None:
        self.pieces.append(text)
        self.set.saw(text, Font(state.bold, state.size / 2))  # \fs is in half-points

    @property
    def font(self) -> Font | None:
        """How the paragraph is set, as `Font` says; None if it shows no text."""
        return self.set.font

    def shown(self) -> tuple[str, str]:
        """Its list label ("" if none; any bullet "•") and its text."""
        label = " ".join("".join(self.label).split())
        if label and (label == "o" or not any(c.isalnum() for c in label)):
            label = "\u2022"  # Symbol's \'b7, Wingdings' square, Courier's "o", a private-use character: a bullet
        return label, "".join(self.pieces)


def _bold(state: State, number: int | None) -> None:
    state.bold = number != 0


def _size(state: State, number: int | None) -> None:
    state.size = number if number is not None and 0 < number <= 3276 else _PLAIN_SIZE


def _plain(state: State, number: int | None) -> None:
    state.bold, state.size, state.font, state.deleted, state.hidden = False, _PLAIN_SIZE, None, False, False


def _pard(state: State, number: int | None) -> None:
    state.style, state.intbl, state.itap, state.outline = 0, False, 0, None


def _font(state: State, number: int | None) -> None:
    state.font = number


def _style(state: State, number: int | None) -> None:
    state.style = number if number is not None else 0


def _outline(state: State, number: int | None) -> None:
    state.outline = number


def _intbl(state: State, number: int | None) -> None:
    state.intbl = number != 0


def _itap(state: State, number: int | None) -> None:
    state.itap = max(0, min(number if number is not None else 1, NEST_MAX))


def _uc(state: State, number: int | None) -> None:
    state.uc = max(0, min(number if number is not None else 1, _UC_MAX))


def _deleted(state: State, number: int | None) -> None:
    state.deleted = number != 0


def _hidden(state: State, number: int | None) -> None:
    state.hidden = number != 0


# The control words that set a group's properties, each with what it does with its number
PROPERTIES = {"b": _bold, "fs": _size, "plain": _plain, "pard": _pard, "f": _font, "s": _style,
              "outlinelevel": _outline, "intbl": _intbl, "itap": _itap, "uc": _uc, "deleted": _deleted,
              "v": _hidden}


__all__ = ["NEST_MAX", "PROPERTIES", "Paragraph", "State"]
