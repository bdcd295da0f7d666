"""The page layout every sheet of the report shares, and the report's constants."""

from __future__ import annotations

from openpyxl.styles import Font

from .._utils import clock as _clock
from .excel import TITLE_FONT, write_cell

EXCEL_MAX_ROWS = 1_048_576
CHART_COLOURS = {"fort": "2E7D32", "moyen": "F08C00", "faible": "9E9E9E"}
LEVEL_COLOURS = {"fort": "C6EFCE", "moyen": "FFD8A8", "faible": "D9D9D9", "indéterminé": "F2F2F2"}
SOURCES = (
    "Marchés : fichiers lus par transferability ; métiers : grille LABELLING.md et règles CPV v1 ; "
    "géographie : INSEE COG 2026 ; annuaire : voir la feuille Méthode"
)
MARCHES_COLUMNS = {
    "id_contrat": "Référence",
    "objet": "Objet",
    "acheteur_nom": "Acheteur",
    "direction": "Direction",
    "categorie_procedure": "Procédure",
    "montant": "Montant HT",
    "montant_nature": "Nature du montant",
    "famille": "Famille",
    "metier": "Métier",
    "capacite": "Capacité",
    "niveau": "Niveau",
    "proba_capacite": "Probabilité",
    "nb_prestataires": "Prestataires couvrant",
    "nb_handicap": "dont ESAT/EA",
    "nb_insertion": "dont SIAE",
    "distance_plus_proche_km": "Plus proche (km)",
    "recommandation": "Recommandation",
    "heures_insertion_clause": "Heures d'insertion (clause)",
    "heures_travail_reserve": "Heures (marché réservé)",
    "deduction_fiphfp_estimee": "Déduction FIPHFP estimée",
    "date_renouvellement": "Renouvellement",
    "consideration_sociale_existante": "Considération sociale existante",
    "titulaire_inclusif": "Titulaire inclusif",
    "explication": "Explication",
    "source_fichier": "Fichier",
    "source_ligne": "Ligne",
}


def new_sheet(book, title: str, heading: str, repeat_header: bool = False):
    ws = book.create_sheet(title)
    write_cell(ws, 1, 1, heading).font = TITLE_FONT
    write_cell(ws, 2, 1, f"Produit le {_clock.today():%d/%m/%Y} par transferability")
    write_cell(ws, 3, 1, SOURCES).font = Font(italic=True, size=9)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    if repeat_header:  # sheets with one table repeat its header on every printed page
        ws.print_title_rows = "5:5"
    return ws
