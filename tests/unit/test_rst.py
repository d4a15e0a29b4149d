"""reStructuredText (.rst, .rest) reading through docutils: sections, lists, definition and field lists, tables,
admonitions, code, inline markup as text; what Sphinx adds (toctree, code-block, version notes, tabs, unknown roles)
read permissively; files never included; hostile pages read in linear time or as plain text."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from docutils.parsers.rst import directives, roles

from rag.corpus.files import FORMATS, SUFFIXES
from rag.corpus.formats import rst
from rag.corpus.formats.base import CELL_SEPARATOR
from rag.corpus.formats.rst import parse_rst
from rag.corpus.formats.rst_directives import INLINE_LIMIT, LINE_LIMIT
from rag.corpus.reader import read_document
from tests.helpers.timing import grows_linearly

DATA = Path(__file__).resolve().parents[1] / "data" / "rst"


def _sections(text: str) -> list[tuple[str | None, tuple[str, ...], list[str]]]:
    return [(s.heading, s.parents, [line.text for line in s.lines]) for s in parse_rst(text).sections]


def _lines(text: str) -> list[str]:
    return [line.text for s in parse_rst(text).sections for line in s.lines]


def _file(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_rst_and_rest_are_formats_rag_reads():
    assert SUFFIXES[".rst"] is parse_rst and SUFFIXES[".rest"] is parse_rst
    assert ".rst" in FORMATS.split(", ")


def test_sections_nest_under_the_title_and_the_title_is_the_first_sections():
    parsed = parse_rst(_file("guide-livraison.rst"))
    assert parsed.title == "Livraison et retours"
    heads = {s.heading: s.parents for s in parsed.sections}
    assert heads["Livraison à l'étranger"] == ("Livraison et retours", "Délais de livraison")
    assert heads["Retours et remboursements"] == ("Livraison et retours",)


def test_heading_start_is_the_titles_own_line():
    text = _file("guide-livraison.rst")
    for section in parse_rst(text).sections:
        assert section.heading is not None and section.heading_start is not None
        assert text[section.heading_start:].startswith(section.heading)


def test_inline_markup_is_its_text_and_roles_docutils_does_not_know_too():
    lines = _lines(_file("guide-livraison.rst"))
    assert "Cette page explique comment nous livrons vos commandes et comment retourner un article. Voir aussi la " \
           "FAQ paiement et /compte/index." in lines
    assert "Pour toute question, écrivez à notre service client." in lines
    assert "Les commandes passées avant 14 h partent le jour même. Le délai dépend du mode choisi :" in lines
    api = _lines(_file("api-paiement.rst"))
    assert "Voir Paiement et Ctrl+C pour copier la clé depuis Paramètres ‣ Clés d'API." in api
    assert not any("Unknown" in line or "role" in line for line in api)
    assert _lines(":meth:`.Flask.run`, :func:`!envoyer`, :doc:`../installation`, :py:class:`~a.b.Client`\n") == \
        ["Flask.run, envoyer, ../installation, Client"]


def test_list_items_once_each_numbered_as_shown():
    parsed = parse_rst(_file("guide-livraison.rst"))
    lines = [line for s in parsed.sections for line in s.lines]
    texts = [line.text for line in lines]
    assert texts.count("Colissimo : 2 à 3 jours ouvrés ;") == 1
    assert "2. Choisissez la commande, puis cliquez sur Retourner un article." in texts
    assert all(line.item for line in lines if line.text.startswith(("1.", "Colissimo")))
    nested = _lines("- un\n\n  deux\n\n  * trois\n\n(a) quatre\n(b) cinq\n")
    assert nested == ["un", "deux", "trois", "(a) quatre", "(b) cinq"]


def test_definition_and_field_lists_read_as_term_and_definition_on_a_line():
    texts = _lines(_file("guide-livraison.rst"))
    assert "Conditions: L'article doit être non porté, dans son emballage d'origine." in texts
    assert _lines("Texte.\n\n:Délai: 14 jours\n:Frais: offerts\n") == ["Texte.", "Délai: 14 jours", "Frais: offerts"]


def test_a_field_list_opening_the_page_is_metadata_and_may_title_it():
    parsed = parse_rst(_file("index.rst"))
    assert parsed.title == "Documentation MaBoutique"
    assert not any("orphan" in line or "Documentation MaBoutique" in line for line in _lines(_file("index.rst")))


def test_tables_a_row_a_line_cells_joined_grid_simple_list_and_csv():
    parsed = parse_rst(_file("tarifs.rst"))
    rows = [line for s in parsed.sections for line in s.lines if line.item]
    texts = [row.text for row in rows]
    assert CELL_SEPARATOR.join(["Découverte", "0 €", "8 %"]) in texts  # grid
    assert CELL_SEPARATOR.join(["1 à 5 kg", "6,90 €", "14,90 €"]) in texts  # simple
    assert CELL_SEPARATOR.join(["Mise en avant", "15 € par semaine"]) in texts  # list-table
    assert CELL_SEPARATOR.join(["plus de 7 jours", "15 %"]) in texts  # csv-table
    assert [row.text.split(CELL_SEPARATOR)[0] for row in rows if row.opens_table] == ["Offre", "Poids", "Option",
                                                                                       "Retard"]


def test_admonitions_keep_their_text_and_a_titled_one_heads_it():
    assert "Les articles soldés ne sont ni repris ni échangés." in _lines(_file("guide-livraison.rst"))
    sections = _sections("Titre\n=====\n\n.. admonition:: Attention au froid\n\n   Protégez les plantes.\n\n"
                         "Après.\n")
    assert sections == [("Attention au froid", ("Titre",), ["Protégez les plantes."]), ("Titre", (), ["Après."])]


def test_code_blocks_are_lines_as_written_at_their_offsets():
    text = _file("api-paiement.rst")
    code = [line for s in parse_rst(text).sections for line in s.lines if "Client" in line.text]
    assert [line.text for line in code] == ["from maboutique import Client", 'client = Client(cle="sk_test_123")']
    assert all(text[line.start:line.end] == line.text for line in code)
    assert _lines("Exemple ::\n\n    if x:\n        y()\n") == ["Exemple", "if x:", "    y()"]


def test_a_code_blocks_caption_is_a_line_above_its_code():
    text = ("Texte.\n\n.. code-block:: python\n   :linenos:\n   :caption: Créer un *client* Python\n\n"
            "   client = Client()\n")
    lines = [line for s in parse_rst(text).sections for line in s.lines]
    assert [line.text for line in lines] == ["Texte.", "Créer un client Python", "client = Client()"]
    assert text[lines[1].start:lines[1].end] == "Créer un *client* Python"


def test_sphinx_directives_keep_their_content_and_no_error_message():
    api = _sections(_file("api-paiement.rst"))
    lines = [line for _, _, texts in api for line in texts]
    assert "New in version 2.4: Le paiement en trois fois sans frais." in lines
    assert "Deprecated since version 3.0: Le paramètre somme ; utilisez montant." in lines
    assert "Les montants sont toujours exprimés en centimes : 4990 pour 49,90 €." in lines
    assert ("Linux", ("API de paiement", "Créer un paiement"), ["Installez le client avec pip install maboutique."]) \
        in api
    assert "E402: Le moyen de paiement a été refusé par la banque." in lines
    assert not any(word in line for line in lines for word in ("directive", "Unknown", "members", "script"))
    index = _lines(_file("index.rst"))
    assert _sections(_file("index.rst"))[-1] == (  # `.. only:: html`: the condition heads nothing
        "Bienvenue dans la documentation", (), ["Cette documentation s'adresse aux clients et aux vendeurs de la place "
                                                "de marché MaBoutique.",
                                                "Une version PDF est disponible sur demande auprès du support."])
    assert not any("guide-livraison" in line or "Sommaire" in line for line in index)  # the toctree dropped


def test_include_never_reads_a_file_and_raw_is_left_out(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("mot de passe : hunter2\n", encoding="utf-8")
    for markup in (f".. include:: {secret}\n", f".. literalinclude:: {secret}\n",
                   f".. csv-table:: T\n   :file: {secret}\n", ".. raw:: html\n\n   <b>brut</b>\n"):
        assert not any("hunter2" in line or "brut" in line for line in _lines("Texte.\n\n" + markup))
    parsed = parse_rst(f"Texte.\n\n.. include:: {secret}\n\n.. note::\n\n   .. literalinclude:: exemple.py\n"
                       "      :lines: 2-\n\n.. raw:: html\n\n   <b>brut</b>\n")
    assert parsed.changes == [f"2 included files not read (rag reads no other file than the page): {secret}, "
                              "exemple.py"]
    assert [line.text for s in parsed.sections for line in s.lines] == ["Texte."]


def test_substitutions_replaced_and_their_expansion_bounded():
    assert "Vous disposez de 30 jours pour nous retourner un article." in _lines(_file("guide-livraison.rst"))
    laughs = "".join(f".. |s{i}| replace:: |s{i + 1}| |s{i + 1}|\n" for i in range(40))
    laughs += ".. |s40| replace:: x\n\n|s0|\n"
    assert sum(len(line) for line in _lines(laughs)) < 10 * len(laughs)
    assert _lines("Version |version|.\n") == ["Version |version|."]  # defined by conf.py, not by the page


def test_substitutions_replacing_with_nothing_are_read_in_linear_time():
    def laughs(n: int) -> str:  # each level n references to the one below, the last n roles Sphinx shows as nothing
        d, c, b = ("\\ ".join([ref] * n) for ref in (":func:`~x.`", "|d|", "|c|"))
        body = "\n\n".join(["\\ ".join(["|b|"] * 50)] * 4)
        return f".. |d| replace:: {d}\n.. |c| replace:: {c}\n.. |b| replace:: {b}\n\nText\n\n{body}\n"

    assert grows_linearly(lambda n: parse_rst(laughs(n)), 10)  # 40: 2 KB, which took 92 s
    assert _lines(".. |e| replace:: :func:`~x.`\n.. |f| replace:: a\\ |e|\\ b\n\n|f| |f|\n") == ["ab ab"]


def test_comments_and_targets_are_no_text():
    assert _lines(".. _cible:\n\n.. un commentaire\n   sur deux lignes\n\nTexte.\n") == ["Texte."]


def test_every_lines_words_stand_in_its_span_of_the_source():
    for path in DATA.glob("*.rst"):
        text = path.read_text(encoding="utf-8")
        for section in parse_rst(text).sections:
            for line in section.lines:
                span = text[line.start:line.end]
                assert line.start <= line.end
                made = re.sub(r"^(\d+\.|New in version|Changed in version|Deprecated since version)", "", line.text)
                missing = [w for w in re.findall(r"\w+", made) if w not in span and w not in ("30", "jours")]
                assert not missing, (path.name, line.text, span)


def test_a_real_sphinx_page_reads_whole():
    parsed = parse_rst(_file("flask-flashing.rst"))
    assert parsed.title == "Message Flashing"
    heads = [s.heading for s in parsed.sections]
    assert "Flashing With Categories" in heads and "Filtering Flash Messages" in heads
    lines = [line.text for s in parsed.sections for line in s.lines]
    assert "New in version 0.3." in lines
    assert "{% with messages = get_flashed_messages() %}" in lines


def test_parsing_leaves_docutils_tables_unchanged_for_other_threads():
    seen: list[list[str]] = []
    thread = threading.Thread(target=lambda: seen.append(_lines(".. role:: custom\n.. default-role:: custom\n\n"
                                                                ".. toctree::\n\n   a\n\n`x` :ref:`y`\n")))
    thread.start()
    thread.join()
    assert seen == [["x y"]]
    assert "toctree" not in directives._directives and "custom" not in roles._roles and "" not in roles._roles


def test_markup_errors_print_nothing_and_lose_no_text(capsys):
    lines = _lines("Titre\n===\n\n- liste\nsans ligne vide\n\n*emphase jamais fermée\n\n+---+\n| a |\n+--+\n")
    assert "liste sans ligne vide" in " ".join(lines) and "*emphase jamais fermée" in lines
    assert "| a |" in lines  # the malformed table's own lines
    assert capsys.readouterr() == ("", "")


def test_a_line_over_the_limit_or_nesting_too_deep_is_read_as_plain_text():
    long = parse_rst("Titre\n=====\n\n" + "mot " * (LINE_LIMIT // 4 + 1) + "\n")
    assert long.changes and "plain text" in long.changes[0] and long.sections
    tabs = parse_rst("Titre\n=====\n\nTexte.\n\n" + "a\t" * (LINE_LIMIT // 8 + 1) + "fin\n")  # over once expanded
    assert "plain text" in tabs.changes[0] and "fin" in tabs.sections[-1].lines[-1].text
    assert not parse_rst("Texte.\n\n" + "mot " * (LINE_LIMIT // 4) + " " * 100 + "\n").changes  # under, stripped
    deep = parse_rst("".join(" " * i + f"niveau {i}\n\n" for i in range(300)))
    assert "plain text" in deep.changes[0] and "niveau 299" in " ".join(
        line.text for s in deep.sections for line in s.lines)


def test_a_page_over_the_size_limit_is_read_as_plain_text(monkeypatch):
    page = "Titre\n=====\n\n" + "Le *mot* :ref:`cible`.\n\n" * (rst.RST_MAX_CHARS // 24 + 1)
    assert len(page) > rst.RST_MAX_CHARS
    parsed = parse_rst(page)
    assert f"over the {rst.RST_MAX_CHARS:,}" in parsed.changes[0] and "plain text" in parsed.changes[0]
    assert "Le *mot* :ref:`cible`." in [line.text for s in parsed.sections for line in s.lines]
    small = "Titre\n=====\n\nLe *mot*.\n"
    monkeypatch.setattr(rst, "RST_MAX_CHARS", len(small))
    assert not parse_rst(small).changes and parse_rst(small + " ").changes


def test_a_block_over_the_inline_limit_is_read_as_written():
    big = ("*mot* " * 10 + "\n") * (INLINE_LIMIT // 60 + 1)  # lines under `LINE_LIMIT`, one block over this
    assert _lines(big) == [" ".join(big.split())]
    assert _lines(("*mot* " * 10 + "\n") * 3) == [" ".join(["mot"] * 30)]


def test_reading_grows_linearly():
    assert grows_linearly(lambda n: parse_rst("".join(f"Section {i}\n{'=' * 12}\n\n*texte* :ref:`{i}`\n\n"
                                                      for i in range(n))), 300)
    assert grows_linearly(lambda n: parse_rst(("*mot* " * 12 + "\n") * n), 200)


def test_an_rst_file_is_read_as_a_document(tmp_path):
    (tmp_path / "guide.rst").write_text(_file("guide-livraison.rst"), encoding="utf-8")
    doc = read_document(tmp_path, tmp_path / "guide.rst")
    assert doc.title == "Livraison et retours" and doc.blocks
    assert any(s.heading == "Délais de livraison › Livraison à l'étranger" for s in doc.sections)


def test_a_form_feed_or_vertical_tab_splits_no_line_and_citations_hold_their_text():
    for space in ("\f", "\v"):  # docutils reads either as a space, on the line it stands on
        text = (f"Title\n=====\n\nAlpha one.\n{space}\nSection\n-------\n\nThe fee is 10 EUR.\n\n"
                "The fee is 99 EUR for the premium plan.\n\nThe end.\n")
        parsed = parse_rst(text)
        lines = [line for s in parsed.sections for line in s.lines]
        assert [line.text for line in lines] == ["Alpha one.", "The fee is 10 EUR.",
                                                 "The fee is 99 EUR for the premium plan.", "The end."]
        assert all(text[line.start:line.end] == line.text for line in lines)
        assert all(text[s.heading_start:].startswith(s.heading) for s in parsed.sections if s.heading)


def test_a_version_note_naming_no_version_keeps_its_text_and_the_page_its_markup():
    for name in ("versionadded", "versionchanged", "deprecated"):
        parsed = parse_rst(f"Titre\n=====\n\n.. {name}::\n\n   Le *paiement* en trois fois.\n\n.. {name}::\n\n"
                           "Après.\n")
        assert not parsed.changes  # not read as plain text
        assert [line.text for s in parsed.sections for line in s.lines] == ["Le paiement en trois fois.", "Après."]


def test_an_error_of_the_readers_own_is_raised_not_hidden_as_plain_text(monkeypatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(rst._Reader, "_line", broken)
    with pytest.raises(ValueError, match="a bug"):
        parse_rst("Texte.\n")


def test_a_definition_list_of_questions_is_an_faq_each_question_heading_its_answer():
    """Audit 61's Sphinx FAQ stayed one passage of lines "question answer": a question asked in the entry's own words
    found the page, not the entry. A glossary (terms that ask nothing) keeps its "term: definition" lines."""
    faq = ("FAQ\n===\n\nLe ticket ne s'imprime plus, que faire ?\n    Redémarrez l'imprimante.\n\n"
           "Un client veut un remboursement sans ticket.\n    En avoir uniquement.\n\n"
           "Combien de caisses par magasin ?\n    Trois postes.\n\nAprès la liste.\n")
    assert _sections(faq) == [
        ("Le ticket ne s'imprime plus, que faire ?", ("FAQ",), ["Redémarrez l'imprimante."]),
        ("Un client veut un remboursement sans ticket.", ("FAQ",), ["En avoir uniquement."]),
        ("Combien de caisses par magasin ?", ("FAQ",), ["Trois postes."]),
        ("FAQ", (), ["Après la liste."])]
    glossary = "Avoir\n    Un bon d'achat.\n\nTicket Z\n    Le relevé du jour, que faire ?\n"
    assert _lines(glossary) == ["Avoir: Un bon d'achat.", "Ticket Z: Le relevé du jour, que faire ?"]
