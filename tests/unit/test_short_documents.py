"""A document of at most two passages is cut at none of the title lines its shape alone made headings: their
parts are one answer's (`rag.corpus.short_documents`); a longer one, and any other kind of heading, keep theirs."""

from __future__ import annotations

from pathlib import Path

from rag.corpus.chunking import Chunker
from rag.corpus.reader import read_document
from rag.corpus.short_documents import join_title_lines

# an FAQ entry's answer as a text file, its lists named by title lines (cnil_faq_dev's entry 111 has this shape)
LISTS = """Règle de base : lors d'un achat, ne communiquez que les informations indispensables à la commande.

Il existe également des listes d'opposition sur lesquelles vous pouvez vous inscrire gratuitement :

La liste Robinson

Gérée par une association de professionnels, elle recense ceux qui ne veulent plus de courriers publicitaires.

La liste rouge

Vos coordonnées ne sont pas dans l'annuaire et ne sont pas communiquées pour des démarches publicitaires.
"""


def _words(texts) -> list[int]:
    return [len(text.split()) for text in texts]


def _read(tmp_path: Path, name: str, text: str, title: str = "Comment recevoir moins de publicités ?"):
    """`text` as a file `name` titled `title` (an FAQ entry's question, as a `sources.toml` declares it)."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    return read_document(tmp_path, tmp_path / name, {"title": title})


def test_a_short_files_title_lines_are_text_of_the_section_before_them(tmp_path):
    doc = _read(tmp_path, "publicite.txt", LISTS)
    assert [s.heading for s in doc.sections] == [None, "La liste Robinson", "La liste rouge"]  # as parsed
    chunker = Chunker(_words, max_tokens=60)  # the file and its title are 69 words: two passages at most
    join_title_lines(doc, chunker)
    assert [s.heading for s in doc.sections] == [None]
    assert [line.text for line in doc.sections[0].lines] == [line for line in LISTS.splitlines() if line]
    chunks = chunker.chunk(doc)
    assert {chunk.section for chunk in chunks} == {None}
    # every line is cited where it stands, the title lines too
    assert all(LISTS[c.start:c.end].startswith(c.text.split("\n")[0]) for c in chunks)
    assert "La liste Robinson\nGérée par" in "\n".join(chunk.text for chunk in chunks)


def test_a_longer_file_keeps_its_title_lines_as_headings(tmp_path):
    doc = _read(tmp_path, "publicite.txt", LISTS)
    join_title_lines(doc, Chunker(_words, max_tokens=30))  # 69 words: more than two passages of 30
    assert [s.heading for s in doc.sections] == [None, "La liste Robinson", "La liste rouge"]


def test_a_question_stays_a_heading_and_a_title_line_under_it_joins_its_answer(tmp_path):
    text = ("Vous avez perdu le formulaire que vous nous aviez adressé ?\n\n"
            "Vous pouvez en obtenir un duplicata en nous écrivant, avec le numéro de votre dossier.\n\n"
            "Adressez une demande en ligne\n\n"
            "A savoir : un duplicata du récépissé seulement vous sera adressé pour une déclaration simplifiée.\n")
    doc = _read(tmp_path, "duplicata.txt", text)
    question = "Vous avez perdu le formulaire que vous nous aviez adressé ?"
    assert [s.heading for s in doc.sections] == [question, "Adressez une demande en ligne"]
    join_title_lines(doc, Chunker(_words, max_tokens=60))
    assert [s.heading for s in doc.sections] == [question]
    assert [line.text for line in doc.sections[0].lines][1:] == [
        "Adressez une demande en ligne",
        "A savoir : un duplicata du récépissé seulement vous sera adressé pour une déclaration simplifiée."]


def test_markdown_headings_and_a_files_title_line_are_kept(tmp_path):
    markdown = _read(tmp_path, "horaires.md", "## Horaires\n\nDu lundi au vendredi de 9 h à 18 h, le samedi de 10 h "
                                              "à 16 h.\n\n## Adresse\n\n12 rue des Lilas, à Lyon, près de la gare.\n")
    join_title_lines(markdown, Chunker(_words, max_tokens=60))
    assert [s.heading for s in markdown.sections] == ["Horaires", "Adresse"]
    alone = _read(tmp_path, "inscription.txt", "Inscription à la médiathèque\n\nL'inscription est gratuite pour les "
                                                "habitants de la commune, sur présentation d'un justificatif.\n")
    before = [(s.heading, s.lines) for s in alone.sections]
    join_title_lines(alone, Chunker(_words, max_tokens=60))
    assert [(s.heading, s.lines) for s in alone.sections] == before
    assert [s.heading for s in alone.sections] == ["Inscription à la médiathèque"]  # under the declared title


def test_a_joined_title_line_is_read_with_its_control_characters_blanked_as_every_indexed_line_is(tmp_path):
    # a title line coloured by a terminal escape sequence: the reader blanks it in the heading and the source; read
    # as text, the line must be the same, not the raw sequence (in the passage, and found where it is cited)
    text = ("Horaires \x1b[1md'été\x1b[0m\n\nLa médiathèque est ouverte en juillet et en août de 14 h à 18 h.\n\n"
            "Fermetures\n\nElle est fermée la première semaine d'août pour inventaire des collections.\n")
    doc = _read(tmp_path, "ete.txt", text)
    assert doc.sections[0].heading == "Horaires  [1md'été [0m"
    chunker = Chunker(_words, max_tokens=60)
    join_title_lines(doc, chunker)
    assert [s.heading for s in doc.sections] == [None]
    (chunk,) = chunker.chunk(doc)
    assert "\x1b" not in chunk.text
    assert chunk.text.split("\n")[0] == "Horaires  [1md'été [0m"
    assert all(line in doc.text[chunk.start:chunk.end] for line in chunk.text.split("\n"))


def test_the_headings_a_joined_title_line_stood_under_are_kept(tmp_path):
    """A file opening on a lone title line over title-line sections, under a title `sources.toml` declares: the line
    is the heading its sections stand under ("Médiathèque Louise-Michel › Horaires"), and no line of the text. Read
    as text, the title lines must leave it where it was, or the library's name is in no passage at all."""
    text = ("Médiathèque Louise-Michel\n\nHoraires\n\nLa médiathèque est ouverte du mardi au samedi de 10 h à 18 h.\n\n"
            "Adresse\n\nElle se trouve 12 rue des Lilas, à deux pas du métro Gratte-Ciel.\n")
    (tmp_path / "infos.txt").write_text(text, encoding="utf-8")
    doc = read_document(tmp_path, tmp_path / "infos.txt", {"title": "Où trouver la médiathèque ?"})
    assert [s.heading for s in doc.sections] == ["Médiathèque Louise-Michel › Horaires",
                                                 "Médiathèque Louise-Michel › Adresse"]
    chunker = Chunker(_words, max_tokens=60)
    join_title_lines(doc, chunker)
    (chunk,) = chunker.chunk(doc)
    assert chunk.section == "Médiathèque Louise-Michel"
    assert chunk.text.split("\n") == [line for line in text.splitlines()[1:] if line]
    # a document opening on text: its title lines join it, under the heading path they stood under
    intro = ("MÉDIATHÈQUE LOUISE-MICHEL\nGuide du lecteur\n\nCe guide présente les services de la médiathèque du "
             "quartier.\n\nHoraires\n\nLa médiathèque est ouverte du mardi au samedi de 10 h à 18 h.\n")
    (tmp_path / "guide.txt").write_text(intro, encoding="utf-8")
    guide = read_document(tmp_path, tmp_path / "guide.txt", {"title": "Que propose la médiathèque ?"})
    assert guide.sections[-1].heading == "MÉDIATHÈQUE LOUISE-MICHEL › Horaires"
    join_title_lines(guide, chunker)
    assert [(s.heading, s.lines[-2].text) for s in guide.sections] == [("MÉDIATHÈQUE LOUISE-MICHEL", "Horaires")]


def test_a_short_page_titled_otherwise_than_by_a_question_keeps_its_title_lines(tmp_path):
    """An information page's parts each answer questions of their own: read as one passage, a question on the fees
    was answered by the opening hours, and "horaires" by the bare word (review of stop 51)."""
    text = ("Horaires\n\nLa piscine est ouverte du lundi au vendredi de 7 h à 21 h, le week-end de 9 h à 19 h.\n\n"
            "Tarifs\n\nL'entrée coûte 3,50 € pour les adultes et 2 € pour les moins de 18 ans.\n")
    doc = _read(tmp_path, "piscine.txt", text, title="Piscine municipale")
    before = [(s.heading, s.lines) for s in doc.sections]
    assert [heading for heading, _ in before] == ["Horaires", "Tarifs"]
    join_title_lines(doc, Chunker(_words, max_tokens=60))
    assert [(s.heading, s.lines) for s in doc.sections] == before
    asked = _read(tmp_path, "piscine.txt", text, title="Quels sont les horaires et les tarifs de la piscine ?")
    join_title_lines(asked, Chunker(_words, max_tokens=60))
    assert len(asked.sections) == 1
