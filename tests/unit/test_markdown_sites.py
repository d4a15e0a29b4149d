"""What documentation sites (MkDocs, Docusaurus, Hugo) write in Markdown beyond CommonMark, read as the site shows
it: an audit's documentation site (stop 48) had `import Tabs from '@theme/Tabs';` as a passage,
`<TabItem value="linux" label="Linux">` as the answer to "How do I install the CLI on Linux?", `!!! info` and `:::`
in answers, "Authentication {#auth} › Test and live keys" as a label, and its draft's "Not announced yet: do not
share" served."""

import time

from rag.corpus.formats.markdown import parse_markdown
from rag.corpus.reader import Document, Skipped, read_files
from tests.helpers.timing import grows_linearly
from tests.unit.test_markdown import _outline, _sections
from tests.unit.test_tool_exports import _read


def test_mdx_imports_and_lines_of_tags_are_no_text():
    page = ("---\ntitle: Install\n---\n\nimport Tabs from '@theme/Tabs';\nimport {Card, Grid} from \"../components\";"
            "\nexport const version = '2.4';\n\n# Welcome\n\n<DocCardList />\n\n<div align=\"center\">\n"
            "Nimbus bills your customers.\n</div>\n\n<p align=\"center\">Made in Lyon</p>\n\n```js\n"
            "import Tabs from '@theme/Tabs';\n<Tabs>\n```\n")
    assert _sections(page) == [("Welcome", [
        "Nimbus bills your customers.", "Made in Lyon", "```js", "import Tabs from '@theme/Tabs';", "<Tabs>", "```"])]
    # a sentence that happens to open with "import", a link in angle brackets: text
    prose = "# Import\n\nImport your customers from a CSV file.\n<https://nimbus.dev/import>\n"
    assert _sections(prose) == [("Import", ["Import your customers from a CSV file.", "<https://nimbus.dev/import>"])]


def test_a_tab_heads_what_it_holds_and_the_section_goes_on_after_it():
    mdx = ("## Install\n\n<Tabs>\n  <TabItem value=\"mac\" label=\"macOS\" default>\n\n```shell\n"
           "brew install nimbus-cli\n```\n\n  </TabItem>\n  <TabItem value=\"linux\" label=\"Linux\">\n\n```shell\n"
           "curl -fsSL https://get.nimbus.dev/install.sh | sh\n```\n\n  </TabItem>\n</Tabs>\n\n"
           "Run `nimbus --version` to check.\n\n## Upgrade\n\nRun `nimbus self-update`.\n")
    assert _sections(mdx) == [
        ("macOS", ["```shell", "brew install nimbus-cli", "```"]),
        ("Linux", ["```shell", "curl -fsSL https://get.nimbus.dev/install.sh | sh", "```"]),
        ("Install", ["Run `nimbus --version` to check."]), ("Upgrade", ["Run `nimbus self-update`."])]
    assert [s.parents for s in parse_markdown(mdx).sections][:2] == [("Install",), ("Install",)]
    mkdocs = ("## Roles\n\n=== \"Owner\"\n\n    Full access.\n\n=== \"Viewer\"\n\n    Read-only access.\n\n"
              "Roles are set per workspace.\n\n??? question \"What happens to existing sessions?\"\n"
              "    They stay valid until they expire.\n\nSee also the audit log.\n")
    assert _sections(mkdocs) == [
        ("Owner", ["Full access."]), ("Viewer", ["Read-only access."]), ("Roles", ["Roles are set per workspace."]),
        ("What happens to existing sessions?", ["They stay valid until they expire."]),
        ("Roles", ["See also the audit log."])]


def test_admonition_markers_leave_their_titles_only_which_head_what_they_hold():
    page = ("# Config\n\n!!! note \"Precedence\"\n    Variables override the file.\n\n!!! warning\n"
            "    Reject old events.\n\n:::tip\nRun `nimbus --version`.\n:::\n\n:::danger Keep your keys secret\n"
            "Never publish a live key.\n:::\n\n> [!TIP]\n> Batch calls count once.\n\n{{< hint info >}}\n"
            "Hugo says so.\n{{< /hint >}}\n\nSee [Refunds][refunds].\n\n[refunds]: ./refunds.md \"Refunds\"\n\n"
            "Footnoted.[^1]\n\n[^1]: A footnote is text.\n")
    assert _sections(page) == [
        ("Precedence", ["Variables override the file."]), ("Config", ["Reject old events.", "Run `nimbus --version`."]),
        ("Keep your keys secret", ["Never publish a live key."]),
        ("Config", ["Batch calls count once.", "Hugo says so.", "See [Refunds][refunds].", "Footnoted.[^1]",
                    "[^1]: A footnote is text."])]


def test_an_admonition_s_title_heads_its_body_as_a_tab_s_label_does():
    # audit 53: "Certificat expiré", the admonition's title line, was the answer to "que se passe-t-il si le
    # certificat de l'IdP expire ?", its body ("plus personne ne peut se connecter") left out of the snippet
    mkdocs = ("## Rendre le SSO obligatoire\n\nCochez **Exiger le SSO**.\n\n!!! danger \"Certificat expiré\"\n\n"
              "    Quand le certificat expire, plus personne ne peut se connecter par SSO.\n\n"
              "Les administrateurs gardent leur mot de passe.\n")
    assert _outline(mkdocs) == [
        ("Rendre le SSO obligatoire", (), ["Cochez **Exiger le SSO**."]),
        ("Certificat expiré", ("Rendre le SSO obligatoire",),
         ["Quand le certificat expire, plus personne ne peut se connecter par SSO."]),
        ("Rendre le SSO obligatoire", (), ["Les administrateurs gardent leur mot de passe."])]
    docusaurus = ("## Clé d'API\n\nCréez une clé.\n\n:::danger Ne jamais exposer une clé\n\n"
                  "Une clé donne accès à tout.\n\n:::\n\n:::tip[Clés de test]\nElles commencent par `pk_test_`.\n"
                  ":::\n\n"
                  ":::note\n\nSans titre, le corps reste dans la section.\n\n:::\n\nLa suite.\n")
    assert _sections(docusaurus) == [
        ("Clé d'API", ["Créez une clé."]), ("Ne jamais exposer une clé", ["Une clé donne accès à tout."]),
        ("Clés de test", ["Elles commencent par `pk_test_`."]),
        ("Clé d'API", ["Sans titre, le corps reste dans la section.", "La suite."])]


def test_what_a_tab_or_an_admonition_holds_reads_as_at_the_margin_to_any_depth():
    # audit 53: an admonition inside a content tab stayed text, its marker quoted ('!!! warning "Proxy"') in the
    # tab's passage, its body under the tab's label alone
    mkdocs = ("## Installer\n\n=== \"Windows\"\n\n    Lancez le MSI.\n\n    !!! warning \"Proxy\"\n"
              "        Réglez `HTTPS_PROXY`.\n\n        ??? tip \"Certificat\"\n            Importez la racine.\n\n"
              "    ```powershell\n    msiexec /i pointly.msi\n      /quiet\n    ```\n\n    !!! note\n"
              "        Sans titre.\n\n    ### Vérifier\n\n    Ouvrez Pointly.\n\n=== \"macOS\"\n\n"
              "        un bloc de code indenté\n\nLa suite.\n")
    assert _outline(mkdocs) == [
        ("Windows", ("Installer",), ["Lancez le MSI."]),
        ("Proxy", ("Installer", "Windows"), ["Réglez `HTTPS_PROXY`."]),
        ("Certificat", ("Installer", "Windows", "Proxy"), ["Importez la racine."]),
        ("Windows", ("Installer",), ["```powershell", "msiexec /i pointly.msi", "  /quiet", "```", "Sans titre."]),
        ("Vérifier", ("Installer", "Windows"), ["Ouvrez Pointly."]),
        ("macOS", ("Installer",), ["un bloc de code indenté"]), ("Installer", (), ["La suite."])]
    # nested colon fences: the inner `:::` closes the inner one
    docusaurus = ("## Clés\n\n::::note Rotation\n\nTous les 90 jours.\n\n:::tip Test\nEn test.\n:::\n\nPuis.\n"
                  "::::\n\nFin.\n")
    assert _outline(docusaurus) == [
        ("Rotation", ("Clés",), ["Tous les 90 jours."]), ("Test", ("Clés", "Rotation"), ["En test."]),
        ("Rotation", ("Clés",), ["Puis."]), ("Clés", (), ["Fin."])]


def test_a_heading_inside_an_untitled_admonition_ends_with_it():
    # review 52b: an untitled admonition opened no tab, so a heading in its body headed what follows it too
    page = ("## Sauvegarde\n\nChaque nuit.\n\n!!! note\n\n    ### Restaurer\n\n    Depuis la console.\n\n"
            "Les copies sont gardées 30 jours.\n\n!!! tip\n    Sans titre ni intertitre.\n\nFin.\n")
    assert _outline(page) == [
        ("Sauvegarde", (), ["Chaque nuit."]), ("Restaurer", ("Sauvegarde",), ["Depuis la console."]),
        ("Sauvegarde", (), ["Les copies sont gardées 30 jours.", "Sans titre ni intertitre.", "Fin."])]


def test_pymdownx_blocks_head_what_they_hold_as_admonitions_and_tabs_do():
    # pymdownx.blocks, MkDocs Material's delimited syntax (`/// warning | Title` ... `///`, its options indented under
    # its header): the markers, the options and the titles were text of the section's passage
    page = ("## Clés\n\n/// warning | Ne jamais exposer une clé\n    type: danger\n\nUne clé donne accès à tout.\n"
            "///\n\n/// tab | Linux\n\n```sh\ncurl x\n```\n\n///\n\n/// tab | macOS\nbrew install x\n///\n\n"
            "/// note\nSans titre.\n///\n\n/// details | Puis-je révoquer une clé ?\n    open: True\n\n"
            "Oui, depuis la console.\n\n//// tip | Astuce\nImbriquée.\n////\n\n///\n\n"
            "/// html | div[style='color: red']\nEn rouge.\n///\n\nFin.\n")
    assert _outline(page) == [
        ("Ne jamais exposer une clé", ("Clés",), ["Une clé donne accès à tout."]),
        ("Linux", ("Clés",), ["```sh", "curl x", "```"]), ("macOS", ("Clés",), ["brew install x"]),
        ("Clés", (), ["Sans titre."]), ("Puis-je révoquer une clé ?", ("Clés",), ["Oui, depuis la console."]),
        ("Astuce", ("Clés", "Puis-je révoquer une clé ?"), ["Imbriquée."]), ("Clés", (), ["En rouge.", "Fin."])]


def test_gitbook_and_markdoc_tags_are_no_text_and_a_titled_one_heads_what_it_holds():
    # GitBook's Markdown (`{% hint %}`, `{% tab title="..." %}` to `{% endtab %}`), Markdoc's (`{% tab label="..." %}`
    # to `{% /tab %}`), Jekyll's `{% include %}`: the tags were lines of text, the tabs' labels heading nothing
    page = ("# Installer\n\n{% hint style=\"warning\" %}\nSauvegardez avant.\n{% endhint %}\n\n{% tabs %}\n"
            "{% tab title=\"Windows\" %}\nLancez le MSI.\n{% endtab %}\n\n{% tab title=\"macOS\" %}\n"
            "{% code title=\"install.sh\" %}\n```sh\nbrew install x\n```\n{% endcode %}\n{% endtab %}\n"
            "{% endtabs %}\n\n"
            "{% tab label=\"Linux\" %}\nMarkdoc.\n{% /tab %}\n\n{% hint style='info' %}Une ligne.{% endhint %}\n\n"
            "{% include footer.html %}\n\nFin.\n")
    assert _outline(page) == [
        ("Installer", (), ["Sauvegardez avant."]), ("Windows", ("Installer",), ["Lancez le MSI."]),
        ("install.sh", ("Installer", "macOS"), ["```sh", "brew install x", "```"]),
        ("Linux", ("Installer",), ["Markdoc."]), ("Installer", (), ["Une ligne.", "Fin."])]
    # a tag with a title that nothing closes is no container (Jekyll's include of an image and its caption)
    jekyll = ('# Guide\n\n{% include image.html file="flux.png" title="Schéma du flux" %}\n\nLe flux part de la '
              "badgeuse.\n\n## Suite\n\nFin.\n")
    assert _outline(jekyll) == [("Guide", (), ["Le flux part de la badgeuse."]), ("Suite", ("Guide",), ["Fin."])]


def test_a_heading_at_the_margin_ends_a_container_never_closed():
    # review 53: after a `<details>`, a `<TabItem>` or a `:::tip` never closed, every heading down to the end of the
    # file stood under its summary, label or title ("FAQ › Can I delete? › Billing › Refunds"): each later passage's
    # citation wrong
    body = ("\n\n## Billing\n\nInvoices.\n\n### Refunds\n\nWithin 30 days.\n\nBilling periods\n---------------\n\n"
            "Monthly.\n")
    for opener in ("<details>\n<summary>Can I delete?</summary>", '<Tabs>\n<TabItem value="l" label="Can I delete?">',
                   ":::tip Can I delete?", ":::tip[Can I delete?]", '!!! note "Can I delete?"'):
        indent = " " * 4 * opener.startswith("!!!")  # MkDocs' body is indented, and the margin ends it
        page = f"# Guide\n\n## FAQ\n\n{opener}\n\n{indent}No: void it.{body}"
        assert _outline(page) == [
            ("Can I delete?", ("Guide", "FAQ"), ["No: void it."]), ("Billing", ("Guide",), ["Invoices."]),
            ("Refunds", ("Guide", "Billing"), ["Within 30 days."]),
            ("Billing periods", ("Guide",), ["Monthly."])], opener
    # one never closed, then others closed (an untitled one's `:::` closes it, not the titled one left open); a
    # heading inside a container closed stands under its summary
    later = ("# Guide\n\n:::tip Keep it secret\n\nNever publish a key.\n\n## Rotation\n\nEvery 90 days.\n\n"
             ":::note\n\nUntitled.\n\n:::\n\n<details>\n<summary>Why?</summary>\n\n### Leaks\n\nKeys leak.\n\n"
             "</details>\n\nThen.\n")
    assert _outline(later) == [
        ("Keep it secret", ("Guide",), ["Never publish a key."]),
        ("Rotation", ("Guide",), ["Every 90 days.", "Untitled."]),
        ("Leaks", ("Guide", "Rotation", "Why?"), ["Keys leak."]), ("Rotation", ("Guide",), ["Then."])]
    # one never closed, then another of its kind: the second is its sibling, not inside it (a forgotten `</TabItem>`,
    # a forgotten `</details>` in an FAQ: "Q1? › Q2?")
    siblings = ('## Install\n\n<Tabs>\n<TabItem value="a" label="macOS">\nbrew\n<TabItem value="b" label="Linux">\n'
                "curl\n</TabItem>\n</Tabs>\n\n## FAQ\n\n<details>\n<summary>Q1?</summary>\n\nA1.\n\n<details>\n"
                "<summary>Q2?</summary>\n\nA2.\n\n</details>\n\nAfter.\n")
    assert _outline(siblings) == [
        ("macOS", ("Install",), ["brew"]), ("Linux", ("Install",), ["curl"]), ("Q1?", ("FAQ",), ["A1."]),
        ("Q2?", ("FAQ",), ["A2."]), ("FAQ", (), ["After."])]
    # inside a tab (MkDocs', its content indented), a heading at the tab's margin ends what was left open in it
    tabbed = ("# Guide\n\n=== \"Linux\"\n\n    <details>\n    <summary>Proxy?</summary>\n\n    Set it.\n\n"
              "    ## Check\n\n    Run it.\n\nAfter.\n")
    assert _outline(tabbed) == [
        ("Proxy?", ("Guide", "Linux"), ["Set it."]), ("Check", ("Guide", "Linux"), ["Run it."]),
        ("Guide", (), ["After."])]


def test_a_heading_s_id_is_no_part_of_it():
    page = ("# Authentication {#auth}\n\nIntro.\n\n## Test and live keys {#keys .important}\n\nKeys.\n\n"
            "### Paiement en C# {: #csharp }\n\nCode.\n\n## Variables {x}\n\nBraces of its own.\n")
    parsed = parse_markdown(page)
    assert parsed.title == "Authentication"
    assert [(s.heading, s.parents) for s in parsed.sections] == [
        ("Authentication", ()), ("Test and live keys", ("Authentication",)),
        ("Paiement en C#", ("Authentication", "Test and live keys")), ("Variables {x}", ("Authentication",))]


def test_a_summary_heads_its_disclosure_and_the_section_goes_on_after_it():
    page = ("## Credit notes\n\nA credit note cancels an invoice.\n\n<details>\n"
            "<summary>Can I delete a finalized invoice?</summary>\n\nNo: void it.\n\n</details>\n\n"
            "Credit notes are numbered apart.\n")
    assert _sections(page) == [("Credit notes", ["A credit note cancels an invoice."]),
                               ("Can I delete a finalized invoice?", ["No: void it."]),
                               ("Credit notes", ["Credit notes are numbered apart."])]


def test_icons_and_attribute_lists_material_draws_are_no_text():
    # review 53: the home page's grid cards read "-   :material-download: **Installer l'application**" in its
    # passage; Material's own example writes `:material-clock-fast:{ .lg .middle } __Set up in 5 minutes__`
    page = ("# Pointly\n\n<div class=\"grid cards\" markdown>\n\n"
            "-   :material-clock-fast:{ .lg .middle } __Set up in 5 minutes__\n\n    ---\n\n"
            "    Install with `pip`, offline :fontawesome-solid-wifi:.\n\n"
            "    [:octicons-arrow-right-24: Getting started](getting-started.md)\n\n"
            "-   :simple-markdown:{ .lg .middle } __It's just Markdown__\n\n"
            "    [Reference :octicons-arrow-right-24:](reference.md){ .md-button }\n\n</div>\n\n"
            "## :material-download: Install { #install }\n\n=== \":simple-apple: macOS\"\n\n"
            "    Run `brew install pointly`. :material-check: Done !\n\n"
            "[Status](https://status.pointly.fr){ .md-button .md-button--primary } is live.\n\n"
            "![Logo](logo.png){ width=\"300\" }\n\n"
            "Kept: `:material-check:` and `{ .lg }` in code, :smile:, {{ .Title }}, \\frac{a=b}, {a=1}, C# {x}.\n")
    assert _read(page) == [
        "- __Set up in 5 minutes__\nInstall with `pip`, offline.\n- __It's just Markdown__",
        "Run `brew install pointly`. Done !",
        "[Status](https://status.pointly.fr) is live.\nLogo\n"
        "Kept: `:material-check:` and `{ .lg }` in code, :smile:, {{ .Title }}, \\frac{a=b}, {a=1}, C# {x}."]
    assert [(s.heading, s.parents) for s in parse_markdown(page).sections] == [
        ("Pointly", ()), ("macOS", ("Pointly", "Install")), ("Install", ("Pointly",))]


def test_inline_html_tags_are_no_text_and_a_summary_s_tags_no_part_of_its_question():
    # review 53: "<summary><b>Puis-je annuler ?</b></summary>" was a line of text, the question heading nothing, and
    # "<kbd>Ctrl</kbd>+<kbd>C</kbd>" read so in passages: the site shows "Ctrl+C", as the HTML reader reads it
    page = ("# Raccourcis\n\nAppuyez sur <kbd>Ctrl</kbd>+<kbd>C</kbd> pour copier.<br>Puis collez.\n\n<details>\n"
            "  <summary><b>Puis-je annuler ?</b></summary>\n\nOui, <em>dans l'heure</em>.\n\n</details>\n\n"
            "<details><summary>Et après ?</summary>Non.</details>\n\n"
            "La couleur <Highlight color=\"#25c2a0\">verte</Highlight> marque les champs.\n\n"
            "Kept: `<kbd>x</kbd>` in code, <https://pointly.fr>, <support@pointly.fr>, 1 < 2, <VOTRE_CLE>.\n")
    assert _read(page) == [
        "Appuyez sur Ctrl+C pour copier.\nPuis collez.", "Oui, dans l'heure.", "Non.",
        "La couleur verte marque les champs.\n"
        "Kept: `<kbd>x</kbd>` in code, <https://pointly.fr>, <support@pointly.fr>, 1 < 2, <VOTRE_CLE>."]
    assert [(s.heading, s.parents) for s in parse_markdown(page).sections] == [
        ("Raccourcis", ()), ("Puis-je annuler ?", ("Raccourcis",)), ("Et après ?", ("Raccourcis",)),
        ("Raccourcis", ())]


def test_a_placeholder_or_a_type_in_angle_brackets_is_text_not_a_tag():
    # review 53 (b): "Remplacez <username> par votre nom, puis <password>." read "Remplacez par votre nom, puis .",
    # "une List<String>" read "une List", a heading "Optional<T>" read "Optional": a bare tag no element has, no
    # closing tag after it, is what the writer typed; an element's bare tag, one with attributes, closed, or
    # self-closed, is markup
    page = ("# Optional<T> et List<String>\n\nRemplacez <username> par votre nom, puis <your api key>.\n"
            "Une Promise<void> ou un Optional<User> ; <b>gras</b>, <Note>ici</Note>, <Badge /> et <Tip kind=x>.\n")
    assert _sections(page) == [("Optional<T> et List<String>", [
        "Remplacez <username> par votre nom, puis <your api key>.",
        "Une Promise<void> ou un Optional<User> ;", "gras", ",", "ici", ",", "et", "."])]


def test_a_jekyll_include_given_its_text_shows_it():
    # review 53 (b): the Jekyll documentation theme's `{% include note.html content="..." %}` (its notes, tips and
    # warnings) was left out with its text, as any Liquid tag; the page shows that text
    page = ("# Mise à jour\n\n{% include warning.html content=\"Sauvegardez l'archive avant la mise à jour.\" %}\n\n"
            "{%- include tip.html type=\"x\" content='Le \"mode sûr\" aide.' -%}\n\n{% include footer.html %}\n")
    assert _sections(page) == [("Mise à jour", ["Sauvegardez l'archive avant la mise à jour.", 'Le "mode sûr" aide.'])]
    started = time.perf_counter()
    parse_markdown("{% include x.html content=\"" * 20_000)
    assert time.perf_counter() - started < 2


def test_a_page_its_site_does_not_publish_is_skipped_and_said_so(tmp_path):
    (tmp_path / "preview.md").write_text("---\ntitle: 3.0 preview\ndraft: true\n---\n\nNot announced yet.\n")
    (tmp_path / "old.md").write_text("---\ntitle: Old\npublished: false\n---\n\nRetired page.\n")
    # front matter YAML refuses, read a line at a time
    (tmp_path / "broken.md").write_text("---\ntitle: Broken: yes: no\ndraft: true\n---\n\nDraft too.\n")
    (tmp_path / "live.md").write_text("---\ntitle: Live\ndraft: false\npublished: true\n---\n\nPublished.\n")
    outcomes = {o.source: o for o in read_files(tmp_path)}
    assert isinstance(outcomes["live.md"], Document)
    for name, flag in [("preview.md", "draft: true"), ("old.md", "published: false"), ("broken.md", "draft: true")]:
        skipped = outcomes[name]
        assert isinstance(skipped, Skipped) and flag in skipped.reason, skipped


def test_an_mdx_page_is_read_as_markdown(tmp_path):
    """Docusaurus and Starlight pages are `.mdx` as often as `.md`: they were skipped, "unsupported format .mdx"."""
    (tmp_path / "install.mdx").write_text("---\ntitle: Install\n---\n\nimport Tabs from '@theme/Tabs';\n\n"
                                          "## Requirements {#requirements}\n\nPython 3.10 or later.\n")
    (document,) = read_files(tmp_path)
    assert isinstance(document, Document) and document.title == "Install"
    assert [(s.heading, [line.text for line in s.lines]) for s in document.sections] == [
        ("Requirements", ["Python 3.10 or later."])]


def test_a_folder_s_own_page_without_a_title_is_named_by_its_folder(tmp_path):
    """Hugo's `_index.md`, MkDocs' `index.md`, GitHub's `README.md`: the page of its folder, titled "Index" or "Readme"
    by its file's name when it gave no title of its own."""
    (tmp_path / "billing").mkdir()
    (tmp_path / "billing" / "_index.md").write_text("Guides about invoices and refunds.\n")
    (tmp_path / "billing" / "README.md").write_text("Where the billing guides live.\n")
    (tmp_path / "getting-started").mkdir()
    (tmp_path / "getting-started" / "index.md").write_text("Install, then configure.\n")
    (tmp_path / "index.md").write_text("The site's home.\n")
    titles = {o.source: o.title for o in read_files(tmp_path) if isinstance(o, Document)}
    assert titles == {"billing/README.md": "Billing", "billing/_index.md": "Billing",
                      "getting-started/index.md": "Getting started", "index.md": "Index"}


def test_long_lines_of_site_markup_are_read_in_linear_time():
    """The patterns first written for these lines took time cubic in a line's length on lines shaped like them and
    never closed (a line of 1,500 spaces after `<a` took 18 s): a Markdown file may hold a line of megabytes."""
    n = 1500
    lines = ["<a" + " " * n + "x", "import " + " " * n, "<Tab " + "label='x' " * n, "<p>" + "x " * n + "<",
             "<summary>" + " " * n + "<", "!!! note" + " a" * n + ' "x', ":::" + " x" * n + " " * n + "y",
             "## Title {#a" + " #b" * n + " x", "{{< hint" + " a" * 30 + " x", "x{ .a" * n, ":material-" + "a-" * n,
             ")" + '{ .a k="' * n, "{% " + "a" * 20 * n, "{{< " + "a" * 20 * n,
             "){ a=b" * 5 * n]  # 9 s (the two above) and 5 s at 405e418
    started = time.thread_time()
    for line in lines:
        parse_markdown(f"# Page\n\n{line}\n\nText.\n")
    assert time.thread_time() - started < 2


def test_thousands_of_containers_never_closed_are_read_in_linear_time():
    """Each line was checked against every container open: 1,500 `<summary>` never closed took 2.6 s, as many
    `<TabItem>` as long. Beyond 32 open, an opener is a line of text, as Dart's markdown reads blocks nested deeper."""
    units = ("<summary>Q</summary>\n\nA.\n\n", '<TabItem label="Q">\n\nA.\n\n', ":::note\n\nA.\n\n")

    def read(n: int) -> None:
        for unit in units:
            parsed = parse_markdown("# Page\n\n" + unit * n)
        assert sum(len(s.lines) for s in parsed.sections) == n

    assert grows_linearly(read, 400)  # a bound of 2 s failed on a loaded machine


def test_disclosures_never_closed_past_32_are_siblings_too():
    # review 53 (b): in an FAQ of 40 `<details>` none closed, the 33rd to the 40th question stood each under the one
    # before ("Question 33 › ... › Question 40 › Contact"): past 32 open, the first reading saw them as text
    faq = "# FAQ\n\n" + "".join(f"<details>\n<summary>Q{i} ?</summary>\n\nR{i}.\n\n" for i in range(40))
    assert {s.parents for s in parse_markdown(faq + "## Contact\n\nMail.\n").sections} == {("FAQ",)}


def test_an_mdx_module_block_over_several_lines_and_an_mdx_comment_are_no_text():
    page = ("import {\n  Card,\n  Grid,\n} from '../components';\n\nexport const Highlight = ({children, color}) => (\n"
            "  <span\n    style={{\n      backgroundColor: color,\n    }}>\n    {children}\n  </span>\n);\n\n"
            "export const meta = {\n  author: 'Jane',\n};\n\n# Colors\n\n{/* a comment MDX shows not */}\n\n"
            "Green is my favourite colour.\nexport const x = 1 is text: a paragraph goes on.\n\n"
            "export PATH=$HOME/bin\n")
    assert _sections(page) == [("Colors", ["Green is my favourite colour.",
                                           "export const x = 1 is text: a paragraph goes on.",
                                           "export PATH=$HOME/bin"])]
    # a link's definition cannot interrupt a paragraph (CommonMark), nor an import (MDX): their lines are text there
    notes = "# Sources\n\nDupont, 2020, page 3\n[1]: https://example.com/dupont\nimport 'x' is what we typed.\n"
    assert _sections(notes) == [("Sources", ["Dupont, 2020, page 3", "[1]: https://example.com/dupont",
                                             "import 'x' is what we typed."])]


def test_an_html_element_s_title_is_a_tooltip_not_a_tab():
    readme = ('# Nimbus\n\n<img src="logo.png" title="Nimbus logo">\n\nNimbus bills your customers.\n\n'
              '<a href="https://nimbus.dev" title="Website">\n\n## Install\n\nRun the installer.\n')
    assert _sections(readme) == [("Nimbus", ["Nimbus bills your customers."]), ("Install", ["Run the installer."])]


def test_a_line_opening_on_three_exclamation_marks_over_no_indented_content_is_prose():
    notes = ("# Accès\n\n!!! Ne jamais partager votre mot de passe\n\nLe support ne vous le demandera pas.\n\n"
             "!!! warning\n    Un mot de passe partagé est changé.\n")
    assert _sections(notes) == [("Accès", ["!!! Ne jamais partager votre mot de passe",
                                           "Le support ne vous le demandera pas.",
                                           "Un mot de passe partagé est changé."])]


def test_a_snippet_include_line_is_no_text():
    # audit 53: `--8<-- "prerequis.md"` (pymdownx.snippets) was indexed on the install page, in French and English
    page = ("# Installer\n\nL'application se met à jour seule.\n\n--8<-- \"prerequis.md\"\n\n"
            "--8<-- 'includes/abbreviations.md'\n\n--8<--\n\n;--8<-- \"echappe.md\"\n\n## Windows\n\nLancez le MSI.\n")
    assert _sections(page) == [("Installer", ["L'application se met à jour seule.", ";--8<-- \"echappe.md\""]),
                               ("Windows", ["Lancez le MSI."])]


def test_a_definition_list_s_term_heads_its_definition_and_the_section_goes_on_after_the_list():
    # audit 53: the term line alone, "`SAML-403 Application non attribuée`", was the answer to "erreur SAML-403 a la
    # connexion", and its definition's marker (`:   `) was text
    page = ("## Erreurs fréquentes\n\nLes codes affichés :\n\n`SAML-401 Utilisateur inconnu`\n"
            ":   L'adresse ne correspond à aucun salarié.\n    Vérifiez le fichier d'import.\n\n"
            "SAML-403 Application non attribuée\n\n:   Le salarié n'appartient à aucun groupe autorisé.\n\n"
            "Contactez le support sinon.\n\n## Suite\n\nHoraires\n:\t9 h - 18 h\n")
    assert _outline(page) == [  # each line the file's own text at its offsets
        ("Erreurs fréquentes", (), ["Les codes affichés :"]),
        ("`SAML-401 Utilisateur inconnu`", ("Erreurs fréquentes",),
         ["L'adresse ne correspond à aucun salarié.", "Vérifiez le fichier d'import."]),
        ("SAML-403 Application non attribuée", ("Erreurs fréquentes",),
         ["Le salarié n'appartient à aucun groupe autorisé."]),
        ("Erreurs fréquentes", (), ["Contactez le support sinon."]), ("Horaires", ("Suite",), ["9 h - 18 h"])]
    # French prose wrapped before its colon, a list item over a definition's marker: no definition list
    prose = "# Note\n\nLes pièces à fournir\n: un justificatif.\n\n- un point\n:   suite\n"
    assert _sections(prose) == [("Note", ["Les pièces à fournir", ": un justificatif.", "- un point", ":   suite"])]
