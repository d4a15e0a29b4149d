"""A PDF's table through ingest and search with the real model: its rows are passages' table rows as an HTML table's
are, so that a question about one row is answered with that row under the table's header row, a wrapped cell in its
row, the citation the row's place in the PDF's text."""

from __future__ import annotations

import pytest

from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.search.answer import answer
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from tests.helpers.pdfs import HEIGHT, MARGIN, WIDTH, below, flow, make_pdf, table

HEADER = ["Code", "Message", "Que faire ?"]
ROWS = [
    ["E01", "Carte non lue", "Nettoyez le lecteur avec une carte de nettoyage et demandez au client de réinsérer sa "
                             "carte."],
    ["E05", "Transaction refusée par la banque", "Proposez un autre moyen de paiement : le terminal ne connaît pas "
                                                 "le motif du refus."],
    ["E12", "Pas de réseau", "Vérifiez le wifi ou placez le terminal sur sa base ; le terminal bascule en 4G après "
                             "30 secondes."],
    ["E31", "Terminal non sécurisé", "N'utilisez plus le terminal et appelez l'assistance sans délai : il a détecté "
                                     "une ouverture du boîtier."],
    ["E40", "Papier absent", "Remplacez le rouleau de papier thermique."],
]

# stop 47's price table: the last row's first cell wraps, and its price was left out of the answer
PRICES = [["Offre", "Abonnement mensuel", "Commission"], ["Essentiel", "14,90 €", "1,75 %"],
          ["Pro", "24,90 €", "1,20 %"], ["Premium avec terminal de paiement inclus", "29,90 €", "1,20 %"]]


@pytest.fixture(scope="module")
def codes_index(tmp_path_factory, embedder) -> Index:
    corpus = tmp_path_factory.mktemp("pdf-tables")
    top = HEIGHT - 2 * MARGIN
    title = [(MARGIN, top, "Messages d'erreur du terminal", 14.0, True)]
    intro = flow(["Le terminal affiche un code lorsqu'une opération échoue. Le tableau suivant donne la conduite à "
                  "tenir pour chacun."], MARGIN, below(title), WIDTH - 2 * MARGIN)
    rows = table([HEADER, *ROWS], below(intro), [60, 150, 270], bold_header=True)
    after = flow(["Pour tout autre code, appelez l'assistance au 01 23 45 67 89."], MARGIN, below(rows),
                 WIDTH - 2 * MARGIN)
    make_pdf(corpus / "codes-erreur-t200.pdf", [title + intro + rows + after])
    prices = table(PRICES, top, [140, 110, 110])
    make_pdf(corpus / "tarifs-t200.pdf", [prices + flow(["Les prix s'entendent hors taxes, par terminal."], MARGIN,
                                                         below(prices), WIDTH - 2 * MARGIN)])
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("pdf-tables-index"))
    ingest(settings, embedder=embedder)
    return Index.load(settings.index_dir)


@pytest.mark.parametrize(("question", "header", "row"), [
    ("que faire quand le terminal affiche E31 ?", HEADER, ROWS[3]),  # its third cell wrapped over two lines
    ("Combien coûte l'abonnement Premium avec terminal de paiement ?", PRICES[0], PRICES[3]),  # its first cell
], ids=["error code", "price"])
def test_a_row_is_answered_under_its_header_its_wrapped_cell_in_it(codes_index, embedder, question, header, row):
    (hits,) = Searcher(codes_index, embedder).search([Query(question, 3, "hybrid", False)])
    header, row = " | ".join(header), " | ".join(row)
    top = next(p for p in codes_index.passages if p.id == hits[0].id)
    assert header in top.text and row in top.text
    reply = answer(hits, True, "fr")
    assert reply is not None and reply.passage_id == top.id
    assert reply.text.startswith(f"{header}\n") and row in reply.text
    assert reply.text.endswith(top.text[reply.start:reply.end])  # the span is the rows, in the passage's text
    assert header not in top.text[reply.start:reply.end]
