"""FAQ spreadsheets (.csv, .tsv) through ingest and search, over the real model and FAISS: a reworded question finds
its row, cited at that row of the file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from rag.corpus.encoding import BINARY
from rag.corpus.formats.csv import MAX_COLUMNS
from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.search.answer import answer
from rag.search.searcher import Query, Searcher
from rag.settings import Settings

ROWS = [
    ("Catégorie", "Question", "Réponse", "Mis à jour"),
    ("Commandes", "Comment suivre ma commande ?", "Ouvrez « Mes commandes » dans votre compte : le lien de suivi du "
     "transporteur y apparaît dès l'expédition.", "2024-02-01"),
    ("Livraison", "Quels sont les délais de livraison ?", "Colissimo livre en 48 heures en France métropolitaine.\n\n"
     'Le point relais ("Mondial Relay") compte 3 à 5 jours ouvrés.', "2024-03-12"),
    ("Retours", "Puis-je renvoyer un article ?", "Oui, sous 30 jours, avec l'étiquette prépayée jointe au colis ; "
     "le remboursement suit sous 14 jours.", ""),
    ("Paiement", "Quels moyens de paiement acceptez-vous ?", "Carte bancaire, PayPal et virement ; pas de chèque.",
     "2023-11-30"),
]
ARTICLES = ("title\tbody\n"
            "Réinitialiser son mot de passe\tCliquez sur « Mot de passe oublié » : un lien valable une heure vous "
            "est envoyé par courriel.\n"
            "Supprimer son compte\tÉcrivez au service client ; la suppression est faite sous 30 jours.\n")

# a help desk's export (Zendesk's columns): HTML bodies, the sections' ids beside their names
HELP_DESK = [
    ("Article Id", "Title", "Body", "Section Id", "Section"),
    ("360001", "Exporter ses factures", '<p>Ouvrez <strong>Facturation</strong>&nbsp;puis cliquez sur '
     '<a href="/export" class="btn">Exporter</a> : un fichier PDF par facture.</p>', "360000999", "Facturation"),
    ("360002", "Changer d'adresse e-mail", "<p>Dans <em>Profil</em>, modifiez l'adresse puis confirmez-la depuis le "
     "lien reçu.</p>", "360000998", "Compte"),
]


def _excel(rows: list[tuple[str, ...]]) -> bytes:
    """Rows as Excel's French CSV export writes them: ';', quotes where needed, CRLF, UTF-8 with its mark."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


@pytest.fixture(scope="module")
def csv_corpus(tmp_path_factory, embedder) -> tuple[Path, Index]:
    """An FAQ spreadsheet and a help desk's articles as a table, with bad tables beside them, ingested."""
    corpus = tmp_path_factory.mktemp("csv-corpus")
    (corpus / "faq-boutique.csv").write_bytes(_excel(ROWS))
    (corpus / "articles.tsv").write_text(ARTICLES, encoding="utf-8")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(HELP_DESK)
    (corpus / "zendesk.csv").write_text(out.getvalue(), encoding="utf-8")
    (corpus / "sources.toml").write_text('["articles.tsv"]\ntitle = "Centre d\'aide"\n', encoding="utf-8")
    bad = {"vide.csv": (b";;;\r\n;;;\r\n", "no text found: every cell of the table is empty"),
           "matrice.csv": (b",".join([b"1"] * (MAX_COLUMNS + 5)) + b"\n", f"{MAX_COLUMNS + 5:,} cells in row 1"),
           "image.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", BINARY),
           "ouvert.csv": (b'question;r\xc3\xa9ponse\nA ?;"Oui\nB ?;Non\n', "a quote opened in row 2 (line 2) is never "
                                                                          "closed")}
    for name, (data, _) in bad.items():
        (corpus / name).write_bytes(data)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("csv-index"))
    report = ingest(settings, embedder=embedder)
    assert {s.source: s.reason.split(":")[0] if s.source == "image.csv" else s.reason[:len(bad[s.source][1])]
            for s in report.skipped} == {name: reason for name, (_, reason) in bad.items()}
    assert report.documents == 3
    return corpus, Index.load(settings.index_dir)


def test_a_reworded_question_finds_its_row_first_cited_at_that_row(csv_corpus, embedder):
    corpus, index = csv_corpus
    (hits,) = Searcher(index, embedder).search([Query("En combien de jours suis-je livré ?", 3,
                                                      "hybrid", False)])
    top = hits[0]
    assert top.text.splitlines() == ["Colissimo livre en 48 heures en France métropolitaine.",
                                     'Le point relais ("Mondial Relay") compte 3 à 5 jours ouvrés.']
    citation = top.citation
    assert (citation.source, citation.title) == ("faq-boutique.csv", "Faq boutique")
    assert citation.section == "Livraison › Quels sont les délais de livraison ?"
    text = (corpus / citation.source).read_bytes().decode("utf-8-sig")
    # the row from its question to its answer's end: the date, a field of the passage, is not quoted
    start, end = text.index("Quels sont les délais"), text.index("jours ouvrés.") + len("jours ouvrés.")
    assert (citation.start, citation.end) == (start, end)


def test_a_help_desk_article_table_is_found_by_its_title_and_body(csv_corpus, embedder):
    (hits,) = Searcher(csv_corpus[1], embedder).search([Query("J'ai oublié mon mot de passe", 3, "hybrid", False)])
    top = hits[0]
    assert top.text.startswith("Cliquez sur « Mot de passe oublié »")
    assert (top.citation.title, top.citation.section) == ("Centre d'aide", "Réinitialiser son mot de passe")
    assert ARTICLES[top.citation.start:top.citation.end].startswith("Réinitialiser son mot de passe\tCliquez")


def test_a_help_desk_s_html_bodies_are_read_as_html_under_their_sections_names(csv_corpus, embedder):
    corpus, index = csv_corpus
    searcher = Searcher(index, embedder)
    (hits,) = searcher.search([Query("Comment télécharger mes factures ?", 3, "hybrid", False)])
    top = hits[0]
    assert top.text == "Ouvrez Facturation puis cliquez sur Exporter : un fichier PDF par facture."
    assert top.citation.section == "Facturation › Exporter ses factures"
    text = (corpus / "zendesk.csv").read_text(encoding="utf-8")
    assert text[top.citation.start:top.citation.end].startswith('Exporter ses factures,"<p>Ouvrez <strong>')
    (by_id,) = searcher.search([Query("360001", 3, "lexical", False)])  # the article's id, a field: indexed
    assert by_id[0].citation.section == "Facturation › Exporter ses factures"
    (markup,) = searcher.search([Query("strong nbsp href class", 5, "lexical", False)])
    assert not [hit.text for hit in markup if "zendesk" in hit.citation.source]


# a chatbot tool's FAQ export: an id, the question's paraphrases the bot is trained on, a state and a date beside the
# question and its answer
CHATBOT = [
    ("id", "intent", "category", "question", "utterances", "answer", "status", "last_modified"),
    ("KB-1042", "pay_in_3", "Payment", "Can I pay in instalments?", "pay in 3 | split payment | klarna",
     "Yes: orders from €100 to €2,000 can be paid in three interest-free instalments, the first on the day of the "
     "order.", "published", "2024-05-21"),
    ("KB-1043", "gift_card", "Payment", "How long is a gift card valid?", "gift voucher expiry | e-gift card",
     "A gift card is valid for one year from its purchase, online and in our shop.", "published", "2023-11-02"),
    ("KB-1044", "order_cancel", "Orders", "Can I cancel my order?", "cancel order | change my order",
     "You can cancel or change your order within an hour of placing it, from My account > Orders.", "published",
     "2024-04-08"),
]


@pytest.fixture(scope="module")
def chatbot_index(tmp_path_factory, embedder) -> Index:
    corpus = tmp_path_factory.mktemp("chatbot")
    (corpus / "faq_export.csv").write_bytes(_excel(CHATBOT))
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("chatbot-index"))
    ingest(settings, embedder=embedder)
    return Index.load(settings.index_dir)


def test_a_chatbot_export_s_answer_is_its_answer_column_its_other_columns_still_find_it(chatbot_index, embedder):
    """Audit 52: the answer ended with "intent_id : paiement_3x / variantes : ... / statut : publié / derniere_modif :
    2024-05-21", the highlight drawn to the paraphrases column. A word only the paraphrases hold ("klarna") and the
    id still find the row; the answer quotes its answer column alone."""
    searcher = Searcher(chatbot_index, embedder)
    (hits,) = searcher.search([Query("is klarna accepted?", 3, "hybrid", False)])
    assert hits[0].citation.section == "Payment › Can I pay in instalments?"
    reply = answer(hits, True, "en")
    assert reply is not None and reply.text == CHATBOT[1][5], reply.text
    assert not any(word in reply.text + hits[0].text for word in ("klarna", "pay_in_3", "KB-", "published", "2024"))
    text = _excel(CHATBOT).decode("utf-8-sig")  # cited in the file from the question to the answer's end
    assert text[hits[0].citation.start:hits[0].citation.end] == ";".join(CHATBOT[1][3:6])
    (by_id,) = searcher.search([Query("KB-1043", 3, "lexical", False)])
    assert by_id[0].citation.section == "Payment › How long is a gift card valid?"
