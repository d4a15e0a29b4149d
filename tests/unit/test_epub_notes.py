"""An e-book's notes kept in another of its files (an endnotes chapter) read after the paragraphs citing them, as a
chapter's own notes are (`epub_notes`): EPUB 3's marked ones, EPUB 2's plain links a note links back to (Calibre's,
Project Gutenberg's); the notes chapter not read twice, a cross-reference left alone, in linear time."""

from __future__ import annotations

import copy
import re

from rag.corpus.formats import epub
from rag.corpus.formats.base import Section
from rag.corpus.formats.epub import parse_epub
from rag.corpus.formats.epub_notes import book_notes
from rag.corpus.formats.html import parse_html
from tests.helpers.timing import grows_linearly
from tests.unit.test_epub import _book


def _epub(chapters: dict[str, str]) -> bytes:
    return _book([(name[:-6], name) for name in chapters], {f"OEBPS/{name}": body for name, body in chapters.items()})


def _lines(data: bytes) -> list[tuple[str | None, str]]:
    """The book's lines under their sections' headings; checks each line's offsets delimit its element in the text."""
    parsed = parse_epub(data)
    text = parsed.text or ""
    out = []
    for section in parsed.sections:
        for line in section.lines:
            span = " ".join(re.sub(r"<[^>]*>", "", text[line.start:line.end]).split())
            assert text.startswith("<", line.start) and line.text.split()[0] in span, line
            out.append((section.heading, line.text))
    return out


def test_endnotes_in_a_notes_chapter_follow_the_paragraphs_citing_them_and_are_read_once():
    chapter = ('<h1>Le bail</h1><p>Le dépôt<a epub:type="noteref" href="notes.xhtml#n1" id="r1">1</a> est rendu.</p>'
               '<p>Le loyer<a epub:type="noteref" href="notes.xhtml#n2">2</a> est payé d\'avance.</p><p>Les charges<a '
               'href="notes.xhtml#note-3" id="noteref-3" epub:type="noteref">3</a>.</p><p>Fin.</p>')
    notes = ('<h1>Notes</h1><section epub:type="endnotes"><aside epub:type="endnote" id="n1"><p><a href="c1.xhtml#r1">'
             '1</a> Sous deux mois.</p><p>Sans frais.</p></aside><ol><li epub:type="endnote" id="n2">Le cinq du mois.'
             '</li><li id="note-3"><p>Au réel. <a href="c1.xhtml#noteref-3" epub:type="backlink">↩</a></p></li></ol>'
             '</section>')  # Standard Ebooks': the link back ends the note
    assert _lines(_epub({"c1.xhtml": chapter, "notes.xhtml": notes})) == [
        ("Le bail", "Le dépôt est rendu."), ("Le bail", "Sous deux mois."), ("Le bail", "Sans frais."),
        ("Le bail", "Le loyer est payé d'avance."), ("Le bail", "Le cinq du mois."), ("Le bail", "Les charges."),
        ("Le bail", "Au réel."), ("Le bail", "Fin.")]


def test_an_epub_2_books_plain_links_to_notes_linking_back_are_notes_other_links_not():
    # Calibre's: the note's paragraph holds the id, opening on its link back; Project Gutenberg's: the id is on the
    # link back itself; a link to a chapter's section, never linked back to, is a cross-reference
    chapter = ('<p>Le dépôt<a href="../Text/notes.xhtml#n1" id="r1"><sup>1</sup></a> est rendu.</p><p>Le loyer<a '
               'id="FNanchor_2" href="../Text/notes.xhtml#Footnote_2">[2]</a> est payé.</p><p>Voir <a href="c2.xhtml#'
               's1">les charges</a>.</p>')
    second = '<h2 id="s1">Charges</h2><p id="p1">Au réel.</p><p>Voir <a href="notes.xhtml#n3">ceci</a>.</p>'
    notes = ('<p class="note" id="n1"><a href="c1.xhtml#r1">1.</a> Sous deux mois.</p><div class="footnote"><p><a '
             'id="Footnote_2" href="c1.xhtml#FNanchor_2">[2]</a> Le cinq du mois.</p></div><p id="n3">Une remarque.'
             '</p>')
    data = _book([("c1", "Text/c1.xhtml"), ("c2", "Text/c2.xhtml"), ("notes", "Text/notes.xhtml")],
                 {"OEBPS/Text/c1.xhtml": chapter, "OEBPS/Text/c2.xhtml": second, "OEBPS/Text/notes.xhtml": notes})
    assert [text for _, text in _lines(data)] == [
        "Le dépôt est rendu.", "Sous deux mois.", "Le loyer est payé.", "Le cinq du mois.", "Voir les charges.",
        "Au réel.", "Voir ceci.", "Une remarque."]


def test_a_noteref_to_a_chapter_or_a_section_with_a_heading_moves_nothing():
    chapter = '<p>Voir<a epub:type="noteref" href="annexe.xhtml#a">A</a> les taux.</p>'
    annexe = '<section id="a"><h2>Annexe</h2><p>Les taux.</p></section>'
    assert _lines(_epub({"c1.xhtml": chapter, "annexe.xhtml": annexe})) == [
        (None, "VoirA les taux."), ("Annexe", "Les taux.")]


def test_a_book_of_many_endnotes_is_read_in_linear_time():
    def book(n: int) -> bytes:
        cites = "".join(f'<p>x<a epub:type="noteref" href="notes.xhtml#n{k}" id="r{k}">{k}</a>.</p>' for k in range(n))
        notes = "".join(f'<li epub:type="endnote" id="n{k}"><p><a href="c1.xhtml#r{k}">{k}</a> Note.</p></li>'
                        for k in range(n))
        return _epub({"c1.xhtml": cites, "notes.xhtml": f'<section epub:type="endnotes"><ol>{notes}</ol></section>'})

    books = {n: book(n) for n in (1000, 4000)}
    lines = [line.text for section in parse_epub(books[1000]).sections for line in section.lines]
    assert lines[:4] == ["x.", "Note.", "x.", "Note."] and len(lines) == 2000
    assert grows_linearly(lambda n: parse_epub(books[n]), 1000)


def test_notes_whose_ids_stand_deep_in_one_long_paragraph_are_looked_for_in_linear_time(monkeypatch):
    """A note's id on an inline element makes its block the note only where it opens it: what stands before it in a
    long block is not read again for each (thousands of ids in one paragraph took quadratic time). The move alone
    is timed, on the book's sections as reading its chapters left them."""
    def book(n: int) -> bytes:
        cites = "".join(f'<p>x<a href="notes.xhtml#n{k}" id="r{k}">{k}</a>.</p>' for k in range(n))
        notes = "<p>" + "".join(f'{"y" * 50}<a id="n{k}" href="c1.xhtml#r{k}">{k}</a>' for k in range(n)) + "</p>"
        return _epub({"c1.xhtml": cites, "notes.xhtml": notes})

    read: dict[int, tuple[str, list[tuple[str, int, str]], list[Section]]] = {}
    for n in (1000, 4000):
        monkeypatch.setattr(epub, "book_notes", lambda text, chapters, sections, n=n: read.update(
            {n: (text, chapters, sections)}))
        parse_epub(book(n))
    monkeypatch.undo()
    copies = {n: [copy.deepcopy(read[n][2]) for _ in range(4)] for n in read}
    book_notes(read[1000][0], read[1000][1], read[1000][2])
    assert sum(len(section.lines) for section in read[1000][2]) == 1001  # nothing moved: no note opens its block
    assert grows_linearly(lambda n: book_notes(read[n][0], read[n][1], copies[n].pop()), 1000)


def test_a_glossarys_or_a_bibliographys_entries_linking_back_to_their_uses_are_no_notes():
    # a plain link counts as a note's citation only where its text and the link back's look like a note's mark
    chapter = ('<h1>Chapitre</h1><p id="u1">La <a href="gloss.xhtml#g1">grand-voile</a> est déchirée.</p><p>Comme '
               'le montrent <a id="c1" href="gloss.xhtml#smith">[Smith 2000]</a> et <a id="c2" href="gloss.xhtml#'
               'jones">[Jones 1999]</a>.</p>')
    glossary = ('<h1>Glossaire</h1><p id="g1"><a href="c1.xhtml#u1">Grand-voile</a> : la voile principale.</p><p '
                'id="smith">Smith, J. Un livre. <a href="c1.xhtml#c1">↑</a></p><p id="jones">Jones, K. Un autre. <a '
                'href="c1.xhtml#c2">↑</a></p>')
    assert _lines(_epub({"c1.xhtml": chapter, "gloss.xhtml": glossary})) == [
        ("Chapitre", "La grand-voile est déchirée."), ("Chapitre", "Comme le montrent [Smith 2000] et [Jones 1999]."),
        ("Glossaire", "Grand-voile : la voile principale."), ("Glossaire", "Smith, J. Un livre. ↑"),
        ("Glossaire", "Jones, K. Un autre. ↑")]


def test_two_way_contents_links_keep_the_chapters_titles_and_the_contents_in_place():
    # Calibre's: a chapter's title (a paragraph, no heading) links to its contents entry, which links to the chapter
    contents = ('<p class="h">Sommaire</p><p id="toc1"><a href="c1.xhtml#t1">Chapitre un : le voyage</a></p><p '
                'id="toc2"><a href="c2.xhtml#t2">Chapitre deux</a> Le retour</p>')
    first = '<p class="title" id="t1"><a href="toc.xhtml#toc1">Chapitre un</a> : le voyage</p><p>La nuit.</p>'
    second = '<p class="title" id="t2"><a href="toc.xhtml#toc2">Chapitre deux</a> Le retour</p><p>Chez soi.</p>'
    assert [text for _, text in _lines(_epub({"toc.xhtml": contents, "c1.xhtml": first, "c2.xhtml": second}))] == [
        "Sommaire", "Chapitre un : le voyage", "Chapitre deux Le retour", "Chapitre un : le voyage", "La nuit.",
        "Chapitre deux Le retour", "Chez soi."]


def test_a_citing_line_that_is_its_mark_alone_keeps_it():
    chapter = '<p>Le bail.</p><p><a epub:type="noteref" href="notes.xhtml#n1">1</a></p>'
    notes = '<aside epub:type="endnote" id="n1"><p>Sous deux mois.</p></aside>'
    assert [text for _, text in _lines(_epub({"c1.xhtml": chapter, "notes.xhtml": notes}))] == [
        "Le bail.", "1", "Sous deux mois."]


def test_a_notes_file_off_the_spine_is_read_where_its_notes_are_cited_and_nowhere_else():
    """Some books list their notes file in the manifest alone, reached only by its notes' citations: each note read
    after its citation, the rest of the file (its title, a note never cited) not read."""
    chapter = ('<h1>Le bail</h1><p>Le dépôt<a epub:type="noteref" href="notes.xhtml#n1">1</a> est rendu.</p>'
               '<p>Le loyer<a href="notes.xhtml#n2" id="r2">[2]</a> est payé.</p>')
    notes = ('<h1>Notes</h1><aside epub:type="endnote" id="n1"><p>Sous deux mois.</p></aside>'
             '<p id="n2"><a href="c1.xhtml#r2">[2]</a> Le cinq du mois.</p><p id="n3">Jamais citée.</p>')
    data = _book([("c1", "c1.xhtml")], {"OEBPS/c1.xhtml": chapter, "OEBPS/notes.xhtml": notes},
                 extra='<item id="notes" href="notes.xhtml" media-type="application/xhtml+xml"/>')
    assert _lines(data) == [("Le bail", "Le dépôt est rendu."), ("Le bail", "Sous deux mois."),
                            ("Le bail", "Le loyer est payé."), ("Le bail", "Le cinq du mois.")]


def test_project_gutenbergs_lettered_note_marks_are_notes_a_letter_alone_is_not():
    """Gutenberg marks some books' notes with letters ("[A]", "[B]"), the id on the link back opening the note; an
    index's letters ("A", "B": links to its sections, linking back to nothing) stay links."""
    chapter = ('<p>Le dépôt<a id="FNanchor_A_1" href="notes.xhtml#Footnote_A_1" class="fnanchor">[A]</a> est rendu.'
               '</p><p>Le loyer<a id="FNanchor_B_2" href="notes.xhtml#Footnote_B_2" class="fnanchor">[B]</a> est payé.'
               '</p><p>Voir <a href="notes.xhtml#A">A</a>.</p>')
    notes = ('<div class="footnote"><p><a id="Footnote_A_1" href="c1.xhtml#FNanchor_A_1"><span class="label">[A]'
             '</span></a> Sous deux mois.</p></div><div class="footnote"><p><a id="Footnote_B_2" href="c1.xhtml#'
             'FNanchor_B_2"><span class="label">[B]</span></a> Le cinq du mois.</p></div><p id="A">Avance.</p>')
    assert [text for _, text in _lines(_epub({"c1.xhtml": chapter, "notes.xhtml": notes}))] == [
        "Le dépôt est rendu.", "Sous deux mois.", "Le loyer est payé.", "Le cinq du mois.", "Voir A.", "Avance."]


def test_a_link_back_after_a_notes_last_paragraph_leaves_its_text_a_word_like_it_stays():
    """Pandoc's and Standard Ebooks' "↩", an EPUB 2 book's mark ("[2]"), after the note's last paragraph: out of it
    as out of a one-paragraph note's; the same text elsewhere in the note, not the link back, is the note's text."""
    chapter = ('<p>Le dépôt<a epub:type="noteref" href="notes.xhtml#n1" id="r1">1</a> est rendu.</p>'
               '<p>Le loyer<a href="notes.xhtml#n2" id="r2">[2]</a> est payé.</p>'
               '<p>Les charges<a epub:type="noteref" href="notes.xhtml#n3" id="r3">3</a>.</p>')
    notes = ('<aside epub:type="endnote" id="n1"><p>Sous deux mois.</p><p>Sans frais. <a href="c1.xhtml#r1">↩</a>'
             '</p></aside><div id="n2"><p>Le cinq du mois.</p><p>Par virement. <a href="c1.xhtml#r2">[2]</a></p></div>'
             '<aside epub:type="endnote" id="n3"><p><a href="c1.xhtml#r3">3</a> Au réel.</p><p>Voir la note 3</p>'
             '</aside>')
    assert [text for _, text in _lines(_epub({"c1.xhtml": chapter, "notes.xhtml": notes}))] == [
        "Le dépôt est rendu.", "Sous deux mois.", "Sans frais.", "Le loyer est payé.", "Le cinq du mois.",
        "Par virement.", "Les charges.", "Au réel.", "Voir la note 3"]
    page = ('<p>Le dépôt<a epub:type="noteref" href="#n1" id="r1">1</a> est rendu.</p><aside epub:type="footnote" '
            'id="n1"><p>Sous deux mois.</p><p>Sans frais. <a href="#r1">↩</a></p></aside>')
    assert [line.text for section in parse_html(page).sections for line in section.lines] == [
        "Le dépôt est rendu.", "Sous deux mois.", "Sans frais."]


def test_a_link_back_opening_a_notes_last_paragraph_leaves_its_text_whole():
    """The link back opens the paragraph, whose text ends as the link's does ("[2]", "↩"): the link is not at the
    line's end, nothing is cut ("Voir aussi la note [2]" had lost its "[2]", "Retour ↩" its "↩")."""
    chapter = '<p>Le loyer<a href="notes.xhtml#n2" id="r2">[2]</a> est payé.</p>'
    notes = '<div id="n2"><p>Le cinq du mois.</p><p><a href="c1.xhtml#r2">[2]</a> Voir aussi la note [2]</p></div>'
    assert [text for _, text in _lines(_epub({"c1.xhtml": chapter, "notes.xhtml": notes}))] == [
        "Le loyer est payé.", "Le cinq du mois.", "[2] Voir aussi la note [2]"]
    page = ('<p>Le dépôt<a epub:type="noteref" href="#n1" id="r1">1</a> est rendu.</p><aside epub:type="footnote" '
            'id="n1"><p>Sous deux mois.</p><p><a href="#r1">↩</a> Retour ↩</p></aside>')
    assert [line.text for section in parse_html(page).sections for line in section.lines] == [
        "Le dépôt est rendu.", "Sous deux mois.", "↩ Retour ↩"]


def test_a_parallel_texts_language_links_are_no_note_marks_a_run_of_one_letter_is():
    """A parallel text links each paragraph to its translation ("[FR]", "[EN]", linking back): two letters apart
    are no mark, the paragraphs stay in their chapters; Gutenberg's 27th lettered note, "[AA]", is a note."""
    english = "".join(f'<p id="p{n}"><a href="fr.xhtml#p{n}">[FR]</a> English paragraph {n}.</p>' for n in range(2))
    french = "".join(f'<p id="p{n}"><a href="en.xhtml#p{n}">[EN]</a> Paragraphe {n}.</p>' for n in range(2))
    assert [text for _, text in _lines(_epub({"en.xhtml": english, "fr.xhtml": french}))] == [
        "[FR] English paragraph 0.", "[FR] English paragraph 1.", "[EN] Paragraphe 0.", "[EN] Paragraphe 1."]
    chapter = ('<p>Le dépôt<a id="FNanchor_AA_1" href="notes.xhtml#Footnote_AA_1" class="fnanchor">[AA]</a> est'
               ' rendu.</p>')
    notes = ('<div class="footnote"><p><a id="Footnote_AA_1" href="c1.xhtml#FNanchor_AA_1">[AA]</a> Sous deux mois.'
             '</p></div>')
    assert [text for _, text in _lines(_epub({"c1.xhtml": chapter, "notes.xhtml": notes}))] == [
        "Le dépôt est rendu.", "Sous deux mois."]
