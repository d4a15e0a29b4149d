"""What documentation site generators write in Markdown beyond CommonMark, read as the site shows it.

MkDocs (Material, pymdown-extensions), Docusaurus (MDX), Hugo, Jekyll and GitHub add their own syntax to a page's
Markdown: heading ids (`## Install {#install}`), admonitions (`!!! note "Title"`, `:::tip Title` ... `:::`,
`> [!TIP]`), content tabs (`=== "Linux"`), MDX imports and component tags (`import Tabs from '@theme/Tabs';`,
`<TabItem value="linux" label="Linux">`), Hugo shortcodes (`{{< hint info >}}`), GitBook's and Markdoc's tags
(`{% hint style="info" %}`, `{% tab title="Linux" %}`), pandoc's fenced divs (`::: {.note}`). The site renders none
of these as text: indexed as written, they filled passages, labels and answers ("<TabItem value=\"linux\"
label=\"Linux\">" was the answer to "How do I install the CLI on Linux?"). What the reader sees of them is kept, at
its offsets: an admonition's title, the text inside a line's element; the rest is left out. A tab's label, an
admonition's title and a disclosure's summary head what they hold ("Install › Linux"); a snippet include (`--8<--
"file.md"`) shows another file and is left out. A page the site does not publish (`draft: true`, Jekyll's
`published: false`) is not indexed at all.

Note-taking tools write their own too, read the same way: Obsidian's callouts (`> [!warning]- Freeze`, any kind,
folded or not: its title is kept, as an admonition's), comments (`%% à revoir %%`, or `%%` over lines to the line
that ends on `%%`) and embeds (`![[schema.png]]`, `![[Page#Section]]`: what they show is another file's); links
between pages are `markdown_links`'; an image alone on its line shows its description (none when that is only its
file's name, as Notion writes it). Notion writes a page's properties under its title, a line each (`Tags:
facturation`, `Owner: Léa Girard`): they are kept, what the team wrote, but for the times Notion stamps itself
(`Created: 12 mars 2024 10:14`, `Last edited time: ...`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping, Sequence

from rag.corpus.formats.base import Line
from rag.corpus.formats.markdown_links import ATTRIBUTES, LIQUID, navigation, outside_links, undrawn
from rag.corpus.formats.text import short_for_heading

# Each pattern is read in time linear in the line (no two quantifiers that may take the same characters in turn):
# a Markdown file may hold a line of megabytes.
# MDX's module lines (ES imports and exports on one line), which the page runs and never shows.
_ESM = re.compile(r"import[ \t]+(?:[\w*{},][\w*{}, \t]*[ \t]from[ \t]+)?(?P<q>['\"])[^'\"]+(?P=q)[ \t]*;?"
                  r"|export[ \t]+(?:\{[^}]*\}[ \t]+from[ \t]+(?P<q2>['\"])[^'\"]+(?P=q2)[ \t]*;?"
                  r"|(?:const|let|var)[ \t]+\w+[ \t]*=.*)")
# What opens an MDX module block that runs on over the next lines, to a blank line, as MDX reads it: an export of a
# constant, a function or a component (`export const Highlight = ({children}) => (`), an import whose braces close on
# a later line (`import {`).
_MODULE = re.compile(r"export[ \t]+(?:const|let|var|function|class|default|async)\b.*"
                     r"|import[ \t]+(?:[\w$]+[ \t]*,[ \t]*)?\{[^}]*")
# An MDX comment alone on its line: `{/* ... */}`.
_MDX_COMMENT = re.compile(r"\{/\*.*\*/\}")
# A line of tags alone (`<Tabs>`, `</TabItem>`, `<DocCardList />`, `<div align="center">`, `{% endhint %}`), which
# shows no text.
_TAG = r"</?[A-Za-z][\w.:-]*(?:\s[^<>]*)?>"
_TAGS = re.compile(rf"\s*(?:(?:{_TAG}|{LIQUID})\s*)+")
# A line whose text is one element's (`<summary>Can I delete an invoice?</summary>`, `<p align="center">...</p>`).
_ELEMENT = re.compile(r"<(?P<tag>[A-Za-z][\w.:-]*)(?:\s[^<>]*)?>(?P<text>[^<>]*)</(?P=tag)\s*>")
# its question may be set in tags of its own (`<summary><b>Can I delete an invoice?</b></summary>`)
_SUMMARY = re.compile(r"(?:<details(?:\s[^<>]*)?>\s*)?<summary(?:\s[^<>]*)?>"
                      r"(?P<text>(?:[^<>]|</?(?!summary\b)[A-Za-z][^<>]*>)*)</summary\s*>", re.IGNORECASE)
# A summary's opening tag alone on its line (after its `<details>` or not), its question on the lines below, up to a
# line that ends on `</summary>` (within 1,000 characters: a summary is a question, never a page)
_SUMMARY_OPENING = re.compile(r"(?:<details(?:\s[^<>]*)?>\s*)?<summary(?:\s[^<>]*)?>", re.IGNORECASE)
_SUMMARY_BELOW = re.compile(r"(?P<text>(?:[^<>]|</?(?!summary\b|details\b)[A-Za-z][^<>]{0,1000}>){1,1000}?)"
                            r"</summary\s*>[ \t]*(?=\r?\n|\Z)", re.IGNORECASE)
_DETAILS_CLOSING = re.compile(r"</details\s*>", re.IGNORECASE)
# What opens a tab, headed by its label: a component's tag (capitalized, as JSX writes components; an HTML element's
# `title`, `<img src="logo.png" title="Logo">`, is a tooltip over no content) with a label or a title (Docusaurus'
# and Starlight's `<TabItem value="linux" label="Linux">`, Mintlify's `<Tab title="...">`), which its closing tag
# ends; MkDocs' content tab (`=== "Linux"`) and collapsible block (`??? question "Do sessions survive?"`), which
# their content's indentation holds.
_OPENING_TAG = re.compile(r"<(?P<tag>[A-Za-z][\w.:-]*)(?P<attributes>(?:\s[^<>]*)?)>")
# GitBook's and Markdoc's tab (`{% tab title="Linux" %}`, `{% tab label="Linux" %}`), to `{% endtab %}` or `{% /tab %}`
_LIQUID_OPENING = re.compile(r"\{%-?[ \t]*(?P<tag>[\w-]+)(?P<attributes>(?:[ \t][^%]*)?)%\}")
_LABEL = re.compile(r"(?<![\w-])(?:label|title)=(?P<q>[\"'])(?P<text>[^\"']*)(?P=q)")
# A Liquid tag given a style is an admonition (GitBook's `{% hint style="info" %}` to its `{% endhint %}`, Markdoc's
# `{% callout type="note" %}` to its `{% /callout %}`): it holds its body, as `:::info` does
_STYLED = re.compile(r"(?<![\w-])(?:style|type)=")
# Docusaurus' tab without a label shows its value as its label (`<TabItem value="linux">`: "linux"), unless its
# `<Tabs values={[{label: 'Linux', value: 'linux'}]}>` gives the value a label (`markdown_tags.tab_values`), first
_VALUE = re.compile(r"(?<![\w-])value=(?P<q>[\"'])(?P<text>[^\"']*)(?P=q)")
# A Liquid tag's or a shortcode's name that holds tabs (`{% tabs %}`, Hugo's `{{< tabs "id" >}}`, Docsy's
# `{{< tabpane >}}`), its argument an id, never shown; the name of the tab it holds
_TAB_GROUPS = ("tabs", "tabpane")
_TAB_NAME = "tab"
_INDENTED_TAB = re.compile(r"(?:===\+?|(?:\?\?\?\+?|!!!)(?:[ \t]+[\w-]+)+)[ \t]+\"(?P<text>[^\"]*)\"")
# Admonition openers, their title quoted or after the kind (`!!! note "Precedence"`, `:::tip Astuce`), a tab's
# inside a paragraph; Docusaurus' and pandoc's `:::` closing.
_ADMONITION = re.compile(r"(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*(?:[ \t]+\"(?P<text>[^\"]*)\")?"
                         r"|===\+?[ \t]+\"(?P<tab>[^\"]*)\"")
# pandoc's fenced div gives its class in an attribute list (`::: {.note}`), Quarto's callout its title there too
# (`::: {.callout-tip title="Astuce"}`)
_COLON_FENCE = re.compile(r":{3,}[ \t]*(?:\{(?P<attributes>[^{}]*)\}|[\w-]+)?(?:\[(?P<bracket>[^\]]*)\])?"
                          r"(?:[ \t]+(?P<text>.*))?")
# GitHub's alerts (`> [!NOTE]`) and Obsidian's callouts, of any kind, folded (`-`) or not, titled or not.
# pymdownx.blocks' delimited blocks (`/// warning | Title`, `/// tab | Linux`, `/// details | Question ?`, to their
# `///`): an `html` block's argument is its element, no title.
_SLASH_FENCE = re.compile(r"/{3,}[ \t]*(?P<name>[\w-]+)(?:[ \t]*\|[ \t]*(?P<text>.*))?")
# What closes a fenced container, the innermost open of its kind
_FENCE_CLOSINGS = {":::": re.compile(r":{3,}"), "///": re.compile(r"/{3,}")}
_CALLOUT = re.compile(r">[ \t]*\[![A-Za-z][\w-]*\][+-]?(?:[ \t]+(?P<text>.*))?")
_OBSIDIAN_COMMENT = re.compile(r"%%.*%%")
# pymdownx.snippets' include line (`--8<-- "prerequis.md"`), or the marker around a block of file names: the site
# shows the file included there, never the line (`;--8<--` escapes it and is text).
_SNIPPET = re.compile(r"-{2,}8<-{2,}(?:[ \t]+(?:\"[^\"]*\"|'[^']*'))?")
# A thematic break (`---`, `* * *`, `___`), Notion's divider: a rule drawn, no text. Under a paragraph's line, `---`
# alone underlines a setext heading instead.
_BREAK = re.compile(r"(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,}")
# The times Notion stamps on a page, as its export writes them under the title (a date with its year).
_NOTION_TIMES = re.compile(r"(?:Created|Created time|Last edited time|Last edited):[ \t].*\d{4}.*")
_QUOTE = re.compile(r"(?:>[ \t]?)+")  # a block quote's markers, at a line's start
_LONE_IMAGE = re.compile(rf"!\[(?P<description>[^\]]*)\]\([^)]*\)(?:{ATTRIBUTES})?")  # alone on its line
_FILE_NAME = re.compile(r".*\.(?:png|jpe?g|gif|svg|webp|bmp|tiff?|heic|avif)", re.IGNORECASE)
# Shortcodes that embed what another site shows, or a value or an address (Hugo's `{{< youtube "w7Ft2ymGmfc" >}}`,
# `{{< gist user 1234 >}}`, `{{< ref "page.md" >}}`), their arguments ids, never text
_EMBEDS = ("youtube", "vimeo", "tweet", "x", "instagram", "gist", "param", "ref", "relref")
# A hint's or an alert's kind, its first argument (Hugo Book's `{{< hint "warning" >}}`, `{{% notice note %}}`): its
# style, never its title, as an admonition's kind (`!!! note`)
_KINDS = ("info", "warning", "danger", "tip", "note", "success", "important", "caution")
_KIND = re.compile(rf"[ \t]+(?P<q>[\"']?)(?:{'|'.join(_KINDS)})(?P=q)(?=[ \t]|$)")
_A_KIND = rf"(?:{'|'.join(_KINDS)})\""  # a kind, quoted: no label
_SHORTCODE = re.compile(r"\{\{[<%][ \t]*(?P<closing>/)?(?P<name>[\w-]+)(?P<arguments>(?:[ \t][^}]*)?)[>%]\}\}")
# A Hugo shortcode's label: its first argument quoted (`{{< tab "Windows" >}}`), or its second after a kind (`{{% notice
# note "Attention" %}}`), or named (`{{% tab name="macOS" %}}`, Docsy's `header=`, the Learn theme's `title=`)
_SHORTCODE_LABEL = re.compile(rf"(?:^(?:{_KIND.pattern})?[ \t]+\"(?!{_A_KIND})|[ \t](?:label|title|name|header)=\")"
                              r"(?P<text>[^\"]*)\"")
_FIRST_QUOTED = re.compile(r"[ \t]+\"(?P<text>[^\"]*)\"")  # a tab's label, whatever its word
# What a shortcode with named arguments shows, the first found: a figure's caption, else its title, else its alt
# text (`{{< figure src="flux.png" title="Le flux" >}}`: "Le flux", never its src); Hugo takes named or positional
# arguments, never both
_NAMED = re.compile(r"[ \t][\w-]+=")
_SHOWN = tuple(re.compile(rf"(?<![\w-]){name}=(?P<q>[\"'])(?P<text>[^\"']*)(?P=q)")
               for name in ("caption", "title", "alt"))
# A Jekyll include given its text (`{% include note.html content="Sauvegardez avant." %}`, the documentation theme's
# notes, tips and warnings), which the page shows
_INCLUDED = re.compile(r"\{%-?[ \t]*include[ \t][^%]*?(?<![\w-])content=(?:\"(?P<text>[^\"]*)\"|'(?P<quoted>[^']*)')"
                       r"[^%]*%\}")
_QUOTED = re.compile(r"\"(?P<text>[^\"]*)\"")
# A link reference definition (`[refunds]: ./refunds.md`): where a link leads, never shown (a footnote, `[^1]:`,
# is text).
_LINK_DEFINITION = re.compile(r"\[(?!\^)[^\]]+\]:[ \t]*\S+(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?")


def heading_text(heading: str) -> str:
    """A heading without the attribute list a site gives it (`Install {#install}` -> `Install`) and the icons
    Material draws in it (`:material-download: Install`, a tab's `=== ":simple-apple: macOS"`)."""
    return undrawn(heading)


def visible(line: Line, within: bool = False, holds: bool = True, alone: bool = False) -> Line | None:
    """What a site shows of a line outside code: the line itself, or the part of it a reader sees (an admonition's
    title, the text inside its element), or None (an import, a closing fence, tags, an alert's marker, a link's
    definition, a snippet include). A line `within` a paragraph (a line of text above it) is no import and no link's
    definition: MDX reads modules and CommonMark link definitions as blocks of their own, a paragraph's line as text. An
    admonition's marker without a title holds the lines indented below it (`holds`); without them, it is a line of prose
    opening on "!!!" ("!!! Ne jamais partager votre mot de passe"), which Markdown outside MkDocs shows. A link to
    another page alone in a list item or in a paragraph of its own (`alone`) is navigation, no text
    (`markdown_links.navigation`)."""
    text = line.text
    if not within and (_ESM.fullmatch(text) or _LINK_DEFINITION.fullmatch(text)):
        return None
    if any(pattern.fullmatch(text) for pattern in (_MDX_COMMENT, _OBSIDIAN_COMMENT, _NOTION_TIMES, _SNIPPET)):
        return None
    if _BREAK.fullmatch(text) and not (within and set(text) == {"-"}):
        return None
    if found := _CALLOUT.fullmatch(text):
        return _part(line, found, "text")
    if navigation(text, alone):
        return None
    if found := _LONE_IMAGE.fullmatch(text):
        return None if _FILE_NAME.fullmatch(found.group("description").strip()) else _part(line, found, "description")
    if found := _ADMONITION.fullmatch(text):
        return _part(line, found, "text", "tab") if holds or found.group("text") or found.group("tab") else line
    if found := _COLON_FENCE.fullmatch(text):
        titled = _LABEL.search(text, *found.span("attributes")) if found["attributes"] else None
        return _part(line, found, "text", "bracket") or _part(line, titled, "text")
    if found := _SLASH_FENCE.fullmatch(text):
        return _part(line, found if found["name"] != "html" else None, "text")
    if _FENCE_CLOSINGS["///"].fullmatch(text):
        return None
    if found := _SHORTCODE.fullmatch(text):
        return _part(line, _shown(text, found), "text")
    if found := _INCLUDED.fullmatch(text):
        return _part(line, found, "text", "quoted")
    if _TAGS.fullmatch(text):
        return None
    if (found := _ELEMENT.fullmatch(text)) and not outside_links(text):
        return _part(line, found, "text")
    return line


def unquoted(line: Line) -> Line | None:
    """A line of a block quote (a callout's too) without its markers ("> Reviewers answer within a day": "Reviewers
    answer within a day"), at its own offsets; None when nothing follows them."""
    found = _QUOTE.match(line.text)
    if found is None:
        return line
    kept = line.text[found.end():].strip()
    lead = line.start + found.end() + len(line.text[found.end():]) - len(line.text[found.end():].lstrip())
    return dataclasses.replace(line, text=kept, start=lead, end=lead + len(kept)) if kept else None


def opens_comment(line: str) -> bool:
    """Whether a line (stripped, outside code, opening a block) opens an Obsidian comment over several lines: `%%`
    not closed on its line, the comment running to the line that ends on `%%` (one closed on its line is
    `visible`'s)."""
    return line.startswith("%%") and not (len(line) > 3 and line.endswith("%%"))


def opens_module(line: str) -> bool:
    """Whether a line (stripped, at the margin, opening a block) opens an MDX module block, which runs to the next
    blank line and shows nothing: an export (`export const Highlight = ({children}) => (` over a component's lines),
    an import whose braces close lines below. A one-line import is `visible`'s."""
    return _MODULE.fullmatch(line) is not None


def _shown(text: str, found: re.Match[str]) -> re.Match[str] | None:
    """The argument a shortcode alone on its line (`found` in `text`) shows, its match's group "text", or None: for
    named arguments, a figure's caption, else its title, else its alt text, never its src; else its first argument
    quoted but a kind (`{{< tab "Windows" >}}`; `{{< hint "warning" >}}`: none); none of a group of tabs (`{{< tabs
    "uniqueid" >}}`: an id) or of an embed (`{{< youtube "w7Ft2ymGmfc" >}}`)."""
    span = found.span("arguments")
    if found["name"] in (*_TAB_GROUPS, *_EMBEDS):
        return None
    if _NAMED.search(text, *span):
        return next((shown for pattern in _SHOWN if (shown := pattern.search(text, *span))), None)
    return next((shown for shown in _QUOTED.finditer(text, *span) if shown["text"].strip() not in _KINDS), None)


def _part(line: Line, found: re.Match[str] | None, *groups: str) -> Line | None:
    """The first of `groups` matched with text, as a line at its own offsets; None if none has any."""
    for group in groups:
        if found is not None and (value := found.group(group)) and value.strip():
            lead = found.start(group) + len(value) - len(value.lstrip())
            kept = value.strip()
            return Line(kept, line.start + lead, line.start + lead + len(kept))
    return None


def tab(line: str, values: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """What ends the tab a line opens and its label, or None: `<TabItem value="linux" label="Linux">` is ended by
    `</TabItem>` ("TabItem", "Linux"); MkDocs' `=== "Linux"` and `??? question "..."` by the first line indented less
    than their content ("", "Linux"), as an admonition's title does (`!!! warning "Proxy"`; Docusaurus' `:::danger Keep
    your keys secret` to its `:::`, "Install › Keep your keys secret"); a disclosure's summary alone on its line
    (`<summary>Can I delete an invoice?</summary>`, after its `<details>` or not) by `</details>`, as the HTML reader
    reads it; an untitled admonition holds its content under no label (`!!! note`, indented: "", ""; `:::note` to
    its `:::`, which closes no titled one around it: ":::", ""); pymdownx.blocks' `/// tab | Linux` to its `///`
    ("///", "Linux"), as `/// warning | Proxy` and `/// details | Question ?`; GitBook's `{% tab title="Linux" %}`
    to its `{% endtab %}`, Markdoc's `{% tab label="Linux" %}` to its `{% /tab %}` ("{%tab", "Linux"), and a Liquid
    tag given a style, an admonition, its body under no label (GitBook's `{% hint style="info" %}` to its
    `{% endhint %}`: "{%hint", ""; Markdoc's `{% callout type="note" %}`, titled or not); Hugo's
    `{{< tab "Windows" >}}` to its `{{< /tab >}}` ("{{tab", "Windows"; `name=`, `title=`, `header=` too); a component
    without a label holds what its closing tag ends under no label (`<Tabs>`: "Tabs", "", its `</Tabs>` ending the
    tabs inside it; Docusaurus' `<TabItem value="linux">` shows its value: "TabItem", "linux", or the label its
    `<Tabs values={[...]}>` gives that value, first: `values`, from `tab_values`), and so does a group
    of Liquid or shortcode tabs (`{% tabs %}`: "{%tabs", ""; `{{< tabs "id" >}}`, Docsy's `{{< tabpane >}}`) and a
    hint whose first argument is its kind (`{{< hint "warning" >}}`: "{{hint", "", as `!!! warning`). A tab
    heads what it holds: "Install › Linux" over the command that installs on Linux, which says "curl", not "Linux".
    A summary longer than a heading heads nothing (`summary`)."""
    if (found := _SUMMARY.fullmatch(line)) and (question := undrawn(found.group("text")).strip()):
        return "details", summary(question)
    if (found := _OPENING_TAG.fullmatch(line)) and found.group("tag")[0].isupper() and \
            not found.group("attributes").endswith("/"):  # a component: an HTML element's title is a tooltip
        value = _VALUE.search(found["attributes"]) if found["tag"] == "TabItem" else None
        given = (values or {}).get(value["text"].strip(), "") if value else ""
        label = _LABEL.search(found["attributes"]) or value
        return found.group("tag"), given or (label.group("text").strip() if label else "")
    if (found := _LIQUID_OPENING.fullmatch(line)) and \
            (named := _labelled(found["tag"], _LABEL.search(found["attributes"]),
                                _STYLED.search(found["attributes"]) is not None)) is not None:
        return "{%" + found["tag"], named
    if (found := _SHORTCODE.fullmatch(line)) and not found["closing"] and \
            (named := _labelled(found["name"], *_shortcode_label(found["name"], found["arguments"]))) is not None:
        return "{{" + found["name"], named
    if (found := _INDENTED_TAB.fullmatch(line)) and found.group("text").strip():
        return "", found.group("text").strip()
    if _ADMONITION.fullmatch(line):  # untitled: it holds its indented content, under no label
        return "", ""
    if (found := _COLON_FENCE.fullmatch(line)) and not _FENCE_CLOSINGS[":::"].fullmatch(line):
        titled = _LABEL.search(found["attributes"] or "")
        return ":::", (found.group("text") or found.group("bracket") or (titled["text"] if titled else "")).strip()
    if found := _SLASH_FENCE.fullmatch(line):
        return "///", (found["text"] or "").strip() if found["name"] != "html" else ""
    return None


def _shortcode_label(name: str, arguments: str) -> tuple[re.Match[str] | None, bool]:
    """The label of a shortcode named `name` given `arguments`, its group "text", and whether its first argument is
    its kind (a hint's style, `{{< hint "warning" >}}`: no label); a tab's first argument is its label, whatever its
    word (`{{< tab "note" >}}`: "note", the tab of a note's format)."""
    if name == _TAB_NAME:
        return _SHORTCODE_LABEL.search(arguments) or _FIRST_QUOTED.match(arguments), False
    return _SHORTCODE_LABEL.search(arguments), _KIND.match(arguments) is not None


def _labelled(name: str, label: re.Match[str] | None, styled: bool = False) -> str | None:
    """The label of a Liquid tag or a shortcode named `name`, its `label` found: none ("") for a group of tabs, whose
    argument is an id, and for a hint given its kind (`styled`: a shortcode's first argument, a Liquid tag's `style=`);
    None, no container, for another without a label."""
    if name in _TAB_GROUPS:
        return ""
    return text if label and (text := label["text"].strip()) else "" if styled else None


def ended(containers: Sequence[tuple[str, int]], line: str, indent: int) -> int | None:
    """Which of the containers open (`tab`'s closing and, for an indented one, the column its content starts at),
    outermost first, a line (stripped, outside code, indented `indent` columns) ends, with those inside it; None if
    none: the outermost indented one its content's column is beyond, else the innermost whose closing tag it is (`:::`
    for a colon fence, `///` for a pymdownx block, `{% endtab %}` or `{% /tab %}` for a Liquid or Markdoc tab)."""
    for at, (closing, column) in enumerate(containers):
        if not closing and indent < column:
            return at
    for at in reversed(range(len(containers))):
        closing = containers[at][0]
        if closing and (_FENCE_CLOSINGS[closing].fullmatch(line) if closing in _FENCE_CLOSINGS else
                        re.fullmatch(rf"\{{%-?\s*(?:end|/){re.escape(closing[2:])}\s*-?%\}}", line)
                        if closing.startswith("{%") else
                        re.fullmatch(rf"\{{\{{[<%]\s*/{re.escape(closing[2:])}\s*[>%]\}}\}}", line)
                        if closing.startswith("{{") else re.fullmatch(rf"</{re.escape(closing)}\s*>", line)):
            return at
    return None


def holds_unclosed(closing: str) -> bool:
    """Whether a container of this kind (`tab`'s closing) its file never closes holds what follows it, to a heading at
    its margin, the next of its kind opening right inside it (its sibling) or the end of a container around it: a
    component (`<TabItem>`, its `</TabItem>` forgotten), a fenced or indented one, a Liquid or shortcode tab
    (`{% tab title="A" %}` then `{% tab title="B" %}`, in their `{% tabs %}` ... `{% endtabs %}`); not another Liquid
    tag or shortcode, which nothing closes and which holds nothing (`{% include image.html title="..." %}`,
    `{{< figure title="..." >}}`)."""
    return not closing.startswith(("{%", "{{")) or closing[2:] == _TAB_NAME


def summary(question: str) -> str:
    """A disclosure's summary as the heading of what it holds, or "" (it heads nothing, and is a line of text) when it
    is longer than a heading (`text.short_for_heading`, the bound a paragraph set in bold has: a summary wrapping a
    whole paragraph, `<summary><p>...</p></summary>`)."""
    return question if short_for_heading(question) else ""


def summary_below(text: str, line: str, end: int) -> tuple[str, int] | None:
    """The question of a summary the line (stripped, outside code) opens alone and a line below closes
    (`<summary>` over "Comment annuler ?" over `</summary>`), its lines joined, and where its closing line ends; None
    if the line opens none, or if no line closes it before a `</details>`, another summary or 1,000 characters."""
    if not _SUMMARY_OPENING.fullmatch(line) or (found := _SUMMARY_BELOW.match(text, end)) is None:
        return None
    return " ".join(undrawn(found["text"]).split()), found.end()


def container_cuts(line: str) -> list[int]:
    """Where a line that opens a disclosure on its summary and goes on is cut, each piece read as a line of its own:
    after the summary, and before the `</details>` that ends the line (`<details><summary>Q</summary>A</details>`:
    the summary heads "A", closed with it); and a line that is a labelled tab (`<TabItem value="l"
    label="Linux">curl x</TabItem>`), after its opening tag and before its closing one: it reads as on three lines,
    "Linux" over "curl x". None for any other line."""
    if (found := _OPENING_TAG.match(line, len(line) - len(line.lstrip()))) and \
            (cut := tab_closed(found[0], line[found.end():])):
        return [found.end(), found.end() + cut[0]]
    found = _SUMMARY.match(line, len(line) - len(line.lstrip()))
    if found is None or not line[found.end():].strip():
        return []
    rest = line.rstrip()
    closing = _DETAILS_CLOSING.search(rest, max(found.end(), rest.rfind("<")))
    return [found.end(), *([closing.start()] if closing and closing.end() == len(rest) and
                           closing.start() > found.end() else [])]


def tab_closed(opening: str, after: str) -> list[int]:
    """Where in `after`, what follows a component's opening tag (`opening`, on one line) on its line, the closing tag
    that ends that line starts, when the tag opens a labelled tab and text stands between them (`<TabItem
    label="Linux">` then `curl x</TabItem>`: [6]); none otherwise."""
    found, rest = _OPENING_TAG.fullmatch(opening), after.rstrip()
    if found is None or not (opened := tab(opening)) or not opened[1] or opened[0] != found["tag"] or \
            not rest.endswith(">"):
        return []
    closing = re.compile(rf"</{re.escape(found['tag'])}\s*>").match(rest, rest.rfind("</"))
    return [closing.start()] if closing and closing.end() == len(rest) and rest[:closing.start()].strip() else []


def left_open(containers: Sequence[tuple[str, int]], unclosed: Collection[int]) -> int | None:
    """Which of the containers open (`tab`'s closing and where each opens, outermost first) an ATX or setext heading
    ends, with those inside it: the outermost its file never closes (`unclosed`: where they open), after the innermost
    indented one, at whose margin the heading stands ("<summary>Can I delete?</summary>" with no `</details>`, then
    "## Billing": "Billing", not "Can I delete? › Billing" to the end of the file); None if none."""
    inner = max((at for at, (closing, _) in enumerate(containers) if not closing), default=-1)
    return next((at for at in range(inner + 1, len(containers)) if containers[at][1] in unclosed), None)


def unpublished(flags: Mapping[str, object]) -> str | None:
    """Why a page whose front matter holds these values is not published by its site, or None: Hugo's, Docusaurus'
    and Eleventy's `draft: true`, Jekyll's `published: false`."""
    if flags.get("draft") is True:
        return "a draft (draft: true in its front matter): the site does not publish it; remove the flag to index it"
    if flags.get("published") is False:
        return ("not published (published: false in its front matter): the site does not publish it; remove the "
                "flag to index it")
    return None


__all__ = ["container_cuts", "ended", "heading_text", "holds_unclosed", "left_open", "opens_comment", "opens_module",
           "summary", "summary_below", "tab", "tab_closed", "unpublished", "unquoted", "visible"]
