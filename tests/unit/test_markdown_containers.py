"""Disclosures, tabs, fenced divs and HTML links in Markdown, as a site shows them (stop 54's findings): a summary
written over several lines or on its disclosure's one line, a summary longer than a heading, the text after a
`</Tabs>`, Hugo's shortcode tabs, pandoc's `::: {.note}`, an `<a href="https://...">`, a component's opening tag over
several lines, `<Tabs values={[...]}>`, Hugo's embeds and hints."""

import time

from rag.corpus.formats.markdown import parse_markdown
from tests.helpers.timing import grows_linearly
from tests.unit.test_markdown import _outline, _sections


def test_a_summary_over_several_lines_heads_its_disclosure():
    # stop 54: "<summary>" over "Comment annuler ?" over "</summary>" read the question as a line of text
    page = ("# FAQ\n\n<details>\n<summary>\n  Comment annuler\n  une commande ?\n</summary>\n\nDepuis votre compte.\n"
            "</details>\n\n<details><summary>\n<b>Puis-je payer en trois fois ?</b>\n</summary>\n\nOui.\n\n"
            "</details>\n\nAutres questions : écrivez-nous.\n")
    assert _outline(page) == [
        ("Comment annuler une commande ?", ("FAQ",), ["Depuis votre compte."]),
        ("Puis-je payer en trois fois ?", ("FAQ",), ["Oui."]), ("FAQ", (), ["Autres questions : écrivez-nous."])]
    # a summary never closed is no heading: its lines stay text
    unclosed = "# FAQ\n\n<details>\n<summary>\nComment annuler ?\n\nDepuis votre compte.\n</details>\n"
    assert _sections(unclosed) == [("FAQ", ["Comment annuler ?", "Depuis votre compte."])]


def test_a_disclosure_on_one_line_heads_its_answer():
    # stop 54: `<details><summary>Q</summary>A</details>` read "Q" then "A", one paragraph of the section
    page = ("# FAQ\n\nLes questions courantes.\n\n<details><summary>Comment annuler ?</summary>Depuis votre compte."
            "</details>\n<details><summary>Puis-je payer en trois fois ?</summary> Oui, dès 100 €. </details>\n\n"
            "<details>\n<summary>Et le remboursement ?</summary>Sous 14 jours.\n\nPar virement.\n</details>\n\n"
            "Écrivez-nous.\n\n```html\n<details><summary>Q</summary>A</details>\n```\n")
    assert _outline(page) == [
        ("FAQ", (), ["Les questions courantes."]), ("Comment annuler ?", ("FAQ",), ["Depuis votre compte."]),
        ("Puis-je payer en trois fois ?", ("FAQ",), ["Oui, dès 100 €."]),
        ("Et le remboursement ?", ("FAQ",), ["Sous 14 jours.", "Par virement."]),
        ("FAQ", (), ["Écrivez-nous.", "```html", "<details><summary>Q</summary>A</details>", "```"])]


def test_a_summary_longer_than_a_heading_is_a_line_of_its_disclosure():
    # stop 54: a `<summary>` wrapping a whole `<p>` headed its answer, a paragraph as its citation; the bound is a
    # bold paragraph's (`text.reads_as_heading`)
    long = "En cas de retard de livraison de plus de sept jours ouvrés, le client peut demander le remboursement"
    question = "Que faire si le colis arrive abîmé, ouvert ou incomplet, et que le transporteur refuse la réserve " \
               "écrite sur le bon de livraison signé à la réception ?"
    page = (f"# FAQ\n\n<details>\n<summary><p>{long}.</p></summary>\n\nSans frais.\n</details>\n\n"
            f"<details>\n<summary>\n{question}\n</summary>\n\nPhotographiez-le.\n</details>\n\nFin.\n")
    assert _outline(page) == [("FAQ", (), [f"{long}.", "Sans frais.", question, "Photographiez-le.", "Fin."])]
    assert len(question) > 150


def test_text_after_tabs_belongs_to_the_section_again():
    # stop 54: with its `</TabItem>` forgotten, the text after `</Tabs>` stood under the last tab's label
    page = ('# Install\n\n<Tabs groupId="os">\n<TabItem value="l" label="Linux">\n\ncurl x\n\n'
            '<TabItem value="m" label="macOS">\n\nbrew x\n\n</Tabs>\n\nThen configure it.\n\n## Use\n\nRun it.\n')
    assert _outline(page) == [
        ("Linux", ("Install",), ["curl x"]), ("macOS", ("Install",), ["brew x"]),
        ("Install", (), ["Then configure it."]), ("Use", ("Install",), ["Run it."])]


def test_hugo_shortcode_tabs_head_their_content():
    # stop 54: `{{< tab "Windows" >}}` read "Windows" as a line of text, not the heading of what the tab holds, as
    # Docusaurus' `<TabItem label="Windows">` is
    page = ('# Install\n\n{{< tabs >}}\n{{< tab "Windows" >}}\nwinget install nimbus\n{{< /tab >}}\n'
            '{{% tab name="macOS" %}}\nbrew install nimbus\n{{% /tab %}}\n{{< /tabs >}}\n\nThen sign in.\n\n'
            '{{< figure title="Le flux" >}}\n\nLe flux part de la badgeuse.\n\n## Use\n\nRun it.\n')
    assert _outline(page) == [
        ("Windows", ("Install",), ["winget install nimbus"]), ("macOS", ("Install",), ["brew install nimbus"]),
        ("Install", (), ["Then sign in.", "Le flux", "Le flux part de la badgeuse."]),
        ("Use", ("Install",), ["Run it."])]


def test_an_html_link_out_of_the_corpus_keeps_its_address():
    # stop 54: "Voir <a href=\"https://...\">la doc</a>" read "Voir" "la doc": the address lost, where a Markdown link
    # out of the corpus keeps it
    page = ('# Liens\n\nVoir <a href="https://nimbus.dev/docs" target="_blank">la doc</a> et [le statut]'
            '(https://status.nimbus.dev).\n\n<a href="mailto:aide@nimbus.dev">Écrivez-nous</a>\n\n'
            'Lisez <a href="retours.md">les retours</a> ; <a href="https://nimbus.dev"><img src="l.png"></a> logo.\n')
    assert _sections(page) == [("Liens", [
        'Voir <a href="https://nimbus.dev/docs" target="_blank">la doc</a> et [le statut](https://status.nimbus.dev).',
        '<a href="mailto:aide@nimbus.dev">Écrivez-nous</a>', "Lisez", "les retours", ";", "logo."])]


def test_a_pandoc_fenced_div_or_a_heading_without_a_title_heads_nothing():
    # stop 54: `::: {.note}` gave a section headed "" (a citation "Notes › "): its attribute list is no title
    page = ('# Notes\n\n::: {.note}\nUne note.\n:::\n\n::: warning\nAttention.\n:::\n\n'
            '::: {.callout-tip title="Astuce"}\nSauvegardez.\n:::\n\n::: {#id .aside} Encadré\nTexte.\n:::\n\nFin.\n')
    assert _outline(page) == [
        ("Notes", (), ["Une note.", "Attention."]), ("Astuce", ("Notes",), ["Sauvegardez."]),
        ("Encadré", ("Notes",), ["Texte."]), ("Notes", (), ["Fin."])]
    # a heading that is only an attribute list or an icon ends the headings at its level and below, heading nothing
    empty = ("# Notes\n\n## Suite\n\n### Détail\n\nx\n\n### {#vide}\n\nTexte.\n\n:::tip :material-check:\nAstuce."
             "\n:::\n\n##\n\nFin.\n")
    assert _outline(empty) == [("Détail", ("Notes", "Suite"), ["x"]), ("Suite", ("Notes",), ["Texte."]),
                               ("Suite", ("Notes",), ["Astuce."]), ("Notes", (), ["Fin."])]
    assert all(s.heading for s in [*parse_markdown(page).sections, *parse_markdown(empty).sections])


def test_long_lines_of_disclosures_and_links_are_read_in_linear_time():
    """A Markdown file may hold a line of megabytes: each tag of a line was checked against every HTML link kept
    (a line of 5,000 links and as many tags took 5 s), and each pattern here reads a line in time linear in it."""
    n = 5000
    lines = ['<a href="https://nimbus.dev">lien</a> <b>gras</b> ' * n, "<summary>\n<a" + " " * 50 * n,
             "<details><summary>Q</summary>" + " " * 50 * n + "x", "::: {" + " " * 50 * n, "{{< tab" + ' name="x"' * n,
             "<a href=" + "'https://x' " * n]
    started = time.thread_time()
    for line in lines:
        parse_markdown(f"# Page\n\n{line}\n\nText.\n")
    assert time.thread_time() - started < 2


def test_a_docusaurus_tab_without_a_label_is_headed_by_its_value():
    # stop 54: `<TabItem value="linux">` headed nothing, where Docusaurus shows the value as the tab's label
    page = ('# Install\n\n<Tabs>\n<TabItem value="linux">\n\ncurl x\n\n</TabItem>\n<TabItem value="mac" label="macOS">'
            '\n\nbrew x\n\n</TabItem>\n</Tabs>\n\n<Tabs defaultValue="w">\n<Panel value="w">\n\nwinget x\n\n</Panel>\n'
            '</Tabs>\n')
    assert _outline(page) == [("linux", ("Install",), ["curl x"]), ("macOS", ("Install",), ["brew x"]),
                              ("Install", (), ["winget x"])]


def test_liquid_and_shortcode_tabs_never_closed_are_siblings():
    # stop 54: with their closing tags forgotten, Hugo's tabs read their labels as lines of text and GitBook's lost
    # them; as Docusaurus' `<TabItem>`, a tab opening in one never closed is its sibling, to the end of their group
    hugo = ('# Install\n\n{{< tabs "os" >}}\n{{< tab "Windows" >}}\nwinget x\n{{% tab name="macOS" %}}\nbrew x\n'
            '{{< /tabs >}}\n\nThen sign in.\n')
    gitbook = ('# Install\n\n{% tabs %}\n{% tab title="Windows" %}\nwinget x\n{% endtab %}\n{% tab title="macOS" %}\n'
               'brew x\n{% tab title="Linux" %}\napt x\n{% endtabs %}\n\nThen sign in.\n')
    assert _outline(hugo) == [("Windows", ("Install",), ["winget x"]), ("macOS", ("Install",), ["brew x"]),
                              ("Install", (), ["Then sign in."])]
    assert _outline(gitbook) == [("Windows", ("Install",), ["winget x"]), ("macOS", ("Install",), ["brew x"]),
                                 ("Linux", ("Install",), ["apt x"]), ("Install", (), ["Then sign in."])]
    # outside a group, the last one ends at the next heading; a figure nothing closes still holds nothing
    loose = ('# Install\n\n{% tab label="Windows" %}\nwinget x\n{% tab label="macOS" %}\nbrew x\n\n## Use\n\n'
             'Run it.\n\n{{< figure title="Le flux" >}}\n\nLe flux part.\n\n{{< figure title="Le retour" >}}\n\n'
             'Il revient.\n')
    assert _outline(loose) == [("Windows", ("Install",), ["winget x"]), ("macOS", ("Install",), ["brew x"]),
                               ("Use", ("Install",), ["Run it.", "Le flux", "Le flux part.", "Le retour",
                                                      "Il revient."])]


def test_a_figure_shows_its_caption_title_or_alt_never_its_src():
    # stop 54: `{{< figure src="flux.png" title="Le flux" >}}` read "flux.png", its first argument quoted
    page = ('# Flux\n\n{{< figure src="flux.png" title="Le flux" caption="La badgeuse envoie le pointage" >}}\n\n'
            '{{< figure src="flux.png" title="Le flux" >}}\n\n{{< figure src="retour.png" alt="Le retour" >}}\n\n'
            '{{< figure src="vide.png" >}}\n\n{{< youtube "w7Ft2ymGmfc" >}}\n\nFin.\n')
    assert _sections(page) == [("Flux", ["La badgeuse envoie le pointage", "Le flux", "Le retour", "Fin."])]


def test_an_opening_tag_over_several_lines_shows_none_of_its_attributes():
    # stop 54's review: Docusaurus' own Tabs page writes `<Tabs` over its attributes' lines; each was a line of text
    page = ('# Fruits\n\n<Tabs\n  defaultValue="apple"\n  values={[\n    {label: \'Apple\', value: \'apple\'},\n'
            '    {label: \'Orange\', value: \'orange\'},\n  ]}>\n<TabItem value="apple">This is an apple 🍎</TabItem>\n'
            '<TabItem value="orange">This is an orange 🍊</TabItem>\n</Tabs>\n\nThen.\n')
    assert _outline(page) == [("Apple", ("Fruits",), ["This is an apple 🍎"]),
                              ("Orange", ("Fruits",), ["This is an orange 🍊"]), ("Fruits", (), ["Then."])]
    # read as the same tag on one line: a component holding what its closing tag ends, labelled; a tag that closes
    # itself holds nothing
    tabs = ('# Install\n\n<Tabs\n  groupId="os"\n>\n<TabItem\n  value="linux"\n  label="Linux">\n\ncurl x\n\n'
            '</TabItem>\n</Tabs>\n\n<img\n  src="flux.png"\n  alt="Le flux"\n/>\n\nThen configure it.\n')
    assert _outline(tabs) == [("Linux", ("Install",), ["curl x"]), ("Install", (), ["Then configure it."])]
    # a `<` never closed by a `>` within a paragraph, 30 lines and 1,000 characters is text; what follows a `>` on
    # its line is text (stop 55: `<Qux` over `a="1">b` was text whole)
    loose = ('# Notes\n\n<Foo\nbar="x"\n\nText > here.\n\n<Bar\nit\'s\nb="2">\n\n<Baz\n' + 'x="1"\n' * 30 +
             'b="2">\n\n<Qux\na="1">b\n\n<Quux\n' + 'x="1"\n' * 29 + 'b="2">\n\nFin.\n')
    assert _sections(loose) == [("Notes", ["<Foo", 'bar="x"', "Text > here.", "<Bar", "it's", 'b="2">', "<Baz",
                                           *['x="1"'] * 30, 'b="2">', "b", "Fin."])]


def test_tags_never_closed_over_many_lines_are_read_in_linear_time():
    # each search for the `>` ending a tag stops at the next line's `<`: a page of such lines reads each once. Four
    # times the lines take some four to five times the CPU; a search to the page's end took sixteen (a bound in
    # seconds failed on a loaded CI machine: 3.7 s for 3)
    def read(n: int) -> None:
        for lines in ("<Foo\n" * n, '<Foo a="1"\n' + 'b="' + "x" * 900 + '"\n<a\n' * n, "<Foo {\n" + "x\n" * n):
            parse_markdown(f"# Page\n\n{lines}\nText.\n")

    assert grows_linearly(read, 2500)


def test_the_values_of_tabs_label_their_tabs_first():
    # stop 54's review: Docusaurus gives `<Tabs values={[...]}>`'s labels priority over a `<TabItem>`'s own
    page = ('# Fruits\n\n<Tabs values={[{label: "Apple", value: "apple"}, {value: "pear", \'label\': \'Pear\'}]}>\n'
            '<TabItem value="apple">\n\nRed.\n\n</TabItem>\n<TabItem value="pear" label="poire">\n\nGreen.\n\n'
            '</TabItem>\n<TabItem value="kiwi">\n\nBrown.\n\n</TabItem>\n</Tabs>\n\n<Tabs>\n<TabItem value="apple">'
            '\n\nAgain.\n\n</TabItem>\n</Tabs>\n')
    assert _outline(page) == [("Apple", ("Fruits",), ["Red."]), ("Pear", ("Fruits",), ["Green."]),
                              ("kiwi", ("Fruits",), ["Brown."]), ("apple", ("Fruits",), ["Again."])]


def test_an_embed_shows_nothing_and_a_hint_is_headed_by_no_kind():
    # stop 54's review: `{{< youtube "w7Ft2ymGmfc" >}}` read its id as text, `{{< hint "warning" >}}` headed its body
    # "warning"; a hint's kind is its style, as `!!! warning` untitled holds its body under no title
    page = ('# Vidéo\n\n{{< youtube "w7Ft2ymGmfc" >}}\n\n{{< vimeo 146022717 >}}\n\n{{< gist spf13 7896402 >}}\n\n'
            '{{< ref "install.md" >}}\n\n{{< hint "warning" >}}\n## Avant\nSauvegardez.\n{{< /hint >}}\n\nPuis.\n\n'
            '{{% notice note "Attention" %}}\nChaud.\n{{% /notice %}}\n\n!!! warning\n    ## Avant\n    Sauvegardez.'
            '\n\nFin.\n')
    assert _outline(page) == [("Avant", ("Vidéo",), ["Sauvegardez."]), ("Vidéo", (), ["Puis."]),
                              ("Attention", ("Vidéo",), ["Chaud."]), ("Avant", ("Vidéo",), ["Sauvegardez."]),
                              ("Vidéo", (), ["Fin."])]


def test_a_gitbook_hint_holds_its_body_as_an_admonition_does():
    # stop 55: `{% hint style="warning" %}` was no container: a heading in it headed the text after its
    # `{% endhint %}` to the page's end ("Attention" over "Suite du guide"), where `:::warning` hands it back
    page = ('# Guide\n\nIntro.\n\n{% hint style="warning" %}\n## Attention\nSauvegardez avant.\n{% endhint %}\n\n'
            'Suite du guide.\n\n{% callout type="note" %}\n### Astuce\nMarkdoc.\n{% /callout %}\n\nFin.\n')
    assert _outline(page) == _outline(page.replace('{% hint style="warning" %}', ":::warning")
                                      .replace('{% callout type="note" %}', ":::note")
                                      .replace("{% endhint %}", ":::").replace("{% /callout %}", ":::")) == [
        ("Guide", (), ["Intro."]), ("Attention", ("Guide",), ["Sauvegardez avant."]),
        ("Guide", (), ["Suite du guide."]), ("Astuce", ("Guide",), ["Markdoc."]), ("Guide", (), ["Fin."])]


def test_a_tab_on_one_line_heads_its_text_as_on_three():
    # stop 55: `<TabItem value="l" label="Linux">curl x</TabItem>` showed "curl x" under no label, where the same tab
    # over three lines heads it "Install › Linux"
    page = ('# Install\n\n<Tabs>\n<TabItem value="l" label="Linux">curl x</TabItem>\n<TabItem value="m">brew x'
            '</TabItem>\n  <Tab title="Windows"> Lancez le MSI. </Tab>\n</Tabs>\n\nThen.\n\n<Badge>Nouveau</Badge>\n')
    expected = [("Linux", ("Install",), ["curl x"]), ("m", ("Install",), ["brew x"]),
                ("Windows", ("Install",), ["Lancez le MSI."]), ("Install", (), ["Then.", "Nouveau"])]
    assert _outline(page) == expected
    assert _outline(page.replace('">', '">\n').replace("</Tab", "\n</Tab").replace("<Badge>\n", "<Badge>")) == expected


def test_a_tab_labelled_with_an_admonition_s_kind_gets_its_label():
    # stop 55: `{{< tab "note" >}}` read "note" as a hint's kind, its style: the tab headed nothing; a tab's first
    # argument is its label whatever its word, a hint's is its kind (`{{< hint "warning" >}}` heads nothing)
    for word in ("note", "warning", "Tip"):
        page = (f'# Formats\n\n{{{{< tab "{word}" >}}}}\nTexte.\n{{{{< /tab >}}}}\n\n<TabItem label="{word}">\n\n'
                "Aussi.\n\n</TabItem>\n")
        assert _outline(page) == [(word, ("Formats",), ["Texte."]), (word, ("Formats",), ["Aussi."])]
    assert _sections('# Formats\n\n{{< hint "warning" >}}\nSauvegardez.\n{{< /hint >}}\n') == [
        ("Formats", ["Sauvegardez."])]


def test_text_after_an_opening_tag_over_several_lines_is_read():
    # stop 55: `<Tabs` over `groupId="x">Some text` was no tag (its `>` did not end its line): its lines were text,
    # "<Tabs" and 'groupId="x">Some text'; now the tag shows nothing and the text after it is a line, at its offsets
    page = ('# Guide\n\n<Tabs\n  groupId="x">Some text\n<TabItem\n  value="l"\n  label="Linux">curl x</TabItem>\n'
            '<TabItem\n  value="m"\n  label="macOS">brew x\n\nand more\n</TabItem>\n</Tabs>\n\n<div\n  align="center">'
            'Made in Lyon</div>\n\nEnd.\n')
    assert _outline(page) == [
        ("Guide", (), ["Some text"]), ("Linux", ("Guide",), ["curl x"]), ("macOS", ("Guide",), ["brew x", "and more"]),
        ("Guide", (), ["Made in Lyon", "End."])]
    assert all(page[line.start:line.end] == line.text for s in parse_markdown(page).sections for line in s.lines)


def test_a_line_of_prose_opening_on_a_bracket_starts_no_tag():
    # stop 55's review: a line opening on `<` and a word ran on as one tag to the first `>` within 30 lines: "<Note
    # that the arrow" over "always points right ->" was a component, both lines lost; a tag over several lines is a
    # name and attributes, never words of prose side by side
    prose = ("<Note that the arrow\nalways points right ->\n\n<Note that the value\nof x is > 3.\n\n"
             "<username> is your login,\nand a > b.\n\n<b>Note</b> that this\nruns on > here.\n\n")
    page = f'# Guide\n\n{prose}<CodeBlock\n  showLineNumbers\n  language="python">\nprint(1)\n</CodeBlock>\n\nEnd.\n'
    assert _sections(page) == [("Guide", [
        "<Note that the arrow", "always points right ->", "<Note that the value", "of x is > 3.",
        "<username> is your login,", "and a > b.", "Note", "that this", "runs on > here.", "print(1)", "End."])]
