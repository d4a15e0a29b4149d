"""Notes an e-book (`epub:type="noteref"`, `"footnote"`) or an accessible page (DPUB-ARIA's `doc-noteref`) marks are
read after the block that cites them, as a Word document's are (`html_notes`): from an `.epub` chapter and an `.html`
page, each block's offsets still citing its element in the file."""

from __future__ import annotations

import copy
import re
from pathlib import Path

from rag.corpus.formats import html_notes
from rag.corpus.formats.epub import parse_epub
from rag.corpus.formats.html import parse_html
from rag.corpus.reader import read_document
from tests.helpers.timing import grows_linearly
from tests.unit.test_epub import DATA, _book

HTML = '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Bail</title></head><body>{}</body></html>'


def _read(tmp_path: Path, body: str, kind: str, files: dict[str, str] | None = None) -> list[str]:
    """The lines of `body` read as an `.html` page or as an `.epub`'s first chapter (`files`: the book's other
    chapters, by name); checks that each line's offsets delimit its element in the file's text."""
    if kind == ".html":
        (tmp_path / "bail.html").write_text(HTML.format(body), encoding="utf-8")
    else:
        chapters = {"c1.xhtml": body, **(files or {})}
        (tmp_path / "bail.epub").write_bytes(_book([(name[:-6], name) for name in chapters],
                                                   {f"OEBPS/{name}": text for name, text in chapters.items()}))
    document = read_document(tmp_path, tmp_path / f"bail{kind}")
    lines = [line for section in document.sections for line in section.lines]
    for line in lines:
        span = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", "", document.text[line.start:line.end]))
        assert document.text.startswith("<", line.start) and line.text.split()[0] in span, line
    return [line.text for line in lines]


def test_an_e_books_footnotes_follow_the_paragraphs_citing_them(tmp_path):
    # Sigil's and InDesign's: the note right after its paragraph, opening on a link back to its citation; and a
    # chapter's notes gathered at its end, one of two paragraphs
    body = ('<h1>Le bail</h1><p>Le dépôt<a epub:type="noteref" href="#fn1" id="ref1">1</a> est rendu.</p>'
            '<aside epub:type="footnote" id="fn1"><p><a href="#ref1">1</a> Sous deux mois.</p></aside>'
            '<p>Le loyer<a epub:type="noteref" href="#fn2"><sup>2</sup></a> est payé d\'avance.</p>'
            '<p>Les charges sont comprises.</p>'
            '<section epub:type="footnotes"><aside epub:type="footnote" id="fn2"><p>Le cinq du mois.</p>'
            '<p>Par virement.</p></aside></section>')
    assert _read(tmp_path, body, ".epub") == [
        "Le dépôt est rendu.", "Sous deux mois.", "Le loyer est payé d'avance.", "Le cinq du mois.", "Par virement.",
        "Les charges sont comprises."]


def test_an_accessible_pages_endnotes_follow_their_citations(tmp_path):
    # pandoc's HTML and EPUB 3: `role="doc-noteref"`, the notes an ordered list of `role="doc-endnotes"`, each
    # ending on a link back ("↩︎"); a mark found twice in its paragraph stays (which is the citation is unknown)
    body = ('<p>Le préavis<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a> est '
            'd\'un mois.</p><p>Après 1 an, 1 mois de plus<a href="#fn2" id="fnref2" role="doc-noteref">'
            '<sup>1</sup></a>.</p><p>Fin du bail.</p><section id="footnotes" class="footnotes" role="doc-endnotes">'
            '<hr /><ol><li id="fn1"><p>Trois en zone non tendue.<a href="#fnref1" class="footnote-back" '
            'role="doc-backlink">↩︎</a></p></li><li id="fn2"><p>Au plus.<a href="#fnref2" role="doc-backlink">↩︎'
            '</a></p></li></ol></section>')
    expected = ["Le préavis est d'un mois.", "Trois en zone non tendue.", "Après 1 an, 1 mois de plus1.", "Au plus.",
                "Fin du bail."]
    assert _read(tmp_path, body, ".html") == expected
    assert _read(tmp_path, body, ".epub") == expected


def test_a_note_left_open_is_its_first_block_and_a_note_in_another_file_follows_its_citation_too(tmp_path):
    body = ('<p>Le dépôt<a epub:type="noteref" href="#fn1">1</a> est rendu.</p><p>Le loyer<a epub:type="noteref" '
            'href="notes.xhtml#en1">2</a> est payé.</p><p>Suite.</p><div epub:type="footnote" id="fn1">'
            '<p>Sous deux mois.</p><p>Autre paragraphe.</p><p>Dernier paragraphe.</p>')
    notes = {"notes.xhtml": '<section epub:type="endnotes"><ol><li id="en1">Le cinq du mois.</li></ol></section>'}
    assert _read(tmp_path, body, ".epub", notes) == [
        "Le dépôt est rendu.", "Sous deux mois.", "Le loyer est payé.", "Le cinq du mois.", "Suite.",
        "Autre paragraphe.", "Dernier paragraphe."]


def test_many_notes_are_read_in_linear_time():
    def page(n: int) -> str:
        cites = "".join(f'<p>x<a epub:type="noteref" href="#n{k}" id="r{k}">{k}</a>.</p>' for k in range(n))
        notes = "".join(f'<aside epub:type="footnote" id="n{k}"><p><a href="#r{k}">{k}</a> Note.</p><p>Suite.</p>'
                        '</aside>' for k in range(n))
        return f"<html><body>{cites}{notes}</body></html>"

    pages = {n: page(n) for n in (400, 1600)}
    assert [line.text for s in parse_html(pages[400]).sections for line in s.lines][:3] == ["x.", "Note.", "Suite."]
    assert grows_linearly(lambda n: parse_html(pages[n]), 400)


def test_libreoffices_e_book_reads_its_notes_where_they_are_cited():
    # its export writes `<sup id="calledF1"><a epub:type="noteref" href="#dataF1">1</a></sup>` and, at the chapter's
    # end, `<aside epub:type="footnote" id="dataF1">` opening on a link back to the <sup>: they were read at the
    # chapter's end, under its last heading, "1Barème ...", the mark glued to the cited word ("fiscal1,")
    texts = [line.text for section in parse_epub((DATA / "libreoffice-politique-voyages.epub").read_bytes()).sections
             for line in section.lines]
    cited = next(at for at, text in enumerate(texts) if "barème kilométrique fiscal, dans la limite" in text)
    assert texts[cited + 1].startswith("Barème publié chaque année")
    row = texts.index("Paris et petite couronne | autres villes de France")  # cited in a table's row: after the table
    assert texts[row + 4:row + 6] == ["Repas avec un client (par convive) | 55 €",
                                      "Hauts-de-Seine, Seine-Saint-Denis et Val-de-Marne."]


def test_a_note_cited_in_a_note_standing_before_its_citation_is_kept(tmp_path):
    # the note citing another stood before the paragraph citing it: the other note's text was lost
    body = ('<aside epub:type="footnote" id="n1"><p>Voir aussi<a epub:type="noteref" href="#n2">2</a> ici.</p></aside>'
            '<p>Le texte<a epub:type="noteref" href="#n1">1</a> cité.</p>'
            '<aside epub:type="footnote" id="n2"><p>La seconde note.</p></aside><p>Après.</p>')
    assert _read(tmp_path, body, ".epub") == ["Le texte cité.", "Voir aussi ici.", "La seconde note.", "Après."]


def test_a_notes_paragraphs_stay_together_when_one_cites_a_note(tmp_path):
    body = ('<p>Le texte<a epub:type="noteref" href="#n1">1</a> cité.</p><p>Suite.</p>'
            '<aside epub:type="footnote" id="n1"><p>Premier alinéa.</p><p>Second alinéa<a epub:type="noteref" '
            'href="#n2">2</a>.</p></aside><aside epub:type="footnote" id="n2"><p>Autre note.</p></aside>')
    assert _read(tmp_path, body, ".epub") == [
        "Le texte cité.", "Premier alinéa.", "Second alinéa.", "Autre note.", "Suite."]


def test_a_target_holding_its_citation_or_a_heading_is_no_note(tmp_path):
    # a link to the section holding it: no note, the mark stays
    body = ('<section id="c1"><h2>Chapitre</h2><p>Début.</p><p>Voir<a role="doc-noteref" href="#c1">*</a> ceci.</p>'
            '<p>Fin.</p></section>')
    assert _read(tmp_path, body, ".html") == ["Début.", "Voir* ceci.", "Fin."]
    # a link to a later section with its own heading: the section stays under it
    body = ('<h2>Tarifs</h2><p>Voir<a role="doc-noteref" href="#annexe">A</a> les taux.</p><p>Suite.</p>'
            '<section id="annexe"><h2>Annexe</h2><p>Taux un.</p></section>')
    (tmp_path / "bail.html").write_text(HTML.format(body), encoding="utf-8")
    document = read_document(tmp_path, tmp_path / "bail.html")
    assert [(section.heading, [line.text for line in section.lines]) for section in document.sections] == [
        ("Tarifs", ["VoirA les taux.", "Suite."]), ("Annexe", ["Taux un."])]


def test_many_notes_are_moved_in_linear_time(monkeypatch):
    # the move alone (reading the page hid it): each citing line copied the lines read before it, 20,000 took 16 s
    def page(n: int) -> str:
        cites = "".join(f'<p>x<a epub:type="noteref" href="#n{k}">{k}</a>.</p>' for k in range(n))
        return cites + "".join(f'<aside epub:type="footnote" id="n{k}"><p>Note.</p></aside>' for k in range(n))

    follow, found = html_notes.follow, {}  # each page's sections and notes, as the move meets them
    pages = {n: page(n) for n in (4000, 16000)}
    monkeypatch.setattr(html_notes, "follow", lambda source, sections, notes: found.update({source: (sections, notes)}))
    for source in pages.values():
        parse_html(source)
    monkeypatch.undo()
    copies = {n: [copy.deepcopy(found[source][0]) for _ in range(2)] for n, source in pages.items()}
    sections, notes = found[pages[4000]]
    follow(pages[4000], sections, notes)
    assert [line.text for section in sections for line in section.lines][:4] == ["x.", "Note.", "x.", "Note."]
    assert grows_linearly(lambda n: follow(pages[n], copies[n].pop(), found[pages[n]][1]), 4000)
