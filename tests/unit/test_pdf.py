"""PDF ingest: text page by page, outline sections, page citations; bad PDFs and unsupported files reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfWriter

from rag.corpus.formats.pdf import ENCRYPTED, NO_TEXT, PAGE_BREAK, parse_pdf
from rag.corpus.reader import read_document
from tests.helpers.pdfs import OUTLINE, PAGES, make_pdf


def _read(path: Path):
    return read_document(path.parent, path)


def test_extracted_text_round_trips_french_accents(tmp_path):
    line = "Frais de séjour désabonnement : l'œuvre « à Noël », ça coûte 5 € — voilà."
    doc = _read(make_pdf(tmp_path / "accents.pdf", [line]))
    assert doc.text == line + "\n"


def test_pages_are_joined_by_a_form_feed_and_lines_index_the_text(tmp_path):
    doc = _read(make_pdf(tmp_path / "guide.pdf", PAGES, outline=OUTLINE))
    pages = doc.text.split(PAGE_BREAK)
    assert len(pages) == 3 and doc.page_starts == [0, len(pages[0]) + 1, len(pages[0]) + len(pages[1]) + 2]
    assert pages[2].startswith("Virements aux marchands")
    for section in doc.sections:
        for line in section.lines:
            assert doc.text[line.start:line.end] == line.text
    assert doc.page(doc.text.index("chaque mardi")) == 3 and doc.page(0) == 1


def test_outline_headings_become_sections_starting_where_their_title_stands(tmp_path):
    doc = _read(make_pdf(tmp_path / "guide.pdf", PAGES, outline=OUTLINE))
    assert [s.heading for s in doc.sections] == ["Ouverture du compte", "Retours des clients",
                                                 "Virements aux marchands"]
    assert doc.title == "Guide du marchand"  # the lone line before the first heading, with no /Title
    third = doc.sections[2]
    assert third.heading_start == doc.page_starts[2]
    assert third.lines[0].text.startswith("Les fonds des ventes")  # the heading line is not a body line


def test_a_numbered_heading_line_belongs_to_its_section_and_nested_entries_count(tmp_path):
    pages = ["1 Comptes\nIntroduction aux comptes marchands.\n1.1 Ouverture\nEnvoyez le formulaire signé."]
    path = tmp_path / "numbered.pdf"
    make_pdf(path, pages)
    writer = PdfWriter(clone_from=path)
    parent = writer.add_outline_item("1 Comptes", 0)
    writer.add_outline_item("Ouverture", 0, parent=parent)  # the outline title leaves the number out
    writer.write(path)
    doc = _read(path)
    assert [(s.heading, [line.text for line in s.lines]) for s in doc.sections] == [
        ("1 Comptes", ["Introduction aux comptes marchands."]),
        ("1 Comptes › Ouverture", ["Envoyez le formulaire signé."])]  # a nested entry stands under its parent
    assert doc.sections[1].heading_start == doc.text.index("1.1 Ouverture")


def test_title_from_metadata_else_from_the_file_name(tmp_path):
    assert _read(make_pdf(tmp_path / "a.pdf", PAGES[:1], title="Guide des marchands")).title == "Guide des marchands"
    untitled = ["Le compte est activé sous deux jours ouvrés après la vérification des documents."]
    assert _read(make_pdf(tmp_path / "conditions-generales.pdf", untitled, title="  ")).title == \
        "Conditions generales"
    assert _read(make_pdf(tmp_path / "b.pdf", untitled)).title == "B"


def test_a_word_hyphenated_at_a_line_end_is_joined_without_moving_any_offset(tmp_path):
    pages = ["Le paie-\nment est dû. Le porte-\nmonnaie reste au porte-monnaie.\nUn Jean-\nPierre."]
    doc = _read(make_pdf(tmp_path / "hyphens.pdf", pages))
    raw = "Le paie-\nment est dû. Le porte-\nmonnaie reste au porte-monnaie.\nUn Jean-\nPierre.\n"
    assert len(doc.text) == len(raw)
    assert "Le paiement\n  est dû." in doc.text  # joined, same length: every later offset unchanged
    assert "porte-\nmonnaie" in doc.text  # spelt with its hyphen elsewhere: a compound, kept
    assert "Jean-\nPierre" in doc.text  # a capital after the break: kept
    assert doc.text.index("reste") == raw.index("reste")


def test_a_heading_not_found_below_one_found_on_its_page_takes_no_text_from_it(tmp_path):
    page = "fin de l'introduction\n1 Retours\nUn client retourne un article.\n1.1 Delais\nSous quatorze jours."
    doc = _read(make_pdf(tmp_path / "outline.pdf", ["Introduction", page],
                         outline=[("Retours", 1), ("Délais de retour", 1)]))  # the second title is not on the page
    by_heading = {s.heading: [line.text for line in s.lines] for s in doc.sections}
    assert [s.heading for s in doc.sections] == [None, "Retours"]  # where "Délais de retour" starts is unknown
    assert by_heading[None] == ["Introduction", "fin de l'introduction"]  # not taken by the heading missing
    assert by_heading["Retours"] == ["Un client retourne un article.", "1.1 Delais", "Sous quatorze jours."]


def test_lone_surrogates_from_a_broken_font_map_become_replacement_characters(tmp_path, monkeypatch):
    from pypdf import PageObject

    path = make_pdf(tmp_path / "cmap.pdf", ["Hello ABC world"])
    monkeypatch.setattr(PageObject, "extract_text", lambda self, *a, **k: "Hello \ud800BC world")  # as pypdf gives
    doc = _read(path)
    assert doc.text.startswith("Hello \ufffdBC world")  # one for one: no offset moves
    doc.text.encode("utf-8")  # the passage store and the tokenizer take it


def test_a_pdf_encrypted_with_an_owner_password_only_is_read(tmp_path):
    path = make_pdf(tmp_path / "owner.pdf", PAGES[:1])
    writer = PdfWriter(clone_from=path)
    writer.encrypt(user_password="", owner_password="proprietaire", algorithm="AES-128")
    writer.write(path)
    assert "extrait Kbis" in _read(path).text


def test_bad_pdfs_raise_a_reason_a_person_can_act_on(tmp_path):
    with pytest.raises(ValueError, match=f"^{re.escape(ENCRYPTED)}$"):
        _read(make_pdf(tmp_path / "secret.pdf", PAGES, password="motdepasse"))
    with pytest.raises(ValueError, match=f"^{re.escape(NO_TEXT)}$"):
        _read(make_pdf(tmp_path / "scan.pdf", ["", ""]))
    good = make_pdf(tmp_path / "good.pdf", PAGES).read_bytes()
    (tmp_path / "cut.pdf").write_bytes(good[: len(good) // 3])
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    for name in ("cut.pdf", "junk.pdf"):
        with pytest.raises(ValueError, match=r"^damaged PDF, cannot be parsed"):
            _read(tmp_path / name)
    with pytest.raises(ValueError, match=r"^damaged PDF"):
        parse_pdf(b"not a pdf at all")


def test_what_pypdf_repairs_is_reported_with_the_document_not_printed_bare(tmp_path, capsys):
    good = make_pdf(tmp_path / "good.pdf", PAGES).read_bytes()
    (tmp_path / "moved.pdf").write_bytes(good[:good.rfind(b"startxref")] + b"startxref\n99999\n%%EOF\n")
    document = _read(tmp_path / "moved.pdf")
    assert "extrait Kbis" in document.text
    [change] = document.changes
    assert change.startswith("the PDF reader warned (check the text it read): ") and "startxref" in change
    assert "startxref" not in capsys.readouterr().err
    assert _read(tmp_path / "good.pdf").changes == []


def test_pdfs_respect_the_file_size_limit(tmp_path):
    path = make_pdf(tmp_path / "big.pdf", PAGES)
    with pytest.raises(ValueError, match="file too large"):
        read_document(tmp_path, path, max_bytes=path.stat().st_size - 1)


def test_a_pdf_without_outline_has_its_title_lines_as_sections(tmp_path):
    """Without bookmarks, the guide's short title lines head sections as in plain text, and the lone one before them
    is the title when the file declares none: "Ouverture du compte" was quoted as an answer, a line of the text."""
    doc = _read(make_pdf(tmp_path / "guide.pdf", PAGES))
    assert [s.heading for s in doc.sections] == [
        "Ouverture du compte", "Retours des clients", "Virements aux marchands"]
    assert doc.title == "Guide du marchand"
    assert doc.sections[0].lines[0].text.startswith("Pour ouvrir un compte marchand")
    titled = _read(make_pdf(tmp_path / "titled.pdf", PAGES, title="Le guide"))
    # under a title the file declares, the line is kept: the heading its sections stand under
    assert titled.title == "Le guide" and titled.sections[0].heading == "Guide du marchand › Ouverture du compte"


def test_a_running_header_or_footer_is_no_title_and_numbered_headings_stay(tmp_path):
    """Every page opens on the same header and ends on its page number: without an outline, neither heads a
    section (a review: every page became a section named "Conditions générales ColisVert"). Numbered headings
    inside pages stay headings, one that opens a page too ("Article 3": a later review)."""
    body = "Le contrat est conclu pour une durée d'un an, renouvelable par tacite reconduction chaque année."
    pages = [f"Conditions générales ColisVert\n{body}\nPage {n} sur 3" for n in (1, 2, 3)]
    assert [s.heading for s in _read(make_pdf(tmp_path / "cgv.pdf", pages)).sections] == [None]
    articles = [f"Article 1\n{body}\nArticle 2\n{body}", f"Article 3\n{body}\nArticle 4\n{body}"]
    doc = _read(make_pdf(tmp_path / "contrat.pdf", articles))
    assert [s.heading for s in doc.sections] == ["Article 1", "Article 2", "Article 3", "Article 4"]


def test_running_furniture_of_several_lines_is_left_out_and_titles_over_wrapped_paragraphs_head_sections(tmp_path):
    """A user's rules of procedure, as a word processor prints it: each page opens on a header, a version, a notice
    and its number, and the text is wrapped at the column's width. The furniture was indexed inside the passages
    ("... quatre-vingt-dix jours. ACME SA — Règlement intérieur ... Page 2"), and titles whose paragraph's first line
    was not twice as long as they are ("Article 4 – Utilisation du matériel informatique") headed nothing."""
    furniture = "ACME SA — Règlement intérieur 2025\nVersion 3.2\nConfidentiel — usage interne\nPage {n}\n"
    first = ("Article 1 – Horaires de travail\n"
             "La durée hebdomadaire de travail est fixée à trente-cinq\n"
             "heures. Les horaires collectifs sont affichés dans chaque\n"
             "établissement et communiqués à chaque collaborateur.\n"
             "Article 4 – Utilisation du matériel informatique\n"
             "Le matériel informatique mis à disposition est réservé à un\n"
             "usage professionnel. Les mots de passe sont personnels.")
    second = ("Article 5 – Sanctions\n"
              "Les sanctions applicables sont, par ordre de gravité croissante\n"
              ", l'avertissement, la mise à pied et le licenciement. Aucune\n"
              "sanction ne peut être prononcée sans que le salarié soit informé.")
    doc = _read(make_pdf(tmp_path / "reglement.pdf", [furniture.format(n=1) + first, furniture.format(n=2) + second]))
    assert [s.heading for s in doc.sections] == [
        "Article 1 – Horaires de travail", "Article 4 – Utilisation du matériel informatique", "Article 5 – Sanctions"]
    kept = "\n".join(line.text for section in doc.sections for line in section.lines)
    for line in ("ACME SA", "Version 3.2", "Confidentiel", "Page 1", "Page 2"):
        assert line not in kept
    # the wrapped lines of a paragraph head nothing, the one after a title's neither
    assert doc.sections[0].lines[0].text.startswith("La durée hebdomadaire")
    assert doc.sections[2].lines[0].text.startswith("Les sanctions applicables")
    # a line repeated on two pages that is not at their edges, or is a sentence of the body, is text
    body = "Le contrat est conclu pour une durée d'un an, renouvelable par tacite reconduction chaque année."
    doc = _read(make_pdf(tmp_path / "contrat.pdf", [f"Préambule\n{body}\nVoir l'annexe.\nPage 1\nx\ny\nz\nw",
                                                      f"Annexe\n{body}\nVoir l'annexe.\nPage 2\nx\ny\nz\nw"]))
    assert sum(line.text == body for section in doc.sections for line in section.lines) == 2


def test_running_furniture_is_left_out_of_the_sections_of_a_pdf_with_an_outline_too(tmp_path):
    """Bookmarks give the sections; the header and the page number each page opens on are still no text of them."""
    pages = [f"ACME SA — Guide du marchand\nPage {n}\n{text}" for n, text in enumerate(PAGES, 1)]
    doc = _read(make_pdf(tmp_path / "guide.pdf", pages, outline=OUTLINE))
    assert [s.heading for s in doc.sections] == [title for title, _ in OUTLINE]
    kept = [line.text for section in doc.sections for line in section.lines]
    assert not [line for line in kept if line.startswith(("ACME SA", "Page "))]
    assert any(line.startswith("Pour ouvrir un compte marchand") for line in kept)


def test_a_block_of_lines_is_no_paragraph_under_a_title_nor_is_a_line_that_breaks_a_word(tmp_path):
    """A manual's usage notes: lines each of its own ("Page du projet : <https://...>") joined as the paragraph under
    a short line made it a heading ("Signalez les erreurs : aide@acme.fr"), as did a line ending inside a word
    ("... ASN1_ELEMENT_NOT_FOUND si ELE-" then "MENT ...") in a real manual (libtasn1's, without its outline)."""
    body = ("Le guide décrit les commandes de l'outil de conversion des fichiers, leurs options\n"
            "et les erreurs qu'elles signalent. Chaque commande renvoie un code de sortie.\n")
    links = ("Signalez les erreurs : aide@acme.fr\n"
             "Page d'accueil du projet : <https://www.acme.fr/projets/outil/>\n"
             "Aide générale sur les logiciels : <https://www.acme.fr/aide/logiciels/>\n")
    broken = ("Retourne ASN1_SUCCESS si tout va bien, ASN1_ELEMENT_NOT_FOUND si ELE-\n"
              "MENT n'existe pas dans la structure, ASN1_VALUE_NOT_VALID si la valeur\n"
              "donnée ne convient pas au type de l'élément, selon sa définition.\n")
    doc = _read(make_pdf(tmp_path / "outil.pdf", ["Commandes\n" + body + links + broken]))
    assert [s.heading for s in doc.sections] == ["Commandes"]


def test_running_furniture_is_found_in_time_linear_in_the_pages():
    """Each line's page was found by counting the page breaks from the text's top: a manual of 1,500 pages took
    minutes (the pages times the lines) before its sections were read."""
    import time

    from rag.corpus.formats.pdf import _titled
    from rag.corpus.formats.pdf_furniture import body_lines

    def page(n: int) -> str:
        return "\n".join(f"Ligne {i} de la page {n} d'un manuel, qui parle de choses et d'autres." for i in range(40))

    started = time.thread_time()
    sections = _titled(*body_lines(PAGE_BREAK.join([f"Manuel\n{page(n)}\nPage {n}" for n in range(1500)])))
    assert time.thread_time() - started < 10
    kept = [line.text for section in sections for line in section.lines]
    assert len(kept) == 1500 * 40 and not any(line.startswith(("Manuel", "Page ")) for line in kept)


def test_a_title_after_a_list_item_without_a_full_stop_heads_its_section(tmp_path):
    """A contract's list of services, its items without full stops as most lists are: the item before "Article 5"
    was taken for a paragraph's line running on into it, and the article headed nothing. A line runs on into the
    next only when that one's first word would not have fitted on it: the column is far wider than the item."""
    page = ("Article 4 – Services\n"
            "Les services fournis par le prestataire au client comprennent notamment les éléments suivants :\n"
            "- l'accès au portail client et à l'espace de gestion\n"
            "- la maintenance corrective des équipements fournis\n"
            "Article 5 – Résiliation\n"
            "Le contrat peut être résilié à tout moment par lettre recommandée avec accusé de réception.\n"
            "Le préavis est d'un mois, à compter de la date de réception de la lettre par le prestataire.")
    doc = _read(make_pdf(tmp_path / "contrat.pdf", [page]))
    assert [s.heading for s in doc.sections] == ["Article 4 – Services", "Article 5 – Résiliation"]
    # a short line that ends a paragraph wrapped at the column's width is still no title
    wrapped = ("Article 1 – Siège\n"
               "Le siège social de la société, où se tiennent les assemblées générales, est établi à\n"
               "Paris Saint-Lazare\n"
               "Il peut être transféré en tout autre lieu du même département par une décision du conseil.")
    doc = _read(make_pdf(tmp_path / "statuts.pdf", [wrapped]))
    assert [s.heading for s in doc.sections] == ["Article 1 – Siège"]


def test_a_title_the_pages_after_repeat_as_their_header_still_names_the_document(tmp_path):
    """General terms without a /Title, whose first line every page repeats as its header: leaving running headers
    out of the passages left the document without its title, which its first line had given it."""
    body = "Les présentes conditions régissent les ventes conclues entre la société et ses clients professionnels."
    pages = [f"Conditions générales de vente\nArticle {n} – Objet\n{body}\n{n}" for n in (1, 2, 3)]
    doc = _read(make_pdf(tmp_path / "cgv.pdf", pages))
    assert doc.title == "Conditions générales de vente"
    assert [s.heading for s in doc.sections] == [f"Article {n} – Objet" for n in (1, 2, 3)]
    assert not [line for s in doc.sections for line in s.lines if line.text.startswith("Conditions")]


def test_an_amount_on_its_own_line_at_a_page_foot_is_no_page_number(tmp_path):
    """An invoice's articles, each page ending on its amount alone on a line above the page number: any number
    alone on a line near two pages' edges was taken for their page number and left out, the amounts with it. A page
    number counts as the pages do: "1" then "2" repeat, "1250" then "380" do not."""
    pages = ["Article 1 – Montant dû au titre de la prestation\nLe montant dû pour la prestation de conseil réalisée "
             "en mars, hors taxes et frais annexes, s'élève à :\n1250\n1",
             "Article 2 – Frais de déplacement remboursables\nLes frais de déplacement engagés pour la mission, sur "
             "justificatifs et après accord, s'élèvent à :\n380\n2"]
    doc = _read(make_pdf(tmp_path / "facture.pdf", pages))
    assert [[line.text for line in s.lines][-1] for s in doc.sections] == ["1250", "380"]
    assert [s.heading for s in doc.sections] == ["Article 1 – Montant dû au titre de la prestation",
                                                 "Article 2 – Frais de déplacement remboursables"]
