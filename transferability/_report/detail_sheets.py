"""The detail sheets of the report: contracts, renewals, providers, data quality.

Each keeps every row in the workbook and prints the most useful ones only (``Settings.lignes_imprimees``):
the largest opportunities, the nearest renewals, the data quality summary.
"""

from __future__ import annotations

from itertools import islice

import pandas as pd

from .._diagnose import CAPACITY_WORDS, LEVELS, UNDETERMINED
from .._reference import geography
from .._reference import taxonomy as tx
from .._utils import fr_int
from .excel import BOLD, COUNT, EURO, NOTE, PERCENT, write_cell, write_table
from .layout import LEVEL_COLOURS, MARCHES_COLUMNS, MARCHES_PRINTED, ReportInfo, new_sheet, print_rows

LEVEL_ORDER = {level: rank for rank, level in enumerate((*LEVELS, UNDETERMINED))}


def marches_sheet(book, diag, info: ReportInfo, max_rows: int) -> None:
    """Every contract, the opportunities first (fort, then moyen, largest transferable amount first); the
    printed page holds the first columns of the first ``lignes_imprimees`` fort and moyen contracts."""
    ws = new_sheet(book, info, "Marchés", "Tous les marchés, les occasions d’abord", repeat_header=True)
    names = dict(MARCHES_COLUMNS)
    if "correction_consultant" in diag.contrats.columns:  # after apply_corrections: shown as such
        names["correction_consultant"] = "Correction du consultant"
    t = diag.contrats
    order = pd.DataFrame(
        {
            "level": t["niveau"].astype(str).map(LEVEL_ORDER),
            "part": -t["montant_transferable"].fillna(0),
            "amount": -t["montant"].astype(float).fillna(0),
        }  # fmt: skip
    ).sort_values(["level", "part", "amount"], kind="stable")
    table = t.loc[order.index[:max_rows], list(names)].rename(columns=names)
    table["Capacité"] = table["Capacité"].map(CAPACITY_WORDS).fillna(table["Capacité"])
    widths = {"Référence": 13, "Objet": 44, "Acheteur": 18, "Recommandation": 36, "Explication": 90, "Procédure": 11,
              "Niveau": 9, "ESAT, EA": 9, "SIAE": 9, "Part transférable": 11, "Montant HT": 13,
              "Métier": 30, "Famille": 30, "Recommandation ESAT, EA": 40, "Recommandation SIAE": 40}  # fmt: skip
    formats = {c: EURO for c in ("Montant HT", "Montant transférable", "Transférable ESAT, EA", "Transférable SIAE",
                                 "Déduction FIPHFP estimée")}  # fmt: skip
    formats.update({"Confiance": PERCENT, "Part transférable": PERCENT, "Heures d’insertion (clause)": COUNT,
                    "Heures (marché réservé)": COUNT})  # fmt: skip
    raw = ("Référence", "Objet", "Acheteur", "Direction", "Fichier", "Considération sociale existante")
    end = write_table(
        ws, table, 5, formats, widths, raw=raw, wrap=("Objet", "Recommandation", "Explication", "Procédure")
    )
    ws.freeze = (6, 3)
    for position, name in enumerate(names, start=1):
        if name.startswith("niveau"):
            for level, colour in LEVEL_COLOURS.items():
                ws.colour_if_equal(position, 6, end, level, colour)
    engaged = int(t["niveau"].isin(["fort", "moyen"]).sum())
    printed = max(1, min(engaged, diag.parametres.lignes_imprimees))
    print_rows(ws, len(MARCHES_PRINTED), 5, 5 + printed)
    write_cell(ws, 4, 1, f"Sur papier : les {printed} premières occasions (fort et moyen) ; à l’écran : tous les "
                         "marchés et toutes les colonnes, filtrables.", style=NOTE)  # fmt: skip


def calendrier_sheet(book, diag, info: ReportInfo) -> None:
    """The fort and moyen contracts' next renewals, with the date to launch each consultation."""
    ws = new_sheet(
        book, info, "Calendrier", "Renouvellements à préparer : marchés fort et moyen", repeat_header=True
    )
    c = diag.calendrier().head(diag.parametres.lignes_classeur)
    cols = {"trimestre": "Trimestre", "date_lancement": "Lancer la consultation", "date_renouvellement": "Renouvellement",
            "renouvellement_projete": "Projeté", "objet": "Objet", "acheteur_nom": "Acheteur", "montant": "Montant HT",
            "niveau": "Niveau", "montant_transferable": "Transférable", "recommandation": "Recommandation",
            "id_contrat": "Référence"}  # fmt: skip
    settings = diag.parametres
    write_cell(
        ws, 4, 1,
        f"À partir du {settings.reference:%d/%m/%Y}. Un marché échu avant cette date est un besoin récurrent, "
        f"renouvelé à chaque terme de sa durée (« Projeté » : oui) ; lancer la consultation {settings.delai_lancement_mois} "
        "mois avant l’échéance (sourcing, allotissement, publication).", style=NOTE,
    )  # fmt: skip
    table = (
        c[list(cols)].rename(columns=cols)
        if len(c)
        else pd.DataFrame({"Trimestre": ["aucun renouvellement"]})
    )
    end = write_table(ws, table, 5, {"Montant HT": EURO, "Transférable": EURO},
                      {"Objet": 44, "Recommandation": 36, "Acheteur": 18, "Lancer la consultation": 12},
                      raw=("Objet", "Acheteur", "Référence"), wrap=("Objet", "Acheteur", "Recommandation"))  # fmt: skip
    ws.freeze = (6, 1)
    print_rows(ws, len(cols) - 1, 5, min(end - 1, 5 + settings.lignes_imprimees))


def prestataires_sheet(book, diag, info: ReportInfo) -> None:
    """The providers that cover at least one contract, by family, with their commune's name."""
    ws = new_sheet(book, info, "Prestataires", "Prestataires qui couvrent les lieux des marchés, par famille",
                   repeat_header=True)  # fmt: skip
    d = diag.annuaire.iloc[diag.prestataires_utilises()].copy()
    label, names = tx.metiers()["metier"].to_dict(), geography().nom
    rows = []
    for fam in tx.family_labels()[:-1]:
        sub = d[d["familles"].map(lambda fs, f=fam: isinstance(fs, list) and f in fs)]
        for r in sub.itertuples():
            rows.append(
                {
                    "Famille": fam,
                    "Prestataire": r.raison_sociale,
                    "Type": r.type_structure,
                    "Commune": names.get(r.commune_insee, r.commune_insee)
                    if isinstance(r.commune_insee, str)
                    else "",
                    "Département": r.departement,
                    "Métiers": " | ".join(label.get(m, m) for m in r.metiers),
                    "Métiers déclarés ou déduits": r.source_metiers,
                    "Périmètre": r.perimetre,
                }
            )
    table = pd.DataFrame(rows or [{"Famille": "aucun prestataire ne couvre les lieux des marchés"}])
    end = write_table(ws, table, 5, widths={"Métiers": 44, "Prestataire": 32, "Famille": 24},
                      raw=("Prestataire", "Commune"), wrap=("Métiers",))  # fmt: skip
    print_rows(ws, len(table.columns), 5, min(end - 1, 5 + diag.parametres.lignes_imprimees))


def qualite_sheet(book, diag, info: ReportInfo) -> None:
    """What the data lack, in a summary printed on one page, then every alert, line by line, on screen."""
    ws = new_sheet(book, info, "Qualité des données", "Qualité des données : ce qui manque, et chaque alerte")
    t = diag.contrats
    n = max(len(t), 1)
    checks = {
        "sans code CPV": t["code_cpv"].isna() | t["code_cpv"].astype(str).str.strip().eq(""),
        "sans lieu d’exécution reconnu": t["lieu_type"].isna(),
        "sans territoire (ni lieu ni département d’acheteur)": t["territoire"].eq("inconnu"),
        "sans durée": t["duree_mois"].isna(),
        "sans procédure connue": t["categorie_procedure"].astype(str).eq("Inconnue"),
        "sans montant": t["montant"].isna() & ~t["montant_aberrant"].astype(bool),
        "au montant aberrant, exclu des totaux": t["montant_aberrant"].astype(bool),
        "en double, exclus des totaux": t["doublon"].astype(bool),
    }
    summary = pd.DataFrame({"Marchés": [f"{k}" for k in checks], "Nombre": [int(v.sum()) for v in checks.values()],
                            "Part": [float(v.sum()) / n for v in checks.values()]})  # fmt: skip
    write_cell(ws, 5, 1, f"{fr_int(len(t))} marchés lus", style=BOLD)
    row = write_table(ws, summary, 6, {"Nombre": COUNT, "Part": PERCENT}, autofilter=False) + 1
    kinds = pd.Series(
        [a.split(" (")[0].split(" :")[0] for alerts in t["alertes"] for a in alerts], dtype=object
    )
    counts = kinds.value_counts().head(15).rename_axis("Alerte").reset_index(name="Marchés")
    if len(counts):
        write_cell(ws, row, 1, "Alertes les plus fréquentes", style=BOLD)
        row = write_table(ws, counts, row + 1, {"Marchés": COUNT}, autofilter=False) + 1
    row = _reading(ws, row, diag)
    ws.area = (row, 4)
    write_cell(ws, row + 1, 1, "Toutes les alertes, ligne par ligne (à l’écran)", style=BOLD)
    limit = diag.parametres.lignes_classeur
    every = ({"Fichier": f, "Ligne": line, "Référence": ref, "Alerte": a}
             for f, line, ref, alerts in zip(t["source_fichier"], t["source_ligne"], t["id_contrat"], t["alertes"], strict=True)
             for a in alerts)  # fmt: skip
    rows = list(islice(every, limit))
    write_table(ws, pd.DataFrame(rows or [{"Alerte": "aucune"}]), row + 2, widths={"Alerte": 90, "Fichier": 40},
                raw=("Fichier", "Référence", "Alerte"))  # fmt: skip
    ws.freeze = None
    ws.widths[1] = 60


def _reading(ws, row: int, diag) -> int:
    """What each file gave: rows read, contracts, rows set aside."""
    reports = diag.contrats.attrs.get("lecture", [])
    if reports:
        write_cell(ws, row, 1, "Ce qui a été lu et écarté", style=BOLD)
        row += 1
    for report in reports:
        aside = ", ".join(f"{n} × {k}" for k, n in report["lignes_ecartees"].items()) or "rien"
        write_cell(ws, row, 1, f"{report['fichier']} ({report['format']}) : {report['lignes_lues']} lignes lues, "
                               f"{report['contrats']} marchés ; écartées : {aside}", raw=True)  # fmt: skip
        row += 1
    return row
