"""Markdown blocks as CommonMark reads them: code holds no headings, HTML comments are left out, front matter is
YAML; every line kept is the file's own text at its offsets."""

import pytest

from rag.corpus.chunking import Chunker
from rag.corpus.formats.markdown import parse_markdown
from rag.corpus.reader import read_document


def _sections(text: str) -> list[tuple[str | None, list[str]]]:
    return [(heading, lines) for heading, _, lines in _outline(text)]


def _outline(text: str) -> list[tuple[str | None, tuple[str, ...], list[str]]]:
    """Each section's heading, the headings above it and its lines, each line checked to be the file's own text at
    its offsets."""
    parsed = parse_markdown(text)
    for section in parsed.sections:
        for line in section.lines:
            assert text[line.start:line.end] == line.text, line
    return [(s.heading, s.parents, [line.text for line in s.lines]) for s in parsed.sections]


def test_a_fence_closes_only_on_its_own_character_at_least_as_long():
    tildes = "# Guide\n~~~\n```python\n# un commentaire\n```\n~~~\n## Après\nTexte.\n"
    assert _sections(tildes) == [("Guide", ["~~~", "```python", "# un commentaire", "```", "~~~"]),
                                 ("Après", ["Texte."])]
    longer = "# Guide\n````markdown\n```python\n# un commentaire\n```\n````\n## Après\nTexte.\n"
    assert _sections(longer) == [("Guide", ["````markdown", "```python", "# un commentaire", "```", "````"]),
                                 ("Après", ["Texte."])]
    # a closing fence has nothing after it but spaces, is indented 3 columns at most, and may be longer
    closing = "# Guide\n```\n```bash\n# dedans\n    ```\n# dedans aussi\n   `````  \n## Après\nTexte.\n"
    assert _sections(closing)[-1] == ("Après", ["Texte."])
    assert [h for h, _ in _sections(closing)] == ["Guide", "Après"]
    # a fence never closed runs to the end; backticks in a backtick fence's info string make it no fence
    assert [h for h, _ in _sections("# Guide\n```\n# code\n")] == ["Guide"]
    assert [h for h, _ in _sections("# Guide\n``` a`b\n# Titre\nTexte.\n")] == ["Guide", "Titre"]


def test_an_indented_line_is_code_unless_it_goes_on_with_a_paragraph_or_a_list_item():
    page = ("# Mise à jour\n\nLancez :\n\n    # mettre à jour\n    apt update\n\n\t# tabulé aussi\n\n"
            "   ## Indentée de trois espaces\n\nUn paragraphe\n    # qui continue\n")
    assert _sections(page) == [
        ("Mise à jour", ["Lancez :", "# mettre à jour", "apt update", "# tabulé aussi"]),
        ("Indentée de trois espaces", ["Un paragraphe", "# qui continue"]),
    ]
    # in a list item, indentation counts from the item's content: a fence there is a fence, its comments code
    listed = ("# Installation\n\n1. Installez :\n\n    ```bash\n    # les paquets\n    ```\n\n"
              "- Ou bien :\n\n      # du code dans l'élément\n\nFin de la liste.\n\n    # du code après\n")
    assert _sections(listed) == [("Installation", [
        "1. Installez :", "```bash", "# les paquets", "```", "- Ou bien :", "# du code dans l'élément",
        "Fin de la liste.", "# du code après"])]
    # an indented line above `---` is code, and the `---` a rule (no text)
    assert _sections("Texte.\n\n    code\n---\n") == [(None, ["Texte.", "code"])]


def test_a_fenced_code_block_keeps_its_indentation_beyond_its_fence(tmp_path):
    """An agent's configuration page: its YAML example was indexed as "proxy:" then "url: ..." at the same level,
    and a Python example lost its blocks, so that a passage quoted to a user or an agent said something else."""
    page = ("# Configuration\n\nLe fichier :\n\n```yaml\napi_key: \"x\"\nproxy:\n  url: http://proxy.local:3128\n"
            "```\n\n- Relancer :\n  ```python\n  for job in jobs:\n      job.retry()\n  ```\n")
    assert _sections(page) == [("Configuration", [
        "Le fichier :", "```yaml", 'api_key: "x"', "proxy:", "  url: http://proxy.local:3128", "```",
        "- Relancer :", "```python", "for job in jobs:", "    job.retry()", "```"])]
    (tmp_path / "config.md").write_text(page, encoding="utf-8")
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], max_tokens=14).chunk(
        read_document(tmp_path, tmp_path / "config.md"))
    assert len(chunks) > 1
    lines = [line for chunk in chunks for line in chunk.text.split("\n")]
    assert "  url: http://proxy.local:3128" in lines and "    job.retry()" in lines


def test_html_comments_are_left_out_and_the_rest_keeps_its_offsets():
    page = ("# Aide <!-- v2 -->\n<!-- à relire -->\nAvant <!-- une note --> après.\n<!--\n# Brouillon\n```\n-->\n"
            "## Retours\nSous <!-- 14 ?\nou 30 ? --> 30 jours.\n<!-- bloc --> ## pas un titre\n\n"
            "Le code `<!-- ceci -->` reste.\n\n```html\n<!-- dans le code -->\n```\n\n    <!-- indenté -->\n")
    assert _sections(page) == [
        ("Aide", ["Avant", "après."]),
        ("Retours", ["Sous", "30 jours.", "## pas un titre", "Le code `<!-- ceci -->` reste.", "```html",
                     "<!-- dans le code -->", "```", "<!-- indenté -->"]),
    ]
    # a `<!--` never closed is text: a stray one does not take the rest of the file with it
    assert _sections("Un <!-- jamais fermé\n# Titre\nTexte.\n") == [
        (None, ["Un <!-- jamais fermé"]), ("Titre", ["Texte."])]
    assert _sections("# Titre\nUn --> puis <!-- x --> fin.\n") == [("Titre", ["Un --> puis", "fin."])]


def test_comments_never_reach_passages_and_citations_quote_the_file(tmp_path):
    words = " ".join(f"mot{n}" for n in range(30))
    page = (f"# Retours\n\n{words} <!-- note interne\nsur deux lignes --> {words}.\n\n<!-- TODO -->\n\n"
            f"## Délais\n\nSous 14 jours <!-- à vérifier --> ouvrés.\n")
    (tmp_path / "retours.md").write_text(page, encoding="utf-8")
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], max_tokens=25).chunk(
        read_document(tmp_path, tmp_path / "retours.md"))
    assert len(chunks) > 2
    for chunk in chunks:
        assert "<!--" not in chunk.text and "-->" not in chunk.text and "TODO" not in chunk.text
        span, cursor = page[chunk.start:chunk.end], 0
        for line in chunk.text.split("\n"):
            found = span.find(line, cursor)
            assert found >= 0, (chunk.id, line)
            cursor = found + len(line)


@pytest.mark.parametrize(("front", "title"), [
    ("title: >-\n  Retours et\n  remboursements\n", "Retours et remboursements"),
    ("title: |\n  Retours\n", "Retours"),
    ("title: 'L''été: la saison'\n", "L'été: la saison"),
    ('title: "Guide \\"été\\"\\u00a0: \\u00e9dition 2"\n', "Guide \"été\"\u00a0: édition 2"),
    ("Title: Guide\nurl: >-\n  https://example.org/guide\n", "Guide"),
])
def test_front_matter_is_read_as_yaml(front, title):
    parsed = parse_markdown(f"---\n{front}---\n# Autre titre\nCorps.\n")
    assert parsed.title == title
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [("Autre titre", ["Corps."])]
    if "url" in front:
        assert parsed.url == "https://example.org/guide"


def test_an_atx_heading_s_closing_hashes_need_a_space_before_them():
    # and "### ###" is an empty heading (the reader names its section by the headings above it)
    page = "## Paiement en C#\nUn.\n## Retours ##\nDeux.\n### ###\nTrois.\n"
    assert _sections(page) == [("Paiement en C#", ["Un."]), ("Retours", ["Deux."]), ("Retours", ["Trois."])]


def test_a_stray_comment_opener_in_prose_closes_within_its_paragraph_or_is_text():
    """A `<!--` inside a line is inline HTML: a later `-->`, sections away, took both sections with it."""
    page = ("# Guide\n\nHTML comments open with <!-- in a page.\n\n## Returns\n\nReturns: 30 days.\n\n"
            "## Shipping\n\nShipping is free.\n\n<!-- TODO: update prices -->\n")
    assert _sections(page) == [("Guide", ["HTML comments open with <!-- in a page."]),
                               ("Returns", ["Returns: 30 days."]), ("Shipping", ["Shipping is free."])]
    # a paragraph ends at a heading too, blank line or not
    tight = ("# Guide\n\nComments open with <!-- and end later.\n## Returns\nReturns: 30 days.\n## Shipping\n"
             "Shipping is free; a comment ends with -->.\n")
    assert [heading for heading, _ in _sections(tight)] == ["Guide", "Returns", "Shipping"]
    # a `-->` inside a later code block does not close it either, and the fence after it still closes its block
    fenced = "# Guide\n\nA stray <!-- here.\n\n```html\n<p>x</p> -->\n```\n\n## After\n\nText after.\n"
    assert _sections(fenced)[-1] == ("After", ["Text after."])


def test_many_comments_or_backtick_runs_on_one_line_take_linear_time():
    """A line of 64,000 comments took 7 s (each one copied the line), backtick runs of every length 2 s a few
    hundred KB: under the ingest lock, one file held every other. Each page parses in about 0.6 s at most of this
    thread's CPU time (the process's counted other threads too: 3.0 s seen in a run beside others), under the 7 s
    of the copy."""
    import time

    for page in ("# T\n\n" + "a<!--c-->" * 64_000 + "\n",
                 "# T\n\n" + "".join("`" * k + "x" for k in range(1, 800)) + " <!--\n-->\n",
                 "# T\n\n" + "mot <!-- x\n" * 40_000,  # one paragraph: its end and its lack of --> found once
                 "# T\n\n" + "a<!--" * 64_000 + "\n"):
        started = time.thread_time()
        parsed = parse_markdown(page)
        assert time.thread_time() - started < 5.0 and parsed.sections


def test_a_list_item_all_in_bold_asking_a_question_over_its_answer_heads_an_entry(tmp_path):
    faq = ("# Questions fréquentes\n\nNos réponses.\n\n"
           "- **Acceptez-vous le chèque énergie ?**\n  Oui, envoyez-le avec votre facture.\n"
           "- **Proposez-vous le gaz ?**\n\n  Pas encore : l'électricité seulement.\n"
           "* **Puis-je payer par chèque ?** Oui, à l'ordre de la société.\n"
           "- **Carte bancaire**\n  depuis l'espace client.\n"
           "- **Une question sans réponse ?**\n- Un élément.\n")
    assert _sections(faq) == [
        ("Questions fréquentes", ["Nos réponses."]),
        ("Acceptez-vous le chèque énergie ?", ["Oui, envoyez-le avec votre facture."]),
        # the answer a blank line below, within the item; then items that are no entry: the question with its
        # answer on its line (`rag.search.emphasis` reads it), a bold term, a question with nothing under it
        ("Proposez-vous le gaz ?", ["Pas encore : l'électricité seulement.",
                                    "* **Puis-je payer par chèque ?** Oui, à l'ordre de la société.",
                                    "- **Carte bancaire**", "depuis l'espace client.",
                                    "- **Une question sans réponse ?**", "- Un élément."]),
    ]
    # each entry is its own passage, cited by its question under the page's heading
    (tmp_path / "faq.md").write_text(faq, encoding="utf-8")
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], max_tokens=200).chunk(
        read_document(tmp_path, tmp_path / "faq.md"))
    assert [(c.section, c.text) for c in chunks][:2] == [
        ("Questions fréquentes", "Nos réponses."),
        ("Acceptez-vous le chèque énergie ?", "Oui, envoyez-le avec votre facture.")]


def test_the_text_after_a_list_of_question_entries_is_the_section_s_it_stood_in_again(tmp_path):
    page = ("# Offres\n\nNos offres :\n\n- **Pourquoi choisir Premium ?**\n  Parce qu'il couvre toute la famille.\n"
            "- Basic : 10 €\n\nLes prix sont TTC.\n\n"
            "## Paiement\n\n- Un élément\n  - **Puis-je payer par chèque ?**\n    Oui.\n\nPar carte aussi.\n"
            "- **Et en espèces ?**\n  Non.\n\nPaiement mensuel\n----------------\n\nLe 5 du mois.\n")
    assert _outline(page) == [
        ("Offres", (), ["Nos offres :"]),
        ("Pourquoi choisir Premium ?", ("Offres",), ["Parce qu'il couvre toute la famille.", "- Basic : 10 €"]),
        # the paragraph under the list is the page's, not the first entry's (it was cited under its question)
        ("Offres", (), ["Les prix sont TTC."]),
        ("Paiement", ("Offres",), ["- Un élément"]),
        ("Puis-je payer par chèque ?", ("Offres", "Paiement"), ["Oui."]),
        ("Paiement", ("Offres",), ["Par carte aussi."]),
        ("Et en espèces ?", ("Offres", "Paiement"), ["Non."]),  # a heading under the list closes the entry too
        ("Paiement mensuel", ("Offres",), ["Le 5 du mois."]),
    ]
    # cited at its own lines, not from the page's heading over the entries
    (tmp_path / "offres.md").write_text(page, encoding="utf-8")
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], max_tokens=200).chunk(
        read_document(tmp_path, tmp_path / "offres.md"))
    assert [(c.section, page[c.start:c.end]) for c in chunks][2] == ("Offres", "Les prix sont TTC.")
