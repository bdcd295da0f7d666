"""The page layout every sheet of the report shares, and the report's constants."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .._utils import clock as _clock
from .._utils import fr_int
from .excel import NOTE, TITLE, Book, Sheet, french, write_cell

EXCEL_MAX_ROWS = 1_048_576
CHART_COLOURS = {"fort": "2E7D32", "moyen": "F08C00", "faible": "9E9E9E"}
ROW_CM = 15 * 2.54 / 72  # a row of the default height (15 points), in centimetres: how far a chart reaches
LEVEL_COLOURS = {"fort": "C6EFCE", "moyen": "FFD8A8", "faible": "D9D9D9", "indéterminé": "F2F2F2"}
SOURCES = "Sources : voir la feuille Méthode."
# the Marchés sheet: the printed columns first (up to Recommandation), then the rest, on screen only
MARCHES_PRINTED = {
    "id_contrat": "Référence",
    "objet": "Objet",
    "acheteur_nom": "Acheteur",
    "montant": "Montant HT",
    "categorie_procedure": "Procédure",
    "niveau": "Niveau",
    "niveau_esat_ea": "ESAT, EA",
    "niveau_siae": "SIAE",
    "part_transferable": "Part transférable",
    "montant_transferable": "Montant transférable",
    "recommandation": "Recommandation",
}
MARCHES_COLUMNS = {
    **MARCHES_PRINTED,
    "direction": "Direction",
    "famille": "Famille",
    "metier": "Métier",
    "capacite": "Capacité",
    "proba_capacite": "Confiance",
    "explication": "Explication",
    "montant_transferable_esat_ea": "Transférable ESAT, EA",
    "montant_transferable_siae": "Transférable SIAE",
    "recommandation_esat_ea": "Recommandation ESAT, EA",
    "recommandation_siae": "Recommandation SIAE",
    "montant_nature": "Nature du montant",
    "nb_prestataires": "Prestataires couvrant",
    "nb_handicap": "dont ESAT, EA",
    "nb_insertion": "dont SIAE",
    "distance_plus_proche_km": "Plus proche (km)",
    "heures_insertion_clause": "Heures d’insertion (clause)",
    "heures_travail_reserve": "Heures (marché réservé)",
    "deduction_fiphfp_estimee": "Déduction FIPHFP estimée",
    "date_notification": "Notification",
    "date_renouvellement": "Renouvellement",
    "consideration_sociale_existante": "Considération sociale existante",
    "titulaire_inclusif": "Titulaire inclusif",
    "montant_aberrant": "Montant aberrant",
    "source_fichier": "Fichier",
    "source_ligne": "Ligne",
}


class Memo:
    """A diagnostic whose views (``synthese()``, ``calendrier()``…) are computed once for the whole report:
    several sheets read the same summaries. The frames are shared: sheets copy before they change one.

    A view runs with the memo as ``self``, so that the views it reads (``synthese_secteurs`` reads
    ``synthese``) come from the memo too."""

    def __init__(self, diag):
        self._diag, self._memo = diag, {}

    def __getattr__(self, name: str):
        attr = getattr(self._diag, name)
        if not callable(attr):
            return attr
        method = getattr(type(self._diag), name, None)

        def call(*args, **kwargs):
            key = (name, args, tuple(sorted(kwargs.items())))
            if key not in self._memo:
                self._memo[key] = method(self, *args, **kwargs) if callable(method) else attr(*args, **kwargs)
            return self._memo[key]

        return call


@dataclass(frozen=True)
class ReportInfo:
    """What the report says of itself on every page: its title, the buyer, the period."""

    titre: str
    acheteur: str
    periode: str

    @classmethod
    def of(cls, diag, titre=None, acheteur=None, periode=None) -> ReportInfo:
        """The given texts, else the buyer names and the notification dates read."""
        kept = diag.contrats[~diag.contrats["doublon"].astype(bool)]
        return cls(
            titre
            or "Diagnostic de transférabilité des achats vers les secteurs protégé, adapté et d’insertion",
            acheteur or _buyers(kept),
            periode or _period(kept),
        )


def _buyers(kept: pd.DataFrame) -> str:
    names = kept["acheteur_nom"].dropna().astype(str).str.strip()
    names = names[names.ne("")].value_counts()
    if names.empty:
        ids = kept["acheteur_id"].dropna().astype(str).nunique()
        if ids == 0:
            return "acheteur non renseigné"
        return f"{fr_int(ids)} acheteur{'s' if ids > 1 else ''} (noms absents du fichier)"
    if len(names) == 1:
        return names.index[0]
    if len(names) <= 3:
        return ", ".join(names.index[:-1]) + " et " + names.index[-1]
    return f"{fr_int(len(names))} acheteurs (le premier\u00a0: {names.index[0]})"


def _period(kept: pd.DataFrame) -> str:
    years = sorted(pd.to_datetime(kept["date_notification"]).dt.year.dropna().astype(int).unique())
    if not years:
        return "période inconnue (dates de notification absentes)"
    if len(years) == 1:
        return f"marchés notifiés en {years[0]}"
    if len(years) <= 4 and years[-1] - years[0] == len(years) - 1:
        return "marchés notifiés en " + ", ".join(map(str, years[:-1])) + f" et {years[-1]}"
    return f"marchés notifiés de {years[0]} à {years[-1]}"


def new_sheet(book: Book, info: ReportInfo, title: str, heading: str, repeat_header: bool = False) -> Sheet:
    """A sheet with its heading, the date and sources, and the print set-up every sheet shares: A4
    landscape, one page wide, header (title, buyer, period) and footer (sheet, page n / N, date)."""
    ws = book.sheet(title)
    write_cell(ws, 1, 1, heading, style=TITLE)
    write_cell(ws, 2, 1, f"{info.acheteur} — {info.periode}", raw=True)
    write_cell(ws, 3, 1, f"Produit le {_clock.today():%d/%m/%Y} par l’outil de diagnostic de transférabilité. "
                         f"{SOURCES}", style=NOTE)  # fmt: skip
    page = ws.ws
    page.set_landscape()
    page.set_paper(9)  # A4
    page.fit_to_pages(1, 0)
    page.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.75)
    page.center_horizontally()
    # « &8 » sets the size of what follows: the space ends the number before a text that starts with a digit
    page.set_header(f"&L&8 {_escape(info.titre)}&R&8 {_escape(f'{info.acheteur} — {info.periode}')}",
                    {"margin": 0.3})  # fmt: skip
    page.set_footer(f"&L&8 {_escape(title)}&C&8 Page &P / &N&R&8 {_clock.today():%d/%m/%Y}", {"margin": 0.3})
    if repeat_header:  # sheets with one table repeat its header on every printed page
        page.repeat_rows(4)
    return ws


def _escape(text: str, limit: int = 120) -> str:
    """Header and footer text: « & » starts a code there, so it is doubled; at most ``limit`` characters
    once doubled (Excel holds 255 for the whole header)."""
    text = french(text)[:limit]
    while len(text) + text.count("&") > limit:
        text = text[:-1]
    return text.replace("&", "&&")


def print_rows(ws: Sheet, last_col: int, first_row: int, last_row: int) -> None:
    """Print rows ``first_row`` to ``last_row`` of columns A to ``last_col`` only."""
    ws.area = (max(last_row, first_row), last_col)
