"""The Méthode sheet: how the diagnostic was made, its settings, its rule, its model and its sources."""

from __future__ import annotations

import json

import pandas as pd
from openpyxl.styles import Font

from .excel import write_cell, write_table
from .layout import new_sheet


def methode_sheet(book, diag) -> None:
    ws = new_sheet(book, "Méthode", "Méthode, paramètres et sources")
    lines = [
        "Trois appuis pour chaque marché :",
        "1. Capacité technique : la famille de métiers et la capacité (totale, partielle, aucune) prédites par un "
        "classifieur appris sur des marchés réels étiquetés (texte de l’objet, code CPV, lexique des métiers).",
        "2. Maillage territorial : les prestataires de l’annuaire dont le périmètre couvre le lieu d’exécution "
        "(France entière, zones, rayon autour de leur commune, ou implantés sur place).",
        "3. Expertise : le niveau suit la règle ci-dessous (ou un modèle appris sur les jugements d’un consultant).",
        "Fort : capacité totale assez sûre, assez de prestataires, dépendance économique sous le seuil. "
        "Moyen : capacité partielle, ou totale avec peu de prestataires ou une forte dépendance (allotir). "
        "Faible : capacité nulle ou aucun prestataire. Indéterminé : ni objet ni CPV, ou territoire inconnu.",
    ]
    row = 5
    for line in lines:
        write_cell(ws, row, 1, line)
        row += 1
    row += 1
    write_cell(ws, row, 1, "Paramètres utilisés").font = Font(bold=True)
    settings = pd.DataFrame(list(diag.parametres.as_dict().items()), columns=["Paramètre", "Valeur"])
    row = write_table(ws, settings, row + 1, autofilter=False) + 1
    write_cell(ws, row, 1, "Règle de recommandation").font = Font(bold=True)
    row = write_table(ws, diag.parametres.recommendation_rules(), row + 1, autofilter=False) + 1
    card = _card()
    write_cell(ws, row, 1, "Fiche du modèle").font = Font(bold=True)
    row += 1
    for key in ("modele", "date", "regles_cpv"):
        write_cell(ws, row, 1, key)
        write_cell(ws, row, 2, str(card.get(key, "")))
        row += 1
    cv = card.get("validation_croisee_groupee_par_acheteur", {})
    for name, scores in (
        ("modèle", cv.get("modele", {})),
        ("base CPV", cv.get("base_cpv", {})),
        ("base Le marché", cv.get("base_lemarche", {})),
    ):
        write_cell(ws, row, 1, f"validation croisée groupée par acheteur, {name}")
        write_cell(ws, row, 2, json.dumps(scores, ensure_ascii=False))
        row += 1
    row += 1
    write_cell(ws, row, 1, "Sources et licences").font = Font(bold=True)
    for line in (
        "Géographie : INSEE COG 2026 et IGN ADMIN EXPRESS 2018 (Licence Ouverte 2.0)",
        "Codes CPV : règlement (CE) n° 213/2008 ; règles CPV → métiers : transferability (MIT)",
        "Secteurs : Le marché de l’inclusion (MIT) ; NAF : INSEE",
        "Annuaire fourni : ESAT de la liste FINESS 2026 (Licence Ouverte, « FINESS »), SIAE de la liste ASP de "
        "juillet 2019 et GEIQ de novembre 2019 ; métiers des ESAT déduits de leur nom ou supposés (à confirmer) ; "
        "aucune liste ouverte des EA",
        "Marchés étiquetés : DECP (Licence Ouverte 2.0), voir data/README.md",
    ):
        row += 1
        write_cell(ws, row, 1, line)
    ws.column_dimensions["A"].width = 110
    ws.column_dimensions["B"].width = 60


def _card() -> dict:
    from .._utils import models_dir

    path = models_dir() / "trade_classifier.card.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
