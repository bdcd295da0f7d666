"""The rules of the diagnostic: annual amount, dependency, level, recommendation and estimates of each contract.

Every threshold comes from :class:`~.settings.Settings`; each rule is written once, vectorised.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._reference import taxonomy as tx
from .settings import Settings

LEVELS = ("fort", "moyen", "faible")
UNDETERMINED = "indéterminé"
# the levels in their order, so that a sort or a table reads fort, moyen, faible, indéterminé
LEVEL_TYPE = pd.CategoricalDtype([*LEVELS, UNDETERMINED], ordered=True)


def annual_amounts(montant: pd.Series, duree_mois: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Annual amount (amount ÷ duration in years, at least one year) and where the duration was missing."""
    amount = pd.to_numeric(montant, errors="coerce").astype(float).to_numpy()
    months = pd.to_numeric(duree_mois, errors="coerce").astype(float).to_numpy()
    missing = np.isnan(months)
    years = np.where(missing, 1.0, np.maximum(months / 12.0, 1.0))
    return amount / years, missing


def judgeable(table: pd.DataFrame) -> np.ndarray:
    """Where the library can judge a contract: an object or a CPV code, and a known territory."""
    has_object = table["objet"].notna() & table["objet"].astype(str).str.strip().ne("")
    has_cpv = table["code_cpv"].astype(str).str.fullmatch(r"\d{8}").fillna(False)
    return ((has_object | has_cpv) & table["territoire"].ne("inconnu")).to_numpy(bool)


def levels(table: pd.DataFrame, settings: Settings, judged: np.ndarray) -> np.ndarray:
    """The default rule, over columns capacite, proba_capacite, nb_prestataires, dependance_economique;
    ``judged`` is False where the library cannot judge (see :func:`judgeable`)."""
    cap = table["capacite"].to_numpy(object)
    proba = table["proba_capacite"].astype(float).to_numpy()
    n = table["nb_prestataires"].to_numpy()
    dep_ok = settings.dependency_ok(table["dependance_economique"].astype(float).to_numpy())
    faible = (cap == "aucun") | (n == 0)
    fort = (
        (cap == "total")
        & (proba >= settings.seuil_proba_capacite)
        & (n >= settings.min_prestataires_fort)
        & dep_ok
    )
    out = np.where(faible, "faible", np.where(fort, "fort", "moyen")).astype(object)
    out[~np.asarray(judged, dtype=bool)] = UNDETERMINED
    return out


def recommendations(table: pd.DataFrame, settings: Settings) -> np.ndarray:
    """The recommendation of each contract (rule: :meth:`Settings.recommendation_rules`)."""
    level = table["niveau"].to_numpy(object)
    cap = table["capacite"].to_numpy(object)
    h, i, n = (table[c].to_numpy() for c in ("nb_handicap", "nb_insertion", "nb_prestataires"))
    dep_ok = settings.dependency_ok(table["dependance_economique"].astype(float).to_numpy())
    sector_best = np.maximum(h, i)
    law = np.where(h >= i, "Réservation L2113-12 (ESAT, EA)", "Réservation L2113-13 (SIAE)")
    lot = np.where(h >= i, "Lot réservé (ESAT, EA)", "Lot réservé (SIAE)")
    out = np.full(len(table), "Aucune", dtype=object)
    clause = n > settings.seuil_clause
    out[clause] = "Clause sociale d’exécution (L2112-2)"
    lots = sector_best > settings.seuil_lot_reserve
    out[lots] = lot[lots]
    reserve = (cap == "total") & (sector_best > settings.seuil_reservation) & dep_ok
    out[reserve] = law[reserve]
    out[np.isin(level, ("faible", UNDETERMINED))] = "Aucune"
    return out


def dependency(
    annual: np.ndarray, providers: list[np.ndarray], directory: pd.DataFrame, settings: Settings
) -> tuple[np.ndarray, list[str]]:
    """Annual amount over the covering providers' mean turnover (else their capacity), and the base used."""
    ca = pd.to_numeric(directory["chiffre_affaires"], errors="coerce").to_numpy(float)
    staff = pd.to_numeric(directory["effectif"], errors="coerce").to_numpy(float)
    dep, base = [], []
    for amount, chosen in zip(annual, providers, strict=True):
        known = ca[chosen][~np.isnan(ca[chosen])] if len(chosen) else np.array([])
        workers = staff[chosen][~np.isnan(staff[chosen])] if len(chosen) else np.array([])
        if np.isnan(amount) or not len(chosen):
            dep.append(np.nan)
            base.append("inconnue")
        elif len(known):
            dep.append(amount / known.mean())
            base.append("CA moyen des prestataires")
        elif len(workers) and workers.mean() > 0:
            dep.append(amount / (workers.mean() * settings.ca_par_etp))
            base.append("effectif moyen × CA par ETP")
        else:
            dep.append(np.nan)
            base.append("inconnue")
    return np.round(dep, 3), base


def estimates(table: pd.DataFrame, settings: Settings, directory: pd.DataFrame) -> dict[str, object]:
    """Hours of a social clause or of reserved work, FIPHFP deduction, renewal date, social considerations
    already there, and whether a holder is an inclusive provider of the directory."""
    share = table["famille"].map(tx.families()["part_main_oeuvre"].astype(float)).to_numpy(float)
    labour = table["montant_annuel"].astype(float).to_numpy() * share
    transferable = table["niveau"].isin(["fort", "moyen"]).to_numpy()
    handicap = transferable & (table["nb_handicap"].to_numpy() > 0)
    sirets = set(directory["siret"].dropna().astype(str))
    return {
        "heures_insertion_clause": np.where(
            transferable, np.round(labour / settings.cout_horaire * settings.taux_effort_insertion), np.nan
        ),
        "heures_travail_reserve": np.where(transferable, np.round(labour / settings.cout_horaire), np.nan),
        "deduction_fiphfp_estimee": np.where(handicap, np.round(settings.taux_fiphfp * labour), np.nan),
        "date_renouvellement": table["date_fin_estimee"],
        "consideration_sociale_existante": table["considerations_sociales"].map(
            lambda v: " ; ".join(v) if isinstance(v, list) and v else None
        ),
        "titulaire_inclusif": table["titulaires"].map(
            lambda hs: (
                any(str(h.get("id", "")).replace(" ", "") in sirets for h in hs)
                if isinstance(hs, list)
                else False
            )
        ),
    }
