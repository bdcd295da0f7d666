"""The detail sheets of the report: contracts, providers, renewals, data quality."""

from __future__ import annotations

import pandas as pd
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .._reference import taxonomy as tx
from .excel import EURO, write_cell, write_table
from .layout import LEVEL_COLOURS, MARCHES_COLUMNS, new_sheet


def marches_sheet(book, diag, max_rows: int) -> None:
    ws = new_sheet(
        book, "Marchés", "Tous les marchés, avec leur niveau et son explication", repeat_header=True
    )
    names = dict(MARCHES_COLUMNS)
    if "correction_consultant" in diag.contrats.columns:  # after apply_corrections: shown as such
        names["correction_consultant"] = "Correction du consultant"
    table = diag.contrats[list(names)].head(max_rows).rename(columns=names)
    widths = {
        "Objet": 60,
        "Explication": 80,
        "Recommandation": 30,
        "Acheteur": 30,
        "Métier": 30,
        "Famille": 30,
    }
    formats = {c: EURO for c in ("Montant HT", "Déduction FIPHFP estimée")}
    formats.update(
        {"Probabilité": "0.00", "Heures d'insertion (clause)": "#,##0", "Heures (marché réservé)": "#,##0"}
    )
    end = write_table(ws, table, 5, formats, widths)
    col = get_column_letter(list(MARCHES_COLUMNS).index("niveau") + 1)
    for level, colour in LEVEL_COLOURS.items():
        ws.conditional_formatting.add(
            f"{col}6:{col}{end}",
            CellIsRule(
                operator="equal",
                formula=[f'"{level}"'],
                fill=PatternFill("solid", fgColor=colour, bgColor=colour),
            ),
        )


def prestataires_sheet(book, diag) -> None:
    ws = new_sheet(
        book,
        "Prestataires",
        "Prestataires couvrant le territoire, par famille transférable",
        repeat_header=True,
    )
    used = diag.prestataires_utilises()
    d = diag.annuaire.iloc[used].copy()
    label = tx.metiers()["metier"].to_dict()
    rows = []
    for fam in tx.family_labels()[:-1]:
        sub = d[d["familles"].map(lambda fs, f=fam: isinstance(fs, list) and f in fs)]
        for r in sub.itertuples():
            rows.append(
                {
                    "Famille": fam,
                    "Prestataire": r.raison_sociale,
                    "Type": r.type_structure,
                    "Secteur": r.secteur,
                    "Commune": r.commune_insee,
                    "Département": r.departement,
                    "Métiers": " | ".join(label.get(m, m) for m in r.metiers),
                    "Métiers déclarés ou déduits": r.source_metiers,
                    "Périmètre": r.perimetre,
                    "Rayon (km)": r.rayon_km,
                    "Fictif": "OUI (exemple)" if r.fictif else "non",
                }
            )
    write_table(
        ws,
        pd.DataFrame(rows or [{"Famille": "aucun prestataire utilisé"}]),
        5,
        widths={"Métiers": 50, "Prestataire": 40},
    )


def calendrier_sheet(book, diag) -> None:
    ws = new_sheet(book, "Calendrier", "Marchés à renouveler : les occasions à venir", repeat_header=True)
    c = diag.calendrier()
    cols = {
        "trimestre": "Trimestre",
        "date_renouvellement": "Renouvellement",
        "id_contrat": "Référence",
        "acheteur_nom": "Acheteur",
        "objet": "Objet",
        "famille": "Famille",
        "metier": "Métier",
        "montant": "Montant HT",
        "niveau": "Niveau",
        "recommandation": "Recommandation",
    }
    write_cell(
        ws, 4, 1, f"À partir du {diag.parametres.reference:%d/%m/%Y} (date de référence des paramètres)"
    )
    write_table(ws, c.rename(columns=cols), 5, {"Montant HT": EURO}, {"Objet": 60})


def qualite_sheet(book, diag) -> None:
    ws = new_sheet(
        book, "Qualité des données", "Alertes sur les données lues, ligne par ligne", repeat_header=True
    )
    rows = [
        {"Fichier": r.source_fichier, "Ligne": r.source_ligne, "Référence": r.id_contrat, "Alerte": a}
        for r in diag.contrats.itertuples()
        for a in r.alertes
    ]
    end = write_table(ws, pd.DataFrame(rows or [{"Alerte": "aucune"}]), 5, widths={"Alerte": 90})
    write_cell(ws, end + 2, 1, "Ce qui a été lu et écarté").font = Font(bold=True)
    row = end + 3
    for report in diag.contrats.attrs.get("lecture", []):
        aside = ", ".join(f"{n} × {k}" for k, n in report["lignes_ecartees"].items()) or "rien"
        write_cell(
            ws,
            row,
            1,
            f"{report['fichier']} ({report['format']}) : {report['lignes_lues']} lignes lues, "
            f"{report['contrats']} marchés ; écartées : {aside}",
        )
        row += 1
    ws.freeze_panes = "A6"
