"""A table row the question names by its first cell ("Duo M") is the answer's row, though the index's terms cannot
tell it from the others ("m", one letter, is no term): the rows tied on the words they share ("duo") and the
header's ("Tasses par jour"), the first row won, shown under its header. Tables of any reader alike."""

from __future__ import annotations

from rag.corpus.chunking import Chunker
from rag.corpus.reader import read_document
from rag.index.analyzer import Analyzer
from rag.schemas import Citation, Hit
from rag.search.answer import answer
from rag.search.snippets import Highlighter, best_windows
from rag.search.tables import named_by, phrase

MODELS = (("Duo S", "60", "8"), ("Duo M", "120", "12"), ("Duo XL", "250", "16"))
QUESTION = "combien de tasses par jour pour la duo m"


def _answer(text: str, question: str, near: tuple[int, int] | None = None) -> str:
    analyzer = Analyzer("fr")
    highlighter = Highlighter(analyzer)
    weights = {term: 1.0 for term in analyzer.terms(question)}
    _, shown = highlighter.both(text, weights, near, words=phrase(analyzer.words(question)))
    assert shown is not None
    citation = Citation(doc_id="d", title="Gamme", source="d", section=None, start=0, end=len(text), label="Gamme")
    hit = Hit(rank=1, id="p1", text=text, score=1.0, citation=citation, highlight=shown)
    hit._reading.rows = lambda: highlighter.rows(text, weights, shown)
    best = answer([hit], language="fr")
    assert best is not None
    return best.text


def _read(tmp_path, name: str) -> str:
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], 200).chunk(read_document(tmp_path,
                                                                                             tmp_path / name))
    return next(chunk.text for chunk in chunks if "Duo M" in chunk.text)


def test_a_markdown_row_named_by_its_first_cell_answers_not_the_first_row():
    rows = "".join(f"| {a} | {b} | {c} |\n" for a, b, c in MODELS)
    text = f"La gamme.\n\n| Modèle | Tasses par jour | Boissons |\n|---|---|---|\n{rows}"
    assert _answer(text, QUESTION) == "| Modèle | Tasses par jour | Boissons |\n|---|---|---|\n| Duo M | 120 | 12 |"
    assert _answer(text, "combien de tasses par jour pour la duo s").endswith("| Duo S | 60 | 8 |")
    # the model's window on the header and the first row draws it there no longer: the row named wins the tie
    near = (text.index("| Modèle"), text.index("\n| Duo M"))
    assert _answer(text, QUESTION, near).endswith("| Duo M | 120 | 12 |")
    # a question naming no row whole ("duo" alone) keeps the first row, under its header
    assert _answer(text, "combien de tasses par jour pour une duo").endswith("| Duo S | 60 | 8 |")


def test_a_word_table_row_named_by_its_first_cell_answers(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("La gamme Duo", level=1)
    table = document.add_table(rows=0, cols=3)
    for values in (("Modèle", "Tasses par jour", "Boissons"), *MODELS):
        added = table.add_row().cells
        for n, value in enumerate(values):
            added[n].text = value
    document.save(str(tmp_path / "gamme.docx"))
    text = _read(tmp_path, "gamme.docx")
    assert _answer(text, QUESTION) == "Modèle | Tasses par jour | Boissons\nDuo M | 120 | 12"


def test_an_html_table_row_named_by_its_first_cell_answers(tmp_path):
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in MODELS)
    (tmp_path / "gamme.html").write_text(
        "<html><body><h1>La gamme Duo</h1><table><tr><th>Modèle</th><th>Tasses par jour</th><th>Boissons</th></tr>"
        f"{rows}</table></body></html>", encoding="utf-8")
    text = _read(tmp_path, "gamme.html")
    assert _answer(text, QUESTION) == "Modèle | Tasses par jour | Boissons\nDuo M | 120 | 12"


def test_of_rows_named_the_one_naming_more_of_the_question_wins():
    text = ("| Contrat | Délai | Horaires |\n|---|---|---|\n| Sans contrat | 5 jours | 8 h – 17 h |\n"
            "| Sérénité | 48 heures | 8 h – 18 h |\n| Sérénité Plus | 8 heures | 7 h – 20 h |")
    assert _answer(text, "quel délai pour serenite plus").endswith("| Sérénité Plus | 8 heures | 7 h – 20 h |")
    assert _answer(text, "quel délai pour serenite").endswith("| Sérénité | 48 heures | 8 h – 18 h |")
    cells = [(0, frozenset({"serenite"})), None, (0, frozenset({"serenite", "plus"})),
             (0, frozenset({"sans", "contrat"}))]
    assert named_by(cells, frozenset({"quel", "delai", "serenite", "plus"})) == \
        ([False, False, True, False], [True, False, False, True])


def test_a_row_named_takes_the_model_s_window_off_its_own_table_s_rows_only():
    text = ("| Pays | Délai |\n|---|---|\n| Europe | 2 jours |\n| Japon | 9 jours |\n\nTarifs :\n\n"
            "| Zone | Tarif |\n|---|---|\n| Asie | 12 € |\n| Monde | 25 € |")
    cells = [part.cell for part in Highlighter(Analyzer("fr"))._sentences(text, None) if part.cell]
    assert len({table for table, _ in cells}) == 2  # each row knows its table
    # "Japon" named in the first table: "Europe" loses the model's window, the second table's rows keep it
    assert named_by(cells, frozenset({"tarif", "japon"})) == ([False, True, False, False], [True, False, False, False])


def test_a_one_letter_word_or_a_stop_word_names_no_row():
    text = ("| Classe | Consommation | Prix |\n|---|---|---|\n| A | 50 kWh | 900 € |\n| B | 90 kWh | 700 € |\n"
            "| D | 200 kWh | 400 € |")
    # French "a" (has) is no name of the row "A": the row the model points at answers
    near = (text.index("| D |"), len(text))
    assert _answer(text, "quelle consommation a le modèle le moins cher", near).endswith("| D | 200 kWh | 400 € |")
    analyzer = Analyzer("en")
    parts = Highlighter(analyzer)._sentences("| Size | Price |\n|---|---|\n| I | 5 |\n| Duo M | 9 |", None)
    assert [part.cell[1] for part in parts if part.cell] == [frozenset(), frozenset({"duo", "m", "duo m"})]


def test_a_row_s_words_name_it_side_by_side_in_the_question():
    """ "Classe A" holds a term ("classe") and "a", both words of "quelle consommation a la classe D", but not side
    by side there: the row "Classe D" is the one asked, wherever the model points."""
    text = ("| Classe | Consommation |\n|---|---|\n| Classe A | 50 kWh |\n| Classe B | 90 kWh |\n"
            "| Classe D | 230 kWh |")
    near = (text.index("| Classe A"), text.index("| Classe B"))
    assert _answer(text, "quelle consommation a la classe D", near).endswith("| Classe D | 230 kWh |")
    assert _answer(text, "quelle consommation pour la classe a", near).endswith("| Classe A | 50 kWh |")


def test_a_csv_s_rows_read_as_fields_answer_their_row(tmp_path):
    """A .csv's row is read as its own section of fields, headed by its first cell: the row is the passage, named
    without `tables.named_by` (a guard of what the .csv reader did before it, which the rule need not change)."""
    lines = "".join(f"{a},{b},{c}\n" for a, b, c in MODELS)
    (tmp_path / "gamme.csv").write_text(f"Modèle,Tasses par jour,Boissons\n{lines}", encoding="utf-8")
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], 200).chunk(read_document(tmp_path,
                                                                                             tmp_path / "gamme.csv"))
    named = [chunk for chunk in chunks if chunk.section is not None and chunk.section.endswith("Duo M")]
    assert [chunk.text for chunk in named] == ["Tasses par jour : 120\nBoissons : 12"]


def test_no_row_is_named_off_a_table():
    analyzer = Analyzer("fr")
    parts = Highlighter(analyzer)._sentences("Duo M : 120 tasses.\nDuo S : 60 tasses.", None)
    assert all(not part.cell for part in parts)
    weights = {term: 1.0 for term in analyzer.terms(QUESTION)}
    assert best_windows(parts, weights, words=frozenset(analyzer.words(QUESTION)))[1][:2] == (0, 0)


def test_a_row_named_answers_though_the_prose_under_its_table_holds_more_of_the_question_s_words(tmp_path):
    """Audit 63's rate limits, read by the AsciiDoc reader (a header row, each cell on a line of its own): "Standard"
    names its row, and the next row with the sentence under the table ("Too Many Requests", "the API") held more of
    the question's words: the next row was quoted wherever the model pointed but at the row named (stop 64)."""
    (tmp_path / "api.adoc").write_text(
        "= API Guide\n\n== Rate limits\n\n[cols=\"1,1,2\",options=\"header\"]\n|===\n|Plan |Requests per minute |Burst"
        "\n\n|Standard\n|120\n|20 requests in one second\n\n|Enterprise\n|600\n|100 requests in one second\n|===\n\n"
        "When the limit is exceeded, the API answers `429 Too Many Requests` with a `Retry-After` header.\n",
        encoding="utf-8")
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], 200).chunk(read_document(tmp_path,
                                                                                             tmp_path / "api.adoc"))
    text = next(chunk.text for chunk in chunks if "Standard" in chunk.text)
    standard = "Plan | Requests per minute | Burst\nStandard | 120 | 20 requests in one second"
    enterprise = "Plan | Requests per minute | Burst\nEnterprise | 600 | 100 requests in one second"
    question = "how many API requests per minute on the Standard plan"
    for near in (None, (text.index("Enterprise"), text.index("When")), (text.index("Standard"), len(text))):
        assert _answer(text, question, near) == standard
    # the other row named is the answer in turn, the model pointing at the first
    assert _answer(text, question.replace("Standard", "Enterprise"), (0, text.index("Enterprise"))).startswith(
        enterprise)
