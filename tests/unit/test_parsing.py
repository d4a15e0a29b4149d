from rag.corpus.formats.html import parse_html
from rag.corpus.formats.markdown import parse_markdown
from rag.corpus.formats.text import parse_text
from tests.helpers.paths import CORPUS

FAQ = (CORPUS / "sequra-faq-marchands.txt").read_text(encoding="utf-8")
ARTICLE = (CORPUS / "secu-debi-plateforme.txt").read_text(encoding="utf-8")
LEGEND = ["Versions Compared", "Key", "This line was added.", "This line was removed.", "Formatting was changed."]


def _all_text(parsed):
    return [s.heading or "" for s in parsed.sections] + [line.text for s in parsed.sections for line in s.lines]


def test_diff_legend_and_elisions_never_reach_the_text():
    for text in _all_text(parse_text(FAQ)):
        assert not any(legend in text for legend in LEGEND), text
        assert text.strip() not in {"...", "…"}


def test_questions_split_by_elisions_are_joined():
    headings = [s.heading for s in parse_text(FAQ).sections]
    assert "Après avoir effectué l’achat, pourquoi avons-nous essayé de joindre votre client ?" in headings
    assert any(h and h.endswith("acceptés ?") and h.startswith("Quel document") for h in headings)


def test_faq_answers_sit_under_their_question():
    sections = {s.heading: s for s in parse_text(FAQ).sections}
    refund = sections["Quand est-ce que vous allez procéder au remboursement ?"]
    assert any("délai de 5 jours" in line.text for line in refund.lines)


def test_article_title_lines_become_sections():
    headings = [s.heading for s in parse_text(ARTICLE).sections]
    assert headings == [None, "Service client et désabonnement", "Sécurisation des transactions"]


def test_offsets_point_at_the_lines():
    for source in (FAQ, ARTICLE):
        for section in parse_text(source).sections:
            for line in section.lines:
                assert source[line.start:line.end] == line.text


def test_markdown_headings_and_front_matter():
    text = "---\ntitle: Guide\nurl: https://example.org/guide\n---\n# Intro\nHello there.\n## Retours\nSous 14 jours.\n"
    parsed = parse_markdown(text)
    assert parsed.title == "Guide" and parsed.url == "https://example.org/guide"
    assert [(s.heading, [line.text for line in s.lines]) for s in parsed.sections] == [
        ("Intro", ["Hello there."]), ("Retours", ["Sous 14 jours."])]


def test_html_keeps_headings_drops_scripts():
    html = ("<html><head><title>Aide</title><script>var x = 1;</script></head><body>"
            "<h2>Livraison</h2><p>Sous <b>48 h</b> &amp; gratuite.</p><script>evil()</script>"
            "<ul><li>France</li><li>Belgique</li></ul></body></html>")
    parsed = parse_html(html)
    assert parsed.title == "Aide"
    (section,) = parsed.sections
    assert section.heading == "Livraison"
    assert [line.text for line in section.lines] == ["Sous 48 h & gratuite.", "France", "Belgique"]
    first = section.lines[0]
    assert html[first.start:first.end] == "<p>Sous <b>48 h</b> &amp; gratuite.</p>"
