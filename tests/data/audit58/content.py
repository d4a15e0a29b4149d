"""The text of audit 58's three documents (Brennec Menuiserie, a fictional joinery of Rennes), as blocks that
`make_pages.py` writes in each exporter's HTML: ("title"|"subtitle"|"h1"|"h2"|"bold"|"p", text), ("ol"|"ul", items; an
item a text or a list of sub-items), ("table", rows). In a text, `[[fn:TEXT]]` is a footnote at that place and
`[[a:URL|TEXT]]` a link."""

from __future__ import annotations

CSE = [
    ("title", "Guide du CSE 2025"),
    ("subtitle", "Comité social et économique de Brennec Menuiserie"),
    ("h1", "1. Qui sommes-nous ?"),
    ("p", "Le comité social et économique (CSE) représente les salariés de Brennec Menuiserie auprès de la direction. "
          "Il compte cinq élus titulaires et cinq suppléants, élus pour quatre ans en mars 2023. La secrétaire du "
          "CSE est Maëlle Guénan (atelier) et le trésorier Yann Le Floch (bureau d’études)."),
    ("p", "Les élus tiennent une permanence le jeudi de 12 h 30 à 14 h dans le local du CSE, bâtiment B, à côté du "
          "réfectoire. En dehors de la permanence, on peut laisser un mot dans la boîte aux lettres du local."),
    ("h1", "2. Activités sociales et culturelles"),
    ("p", "Le budget des activités sociales et culturelles est de 1,2 % de la masse salariale brute. Il finance les "
          "prestations ci-dessous, ouvertes à tous les bénéficiaires définis au point 3.2."),
    ("bold", "Chèques-vacances"),
    ("p", "Le CSE abonde les chèques-vacances ANCV à hauteur de 30 % de l’épargne du salarié, dans la limite de "
          "300 € par an. L’épargne se constitue sur 4 à 12 mois par prélèvement sur le salaire ; les inscriptions "
          "ont lieu en janvier, pour une remise des chèques en juin."),
    ("bold", "Billetterie"),
    ("p", "Le CSE vend des places de cinéma CGR à 6,50 € au lieu de 11 €, dans la limite de dix places par mois et "
          "par salarié. Les entrées au Puy du Fou et à l’Aquarium de Saint-Malo sont remises de 40 %. Les "
          "commandes se font par le formulaire de l’intranet ; les billets se retirent au local le jeudi."),
    ("bold", "Rentrée scolaire"),
    ("p", "Une allocation de rentrée de 60 € par enfant scolarisé de 3 à 18 ans est versée sur la paie de "
          "septembre[[fn:Sur justificatif de scolarité pour les enfants de plus de 16 ans, à remettre avant le "
          "15 octobre.]]. Pour un étudiant de moins de 25 ans, elle est portée à 100 €."),
    ("bold", "Prêts et secours"),
    ("p", "Un salarié qui fait face à une dépense imprévue (réparation de véhicule, décès d’un proche) peut "
          "demander un prêt sans intérêt de 1 500 € au plus, remboursable sur dix mois par retenue sur salaire. "
          "La demande se fait sous pli fermé au trésorier ; la commission sociale l’examine dans la semaine et "
          "la réponse reste confidentielle."),
    ("bold", "Noël"),
    ("p", "Chaque salarié reçoit en décembre un bon cadeau de 80 €, et 40 € par enfant jusqu’à 12 ans. L’arbre de "
          "Noël a lieu le deuxième samedi de décembre à la salle des fêtes de Saint-Grégoire."),
    ("h1", "3. Comment bénéficier des aides"),
    ("p", "Les aides soumises au quotient familial (séjours d’enfants, centres de loisirs, activités sportives) "
          "se demandent ainsi :"),
    ("ol", ["Créer son compte sur la plateforme Kalidea avec son matricule de paie.",
            "Déposer les justificatifs (dernier avis d’imposition, livret de famille) avant le 31 mars.",
            "Le CSE valide le dossier sous 15 jours ouvrés.",
            "Le remboursement est versé par virement sous 30 jours après la validation."]),
    ("h2", "3.1 Quotient familial"),
    ("p", "La part que le CSE prend en charge dépend du quotient familial[[fn:Le quotient familial est le revenu "
          "fiscal de référence divisé par le nombre de parts, puis par douze.]] :"),
    ("table", [["Quotient familial mensuel", "Prise en charge par le CSE"],
               ["inférieur à 800 €", "70 %"],
               ["de 800 € à 1 400 €", "50 %"],
               ["supérieur à 1 400 €", "30 %"]]),
    ("p", "La prise en charge est plafonnée à 450 € par enfant et par an, toutes activités confondues."),
    ("h2", "3.2 Qui peut en bénéficier ?"),
    ("ul", ["les salariés en CDI ;",
            "les salariés en CDD ayant au moins trois mois d’ancienneté ;",
            "les apprentis et les alternants ;",
            "leurs ayants droit :",
            ["le conjoint, partenaire de PACS ou concubin ;",
             "les enfants à charge jusqu’à 25 ans."]]),
    ("p", "Les stagiaires et les intérimaires n’y ont pas droit."),
    ("h1", "4. Le rôle économique du CSE"),
    ("p", "Le CSE est consulté chaque année sur les orientations stratégiques de l’entreprise, sur sa situation "
          "économique et financière et sur sa politique sociale. Il est informé avant toute réorganisation de "
          "l’atelier ou changement d’horaires collectifs."),
    ("p", "La réunion plénière a lieu chaque mois, le premier mardi, à 9 h. Son compte rendu est affiché sur le "
          "panneau du réfectoire et publié sur l’intranet dans les huit jours."),
    ("h1", "5. Réclamations et contact"),
    ("p", "Une question individuelle (paie, horaires, congés) peut être portée par un élu à la réunion mensuelle :"),
    ("ul", ["elle est transmise aux élus au moins trois jours ouvrés avant la réunion ;",
            "la direction y répond par écrit dans les six jours suivant la réunion ;",
            "la réponse est consignée dans le registre des réclamations, consultable au local."]),
    ("p", "Le CSE se joint par e-mail à cse@brennec-menuiserie.fr ou au poste 214."),
    ("h1", "6. Budget et comptes"),
    ("p", "Le CSE dispose de deux budgets distincts : le budget de fonctionnement (0,2 % de la masse salariale "
          "brute), qui paie les formations des élus et l’expert-comptable, et le budget des activités sociales et "
          "culturelles. Les comptes annuels sont présentés en réunion plénière en mai et tenus à la disposition "
          "des salariés au local du CSE."),
]

ACCUEIL = [
    ("title", "Livret d’accueil des nouveaux salariés"),
    ("h1", "Bienvenue chez Brennec"),
    ("p", "Brennec Menuiserie, fondée en 1987 à Saint-Grégoire, près de Rennes, fabrique et pose des escaliers, "
          "des portes et des agencements sur mesure. L’entreprise compte 62 salariés répartis entre l’atelier, le "
          "bureau d’études et les équipes de pose. Ce livret rassemble ce qu’il faut savoir pour vos premières "
          "semaines ; votre tuteur reste votre premier interlocuteur."),
    ("h1", "Votre premier jour"),
    ("bold", "Heure et lieu d’arrivée"),
    ("p", "Le premier jour, rendez-vous à 8 h 30 à l’accueil du bâtiment A, où votre tuteur vous attend. La matinée "
          "est consacrée à la visite de l’atelier et à l’accueil sécurité, obligatoire avant tout travail sur "
          "machine."),
    ("bold", "Ce qu’il faut apporter"),
    ("ul", ["un relevé d’identité bancaire (RIB) ;",
            "votre carte Vitale ou une attestation de sécurité sociale ;",
            "une pièce d’identité ;",
            "vos chaussures de sécurité si vous en avez déjà une paire (sinon, elles vous sont fournies)."]),
    ("bold", "Badge d’accès"),
    ("p", "Le badge qui ouvre les portes et sert au pointage vous est remis par l’accueil le premier jour. Un badge "
          "perdu est remplacé contre une retenue de 15 € ; signalez la perte le jour même pour qu’il soit désactivé."),
    ("h1", "Horaires et temps de travail"),
    ("bold", "À l’atelier"),
    ("p", "L’atelier travaille de 7 h 30 à 12 h et de 13 h à 16 h 30 du lundi au jeudi, et de 7 h 30 à 12 h le "
          "vendredi. Les équipes de pose suivent les horaires du chantier, communiqués la veille par le chef "
          "d’équipe."),
    ("bold", "Aux bureaux"),
    ("p", "Les bureaux sont en horaires variables, avec une présence obligatoire de 9 h 30 à 11 h 30 et de 14 h à "
          "16 h. Les heures se pointent sur l’application "
          "[[a:https://www.google.com/url?q=https://brennec.kelio.io/open&sa=D&source=editors"
          "&ust=1736412345678901&usg=AOvVaw1kQ9|Kelio]]"
          ", au badge ou depuis le téléphone."),
    ("h1", "Repas et pauses"),
    ("p", "Le réfectoire du bâtiment B est équipé de réfrigérateurs et de micro-ondes ; il est ouvert de 11 h 45 à "
          "13 h 45. Chaque jour travaillé donne droit à un titre-restaurant Swile de 9 €, dont 5,40 € payés par "
          "l’employeur[[fn:Le titre-restaurant n’est pas attribué pour un jour de déplacement remboursé en note "
          "de frais.]]."),
    ("p", "À l’atelier, une pause de 15 minutes est prise à 10 h, machines arrêtées."),
    ("h1", "Équipements de protection"),
    ("p", "Les équipements de protection individuelle (EPI) sont fournis et obligatoires à l’atelier et sur les "
          "chantiers :"),
    ("ul", ["chaussures de sécurité S3 ;",
            "lunettes de protection ;",
            "casque antibruit ou bouchons moulés ;",
            "gants anti-coupure pour la manutention des panneaux."]),
    ("p", "Les chaussures sont remplacées tous les 12 mois, ou plus tôt si elles sont usées : la demande se fait "
          "au magasin auprès de Gildas Morvan."),
    ("h1", "Outils informatiques"),
    ("bold", "Messagerie"),
    ("p", "Votre adresse est prenom.nom@brennec-menuiserie.fr. Le mot de passe provisoire vous est remis par le "
          "service informatique et doit être changé à la première connexion."),
    ("bold", "Wi-Fi"),
    ("p", "Le réseau des salariés est BRENNEC-STAFF ; vos visiteurs se connectent au réseau BRENNEC-INVITE, dont "
          "le code est changé chaque lundi et affiché à l’accueil."),
    ("bold", "Un problème ?"),
    ("p", "Ouvrez un ticket sur le "
          "[[a:https://www.google.com/url?q=https://support.brennec-menuiserie.fr/&sa=D&source=editors"
          "&ust=1736412345678902&usg=AOvVaw2pZ7|portail du support]]"
          " ou appelez le poste 230 (Thomas Guého)."),
    ("h1", "Période d’essai et suivi"),
    ("p", "La période d’essai est de deux mois pour les ouvriers et employés, trois mois pour les techniciens et "
          "agents de maîtrise et quatre mois pour les cadres. Un mois après votre arrivée, un entretien de « rapport "
          "d’étonnement » avec votre responsable et les ressources humaines recueille vos premières impressions ; "
          "un entretien de fin de période d’essai a lieu deux semaines avant son terme."),
    ("h1", "Congés et absences"),
    ("bold", "Poser un congé"),
    ("p", "Les congés se demandent dans Kelio au moins quatre semaines à l’avance, et avant le 31 mars pour les "
          "congés d’été. L’atelier ferme trois semaines en août et une semaine entre Noël et le jour de l’an ; ces "
          "jours sont pris sur vos congés payés."),
    ("bold", "Absence imprévue"),
    ("p", "Prévenez votre responsable avant 9 h par téléphone, puis envoyez l’arrêt de travail aux ressources "
          "humaines dans les 48 heures. Un enfant malade donne droit à trois jours d’absence rémunérés par an, sur "
          "certificat médical."),
    ("h1", "Mutuelle et prévoyance"),
    ("p", "La mutuelle d’entreprise est Harmonie Mutuelle ; l’adhésion est obligatoire et la cotisation payée à 60 "
          "% par l’employeur. Vos ayants droit peuvent être couverts par l’option famille. La carte de tiers payant "
          "arrive par courrier dans le mois qui suit votre arrivée."),
    ("h1", "Contacts utiles"),
    ("table", [["Service", "Interlocuteur", "Poste"],
               ["Ressources humaines", "Sophie Riou", "205"],
               ["Paie", "Karine Le Bihan", "207"],
               ["Informatique", "Thomas Guého", "230"],
               ["Sécurité et magasin", "Gildas Morvan", "240"]]),
]

INCENDIE = [
    ("title", "Procédure sécurité incendie et évacuation"),
    ("p", "Référence PR-SEC-02, version 4 du 12 février 2025. Rédigée par Gildas Morvan, responsable sécurité ; "
          "approuvée par la direction."),
    ("h1", "1. Objet et domaine d’application"),
    ("p", "Cette procédure dit comment prévenir un incendie, réagir à un départ de feu et évacuer les bâtiments A "
          "et B du site de Saint-Grégoire. Elle s’applique aux salariés, aux intérimaires, aux stagiaires et aux "
          "entreprises extérieures présentes sur le site."),
    ("h1", "2. Prévention"),
    ("h2", "2.1 Stockage des produits et des déchets"),
    ("p", "Les colles, vernis et solvants sont rangés dans l’armoire ventilée du local peinture, jamais plus de "
          "20 litres à l’atelier. Les copeaux et la sciure sont aspirés en continu ; les bennes à copeaux sont "
          "vidées chaque vendredi. Les chiffons imbibés de vernis vont dans le bac métallique à couvercle."),
    ("h2", "2.2 Permis de feu"),
    ("p", "Tout travail par point chaud (soudure, meulage, découpe au chalumeau) hors du poste de soudure exige un "
          "permis de feu signé par le responsable sécurité. La zone est surveillée pendant deux heures après la "
          "fin des travaux."),
    ("h1", "3. En cas de départ de feu"),
    ("p", "Le premier témoin d’un départ de feu :"),
    ("ol", ["donne l’alerte en brisant la vitre du déclencheur manuel le plus proche[[fn:Un déclencheur se trouve "
            "près de chaque sortie ; le plan d’évacuation affiché dans chaque local les situe.]] ;",
            "appelle les pompiers au 18 (ou le 112) depuis un poste fixe, puis le poste sécurité 240 ;",
            "attaque le feu avec un extincteur adapté, seulement s’il est petit et sans se mettre en danger ;",
            "ferme les portes derrière lui s’il ne peut pas l’éteindre."]),
    ("p", "Le bon extincteur dépend de ce qui brûle :"),
    ("table", [["Extincteur", "Pour", "Emplacements"],
               ["Eau pulvérisée avec additif", "bois, panneaux, papier, textiles", "atelier, couloirs, bureaux"],
               ["CO2", "feux d’origine électrique", "armoires électriques, bureau d’études, salle serveur"],
               ["Poudre ABC", "liquides inflammables", "local peinture, zone de vernissage"]]),
    ("h1", "4. Évacuation"),
    ("h2", "4.1 Le signal"),
    ("p", "Le signal d’évacuation est une sonnerie continue à deux tons, accompagnée de flashs lumineux à "
          "l’atelier. Dès le signal, chacun arrête sa machine et quitte le bâtiment par la sortie la plus proche, "
          "sans courir."),
    ("h2", "4.2 Consignes"),
    ("ul", ["ne pas utiliser le monte-charge ;",
            "ne pas revenir chercher ses affaires ;",
            "suivre les guides-files (brassard orange) ; les serre-files (brassard jaune) vérifient que personne "
            "ne reste dans les locaux ;",
            "une personne à mobilité réduite attend les secours dans l’espace d’attente sécurisé, au palier de "
            "l’escalier B, avec un accompagnateur."]),
    ("h2", "4.3 Point de rassemblement"),
    ("p", "Le point de rassemblement est le parking visiteurs, devant le portail nord. Chaque chef d’équipe y fait "
          "l’appel avec la liste de présence du jour et rend compte au responsable sécurité. Personne ne rentre "
          "avant que les pompiers ou le responsable sécurité l’autorisent."),
    ("h2", "4.4 Après l’évacuation"),
    ("p", "Les serre-files signalent au responsable sécurité toute personne manquante et les locaux qu’ils n’ont "
          "pas pu vérifier. Un compte rendu est rédigé sous 48 heures et tout dysfonctionnement (alarme inaudible, "
          "porte bloquée, issue encombrée) est corrigé avant l’exercice suivant."),
    ("h1", "5. Exercices et formation"),
    ("p", "Un exercice d’évacuation a lieu tous les six mois, au printemps et à l’automne. Le dernier, le 14 octobre "
          "2024, a vidé les deux bâtiments en 3 minutes 40. Six salariés par équipe sont formés au maniement des "
          "extincteurs ; la formation est renouvelée tous les deux ans."),
    ("h1", "6. Numéros utiles"),
    ("table", [["Qui", "Numéro"],
               ["Pompiers", "18"],
               ["Numéro d’urgence européen", "112"],
               ["SAMU", "15"],
               ["Responsable sécurité (Gildas Morvan)", "poste 240 ou 06 71 38 42 90"],
               ["Sauveteurs secouristes du travail", "liste affichée près de chaque trousse de secours"]]),
]
