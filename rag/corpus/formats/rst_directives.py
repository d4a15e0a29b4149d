"""reStructuredText parsed by docutils into a doctree, with what Sphinx and its extensions add read permissively.

docutils knows its own directives and roles; a Sphinx site's pages use many more (`toctree`, `code-block` with
Sphinx's options, `versionadded`, `seealso`, `tab`, `automodule`, `py:function`, `:ref:`, `:doc:`, `:kbd:` ...),
which docutils reports as errors, their content kept only inside the error message. Here every directive docutils
does not know keeps its content, parsed as reStructuredText (its argument, such as a tab's label or a function's
signature, heading that content), a few are read as what Sphinx makes of them (code as literal text, a
version note as its sentence, a table of contents dropped), and every role docutils does not know is its text
("Text" of `:ref:`Text <target>``, the last name of `:func:`~pkg.mod.send``).

None of this changes docutils for anyone else: docutils' own way of adding directives and roles
(`directives.register_directive`, `roles.register_local_role`) writes to module-wide tables that every parse in the
process (and every thread) reads. Instead, the parser's state classes are subclasses whose `directive` method looks a
name up here first, and its inliner a subclass whose `interpreted` method falls back to the text; the directives that
would write those tables themselves (`role`, `default-role`) are dropped, as are those that read other files
(`include`, `literalinclude`, a `csv-table`'s `:file:`, refused by `file_insertion_enabled`) or pass markup through
(`raw`). Settings: no file read, no configuration file, no report printed or raised (`report_level` and `halt_level`
5, above docutils' highest level, 4).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes, utils
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Directive, Parser, directives, states

# Directives docutils knows and reads as wanted; any other name is read here (`_READ`) or kept (`_Kept`).
_STANDARD = frozenset({
    "attention", "caution", "danger", "error", "hint", "important", "note", "tip", "warning", "admonition",
    "sidebar", "topic", "line-block", "parsed-literal", "math", "rubric", "epigraph", "highlights", "pull-quote",
    "compound", "container", "table", "csv-table", "list-table", "image", "figure", "replace", "unicode", "date",
    "class", "title", "meta"})
# What a version note says before its text, as Sphinx's English pages word it.
VERSION_NOTES = {"versionadded": "New in version", "versionchanged": "Changed in version",
                 "deprecated": "Deprecated since version", "versionremoved": "Removed in version"}
# The roles docutils reads itself, by their English names (its others: `raw`, left out, and any a page defines with
# `.. role::`, a directive dropped here); the default role (`text` in single backquotes) is its title reference.
_ROLES = frozenset({"", "emphasis", "strong", "literal", "code", "math", "pep-reference", "pep", "rfc-reference", "rfc",
                    "subscript", "sub", "superscript", "sup", "title-reference", "title", "t", "abbreviation", "ab",
                    "acronym", "ac"})
MENU_SEPARATOR = " ‣ "  # between a menu's items, as Sphinx shows `:menuselection:`File --> Save``
_MAX_ROLE_TEXT = 1_000  # a role's text longer than this is shown as written: no title to find in it


class _AnyOptions(dict[str, Any]):
    """An option spec that takes every option, its value unchanged: an unknown option is no error to lose a block
    over (Sphinx's `code-block` has `:emphasize-lines:`, `:caption:`, `:dedent:`, which docutils' `code` has not)."""

    def __missing__(self, name: str) -> Any:
        return directives.unchanged

    def __bool__(self) -> bool:  # docutils reads options only where a directive's spec holds some
        return True


class _Kept(Directive):
    """A directive docutils does not know: its content parsed as reStructuredText in a `nodes.container`, under its
    argument (the rest of the directive's line and the lines up to a blank one or an option: a tab's label, a
    function's signature) as the container's `nodes.title`; an argument over no content is a paragraph
    (`.. seealso:: :func:`send``). Sections inside are sections (a tab's own headings)."""

    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = _AnyOptions()
    has_content = True

    def run(self) -> list[nodes.Node]:
        said = " ".join(self.arguments[0].split()) if self.arguments else ""
        return self.kept(said, nodes.title if self.content else nodes.paragraph)

    def kept(self, said: str, kind: type[nodes.TextElement]) -> list[nodes.Node]:
        """`said` (inline markup read) as the container's first child of `kind` (its source the argument's), the
        content after it."""
        node = nodes.container()
        node.line = self.lineno
        if said:
            inline, _ = self.state.inline_text(said, self.lineno)
            node += kind(self.arguments[0] if self.arguments else said, "", *inline)
            node[0].line = self.lineno
        if self.content:
            self.state.nested_parse(self.content, self.content_offset, node, match_titles=True)
        return [node]


class _Dropped(Directive):
    """A directive whose content is no text of the page (a table of contents, an index entry) or that reads another
    file: nothing."""

    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = _AnyOptions()
    has_content = True

    def run(self) -> list[nodes.Node]:
        return []


class _NotIncluded(_Dropped):
    """A directive that reads another file (`include`, `literalinclude`): nothing, the file's name (its argument)
    added to the document's `NOT_INCLUDED` list, for the ingest report to say what the page lacks."""

    def run(self) -> list[nodes.Node]:
        self.state.document.setdefault(NOT_INCLUDED, []).append(" ".join(self.arguments[0].split())
                                                                 if self.arguments else "")
        return []


NOT_INCLUDED = "rag_not_included"  # the document's attribute listing the files its include directives name


class _Literal(_Dropped):
    """Code (`code-block`, `sourcecode`, a diagram's source): its content as a literal block, as written, under its
    `:caption:` as a paragraph (Sphinx shows it over the code, inline markup read)."""

    def run(self) -> list[nodes.Node]:
        shown: list[nodes.Node] = []
        caption = " ".join(str(self.options.get("caption") or "").split())
        if caption:
            inline, _ = self.state.inline_text(caption, self.lineno)
            shown.append(nodes.paragraph(caption, "", *inline))
            at = next((n for n, line in enumerate(self.block_text.splitlines()) if ":caption:" in line), 0)
            shown[0].line = self.lineno + at
        code = "\n".join(self.content)
        if code.strip():
            shown.append(nodes.literal_block(code, code))
            shown[-1].line = self.content_offset + 1  # the first line of the code, 1-based
        return shown


class _Conditional(_Kept):
    """Content shown under a condition (`.. only:: html`, `.. ifconfig:: lang == 'fr'`): the content, the condition
    no title of it."""

    def run(self) -> list[nodes.Node]:
        return self.kept("", nodes.paragraph)


class _Version(_Kept):
    """Sphinx's version notes: "New in version 2.1: text", the text on the directive's lines and below; one naming
    no version (which Sphinx refuses) its text alone, no label without its version."""

    def run(self) -> list[nodes.Node]:
        if not self.arguments or not self.arguments[0].split():
            return self.kept("", nodes.paragraph)
        version, *said = self.arguments[0].split(None, 1)
        label = f"{VERSION_NOTES[self.name.lower()]} {version}"
        return self.kept(f"{label}: {' '.join(said[0].split())}" if said else f"{label}.", nodes.paragraph)


_LITERAL = ("code-block", "sourcecode", "code", "code-cell", "ipython", "jupyter-execute", "doctest", "testcode",
            "testoutput", "productionlist", "prompt", "mermaid", "graphviz", "digraph", "graph", "uml", "plantuml")
# Sphinx's tables of contents and index entries, its settings for what follows (highlighting, the current module,
# table columns), its authors' notes shown to no reader (`todo` unless a build asks), and what passes markup through
# (`raw`) or defines roles for the rest of the process (what includes other files is `_NotIncluded`)
_DROPPED = ("toctree", "raw", "role", "default-role", "index", "highlight", "currentmodule", "py:currentmodule",
            "tabularcolumns", "todo", "sectionauthor", "moduleauthor", "codeauthor", "autosummary", "testsetup",
            "testcleanup", "contents", "sectnum", "header", "footer", "target-notes", "rst-class", "cssclass")
_READ: dict[str, type[Directive]] = {**dict.fromkeys(_LITERAL, _Literal), **dict.fromkeys(_DROPPED, _Dropped),
                                     **dict.fromkeys(("include", "literalinclude"), _NotIncluded),
                                     **dict.fromkeys(VERSION_NOTES, _Version),
                                     **dict.fromkeys(("only", "ifconfig"), _Conditional)}


def _shown(role: str, text: str) -> str:
    """What Sphinx shows of a role's text: the title of `Title <target>`, a name without its `~` path, `!` or leading
    dots, a menu's items joined (`File --> Save`), a label without its accelerator's `&`. Linear in the text (no
    regex)."""
    text = utils.unescape(text)
    if len(text) <= _MAX_ROLE_TEXT and text.endswith(">") and (at := text.rfind("<")) > 0 and text[:at].strip():
        return " ".join(text[:at].split())  # `Titre <cible>`: what a reader sees is the title
    text = text.removeprefix("!")  # no link
    if text.startswith(".") and not text.lstrip(".").startswith("/"):  # a name looked up from the current module,
        text = text.lstrip(".")  # not a relative path (`:doc:`../install``)
    if text.startswith("~"):
        return text[1:].rsplit(".", 1)[-1]
    if role.endswith("menuselection"):
        return MENU_SEPARATOR.join(part.strip() for part in text.split("-->")).replace("&&", "\x00").replace(
            "&", "").replace("\x00", "&")
    if role.endswith("guilabel"):
        return text.replace("&&", "\x00").replace("&", "").replace("\x00", "&")
    return text


def _inliner() -> states.Inliner:
    """docutils' inline markup, with a role it does not know (Sphinx's `:ref:`, `:doc:`, `:class:`, `:kbd:` ...) read
    as the text Sphinx shows (`_shown`), and a `raw` one as nothing. Its `interpreted` method is replaced on the
    instance: docutils builds the inliner's patterns from its class's own attributes (`vars(self.__class__)`), which
    a subclass would not hold."""
    inliner = states.Inliner()
    standard = inliner.interpreted

    def interpreted(rawsource: str, text: str, role: str, lineno: int) -> tuple[list[nodes.Node], list[Any]]:
        name = (role or "").lower()
        if name == "raw" or name.startswith("raw-"):
            return [], []
        if name in _ROLES:
            return standard(rawsource, text, role, lineno)
        return [nodes.inline(rawsource, _shown(name, text))], []

    def parse(text: str, lineno: int, memo: Any, parent: Any) -> tuple[list[nodes.Node], list[Any]]:
        if len(text) > INLINE_LIMIT:  # as written: docutils reads inline markup in time quadratic in a block's size
            return [nodes.Text(text)], []
        return standard_parse(text, lineno, memo, parent)

    standard_parse = inliner.parse
    inliner.interpreted, inliner.parse = interpreted, parse
    return inliner


class _Lookup:
    """The directive lookup of every state class: `_READ` first, then docutils' own (`_STANDARD`), else `_Kept`.
    docutils calls its `directive` function straight from a table of constructs, never through the instance, but
    that function runs what it found through `run_directive`, and what it did not through `unknown_directive`: both
    are overridden. The state machines nested in a parse are made of these classes too (`nested_sm_kwargs`), each
    state keeping its own cache of them, never docutils' class-wide one."""

    def __init__(self, state_machine: Any, debug: bool = False) -> None:
        super().__init__(state_machine, debug)  # type: ignore[call-arg]
        self.nested_sm_kwargs = {"state_classes": STATE_CLASSES, "initial_state": "Body"}
        self.nested_sm_cache: list[Any] = []

    def run_directive(self, directive: Any, match: Any, type_name: str, option_presets: dict[str, Any]) -> Any:
        name = type_name.lower()
        chosen = _READ.get(name) or (directive if name in _STANDARD else _Kept)
        return super().run_directive(chosen, match, type_name, option_presets)  # type: ignore[misc]

    def unknown_directive(self, type_name: str) -> Any:
        match = _DIRECTIVE.match(self.state_machine.line)  # type: ignore[attr-defined]
        return self.run_directive(_Kept, match, type_name, {})


# The line that opens a directive, as docutils matches it (`Body.explicit.constructs`).
_DIRECTIVE = next(pattern for method, pattern in states.Body.explicit.constructs if method is states.Body.directive)
STATE_CLASSES = tuple(type(cls.__name__, (_Lookup, cls), {}) for cls in states.state_classes)


def doctree(text: str) -> nodes.document:
    """The doctree of `text`, parsed by docutils as this module's docstring says, no transform applied (the
    substitutions are the reader's: `document.substitution_defs`). Raises what docutils raises on input it
    cannot parse."""
    settings = get_default_settings(Parser)
    for name, value in (("report_level", 5), ("halt_level", 5), ("warning_stream", False),
                        ("file_insertion_enabled", False), ("raw_enabled", False), ("_disable_config", True),
                        ("syntax_highlight", "none"), ("line_length_limit", LINE_LIMIT),
                        ("character_level_inline_markup", False), ("pep_references", False),
                        ("rfc_references", False)):
        setattr(settings, name, value)
    document = utils.new_document("<rst>", settings)
    parser = Parser(inliner=_inliner())
    parser.state_classes = STATE_CLASSES
    parser.parse(text, document)
    return document


# A block of text (a paragraph, a title, a cell) longer than this is read as written, its inline markup left in:
# docutils reads a block's inline markup in time quadratic in its length (a paragraph of 1 MB set with `*a*` every few
# words took 28 s; of 10,000 characters, some 1,500 words, a few milliseconds).
INLINE_LIMIT = 10_000
LINE_LIMIT = 10_000  # docutils' own limit on a line's length: a longer line and it parses nothing (`parse_rst`)

__all__ = ["INLINE_LIMIT", "LINE_LIMIT", "MENU_SEPARATOR", "NOT_INCLUDED", "STATE_CLASSES", "VERSION_NOTES", "doctree"]
