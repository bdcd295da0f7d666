"""The level (fort / moyen / faible), the recommendation and the estimates of each contract.

Every threshold lives in :class:`Settings`; the rule is written once, vectorised, in
:func:`levels`. ``LevelClassifier`` learns the level from a consultant's past judgements instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from .._errors import InputError, Problem
from .._utils import clock as _clock

LEVELS = ("fort", "moyen", "faible")
UNDETERMINED = "indéterminé"


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every threshold of the diagnostic, with its default (frozen before any comparison with the seed).

    Parameters
    ----------
    seuil_proba_capacite : float, default=0.5
        A capability "total" counts toward fort only with at least this probability.
    min_prestataires_fort : int, default=3
        Providers of the trade covering the place needed for fort (fewer: moyen, allotment needed).
    dependance_max : float, default=0.30
        Annual amount over the covering providers' mean turnover above which the contract is moyen.
    seuil_reservation, seuil_lot_reserve, seuil_clause : int, default=30, 10, 1
        Le marché de l'inclusion's rule: more than 30 providers of one sector and dependency under
        ``dependance_max`` → reservation; more than 10 → reserved lot; more than 1 → social clause.
    cout_horaire : float, default=60.0
        Hourly cost (€) turning an amount of labour into hours (the seed's example).
    taux_effort_insertion : float, default=0.075
        Share of hours a social clause reserves for insertion (the seed's 7.5 %).
    taux_fiphfp : float, default=0.30
        Share of the "chiffre d'affaires utile" a buyer may deduct from its FIPHFP contribution.
    ca_par_etp : float, default=45000.0
        Turnover per full-time worker (€), the capacity proxy when no provider turnover is known
        (an assumption of the team: the order of magnitude of adapted enterprises' turnover per worker).
    date_reference : date, optional
        The day renewals are judged against (today when None).
    """

    seuil_proba_capacite: float = 0.5
    min_prestataires_fort: int = 3
    dependance_max: float = 0.30
    seuil_reservation: int = 30
    seuil_lot_reserve: int = 10
    seuil_clause: int = 1
    cout_horaire: float = 60.0
    taux_effort_insertion: float = 0.075
    taux_fiphfp: float = 0.30
    ca_par_etp: float = 45000.0
    date_reference: dt.date | None = None

    @property
    def reference(self) -> dt.date:
        return self.date_reference or _clock.today()

    def dependency_ok(self, dependance: np.ndarray) -> np.ndarray:
        """Where the dependency is acceptable (at most ``dependance_max``; unknown counts as acceptable).

        The level rule and the recommendation rule both ask this one question.
        """
        return np.nan_to_num(np.asarray(dependance, dtype=float), nan=0.0) <= self.dependance_max

    def recommendation_rules(self) -> pd.DataFrame:
        """The recommendation rule as a table in French, with these settings' thresholds.

        Examples
        --------
        >>> Settings(seuil_lot_reserve=5).recommendation_rules().iloc[2, 1]
        'plus de 5 prestataires d’un même secteur'
        """
        clause = (
            "plus d’un prestataire" if self.seuil_clause == 1 else f"plus de {self.seuil_clause} prestataires"
        )
        rows = [
            ("faible ou indéterminé", "—", "Aucune"),
            (
                "capacité totale",
                f"plus de {self.seuil_reservation} prestataires d’un même secteur et dépendance sous le seuil",
                "Réservation (L2113-12 ESAT/EA, ou L2113-13 SIAE)",
            ),
            (
                "capacité totale ou partielle",
                f"plus de {self.seuil_lot_reserve} prestataires d’un même secteur",
                "Lot réservé",
            ),
            (
                "capacité totale ou partielle",
                f"{clause} (clauses : GEIQ, SEP, TIH comptent aussi)",
                "Clause sociale d’exécution (L2112-2)",
            ),
            ("sinon", "—", "Aucune"),
        ]
        return pd.DataFrame(rows, columns=["capacité", "prestataires couvrant le lieu", "recommandation"])

    def as_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out["date_reference"] = self.reference.isoformat()
        return out

    @classmethod
    def from_toml(cls, path: str | Path) -> Settings:
        """Settings from a TOML file whose keys are the fields above (unknown keys are refused).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.toml"
        >>> _ = p.write_text("min_prestataires_fort = 5\\ndate_reference = 2026-01-01\\n")
        >>> Settings.from_toml(p).min_prestataires_fort
        5
        """
        path = Path(path)
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(
                Problem(
                    "fichier de paramètres illisible",
                    str(path),
                    str(exc)[:200],
                    "écrire des lignes « nom = valeur » en TOML",
                )
            ) from None
        fields = {f.name: f for f in dataclasses.fields(cls)}
        problems = [
            Problem("paramètre inconnu", str(path), f"« {k} »", "choisir parmi : " + ", ".join(fields))
            for k in values
            if k not in fields
        ]
        if problems:
            raise InputError(problems)
        return cls(**values)


def annual_amounts(montant: pd.Series, duree_mois: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Annual amount (amount ÷ duration in years, at least one year) and where the duration was missing."""
    amount = pd.to_numeric(montant, errors="coerce").astype(float).to_numpy()
    months = pd.to_numeric(duree_mois, errors="coerce").astype(float).to_numpy()
    missing = np.isnan(months)
    years = np.where(missing, 1.0, np.maximum(months / 12.0, 1.0))
    return amount / years, missing


def levels(table: pd.DataFrame, settings: Settings) -> np.ndarray:
    """The default rule, over columns capacite, proba_capacite, nb_prestataires, dependance_economique,
    juge (False where the library cannot judge)."""
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
    out[~table["juge"].to_numpy(bool)] = UNDETERMINED
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


class LevelClassifier(ClassifierMixin, BaseEstimator):
    """Learn fort / moyen / faible from a consultant's past judgements, on numeric features.

    Use :func:`level_features` to turn a diagnostic's table into the feature matrix.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation of the logistic regression.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.9, 2.0], [0.8, 1.8], [0.1, 0.0], [0.2, 0.1]])
    >>> LevelClassifier().fit(X, ["fort", "fort", "faible", "faible"]).predict([[0.85, 1.9]]).tolist()
    ['fort']
    """

    def __init__(self, C: float = 1.0):
        self.C = C

    def fit(self, X, y):
        X, y = validate_data(self, X, y)
        self.classes_ = unique_labels(y)
        self.model_ = LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced").fit(X, y)
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False)
        return self.model_.predict_proba(X)

    def predict(self, X):
        check_is_fitted(self, "model_")
        return self.classes_[self.predict_proba(X).argmax(1)]


def level_features(table: pd.DataFrame) -> np.ndarray:
    """Numeric features of a diagnostic's contracts for :class:`LevelClassifier`."""
    cap = table["capacite"].to_numpy(object)
    p = table["proba_capacite"].astype(float).to_numpy()
    return np.column_stack(
        [
            np.where(cap == "total", p, 0),
            np.where(cap == "partiel", p, 0),
            np.where(cap == "aucun", p, 0),
            np.log1p(table["nb_prestataires"].to_numpy(float)),
            np.log1p(table["nb_handicap"].to_numpy(float)),
            np.log1p(table["nb_insertion"].to_numpy(float)),
            np.minimum(np.nan_to_num(table["dependance_economique"].astype(float).to_numpy(), nan=0.0), 5.0),
            np.log1p(
                np.nan_to_num(
                    pd.to_numeric(table["montant"], errors="coerce").astype(float).to_numpy(), nan=0.0
                )
            ),
        ]
    )
