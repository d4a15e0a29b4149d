"""Writes `formation-support.pptx`, the PowerPoint deck the .pptx tests read (tests/unit/test_pptx.py), with
python-pptx (its default template: the slide masters, layouts and theme PowerPoint writes). Not a dependency of rag:
run it with a Python that has `pip install python-pptx`, from this folder; the deck is committed, so tests need none.

    python make_decks.py
"""

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

deck = Presentation()
deck.core_properties.title = "Formation support : remboursements et litiges"

slide = deck.slides.add_slide(deck.slide_layouts[0])  # title slide
slide.shapes.title.text = "Formation support : remboursements et litiges"
slide.placeholders[1].text = "Équipe service client — mise à jour de mars 2025"

slide = deck.slides.add_slide(deck.slide_layouts[1])  # title and content
slide.shapes.title.text = "Délais de remboursement"
body = slide.placeholders[1].text_frame
body.text = "Carte bancaire : remboursé sous 5 jours ouvrés après la réception du retour"
for text, level in (("Le délai court à partir du scan du colis à l'entrepôt", 1),
                    ("Virement : sous 3 jours ouvrés", 0),
                    ("Bon d'achat : immédiat, valable 12 mois", 0)):
    paragraph = body.add_paragraph()
    paragraph.text, paragraph.level = text, level
slide.notes_slide.notes_text_frame.text = ("Rappeler au client qu'un remboursement par carte peut apparaître "
                                           "sur son relevé jusqu'à 3 jours après notre virement.")

slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
slide.shapes.title.text = "Frais de retour par transporteur"
rows = [("Transporteur", "Délai de dépôt", "Frais"), ("Colissimo", "14 jours", "Gratuit"),
        ("Mondial Relay", "14 jours", "3,90 €"), ("Chronopost", "7 jours", "8,50 €")]
table = slide.shapes.add_table(len(rows), 3, Inches(0.5), Inches(1.5), Inches(9), Inches(2)).table
for r, row in enumerate(rows):
    for c, value in enumerate(row):
        table.cell(r, c).text = value

slide = deck.slides.add_slide(deck.slide_layouts[1])
slide.shapes.title.text = "Ancienne procédure de litige (obsolète)"
slide.placeholders[1].text = "Envoyer le formulaire papier L-12 par courrier au service juridique"
slide._element.set("show", "0")  # hidden: PowerPoint skips it in a show

slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank: a text box, no title
box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(8), Inches(2)).text_frame
box.text = "Un litige ouvert bloque le remboursement jusqu'à sa clôture."
box.add_paragraph().text = "Le client reçoit un e-mail à chaque étape."

slide = deck.slides.add_slide(deck.slide_layouts[5])
slide.shapes.title.text = "Ouvrir un litige pour un colis perdu"
group = slide.shapes.add_group_shape()
for n, step in enumerate(("Vérifier le suivi du transporteur", "Attendre 48 heures après la date prévue",
                          "Ouvrir le litige depuis la fiche commande")):
    frame = group.shapes.add_textbox(Inches(0.5 + 3 * n), Inches(2), Inches(2.8), Inches(1.5)).text_frame
    frame.text = f"Étape {n + 1}"
    frame.paragraphs[0].runs[0].font.size = Pt(20)
    frame.add_paragraph().text = step

slide = deck.slides.add_slide(deck.slide_layouts[5])  # a chart: its words in a part of its own (ppt/charts/)
slide.shapes.title.text = "Bilan des litiges"
data = CategoryChartData()
data.categories = ["Colissimo", "Mondial Relay", "Chronopost"]
data.add_series("2024", (42, 31, 12))
data.add_series("2025", (35, 24, 9))
chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1.5), Inches(8), Inches(5),
                               data).chart
chart.has_title = True
chart.chart_title.text_frame.text = "Litiges ouverts par transporteur"
chart.value_axis.has_title = True
chart.value_axis.axis_title.text_frame.text = "Nombre de litiges"

# PowerPoint's sections (named groups of slides; python-pptx writes none): presentation.xml's extension list
P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
ids = [slide.slide_id for slide in deck.slides]
extensions = etree.SubElement(deck.part._element, qn("p:extLst"))
extension = etree.SubElement(extensions, qn("p:ext"), uri="{521415D9-36F7-43E2-AB2F-B90AF26B5E84}")
groups = etree.SubElement(extension, f"{{{P14}}}sectionLst", nsmap={"p14": P14})
for n, (name, slides) in enumerate((("Introduction", ids[:1]), ("Remboursements", ids[1:3]), ("Litiges", ids[3:]))):
    group = etree.SubElement(groups, f"{{{P14}}}section", name=name, id=f"{{6A1E2B3C-0000-4000-8000-00000000000{n}}}")
    listed = etree.SubElement(group, f"{{{P14}}}sldIdLst")
    for slide_id in slides:
        etree.SubElement(listed, f"{{{P14}}}sldId", id=str(slide_id))

deck.save("formation-support.pptx")
