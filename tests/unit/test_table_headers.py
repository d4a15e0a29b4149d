"""A long table cut over several passages: each later passage carries its table's header row, embedded and indexed
before its text, its span still its own rows; a row quoted from it answers under that header."""

from __future__ import annotations

from rag.corpus.chunking import Chunker
from rag.corpus.reader import read_document
from rag.index.analyzer import Analyzer
from rag.index.layout import build_format
from rag.passage import ABOVE, Chunk, table_heads
from rag.schemas import Citation, Highlight, Hit
from rag.search.answer import answer
from rag.search.snippets import Highlighter, excerpt, highlight, sentences

FEES = [(f"Opération {n}", f"{n} €", f"{n + 100} €") for n in range(40)]
MARKDOWN_HEADER = "| Opération | Compte Essentiel | Compte Zen |"
HTML_HEADER = "Opération | Compte Essentiel | Compte Zen"


def _words(texts) -> list[int]:
    return [len(text.split()) for text in texts]


def _chunks(tmp_path, name: str, page: str) -> tuple[str, list[Chunk]]:
    (tmp_path / name).write_text(page, encoding="utf-8")
    return page, Chunker(_words, max_tokens=80).chunk(read_document(tmp_path, tmp_path / name))


def _markdown() -> str:
    rows = "".join(f"| {a} | {b} | {c} |\n" for a, b, c in FEES)
    return (f"# Tarifs\n\n## Grille des frais\n\n{MARKDOWN_HEADER}\n|---|---|---|\n{rows}\n"
            "Frais prélevés le mois suivant.\n")


def test_a_markdown_table_s_later_passages_carry_its_header_not_in_their_text_nor_their_span(tmp_path):
    page, chunks = _chunks(tmp_path, "tarifs.md", _markdown())
    table = [c for c in chunks if c.section == "Grille des frais"]
    assert len(table) >= 3
    assert table[0].header is None and table[0].text.startswith(MARKDOWN_HEADER)
    for chunk in table[1:]:
        assert chunk.header == MARKDOWN_HEADER
        assert MARKDOWN_HEADER not in chunk.text  # the text and its span are the passage's own rows
        span = page[chunk.start:chunk.end]  # cited from its first row to its last line, no further
        assert chunk.text.startswith("| Opération ") and span.startswith(chunk.text.split("\n")[0])
        assert span.endswith(chunk.text.split("\n")[-1]) and "".join(span.split()) == "".join(chunk.text.split())
        assert chunk.indexed_text == f"Tarifs › Grille des frais\n{MARKDOWN_HEADER}\n{chunk.text}"
        assert _words([chunk.indexed_text])[0] <= 80  # the header fits with the rows, within the model's window
    # every row in one passage, once, in order: nothing lost to the header's room
    rows = [line for c in table for line in c.text.split("\n")[c.header is None:] if line.startswith("| Opération ")]
    assert rows == [f"| {a} | {b} | {c} |" for a, b, c in FEES]
    assert build_format(chunks) == 4
    assert Chunk(**table[1].to_record()) == table[1]  # the store's record keeps it
    assert "header" not in table[0].to_record()  # and a passage without one is written as before


def test_an_html_table_s_later_passages_carry_its_header_row(tmp_path):
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>\n" for a, b, c in FEES)
    page = (f"<html><body><main><h1>Tarifs</h1><h2>Grille</h2><table>\n<tr><th>Opération</th><th>Compte "
            f"Essentiel</th><th>Compte Zen</th></tr>\n{rows}</table><p>Fin de la grille.</p></main></body></html>")
    _, chunks = _chunks(tmp_path, "tarifs.html", page)
    table = [c for c in chunks if c.section == "Grille"]
    assert len(table) >= 3 and table[0].header is None
    assert all(c.header == HTML_HEADER and HTML_HEADER not in c.text for c in table[1:])
    assert all(page[c.start:c.end].startswith("<tr><td>Opération") for c in table[1:])  # each cited at its rows


def test_a_word_table_s_later_passages_carry_its_header_row(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Grille", level=1)
    table = document.add_table(rows=len(FEES) + 1, cols=3)
    for row, cells in zip(table.rows, [("Opération", "Compte Essentiel", "Compte Zen"), *FEES], strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    document.save(str(tmp_path / "tarifs.docx"))
    chunks = Chunker(_words, max_tokens=80).chunk(read_document(tmp_path, tmp_path / "tarifs.docx"))
    assert len(chunks) >= 3 and chunks[0].header is None and chunks[0].text.startswith(HTML_HEADER)
    assert all(c.header == HTML_HEADER and c.text.startswith("Opération ") for c in chunks[1:])


def test_a_passage_that_opens_on_prose_or_on_a_new_table_carries_no_header(tmp_path):
    prose = " ".join(f"Phrase {n} sur les frais." for n in range(30))
    page = f"# Tarifs\n\n## Grille\n\n{prose}\n\n| A | B |\n|---|---|\n| a | 1 |\n"
    _, chunks = _chunks(tmp_path, "tarifs.md", page)
    assert len(chunks) >= 2 and all(c.header is None for c in chunks)


def test_the_rows_a_passage_opens_on_are_headed_by_the_header_above_it():
    lines = ["| Opération 30 | 30 € |", "| Opération 31 | 31 € |", "Texte.", "| A | B |", "|---|---|", "| a | 1 |"]
    assert table_heads(lines, True) == [ABOVE, ABOVE, None, 3, 3, 3]
    assert table_heads(lines) == [None, None, None, 3, 3, 3]  # Markdown rows with no separator: no table
    assert table_heads(["Zen | 19 €", "Texte."], True) == [ABOVE, None]  # a row alone, its table's all the same


TEXT = "| Opération 30 | 30 € | 130 € |\n| Virement instantané | 1 € | 0,50 € |\n| Opération 32 | 32 € | 132 € |"


def test_a_row_of_a_passage_going_on_with_a_table_counts_its_header_s_words_and_stands_alone():
    analyzer = Analyzer("fr")
    weights = {term: 1.0 for term in analyzer.terms("combien coûte un virement instantané avec le compte Zen ?")}
    headed = sentences(TEXT, analyzer, MARKDOWN_HEADER)
    assert all(s.header == frozenset(analyzer.terms(MARKDOWN_HEADER)) for s in headed)
    shown = highlight(TEXT, weights, analyzer)
    assert shown is not None and shown.text == "| Virement instantané | 1 € | 0,50 € |"
    start = TEXT.index("| Virement")
    # without its header, Markdown rows with no separator row are no table: no row heads the others; the row alone
    assert TEXT[slice(*excerpt(TEXT, start + 2, start + 36))] == "| Virement instantané | 1 € | 0,50 € |"
    table = f"{MARKDOWN_HEADER}\n|---|---|---|\n{TEXT}"  # with the separator, the first row heads them, shown above
    at = table.index("| Virement")  # a later row: itself alone, the header above it (the answer's), no row between
    assert table[slice(*excerpt(table, at + 2, at + 36))] == "| Virement instantané | 1 € | 0,50 € |"
    assert table[slice(*excerpt(table, 2, 12))].startswith(MARKDOWN_HEADER)  # the first row: under its header
    assert excerpt(TEXT, start + 2, start + 36, header=True) == (start, TEXT.index("\n| Opération 32"))


def _table_hit(header: str | None) -> Hit:
    start = TEXT.index("Virement")
    citation = Citation(doc_id="d", title="Tarifs", source="d.md", section="Grille", start=0, end=len(TEXT),
                        label="Tarifs › Grille")
    return Hit(rank=1, id="p1", text=TEXT, score=1.0, citation=citation, table_header=header,
               highlight=Highlight(text="Virement instantané | 1 € | 0,50 € |", start=start,
                                   end=TEXT.index("\n| Opération 32"), score=2.0))


def test_the_answer_shows_the_carried_header_above_the_row_its_span_the_row_s():
    from markdown_it import MarkdownIt

    best = answer([_table_hit(MARKDOWN_HEADER)], language="fr")
    assert best is not None
    row = "| Virement instantané | 1 € | 0,50 € |"
    # a Markdown header with a separator row under it (the passage carries the header only: one of dashes, a cell
    # each), so that the header and the row make a Markdown table
    assert best.text == f"{MARKDOWN_HEADER}\n|---|---|---|\n{row}"
    assert MarkdownIt("commonmark").enable("table").render(best.text).count("<td>") == 3
    assert TEXT[best.start:best.end] == row  # the span locates the row in the passage, as before
    html = MarkdownIt("commonmark").render(best.markdown)
    assert ("| Opération | Compte Essentiel | Compte Zen |<br />\n|---|---|---|<br />\n"
            "| Virement instantané | 1 € | 0,50 € | [1]") in html
    # a passage without a header carried: its rows are no table of their own (no separator row), the row alone
    plain = answer([_table_hit(None)], language="fr")
    assert plain is not None and plain.text == row


HOURS = [("Lundi", "12 h", "14 h"), ("Mardi", "7 h 30", "20 h"), ("Mercredi", "9 h", "19 h"),
         ("Jeudi", "7 h 30", "20 h"), ("Vendredi", "7 h 30", "21 h 30"), ("Samedi", "10 h", "18 h"),
         ("Dimanche", "8 h 30", "13 h"), ("Jours fériés", "fermé", "fermé")]


def _hours_answer(tmp_path, name: str, page: str, question: str):
    """The answer to `question` drawn from the one passage of `page`, highlighted as the searcher does."""
    (tmp_path / name).write_text(page, encoding="utf-8")
    chunks = Chunker(_words, max_tokens=200).chunk(read_document(tmp_path, tmp_path / name))
    assert len(chunks) == 1
    text = chunks[0].text
    analyzer = Analyzer("fr")
    shown = highlight(text, {term: 1.0 for term in analyzer.terms(question)}, analyzer)
    citation = Citation(doc_id="d", title="Piscine", source=name, section=None, start=0, end=len(text), label="Piscine")
    return text, answer([Hit(rank=1, id="p1", text=text, score=1.0, citation=citation, highlight=shown)],
                        language="fr")


def test_a_later_row_of_a_table_answers_under_its_header_without_the_rows_between(tmp_path):
    # an opening-hours table of eight rows, the sixth answering: the header row then that row, as a long table's
    # later passage shows its carried header (before, every row from the header down to the sixth came with it)
    cells = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>\n" for a, b, c in HOURS)
    page = ("<html><body><h1>Piscine</h1><p>La piscine municipale accueille le public toute l'année, sauf pendant "
            "la vidange annuelle.</p>\n<table>\n<tr><th>Jour</th><th>Ouverture</th><th>Fermeture</th></tr>\n"
            f"{cells}</table></body></html>")
    question = "Quelle est l'heure de fermeture le samedi ?"
    text, best = _hours_answer(tmp_path, "piscine.html", page, question)
    assert best is not None and best.text == "Jour | Ouverture | Fermeture\nSamedi | 10 h | 18 h"
    assert text[best.start:best.end] == "Samedi | 10 h | 18 h"  # the span locates the row in the passage
    assert "Samedi \\| 10 h \\| 18 h [1]" in best.markdown and "Mardi" not in best.markdown
    # the same table in Markdown: its header row and its own separator row (alignment kept) above the row, a
    # Markdown table of one row (without the separator, the answer was no table: the audit of stop 47's fix)
    rows = "".join(f"| {a} | {b} | {c} |\n" for a, b, c in HOURS)
    text, best = _hours_answer(tmp_path, "piscine.md", f"# Piscine\n\n| Jour | Ouverture | Fermeture |\n"
                               f"|:---|---:|---:|\n{rows}", question)
    assert best is not None
    assert best.text == "| Jour | Ouverture | Fermeture |\n|:---|---:|---:|\n| Samedi | 10 h | 18 h |"
    assert text[best.start:best.end] == "| Samedi | 10 h | 18 h |"
    # the first row stays under its header as the passage has them, its span from the header on
    for question in ("Et le lundi ?", "Quelle est l'heure de fermeture le lundi ?"):  # the row; the header and it
        text, best = _hours_answer(tmp_path, "piscine.html", page, question)
        assert best is not None
        assert best.text == text[best.start:best.end] == "Jour | Ouverture | Fermeture\nLundi | 12 h | 14 h"


PLANS = ("Nos plans, au mois.\n\n| Plan | Prix mensuel | Utilisateurs |\n|---|---|---|\n| Solo | 9 € | 1 |\n"
         "| Équipe | 29 € | 5 |\n| Pro | 49 € | 20 |\n| Entreprise | sur devis | illimité |")


def _plans_answer(question: str, text: str = PLANS):
    from rag.search.snippets import Highlighter

    analyzer = Analyzer("fr")
    highlighter = Highlighter(analyzer)
    weights = {term: 1.0 for term in analyzer.terms(question)}
    shown = highlighter(text, weights)
    citation = Citation(doc_id="d", title="Plans", source="d.md", section=None, start=0, end=len(text), label="Plans")
    hit = Hit(rank=1, id="p1", text=text, score=1.0, citation=citation, highlight=shown)
    assert shown is not None
    hit._reading.rows = lambda: highlighter.rows(text, weights, shown)
    return answer([hit], language="fr")


def test_two_rows_a_question_names_apart_answer_under_their_header_the_rows_between_left_out():
    header = "| Plan | Prix mensuel | Utilisateurs |\n|---|---|---|\n"
    best = _plans_answer("le prix du plan Solo et du plan Pro ?")
    assert best is not None and best.text == f"{header}| Solo | 9 € | 1 |\n| Pro | 49 € | 20 |"
    assert PLANS[best.start:best.end] == PLANS[PLANS.index("| Plan"):PLANS.index("\n| Entreprise")]
    # two later rows: under the header shown above them
    best = _plans_answer("le prix du plan Équipe et du plan Entreprise ?")
    assert best is not None and best.text == f"{header}| Équipe | 29 € | 5 |\n| Entreprise | sur devis | illimité |"
    # one row named: that row alone, as before; a word that most rows hold names none of them
    best = _plans_answer("le prix du plan Pro ?")
    assert best is not None and best.text == f"{header}| Pro | 49 € | 20 |"
    # a word that most rows hold names none of them: "support" of four rows in seven, the highlight without it
    rows = "".join(f"| {plan} | {price} € | {note} |\n" for plan, price, note in (
        ("Solo", 9, "support"), ("Duo", 15, "support"), ("Trio", 19, "support"), ("Équipe", 29, "5"),
        ("Pro Max", 49, "20"), ("Business", 99, "50"), ("Entreprise", 199, "support")))
    best = _plans_answer("le prix du plan Pro Max avec support ?", f"| Plan | Prix | Notes |\n|---|---|---|\n{rows}")
    assert best is not None and best.text == "| Plan | Prix | Notes |\n|---|---|---|\n| Pro Max | 49 € | 20 |"


def test_a_row_is_named_apart_by_its_first_cell_not_by_a_word_of_its_values():
    """"La carte American Express est-elle acceptée en ligne ?" highlights the American Express row; the rows whose
    online fee reads "non accepté" hold a word of the question the highlight lacks, but name nothing: a question
    names a row by its label (its first cell), as "le plan Solo et le plan Pro" does."""
    fees = ("Frais par moyen de paiement.\n\n| Moyen de paiement | En magasin | En ligne |\n|---|---|---|\n"
            "| Carte American Express | 2,90 % | 3,10 % |\n| Carte bancaire européenne | 1,20 % | 1,40 % |\n"
            "| Titre-restaurant | 3,50 % | non accepté |\n| Paiement mobile | 1,20 % | 1,40 % |\n"
            "| Chèque-vacances | 2,50 % | non accepté |\n| Virement | gratuit | gratuit |")
    best = _plans_answer("La carte American Express est-elle acceptée en ligne ?", fees)
    assert best is not None and best.text == \
        "| Moyen de paiement | En magasin | En ligne |\n|---|---|---|\n| Carte American Express | 2,90 % | 3,10 % |"
    # named by their first cells, two rows answer together
    best = _plans_answer("Quels frais pour les titres-restaurant et les chèques-vacances ?", fees)
    assert best is not None and best.text.splitlines()[2:] == \
        ["| Titre-restaurant | 3,50 % | non accepté |", "| Chèque-vacances | 2,50 % | non accepté |"]


BANK_FEES = ("Grille des frais.\n\n| Opération | Compte Essentiel | Compte Premium |\n|---|---|---|\n"
        "| Virement instantané | 1 € | gratuit |\n| Rejet de prélèvement pour défaut de provision | 20 € | 10 € |\n"
        "| Rejet de chèque de 50 € ou plus | 50 € | 35 € |\n| Saisie sur compte | 90 € | 60 € |\n"
        "| Lettre d'information | 12 € | gratuite |")


def test_a_row_echoing_another_rows_words_is_no_part_of_two_rows_the_question_names():
    """"prix de la saisie sur compte et du rejet de prélèvement ?": the row "Rejet de chèque", between the two it
    names, holds "rejet" alone, which "Rejet de prélèvement" holds with more. Paired with "Saisie sur compte" it made a
    two-row highlight, and the answer showed it between the two (the model's window on those two rows, as on a CPU
    without AVX-512, drew the highlight there); named apart, it was shown too. It echoes the other row: neither."""
    header = "| Opération | Compte Essentiel | Compte Premium |\n|---|---|---|\n"
    best = _plans_answer("prix de la saisie sur compte et du rejet de prélèvement ?", BANK_FEES)
    assert best is not None and best.text == \
        f"{header}| Rejet de prélèvement pour défaut de provision | 20 € | 10 € |\n| Saisie sur compte | 90 € | 60 € |"
    # the model's window on "Rejet de chèque" and "Saisie sur compte" draws the highlight to them no longer either
    from rag.search.snippets import best_windows

    analyzer = Analyzer("fr")
    highlighter = Highlighter(analyzer)
    parts = highlighter._sentences(BANK_FEES, None)
    weights = {term: 1.0 for term in analyzer.terms("prix de la saisie sur compte et du rejet de prélèvement ?")}
    near = (BANK_FEES.index("| Rejet de chèque"), BANK_FEES.index("| Lettre") - 1)
    _, (first, last, _) = best_windows(parts, weights, near)
    assert first == last  # one row: the pair held an echo
    # a row of its own words is still paired: "du rejet de chèque et de la saisie" names both
    weights = {term: 1.0 for term in analyzer.terms("prix du rejet de chèque et de la saisie sur compte ?")}
    _, (first, last, _) = best_windows(parts, weights, near)
    assert BANK_FEES[parts[first].start:parts[last].end] == \
        "| Rejet de chèque de 50 € ou plus | 50 € | 35 € |\n| Saisie sur compte | 90 € | 60 € |"
    # highlighted alone, "Saisie sur compte" names "Rejet de prélèvement" apart, not its echo "Rejet de chèque"
    weights = {term: 1.0 for term in analyzer.terms("prix de la saisie sur compte et du rejet de prélèvement ?")}
    at = BANK_FEES.index("| Saisie")
    shown = Highlight(text=BANK_FEES[at:BANK_FEES.index("\n", at)], start=at, end=BANK_FEES.index("\n", at), score=2.0)
    assert [BANK_FEES[a:b] for a, b in highlighter.rows(BANK_FEES, weights, shown)] == \
        ["| Rejet de prélèvement pour défaut de provision | 20 € | 10 € |"]
