import re
from pathlib import Path

import pytest

from rag.corpus.files import SUFFIXES
from rag.corpus.formats import asciidoc, asciidoc_inline, asciidoc_tables
from rag.corpus.formats.asciidoc import parse_asciidoc
from rag.corpus.formats.asciidoc_inline import VALUE_LIMIT
from rag.corpus.formats.asciidoc_tables import Table

AUDIT = Path(__file__).parents[1] / "data" / "audit63" / "docs"

GUIDE = """\
= Guide de {product}
Équipe Doc <doc@example.fr>
v1.0, 2026-10-15
:toc: left
:product: Stockeo
// relu le 12 octobre

Présentation de *{product}*, le logiciel de _gestion_ de stock.

[[prerequis]]
== Prérequis

* Debian 12 ou `Ubuntu 24.04` ;
* PostgreSQL 15.
+
Les versions antérieures ne sont plus prises en charge.

NOTE: Windows n'est pas pris en charge.

=== Installer

.Création de la base
[source,bash]
----
createdb --owner=stockeo stockeo_prod <1>
----

[WARNING]
====
Le nom de la base doit commencer par `stockeo_`.
====

////
== Désinstaller
apt purge stockeo
////

ifdef::entreprise[]
Une grappe de serveurs.
endif::entreprise[]

Voir xref:sauvegardes.adoc#avant[la sauvegarde], link:https://aide.example.fr[l'aide] et menu:Aide[À propos].

include::partials/support.adoc[]
"""


def _lines(text: str) -> list[str]:
    return [line.text for section in parse_asciidoc(text).sections for line in section.lines]


def _heads(text: str) -> list[tuple[tuple[str, ...], str | None]]:
    return [(s.parents, s.heading) for s in parse_asciidoc(text).sections]


def test_asciidoc_suffixes_are_read_as_asciidoc():
    assert SUFFIXES[".adoc"] is SUFFIXES[".asciidoc"] is SUFFIXES[".asc"] is parse_asciidoc


def test_the_header_titles_the_document_and_sections_nest_by_their_marks():
    parsed = parse_asciidoc(GUIDE)
    assert parsed.title == "Guide de Stockeo" and parsed.blocks
    assert _heads(GUIDE) == [((), None), ((), "Prérequis"), (("Prérequis",), "Installer")]


def test_a_guide_reads_as_its_page_shows_it_markup_comments_and_directives_left_out():
    assert _lines(GUIDE) == [
        "Présentation de Stockeo, le logiciel de gestion de stock.",
        "Debian 12 ou Ubuntu 24.04 ;",
        "PostgreSQL 15.",
        "Les versions antérieures ne sont plus prises en charge.",
        "NOTE: Windows n'est pas pris en charge.",
        "Création de la base",
        "createdb --owner=stockeo stockeo_prod",
        "WARNING: Le nom de la base doit commencer par stockeo_.",
        "Une grappe de serveurs.",
        "Voir la sauvegarde, l'aide et Aide › À propos.",
    ]


def test_includes_are_not_followed_and_the_report_names_them():
    (change,) = parse_asciidoc(GUIDE).changes
    assert "1 included file not read" in change and "partials/support.adoc" in change
    assert not any("include" in line or "support" in line for line in _lines(GUIDE))


def test_every_lines_words_stand_in_its_span_of_the_source_but_for_attribute_values():
    for path in [*AUDIT.glob("*.adoc"), *AUDIT.glob("*/*.adoc")]:
        text = path.read_text(encoding="utf-8")
        values = " ".join(re.findall(r"^:[\w-]+:[ \t]+(.*)$", text, re.MULTILINE))
        for section in parse_asciidoc(text).sections:
            for line in section.lines:
                span = text[line.start:line.end]
                assert 0 <= line.start <= line.end <= len(text)
                missing = [w for w in re.findall(r"\w+", line.text) if w not in span and w not in values]
                assert not missing, (path.name, line.text, span)


def test_a_line_of_code_and_a_plain_line_are_the_sources_own_text_at_their_offsets():
    text = "Texte simple.\n\n----\n  indenté = 1\n----\n"
    (section,) = parse_asciidoc(text).sections
    assert [line.text for line in section.lines] == ["Texte simple.", "  indenté = 1"]
    assert all(text[line.start:line.end] == line.text for line in section.lines)


def test_a_list_item_reads_after_its_bullet_and_keeps_the_number_it_writes():
    assert _lines("* Un.\n. Deux.\n3. Trois.\n\nM. Martin vous rappelle.\n") == [
        "Un.", "Deux.", "3. Trois.", "M. Martin vous rappelle."]


def test_a_listing_replaces_references_only_where_its_attributes_ask_for_them():
    text = ':base: https://h/api\n\n[source,bash]\n----\ncurl {base}/a\n----\n\n[source,bash,subs="attributes+"]\n' \
           '----\ncurl {base}/b\n----\n'
    assert _lines(text) == ["curl {base}/a", "curl https://h/api/b"]


def test_a_table_reads_as_rows_its_header_first_a_cell_on_its_own_line_in_its_row():
    text = ('[cols="2,1,3",options="header"]\n|===\n|Paramètre |Défaut |Rôle\n\n|`port`\n|8443\n|Port du '
            "serveur.\n\n2+|Fusionnée |x\n|===\n")
    (section,) = parse_asciidoc(text).sections
    rows = section.lines
    assert [row.text for row in rows] == ["Paramètre | Défaut | Rôle", "port | 8443 | Port du serveur.",
                                          "Fusionnée | x"]
    assert all(row.item for row in rows) and [row.opens_table for row in rows] == [True, False, False]
    assert text[rows[1].start:rows[1].end] == "`port`\n|8443\n|Port du serveur."


def test_a_table_s_attribute_list_sets_its_separator_and_data_format():
    """Asciidoctor's table reference: `separator` any single character or `\\t` (a PSV table's cells opened by it,
    specifiers before it), `format` psv, csv (","), dsv (":"), tsv (a tab), a separator given overriding the format's
    (https://docs.asciidoctor.org/asciidoc/latest/tables/table-ref/)."""
    rows = ["Formule | Prix", "Pro | 15 €", "Essentiel | 8 €"]
    for listed, body in (('[cols="1,2",separator=¦]', "¦Formule ¦Prix\n\n¦Pro\n¦15 €\n¦Essentiel ¦8 €"),
                         ("[separator=!]", "!Formule !Prix\n!Pro !15 €\n!Essentiel !8 €"),
                         ("[%header,format=csv]", "Formule,Prix\nPro,15 €\nEssentiel,8 €"),
                         ("[format=tsv]", "Formule\tPrix\nPro\t15 €\nEssentiel\t8 €"),
                         ('[format=dsv,separator=";"]', "Formule;Prix\nPro;15 €\nEssentiel;8 €"),
                         ('[format=csv,separator="\\t"]', "Formule\tPrix\nPro\t15 €\nEssentiel\t8 €")):
        text = f"{listed}\n|===\n{body}\n|===\n"
        (section,) = parse_asciidoc(text).sections
        assert [row.text for row in section.lines] == rows, listed
        assert text[section.lines[1].start:section.lines[1].end].replace("\n", " ") in ("Pro ¦15 €", "Pro !15 €",
                                                                                         "Pro,15 €", "Pro\t15 €",
                                                                                         "Pro;15 €"), listed
    # a specifier before the custom separator spans as before `|`; a separator of two characters is none
    assert _lines("[separator=¦]\n|===\n¦a ¦b\n2+¦Fusionnée\n|===\n") == ["a | b", "Fusionnée"]
    assert _lines("[separator=;;]\n|===\n|a |b\n|===\n") == ["a | b"]


NESTED = """\
[cols="1,3"]
|===
|Nom |Description

|timeout
a|Délai d'attente, en secondes.

!===
!Valeur !Effet
!0 !aucun délai
!30 !trente secondes
!===

|retries
|Trois essais.
|===
"""


def test_a_table_nested_in_a_cell_reads_as_its_rows_under_the_row_holding_it():
    """Asciidoctor shows an `a|` cell's `!===` table inside the cell: its rows read under the row holding it, each a
    line of its own with its offsets (before: the nested table's delimiters, bangs and cells were the cell's text,
    "Délai d'attente, en secondes. !=== !Valeur !Effet !0 ..."). One never closed ends with the outer table."""
    (section,) = parse_asciidoc(NESTED).sections
    rows = section.lines
    assert [row.text for row in rows] == ["Nom | Description", "timeout | Délai d'attente, en secondes.",
                                          "Valeur | Effet", "0 | aucun délai", "30 | trente secondes",
                                          "retries | Trois essais."]
    assert all(row.item for row in rows) and [row.opens_table for row in rows] == [True] + [False] * 5
    assert [NESTED[row.start:row.end] for row in rows[2:5]] == ["Valeur !Effet", "0 !aucun délai",
                                                                "30 !trente secondes"]
    unclosed = NESTED.replace("!===\n\n|retries\n|Trois essais.\n", "")
    assert _lines(unclosed) == ["Nom | Description", "timeout | Délai d'attente, en secondes.", "Valeur | Effet",
                                "0 | aucun délai", "30 | trente secondes"]


def test_a_nested_tables_attribute_list_gives_its_columns_and_is_no_text():
    """`[cols="1,3"]` over `!===`, as Asciidoctor's docs write it, is the nested table's: its cells one a line make rows
    of two, and the list is not the outer cell's text (before: "mode | [cols=\"1,3\"]", then one-cell rows); a list
    over no nested table stays the cell's text."""
    text = ('[cols="1,2a"]\n|===\n|Paramètre |Valeurs\n|mode\n|\n[cols="1,3"]\n!===\n!Valeur\n!Effet\n!lent\n'
            '!consomme peu\n!===\n|===\n')
    assert _lines(text) == ["Paramètre | Valeurs", "mode | ", "Valeur | Effet", "lent | consomme peu"]
    assert _lines("|===\n|a |b\n|c\n[voir la note]\n|d\n|===\n") == ["a | b", "c [voir la note] | d"]


def test_a_nested_cells_specifier_is_no_text_and_its_span_counts():
    """`h!`, `2+!`, `a!` open a nested table's cell as `h|` an outer one's (before: "Valeur h | Effet 2+")."""
    text = "|===\n|Paramètre |Valeurs\n|mode\na|\n!===\nh!Valeur h!Effet\n2+!lent et peu\na!x !y\n!===\n|===\n"
    assert _lines(text) == ["Paramètre | Valeurs", "mode | ", "Valeur | Effet", "lent et peu", "x | y"]


def test_a_passthrough_shows_its_text_as_written_without_its_html_tags():
    """`+++...+++` and `pass:[...]` pass their text to the page as written: no marks read in it, its HTML tags shown
    as their text, its character references read (before: "<b>trois</b>" and "&amp;" were the line's words); one
    never closed is text."""
    text = ("Trois +++<b>essais</b> &amp; *un* délai+++ par défaut, voir pass:[<a href=\"x\">la page</a>] et "
            "pass:q[<u>les [notes\\]</u>], *en gras*.\n")
    assert _lines(text) == ["Trois essais & *un* délai par défaut, voir la page et les [notes], en gras."]
    line = parse_asciidoc(text).sections[0].lines[0]
    assert (line.start, line.end) == (0, len(text) - 1)
    assert _lines("Un +++<b>ouvert et pass:[<i>x</i>] *gras*.\n") == ["Un +++<b>ouvert et x gras."]


def test_a_passthroughs_scripts_and_styles_show_nothing():
    """A page never shows a `<script>`'s or a `<style>`'s content (before: "Voir alert(1) ici"); one never closed hides
    the rest of the passthrough, as in a browser, not the text after it."""
    assert _lines("Voir +++<script>alert(1)</script>+++ ici et pass:[<STYLE type=\"x\">b {}</Style >]là.\n") == [
        "Voir ici et là."]
    assert _lines("Voir +++a<script>alert(1)+++ ici.\n") == ["Voir a ici."]
    # the cut found in the text itself: "İ" lowered is two characters, which shifted it ("Voir İİle fin.")
    assert _lines("Voir +++İİİİİ<script>x</script>visible+++ fin.\n") == ["Voir İİİİİvisible fin."]


def test_inline_anchors_images_and_index_terms_stay_hidden_beside_passthroughs():
    """The inline macros a page does not show as text are left out, whatever the passthroughs' own rules are
    named (a second `_HIDDEN` for scripts once replaced this one: "Voir image:logo.png[Logo] ici [[ancre]]et")."""
    assert _lines("Voir image:logo.png[Logo] ici [[ancre]]et (((terme))) fin.\n") == ["Voir ici et fin."]


def test_a_table_without_cols_takes_its_first_lines_cells_as_its_width():
    assert _lines("|===\n|Plan |Par minute\n|Standard |120\n|Entreprise\n|600\n|===\n") == [
        "Plan | Par minute", "Standard | 120", "Entreprise | 600"]


def test_a_labelled_list_reads_term_and_definition_and_a_qanda_list_heads_each_answer_with_its_question():
    text = ("== Sauvegarde\n\n[horizontal]\nBase de données:: les articles.\nConfiguration:: le dossier.\n\n"
            "== FAQ\n\n[qanda]\nQui paie ?::\n  Le client.\nQuand:: Le lundi.\n\nAprès la liste.\n")
    assert [(s.parents, s.heading, [line.text for line in s.lines]) for s in parse_asciidoc(text).sections] == [
        ((), "Sauvegarde", ["Base de données: les articles.", "Configuration: le dossier."]),
        (("FAQ",), "Qui paie ?", ["Le client."]),
        (("FAQ",), "Quand", ["Le lundi."]),
        ((), "FAQ", ["Après la liste."]),
    ]


def test_attribute_references_are_replaced_once_and_bounded():
    assert _lines(":a: {a}\n\nTexte {a} et {inconnu}.\n") == ["Texte {a} et {inconnu}."]
    doubling = ":a0: xy\n" + "".join(f":a{n + 1}: {{a{n}}}{{a{n}}}\n" for n in range(40)) + "\n" + "{a40} " * 200
    (line,) = _lines(doubling)
    assert len(line) <= len(doubling) + VALUE_LIMIT


def test_unclosed_and_deeply_nested_blocks_read_their_text_and_are_reported():
    nested = "".join(("====\n" if n % 2 else "****\n") * 1 for n in range(1_000)) + "Au fond.\n\n== Après\n\nFin.\n"
    parsed = parse_asciidoc(nested)
    assert [line.text for s in parsed.sections for line in s.lines] == ["Au fond.", "Fin."]
    assert parsed.changes == ["a delimited block is never closed: it runs to the end of the file"]
    assert _lines("Avant.\n\n----\ncode sans fin\n") == ["Avant.", "code sans fin"]


def test_brackets_in_monospace_are_text_not_a_role():
    assert _lines("La section `[base]` et [.underline]#souligné# du fichier.\n") == [
        "La section [base] et souligné du fichier."]


def test_the_title_and_callouts_of_a_long_line_are_read():
    assert [s.heading for s in parse_asciidoc("== Titre ==\n\nTexte.\n").sections] == ["Titre"]
    assert _lines("----\nrun --fast <1> <2>\n----\n") == ["run --fast"]


def test_a_hard_line_break_is_no_text():
    assert _lines("Traduit en : +\nanglais +\net allemand.\n") == ["Traduit en : anglais et allemand."]


class _Counting:
    """A compiled pattern counting the characters each of its calls is handed: the reader's work, without a clock."""

    def __init__(self, pattern: re.Pattern[str], work: list[int]) -> None:
        self.pattern, self.work = pattern, work

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        method = getattr(self.pattern, name)

        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            text = args[1] if name in ("sub", "subn") else args[0]
            self.work[0] += len(text)
            return method(*args, **kwargs)

        return counted


def _work(monkeypatch: pytest.MonkeyPatch, text: str) -> int:
    """The characters the reader's patterns are handed reading `text`."""
    work = [0]
    for module in (asciidoc, asciidoc_inline, asciidoc_tables):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                monkeypatch.setattr(module, name, _Counting(value, work))
            elif isinstance(value, tuple) and value and all(isinstance(v, re.Pattern) for v in value):
                monkeypatch.setattr(module, name, tuple(_Counting(v, work) for v in value))
    parse_asciidoc(text)
    monkeypatch.undo()
    return work[0]


@pytest.mark.parametrize("chunk", [
    "Une ligne *gras {x} `code` xref:a[b] ::\n", "|a |b\n", "* item _ouvert\n", "====\n", "Texte " * 20 + "*\n",
    "----\n", "texte d'une cellule qui continue\n", "*a ", "link:", "== x" + " " * 50, "<1>" + " " * 10,
    "!a !b\n", "+++<b>a ", "pass:[<i>a ", "pass:[a] b] ", "+++<script>a+++ <style>b ", "¦a ¦b\n", "\ta\tb\n"])
def test_a_file_ten_times_longer_asks_ten_times_the_work(monkeypatch: pytest.MonkeyPatch, chunk: str) -> None:
    # a table's cell continued on every line, a table nested in a cell never closed
    head = {"t": "|===\n|a\n", "!": "|===\na|a\n!===\n", "¦": "[separator=¦]\n|===\n",
            "\t": "[format=tsv]\n|===\n"}.get(chunk[0], "")
    small = _work(monkeypatch, head + chunk * 2_000)
    big = _work(monkeypatch, head + chunk * 20_000)
    assert big <= 11 * small, chunk


def test_a_cell_continued_over_many_lines_keeps_its_lines_apart_until_the_table_closes():
    table = Table("|", None)
    table.line("|a", 0)
    for n in range(1, 1_001):
        table.line("suite", 2 + 6 * n)
    assert len(table.rows[0][0].parts) == 1_001  # each line's text kept as it is read, not the cell's rebuilt
    ((text, start, end),), nested = table.close()[0]
    assert not nested
    assert (text.split(), start, end) == (["a"] + ["suite"] * 1_000, 1, 2 + 6 * 1_000 + 5)


def test_a_links_text_keeps_its_commas_unless_it_names_attributes():
    assert _lines(":uri: https://x.fr\n\nVoir {uri}[plus de 2,000 tests] et https://x[Tarifs, conditions et délais].\n"
                  "Et link:a.html[Guide,window=_blank].\n") == [
        "Voir plus de 2,000 tests et Tarifs, conditions et délais. Et Guide."]


def test_an_unquoted_cols_ends_at_the_next_comma():
    for attributes in ("[%header,cols=^;2m,width=40%,frame=topbot]", "[cols=2*,options=header]"):
        assert _lines(f"{attributes}\n|===\n|Nom\n|Valeur\n|a\n|1\n|===\n") == ["Nom | Valeur", "a | 1"], attributes


def test_a_two_line_title_is_a_section_not_a_delimiter():
    parsed = parse_asciidoc("Guide\n=====\n\nIntro.\n\nInstaller\n---------\n\nTexte.\n\nOptions\n+++++++\n\nSuite.\n"
                            "\nAvant la liste.\n\n----\ncode\n----\n")
    assert parsed.title == "Guide"
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        (None, ["Intro."]), ("Installer", ["Texte."]), ("Options", ["Suite.", "Avant la liste.", "code"])]
    assert parsed.changes == []


def test_a_pgp_signature_named_asc_is_refused_with_its_reason():
    with pytest.raises(ValueError, match="OpenPGP signature or key"):
        parse_asciidoc("-----BEGIN PGP SIGNATURE-----\n\niQIzBAABCAAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n")


def test_an_attribute_entry_continued_over_lines_is_one_value():
    assert _lines(":desc: Un logiciel de gestion \\\n  de stock \\\n  libre.\n\nVoir : {desc}\n") == [
        "Voir : Un logiciel de gestion de stock libre."]


def test_markdown_titles_and_fenced_code_read_as_asciidoctor_reads_them():
    parsed = parse_asciidoc("# Guide\n\n## Installer\n\n```bash\nrm -rf *tmp* _x_\n```\n\n* [x] fait\n* [ ] à faire\n")
    assert parsed.title == "Guide"
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        ("Installer", ["rm -rf *tmp* _x_", "fait", "à faire"])]


def test_an_include_in_a_listing_is_reported_not_read_as_code():
    parsed = parse_asciidoc("----\ninclude::exemples/a.sh[]\necho fin\n----\n")
    assert [line.text for s in parsed.sections for line in s.lines] == ["echo fin"]
    assert parsed.changes == ["1 included file not read (a document's text is its own file's): exemples/a.sh"]


def _read(text: str) -> list[tuple[str | None, list[str]]]:
    return [(s.heading, [line.text for line in s.lines]) for s in parse_asciidoc(text).sections]


@pytest.mark.parametrize(("title", "delimiter"), [("Exemple", "-----"), ("Brut :", "++++")])
def test_an_underline_two_marks_off_is_a_delimiter_and_its_block_closes(title: str, delimiter: str) -> None:
    # Asciidoctor: `(line_length(line1) - line2_len).abs < 2`; read as a title, the closing delimiter ran to the end
    parsed = parse_asciidoc(f"= Doc\n\nIntro.\n\n{title}\n{delimiter}\n<b>x</b>\n{delimiter}\n\nAprès.\n\nEncore.\n")
    shown_lines = ["Intro.", title] + (["<b>x</b>"] if delimiter[0] == "-" else []) + ["Après.", "Encore."]
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [(None, shown_lines)]
    assert parsed.changes == []
    assert _read("Intro.\n\nTitre\n------\n\nTexte.\n") == [(None, ["Intro."]), ("Titre", ["Texte."])]  # 1 off


def test_a_two_line_titles_text_holds_a_letter_or_digit_and_does_not_open_with_a_dot():
    assert _read("Intro.\n\n(1) Étape\n---------\n\nTexte.\n") == [(None, ["Intro."]), ("(1) Étape", ["Texte."])]
    assert _read("Intro.\n\n« Clé »\n-------\n\nTexte.\n") == [(None, ["Intro."]), ("« Clé »", ["Texte."])]
    assert _read("Intro.\n\n(___)\n-----\n\nTexte.\n") == [(None, ["Intro.", "(___)", "Texte."])]
    assert _read("Intro.\n\n...a\n----\n\nTexte.\n") == [(None, ["Intro.", "...a", "Texte."])]


@pytest.mark.parametrize("marks", ["#", "==", "###"])
def test_a_title_line_inside_a_paragraph_or_an_item_is_its_text(marks: str) -> None:
    assert _read(f"= Doc\n\nUne ligne\n{marks} pas un titre\nsuite.\n") == [
        (None, [f"Une ligne {marks} pas un titre suite."])]
    assert _read(f"* un point\n{marks} pas un titre\n\n{marks} Titre\n\nTexte.\n")[0] == (
        None, [f"un point {marks} pas un titre"])
    assert _read(f"Para.\n\n{marks} Titre\nTexte.\n")[-1] == ("Titre", ["Texte."])
