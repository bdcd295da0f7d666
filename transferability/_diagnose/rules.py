"""The rules of the diagnostic: annual amount, dependency, level, recommendation and estimates of each contract.

Every threshold comes from :class:`~.settings.Settings`; each rule is written once, vectorised.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .settings import Settings

LEVELS = ("fort", "moyen", "faible")
ENGAGED = ("fort", "moyen")  # the levels whose contracts count as transferable
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


def clean_durations(duree_mois: pd.Series, settings: Settings) -> tuple[pd.Series, np.ndarray]:
    """Durations with those of 0 or fewer months, or over ``duree_max_mois``, taken as missing; and where.

    Examples
    --------
    >>> months, bad = clean_durations(pd.Series([12, 0, -3, 480, None]), Settings())
    >>> months.isna().tolist(), bad.tolist()
    ([False, True, True, True, True], [False, True, True, True, False])
    """
    months = pd.to_numeric(duree_mois, errors="coerce").astype(float)
    bad = ((months <= 0) | (months > settings.duree_max_mois)).to_numpy()
    return months.mask(bad).astype("Float64"), bad


def implausible_amounts(montant: pd.Series, acheteur_id: pd.Series, settings: Settings) -> np.ndarray:
    """Amounts that are placeholders or absurd: under ``montant_min_plausible`` (0, 1 €), made of nines
    only from 99 999 on (999 999 999 €), or over ``montant_max_local`` for a local buyer (a SIRET starting
    with 2: local authorities and their bodies) and over ten times that for any buyer.

    Examples
    --------
    >>> implausible_amounts(pd.Series([1.0, 45_000.0, 999_999_999.0, 2e9, 2e9, None]),
    ...                     pd.Series(["21730065600014"] * 4 + ["11000000000000", "2"]), Settings()).tolist()
    [True, False, True, True, False, False]
    """
    amount = pd.to_numeric(montant, errors="coerce").astype(float).to_numpy()
    known = ~np.isnan(amount)
    whole = np.where(known, np.floor(np.nan_to_num(amount)), 0).astype(np.int64).astype(str)
    nines = (amount >= 99_999) & (np.char.strip(whole, "9") == "")
    local = acheteur_id.astype(str).str.startswith("2").to_numpy()
    too_large = amount > np.where(local, settings.montant_max_local, 10 * settings.montant_max_local)
    return known & ((amount < settings.montant_min_plausible) | nines | too_large)


def described(table: pd.DataFrame) -> np.ndarray:
    """Where a contract says what it buys: an object or a CPV code."""
    has_object = table["objet"].notna() & table["objet"].astype(str).str.strip().ne("")
    has_cpv = table["code_cpv"].astype(str).str.fullmatch(r"\d{8}").fillna(False)
    return (has_object | has_cpv).to_numpy(bool)


def judgeable(table: pd.DataFrame) -> np.ndarray:
    """Where the library can judge a contract: it says what it buys (:func:`described`) and its territory
    is known."""
    return described(table) & table["territoire"].ne("inconnu").to_numpy(bool)


def dependency(
    annual: np.ndarray,
    providers: list[np.ndarray],
    directory: pd.DataFrame,
    settings: Settings,
    keep: np.ndarray | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Annual amount over the covering providers' mean turnover (else their capacity), and the base used.

    ``keep`` (a mask over ``directory``) restricts the providers to one sector. The capacity is computed
    once per distinct provider list (coverage shares one list between the contracts of a place and trade).
    """
    ca = pd.to_numeric(directory["chiffre_affaires"], errors="coerce").to_numpy(float)
    staff = pd.to_numeric(directory["effectif"], errors="coerce").to_numpy(float)
    lists, which = _distinct_lists(providers)
    if keep is not None:
        lists = [rows[keep[rows]] if len(rows) else rows for rows in lists]
    capacity, base = _capacities(lists, ca, staff, settings)
    capacity, base = capacity[which], base[which]
    amount = np.asarray(annual, dtype=float)
    base[np.isnan(amount) | np.isnan(capacity)] = "inconnue"
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.round(amount / capacity, 3), base.tolist()


def _distinct_lists(providers: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct provider lists (the same array object for the contracts of a place and trade), and
    each contract's number among them, numbered in order of first appearance."""
    which, _ = pd.factorize(np.fromiter(map(id, providers), dtype=np.uint64, count=len(providers)))
    first = np.unique(which, return_index=True)[1]
    return [providers[i] for i in first.tolist()], which.astype(np.int64, copy=False)


def _capacities(lists: list[np.ndarray], ca: np.ndarray, staff: np.ndarray, settings: Settings):
    """For each list of providers: their mean turnover, else their mean staff × turnover per worker, else
    unknown; and the base used. All lists at once."""
    n = len(lists)
    segment = np.repeat(np.arange(n), [len(rows) for rows in lists])
    rows = np.concatenate(lists).astype(np.int64) if n else np.zeros(0, np.int64)

    def mean(values: np.ndarray) -> np.ndarray:
        known = ~np.isnan(values[rows])
        count = np.bincount(segment[known], minlength=n)
        total = np.bincount(segment[known], weights=values[rows][known], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / count, np.nan)

    mean_ca, mean_staff = mean(ca), mean(staff)
    by_staff = np.isnan(mean_ca) & (mean_staff > 0)
    capacity = np.where(
        ~np.isnan(mean_ca), mean_ca, np.where(by_staff, mean_staff * settings.ca_par_etp, np.nan)
    )
    base = np.where(
        ~np.isnan(mean_ca),
        "CA moyen des prestataires",
        np.where(by_staff, "effectif moyen × CA par ETP", "inconnue"),
    ).astype(object)
    return capacity, base
