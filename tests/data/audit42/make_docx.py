"""Writes pages/guide-voyageur-ferrovia.docx as a Word user types such a guide: every paragraph in the Normal style,
headings set apart only by bold runs (a larger size for the main ones), a numbered list in Word's List Number
style, bullets in List Bullet, two tables. No heading style, no title property.

    .venv/bin/python tests/data/audit42/make_docx.py
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.shared import Pt

OUT = Path(__file__).parent / "pages" / "guide-voyageur-ferrovia.docx"

# (kind, content): "h1" a bold 14 pt paragraph, "h2" a bold paragraph, "p" body text, "num" a List Number item,
# "bullet" a List Bullet item, "table" rows of cells (the first row bold)
BODY: list[tuple[str, object]] = [
    ("title", "Ferrovia Régions – Guide du voyageur"),
    ("p", "Édition 2025. Ce guide rassemble les informations utiles pour préparer votre voyage sur les trains régionaux "  # noqa: E501 (the document's text, as written)
          "Ferrovia : achat des billets, réductions, échanges et remboursements, bagages, animaux, retards et "
          "assistance. Les conditions de transport complètes sont disponibles en gare et sur ferrovia-regions.fr."),
    ("h1", "Acheter son billet"),
    ("h2", "Où acheter ?"),
    ("p", "Vous pouvez acheter votre billet sur le site ferrovia-regions.fr, dans l'application Ferrovia, aux "
          "distributeurs automatiques présents dans toutes les gares et aux guichets des gares principales. Les "
          "billets sont en vente jusqu'à 90 jours avant le départ."),
    ("p", "Dans les petites gares sans distributeur, vous pouvez acheter votre billet à bord auprès du contrôleur, "
          "au tarif normal, à condition d'aller le trouver dès votre montée dans le train. Si vous montez dans une "
          "gare équipée d'un distributeur ou d'un guichet ouvert sans billet, vous serez considéré comme voyageur "
          "sans titre de transport."),
    ("h2", "Le billet électronique"),
    ("p", "Le billet acheté en ligne est envoyé par courriel au format PDF et disponible dans l'application. Vous "
          "pouvez le présenter sur votre téléphone ou imprimé. Il est nominatif : le contrôleur peut vous demander "
          "une pièce d'identité. Un billet électronique n'a pas besoin d'être composté ; en revanche, un billet "
          "cartonné acheté au guichet ou au distributeur doit être validé au composteur avant de monter à bord."),
    ("h2", "Les tarifs"),
    ("p", "Trois tarifs sont proposés sur toutes les lignes :"),
    ("bullet", "Mini : le prix le plus bas, pour un train précis, ni échangeable ni remboursable ;"),
    ("bullet", "Standard : échangeable et remboursable avec une retenue, jusqu'à la veille du départ ;"),
    ("bullet", "Flex : échangeable et remboursable sans frais jusqu'au départ, et valable sur tout train de la "
               "journée sur le même trajet."),
    ("p", "Les enfants de moins de 4 ans voyagent gratuitement sans place attribuée, sur les genoux d'un adulte. De "
          "4 à 11 ans, ils bénéficient de 50 % de réduction sur le tarif Standard et sur le tarif Flex."),
    ("h1", "Les cartes de réduction"),
    ("p", "Les cartes de réduction sont valables un an à partir de la date choisie à l'achat. Elles sont "
          "nominatives et doivent être présentées, avec une pièce d'identité, lors du contrôle. La réduction "
          "s'applique aussi aux tarifs Standard et Flex des accompagnateurs indiqués ci-dessous."),
    ("table", [["Carte", "Pour qui", "Prix annuel", "Réduction"],
               ["Carte Jeune", "de 12 à 27 ans", "39 €", "30 % en semaine, 50 % le week-end"],
               ["Carte Avantage", "de 28 à 59 ans", "49 €", "30 % sur les allers-retours comprenant une nuit du samedi"],  # noqa: E501 (the document's text, as written)
               ["Carte Sénior", "60 ans et plus", "39 €", "30 % sur tous les trajets"],
               ["Carte Solidaire", "demandeurs d'emploi et bénéficiaires du RSA", "gratuite", "75 % sur tous les trajets"]]),  # noqa: E501 (the document's text, as written)
    ("p", "La Carte Solidaire est délivrée sur présentation d'une attestation de moins de trois mois de France "
          "Travail ou de la caisse d'allocations familiales. Elle est renouvelable chaque année sur présentation "
          "d'une nouvelle attestation. Une carte perdue peut être rééditée gratuitement dans votre compte client ou "
          "au guichet, une fois par an."),
    ("h1", "Échanger ou se faire rembourser"),
    ("p", "Les conditions dépendent du tarif de votre billet. Elles s'appliquent de la même façon à un billet acheté "
          "en ligne ou en gare."),
    ("table", [["Tarif", "Jusqu'à la veille du départ", "Le jour du départ", "Après le départ"],
               ["Mini", "non échangeable, non remboursable", "non échangeable, non remboursable", "aucun remboursement"],  # noqa: E501 (the document's text, as written)
               ["Standard", "sans frais", "retenue de 5 €", "aucun remboursement"],
               ["Flex", "sans frais", "sans frais", "sans frais jusqu'à 2 heures après le départ"]]),
    ("p", "Pour échanger ou annuler un billet acheté en ligne, rendez-vous dans la rubrique « Mes voyages » du site ou "
          "de l'application. Un billet acheté au guichet ou au distributeur s'échange ou se rembourse au guichet "
          "d'une gare Ferrovia. Le remboursement est effectué sur le moyen de paiement utilisé pour l'achat, sous "
          "sept jours ouvrés ; un billet payé en espèces est remboursé par virement, sur présentation d'un RIB."),
    ("p", "Si votre train est supprimé ou retardé de plus d'une heure au départ, vous pouvez renoncer à votre voyage "
          "et obtenir le remboursement intégral de votre billet, quel que soit son tarif, y compris un billet Mini."),
    ("h1", "Retards et indemnisation"),
    ("p", "Lorsque votre train arrive à destination avec un retard de 30 minutes ou plus, vous avez droit à une "
          "compensation, calculée sur le prix du trajet concerné :"),
    ("table", [["Retard à l'arrivée", "Compensation"],
               ["de 30 à 59 minutes", "25 % du prix du billet"],
               ["de 60 à 119 minutes", "50 % du prix du billet"],
               ["120 minutes ou plus", "75 % du prix du billet"]]),
    ("p", "La compensation est versée en bon d'achat, valable un an sur tous les trains Ferrovia, ou par virement si "
          "vous le demandez. Elle n'est pas due si le retard est dû à des circonstances exceptionnelles, comme des "
          "conditions météorologiques extrêmes, ou à une personne présente sur la voie, ni lorsque le retard vous a "
          "été annoncé avant l'achat de votre billet. Les abonnés mensuels et annuels bénéficient d'un dispositif "
          "propre, décrit dans les conditions de leur abonnement."),
    ("p", "Pour demander votre compensation :"),
    ("num", "Connectez-vous à votre compte sur ferrovia-regions.fr, rubrique « Après mon voyage »."),
    ("num", "Sélectionnez le voyage concerné, ou saisissez la référence de votre billet s'il a été acheté en gare."),
    ("num", "Joignez une photo du billet cartonné, le cas échéant, et indiquez vos coordonnées bancaires si vous "
            "préférez un virement."),
    ("num", "Validez la demande : vous recevez une réponse par courriel sous quinze jours."),
    ("p", "La demande doit être déposée au plus tard deux mois après la date du voyage. Si vous manquez une "
          "correspondance Ferrovia à cause du retard d'un premier train, vous êtes placé sans supplément dans le "
          "train suivant ; si le dernier train de la journée est parti, Ferrovia prend en charge une nuit d'hôtel ou "
          "un taxi jusqu'à votre destination finale, dans la limite de 80 €."),
    ("h1", "Bagages, vélos et animaux"),
    ("h2", "Bagages"),
    ("p", "Chaque voyageur peut emporter gratuitement deux bagages et un bagage à main, qui doivent être étiquetés à "
          "son nom et placés dans les espaces prévus. Les objets dangereux, les bouteilles de gaz et les produits "
          "inflammables sont interdits à bord. Les bagages laissés sans surveillance peuvent être détruits par les "
          "services de sécurité."),
    ("h2", "Vélos"),
    ("p", "Les vélos non démontés sont acceptés gratuitement à bord de tous les trains régionaux, dans la limite des "
          "emplacements disponibles, sauf du lundi au vendredi de 7 h à 9 h et de 17 h à 19 h sur les lignes "
          "périurbaines, où ils ne sont pas admis. Un vélo plié ou démonté et rangé dans une housse de 120 × 90 cm "
          "au plus est considéré comme un bagage. Les trottinettes électriques pliées sont admises comme bagage à "
          "main ; les gyropodes et les monoroues ne sont pas acceptés."),
    ("h2", "Animaux"),
    ("p", "Les petits animaux de moins de 6 kg voyagent dans un sac ou un panier fermé d'au plus 45 × 30 × 25 cm, "
          "posé sur vos genoux ou à vos pieds, moyennant un billet à 7 € quel que soit le trajet. Les chiens de "
          "plus de 6 kg voyagent tenus en laisse et muselés, avec un billet au demi-tarif du tarif Standard de "
          "seconde classe. Les chiens guides d'aveugle et d'assistance voyagent gratuitement, sans muselière."),
    ("h1", "Voyager avec un handicap ou à mobilité réduite"),
    ("p", "Le service Ferrovia Accès accompagne gratuitement les personnes en situation de handicap et les "
          "personnes à mobilité réduite, de l'entrée de la gare jusqu'à leur place dans le train, puis à "
          "l'arrivée. Réservez l'assistance au plus tard 24 heures avant le départ, par téléphone au 09 70 82 41 41 "
          "(appel non surtaxé, tous les jours de 7 h à 21 h) ou en ligne. Les gares où le service est assuré sont "
          "indiquées sur le site."),
    ("p", "Les titulaires de la carte mobilité inclusion portant la mention « invalidité » bénéficient de 50 % de "
          "réduction sur le tarif Standard, et leur accompagnateur voyage gratuitement lorsque la mention « besoin "
          "d'accompagnement » figure sur la carte. Les fauteuils roulants sont admis dans les espaces réservés, "
          "signalés par un pictogramme sur la porte de la voiture."),
    ("h1", "À bord et en gare"),
    ("h2", "Le contrôle"),
    ("p", "Vous devez présenter un titre de transport valable à toute demande des contrôleurs. Un voyageur sans "
          "billet, ou avec un billet non valable, doit régulariser sa situation : il paie le prix du trajet au "
          "tarif normal majoré d'une indemnité forfaitaire de 50 €. Si vous pouvez payer immédiatement, cette "
          "indemnité est ramenée à 25 €. Un billet électronique que vous ne pouvez pas présenter parce que votre "
          "téléphone est déchargé est traité comme une absence de billet ; vous pouvez toutefois obtenir "
          "l'annulation de l'indemnité en présentant votre billet dans les sept jours au guichet d'une gare."),
    ("p", "Si vous ne payez pas sur place, un procès-verbal vous est remis. Vous disposez de deux mois pour le payer "
          "ou le contester par écrit auprès du service Recouvrement ; au-delà, le dossier est transmis au Trésor "
          "public et le montant est majoré."),
    ("h2", "Objets trouvés"),
    ("p", "Vous avez oublié un objet dans un train ou en gare ? Déclarez la perte en ligne, rubrique « Objets "
          "perdus », en décrivant l'objet, le train et la date. Les objets retrouvés sont conservés 30 jours dans la "
          "gare de terminus de la ligne, puis remis au service des objets trouvés de la commune. Les papiers "
          "d'identité sont remis à la gendarmerie ou au commissariat le plus proche. Un objet retrouvé vous est "
          "restitué au guichet sur présentation d'une pièce d'identité, ou envoyé à domicile contre des frais de "
          "port de 12 €."),
    ("h2", "Wi-Fi et restauration"),
    ("p", "Les trains de nouvelle génération offrent un accès Wi-Fi gratuit, limité à 200 Mo par voyage, et des "
          "prises électriques à chaque rangée de sièges. Aucun service de restauration n'est assuré à bord des "
          "trains régionaux ; les distributeurs de boissons des gares principales sont accessibles de 6 h à 22 h."),
    ("h1", "Nous contacter"),
    ("p", "Le service Relation Client répond du lundi au samedi de 8 h à 20 h au 09 70 82 40 40 (appel non surtaxé) "
          "et par le formulaire en ligne. Pour une réclamation écrite, joignez une copie de votre billet ; la "
          "réponse vous parvient sous un mois. Si elle ne vous satisfait pas, ou en l'absence de réponse dans ce "
          "délai, vous pouvez saisir gratuitement le Médiateur du voyage, en ligne, dans un délai d'un an à compter "
          "de votre réclamation."),
]


def main() -> None:
    document = docx.Document()  # no title property: most guides have none
    for kind, content in BODY:
        if kind == "table":
            rows = content
            assert isinstance(rows, list)
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = value
                    if r == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            continue
        assert isinstance(content, str)
        style = {"num": "List Number", "bullet": "List Bullet"}.get(kind, "Normal")
        paragraph = document.add_paragraph(style=style)
        run = paragraph.add_run(content)
        if kind in ("title", "h1", "h2"):
            run.bold = True
            run.font.size = Pt({"title": 18, "h1": 14, "h2": 11}[kind])
    document.save(OUT)


if __name__ == "__main__":
    main()
