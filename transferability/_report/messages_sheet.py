"""The first sheet: the key messages a purchasing director reads, and the action plan, on one or two pages."""

from __future__ import annotations

import pandas as pd

from .._utils import NBSP, THIN, fr_amount, fr_count, fr_pct
from .excel import COUNT, EURO, PERCENT, WRAPPED, Sheet, write_cell, write_table
from .layout import ReportInfo, new_sheet

RED = {"bg_color": "#FDE2E2", "pattern": 1}
SECTION = {"bold": True, "font_size": 12, "font_color": "#1F4E78"}
WIDTHS = (38, 22, 14, 14, 13, 13, 34)  # columns A to G


class _Writer:
    """Writes the sheet top to bottom: sections, sentences and small tables."""

    def __init__(self, ws: Sheet, row: int):
        self.ws, self.row = ws, row

    def section(self, text: str) -> None:
        self.row += 1
        write_cell(self.ws, self.row, 1, text, style=SECTION)
        self.row += 1

    def say(self, text: str, bold: bool = False, colour: str | None = None, fill: dict | None = None) -> None:
        style = {**WRAPPED, "bold": bold, **({"font_color": f"#{colour}"} if colour else {}), **(fill or {})}
        self.ws.merge(self.row, 1, len(WIDTHS), text, style)
        self.ws.heights[self.row] = 15 * (1 + len(text) // 135)
        self.row += 1

    def table(self, frame: pd.DataFrame, formats: dict, raw: tuple[str, ...] = ()) -> None:
        wrap = (*raw, "Recommandation")
        self.row = (
            write_table(self.ws, frame, self.row, formats, autofilter=False, raw=raw, wrap=wrap, fit=False)
            + 1
        )


def messages_sheet(book, diag, info: ReportInfo) -> None:
    """Write the « Messages clés » sheet (see the module's docstring)."""
    ws = new_sheet(book, info, "Messages clés", info.titre)
    ws.widths.update(enumerate(WIDTHS, start=1))
    w = _Writer(ws, 5)
    s, t = diag.synthese(), diag.contrats[~diag.contrats["doublon"].astype(bool)]
    _blocking(w, diag)
    _read(w, diag, s, t)
    _headline(w, diag, s)
    _years(w, diag)
    _where(w, diag)
    _opportunities(w, diag, t)
    _already(w, t)
    _plan(w, diag, t)
    ws.freeze = None
    ws.area = (w.row, len(WIDTHS))


def _blocking(w: _Writer, diag) -> None:
    """The red block when too little could be judged: why, and what to do."""
    check = diag.controle_territoire()
    judged, unknown = check["part_jugee"], check["part_territoire_inconnu"]
    if judged >= diag.parametres.part_jugee_min:
        return
    lines = [
        f"Diagnostic incomplet{NBSP}: {fr_pct(judged)} seulement des marchés ont pu être jugés "
        f"(seuil{NBSP}: {fr_pct(diag.parametres.part_jugee_min)}). Les parts ci-dessous ne valent pas pour "
        "l’ensemble des achats.",
    ]
    if unknown > diag.parametres.part_territoire_inconnu_alerte:
        lines.append(
            f"{fr_pct(unknown)} des marchés n’ont ni lieu d’exécution reconnu ni département d’acheteur{NBSP}: "
            "relancer avec le territoire de l’acheteur (transferability diagnostic … --territoire 73)."
        )
    lines.append("Le détail des causes est dans la feuille Qualité des données.")
    for line in lines:
        w.say(line, bold=True, colour="9C0006", fill=RED)


def _read(w: _Writer, diag, s: pd.DataFrame, t: pd.DataFrame) -> None:
    w.section("1. Les marchés lus")
    parts = [
        f"{fr_count(s.loc[cat, 'nb_marches'], *labels)} ({fr_amount(s.loc[cat, 'montant_total'])} HT)"
        for cat, labels in (
            ("MAPA", ("MAPA", "MAPA")),
            ("Formalisé", ("marché formalisé", "marchés formalisés")),
        )
        if s.loc[cat, "nb_marches"]
    ]
    others = int(s.loc["Ensemble", "nb_marches"] - s.loc[["MAPA", "Formalisé"], "nb_marches"].sum())
    if others:
        parts.append(f"{fr_count(others, 'autre', 'autres')} (sans publicité ou procédure inconnue)")
    judged = int((t["niveau"].astype(str) != "indéterminé").sum())
    text = (
        f"{fr_count(len(diag.contrats), 'marché lu', 'marchés lus')}, {_period_read(diag)}{NBSP}: "
        + ", ".join(parts)
        + f". {fr_count(judged, 'jugé', 'jugés')}"
    )
    duplicates = int(diag.contrats["doublon"].sum())
    if duplicates:
        text += f", {fr_count(duplicates, 'doublon écarté', 'doublons écartés')}"
    absurd = int(s.loc["Ensemble"].get("nb_montants_aberrants", 0))
    if absurd:
        text += (
            f", {fr_count(absurd, 'montant de remplissage ou aberrant', 'montants de remplissage ou aberrants')} "
            f"(moins de {fr_amount(diag.parametres.montant_min_plausible)}, 999{THIN}999{THIN}999{NBSP}€…) "
            f"{'exclu' if absurd < 2 else 'exclus'} des totaux"
        )
    maxima = s.loc["Ensemble", "montant_maxima_accords_cadres"]
    if maxima:
        text += f"{NBSP}; {fr_amount(maxima)} sont des maxima d’accords-cadres, non des montants dépensés"
    w.say(text + ".")


def _period_read(diag) -> str:
    dates = pd.to_datetime(diag.contrats["date_notification"]).dropna()
    if dates.empty:
        return "sans date de notification"
    if dates.min() == dates.max():
        return f"{'notifié' if len(dates) < 2 else 'notifiés'} le {dates.min():%d/%m/%Y}"
    return f"notifiés du {dates.min():%d/%m/%Y} au {dates.max():%d/%m/%Y}"


def _headline(w: _Writer, diag, s: pd.DataFrame) -> None:
    w.section("2. La part transférable, par secteur")
    for cat, label in (("MAPA", "Des MAPA"), ("Formalisé", "Des marchés formalisés")):
        if not s.loc[cat, "nb_marches"]:
            continue
        row = s.loc[cat]
        w.say(
            f"{label}, {fr_pct(row['part_montant_transferable_sur_juges'])} du montant est transférable "
            f"({fr_amount(row['montant_transferable'])}{NBSP}: {fr_pct(row['part_montant_transferable_esat_ea'])} vers "
            f"les ESAT et EA, {fr_pct(row['part_montant_transferable_siae'])} vers les SIAE). Les marchés jugés fort "
            f"ou moyen pèsent {fr_pct(row['part_montant_fort_ou_moyen_sur_juges'])} du montant, mais un marché moyen "
            f"ne l’est qu’en partie (un lot)"
            + (
                f"{NBSP}; les {diag.parametres.nb_plus_gros_marches} plus gros en portent "
                f"{fr_pct(row['part_plus_gros_fort_ou_moyen'])}."
                if row["part_plus_gros_fort_ou_moyen"] == row["part_plus_gros_fort_ou_moyen"]
                else "."
            ),
            bold=True,
        )
    table = diag.synthese_secteurs().loc[["MAPA", "Formalisé"]].reset_index()
    table["categorie_procedure"] = table["categorie_procedure"].replace({"Formalisé": "Formalisés"})
    table = table[["categorie_procedure", "secteur", "part_montant_fort_ou_moyen", "part_montant_fort",
                   "part_montant_transferable", "montant_transferable"]]  # fmt: skip
    table.columns = ["Procédure", "Secteur", "En marchés fort ou moyen", "En marchés fort", "Transférable",
                     "Montant transférable"]  # fmt: skip
    shares = ("En marchés fort ou moyen", "En marchés fort", "Transférable")
    w.table(table, {**dict.fromkeys(shares, PERCENT), "Montant transférable": EURO})
    w.say(
        "Parts du montant des marchés jugés. Transférable : montant × part que le secteur peut réaliser "
        "(100 % en fort, part estimée du lot en moyen). ESAT et EA : réservation L2113-12 et déduction FIPHFP ; "
        "SIAE : réservation L2113-13."
    )


def _years(w: _Writer, diag) -> None:
    years = diag.synthese_annuelle()
    years = years[years["annee"].notna()]
    if years.empty:
        return
    w.section("3. Par année de notification")
    table = years[["annee", "nb_marches", "montant", "montant_transferable", "montant_transferable_esat_ea",
                   "montant_transferable_siae"]].copy()  # fmt: skip
    table["annee"] = table["annee"].astype(int).astype(str)
    table.columns = ["Année", "Marchés", "Montant HT", "Transférable", "dont ESAT, EA", "dont SIAE"]
    w.table(table, {"Marchés": COUNT, **dict.fromkeys(table.columns[2:], EURO)})


def _where(w: _Writer, diag) -> None:
    w.section("4. Où est le potentiel")
    fam = diag.par_famille().reset_index()
    fam = fam[fam["montant_transferable"] > 0].head(5)
    total = diag.synthese().loc["Ensemble", "montant_transferable"]
    if len(fam):
        named = ", ".join(f"{r.famille} ({fr_pct(r.montant_transferable / total)})" for r in fam.itertuples())
        w.say(f"Familles de métiers qui portent le montant transférable{NBSP}: {named}.")
    directions = diag.par_direction().reset_index()
    directions = directions[directions["montant_transferable"] > 0].head(5)
    if len(directions):
        named = ", ".join(
            f"{_direction_name(r.direction)} ({fr_amount(r.montant_transferable)})"
            for r in directions.itertuples()
        )
        w.say(f"Directions ou acheteurs qui le portent{NBSP}: {named}. Le détail est dans les feuilles Familles "
              "et Directions.")  # fmt: skip


def _direction_name(label: str) -> str:
    """A direction, or a buyer by its name, or by its SIRET when the file gives no name."""
    name = label.removeprefix("(acheteur) ")
    return f"acheteur {name}" if name.isdigit() else name


def _opportunities(w: _Writer, diag, t: pd.DataFrame) -> None:
    top = t[t["niveau"].isin(["fort", "moyen"])].sort_values("montant_transferable", ascending=False).head(10)
    if top.empty:
        return
    calendar = diag.calendrier()
    renewal = pd.Series(
        calendar["date_renouvellement"].to_numpy(), index=diag.contrats.index[calendar["ligne"]]
    )
    w.ws.breaks.append(w.row)  # the list starts the second page
    w.section("5. Les dix premières occasions")
    table = pd.DataFrame(
        {
            "Objet": top["objet"].fillna("(objet absent)").map(lambda o: o if len(o) <= 90 else o[:88] + "…"),
            "Acheteur ou direction": top["direction"]
            .fillna(top["acheteur_nom"])
            .fillna(top["acheteur_id"])
            .fillna(""),
            "Montant HT": top["montant"],
            "Transférable": top["montant_transferable"],
            "Niveau": top["niveau"].astype(str),
            "Échéance": renewal.reindex(top.index).to_numpy(),
            "Recommandation": top["recommandation"].astype(str).str.split(" (partie", regex=False).str[0],
        }
    )
    w.table(table, {"Montant HT": EURO, "Transférable": EURO}, raw=("Objet", "Acheteur ou direction"))


def _already(w: _Writer, t: pd.DataFrame) -> None:
    w.section("6. Ce qui est déjà acheté au secteur")
    holders = t["titulaire_inclusif"].astype(bool)
    social = t["consideration_sociale_existante"].notna()
    said = (
        f"{fr_count(holders.sum(), 'marché a', 'marchés ont')} pour titulaire une structure inclusive de l’annuaire "
        f"({fr_amount(t.loc[holders, 'montant'].astype(float).sum())} HT)"
        if holders.any()
        else "Aucun marché n’a pour titulaire une structure inclusive de l’annuaire"
    )
    said += (
        f"{NBSP}; {fr_count(social.sum(), 'porte', 'portent')} déjà une considération sociale déclarée (clause sociale, marché "
        "réservé)."
        if social.any()
        else f"{NBSP}; aucun ne déclare de considération sociale (clause sociale, marché réservé)."
    )
    w.say(said + " Les achats aux ESAT, EA et SIAE hors marchés publiés n’y figurent pas.")


def _plan(w: _Writer, diag, t: pd.DataFrame) -> None:
    w.section("7. Plan d’action")
    settings = diag.parametres
    calendar = diag.calendrier()
    soon = calendar[calendar["date_renouvellement"] <= pd.Timestamp(settings.reference) + pd.DateOffset(months=settings.horizon_mois)]  # fmt: skip
    prepare = (
        f" Préparer {'sa réservation ou son lot' if len(soon) < 2 else 'leur réservation ou leur lot'} réservé "
        f"{settings.delai_lancement_mois} mois avant l’échéance (dates de lancement dans la feuille Calendrier)."
        if len(soon)
        else ""
    )
    w.say(
        f"Dans les {settings.horizon_mois} mois{NBSP}: "
        f"{fr_count(len(soon), 'marché fort ou moyen se renouvelle', 'marchés fort ou moyen se renouvellent')} "
        f"({fr_amount(soon['montant_transferable'].sum())} transférables).{prepare}",
        bold=True,
    )
    moyen = t["niveau"].eq("moyen")
    sourcing = t["recommandation"].astype(str).str.startswith("Sourcer")
    w.say(
        f"Allotir et sourcer{NBSP}: {fr_count(moyen.sum(), 'marché moyen se prête', 'marchés moyen se prêtent')} "
        "à un lot réservé "
        f"({fr_amount(t.loc[moyen, 'montant_transferable'].sum())} transférables)"
        f"{NBSP}; "
        + fr_count(
            sourcing.sum(),
            "marché au potentiel fort ou moyen n’a aucun prestataire du secteur qui couvre son lieu",
            "marchés au potentiel fort ou moyen n’ont aucun prestataire du secteur qui couvre leur lieu",
        )
        + f" ({fr_amount(t.loc[sourcing, 'montant'].astype(float).sum())} HT){NBSP}: rencontrer les "
        f"ESAT, EA et SIAE voisins avant {'son' if sourcing.sum() < 2 else 'leur'} renouvellement.",
        bold=True,
    )
    clause = t["recommandation"].astype(str).str.startswith("Clause")
    w.say(
        f"À plus long terme{NBSP}: "
        + fr_count(
            clause.sum(),
            "marché de main-d’œuvre hors de portée du secteur appelle",
            "marchés de main-d’œuvre hors de portée du secteur appellent",
        )
        + f" une clause sociale d’insertion ({fr_count(t.loc[clause, 'heures_insertion_clause'].sum(), 'heure', 'heures')} "
        "d’insertion par an)"
        + _capacity(t)
        + ". Partager ces besoins avec le réseau pour que l’offre se développe.",
        bold=True,
    )


def _capacity(t: pd.DataFrame) -> str:
    """The trades where the potential most often exceeds the local offer."""
    blocked = t[t["recommandation"].astype(str).str.startswith("Sourcer")]
    if blocked.empty:
        return ""
    top = blocked.groupby("metier")["montant"].sum().sort_values(ascending=False).head(3)
    return f"{NBSP}; métiers où le besoin dépasse l’offre locale{NBSP}: " + ", ".join(top.index.str.lower())
