"""The Méthode sheet (how the diagnostic was made, in the network's words, its settings with their units, the
models' measured quality, the sources) and the Glossaire sheet."""

from __future__ import annotations

import json

import pandas as pd

from .._utils import fr_int
from .excel import BOLD, WRAPPED, Sheet, write_cell, write_table
from .layout import ReportInfo, new_sheet

METHOD = (
    "Chaque marché est jugé pour chacun des deux secteurs : le secteur protégé et adapté (ESAT, EA : marchés "
    "réservés au titre de l’article L2113-12, déduction FIPHFP) et le secteur de l’insertion (SIAE : article "
    "L2113-13).",
    "Fort : le marché peut être exécuté, en objet et en montant, par les prestataires du secteur présents sur le "
    "territoire, avec des adaptations mineures. Moyen : il peut l’être en partie, après adaptation de la "
    "consultation (allotissement géographique ou technique, cahier des charges, lot réservé). Faible : aucun "
    "prestataire du secteur n’est susceptible de répondre.",
    "1. Le métier : la famille de métiers et la capacité du secteur (totale, partielle, aucune) sont lues dans "
    "l’objet et le code CPV par un classifieur appris sur des marchés réels étiquetés à la main.",
    "2. Le potentiel : d’après l’objet, le métier, le montant annuel et la durée, comme si le secteur avait un "
    "maillage ordinaire de prestataires ; pour un marché moyen, la part du montant qu’un lot réservé pourrait "
    "porter. Appris sur des marchés étiquetés selon la grille du réseau.",
    "3. Le territoire : les prestataires du secteur dont le périmètre couvre le lieu d’exécution. Trop peu de "
    "prestataires, ou un montant trop lourd pour eux, ramènent fort à moyen ; aucun, à faible.",
    "Le niveau affiché est le meilleur des deux secteurs ; le montant transférable, le montant multiplié par la "
    "part que le secteur peut réaliser (100 % en fort).",
)
# Settings field → (what it is, unit or how to read it)
LABELS = {
    "min_prestataires_fort": ("Prestataires du secteur requis pour rester fort", "prestataires"),
    "dependance_max": (
        "Montant annuel maximal rapporté au chiffre d’affaires moyen des prestataires",
        "part",
    ),
    "duree_max_mois": ("Durée au-delà de laquelle elle est tenue pour erronée", "mois"),
    "part_main_oeuvre_clause": (
        "Part de main-d’œuvre à partir de laquelle une clause d’insertion est proposée",
        "part",
    ),
    "montant_min_clause": ("Montant à partir duquel une clause d’insertion est proposée", "€ HT"),
    "nb_plus_gros_marches": ("Plus gros marchés dont le poids est donné", "marchés"),
    "montant_min_plausible": ("Montant sous lequel il est tenu pour un montant fictif", "€ HT"),
    "montant_max_local": ("Montant au-delà duquel il est tenu pour aberrant (acheteur local)", "€ HT"),
    "delai_lancement_mois": ("Délai entre le lancement d’une consultation et l’échéance", "mois"),
    "horizon_mois": ("Horizon des actions immédiates", "mois"),
    "part_jugee_min": ("Part de marchés jugés sous laquelle le diagnostic est dit incomplet", "part"),
    "part_territoire_inconnu_alerte": (
        "Part de marchés sans territoire au-delà de laquelle donner --territoire est conseillé",
        "part",
    ),
    "lignes_imprimees": ("Lignes imprimées des feuilles longues", "lignes"),
    "lignes_classeur": ("Lignes gardées dans les feuilles longues (le reste en CSV à côté)", "lignes"),
    "lignes_directions": ("Directions gardées dans le rapport national (toutes en CSV à côté)", "directions"),
    "montant_en_millions": ("Montant à partir duquel graphiques et tableaux comptent en M€", "€ HT"),
    "cout_horaire": ("Coût horaire pour convertir la main-d’œuvre en heures", "€ par heure"),
    "taux_effort_insertion": ("Part des heures qu’une clause réserve à l’insertion", "part"),
    "taux_fiphfp": ("Part du montant de main-d’œuvre déductible de la contribution FIPHFP", "part"),
    "ca_par_etp": ("Chiffre d’affaires par salarié, quand celui des prestataires est inconnu", "€ par an"),
    "part_hors_zone_alerte": ("Part de marchés hors de la zone de l’annuaire signalée en rouge", "part"),
    "ea_min_annuaire": ("EA dans l’annuaire sous lesquelles leur couverture est dite inconnue", "EA"),
    "date_reference": ("Date de référence des renouvellements", "date"),
}
SCORES = {
    "famille_exactitude": "Famille : exactitude",
    "famille_f1_macro": "Famille : F1 macro",
    "capacite_f1_macro": "Capacité : F1 macro",
    "transferable_f1": "Transférable ou non : F1",
}
GLOSSARY = (
    (
        "MAPA",
        "Marché à procédure adaptée : marché sous les seuils européens, passé selon une procédure librement fixée.",
    ),
    (
        "Marché formalisé",
        "Marché au-dessus des seuils européens (appel d’offres, procédure avec négociation…).",
    ),
    (
        "Accord-cadre",
        "Contrat qui fixe les conditions de marchés à venir ; son montant est souvent un maximum.",
    ),
    (
        "ESAT",
        "Établissement et service d’aide par le travail : structure médico-sociale où travaillent des "
        "personnes handicapées orientées par la MDPH.",
    ),  # fmt: skip
    (
        "EA, EATT",
        "Entreprise adaptée (et entreprise adaptée de travail temporaire) : entreprise dont au moins "
        "55 % des salariés sont des travailleurs handicapés.",
    ),  # fmt: skip
    ("Secteur protégé et adapté", "Les ESAT et les EA."),
    (
        "SIAE",
        "Structure d’insertion par l’activité économique : EI (entreprise d’insertion), ACI (atelier et "
        "chantier d’insertion), AI (association intermédiaire), ETTI (entreprise de travail temporaire "
        "d’insertion), EITI (entreprise d’insertion par le travail indépendant).",
    ),  # fmt: skip
    (
        "GEIQ",
        "Groupement d’employeurs pour l’insertion et la qualification : partenaire des clauses sociales.",
    ),
    ("L2113-12", "Article du code de la commande publique : marchés ou lots réservés aux ESAT et EA."),
    ("L2113-13", "Article du code de la commande publique : marchés ou lots réservés aux SIAE."),
    (
        "L2112-2",
        "Article du code de la commande publique : conditions d’exécution, dont la clause sociale "
        "d’insertion (heures de travail réservées à des personnes éloignées de l’emploi).",
    ),  # fmt: skip
    (
        "FIPHFP",
        "Fonds pour l’insertion des personnes handicapées dans la fonction publique : un employeur public "
        "déduit de sa contribution une part des achats faits aux ESAT et EA.",
    ),  # fmt: skip
    ("CPV", "Vocabulaire commun des marchés publics : code européen à huit chiffres de l’objet d’un marché."),
    (
        "DECP",
        "Données essentielles de la commande publique : les marchés que les acheteurs publient en données "
        "ouvertes.",
    ),  # fmt: skip
    ("Fort, moyen, faible", "Voir la feuille Méthode."),
    ("Part transférable", "Part du montant d’un marché que le secteur peut réaliser (100 % en fort)."),
)


def methode_sheet(book, diag, info: ReportInfo) -> None:
    ws = new_sheet(book, info, "Méthode", "Méthode, paramètres et sources")
    ws.widths.update({1: 70, 2: 22, 3: 16})
    row = 5
    for line in METHOD:
        _paragraph(ws, row, line)
        row += 1
    row += 1
    write_cell(ws, row, 1, "Paramètres utilisés", style=BOLD)
    row = write_table(ws, _settings(diag.parametres), row + 1, autofilter=False) + 1
    write_cell(ws, row, 1, "Règle du niveau et de la recommandation", style=BOLD)
    rules = diag.parametres.recommendation_rules()
    rules.columns = [c.capitalize() for c in rules.columns]
    row = write_table(ws, rules, row + 1, autofilter=False, wrap=tuple(rules.columns)) + 1
    row = _quality(ws, row)
    write_cell(ws, row, 1, "Sources et licences", style=BOLD)
    for line in (
        "Géographie : INSEE, Code officiel géographique 2026, et IGN ADMIN EXPRESS (Licence Ouverte 2.0).",
        "Codes CPV : règlement (CE) n° 213/2008. Secteurs : Le marché de l’inclusion. Nomenclature NAF : INSEE.",
        "Annuaire fourni : ESAT de la liste FINESS 2026 (Licence Ouverte), SIAE de la liste de l’ASP de juillet "
        "2019, GEIQ de novembre 2019 ; les métiers des ESAT sont déduits de leur nom ou supposés (à confirmer) ; "
        "aucune liste ouverte des EA.",
        "Marchés étiquetés pour l’apprentissage : DECP (Licence Ouverte 2.0), selon la grille d’étiquetage du "
        "projet ; étiquettes posées par des modèles de langue lisant chaque marché, vérifiées par double "
        "étiquetage indépendant.",
    ):
        row += 1
        _paragraph(ws, row, line)
    ws.freeze = None
    ws.area = (row, 5)  # the quality table has five columns


def _paragraph(ws: Sheet, row: int, text: str) -> None:
    ws.merge(row, 1, 3, text, WRAPPED)
    ws.heights[row] = 15 * (1 + len(text) // 105)


def _settings(settings) -> pd.DataFrame:
    rows = []
    for name, value in settings.as_dict().items():
        what, unit = LABELS.get(name, (name, ""))
        if unit == "part":
            value, unit = f"{value * 100:g} %".replace(".", ","), ""
        elif isinstance(value, int | float) and not isinstance(value, bool):  # all values as text, aligned
            whole = isinstance(value, int) or value >= 1000
            value = fr_int(round(value)) if whole else f"{value:g}".replace(".", ",")
        elif name == "date_reference":
            value, unit = pd.Timestamp(value).strftime("%d/%m/%Y"), ""
        rows.append({"Paramètre": what, "Valeur": value, "Unité": unit})
    return pd.DataFrame(rows)


def _quality(ws, row: int) -> int:
    """The trade classifier's measured quality, as a small table (from its model card)."""
    card = _card()
    test = card.get("jeu_de_test_tenu_a_l_ecart", {})
    cv = card.get("validation_croisee_groupee_par_acheteur", {})
    scores = []
    for label, part in (("jeu de test tenu à l’écart", test), ("validation croisée par acheteur", cv)):
        model = part.get("modele", {}) if isinstance(part, dict) else {}
        if model:
            scores.append({"Mesure": label, **{SCORES[k]: model[k] for k in SCORES if k in model}})
    if not scores:
        return row
    ws.breaks.append(row - 1)  # the table starts a page rather than leave its header alone
    write_cell(ws, row, 1, "Qualité mesurée du classement des métiers (marchés jamais vus)", style=BOLD)
    frame = pd.DataFrame(scores)
    return write_table(ws, frame, row + 1, {c: "0.00" for c in frame.columns[1:]}, autofilter=False) + 1


def _card() -> dict:
    from .._utils import models_dir

    path = models_dir() / "trade_classifier.card.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def glossaire_sheet(book, info: ReportInfo) -> None:
    ws = new_sheet(book, info, "Glossaire", "Glossaire")
    table = pd.DataFrame(GLOSSARY, columns=["Terme", "Définition"])
    end = write_table(
        ws, table, 5, widths={"Terme": 26, "Définition": 110}, autofilter=False, wrap=("Définition",)
    )
    ws.freeze = None
    ws.area = (end, 2)
