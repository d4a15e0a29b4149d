"""Where a spreadsheet's passages are cited: each passage's span holds every one of its lines, whatever the order of
the columns; a line is cited at its own stretch of its cell, a piece of a line holding a doubled quote too."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import replace
from itertools import permutations
from pathlib import Path

import pytest

from rag.corpus.chunking import Chunker
from rag.corpus.formats.columns import LABEL
from rag.corpus.formats.csv import markup, parse_table
from rag.corpus.reader import Document, read_document
from rag.index.layout import build_format
from rag.passage import Chunk

COLUMNS = {  # a column's name, and its cell in the two rows
    "id": ("id", "1", "2"),
    "category": ("Catégorie", "Compte", ""),
    "question": ("Question", "Comment changer mon mot de passe ?", "Quels sont les délais ?"),
    "answer": ("Réponse", 'Allez dans Profil.\n\nCliquez sur « Changer » et "validez".\nUn courriel confirme.',
               "Trois jours en France."),
    "updated": ("Mis à jour", "2024-03-01", ""),
}


def _words(texts: list[str]) -> list[int]:
    return [len(text.split()) for text in texts]


def _read(tmp_path: Path, text: str, max_tokens: int) -> tuple[Document, list[Chunk]]:
    path = tmp_path / "faq.csv"
    path.write_text(text, encoding="utf-8", newline="")
    doc = read_document(tmp_path, path)
    return doc, Chunker(_words, max_tokens).chunk(doc)


def _holds_its_lines(doc: Document, chunks: list[Chunk]) -> None:
    """Each passage's span holds the span of each of its lines (each a whole line of its section: they end sentences
    or are "Name : value" items, where no passage is cut) and its section's heading, in its first passage; its
    section's fields are its lines after its answer where its passages do not carry them (`Chunk.fields`)."""
    carried = {chunk.section: chunk.fields for chunk in chunks if chunk.fields is not None}
    assert all(fields == "\n".join(line.text for line in section.fields)
               for section in doc.sections if (fields := carried.get(section.heading)) is not None)
    lines = iter([(section, i, line) for section in doc.sections for i, line in enumerate(
        section.lines if section.heading in carried else [*section.lines, *section.fields])])
    for chunk in chunks:
        for text in chunk.text.split("\n"):
            section, i, line = next(lines)
            assert (line.text, section.heading) == (text, chunk.section)
            assert chunk.start <= line.start and line.end <= chunk.end, (chunk, line)
            if i == 0 and section.heading_start is not None:
                assert chunk.start <= section.heading_start
    assert next(lines, None) is None


@pytest.mark.parametrize("max_tokens", [20, 1000])  # a passage a line or two; a passage a row
@pytest.mark.parametrize("order", list(permutations(COLUMNS)))
def test_a_passage_s_span_holds_all_its_lines_whatever_the_columns_order(tmp_path, order, max_tokens):
    """`id,title,body`: the id, left of the question, is a line after the answer; the passage spans from it."""
    rows = [[COLUMNS[name][k] for name in order] for k in range(3)]
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    doc, chunks = _read(tmp_path, out.getvalue(), max_tokens)
    assert len(doc.sections) == 2 and (len(chunks) > 2 if max_tokens == 20 else len(chunks) == 2)
    _holds_its_lines(doc, chunks)


def test_the_id_left_of_the_question_is_a_field_of_its_passage_out_of_its_text_and_span(tmp_path):
    """Embedded and indexed with the passage (`Chunk.prefix`), an answer never quotes it; with too little room
    beside the heading path (a passage of 13 words), it is a line after the answer, as before, cited at its cell."""
    text = "id,title,body\n1,Reset password,Click Forgot password on the sign-in page.\n"
    _, (chunk,) = _read(tmp_path, text, 1000)
    assert (chunk.text, chunk.fields) == ("Click Forgot password on the sign-in page.", "id : 1")
    assert chunk.indexed_text == "Faq › Reset password\nid : 1\nClick Forgot password on the sign-in page."
    assert text[chunk.start:chunk.end] == "Reset password,Click Forgot password on the sign-in page."
    _, chunks = _read(tmp_path, text, 13)  # the heading path and the id, 7 words, over half of a passage's 13
    assert [(chunk.text, chunk.fields) for chunk in chunks] == [("Click Forgot password on the sign-in page.", None),
                                                                ("id : 1", None)]
    assert text[chunks[1].start:chunks[1].end] == "1"


def test_every_passage_of_a_long_answer_carries_its_entry_s_fields_which_the_store_keeps(tmp_path):
    """A chatbot's export (audit 52): its paraphrases, id, state and date embedded and indexed with each passage of
    the answer (`Chunk.prefix`), none in a passage's text, whose span is the question's and the answer's."""
    sentences = " ".join(f"Phrase {n} de la réponse, avec quelques mots de plus." for n in range(12))
    text = f"intent_id;question;variantes;reponse;statut\npaiement_3x;Payer en 3 fois ?;en 3x | alma;{sentences};publié"
    _, chunks = _read(tmp_path, text, 40)
    fields = "intent_id : paiement_3x\nvariantes : en 3x | alma\nstatut : publié"
    assert len(chunks) > 2 and all(chunk.fields == fields for chunk in chunks)
    assert all(chunk.prefix == f"Faq › Payer en 3 fois ?\n{fields}" for chunk in chunks)
    assert " ".join(chunk.text for chunk in chunks) == sentences
    assert text[chunks[0].start:chunks[-1].end] == f"Payer en 3 fois ?;en 3x | alma;{sentences}"
    assert build_format(chunks) == 5 and Chunk(**chunks[1].to_record()) == chunks[1]
    assert "fields" not in replace(chunks[1], fields=None).to_record()  # a passage without any written as before


def test_each_piece_of_a_long_answer_holding_a_doubled_quote_is_cited_exactly(tmp_path):
    """One paragraph of 24 sentences, one of them quoting: the chunker cuts it at its sentences, and each passage
    cites its own sentences (its first, the question too), the one holding the quote with the file's `""`; not the
    whole cell each."""
    sentences = [f"Phrase {n} du paragraphe, avec quelques mots de plus." for n in range(24)]
    sentences[9] = 'Il faut cliquer sur ""Valider"" pour finir.'
    text = f'question;réponse\nComment faire ?;"{" ".join(sentences)}"\n'
    _, chunks = _read(tmp_path, text, 40)
    assert len(chunks) > 4
    assert text[chunks[0].start:].startswith("Comment faire ?;")
    spans = [text[chunk.start:chunk.end] for chunk in chunks]
    assert [span.replace('""', '"') for span in spans[1:]] == [chunk.text for chunk in chunks[1:]]
    assert spans[0].endswith(chunks[0].text) and sum('""Valider""' in span for span in spans) == 1


def test_each_cell_of_random_rows_is_found_where_csv_reads_it():
    """Rows of quotes, delimiters and line breaks in any order: `csv` and the reader's scan of a row (`_scan`) agree on
    where each cell stands (a row holds as many delimiters as `csv` finds cells, less one, and nothing after its last
    cell), so that every line is cited where its text stands, its quotes aside; a quote never closed is refused."""
    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(rng.choice('ab;"\n\r ,') for _ in range(rng.randint(1, 16)))
        try:
            sections = parse_table(text, ";").sections
        except ValueError as exc:
            assert "never closed" in str(exc) or "no text found" in str(exc), (text, exc)
            continue
        for line in (line for section in sections for line in section.lines):
            value = line.text.split(LABEL, 1)[-1]
            assert value.replace('"', "") in text[line.start:line.end].replace('"', ""), (text, line)


def test_an_html_cell_is_read_as_html_each_line_cited_at_its_element(tmp_path):
    """A help desk's export (Zendesk, Freshdesk, Intercom): the body is HTML, its quotes doubled in the file."""
    body = ('<p>Click <strong>Forgot password</strong>&nbsp;on the <a href=""/login"" class=""note"">sign-in page</a>.'
            '</p><h2>Then</h2><ul><li>Check your inbox.</li></ul>')
    text = f'id,title,body,section\n1,Reset password,"{body}",Compte\n2,"<b>Delete</b> account",Write to us.,Compte\n'
    doc, chunks = _read(tmp_path, text, 1000)
    assert [(s.heading, [line.text for line in s.lines], [f.text for f in s.fields]) for s in doc.sections] == [
        ("Compte › Reset password", ["Click Forgot password on the sign-in page.", "Then", "Check your inbox."],
         ["id : 1"]),
        ("Compte › Delete account", ["Write to us."], ["id : 2"])]
    click, then, inbox = doc.sections[0].lines
    assert text[click.start:click.end] == body[:body.index("<h2>")]
    assert text[then.start:then.end] == "<h2>Then</h2><ul>" and inbox.item
    assert text[inbox.start:inbox.end] == "<li>Check your inbox.</li>"
    assert not any(word in chunk.text for chunk in chunks for word in ("strong", "nbsp", "href", "note"))
    _holds_its_lines(doc, chunks)


@pytest.mark.parametrize(("value", "html"), [
    ("<p>Oui.</p>", True), ("  <div class='x'>Oui</div>", True), ("Oui.<br>Sous 24 h.<br>", True),
    ("Cliquez sur <strong>Enregistrer</strong>.", True), ("<P>Oui</P>", True), ("Voir <img src='plan.png'>", True),
    ("Le signe <b> met en gras.", False), ("Si x < 3 et y > 2, oui.", False), ("</p> seul", False),
    ("<3 merci", False), ("Sans balise.", False), ("Utilisez <b> et <i> pour la mise en forme", False),
    ("<b> met en gras, <i> en italique", False), ("Fermez par </b> ce que <b> ouvre", False),
    ("Tapez <br> pour aller à la ligne", False),  # one line break named
    ("<p>Bonjour<p>Merci de votre retour", True), ("<p>Bonjour,<br>Votre commande est partie.", True),  # valid HTML
    ("<ul><li>Un<li>Deux", True), ("<p>Texte tronqué sans fin &nbsp; ici", True),  # without closing tags
    ("<p> ouvre un paragraphe", False), ("<b>Important : lisez", False),  # a tag named, an inline one opening
])
def test_a_cell_is_html_when_it_holds_markup_not_tags_named_in_prose(value, html):
    """Markup: an element opened then closed, a start tag with attributes, two line breaks. Tags a sentence names,
    never closed, are no markup: two of them made the cell HTML, and "Utilisez <b> et <i> pour la mise en forme" was
    read "Utilisez et pour la mise en forme"."""
    assert markup(value) is html


def test_a_cell_naming_tags_in_prose_is_read_as_written(tmp_path):
    text = ("question,réponse\nComment mettre en gras ?,\"Utilisez <b> et <i> pour la mise en forme.\"\n"
            "Et un lien ?,\"Écrivez <a href=\"\"https://exemple.fr\"\">le lien</a>.\"\n")
    doc, _ = _read(tmp_path, text, 1000)
    assert [[line.text for line in s.lines] for s in doc.sections] == [
        ["Utilisez <b> et <i> pour la mise en forme."], ["Écrivez le lien."]]
