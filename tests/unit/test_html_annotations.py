"""A ruby's readings and a printed book's page numbers are no words of a page's sentences (`html_annotations`): read
from an `.html` page and from an `.epub` chapter, each block's offsets still citing its element in the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.corpus.formats.base import heading_path
from rag.corpus.formats.epub import parse_epub
from rag.corpus.formats.html import parse_html
from rag.corpus.reader import read_document
from tests.helpers.timing import grows_linearly
from tests.unit.test_epub import _book

HTML = '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>Guide</title></head><body>{}</body></html>'


def _read(tmp_path: Path, body: str, kind: str) -> list[tuple[str | None, str]]:
    """The headings and lines of `body` read as an `.html` page or as an `.epub`'s one chapter; checks that each line's
    offsets delimit its element in the file's text: its characters stand in order in what that span holds."""
    if kind == ".html":
        (tmp_path / "guide.html").write_text(HTML.format(body), encoding="utf-8")
    else:
        (tmp_path / "guide.epub").write_bytes(_book([("c1", "c1.xhtml")], {"OEBPS/c1.xhtml": body}))
    document = read_document(tmp_path, tmp_path / f"guide{kind}")
    lines = []
    for section in document.sections:
        for line in section.lines:
            span = iter(re.sub(r"<[^>]*>", "", document.text[line.start:line.end]))
            assert all(character in span for character in line.text.replace(" ", "")), line
            assert document.text.startswith("<", line.start), line
            lines.append((section.heading.rpartition(" › ")[2] if section.heading else None, line.text))
    return lines


@pytest.fixture(params=[".html", ".epub"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_a_ruby_reads_as_its_base_its_readings_left_out(tmp_path, kind):
    body = ('<p>Livré à <ruby>東京<rp>(</rp><rt>とうきょう</rt><rp>)</rp></ruby> en deux jours.</p>'
            '<p><ruby>漢<rt>かん</rt>字<rt>じ</rt></ruby>を読む。</p>')
    assert [text for _, text in _read(tmp_path, body, kind)] == ["Livré à 東京 en deux jours.", "漢字を読む。"]


def test_readings_left_open_end_as_html_ends_them_and_the_paragraphs_after_are_read(tmp_path):
    # `</rt>` and `</rp>` are optional: a reading ends at the next one, at `</ruby>`, at its paragraph's end, or at a
    # block's start (the standard library's parser closes nothing itself)
    body = ('<p><ruby>漢<rt>かん<rt>じ</ruby>字を読む。</p><p>Deuxième paragraphe.</p>'
            '<p><ruby>東<rp>(<rt>とう<rp>)</ruby>京</p><p>Troisième paragraphe.</p>'
            '<p><ruby>約<rt>やく</p><p>Quatrième paragraphe.</p>'
            '<div><ruby>規<rt>き<p>Cinquième paragraphe.</p></div><p>Sixième paragraphe.</p>')
    assert [text for _, text in _read(tmp_path, body, ".html")] == [
        "漢字を読む。", "Deuxième paragraphe.", "東京", "Troisième paragraphe.", "約", "Quatrième paragraphe.", "規",
        "Cinquième paragraphe.", "Sixième paragraphe."]


def test_nested_rubies_and_annotation_containers_read_as_their_bases(tmp_path, kind):
    body = ('<p><ruby><ruby>東<rt>とう</rt>京<rt>きょう</rt></ruby><rt>Tōkyō</rt></ruby> est loin.</p>'
            '<p><ruby><rb>漢</rb><rb>字</rb><rtc><rt>かん</rt><rt>じ</rt></rtc><rtc>kanji</rtc></ruby> se lit.</p>'
            '<p>Un <ruby>mot<rt><span>lu</span> <em>ainsi</em></rt></ruby> annoté.</p>')
    assert [text for _, text in _read(tmp_path, body, kind)] == ["東京 est loin.", "漢字 se lit.", "Un mot annoté."]


def test_a_ruby_in_a_heading_heads_with_its_base(tmp_path, kind):
    body = '<h2><ruby>利<rt>り</rt>用<rt>よう</rt>規<rt>き</rt>約<rt>やく</rt></ruby></h2><p>本文です。</p>'
    assert _read(tmp_path, body, kind) == [("利用規約", "本文です。")]


def test_printed_page_numbers_are_no_text(tmp_path, kind):
    body = ('<p>Le contrat<span epub:type="pagebreak" title="12" id="page12">12</span> est signé.</p>'
            '<p>La clause<span role="doc-pagebreak" aria-label="13" id="p13"></span> suit.</p>'
            '<p>Le bail<span epub:type="pagebreak" title="14" id="page14"/> est conclu.</p>'
            '<p>Fin du chapitre.</p><div role="doc-pagebreak" id="p15">15</div><p>Suite du texte.</p>'
            '<p>Un renvoi<a epub:type="z3998:pagebreak" id="p16">16</a> ici.</p>')
    assert [text for _, text in _read(tmp_path, body, kind)] == [
        "Le contrat est signé.", "La clause suit.", "Le bail est conclu.", "Fin du chapitre.", "Suite du texte.",
        "Un renvoi ici."]


def test_a_page_break_left_open_ends_at_its_paragraph_end(tmp_path):
    # a page number whose end tag is missing ends with the paragraph it stands in: the next ones are read
    body = '<p>Le contrat<span role="doc-pagebreak">12</p><p>Suite du texte.</p><div><p>Fin.</p></div>'
    assert [text for _, text in _read(tmp_path, body, ".html")] == ["Le contrat", "Suite du texte.", "Fin."]


def test_a_reading_nested_deep_is_read_in_linear_time():
    pages = {n: "<p><ruby>漢<rt>" + "<span>かん" * n + "</span>" * n + "</p><p>Suite.</p>" for n in (1500, 6000)}
    assert [line.text for s in parse_html(pages[1500]).sections for line in s.lines][-1] == "Suite."
    assert grows_linearly(lambda n: parse_html(pages[n]), 1500)


def test_a_chapter_titled_in_ruby_is_named_by_its_contents_entry_without_its_readings():
    # the nav's label is read as the chapter's heading is: its base alone, so that the two name one chapter
    nav = ('<nav epub:type="toc"><ol><li><span><ruby>第<rt>だい</rt>一<rt>いち</rt>部<rt>ぶ</rt></ruby></span><ol><li>'
           '<a href="c1.xhtml"><ruby>規<rt>き</rt>約<rt>やく</rt></ruby><span epub:type="pagebreak">3</span></a>'
           '</li></ol></li></ol></nav>')
    files = {"OEBPS/nav.xhtml": nav, "OEBPS/c1.xhtml": "<h1><ruby>規<rt>き</rt>約<rt>やく</rt></ruby></h1><h2>第一条"
                                                      "</h2><p>本文です。</p>"}
    parsed = parse_epub(_book([("nav", "nav.xhtml"), ("c1", "c1.xhtml")], files))
    assert [heading_path(section, parsed.title or "") for section in parsed.sections] == ["第一部 › 規約 › 第一条"]


def test_a_page_break_around_blocks_keeps_the_main_content_after_it():
    # its `</div>` was taken for the end of `<div role="main">`: the main's paragraphs after it were lost
    words = " ".join(f"Phrase {k} du guide." for k in range(40))
    page = ('<html><body><nav><a href="/">Accueil</a></nav><div role="main"><h1>Guide</h1><div role="doc-pagebreak" '
            f'id="p1"><p>{words}</p></div><p>Le remboursement prend 14 jours.</p></div></body></html>')
    assert [line.text for s in parse_html(page).sections for line in s.lines][-1] == "Le remboursement prend 14 jours."


def test_a_page_breaks_words_are_read_unless_they_are_its_number(tmp_path, kind):
    # a wrapper around loose text or spans, a break left open in a paragraph: words, read; a roman numeral, a label
    cases = {'<div role="doc-pagebreak" id="p1">Texte libre du chapitre.</div>': "Texte libre du chapitre.",
             '<div epub:type="pagebreak" id="p2"><span>Un.</span> <span>Deux.</span></div>': "Un. Deux.",
             '<p>Début<span role="doc-pagebreak" id="p3"> du paragraphe entier.</p>': "Début du paragraphe entier.",
             '<p>Avant<span epub:type="pagebreak" title="xii" id="p4">xii</span> après.</p>': "Avant après.",
             '<p>Ici<span role="doc-pagebreak" aria-label="Page A-3" id="p5">Page A-3</span> là.</p>': "Ici là."}
    assert [text for _, text in _read(tmp_path, "".join(cases), kind)] == list(cases.values())


def test_a_page_break_leaves_out_no_word_of_the_letters_of_roman_numerals(tmp_path, kind):
    # "Did", "I", "mix" are words of the text: a roman numeral is a label only as the break's first text, where the
    # break names no page of its own; a break naming one leaves out only that name or digits
    cases = {'<p>Avant. <span role="doc-pagebreak" aria-label="5" id="p1"><b>Did</b> you pay?</p>':
             "Avant. Did you pay?",
             '<p><span epub:type="pagebreak" id="p2"><em>I</em> did it.</span></p>': "I did it.",
             '<p>Un <span role="doc-pagebreak" title="7" id="p3">mix</span> de tout.</p>': "Un mix de tout.",
             '<p>Fin<span role="doc-pagebreak" id="p4">iv</span> du texte.</p>': "Fin du texte."}
    assert [text for _, text in _read(tmp_path, "".join(cases), kind)] == list(cases.values())


def test_a_page_break_on_a_line_break_still_breaks_the_line(tmp_path, kind):
    body = '<p>fin de page<br role="doc-pagebreak" id="p1"/>page suivante</p>'
    assert [text for _, text in _read(tmp_path, body, kind)] == ["fin de page page suivante"]


def test_a_reading_outside_any_ruby_is_text(tmp_path):
    # browsers show an <rt> with no <ruby> around it inline
    body = '<p>Bonjour <rt>le monde</rt> encore.</p><p>Suite.</p>'
    assert [text for _, text in _read(tmp_path, body, ".html")] == ["Bonjour le monde encore.", "Suite."]
