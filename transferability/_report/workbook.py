"""The Excel report a purchasing director forwards as is (8 sheets, in French).

Used only by :meth:`Diagnostic.to_excel` and the command line. Every sheet has a title, the
date, the sources and a frozen header; amounts and shares are numbers with € and % formats;
no cell written from data can start a formula (see :mod:`.excel`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from .._utils import flat_lists
from .detail_sheets import calendrier_sheet, marches_sheet, prestataires_sheet, qualite_sheet
from .excel import EURO, PERCENT, write_cell, write_table
from .layout import CHART_COLOURS, EXCEL_MAX_ROWS, new_sheet
from .method_sheet import methode_sheet


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
    marches_sheet(book, diag, max_rows)
    prestataires_sheet(book, diag)
    calendrier_sheet(book, diag)
    qualite_sheet(book, diag)
    methode_sheet(book, diag)
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
    methode_sheet(book, diag)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _synthese(book, diag, detail_beside, max_rows) -> None:
    ws = new_sheet(book, "Synthèse", "Diagnostic de transférabilité vers le secteur inclusif")
    s = diag.synthese()
    row = _headline(ws, diag, s)
    row = _warnings(ws, row, diag, detail_beside, max_rows)
    row = _levels_by_procedure(ws, row + 1, s)
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


def _headline(ws, diag, s: pd.DataFrame) -> int:
    """Contracts read, total amount, and the transferable shares per procedure category."""
    kept = diag.contrats[~diag.contrats["doublon"].astype(bool)]
    write_cell(ws, 5, 1, "Marchés lus").font = Font(bold=True)
    write_cell(ws, 5, 2, len(diag.contrats))
    write_cell(ws, 6, 1, "dont doublons écartés des totaux")
    write_cell(ws, 6, 2, int(diag.contrats["doublon"].sum()))
    write_cell(ws, 7, 1, "Montant total HT").font = Font(bold=True)
    write_cell(ws, 7, 2, float(kept["montant"].astype(float).sum()), EURO)
    row = 9
    write_cell(ws, row, 1, "Part du montant jugé").font = Font(bold=True)
    headers = (
        "en marchés fort ou moyen",
        "en marchés fort",
        "transférable (part estimée)",
        "Montant transférable",
    )
    for j, text in enumerate(headers, start=2):
        write_cell(ws, row, j, text).font = Font(bold=True)
    sectors = diag.synthese_secteurs()
    for cat, label in (("MAPA", "MAPA"), ("Formalisé", "Formalisés")):
        for sector in sectors.loc[cat].index:
            row += 1
            values = sectors.loc[(cat, sector)]
            write_cell(ws, row, 1, f"{label}, {sector}")
            for j, name in enumerate(
                ("part_montant_fort_ou_moyen", "part_montant_fort", "part_montant_transferable"), 2
            ):
                value = values[name]
                write_cell(ws, row, j, None if pd.isna(value) else float(value), PERCENT)
            write_cell(ws, row, 5, float(values["montant_transferable"]), EURO)
    write_cell(
        ws,
        row + 1,
        1,
        "Dénominateur\u00a0: montant des marchés jugés (fort, moyen ou faible) de chaque catégorie\u00a0; "
        "marchés indéterminés et doublons exclus. Montant transférable\u00a0: montant × part que le secteur "
        "peut réaliser (100\u00a0% en fort, part estimée du lot en moyen).",
    ).font = Font(italic=True, size=9)
    return row + 3


def _warnings(ws, row: int, diag, detail_beside, max_rows) -> int:
    """Lines a reader must not miss: fictitious providers, places outside the directory's area, detail apart."""
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
    for sector in check["secteurs_sans_prestataire"]:
        text = (
            f"Aucun prestataire {sector} dans l’annuaire\u00a0: le niveau {sector} est « indéterminé » pour tous "
            "les marchés. Donner un annuaire qui en contient (--annuaire)."
        )
        write_cell(ws, row, 1, text).font = Font(bold=True, color="C00000")
        row += 1
    kinds = check["prestataires_par_type"]
    shown = ", ".join(
        f"{n:,} {k}".replace(",", "\u202f") for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])
    )
    write_cell(ws, row, 1, f"Annuaire\u00a0: {shown}.")
    row += 1
    if check["couverture_ea_inconnue"]:
        for line in (
            "Couverture des entreprises adaptées (EA) inconnue\u00a0: aucune liste ouverte des EA n’existe,",
            "le niveau ESAT/EA repose sur les seuls ESAT. Ajouter les EA du territoire avec --annuaire",
            "(export du Marché de l’inclusion ou de GESAT).",
        ):
            write_cell(ws, row, 1, line).font = Font(bold=True, color="9C5700")
            row += 1
    outside = check["part_hors_zone_couverte"]
    if outside is not None:
        shown = f"{outside * 100:.1f}".replace(".", ",")
        text = (
            f"{shown} % des marchés jugés ont leur lieu hors de la zone couverte par l’annuaire "
            "(aucun prestataire, tous métiers confondus)."
        )
        write_cell(ws, row, 1, text).font = Font(
            bold=True, color="C00000" if outside > diag.parametres.part_hors_zone_alerte else "000000"
        )
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
    return row


def _levels_by_procedure(ws, row: int, s: pd.DataFrame) -> int:
    """Contracts and amounts by level and procedure category, and their chart; returns the last row."""
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
    return row


def _familles(book, diag) -> None:
    ws = new_sheet(book, "Familles", "Volume d’achats transférables par famille de métiers")
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
    ws = new_sheet(book, "Directions", "Volume transférable par direction acheteuse et par acheteur")
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
