"""The Excel report a purchasing director forwards as is (11 sheets, in French, print-ready).

Used only by :meth:`Diagnostic.to_excel` and the command line. Every sheet has a title, the buyer and the
period, the date and a header and footer on paper (page n / N); amounts and shares are numbers with € and %
formats; no cell written from data can start a formula (see :mod:`.excel`).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .._reference import HORS_CHAMP
from .._utils import NBSP, collector_paused, fr_int
from .charts import bar_chart
from .csv import write_csv
from .detail_sheets import calendrier_sheet, marches_sheet, prestataires_sheet, qualite_sheet
from .excel import BOLD, COUNT, EURO, NOTE, PERCENT, Book, amount_unit, write_cell, write_table
from .layout import CHART_COLOURS, EXCEL_MAX_ROWS, ROW_CM, Memo, ReportInfo, new_sheet, print_rows
from .messages_sheet import messages_sheet
from .method_sheet import glossaire_sheet, methode_sheet

SECTOR_COLUMNS = ("esat_ea", "siae")


def write_report(diag, path, *, max_rows: int | None = None, titre=None, acheteur=None, periode=None) -> Path:
    """Write the report; beyond ``max_rows`` contracts (``Settings.lignes_classeur`` by default) the
    Marchés sheet keeps the first ones, the opportunities first, and the whole detail goes to a CSV beside it.

    ``titre``, ``acheteur`` and ``periode`` head every page (defaults: the buyer names and the notification
    dates read).
    """
    with collector_paused():  # tens of thousands of cells, without cycles (see collector_paused)
        return _write_report(Memo(diag), Path(path), max_rows, titre, acheteur, periode)


def _write_report(diag: Memo, path: Path, max_rows, titre, acheteur, periode) -> Path:
    max_rows = min(max_rows or diag.parametres.lignes_classeur, EXCEL_MAX_ROWS - 10)
    info = ReportInfo.of(diag, titre, acheteur, periode)
    detail_beside = None
    if len(diag.contrats) > max_rows:
        detail_beside = path.with_suffix(".marches.csv")
        write_csv(diag.contrats, detail_beside, format="standard")
    book = _book(path, info)
    messages_sheet(book, diag, info)
    _synthese(book, diag, info, detail_beside, max_rows)
    _familles(book, diag, info)
    _directions(book, diag, info)
    marches_sheet(book, diag, info, max_rows)
    calendrier_sheet(book, diag, info)
    prestataires_sheet(book, diag, info)
    qualite_sheet(book, diag, info)
    methode_sheet(book, diag, info)
    glossaire_sheet(book, info)
    return book.close()


def write_aggregate_report(diag, path, *, detail) -> tuple[Path, Path | None]:
    """The report of a national run: summaries only; the per-contract detail is in ``detail`` (parquet or
    CSV). Returns the report and the CSV of every direction written beside it, None when the Directions sheet
    holds them all."""
    path, diag = Path(path), Memo(diag)
    info = ReportInfo.of(diag)
    if detail is None:
        note = f"Marchés : {fr_int(len(diag.contrats))} ; le détail par marché n’a pas été écrit."
    else:
        kind = "parquet" if Path(detail).suffix.lower() == ".parquet" else "CSV"
        note = (
            f"Marchés : {fr_int(len(diag.contrats))} ; le détail par marché est dans {Path(detail).name} "
            f"({kind}), trop grand pour Excel."
        )
    book = _book(path, info)
    _synthese(book, diag, info, note, EXCEL_MAX_ROWS)
    _familles(book, diag, info)
    beside = _directions(book, diag, info, beside=path.with_suffix(".directions.csv"))
    methode_sheet(book, diag, info)
    glossaire_sheet(book, info)
    return book.close(), beside


def _book(path: Path, info: ReportInfo) -> Book:
    return Book(path, {"title": info.titre, "subject": f"{info.acheteur} — {info.periode}", "author": "transferability",
                       "keywords": "ESAT, EA, SIAE, marchés réservés, L2113-12, L2113-13, clause sociale"})  # fmt: skip


def _synthese(book, diag, info: ReportInfo, detail_beside, max_rows) -> None:
    ws = new_sheet(book, info, "Synthèse", "Synthèse : niveaux et parts par procédure et par secteur")
    s = diag.synthese()
    row = _sectors(ws, diag)
    row = _warnings(ws, row + 1, diag, detail_beside, max_rows)
    row = _levels_by_procedure(ws, row + 1, s, diag.parametres)
    ws.widths[1] = 24
    ws.area = (row, 11)


def _sectors(ws, diag) -> int:
    """The headline shares per procedure category and sector."""
    write_cell(ws, 5, 1, "Part du montant jugé, par procédure et par secteur", style=BOLD)
    table = diag.synthese_secteurs().reset_index()
    table = table[table["categorie_procedure"].isin(["MAPA", "Formalisé", "Ensemble"])]
    table = table[["categorie_procedure", "secteur", "montant_total", "part_montant_fort_ou_moyen",
                   "part_montant_fort", "part_montant_transferable", "montant_transferable"]]  # fmt: skip
    table.columns = ["Procédure", "Secteur", "Montant total", "En marchés fort ou moyen", "En marchés fort",
                     "Transférable", "Montant transférable"]  # fmt: skip
    shares = ("En marchés fort ou moyen", "En marchés fort", "Transférable")
    row = write_table(ws, table, 6, {**dict.fromkeys(shares, PERCENT), "Montant total": EURO,
                                     "Montant transférable": EURO}, autofilter=False)  # fmt: skip
    write_cell(
        ws, row, 1,
        "Dénominateur : montant des marchés jugés (fort, moyen ou faible) ; marchés indéterminés, doublons et "
        "montants aberrants exclus. Transférable : montant × part que le secteur peut réaliser.", style=NOTE,
    )  # fmt: skip
    return row + 1


def _warnings(ws, row: int, diag, detail_beside, max_rows) -> int:
    """Lines a reader must not miss: a sector missing, EA coverage, places outside the directory's area."""
    check = diag.controle_territoire()
    lines = []
    for sector in check["secteurs_sans_prestataire"]:
        lines.append((f"Aucun prestataire {sector} dans l’annuaire : le niveau {sector} est « indéterminé » pour "
                      "tous les marchés. Donner un annuaire qui en contient (--annuaire).", "C00000"))  # fmt: skip
    kinds = check["prestataires_par_type"]
    shown = ", ".join(f"{fr_int(n)} {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    lines.append((f"Annuaire : {shown}.", None))
    if check["couverture_ea_inconnue"]:
        lines.append(("Couverture des entreprises adaptées (EA) inconnue : aucune liste ouverte des EA n’existe, le "
                      "niveau ESAT, EA repose sur les seuls ESAT. Ajouter les EA du territoire avec --annuaire "
                      "(export du Marché de l’inclusion ou de GESAT).", "9C5700"))  # fmt: skip
    outside = check["part_hors_zone_couverte"]
    if outside is not None:
        shown = f"{outside * 100:.1f}".replace(".", ",")
        alert = outside > diag.parametres.part_hors_zone_alerte
        lines.append((f"{shown} % des marchés jugés ont leur lieu hors de la zone couverte par l’annuaire (aucun "
                      "prestataire, tous métiers confondus).", "C00000" if alert else None))  # fmt: skip
    if isinstance(detail_beside, str):
        lines.append((detail_beside, None))
    elif detail_beside is not None:
        lines.append((f"Plus de {fr_int(max_rows)} marchés : la feuille Marchés montre les {fr_int(max_rows)} premiers, "
                      f"les occasions d’abord ; le détail complet est dans {detail_beside.name}.",
                      "C00000"))  # fmt: skip
    for text, colour in lines:
        write_cell(ws, row, 1, text, style={"bold": True, "font_color": f"#{colour}"} if colour else None)
        row += 1
    return row


def _levels_by_procedure(ws, row: int, s: pd.DataFrame, settings) -> int:
    """Contracts and amounts by level and procedure category (categories with contracts only), and their
    chart in k€ (M€ for large amounts)."""
    s = s[s["nb_marches"] > 0]
    names = {"categorie_procedure": "Procédure", "nb_marches": "Marchés", "nb_fort": "Fort", "nb_moyen": "Moyen",
             "nb_faible": "Faible", "nb_indéterminé": "Indéterminé", "montant_total": "Montant total"}  # fmt: skip
    table = s.reset_index()[list(names)].rename(columns=names)
    divisor, unit, number_format = amount_unit(s["montant_total"].iloc[:-1].max(), settings)
    for level in ("fort", "moyen", "faible"):
        table[f"Montant {level} ({unit})"] = (s[f"montant_{level}"].to_numpy() / divisor).round(0)
    table["dont maxima d’accords-cadres"] = s["montant_maxima_accords_cadres"].to_numpy()
    write_cell(ws, row, 1, "Marchés et montants par niveau (le meilleur des deux secteurs)", style=BOLD)
    start = row + 1
    end = write_table(ws, table, start, {"Montant total": EURO, "dont maxima d’accords-cadres": EURO,
                                         **{c: number_format for c in table.columns if f"({unit})" in c},
                                         **{c: COUNT for c in ("Marchés", "Fort", "Moyen", "Faible")}},
                      autofilter=False, widths={"Procédure": 24}, wrap=("Procédure",))  # fmt: skip
    ws.freeze = None
    categories = len(table) - 1  # the last row is Ensemble: not charted beside its parts
    bar_chart(ws, f"Montant par niveau et procédure ({unit} HT)", (8, 10, start, start + categories),
              (1, start + 1, start + categories), (end + 1, 1), horizontal=False, stacked=True,
              colours=[CHART_COLOURS[lv] for lv in ("fort", "moyen", "faible")], number_format=number_format,
              size=(8, 22))  # fmt: skip
    return end + 17


CHART_MAX_CM = 10.5  # a family chart's height at most: with its table of thirteen families, one page


def _familles(book, diag, info: ReportInfo) -> None:
    """The reference diagnostic's two charts: transferable volume by trade family, MAPA and formal, sorted,
    each under its table."""
    ws = new_sheet(
        book, info, "Familles", "Volume transférable par famille de métiers, MAPA et marchés formalisés"
    )
    row = 5
    for cat, label in (("MAPA", "MAPA"), ("Formalisé", "Marchés formalisés")):
        fam = diag.par_famille(categorie=cat)
        divisor, unit, number_format = amount_unit(fam["montant_transferable"].max(), diag.parametres)
        fam = _by_family(fam, divisor, unit)
        if row > 5:  # each category on its own page: its table is not cut from its heading or its chart
            ws.breaks.append(row - 1)
        write_cell(ws, row, 1, label, style={"bold": True, "font_size": 12})
        if fam.empty:
            write_cell(ws, row + 1, 1, "Aucun montant transférable.")
            row += 3
            continue
        end = write_table(ws, fam, row + 1, {f"Transférable ({unit})": number_format, "Part du transférable": PERCENT,
                                             "Montant fort ou moyen": EURO, "Montant total": EURO},
                          autofilter=False)  # fmt: skip
        # every family named on its axis (0.7 cm a bar), the table and its chart on one printed page
        height = min(3.0 + 0.7 * len(fam), CHART_MAX_CM)
        bar_chart(ws, f"{label} : volume transférable par famille ({unit} HT)", (3, 3, row + 1, end - 1),
                  (1, row + 2, end - 1), (end + 1, 1), colours=["1F4E78"], number_format=number_format,
                  size=(height, 22))  # fmt: skip
        row = end + 1 + math.ceil(height / ROW_CM) + 1  # the chart's rows (15 points each), then a blank one
    ws.freeze = None
    ws.widths[1] = 46
    ws.area = (row - 1, 6)


def _directions_table(d: pd.DataFrame) -> pd.DataFrame:
    """The Directions sheet's columns, from :meth:`Diagnostic.par_direction` (largest transferable first)."""
    return pd.DataFrame(
        {
            "Direction ou acheteur": d["direction"],
            "Marchés": d["nb_marches"],
            "Fort": d["nb_fort"],
            "Moyen": d["nb_moyen"],
            "Montant total": d["montant_total"],
            "Transférable": d["montant_transferable"],
            "Part transférable": d["montant_transferable"] / d["montant_total"].where(d["montant_total"] > 0),
            "dont ESAT, EA": d["montant_transferable_esat_ea"],
            "dont SIAE": d["montant_transferable_siae"],
            "Recommandation principale": d["recommandation_principale"],
        }
    )


def _by_family(fam: pd.DataFrame, divisor: float, unit: str) -> pd.DataFrame:
    """One category's families with a transferable amount, largest first (Hors champ left out), the
    transferable amount in ``unit`` (k€ or M€: ``divisor``)."""
    fam = fam.reset_index()
    fam = fam[(fam["montant_transferable"] > 0) & fam["famille"].ne(HORS_CHAMP)]
    total = fam["montant_transferable"].sum()
    return pd.DataFrame(
        {
            "Famille": fam["famille"],
            "Marchés": fam["nb_marches"],
            f"Transférable ({unit})": (fam["montant_transferable"] / divisor).round(0),
            "Part du transférable": fam["montant_transferable"] / total if total else 0.0,
            "Montant fort ou moyen": fam["montant_fort_ou_moyen"],
            "Montant total": fam["montant_total"],
        }
    )


def _directions(book, diag, info: ReportInfo, beside: Path | None = None) -> Path | None:
    """Per direction (or buyer): amounts, the transferable share, and what to do first. With ``beside``
    (a national run), the sheet keeps the ``Settings.lignes_directions`` largest transferable amounts and
    the whole table goes to that CSV file, which is returned (None when not written)."""
    ws = new_sheet(book, info, "Directions", "Par direction acheteuse : volume, part transférable, recommandation",
                   repeat_header=True)  # fmt: skip
    table = _directions_table(diag.par_direction().reset_index())
    kept = diag.parametres.lignes_directions
    if beside is not None and len(table) > kept:
        write_csv(table, beside)
        write_cell(ws, 4, 1, f"Les {fr_int(kept)} directions ou acheteurs au plus fort montant transférable, sur "
                             f"{fr_int(len(table))}{NBSP}; tous sont dans {beside.name}.", style=NOTE)  # fmt: skip
        table = table.head(kept)
    else:
        beside = None
    end = write_table(ws, table, 5, {"Montant total": EURO, "Transférable": EURO, "Part transférable": PERCENT,
                                     "dont ESAT, EA": EURO, "dont SIAE": EURO, "Marchés": COUNT},
                      widths={"Direction ou acheteur": 30, "Recommandation principale": 40},
                      raw=("Direction ou acheteur",), wrap=("Direction ou acheteur", "Recommandation principale"))  # fmt: skip
    ws.freeze = (6, 2)
    print_rows(ws, len(table.columns), 5, min(end - 1, 5 + diag.parametres.lignes_imprimees))
    return beside
