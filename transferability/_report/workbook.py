"""The Excel report a purchasing director forwards as is (8 sheets, in French).

Used only by :meth:`Diagnostic.to_excel` and the command line. Every sheet has a title, the
date, the sources and a frozen header; amounts and shares are numbers with € and % formats;
no cell written from data can start a formula (see :mod:`.excel`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .._reference import taxonomy as tx
from .._utils import clock as _clock
from .._utils import flat_lists
from .excel import EURO, PERCENT, TITLE_FONT, write_cell, write_table

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


def write_report(diag, path, *, max_rows: int | None = None) -> Path:
    """Write the 8-sheet report; beyond ``max_rows`` contracts the detail goes to a CSV beside it."""
    path = Path(path)
    max_rows = min(max_rows or EXCEL_MAX_ROWS - 10, EXCEL_MAX_ROWS - 10)
    book = Workbook()
    book.remove(book.active)
    detail_beside = None
    if len(diag.contrats) > max_rows:
        detail_beside = path.with_suffix(".marches.csv")
        flat_lists(diag.contrats).to_csv(detail_beside, index=False)
    _synthese(book, diag, detail_beside, max_rows)
    _familles(book, diag)
    _directions(book, diag)
    _marches(book, diag, max_rows)
    _prestataires(book, diag)
    _calendrier(book, diag)
    _qualite(book, diag)
    _methode(book, diag)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_aggregate_report(diag, path, *, detail) -> Path:
    """The report of a national run: summaries only; the per-contract detail is the parquet ``detail``."""
    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    note = (
        f"Marchés : {len(diag.contrats):,} ; le détail par marché est dans {Path(detail).name} "
        "(parquet), trop grand pour Excel."
    ).replace(",", " ")
    _synthese(book, diag, note, EXCEL_MAX_ROWS)
    _familles(book, diag)
    _directions(book, diag)
    _methode(book, diag)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _sheet(book, title: str, heading: str, repeat_header: bool = False):
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


def _synthese(book, diag, detail_beside, max_rows) -> None:
    ws = _sheet(book, "Synthèse", "Diagnostic de transférabilité vers le secteur inclusif")
    s = diag.synthese()
    kept = diag.contrats[~diag.contrats["doublon"].astype(bool)]
    write_cell(ws, 5, 1, "Marchés lus").font = Font(bold=True)
    write_cell(ws, 5, 2, len(diag.contrats))
    write_cell(ws, 6, 1, "dont doublons écartés des totaux")
    write_cell(ws, 6, 2, int(diag.contrats["doublon"].sum()))
    write_cell(ws, 7, 1, "Montant total HT").font = Font(bold=True)
    write_cell(ws, 7, 2, float(kept["montant"].astype(float).sum()), EURO)
    row = 9
    for cat, label in (
        ("MAPA", "MAPA"),
        ("Formalisé", "Formalisés"),
        ("Sans publicité ni mise en concurrence", "Sans publicité"),
    ):
        share = s.loc[cat, "part_montant_fort_ou_moyen_sur_juges"]
        fort = s.loc[cat, "part_montant_fort_sur_juges"]
        write_cell(ws, row, 1, f"{label} : transférable (fort ou moyen)").font = Font(bold=True)
        write_cell(ws, row, 2, None if pd.isna(share) else float(share), PERCENT)
        write_cell(ws, row, 3, "dont fort")
        write_cell(ws, row, 4, None if pd.isna(fort) else float(fort), PERCENT)
        row += 1
    write_cell(
        ws,
        row,
        1,
        "Dénominateur : montant des marchés jugés (fort, moyen ou faible) de chaque catégorie ; "
        "marchés indéterminés et doublons exclus.",
    ).font = Font(italic=True, size=9)
    row += 2
    check = diag.controle_territoire()
    if check["annuaire_fictif_en_partie"]:
        cell = write_cell(
            ws,
            row,
            1,
            "ATTENTION : l’annuaire contient des prestataires FICTIFS (ESAT et EA d’exemple)"
            + (
                f" ; {check['prestataires_fictifs_utilises']} ont servi à ce diagnostic"
                if check["prestataires_fictifs_utilises"] is not None
                else ""
            )
            + ". Fournir l’annuaire réel du territoire avant toute décision.",
        )
        cell.font = Font(bold=True, color="C00000")
        row += 1
    outside = check["part_hors_zone_couverte"]
    if outside is not None:
        shown = f"{outside * 100:.1f}".replace(".", ",")
        text = (
            f"{shown} % des marchés jugés ont leur lieu hors de la zone couverte par l’annuaire "
            "(aucun prestataire, tous métiers confondus)."
        )
        write_cell(ws, row, 1, text).font = Font(bold=True, color="C00000" if outside > 0.05 else "000000")
        row += 1
    if isinstance(detail_beside, str):
        write_cell(ws, row, 1, detail_beside).font = Font(bold=True)
        row += 1
    elif detail_beside is not None:
        write_cell(
            ws,
            row,
            1,
            f"Le détail dépasse {max_rows:,} lignes : la feuille Marchés n’en montre que le début ; "
            f"le détail complet est dans {detail_beside.name}.".replace(",", " "),
        ).font = Font(bold=True)
        row += 1
    row += 1
    table = s.reset_index()[
        [
            "categorie_procedure",
            "nb_marches",
            "nb_fort",
            "nb_moyen",
            "nb_faible",
            "nb_indéterminé",
            "montant_total",
            "montant_fort",
            "montant_moyen",
            "montant_faible",
            "montant_indéterminé",
            "part_montant_fort_ou_moyen_sur_juges",
            "montant_maxima_accords_cadres",
        ]
    ]
    table.columns = [
        "Procédure",
        "Marchés",
        "Fort",
        "Moyen",
        "Faible",
        "Indéterminé",
        "Montant total",
        "Montant fort",
        "Montant moyen",
        "Montant faible",
        "Montant indéterminé",
        "Part transférable (sur jugés)",
        "dont maxima d'accords-cadres",
    ]
    start = row
    euros = {c: EURO for c in table.columns if c.startswith("Montant") or c.startswith("dont")}
    row = write_table(ws, table, start, {**euros, "Part transférable (sur jugés)": PERCENT}, autofilter=False)
    ws.freeze_panes = None
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title, chart.y_axis.title = "Montant par niveau et procédure", "€ HT"
    data = Reference(ws, min_col=8, max_col=10, min_row=start, max_row=start + len(table) - 1)
    cats = Reference(ws, min_col=1, min_row=start + 1, max_row=start + len(table) - 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    for series, level in zip(chart.series, ("fort", "moyen", "faible"), strict=True):
        series.graphicalProperties.solidFill = CHART_COLOURS[level]
    chart.height, chart.width = 8, 18
    ws.add_chart(chart, f"A{row + 2}")
    top = diag.par_famille().head(5).reset_index()[["famille", "montant_transferable"]]
    write_cell(ws, row + 20, 1, "Premières familles (montant transférable)").font = Font(bold=True)
    write_table(
        ws,
        top.rename(columns={"famille": "Famille", "montant_transferable": "Montant transférable"}),
        row + 21,
        {"Montant transférable": EURO},
        autofilter=False,
    )
    ws.freeze_panes = None
    ws.column_dimensions["A"].width = 46


def _familles(book, diag) -> None:
    ws = _sheet(book, "Familles", "Volume d’achats transférables par famille de métiers")
    fam = diag.par_famille().reset_index()
    cols = {
        "famille": "Famille",
        "nb_marches": "Marchés",
        "nb_fort": "Fort",
        "nb_moyen": "Moyen",
        "nb_faible": "Faible",
        "montant_transferable_mapa": "Transférable MAPA",
        "montant_transferable_formalise": "Transférable formalisés",
        "montant_transferable": "Transférable total",
        "montant_total": "Montant total",
    }
    table = fam[list(cols)].rename(columns=cols)
    money = {
        c: EURO
        for c in ("Transférable MAPA", "Transférable formalisés", "Transférable total", "Montant total")
    }
    end = write_table(ws, table, 5, money)
    chart = BarChart()
    chart.type, chart.title = "bar", "Montant transférable (fort + moyen) : MAPA et formalisés"
    chart.add_data(Reference(ws, min_col=6, max_col=7, min_row=5, max_row=end - 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=6, max_row=end - 1))
    chart.height, chart.width = 14, 20
    ws.add_chart(chart, "K5")
    detail = diag.par_famille(detail=True).reset_index()
    cols2 = {
        "famille": "Famille",
        "metier": "Métier",
        "nb_marches": "Marchés",
        "montant_transferable_mapa": "Transférable MAPA",
        "montant_transferable_formalise": "Transférable formalisés",
        "montant_transferable": "Transférable total",
    }
    write_cell(ws, end + 2, 1, "Par métier").font = Font(bold=True)
    write_table(
        ws,
        detail[list(cols2)].rename(columns=cols2),
        end + 3,
        {c: EURO for c in ("Transférable MAPA", "Transférable formalisés", "Transférable total")},
        autofilter=False,
    )
    ws.freeze_panes = "A6"


def _directions(book, diag) -> None:
    ws = _sheet(book, "Directions", "Volume transférable par direction acheteuse et par acheteur")
    cols = {
        "nb_marches": "Marchés",
        "montant_transferable_mapa": "Transférable MAPA",
        "montant_transferable_formalise": "Transférable formalisés",
        "montant_transferable": "Transférable total",
        "montant_total": "Montant total",
    }
    money = {c: EURO for c in cols.values() if c != "Marchés"}
    d = (
        diag.par_direction()
        .reset_index()[["direction", *cols]]
        .rename(columns={"direction": "Direction", **cols})
    )
    end = write_table(ws, d, 5, money)
    a = (
        diag.par_acheteur()
        .reset_index()[["acheteur_id", "acheteur_nom", *cols]]
        .rename(columns={"acheteur_id": "SIRET acheteur", "acheteur_nom": "Acheteur", **cols})
    )
    write_cell(ws, end + 2, 1, "Par acheteur").font = Font(bold=True)
    write_table(ws, a, end + 3, money, autofilter=False)
    ws.freeze_panes = "A6"


def _marches(book, diag, max_rows: int) -> None:
    ws = _sheet(book, "Marchés", "Tous les marchés, avec leur niveau et son explication", repeat_header=True)
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


def _prestataires(book, diag) -> None:
    ws = _sheet(
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


def _calendrier(book, diag) -> None:
    ws = _sheet(book, "Calendrier", "Marchés à renouveler : les occasions à venir", repeat_header=True)
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


def _qualite(book, diag) -> None:
    ws = _sheet(
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


def _methode(book, diag) -> None:
    ws = _sheet(book, "Méthode", "Méthode, paramètres et sources")
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
        "SIAE : liste ASP de juillet 2019 ; ESAT et EA de l’annuaire d’exemple : FICTIFS",
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
