"""What a slide holds besides its shapes' text, and what its parts are called: the speaker notes' heading in the deck's
language, a chart's title, series and categories, an equation's text."""

from __future__ import annotations

import io
import zipfile

import pytest

from rag.corpus.formats.odp import parse_odp
from rag.corpus.formats.pptx import parse_pptx
from tests.helpers.odt import zipped
from tests.unit.test_odp import frame, odp, page
from tests.unit.test_pptx import pptx, shape

_TITLE = 'type="title"'
_NOTES = 'type="body" idx="1"'


def _paths(sections: list) -> list[tuple[tuple[str, ...], str | None]]:
    return [(s.parents, s.heading) for s in sections]


def test_speaker_notes_are_headed_by_their_name_in_the_deck_s_language():
    """A German deck's notes stood under "Lieferzeiten › Notes", English in a German citation; PowerPoint and Impress
    call them "Notizen". A deck whose language cannot be told (a few words) keeps "Notes"."""
    german = (shape("Lieferzeiten", placeholder=_TITLE)
              + shape("Die Lieferung dauert in der Regel drei bis fünf Werktage, und sie ist ab einem Bestellwert "
                      "von 50 Euro für alle Kunden in Deutschland kostenlos.", placeholder='idx="1"'),
              shape("Sagen Sie den Kunden, dass sie die Sendung mit der Nummer aus der E-Mail verfolgen können, "
                    "wenn sie nach dem Stand ihrer Bestellung fragen.", placeholder=_NOTES))
    assert _paths(parse_pptx(pptx(german, title="Schulung")).sections) == [
        ((), "Lieferzeiten"), (("Lieferzeiten",), "Notizen")]
    short = (shape("Délais", placeholder=_TITLE) + shape("Sous 5 jours."), shape("Rappel.", placeholder=_NOTES))
    assert _paths(parse_pptx(pptx(short, title="Formation")).sections) == [((), "Délais"), (("Délais",), "Notes")]
    italian = page(1, frame("title", "Resi"), frame(None, "Il cliente può restituire il prodotto entro trenta giorni "
                                                   "dalla consegna, senza dover indicare il motivo del reso."),
                   notes=frame("notes", "Ricordate ai clienti che le spese di spedizione del reso sono a carico "
                                        "nostro quando il prodotto è difettoso."))
    assert _paths(parse_odp(odp(italian, title="Formazione")).sections) == [((), "Resi"), (("Resi",), "Note")]


_CHART_NS = ('xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
             'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"')


def _cache(*texts: str) -> str:
    return ("<c:strRef><c:f>Feuil1!$A$2</c:f><c:strCache>"
            + "".join(f'<c:pt idx="{n}"><c:v>{text}</c:v></c:pt>' for n, text in enumerate(texts))
            + "</c:strCache></c:strRef>")


def _series(name: str, *categories: str) -> str:
    return (f"<c:ser><c:idx val=\"0\"/><c:tx>{_cache(name)}</c:tx><c:cat>{_cache(*categories)}</c:cat>"
            '<c:val><c:numRef><c:numCache><c:pt idx="0"><c:v>120</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser>')


CHART = (f"<c:chartSpace {_CHART_NS}><c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>Tickets par canal"
         "</a:t></a:r></a:p></c:rich></c:tx></c:title><c:plotArea><c:barChart>"
         + _series("2024", "E-mail", "Téléphone") + _series("2025", "E-mail", "Téléphone", "Chat")
         + "</c:barChart><c:valAx><c:title><c:tx><c:rich><a:p><a:r><a:t>Nombre de tickets</a:t></a:r></a:p></c:rich>"
         "</c:tx></c:title></c:valAx></c:plotArea></c:chart></c:chartSpace>")
FRAME = ('<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="4" name="Graphique"/><p:cNvGraphicFramePr/><p:nvPr/>'
         '</p:nvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
         '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="rId5"/></a:graphicData>'
         "</a:graphic></p:graphicFrame>")


def _with_parts(data: bytes, parts: dict[str, str]) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return zipped({**{name: archive.read(name) for name in archive.namelist()}, **parts})


def _charted(slide: int = 2) -> dict[str, str]:
    return {"ppt/charts/chart1.xml": CHART, f"ppt/slides/_rels/slide{slide}.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId5" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart" '
        'Target="../charts/chart1.xml"/></Relationships>')}


def test_a_chart_s_title_axes_series_and_categories_are_lines_of_its_slide_its_values_beside_their_category():
    """A chart keeps its words in a part of its own (ppt/charts/chart1.xml): a slide showing "Tickets par canal" by
    year and channel said nothing of it. Its series are a legend's entries (list items), then a row for each category
    with its values named by their series; without values, its categories are one row."""
    deck = pptx(shape("Bilan", placeholder='type="ctrTitle"'), shape("Le support", placeholder=_TITLE) + FRAME)
    parsed = parse_pptx(_with_parts(deck, _charted()))
    assert [(s.heading, [(line.text, line.item) for line in s.lines]) for s in parsed.sections] == [
        ("Le support", [("Tickets par canal", False), ("Nombre de tickets", False), ("2024", True), ("2025", True),
                        ("E-mail | 2024: 120 | 2025: 120", True)])]
    bare = CHART.replace('<c:pt idx="0"><c:v>120</c:v></c:pt>', "")
    parsed = parse_pptx(_with_parts(deck, {**_charted(), "ppt/charts/chart1.xml": bare}))
    assert [line.text for line in parsed.sections[0].lines][-1] == "E-mail | Téléphone | Chat"


def test_a_chart_s_values_read_as_their_number_format_shows_them_by_their_point_s_index():
    """Values in a percent or a grouped format, categories that are dates, points listed out of order or missing:
    each value beside its own category, as the chart shows it. One series: its values unnamed."""
    def numbers(code: str, *points: tuple[int, str]) -> str:
        return (f"<c:numRef><c:numCache><c:formatCode>{code}</c:formatCode>"
                + "".join(f'<c:pt idx="{n}"><c:v>{v}</c:v></c:pt>' for n, v in points) + "</c:numCache></c:numRef>")

    pie = (f"<c:chartSpace {_CHART_NS}><c:chart><c:plotArea><c:pieChart><c:ser><c:tx>{_cache('Part')}</c:tx>"
           f"<c:cat>{_cache('E-mail', 'Téléphone', 'Chat')}</c:cat><c:val>"
           + numbers("0%", (2, "0.25"), (0, "0.42")) + "</c:val></c:ser></c:pieChart></c:plotArea></c:chart>"
           "</c:chartSpace>")
    months = (f"<c:chartSpace {_CHART_NS}><c:chart><c:plotArea><c:lineChart><c:ser><c:tx>{_cache('Tickets')}</c:tx>"
              "<c:cat>" + numbers("mm/yyyy", (0, "45658"), (1, "45689")) + "</c:cat><c:val>"
              + numbers("#,##0", (0, "1250"), (1, "980")) + "</c:val></c:ser></c:lineChart></c:plotArea></c:chart>"
              "</c:chartSpace>")
    deck = pptx(shape("Bilan", placeholder='type="ctrTitle"'), shape("Le support", placeholder=_TITLE) + FRAME)
    for chart, rows in ((pie, ["E-mail | 42%", "Chat | 25%"]), (months, ["2025-01-01 | 1,250", "2025-02-01 | 980"])):
        parsed = parse_pptx(_with_parts(deck, {**_charted(), "ppt/charts/chart1.xml": chart}))
        assert [(line.text, line.item) for line in parsed.sections[0].lines][1:] == [(row, True) for row in rows]
    twice = _with_parts(deck, {**_charted(), **_charted(1), "ppt/slides/slide1.xml": zipfile.ZipFile(
        io.BytesIO(deck)).read("ppt/slides/slide2.xml")})
    with pytest.raises(ValueError, match=r"^damaged \.pptx: its ppt/charts/chart1\.xml is listed twice"):
        parse_pptx(twice)  # one chart part read for each frame naming it: a small file of gigabytes


def test_a_chart_s_categories_of_several_levels_repeated_labels_and_1904_dates_are_read_as_the_chart_shows_them():
    """Quarters under years (`c:multiLvlStrCache`: the quarters first, each year at its group's first index) are
    labelled by both ("2024 T1"; the years were dropped, and "T1" rows merged two years' values); a label repeated
    along the axis keeps its own row; a chart whose dates count from 1904 reads them so."""
    def chart(categories: str, values: str, extra: str = "") -> str:
        return (f"<c:chartSpace {_CHART_NS}>{extra}<c:chart><c:plotArea><c:lineChart><c:ser><c:cat>{categories}"
                f"</c:cat><c:val><c:numLit>{values}</c:numLit></c:val></c:ser></c:lineChart></c:plotArea></c:chart>"
                "</c:chartSpace>")

    def pts(*texts: str) -> str:
        return "".join(f'<c:pt idx="{n}"><c:v>{t}</c:v></c:pt>' for n, t in enumerate(texts) if t)

    quarters = chart("<c:multiLvlStrRef><c:multiLvlStrCache><c:ptCount val=\"4\"/><c:lvl>" + pts("T1", "T2", "T1", "T2")
                     + "</c:lvl><c:lvl>" + pts("2024", "", "2025") + "</c:lvl></c:multiLvlStrCache></c:multiLvlStrRef>",
                     pts("10", "20", "30", "40"))
    months = chart("<c:strLit>" + pts("Jan", "Fév", "Jan") + "</c:strLit>", pts("5", "6", "7"))
    mac = chart("<c:numLit><c:formatCode>yyyy-mm-dd</c:formatCode>" + pts("45658") + "</c:numLit>", pts("3"),
                '<c:date1904 val="1"/>')
    deck = pptx(shape("Bilan", placeholder='type="ctrTitle"'), shape("Le support", placeholder=_TITLE) + FRAME)
    for part, rows in ((quarters, ["2024 T1 | 10", "2024 T2 | 20", "2025 T1 | 30", "2025 T2 | 40"]),
                       (months, ["Jan | 5", "Fév | 6", "Jan | 7"]), (mac, ["2029-01-02 | 3"])):
        parsed = parse_pptx(_with_parts(deck, {**_charted(), "ppt/charts/chart1.xml": part}))
        assert [line.text for line in parsed.sections[0].lines] == rows


def _numbers(tag: str, code: str, *values: str) -> str:
    return (f"<c:{tag}><c:numRef><c:f>Feuil1!$B$2:$B$4</c:f><c:numCache><c:formatCode>{code}</c:formatCode>"
            f'<c:ptCount val="{len(values)}"/>'
            + "".join(f'<c:pt idx="{n}"><c:v>{v}</c:v></c:pt>' for n, v in enumerate(values) if v)
            + f"</c:numCache></c:numRef></c:{tag}>")


def _value_axis(title: str) -> str:
    return (f"<c:valAx><c:axId val=\"1\"/><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>{title}</a:t></a:r></a:p>"
            "</c:rich></c:tx></c:title></c:valAx>")


def test_a_scatter_or_bubble_chart_s_points_are_rows_x_to_y_under_its_axes_titles():
    """A scatter chart's numbers are pairs (`c:xVal`, `c:yVal`), a bubble's a size besides (`c:bubbleSize`): neither
    has categories nor `c:val`, so the slide said its series' names and nothing of its points. A point without an x
    (no cache: the cells were never cached) says nothing and is left out, as a value without a category is."""
    scatter = (f"<c:chartSpace {_CHART_NS}><c:chart><c:title><c:tx><c:rich><a:p><a:r><a:t>Délai et satisfaction"
               "</a:t></a:r></a:p></c:rich></c:tx></c:title><c:plotArea><c:scatterChart><c:scatterStyle "
               'val="lineMarker"/>'
               + "".join(f"<c:ser><c:idx val=\"{n}\"/><c:tx>{_cache(name)}</c:tx>"
                         + _numbers("xVal", "General", *xs) + _numbers("yVal", "0.0", *ys) + "</c:ser>"
                         for n, (name, xs, ys) in enumerate((("Lyon", ("2", "5", "9"), ("4.5", "4.1", "3.2")),
                                                             ("Lille", ("3", "", "8"), ("4.4", "4", "3")))))
               + "</c:scatterChart>" + _value_axis("Délai (jours)") + _value_axis("Note sur 5")
               + "</c:plotArea></c:chart></c:chartSpace>")
    bubble = (f"<c:chartSpace {_CHART_NS}><c:chart><c:plotArea><c:bubbleChart><c:ser><c:tx>{_cache('Agences')}</c:tx>"
              + _numbers("xVal", "#,##0", "1200", "3400") + _numbers("yVal", "0%", "0.12", "0.3")
              + _numbers("bubbleSize", "General", "15", "40") + "</c:ser></c:bubbleChart></c:plotArea></c:chart>"
              "</c:chartSpace>")
    uncached = bubble.replace(_numbers("xVal", "#,##0", "1200", "3400"),
                              "<c:xVal><c:numRef><c:f>Feuil1!$A$2:$A$3</c:f></c:numRef></c:xVal>")
    deck = pptx(shape("Bilan", placeholder='type="ctrTitle"'), shape("Le support", placeholder=_TITLE) + FRAME)
    for chart, rows in ((scatter, [("Délai et satisfaction", False), ("Délai (jours)", False), ("Note sur 5", False),
                                   ("Lyon", True), ("Lille", True), ("Lyon | 2 → 4.5", True), ("Lyon | 5 → 4.1", True),
                                   ("Lyon | 9 → 3.2", True), ("Lille | 3 → 4.4", True), ("Lille | 8 → 3.0", True)]),
                        (bubble, [("Agences", True), ("1,200 → 12% (15)", True), ("3,400 → 30% (40)", True)]),
                        (uncached, [("Agences", True)])):
        parsed = parse_pptx(_with_parts(deck, {**_charted(), "ppt/charts/chart1.xml": chart}))
        assert [(line.text, line.item) for line in parsed.sections[0].lines] == rows


_MATH = ('xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
         'xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main"')


def _r(text: str) -> str:
    return f"<m:r><m:t>{text}</m:t></m:r>"


def test_an_equation_is_read_as_a_line_of_plain_text():
    """PowerPoint writes an equation (Insert › Equation) as Office Math in its paragraph, in the shape of an alternate
    content block whose fallback is its picture: the slide said nothing of it."""
    root = (f'<m:rad><m:radPr><m:degHide m:val="1"/></m:radPr><m:deg/><m:e><m:sSup><m:e>{_r("b")}</m:e><m:sup>'
            f'{_r("2")}</m:sup></m:sSup>{_r("−4ac")}</m:e></m:rad>')
    equation = (f"<m:oMathPara><m:oMath>{_r('x=')}<m:f><m:num>{_r('−b±')}{root}</m:num><m:den>{_r('2a')}</m:den>"
                f"</m:f></m:oMath></m:oMathPara>")
    paragraph = (f"<a:p><a:r><a:t>Racines : </a:t></a:r><a14:m {_MATH}>{equation}</a14:m></a:p>"
                 f"<a:p><a14:m {_MATH}><m:oMath><m:d><m:e>{_r('a+b')}</m:e></m:d>{_r('²')}</m:oMath></a14:m></a:p>")
    block = ('<mc:AlternateContent><mc:Choice xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main" '
             f'Requires="a14">{shape(paragraph)}</mc:Choice><mc:Fallback>{shape("image")}</mc:Fallback>'
             "</mc:AlternateContent>")
    parsed = parse_pptx(pptx(shape("Algèbre", placeholder=_TITLE) + block, title="Cours"))
    assert [line.text for line in parsed.sections[0].lines] == ["Racines : x=(−b±√(b^2−4ac))/(2a)", "(a+b)²"]
