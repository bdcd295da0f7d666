"""The verdict of each contract, per sector: its potential, its level once the territory is checked, and the
part of its amount the sector could carry out.

Two steps per sector, as LABELLING.md section 4 and the issue that asked for them say:

1. ``potentiel_<secteur>``: the object, trade, capability, annual amount and duration alone (the learned
   :class:`~.potential.PotentialModel`), an ordinary mesh of providers assumed;
2. ``niveau_<secteur>``: that potential checked against the directory's providers of the sector covering the
   place. It can only go down: fort becomes moyen with fewer than ``min_prestataires_fort`` providers or an
   annual amount too heavy for their capacity, fort or moyen becomes faible when none covers the place.

``niveau`` is the better of the two sectors' levels; ``part_<secteur>`` and ``montant_transferable_<secteur>``
the share and amount of each contract the sector could carry out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._reference import HORS_CHAMP
from .coverage import HANDICAP_KINDS, INSERTION_KINDS
from .potential import SECTORS, default_model, potential_features
from .rules import ENGAGED, UNDETERMINED, dependency, described
from .settings import Settings

SECTOR_NAMES = {"esat_ea": "ESAT, EA", "siae": "SIAE"}
# how a sentence names the sector's providers, and the coverage count column of each sector
PROVIDER_WORDS = {"esat_ea": "ESAT ou EA", "siae": "SIAE"}
COUNT_COLUMNS = {"esat_ea": "nb_handicap", "siae": "nb_insertion"}
KINDS = {"esat_ea": HANDICAP_KINDS, "siae": INSERTION_KINDS}
RANK = {"fort": 0, "moyen": 1, "faible": 2, UNDETERMINED: 3}

VERDICT_COLUMNS = [
    *(f"{c}_{s}" for s in SECTORS for c in ("potentiel", "proba_potentiel", "niveau")),
    "niveau",
    *(f"part_{s}" for s in SECTORS),
    "part_transferable",
    *(f"montant_transferable_{s}" for s in SECTORS),
    "montant_transferable",
]


def sector_known(directory: pd.DataFrame) -> dict[str, bool]:
    """Whether the directory holds at least one provider of each sector (else its levels are indéterminé)."""
    kinds = directory["type_structure"].fillna("")
    return {s: bool(kinds.isin(KINDS[s]).any()) for s in SECTORS}


def judge(
    table: pd.DataFrame,
    providers: list[np.ndarray],
    directory: pd.DataFrame,
    settings: Settings,
    judged: np.ndarray,
    model=None,
    overrides: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[list[str]]]:
    """The verdict columns (:data:`VERDICT_COLUMNS`) of scored contracts, and per contract the sentences
    that say what the territory did to each sector's potential.

    ``table`` has the classifier's and the coverage's columns and ``montant_annuel``; ``providers`` holds
    each contract's covering providers (row numbers in ``directory``); ``judged`` is False where neither an
    object nor a CPV code, or no territory, allows a judgement. ``overrides`` (columns ``niveau_esat_ea``,
    ``niveau_siae``, missing where nothing is said) replaces levels: a consultant's corrections, or a
    :class:`~.level_model.LevelClassifier`'s predictions.
    """
    model = default_model() if model is None else model
    features = potential_features(table)  # computed once: the potentials, then the parts of the levels
    out = model._predict(table, features)
    has_object = described(table)
    out_of_scope = table["famille"].eq(HORS_CHAMP).to_numpy()
    known, kinds = sector_known(directory), directory["type_structure"].fillna("")
    annual = table["montant_annuel"].astype(float).to_numpy()
    notes: list[list[str]] = [[] for _ in range(len(table))]
    for sector in SECTORS:
        potential = out[f"potentiel_{sector}"].to_numpy(object).copy()
        potential[out_of_scope] = "faible"
        potential[~has_object] = UNDETERMINED
        out[f"potentiel_{sector}"] = potential
        keep = kinds.isin(KINDS[sector]).to_numpy()
        dep, _ = dependency(annual, providers, directory, settings, keep=keep)
        n = table[COUNT_COLUMNS[sector]].to_numpy()
        level, why = territory_level(potential, n, dep, settings, judged & known[sector])
        out[f"niveau_{sector}"] = level
        for i in np.flatnonzero(why != ""):
            notes[i].append(f"{SECTOR_NAMES[sector]}\u00a0: {why[i]}")
    for column in overrides.columns if overrides is not None else ():
        said = overrides[column].notna().to_numpy()
        out.loc[said, column] = overrides.loc[said, column].to_numpy(object)
    out["niveau"] = best_level(out["niveau_esat_ea"].to_numpy(object), out["niveau_siae"].to_numpy(object))
    levels = pd.DataFrame({f"potentiel_{s}": out[f"niveau_{s}"] for s in SECTORS}, index=table.index)
    parts = model._with_parts(table, levels, features)
    amount = pd.to_numeric(table["montant"], errors="coerce").astype(float).to_numpy()
    for sector in SECTORS:
        out[f"part_{sector}"] = parts[f"part_{sector}"].round(3)
    undetermined = out["niveau"].eq(UNDETERMINED).to_numpy()
    out["part_transferable"] = np.where(undetermined, np.nan, parts["part_transferable"].round(3))
    for suffix in (*(f"_{s}" for s in SECTORS), "_transferable"):
        part = out[f"part{suffix}"].to_numpy(float)
        name = "montant_transferable" + ("" if suffix == "_transferable" else suffix)
        out[name] = np.round(amount * part, 2)
    return out[VERDICT_COLUMNS], notes


def territory_level(
    potential: np.ndarray, n: np.ndarray, dep: np.ndarray, settings: Settings, judged: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One sector's level from its potential and the providers of the sector covering the place, and
    why it went down (empty where it did not).

    Examples
    --------
    >>> level, why = territory_level(np.array(["fort", "fort", "moyen"], dtype=object), np.array([5, 2, 0]),
    ...                              np.array([0.1, 0.1, np.nan]), Settings(), np.ones(3, dtype=bool))
    >>> level.tolist()
    ['fort', 'moyen', 'faible']
    """
    level = potential.copy()
    engaged = np.isin(level, ENGAGED)
    few = (level == "fort") & (n < settings.min_prestataires_fort)
    heavy = (level == "fort") & ~few & ~settings.dependency_ok(dep)
    none = engaged & (n == 0)
    level[few | heavy] = "moyen"
    level[none] = "faible"
    level[~judged] = UNDETERMINED
    why = np.full(len(level), "", dtype=object)
    why[few] = [
        f"potentiel fort ramené à moyen ({k} prestataire{'s' if k > 1 else ''} du secteur, "
        f"{settings.min_prestataires_fort} requis)"
        for k in n[few]
    ]
    why[heavy] = [
        f"potentiel fort ramené à moyen (montant annuel égal à {d * 100:.0f}\u00a0% du chiffre d’affaires "
        f"moyen des prestataires, plus de {settings.dependance_max * 100:.0f}\u00a0%)"
        for d in dep[heavy]
    ]
    why[none] = [f"potentiel {p} ramené à faible (aucun prestataire du secteur)" for p in potential[none]]
    why[~judged] = ""
    return level, why


def best_level(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The better of two levels; indéterminé when neither is fort or moyen and one is indéterminé.

    Examples
    --------
    >>> best_level(np.array(["faible", "faible", "moyen"], dtype=object),
    ...            np.array(["fort", "indéterminé", "indéterminé"], dtype=object)).tolist()
    ['fort', 'indéterminé', 'moyen']
    """
    ra = np.array([RANK[v] for v in a], dtype=int)
    rb = np.array([RANK[v] for v in b], dtype=int)
    best = np.minimum(ra, rb)
    best[(best == RANK["faible"]) & (np.maximum(ra, rb) == RANK[UNDETERMINED])] = RANK[UNDETERMINED]
    names = np.array(list(RANK), dtype=object)
    return names[best]
