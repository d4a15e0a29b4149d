"""What corpus text may carry to a reader: only http, https and mailto addresses become links, at ingest (with
the reason reported) and when served (a build made before the check)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.corpus.reader import read_corpus
from rag.sanitize import for_terminal, url_refusal
from rag.schemas import Citation, DocumentSummary
from rag.search.answer import markdown

HOSTILE = ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html;base64,PHNjcmlwdD4=",
           "java\tscript:alert(1)", "vbscript:msgbox", "file:///etc/passwd", "\u202ehttps://example.org",
           "/relative/page", "https:///no-host", "https://example.org/<script>"]


@pytest.mark.parametrize("url", HOSTILE)
def test_only_absolute_http_https_and_mailto_addresses_are_links(url):
    assert url_refusal(url) is not None
    citation = Citation(doc_id="d", title="T", source="d.md", section=None, start=0, end=1, url=url, label="T")
    assert citation.url is None and "](" not in markdown("x", citation, [])
    assert DocumentSummary(doc_id="d", title="T", source="d.md", url=url, passages=1).url is None


@pytest.mark.parametrize("url", ["https://example.org/guide?q=1#top", "http://localhost:8000/a(b)",
                                 "mailto:support@example.org"])
def test_ordinary_addresses_stay_links(url):
    assert url_refusal(url) is None
    citation = Citation(doc_id="d", title="T", source="d.md", section=None, start=0, end=1, url=url, label="T")
    assert citation.url == url and f"[T](<{url}>)" in markdown("x", citation, [])


def test_ingest_refuses_other_schemes_from_every_source_of_urls_and_says_why(tmp_path: Path):
    (tmp_path / "front.md").write_text("---\ntitle: Front\nurl: javascript:alert(1)\n---\n# A\nTexte.\n")
    (tmp_path / "page.html").write_text('<html><head><title>Page</title><link rel="canonical" '
                                        'href="data:text/html;base64,PHNjcmlwdD4="></head><body><p>Texte.</p>'
                                        "</body></html>")
    (tmp_path / "listed.txt").write_text("Texte.\n")
    (tmp_path / "good.md").write_text("---\nurl: https://example.org/good\n---\nTexte.\n")
    (tmp_path / "sources.toml").write_text('["listed.txt"]\nurl = "vbscript:msgbox"\n')
    corpus = read_corpus(tmp_path)
    urls = {d.source: d.url for d in corpus.documents}
    assert urls == {"front.md": None, "page.html": None, "listed.txt": None, "good.md": "https://example.org/good"}
    changes = {d.source: d.changes for d in corpus.documents}
    assert changes["front.md"] == ["url 'javascript:alert(1)' left out: scheme javascript: is not one of http, "
                                   "https, mailto"]
    assert "scheme data:" in changes["page.html"][0] and "scheme vbscript:" in changes["listed.txt"][0]
    assert changes["good.md"] == []


ESC = "\x1b[2J\x1b]0;owned\x07"  # clear the screen, set the window title


def test_control_characters_are_blanked_at_ingest_one_for_one_and_reported(tmp_path: Path):
    body = f"---\ntitle: Titre{ESC}\n---\n# Section{ESC}\nLes retours{ESC} sont acceptés.\x9b31m\n"
    (tmp_path / "doc.md").write_text(body)
    (tmp_path / "page.html").write_text("<html><head><title>Page</title></head><body><h1>T\x1b[31m</h1>"
                                        "<p>Texte\x9b2J ici.</p></body></html>")  # character references are safe
    (doc, page) = read_corpus(tmp_path).documents
    assert len(doc.text) == len(body)  # offsets into the file stay right
    indexed = [doc.title, page.title] + [s.heading or "" for d in (doc, page) for s in d.sections] + \
              [line.text for d in (doc, page) for s in d.sections for line in s.lines]
    assert not any(ch in text for text in [*indexed, doc.text] for ch in "\x1b\x07\x9b")
    assert doc.title == "Titre [2J ]0;owned " and "Les retours [2J ]0;owned  sont acceptés. 31m" in doc.text
    assert all(line.text in doc.text[line.start:line.end] for s in doc.sections for line in s.lines)
    assert doc.changes == ["10 control characters (terminal escape sequences?) replaced by spaces"]
    assert page.changes == ["2 control characters (terminal escape sequences?) replaced by spaces"]


def test_answer_markdown_of_an_older_build_carries_no_control_characters():
    text = f"Une phrase{ESC} ici."
    citation = Citation(doc_id="d", title="T", source="d.md", section=None, start=0, end=len(text), label="T")
    rendered = markdown(text, citation, [])
    assert "\x1b" not in rendered and "\x07" not in rendered and "Une phrase" in rendered


def test_the_command_line_shows_bidirectional_controls_escaped_and_right_to_left_letters_as_they_are():
    """A file named "invoice\u202egpj.exe" was printed raw in `rag ingest`'s report, where a terminal shows it reversed,
    "invoiceexe.jpg" (the operator audit of stop 47): the explicit bidirectional controls are shown as escapes, as
    control characters are. Arabic and Hebrew text needs none of them and prints as it is."""
    assert for_terminal("invoice\u202egpj.exe") == "invoice\\u202egpj.exe"
    assert for_terminal("\u2067x\u2069 \u202ay\u202c") == "\\u2067x\\u2069 \\u202ay\\u202c"
    assert for_terminal("سياسة الإرجاع – מדיניות החזרות") == "سياسة الإرجاع – מדיניות החזרות"
    assert for_terminal("a\x1b[2Jb\tc") == "a\\x1b[2Jb\tc"  # as before
