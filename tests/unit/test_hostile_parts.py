"""Stop 56's review: notes, merged cells, charts and footers whose reading grew faster than the file (hours, or
gigabytes, from a few kilobytes), and two readings that lost what a plain page holds."""

from __future__ import annotations

import io
import time
import zipfile
from xml.etree import ElementTree

import docx

from rag.corpus.formats.charts import chart_lines
from rag.corpus.formats.docx import parse_docx
from rag.corpus.formats.html import parse_html
from rag.corpus.formats.odt import parse_odt
from rag.corpus.formats.text import parse_text
from tests.helpers.odt import odt, zipped
from tests.helpers.timing import grows_linearly
from tests.helpers.word import with_part
from tests.unit.test_slide_parts import _CHART_NS


def _nested_notes(depth: int) -> bytes:
    inner = "x"
    for i in range(depth):
        inner = (f'<text:note text:id="n{i}" text:note-class="footnote"><text:note-citation>{i}</text:note-citation>'
                 f"<text:note-body><text:p>n{i}{inner}</text:p></text:note-body></text:note>")
    return odt(f"<text:p>Corps{inner}</text:p>")


def test_an_odt_note_within_a_note_is_read_once():
    # each note's body was walked with the notes within it, which their citations read again: twice a level
    text = parse_odt(_nested_notes(18)).text
    assert text.count("n0") == 1 and text.count("n17") == 1


def test_an_odt_cell_merged_down_is_repeated_within_the_file_s_size():
    # a 100 KB cell spanning 2,000 rows gave 200 MB of text from a 3 KB file
    rows, cell = 2000, "mot " * 25_000
    data = odt(f'<table:table><table:table-row><table:table-cell table:number-rows-spanned="{rows + 1}"><text:p>'
               f"{cell}</text:p></table:table-cell></table:table-row>"
               + "<table:table-row><table:covered-table-cell/></table:table-row>" * rows + "</table:table>")
    assert len(data) < 5000
    assert len(parse_odt(data).text) < 10 * len(cell)
    # a short label merged down is still on each row (audit 56: "Décès")
    small = odt('<table:table><table:table-row><table:table-cell table:number-rows-spanned="2"><text:p>Décès</text:p>'
                "</table:table-cell><table:table-cell><text:p>d'un enfant</text:p></table:table-cell></table:table-row>"
                "<table:table-row><table:covered-table-cell/><table:table-cell><text:p>d'un parent</text:p>"
                "</table:table-cell></table:table-row></table:table>")
    assert "Décès | d'un parent" in parse_odt(small).text


def _word_parts(note: str) -> dict[str, bytes]:
    document = docx.Document()
    document.add_paragraph("x")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(with_part(buffer.getvalue(), "footnotes", {"1": note}))) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_a_word_note_cited_many_times_is_read_once():
    parts = _word_parts("Une note de bas de page.")
    references = '<w:r><w:footnoteReference w:id="1"/></w:r>' * 500
    body = parts["word/document.xml"].decode()
    parts["word/document.xml"] = body.replace("<w:t>x</w:t></w:r>", "<w:t>x</w:t></w:r>" + references, 1).encode()
    assert parse_docx(zipped(parts, zipfile.ZIP_DEFLATED)).text.count("Une note de bas de page.") == 1


def test_a_word_notes_part_related_many_times_is_read_once():
    parts = _word_parts("Une note.")
    related = parts["word/_rels/document.xml.rels"].decode()
    extra = "".join(f'<Relationship Id="rX{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/footnotes" Target="footnotes.xml"/>' for i in range(200))
    parts["word/_rels/document.xml.rels"] = related.replace("</Relationships>", extra + "</Relationships>").encode()
    parts["word/footnotes.xml"] = parts["word/footnotes.xml"].replace(b"</w:footnotes>", b"".join(
        b'<w:footnote w:id="%d"><w:p><w:r><w:t>n</w:t></w:r></w:p></w:footnote>' % i for i in range(2, 20_000))
        + b"</w:footnotes>")
    data = zipped(parts, zipfile.ZIP_DEFLATED)
    started = time.thread_time()
    parse_docx(data)
    once = time.thread_time() - started
    parts["word/_rels/document.xml.rels"] = related.encode()
    started = time.thread_time()
    parse_docx(zipped(parts, zipfile.ZIP_DEFLATED))
    assert once < 5 * (time.thread_time() - started) + 0.1  # 200 parses of the part took some 50 times one


def test_a_chart_s_names_are_read_once_each_in_linear_time():
    def chart(n: int) -> ElementTree.Element:
        series = "".join(f"<c:ser><c:tx><c:v>s{i}</c:v></c:tx></c:ser>" for i in range(n))
        return ElementTree.fromstring(f"<c:chartSpace {_CHART_NS}><c:chart><c:plotArea><c:barChart>{series}"
                                      "</c:barChart></c:plotArea></c:chart></c:chartSpace>")

    charts = {n: chart(n) for n in (2000, 8000)}
    assert all(len(chart_lines(c, lambda p: "")) == n for n, c in charts.items())
    assert grows_linearly(lambda n: chart_lines(charts[n], lambda p: ""), 2000)  # a list's `in` made it sixteen
    nested = ElementTree.fromstring(
        f"<c:chartSpace {_CHART_NS}><c:chart><c:plotArea><c:barChart><c:ser><c:tx><c:strRef><c:strCache><c:strCache>"
        "<c:pt><c:v>Ventes</c:v></c:pt></c:strCache></c:strCache></c:strRef></c:tx></c:ser></c:barChart></c:plotArea>"
        "</c:chart></c:chartSpace>")
    assert chart_lines(nested, lambda p: "") == [("Ventes", True)]


def test_a_chart_s_values_are_read_once_each_in_linear_time_and_their_text_bounded_by_the_part_s():
    """Each point is read once and each category's row grows by its own values only: series whose categories differ
    (none in common) cost their points, not series times categories. A series' long name, an outer category's long
    label or a long format code is not copied beside each value: 1,000 points of a 100,000-character name made
    100 million characters of a 47 KB file."""
    def points(texts: list[str], first: int = 0) -> str:
        return "".join(f'<c:pt idx="{first + k}"><c:v>{text}</c:v></c:pt>' for k, text in enumerate(texts))

    def chart(series: str) -> ElementTree.Element:
        return ElementTree.fromstring(f"<c:chartSpace {_CHART_NS}><c:chart><c:plotArea><c:barChart>{series}"
                                      "</c:barChart></c:plotArea></c:chart></c:chartSpace>")

    def disjoint(n: int) -> ElementTree.Element:
        return chart("".join(
            f"<c:ser><c:tx><c:v>s{i}</c:v></c:tx><c:cat><c:strLit>{points([f'c{i}-{k}' for k in range(20)], 20 * i)}"
            f"</c:strLit></c:cat><c:val><c:numLit><c:formatCode>0.0%</c:formatCode>"
            f"{points([str(k / 100) for k in range(20)], 20 * i)}</c:numLit></c:val></c:ser>" for i in range(n)))

    charts = {n: disjoint(n) for n in (200, 800)}
    assert chart_lines(charts[200], lambda p: "")[200 + 21] == ("c1-1 | s1: 1.0%", True)
    assert grows_linearly(lambda n: chart_lines(charts[n], lambda p: ""), 200)
    many = 1000
    labels, values = points([f"c{k}" for k in range(many)]), points(["1"] * many)
    quoted = '"' + "x" * 100_000 + '"'  # a format code's literal text
    for series in (f"<c:ser><c:tx><c:v>{'n' * 100_000}</c:v></c:tx><c:cat><c:strLit>{labels}</c:strLit></c:cat>"
                   f"<c:val><c:numLit>{values}</c:numLit></c:val></c:ser>" * 2,
                   f"<c:ser><c:cat><c:strLit>{labels}</c:strLit></c:cat><c:val><c:numLit><c:formatCode>"
                   f"{quoted}0</c:formatCode>{values}</c:numLit></c:val></c:ser>",
                   f"<c:ser><c:cat><c:multiLvlStrCache><c:lvl>{labels}</c:lvl><c:lvl><c:pt idx=\"0\"><c:v>"
                   f"{'y' * 100_000}</c:v></c:pt></c:lvl></c:multiLvlStrCache></c:cat><c:val><c:numLit>{values}"
                   "</c:numLit></c:val></c:ser>"):
        size = len(series)
        assert sum(len(text) for text, _ in chart_lines(chart(series), lambda p: "")) < 2 * size


_FOOTER = ("<footer><h3>Boutique Martin</h3><p>12 rue des Lilas, 69003 Lyon</p>"
           "<p>Ouvert du mardi au samedi, 9 h – 19 h</p></footer>")


def test_a_product_list_item_left_open_does_not_hold_the_site_footer():
    # HTML lets `</li>` out: the component it opened held the rest of the page, and the footer was not the site's
    page = ("<html><body><main><h1>Nos thés</h1><p>Des thés choisis chez les producteurs, torréfiés ici.</p>"
            '<ul class="products"><li class="product">Thé vert<li class="product">Thé noir</ul></main>'
            f"{_FOOTER}</body></html>")
    last = parse_html(page).sections[-1]
    assert (last.heading, [line.text for line in last.lines]) == (
        "Boutique Martin", ["12 rue des Lilas, 69003 Lyon", "Ouvert du mardi au samedi, 9 h – 19 h"])


def test_many_footer_facts_are_read_in_linear_time():
    pages = {n: "<html><body><main><h1>Agences</h1><p>Nos agences.</p></main><footer>" + "".join(
        f"<p>Agence {i} : 0{i:09d}</p>" for i in range(n)) + "</footer></body></html>" for n in (1500, 6000)}
    assert grows_linearly(lambda n: parse_html(pages[n]), 1500)


def test_a_long_numbered_title_over_a_sentence_stays_a_heading_in_wrapped_text():
    paragraph = ("Le présent contrat est conclu entre la société et le client pour une durée\n"
                 "indéterminée, sous réserve des conditions prévues au présent document et\n"
                 "dans ses annexes, que le client déclare avoir lues et acceptées sans réserve.\n")
    text = ("CONDITIONS GÉNÉRALES\n\n1. Objet\n\n" + paragraph + "\n"
            "1.1 Champ d'application des présentes conditions générales de vente\n" + paragraph + "\n"
            "1.2 Durée\n" + paragraph)
    headings = [section.heading for section in parse_text(text).sections]
    assert "Champ d'application des présentes conditions générales de vente" in headings


def test_a_scatter_chart_s_points_are_read_once_each_in_linear_time_their_text_bounded_by_the_part_s():
    """A scatter series' points cost their own: a declared count of a billion points, indexes of nine digits, and a
    long name beside each point (written once, as a legend's entry) read as the points there are."""
    def points(n: int, first: int = 0) -> str:
        return "".join(f'<c:pt idx="{first + k}"><c:v>{k}</c:v></c:pt>' for k in range(n))

    def chart(series: str) -> ElementTree.Element:
        return ElementTree.fromstring(f"<c:chartSpace {_CHART_NS}><c:chart><c:plotArea><c:scatterChart>{series}"
                                      "</c:scatterChart></c:plotArea></c:chart></c:chartSpace>")

    def scatter(n: int, name: str = "s", first: int = 0) -> str:
        return "".join(f"<c:ser><c:tx><c:v>{name}{i}</c:v></c:tx><c:xVal><c:numLit><c:ptCount val=\"999999999\"/>"
                       f"{points(20, first)}</c:numLit></c:xVal><c:yVal><c:numLit>{points(20, first)}</c:numLit>"
                       "</c:yVal></c:ser>" for i in range(n))

    charts = {n: chart(scatter(n)) for n in (200, 800)}
    assert chart_lines(charts[200], lambda p: "")[200 + 21] == ("s1 | 1 → 1", True)
    assert grows_linearly(lambda n: chart_lines(charts[n], lambda p: ""), 200)
    assert chart_lines(chart(scatter(1, first=999_999_980)), lambda p: "")[-1] == ("19 → 19", True)
    long = scatter(2, "n" * 100_000)
    assert sum(len(text) for text, _ in chart_lines(chart(long), lambda p: "")) < 2 * len(long)
