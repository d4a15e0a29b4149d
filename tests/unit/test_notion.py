"""Notion's "Markdown & CSV" export of a database: its rows as `<Database> <id>_all.csv` and as one page a row in the
folder beside it. Each row took a result twice, its CSV row beside its page (audit 49: "Comment suivre mon colis ?"
first from `FAQ <id>_all.csv`, then from its page); a row whose page is read is read from its page only."""

from pathlib import Path

from rag.corpus.reader import Document, Skipped, read_files

DATABASE = "FAQ 9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b"
ROWS = ('\ufeffQuestion,Catégorie,Created\n"Comment suivre mon colis ?",Livraison,"15 mars 2024 10:02"\n'
        "Puis-je modifier ma commande ?,Commande,21 mars 2024 09:15\n"
        "Où est ma facture ?,Paiement,22 mars 2024 11:00\n"
        "Combien de temps faut-il pour être remboursé d’un retour en magasin ?,Retours,23 mars 2024 08:00\n")


def _page(folder: Path, name: str, title: str, body: str) -> None:
    (folder / f"{name} {'1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c' + str(len(name) % 90).zfill(2)}.md").write_text(
        f"# {title}\n\nCatégorie: Livraison\nCreated: 15 mars 2024 10:02\n\n{body}\n", encoding="utf-8")


def _outcomes(root: Path) -> dict[str, Document | Skipped]:
    return {outcome.source.rsplit("/", 1)[-1]: outcome for outcome in read_files(root)}


def test_a_database_row_whose_page_is_read_is_read_from_its_page_and_the_csv_keeps_the_others(tmp_path):
    space = tmp_path / "Support client 3b1f9e2a7c4d4e5f8a9b0c1d2e3f4a5b"
    pages = space / DATABASE
    pages.mkdir(parents=True)
    (space / f"{DATABASE}_all.csv").write_text(ROWS, encoding="utf-8")
    # Notion's names: a title without the characters a file name cannot hold ("?"), a long one cut short
    _page(pages, "Comment suivre mon colis ", "Comment suivre mon colis ?", "Par le lien de suivi.")
    _page(pages, "Combien de temps faut-il pour être remboursé d’un", "Combien de temps ... ?", "Sous 14 jours.")
    (pages / ".Puis-je modifier ma commande  5e6f7a8b9c0d4e1f2a3b4c5d6e7f8a9b.md").write_text(
        "# Puis-je modifier ma commande ?\n\nOui.\n", encoding="utf-8")  # hidden: not read, its row kept
    database = _outcomes(tmp_path)[f"{DATABASE}_all.csv"]
    assert isinstance(database, Document)
    assert [section.heading for section in database.sections] == ["Puis-je modifier ma commande ?",
                                                                   "Où est ma facture ?"]
    assert database.changes == [f"2 of its 4 rows read from their own pages in {space.name}/{DATABASE}/ (Notion's "
                                "export writes a database's rows as pages too): left out here"]
    # every row with its page: the CSV says nothing the pages do not
    _page(pages, "Puis-je modifier ma commande ", "Puis-je modifier ma commande ?", "Oui.")
    _page(pages, "Où est ma facture ", "Où est ma facture ?", "Dans l'espace client.")
    outcomes = _outcomes(tmp_path)
    assert outcomes[f"{DATABASE}_all.csv"] == Skipped(
        f"{space.name}/{DATABASE}_all.csv", f"Notion's export of a database: each of its 4 rows is read from its own "
        f"page, in {space.name}/{DATABASE}/ (Notion's export writes a database's rows as pages too)")
    assert sum(isinstance(outcome, Document) for outcome in outcomes.values()) == 4


def test_a_csv_without_its_database_s_pages_and_a_csv_of_another_name_are_read_whole(tmp_path):
    (tmp_path / DATABASE).mkdir()
    (tmp_path / "Comment suivre mon colis  1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d.md").write_text(
        "# Comment suivre mon colis ?\n\nPar le lien de suivi.\n", encoding="utf-8")  # not in the database's folder
    (tmp_path / f"{DATABASE}_all.csv").write_text(ROWS, encoding="utf-8")
    (tmp_path / "faq.csv").write_text(ROWS, encoding="utf-8")
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "Où est ma facture  2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d6e.md").write_text(
        "# Où est ma facture ?\n\nDans l'espace client.\n", encoding="utf-8")
    outcomes = _outcomes(tmp_path)
    for name in (f"{DATABASE}_all.csv", "faq.csv"):
        assert len(outcomes[name].sections) == 4 and outcomes[name].changes == []
