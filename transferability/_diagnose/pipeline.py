"""``diagnose``: every stage after reading, on a table of contracts, and the ``Diagnostic`` it builds."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd

from .._classify import OUTPUT_COLUMNS, classify_trades, load_model
from .._contracts import CONTRACT_COLUMNS, apply_territory, read_contracts
from .._directory import read_directory
from .._errors import TransferabilityWarning
from .._reference import taxonomy as tx
from .._utils import collector_paused, fr_count, fr_int, python_lists
from .coverage import CoverageIndex, coverage
from .diagnostic import Diagnostic
from .explain import sentences
from .level_model import level_features
from .potential import SECTORS
from .recommend import RECOMMENDATION_COLUMNS, estimates, recommendations
from .rules import (
    LEVEL_TYPE,
    UNDETERMINED,
    annual_amounts,
    clean_durations,
    dependency,
    implausible_amounts,
    judgeable,
)
from .settings import Settings
from .verdict import PROVIDER_WORDS as SECTOR_WORDS
from .verdict import VERDICT_COLUMNS, judge, sector_known

DIAGNOSTIC_COLUMNS = OUTPUT_COLUMNS + [
    "nb_prestataires",
    "nb_prestataires_confirmes",
    "nb_prestataires_supposes",
    "nb_handicap",
    "nb_insertion",
    "nb_locaux",
    "distance_plus_proche_km",
    "candidats",
    "base_couverture",
    "territoire",
    "montant_annuel",
    "montant_aberrant",
    "dependance_economique",
    "base_dependance",
    *VERDICT_COLUMNS,
    "explication",
    *RECOMMENDATION_COLUMNS,
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
    territoire: str | None = None,
):
    """The transferability diagnostic of contracts.

    Parameters
    ----------
    contracts : DataFrame or path
        The contract table (:func:`read_contracts`), files to read, or any DataFrame with a header the
        reader recognises (it is read first).
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
    territoire : str, optional
        A department (``"73"``) or region (``"84"``) code given to the contracts whose place is unknown
        (see :func:`apply_territory`).

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
    settings = settings or Settings()
    if not (isinstance(contracts, pd.DataFrame) and set(CONTRACT_COLUMNS) <= set(contracts.columns)):
        contracts = read_contracts(contracts, today=settings.reference)
    if territoire:
        contracts = apply_territory(contracts, territoire)
    index = coverage_index(resolve_directory(directory))
    model = load_model() if model is None else model
    table, providers = score_table(contracts, index, settings, model, level_model, n_jobs)
    return Diagnostic(python_lists(table), index.directory, settings, providers)


def resolve_directory(directory) -> pd.DataFrame:
    """The providers table: the one given, read from a path, or the bundled sample directory."""
    if directory is None:
        from .._datasets import load_sample_directory  # the datasets module sits above the stages

        return load_sample_directory()
    if isinstance(directory, str | os.PathLike):
        return read_directory(directory)
    return directory


def coverage_index(directory: pd.DataFrame) -> CoverageIndex:
    """The directory prepared for coverage queries (reusable across chunks of contracts)."""
    return CoverageIndex(directory, list(tx.metiers()["metier_id"]), list(tx.family_labels()))


def score_table(contracts, index: CoverageIndex, settings: Settings, model, level_model=None, n_jobs=None):
    """Every stage after reading, on one table of contracts: the scored table and each row's providers."""
    with collector_paused():  # millions of small objects without cycles (see collector_paused)
        return _score_table(contracts, index, settings, model, level_model, n_jobs)


def _score_table(contracts, index: CoverageIndex, settings: Settings, model, level_model, n_jobs):
    table = classify_trades(contracts, model, n_jobs=n_jobs)
    table["duree_mois"], bad_duration = clean_durations(table["duree_mois"], settings)
    table["montant_aberrant"] = implausible_amounts(table["montant"], table["acheteur_id"], settings)
    kept_amounts = table.loc[table["montant_aberrant"], "montant"].tolist()
    table.loc[table["montant_aberrant"], "montant"] = np.nan  # left out of every total
    table.loc[bad_duration, "date_fin_estimee"] = pd.NaT
    ids = tx.metiers().reset_index(drop=True).set_index("metier")["metier_id"]
    cov, providers = coverage(table, index, table["metier"].map(ids).to_numpy(object))
    table = pd.concat([table, cov], axis=1)
    annual, no_duration = annual_amounts(table["montant"], table["duree_mois"])
    table["montant_annuel"] = np.round(annual, 2)
    table["dependance_economique"], table["base_dependance"] = dependency(
        annual, providers, index.directory, settings
    )
    table = conclude(table, providers, index.directory, settings, level_model)
    table["alertes"] = _alerts(table, no_duration, bad_duration, index.directory, settings)
    table["alertes"] = _say_implausible(table, kept_amounts)
    return table, providers


def conclude(
    table: pd.DataFrame,
    providers,
    directory: pd.DataFrame,
    settings: Settings,
    level_model=None,
    overrides: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The verdict, recommendations, estimates and explanations of scored contracts; run again on a
    consultant's corrections (``overrides``: levels per sector, see :func:`~.verdict.judge`).

    A ``level_model`` predicts one level per contract, given to both sectors."""
    judged = judgeable(table)
    if level_model is not None:
        predicted = np.where(judged, level_model.predict(level_features(table)), UNDETERMINED)
        overrides = pd.DataFrame({f"niveau_{s}": predicted for s in SECTORS}, index=table.index)
    verdict, notes = judge(table, providers, directory, settings, judged, overrides=overrides)
    table = table.drop(columns=[c for c in verdict.columns if c in table.columns])
    table = pd.concat([table, verdict], axis=1)
    table["niveau"] = table["niveau"].astype(LEVEL_TYPE)
    for column, values in recommendations(table, settings).items():
        table[column] = values
    for column, values in estimates(table, settings, directory).items():
        table[column] = values
    table["explication"] = sentences(table, judged, notes)
    return table


def _say_implausible(table: pd.DataFrame, amounts: list) -> pd.Series:
    """The alerts with one more on each contract whose amount was left out (their count is in the synthese,
    the report and the command line's summary)."""
    alerts = table["alertes"].copy()
    rows = np.flatnonzero(table["montant_aberrant"].to_numpy(bool))
    for i, amount in zip(rows, amounts, strict=True):
        shown = fr_int(round(float(amount)))
        alerts.iat[i] = [
            *alerts.iat[i],
            f"montant aberrant ({shown} €) : exclu des totaux",
        ]
    return alerts


def _alerts(
    table: pd.DataFrame, no_duration: np.ndarray, bad_duration: np.ndarray, directory, settings: Settings
) -> pd.Series:
    """The contracts' alerts, with the diagnostic's own: no duration, an impossible one, no territory, no
    provider of a sector in the directory (the last three also warned once)."""
    alerts = table["alertes"].map(list)
    longest = f"{settings.duree_max_mois / 12:g} ans"  # the setting, as the sentences quote it
    for i in np.flatnonzero(bad_duration):
        alerts.iat[i] = [*alerts.iat[i], f"durée nulle, négative ou de plus de {longest} : ignorée"]
    said = alerts.map(lambda a: any(x.startswith(("durée nulle", "durée aberrante")) for x in a))
    if said.any():  # the reader's alerts for these durations, or the diagnostic's own
        warnings.warn(
            f"{fr_count(said.sum(), 'marché', 'marchés')} à la durée nulle, négative ou de plus de {longest} : "
            "durée ignorée",
            TransferabilityWarning,
            stacklevel=4,
        )
    for sector, known in sector_known(directory).items():
        if not known:
            warnings.warn(
                f"aucun prestataire {SECTOR_WORDS[sector]} dans l’annuaire : niveau_{sector} « indéterminé » "
                "pour tous les marchés (donner un annuaire qui en contient)",
                TransferabilityWarning,
                stacklevel=4,
            )
    for i in np.flatnonzero(no_duration):
        alerts.iat[i] = [*alerts.iat[i], "durée absente : montant pris comme annuel"]
    unknown = table["territoire"].eq("inconnu").to_numpy()
    for i in np.flatnonzero(unknown):
        alerts.iat[i] = [*alerts.iat[i], "territoire inconnu : couverture comptée sur toute la France"]
    if unknown.any():
        warnings.warn(
            f"{fr_count(unknown.sum(), 'marché', 'marchés')} sans lieu ni département d’acheteur : "
            "niveau « indéterminé »",
            TransferabilityWarning,
            stacklevel=4,
        )
    return alerts
