"""What the rows of a table become (.csv, .tsv, read by `rag.corpus.formats.csv`): FAQ entries, or records.

- **The header** (`header_row`). The first of the first five rows with text that names a question column and an
  answer column (below) and reads as names (`is_header`: every cell of at most 60 characters and 8 words, none
  ending a sentence, no two the same; one may wrap over lines, "Question\n(FR)"); above it, a row of one cell
  ("FAQ boutique;;") is the document's title, other rows are read as rows without header. Else the first row with
  text, when it reads as names, each cell one line, and has rows under it, none of its cells holding digits over a
  column whose cells mostly are values like it ("2024" over "2025", "3 jours" over "5 jours"; "Remise au-delà de 10
  palettes" over "8 %" is a name). A first row of short words over short
  words ("Dupont;Paris") reads as names: such a file is read with it as its header, its values shown as names of the
  values under them. A first row of one cell over a wider row is a title, never the header: the row under it is, if
  it reads as names and one of its cells stands over values unlike it ("Prix" over "45 €"; over text alone it may be
  a row of data, kept as one). A header written over two rows (a name merged over several columns, the row under
  naming each, unlike the values under them: `rag.corpus.formats.header_levels`) names each of those columns by both
  ("Location › 36 mois").
- **An FAQ.** A header naming a question column (`QUESTION`: question, titre, title, intitulé, sujet, q, pregunta,
  frage, ...) and an answer column (`ANSWER`: réponse, answer, contenu, content, body, texte, text, description, a,
  respuesta, antwort, ...) makes each row a section: its heading the question, its lines the answer's paragraphs and
  line breaks, each other non-empty cell a "Name : value" field (`Section.fields`: an id, the question's
  paraphrases, a state, a date), which the chunker embeds and indexes with each passage of the entry but keeps out
  of its text, so that they find the entry and an answer never quotes them (a cell beyond the header, which no name
  says is not the answer's, is a line after the answer, its value alone). A
  name matches folded (case, accents and punctuation aside), whole ("Q", "Réponse") or by a word of it ("Texte de la
  question", "Réponse (FR)"; a single letter only whole); where several columns match, the strongest word wins
  (question over titre, réponse over contenu over texte over description), then a name that is the word alone,
  then the leftmost column. Category columns (`CATEGORY`: catégorie, rubrique, thème, section, sous-catégorie, ...)
  are the headings the entry stands under, as the `<h2>` of a help page grouped by topic, rather than lines: its
  citation's section is "Compte › Changer de mot de passe ?", the topic is embedded with every passage of the entry,
  however long (a line would be in one passage only), and the body holds what answers. Not a column that identifies
  the category (a name holding a word of `KEYS`: "Section Id", "Category ID", "category_url"), nor one whose values
  are mostly numbers or identifiers (a help desk's "Section" of "360000999"): no heading a person reads. They stay
  fields, as an "ID" column does: a keyword search for the number finds its row, for a few tokens of what is
  embedded, and no answer shows it.
- **Any other table.** Each row a section headed by its first non-empty cell, when that reads as a heading (one line,
  at most 200 characters); its other cells lines, "Name : value" under a header, the values alone without one.
- **A note.** A row under a header whose one cell with text is merged across more than half the table's columns (from
  the header's first named to its last: an empty margin left of the table is none of them; a workbook's note under or
  inside its table: "Sérénité Plus : contrat Sérénité majoré de 60 %, ...") is a section of its own, without heading,
  its lines as written: no column's value ("Modèle : Sérénité Plus ..."), no FAQ's question. A cell alone in its row,
  not merged, stays its column's value: nothing else tells a note from it. In an FAQ sheet, such a row in a category
  column of one line of at most 4 words, no sentence ("Livraison"), is a band naming the category of the entries under
  it, not a note: a category without entry, left out as such a row is; but for one under the last entry, which heads
  none: a note under the table ("Mis à jour en mars", "Tarifs TTC"), read as one.
- **Drafts.** An FAQ row whose state column (a name holding a word of `STATES`: "Statut", "Status", "post_status")
  reads as a draft's (`DRAFTS`: "draft", "brouillon", "borrador", "Entwurf", ...) is left out and counted in the
  report, as a JSON record so flagged is: a chatbot's or help desk's export keeps its drafts, which it does not
  publish, beside its published entries.
- An FAQ row without answer is its question over its other cells as lines (with no answer, they are all it says; its
  question as a line when it has none), one without question its answer as lines and its other cells as fields,
  headed by its last category under the others (without heading if it has none): a question alone as a heading would
  be no passage. Empty rows are left out.

Lines and fields keep the offsets of their cells, as `Cell.lines` gives them, in reading order: a passage spans from
its lines' first start to their last end (`rag.corpus.chunking`), so its span holds them all, the question too, and no
field ("id;title;body": from the title); where the chunker makes fields lines after the answer (too long to carry),
a column left of the question starts it, cited at its own cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain, islice

from rag.corpus.formats.base import Line, Parsed, Section
from rag.corpus.formats.header_levels import two_level_names

# Strongest first: a name or word earlier in the list wins over a later one
QUESTION = ("question", "questions", "q", "pregunta", "preguntas", "frage", "fragen", "domanda", "pergunta", "vraag",
            "intitule", "titre", "title", "sujet", "subject", "objet")
ANSWER = ("reponse", "reponses", "answer", "answers", "a", "r", "respuesta", "antwort", "risposta", "resposta",
          "antwoord", "contenu", "content", "body", "corps", "texte", "text", "description", "details")
CATEGORY = ("categorie", "categories", "category", "categoria", "kategorie", "rubrique", "theme", "thematique",
            "domaine", "famille", "section", "topic")
_SUB = ("sous", "sub")  # "sous-catégorie", "subcategory" once folded
# words of a column that identifies a category rather than naming it ("Section Id", "Category ID", "category_url"):
# never a category, whatever its other words
KEYS = ("id", "ids", "identifier", "identifiant", "uuid", "guid", "key", "code", "url", "uri", "link", "lien", "slug",
        "number", "numero", "num")
# a column or key naming an entry's state ("Statut", "post_status", Intercom's `state`), and the values of it that
# flag a draft the site does not publish (a chatbot's or help desk's export keeps its drafts beside the others)
STATES = ("state", "status", "statut", "etat", "estado", "stato")
DRAFTS = ("draft", "brouillon", "borrador", "entwurf", "bozza", "rascunho", "concept")
_IDENTIFIER = re.compile(r"\S*\d\S*")  # one word holding a digit: "360000999", "CAT-12", "3f2a9c1e-..."
_NAME_CHARS, _NAME_WORDS, _HEADING_CHARS = 60, 8, 200
_BAND_WORDS = 4  # a category's name at most, as a help centre's are ("Livraison", "Retours et remboursements")
_HEADER_ROWS = 50  # the rows a header is judged against
_TITLE_ROWS = 5  # the rows an FAQ's header is looked for in: above it, a title or notes
_DIGIT = re.compile(r"\d")
_SENTENCE_END = (".", "!", "?")
LABEL = " : "  # between a column's name and its value


@dataclass(slots=True)
class Cell:
    """A cell's value, its non-blank lines with their offsets in the file (`rag.corpus.formats.base.Line`), and the
    columns it spans (a workbook's merged cell, its own and those right of it; one elsewhere)."""

    value: str
    lines: tuple[Line, ...]
    across: int = 1

    @property
    def text(self) -> str:
        """The cell's text on one line, as a heading shows it: its lines' (an HTML cell's without its tags)."""
        return " ".join(" ".join(line.text for line in self.lines).split())


@dataclass(frozen=True)
class Columns:
    """The columns of an FAQ table: its question's, its answer's, and its categories', in order."""

    question: int
    answer: int
    categories: tuple[int, ...]


def folded(name: str) -> str:
    """A column name as it is matched: case and accents folded, punctuation a space ("Réponse (FR)" -> "reponse fr")."""
    plain = unicodedata.normalize("NFKD", name).casefold()
    if not plain.isascii():  # no accent to drop otherwise (a deck's long titles, each folded)
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def _rank(name: str, names: Sequence[str]) -> tuple[int, int] | None:
    """How strongly `name` matches one of `names`: by the strongest word of it that is one ("Question (FR)" is a
    question before "Titre" is), a name that is that word alone first; a single letter only alone ("Q")."""
    name = folded(name)
    if name in names:
        return names.index(name), 0
    words = [names.index(word) for word in name.split() if len(word) > 1 and word in names]
    return (min(words), 1) if words else None


@lru_cache(maxsize=4096)  # a JSON file's records share their keys: each record's are judged
def _category(name: str) -> bool:
    """Whether a column names the topic its rows stand under: a category ("Catégorie", "Thème de la question") or a
    sub-category ("Sous-catégorie", "Subcategory"); not its identifier ("Section Id", `KEYS`)."""
    words = folded(name).split()
    if any(word in KEYS for word in words):
        return False
    if words[:1] and words[0] in _SUB:
        words = words[1:]
    elif words[:1] and words[0].startswith("sub"):
        words = [words[0].removeprefix("sub"), *words[1:]]
    return bool(words) and words[0] in CATEGORY


def _identifiers(values: Iterable[str]) -> bool:
    """Whether most of a column's non-empty values are numbers or identifiers, one word holding a digit: a category
    column of a help desk export that holds the category's number, no heading to read."""
    filled = [value.strip() for value in values if value.strip()]
    return 2 * sum(1 for value in filled if identifier(value)) > len(filled)


def identifier(value: str) -> bool:
    """Whether a value is a number or an identifier, one word holding a digit ("360000999", "CAT-12", a date)."""
    return _IDENTIFIER.fullmatch(value.strip()) is not None


def state_column(name: str) -> bool:
    """Whether a column or a key names an entry's state (`STATES`, by a word of it: "Statut", "post_status")."""
    return any(word in STATES for word in folded(name).split())


def draft(value: str) -> bool:
    """Whether a state's value flags a draft (`DRAFTS`: "draft", "Brouillon", ...)."""
    return folded(value) in DRAFTS


def faq_columns(header: Sequence[str], rows: Sequence[Sequence[str]] = ()) -> Columns | None:
    """The question, answer and category columns a header names, over `rows` (those judged: a category column whose
    values are mostly identifiers is none); None unless it names a question and an answer."""
    question = best_column(header, QUESTION)
    answer = best_column(header, ANSWER, question)
    if question is None or answer is None:
        return None
    return Columns(question, answer, category_columns(header, rows, (question, answer)))


def best_column(header: Sequence[str], names: Sequence[str], taken: int | None = None) -> int | None:
    """The column of `header` (other than `taken`) whose name matches one of `names` most strongly (`_rank`), the
    leftmost between equals; None if none matches."""
    ranked = [(rank, i) for i, name in enumerate(header) if i != taken and (rank := _rank(name, names)) is not None]
    return min(ranked)[1] if ranked else None


def category_columns(header: Sequence[str], rows: Sequence[Sequence[str]], taken: Sequence[int]) -> tuple[int, ...]:
    """The columns of `header` (but those `taken`) that name a category, less those whose values over `rows` are
    mostly identifiers."""
    return tuple(i for i, name in enumerate(header) if i not in taken and _category(name)
                 and not _identifiers(row[i] for row in rows if i < len(row)))


def is_header(first: Sequence[str], rest: Sequence[Sequence[str]]) -> bool:
    """Whether the first row of a table names its columns rather than holding data (the module's docstring): names
    of an FAQ's columns, or names over rows that do not contradict them. A question row of an FAQ without header
    ("Question sur le paiement ?;Réponse sous 24 h.") holds the words of those names, and is no header."""
    names = [" ".join(value.split()) for value in first]
    filled = [(i, name) for i, name in enumerate(names) if name]
    if not filled or len({folded(name) for _, name in filled}) < len(filled):
        return False
    if any(len(name) > _NAME_CHARS or len(name.split()) > _NAME_WORDS or name.endswith(_SENTENCE_END)
           for _, name in filled):
        return False
    if faq_columns(names) is not None:
        return True  # even with a line break in a name ("Question\n(FR)"), as Excel lets one wrap a header's cell
    if any(len(first[i].strip().splitlines()) > 1 for i, _ in filled):
        return False
    for i, name in filled:
        below = [row[i] for row in rest if i < len(row) and row[i].strip()]
        if _DIGIT.search(name) and 2 * sum(1 for value in below if _alike(name, value)) >= len(below):
            return False  # a value of the column's kind ("2024" over "2025", "3 jours" over "5 jours"), not its name
    return bool(rest)


def _alike(name: str, value: str) -> bool:
    """Whether a cell holding digits is a value like `value` under it, not the column's name: `value` holds digits,
    and letters too unless the cell holds none ("2024" over "2025", "3 jours" over "5 jours", "Lot A1" over "Lot B2";
    not "Remise au-delà de 10 palettes" over "8 %", a name over numbers)."""
    return bool(_DIGIT.search(value)) and (not any(char.isalpha() for char in name) or
                                          any(char.isalpha() for char in value))


def header_row(rows: Sequence[Sequence[str]]) -> int | None:
    """Which of a table's first rows with text is its header: the first of `_TITLE_ROWS` that names an FAQ's columns
    (`faq_columns`, `is_header`: a title, "FAQ boutique;;", may stand above it), else the first row if it reads as
    names (`is_header`), else none. Under a title of one cell, the row is the header only if a cell of it stands over
    values unlike it (`names_values`: "Prix" over "45 €"): "Dupont;Paris" over "Martin;Lyon" reads as names too, and
    read so its text would be lost."""
    for i, names in enumerate(rows[:_TITLE_ROWS]):
        if faq_columns(names) is not None and is_header(names, rows[i + 1:]):
            return i
    if len(rows) > 1 and _filled(rows[0]) == 1 < _filled(rows[1]):  # a title over a wider table names no column
        return 1 if is_header(rows[1], rows[2:]) and any(names_values(rows[1], rows[2:])) else None
    return 0 if rows and is_header(rows[0], rows[1:]) else None


def names_values(row: Sequence[str], rest: Sequence[Sequence[str]]) -> list[bool]:
    """For each cell `row` fills, whether it names the values under it in `rest` by being unlike them: most of them
    hold digits, and the cell is no value of their kind (`_alike`): "36 mois" over "49 €", "Nouveau client" over "8 %".
    Text over text ("Jean" over "Paul") is no evidence: a row of data reads so too, and read as names it is lost."""
    found = []
    for i, name in enumerate(row):
        if name.strip():
            below = [values[i] for values in rest if i < len(values) and values[i].strip()]
            unlike = sum(1 for value in below if _DIGIT.search(value)
                         and not (_DIGIT.search(name) and _alike(name, value)))
            found.append(2 * unlike > len(below))
    return found


def _filled(row: Sequence[str]) -> int:
    return sum(1 for value in row if value.strip())


def table_sections(rows: Iterable[Sequence[Cell]]) -> Parsed:
    """The sections of a table's rows, read one at a time (empty rows included, so that a row's number is the one a
    spreadsheet shows), its title (a row of one cell above an FAQ's header), and what the ingest reports of them:
    rows wider than their header. Raises `ValueError` for a table without a row of text under its header."""
    filled = ((number, row) for number, row in enumerate(rows, 1) if any(cell.lines for cell in row))
    ahead = list(islice(filled, _HEADER_ROWS + _TITLE_ROWS))
    if not ahead:
        raise ValueError("no text found: every cell of the table is empty")
    values = [[cell.value for cell in row] for _, row in ahead]
    at = header_row(values)
    header, columns, above = None, None, []
    if at is not None:
        header = [" ".join(name.split()) for name in values[at]]
        second = values[at + 1] if at + 1 < len(values) else []
        levels = two_level_names(header, second) if all(names_values(second, values[at + 2:])) else None
        header, under = (levels, at + 2) if levels is not None else (header, at + 1)
        columns = faq_columns(header, values[under:under + _HEADER_ROWS])
        above, ahead = ahead[:at], ahead[under:]
    title = _title(above)
    sections = [] if title is not None else [s for _, row in above if (s := _record(row, [])) is not None]
    wider, drafts = [], []
    band: Section | None = None  # the last note or band, while no entry follows it
    states = [i for i, name in enumerate(header or ()) if state_column(name)] if columns is not None else []
    named = [i for i, name in enumerate(header or ()) if name]
    width = named[-1] - named[0] + 1 if named else 0  # the table's: a margin left of it is none of its columns
    for number, row in chain(ahead, filled):
        if any(i < len(row) and draft(row[i].value) for i in states):
            drafts.append(number)  # an FAQ's entry its export flags as a draft: not published, not indexed
            continue
        if header is not None and _note(row, width):
            note = Section(None, [line for cell in row for line in cell.lines])
            band = note if columns is not None and _band(row, columns) else None  # a note if no entry follows
            sections += [] if band else [note]
            continue
        if header is not None and any(cell.lines for cell in row[len(header):]):
            wider.append(number)
        section = faq_entry(row, header or [], columns) if columns is not None else _record(row, header or [])
        if section is not None:
            sections.append(section)
            band = None
    if band is not None:  # a band under the FAQ's last entry heads none: a note under the table ("Mis à jour en mars")
        sections.append(band)
    if not sections:
        raise ValueError("no text found: the table has a header row and no row of text under it" + (
            f", but {len(drafts):,} flagged as drafts" if drafts else ""))
    changes = [f"{len(wider):,} row{'s' if len(wider) > 1 else ''} with more cells than the header (the first: row "
               f"{wider[0]}): their extra cells are read without a name (the delimiter in a cell without "
               "quotes?)"] if wider else []
    if drafts:
        changes.append(f"{len(drafts):,} row{'s' if len(drafts) > 1 else ''} left out, flagged as drafts (a status "
                       f"column reading draft or brouillon; not published) (the first: row {drafts[0]})")
    return Parsed(sections, title=title, blocks=True, changes=changes)


def _note(row: Sequence[Cell], width: int) -> bool:
    """Whether a row under a header of `width` columns is a note: its one cell with text merged across more than
    half of them, two at least (the module's docstring)."""
    filled = [cell for cell in row if cell.lines]
    return len(filled) == 1 and filled[0].across > 1 and 2 * filled[0].across > width


def _band(row: Sequence[Cell], columns: Columns) -> bool:
    """Whether an FAQ sheet's note is a category's band instead (the module's docstring): its one cell with text in
    a category column, one line of at most `_BAND_WORDS` words, no sentence."""
    [(i, cell)] = [(i, cell) for i, cell in enumerate(row) if cell.lines]  # one, as a note's
    return (i in columns.categories and len(cell.lines) == 1 and len(cell.text.split()) <= _BAND_WORDS
            and not cell.text.endswith(_SENTENCE_END))


def _title(above: Sequence[tuple[int, Sequence[Cell]]]) -> str | None:
    """The document's title that the rows above an FAQ's header give: one row of one cell of one line (a title row,
    "FAQ boutique;;"), else none (they are read as rows without header)."""
    cells = [cell for _, row in above for cell in row if cell.lines]
    if len(above) == 1 and len(cells) == 1 and len(cells[0].lines) == 1:
        return cells[0].lines[0].text
    return None


def faq_entry(row: Sequence[Cell], header: Sequence[str], columns: Columns) -> Section | None:
    """An FAQ row as a section: the question its heading, the answer its lines, its other named cells its fields
    (lines when it has no answer), a cell without a name (beyond the header) a line after the answer."""
    def at(i: int) -> Cell | None:
        return row[i] if i < len(row) and row[i].lines else None

    question, answer = at(columns.question), at(columns.answer)
    others = [(header[i] if i < len(header) else "", cell) for i, cell in enumerate(row)
              if i not in (columns.question, columns.answer, *columns.categories) and cell.lines]
    lines = [line for name, cell in others for line in labelled(name, cell)]
    fields: list[Line] = []
    if answer is not None:  # a cell no column names stays a line: the answer's, cut at a delimiter left unquoted?
        fields = [line for name, cell in others if name for line in labelled(name, cell)]
        lines = [*answer.lines, *(line for name, cell in others if not name for line in cell.lines)]
    parents = tuple(topic.text for i in columns.categories if (topic := at(i)) is not None)
    if question is not None and lines:
        return Section(question.text, lines, question.lines[0].start, parents, fields=fields)
    body = list(question.lines) if question is not None else lines  # a question without answer, or an answer alone
    if not body:
        return None
    # under its category still, a heading of its own (a section's parents show only where it has a heading)
    return Section(parents[-1] if parents else None, body, parents=parents[:-1], fields=fields)


def _record(row: Sequence[Cell], header: Sequence[str]) -> Section | None:
    """A row of any other table as a section: headed by its first non-empty cell when it reads as a heading."""
    cells = [(header[i] if i < len(header) else "", cell) for i, cell in enumerate(row) if cell.lines]
    if not cells:
        return None
    (_, first), rest = cells[0], cells[1:]
    heading = first.text
    if rest and len(first.lines) == 1 and len(heading) <= _HEADING_CHARS:
        return Section(heading, [line for name, cell in rest for line in labelled(name, cell)], first.lines[0].start)
    return Section(None, [line for name, cell in cells for line in labelled(name, cell)])


def labelled(name: str, cell: Cell) -> list[Line]:
    """A cell's lines, the first after its column's name ("Catégorie : Compte") when it has one: the line's offsets
    stay its value's, which its text holds (a piece of it is cited at the whole line's)."""
    lines = list(cell.lines)
    if name and lines:
        lines[0] = replace(lines[0], text=f"{name}{LABEL}{lines[0].text}", item=True, doubled=())
    return lines


__all__ = ["ANSWER", "CATEGORY", "DRAFTS", "KEYS", "LABEL", "QUESTION", "STATES", "Cell", "Columns", "best_column",
           "category_columns", "draft", "faq_columns", "faq_entry", "folded", "header_row", "identifier", "is_header",
           "labelled", "state_column", "table_sections"]
