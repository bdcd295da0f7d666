"""``diagnose``: the transferability of every contract, and the ``Diagnostic`` that holds it."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd

from .._classify import OUTPUT_COLUMNS
from .._errors import TransferabilityWarning
from .._reference import geography
from .._reference import taxonomy as tx
from .coverage import CoverageIndex, coverage
from .scoring import UNDETERMINED, Settings, annual_amounts, levels, recommendations

DIAGNOSTIC_COLUMNS = OUTPUT_COLUMNS + [
    "nb_prestataires",
    "nb_handicap",
    "nb_insertion",
    "nb_locaux",
    "distance_plus_proche_km",
    "candidats",
    "base_couverture",
    "territoire",
    "montant_annuel",
    "dependance_economique",
    "base_dependance",
    "niveau",
    "explication",
    "recommandation",
    "heures_insertion_clause",
    "heures_travail_reserve",
    "deduction_fiphfp_estimee",
    "date_renouvellement",
    "consideration_sociale_existante",
    "titulaire_inclusif",
]


def diagnose(
    contracts,
    directory=None,
    *,
    settings: Settings | None = None,
    model=None,
    level_model=None,
    n_jobs: int | None = None,
):
    """The transferability diagnostic of contracts.

    Parameters
    ----------
    contracts : DataFrame or path
        The canonical contract table (:func:`read_contracts`), or files to read.
    directory : DataFrame or path, optional
        Provider directory (:func:`read_directory`); the bundled sample directory by default.
    settings : Settings, optional
        Thresholds; defaults when None. Kept with the diagnostic.
    model : TradeClassifier, optional
        The trade classifier; the shipped model by default.
    level_model : LevelClassifier, optional
        A model fitted on a consultant's judgements, used instead of the default rule.
    n_jobs : int, optional
        Processes for the classification (joblib).

    Returns
    -------
    Diagnostic

    Examples
    --------
    >>> import transferability as tr
    >>> diag = tr.diagnose(tr.load_sample_contracts_path())
    >>> len(diag.contrats), sorted(diag.contrats["niveau"].unique())
    (710, ['faible', 'fort', 'moyen'])
    """
    from .._classify import load_model
    from .._contracts import read_contracts

    settings = settings or Settings()
    if isinstance(contracts, str | os.PathLike | list | tuple):
        contracts = read_contracts(contracts, today=settings.reference)
    index = coverage_index(_directory(directory))
    model = load_model() if model is None else model
    table, providers = score_table(contracts, index, settings, model, level_model, n_jobs)
    return Diagnostic(table, index.directory, settings, providers)


def coverage_index(directory: pd.DataFrame) -> CoverageIndex:
    """The directory prepared for coverage queries (reusable across chunks of contracts)."""
    return CoverageIndex(directory, list(tx.metiers()["metier_id"]), list(tx.family_labels()))


def score_table(contracts, index: CoverageIndex, settings: Settings, model, level_model=None, n_jobs=None):
    """Every stage after reading, on one table of contracts: the scored table and each row's providers."""
    from .._classify import classify_trades

    table = classify_trades(contracts, model, n_jobs=n_jobs)
    ids = tx.metiers().reset_index(drop=True).set_index("metier")["metier_id"]
    table["metier_id"] = table["metier"].map(ids)
    cov = coverage(table, index)
    providers = cov.pop("_prestataires")
    table = pd.concat([table, cov], axis=1)
    _dependency(table, providers, index.directory, settings)
    table["juge"] = _judgeable(table)
    if level_model is not None:
        from .scoring import level_features

        table["niveau"] = level_model.predict(level_features(table))
        table.loc[~table["juge"], "niveau"] = UNDETERMINED
    else:
        table["niveau"] = levels(table, settings)
    table["recommandation"] = recommendations(table, settings)
    _estimates(table, settings, index.directory)
    table["explication"] = _sentences(table)
    _warn(table)
    return table.drop(columns=["juge", "metier_id"]), providers


def _directory(directory):
    if directory is None:
        from .._datasets import load_sample_directory

        return load_sample_directory()
    if isinstance(directory, str | os.PathLike):
        from .._directory import read_directory

        return read_directory(directory)
    return directory


def _judgeable(table: pd.DataFrame) -> pd.Series:
    has_object = table["objet"].notna() & table["objet"].astype(str).str.strip().ne("")
    has_cpv = table["code_cpv"].astype(str).str.fullmatch(r"\d{8}").fillna(False)
    return (has_object | has_cpv) & table["territoire"].ne("inconnu")


def _dependency(table, providers, directory, settings: Settings) -> None:
    annual, no_duration = annual_amounts(table["montant"], table["duree_mois"])
    table["montant_annuel"] = np.round(annual, 2)
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
    table["dependance_economique"] = np.round(dep, 3)
    table["base_dependance"] = base
    table["_sans_duree"] = no_duration


def _estimates(table: pd.DataFrame, settings: Settings, directory: pd.DataFrame) -> None:
    share = table["famille"].map(tx.families()["part_main_oeuvre"].astype(float)).to_numpy(float)
    annual = table["montant_annuel"].astype(float).to_numpy()
    labour = annual * share
    transferable = table["niveau"].isin(["fort", "moyen"]).to_numpy()
    table["heures_insertion_clause"] = np.where(
        transferable, np.round(labour / settings.cout_horaire * settings.taux_effort_insertion), np.nan
    )
    table["heures_travail_reserve"] = np.where(transferable, np.round(labour / settings.cout_horaire), np.nan)
    handicap = transferable & (table["nb_handicap"].to_numpy() > 0)
    table["deduction_fiphfp_estimee"] = np.where(handicap, np.round(settings.taux_fiphfp * labour), np.nan)
    table["date_renouvellement"] = table["date_fin_estimee"]
    table["consideration_sociale_existante"] = table["considerations_sociales"].map(
        lambda v: " ; ".join(v) if isinstance(v, list) and v else None
    )
    sirets = set(directory["siret"].dropna().astype(str))
    table["titulaire_inclusif"] = table["titulaires"].map(
        lambda hs: (
            any(str(h.get("id", "")).replace(" ", "") in sirets for h in hs)
            if isinstance(hs, list)
            else False
        )
    )


def _place_name(row) -> str:
    geo = geography()
    if isinstance(row.commune_insee, str) and row.commune_insee in geo.nom:
        return geo.nom[row.commune_insee]
    if isinstance(row.departement, str) and row.departement in geo.departements.index:
        return geo.departements.at[row.departement, "nom"]
    if isinstance(row.region, str) and row.region in geo.regions.index:
        return geo.regions.at[row.region, "nom"]
    return "un territoire inconnu"


def _fr(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def _sentences(table: pd.DataFrame) -> list[str]:
    out = []
    for row in table.itertuples():
        if not row.juge:
            why = (
                "ni objet ni code CPV"
                if row.territoire != "inconnu"
                else "lieu et département de l’acheteur inconnus"
            )
            out.append(f"Indéterminé : {why}")
            continue
        trade = f"{row.metier} ({row.capacite}, {_fr(row.proba_capacite)})"
        if not (isinstance(row.objet, str) and row.objet.strip()):
            trade += " d’après le seul code CPV"
        n = row.nb_prestataires
        where = _place_name(row)
        if n == 0:
            cover = f"aucun prestataire du métier ne couvre {where}"
        else:
            cover = f"{n} prestataire{'s' if n > 1 else ''} couvre{'nt' if n > 1 else ''} {where}"
            if row.distance_plus_proche_km == row.distance_plus_proche_km:
                cover += f", le plus proche à {row.distance_plus_proche_km:.0f} km"
            if row.base_couverture == "famille":
                cover += " (prestataires de la famille)"
        parts = [trade, cover]
        if row.dependance_economique == row.dependance_economique:
            what = "du CA moyen" if row.base_dependance.startswith("CA") else "de la capacité estimée"
            share = row.dependance_economique * 100
            parts.append(f"montant annuel = {'< 1' if share < 1 else f'{share:.0f}'} % {what}")
        out.append(" ; ".join(parts))
    return out


def _warn(table: pd.DataFrame) -> None:
    alerts = table["alertes"].map(list)
    for i in np.flatnonzero(table["_sans_duree"].to_numpy()):
        alerts.iat[i] = [*alerts.iat[i], "durée absente : montant pris comme annuel"]
    unknown = table["territoire"].eq("inconnu").to_numpy()
    for i in np.flatnonzero(unknown):
        alerts.iat[i] = [*alerts.iat[i], "territoire inconnu : couverture comptée sur toute la France"]
    table["alertes"] = alerts
    del table["_sans_duree"]
    if unknown.any():
        warnings.warn(
            f"{unknown.sum()} marchés sans lieu ni département d’acheteur : niveau « indéterminé »",
            TransferabilityWarning,
            stacklevel=3,
        )


class Diagnostic:
    """The result of :func:`diagnose`: every contract with its level, and the summaries.

    Attributes
    ----------
    contrats : DataFrame
        Every input contract, in input order, with :data:`DIAGNOSTIC_COLUMNS` added.
    annuaire : DataFrame
        The provider directory used.
    parametres : Settings
        The settings used.
    """

    def __init__(self, contrats: pd.DataFrame, annuaire: pd.DataFrame, parametres: Settings, providers=None):
        self.contrats = contrats
        self.annuaire = annuaire
        self.parametres = parametres
        self._providers = list(providers) if providers is not None else None

    def __repr__(self) -> str:
        counts = self.contrats["niveau"].value_counts().to_dict()
        return (
            f"<Diagnostic : {len(self.contrats)} marchés, "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
            + ">"
        )

    from .summaries import (  # noqa: E402  (methods kept in their own module)
        calendrier,
        controle_territoire,
        par_acheteur,
        par_direction,
        par_famille,
        prestataires,
        synthese,
        synthese_annuelle,
    )

    def to_excel(self, path, *, max_rows: int | None = None):
        """Write the Excel report (see :mod:`transferability._report`)."""
        from .._report import write_report

        return write_report(self, path, max_rows=max_rows)
