"""``PotentialModel``: each contract's potential per sector and the transferable part of its amount.

Learned from the section-4 labels of LABELLING.md (``potentiel_esat_ea``, ``potentiel_siae``,
``part_transferable``) over the trade classifier's outputs and the contract's amount, duration, type and
nature. ``judge_potentials`` is the one-shot twin; ``evaluate_potential`` measures the model against a rule
on capability alone, in buyer-grouped cross-validation and on the held-out test set.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from .._classify import LABELS_FILE, load_labelled
from .._io import cells, parse_cpv
from .._reference import taxonomy as tx
from .._utils import cached, data_path, map_distinct
from . import rules
from .rules import LEVELS, UNDETERMINED, annual_amounts

SECTORS = ("esat_ea", "siae")
POTENTIALS = (*LEVELS, UNDETERMINED)
X_COLUMNS = ("famille", "capacite", "proba_capacite", "montant", "duree_mois", "type_marche", "nature")
Y_COLUMNS = ("potentiel_esat_ea", "potentiel_siae", "part_transferable")
OUTPUT_COLUMNS = [*(f"potentiel_{s}" for s in SECTORS), *(f"proba_potentiel_{s}" for s in SECTORS)]
OUTPUT_COLUMNS += [*(f"part_{s}" for s in SECTORS), "part_transferable"]
# LABELLING.md section 4, "Amount": up to ~300 k€ a year the amount is no obstacle; from ~300 k€ to ~1.5 M€
# a year fort only in trades where large providers are common; above ~1.5 M€ a year moyen at best.
AMOUNT_BANDS = (300_000.0, 1_500_000.0)
# A family × capability cell of the moyen part table is used from this many labelled moyen contracts on
# (fewer: the family's median, then the overall median). Buyer-grouped CV on the training set: 1 to 40 give
# the same error within 0.3 points.
MIN_CELL = 5
# The moyen part by regression: ridge penalty chosen in buyer-grouped CV (1, 3, 10, 30, 100 tried), and the
# floor of LABELLING.md section 4 (moyen: the part that fits weighs at least 5 % of the amount).
RIDGE_ALPHA = 10.0
MIN_PART_MOYEN = 0.05
TYPES = ("Travaux", "Fournitures", "Services")
NATURES = ("Marché", "Accord-cadre", "Marché subséquent")
# LABELLING.md section 4's test on capability alone, the baseline the learned model must beat.
RULE = {"total": "fort", "partiel": "moyen", "aucun": "faible"}
ENGAGED = ("fort", "moyen")
N_SPLITS = 5
SEED = 0


def _check_X(X) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X doit être un DataFrame de marchés classés ; reçu : {type(X).__name__}")
    missing = [c for c in X_COLUMNS if c not in X.columns]
    if missing:
        raise ValueError(
            f"colonnes absentes de X : {', '.join(missing)} ; classer d’abord les marchés (classify_trades)"
        )
    return X


def _check_y(y, n: int) -> pd.DataFrame:
    if not isinstance(y, pd.DataFrame) or not set(Y_COLUMNS) <= set(y.columns):
        raise ValueError(f"y doit être un DataFrame avec les colonnes {', '.join(Y_COLUMNS)}")
    if len(y) != n:
        raise ValueError(f"X a {n} lignes et y en a {len(y)}")
    for sector in SECTORS:
        bad = set(y[f"potentiel_{sector}"]) - set(POTENTIALS)
        if bad:
            raise ValueError(
                f"potentiels inconnus dans potentiel_{sector} : {sorted(map(str, bad))} ; "
                "attendu : fort, moyen, faible ou indéterminé"
            )
        if y[f"potentiel_{sector}"].nunique() < 2:
            raise ValueError(f"potentiel_{sector} n’a qu’une seule valeur : rien à apprendre")
    part = pd.to_numeric(y["part_transferable"], errors="coerce")
    if ((part < 0) | (part > 100)).any():
        raise ValueError("part_transferable doit être comprise entre 0 et 100 (en %)")
    return y.reset_index(drop=True).assign(part_transferable=part.to_numpy())


def potential_features(X: pd.DataFrame) -> np.ndarray:
    """The numeric features of :class:`PotentialModel` (fixed vocabularies: nothing is learned here).

    Family one-hot; capability one-hot weighted by its probability; family × capability; the annual
    amount's log, its band (:data:`AMOUNT_BANDS`) and band × family; missing-amount and missing-duration
    indicators; type and nature one-hots. A non-positive amount or duration counts as missing; a missing
    duration takes the amount as annual.

    Examples
    --------
    >>> X = pd.DataFrame({"famille": ["Nettoyage et entretien"], "capacite": ["total"],
    ...                   "proba_capacite": [0.9], "montant": [1_200_000], "duree_mois": [48],
    ...                   "type_marche": ["Services"], "nature": ["Marché"]})
    >>> potential_features(X).shape
    (1, 113)
    """
    _check_X(X)
    p = pd.to_numeric(X["proba_capacite"], errors="coerce").fillna(1.0).to_numpy(float)
    F = _onehot(X["famille"], tx.family_labels())
    C = _onehot(X["capacite"], tx.CAPACITIES) * p[:, None]
    amount = pd.to_numeric(X["montant"], errors="coerce").astype(float)
    months = pd.to_numeric(X["duree_mois"], errors="coerce").astype(float)
    annual, no_duration = annual_amounts(amount.where(amount > 0), months.where(months > 0))
    no_amount = np.isnan(annual)
    band = np.digitize(np.nan_to_num(annual), AMOUNT_BANDS, right=True)
    B = _onehot(np.where(no_amount, -1, band), range(len(AMOUNT_BANDS) + 1))
    log_amount = np.where(no_amount, 0.0, np.log10(np.maximum(np.nan_to_num(annual), 1.0)) - 5.0)
    kinds = _onehot(map_distinct(lambda v: cells.parse_type(v, None), X["type_marche"]), TYPES)
    natures = _onehot(map_distinct(cells.parse_nature, X["nature"]), NATURES)
    amounts = np.column_stack([log_amount, no_amount, no_duration])
    return np.hstack([F, C, _crossed(F, C), amounts, B, _crossed(F, B), kinds, natures])


def _onehot(values, vocabulary) -> np.ndarray:
    values = np.asarray(values, dtype=object)
    return (values[:, None] == np.array(list(vocabulary), dtype=object)[None, :]).astype(float)


def _crossed(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    return (A[:, :, None] * B[:, None, :]).reshape(len(A), -1)


def _parts(level: np.ndarray, moyen: np.ndarray) -> np.ndarray:
    """1 for fort, 0 for faible, ``moyen`` for moyen, NaN otherwise (indéterminé)."""
    return np.select([level == "fort", level == "faible", level == "moyen"], [1.0, 0.0, moyen], np.nan)


def sector_parts(y: pd.DataFrame) -> pd.DataFrame:
    """Each sector's labelled part (0 to 1) read from the labels (``part_transferable`` in %).

    1 for fort, 0 for faible, NaN for indéterminé; for moyen, ``part_transferable`` when the other sector is
    not fort (the labelled part is the larger of the two sectors' shares, so it is the moyen sector's own
    share only then), NaN otherwise.

    Examples
    --------
    >>> y = pd.DataFrame({"potentiel_esat_ea": ["fort", "moyen", "moyen"],
    ...                   "potentiel_siae": ["moyen", "faible", "fort"], "part_transferable": [100, 30, 100]})
    >>> sector_parts(y).to_dict("list")
    {'part_esat_ea': [1.0, 0.3, nan], 'part_siae': [nan, 0.0, 1.0]}
    """
    part = pd.to_numeric(y["part_transferable"], errors="coerce").to_numpy(float) / 100.0
    out = {}
    for sector, other in zip(SECTORS, SECTORS[::-1], strict=True):
        level = y[f"potentiel_{sector}"].to_numpy(object)
        moyen = np.where(y[f"potentiel_{other}"].to_numpy(object) == "fort", np.nan, part)
        out[f"part_{sector}"] = _parts(level, moyen)
    return pd.DataFrame(out, index=y.index)


class PotentialModel(BaseEstimator):
    """Predict each contract's potential per sector and the transferable part of its amount.

    One multinomial logistic regression per sector over :func:`potential_features` predicts fort, moyen,
    faible or indéterminé. The part is 1 for fort, 0 for faible, NaN for indéterminé and, for moyen, an
    estimate learned from the labelled moyen contracts of the sector (``part_moyen``).

    The defaults were chosen in buyer-grouped cross-validation on the training labels only (nested
    out-of-fold classifier features): unweighted classes beat ``"balanced"`` (macro-F1 0.743 / 0.766 for
    ESAT-EA / SIAE against 0.699 / 0.744 at C=1), C=1 was best of 0.03-10 (0.3 within 0.003), and the ridge
    part beat the table on moyen contracts (mean error 8.9 / 7.7 points against 9.0 / 8.9).

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation of the logistic regressions.
    class_weight : {None, "balanced"}, default=None
        Class weights of the logistic regressions.
    part_moyen : {"ridge", "table"}, default="ridge"
        The part of a moyen contract: a ridge regression over the same features (alpha :data:`RIDGE_ALPHA`,
        clipped to :data:`MIN_PART_MOYEN`-1), or the median labelled part of the family × capability
        (from ``min_cell`` contracts on; else the family's, else the overall median).
    min_cell : int, default=MIN_CELL
        Labelled moyen contracts a cell of the table needs (``part_moyen="table"`` only).
    random_state : int, default=0
        Seed handed to the logistic regressions (their solver is deterministic).

    Attributes
    ----------
    classes_ : list of ndarray
        The potentials each sector's model knows, in :data:`SECTORS` order.
    models_ : dict of LogisticRegression
        One per sector.
    parts_moyen_ : dict
        Per sector, the fitted Ridge, or the table (dict with ``cellules``, ``familles``, ``ensemble``).
    n_features_in_ : int
        Number of columns of :func:`potential_features`.

    See Also
    --------
    judge_potentials : the one-shot twin.
    evaluate_potential : the model measured against the capability rule.

    Examples
    --------
    >>> labels = load_labelled()
    >>> labels = labels[labels["potentiel_esat_ea"] != ""]
    >>> X = classified_labels(labels, labels[["famille", "capacite"]].assign(proba_capacite=1.0))
    >>> model = PotentialModel().fit(X, labels[list(Y_COLUMNS)])
    >>> new = pd.DataFrame({"famille": ["Espaces verts et paysagers"], "capacite": ["total"],
    ...                     "proba_capacite": [0.95], "montant": [60_000], "duree_mois": [12],
    ...                     "type_marche": ["Services"], "nature": ["Marché"]})
    >>> model.predict(new)[["potentiel_esat_ea", "potentiel_siae", "part_transferable"]].to_numpy().tolist()
    [['fort', 'fort', 1.0]]
    """

    def __init__(
        self,
        C: float = 1.0,
        class_weight=None,
        part_moyen: str = "ridge",
        min_cell: int = MIN_CELL,
        random_state: int = 0,
    ):
        self.C = C
        self.class_weight = class_weight
        self.part_moyen = part_moyen
        self.min_cell = min_cell
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: pd.DataFrame):
        """Fit on classified contracts ``X`` and their section-4 labels ``y`` (part in %)."""
        if self.part_moyen not in ("ridge", "table"):
            raise ValueError(f"part_moyen doit valoir « ridge » ou « table » ; reçu : {self.part_moyen!r}")
        X = _check_X(X).reset_index(drop=True)
        y = _check_y(y, len(X))
        parts = sector_parts(y)
        Z = potential_features(X)
        self.models_, self.parts_moyen_ = {}, {}
        with _one_blas_thread():
            self._fit_sectors(X, Z, y, parts)
        self.classes_ = [self.models_[s].classes_ for s in SECTORS]
        self.n_features_in_ = Z.shape[1]
        return self

    def _fit_sectors(self, X: pd.DataFrame, Z: np.ndarray, y: pd.DataFrame, parts: pd.DataFrame) -> None:
        for sector in SECTORS:
            target = y[f"potentiel_{sector}"].to_numpy(object)
            self.models_[sector] = LogisticRegression(
                C=self.C, class_weight=self.class_weight, max_iter=5000, random_state=self.random_state
            ).fit(Z, target)
            part = parts[f"part_{sector}"].to_numpy(float)
            moyen = (target == "moyen") & ~np.isnan(part)
            if self.part_moyen == "table":
                self.parts_moyen_[sector] = _moyen_table(X[moyen], part[moyen], self.min_cell)
            else:
                self.parts_moyen_[sector] = (
                    Ridge(alpha=RIDGE_ALPHA).fit(Z[moyen], part[moyen]) if moyen.any() else None
                )

    def predict_proba(self, X: pd.DataFrame) -> list[np.ndarray]:
        """Probabilities of each potential, one array per sector (columns in ``classes_`` order)."""
        check_is_fitted(self, "models_")
        Z = potential_features(X)
        with _one_blas_thread():
            return [self.models_[s].predict_proba(Z) for s in SECTORS]

    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        """The potentials, their probabilities and the parts (:data:`OUTPUT_COLUMNS`), index kept."""
        return self._predict(X, potential_features(X))

    def _predict(self, X: pd.DataFrame, Z: np.ndarray) -> pd.DataFrame:
        """:meth:`predict` with the features ``Z`` of ``X`` already computed (they are reused)."""
        check_is_fitted(self, "models_")
        out = pd.DataFrame(index=X.index)
        with _one_blas_thread():
            probas = [self.models_[s].predict_proba(Z) for s in SECTORS]
        for sector, proba, classes in zip(SECTORS, probas, self.classes_, strict=True):
            out[f"potentiel_{sector}"] = classes[proba.argmax(1)]
            out[f"proba_potentiel_{sector}"] = proba.max(1).round(3)
        return self._with_parts(X, out, Z)

    def with_parts(self, X: pd.DataFrame, potentials: pd.DataFrame) -> pd.DataFrame:
        """``potentials`` (columns potentiel_esat_ea, potentiel_siae) completed with the parts (0 to 1)."""
        return self._with_parts(X, potentials, potential_features(X))

    def _with_parts(self, X: pd.DataFrame, potentials: pd.DataFrame, Z: np.ndarray) -> pd.DataFrame:
        check_is_fitted(self, "parts_moyen_")
        out = potentials.copy()
        for sector in SECTORS:
            level, fitted = out[f"potentiel_{sector}"].to_numpy(object), self.parts_moyen_[sector]
            if isinstance(fitted, dict):
                moyen = _lookup(fitted, X["famille"], X["capacite"])
            elif fitted is None or not len(X):
                moyen = np.full(len(X), np.nan)
            else:
                with _one_blas_thread():
                    moyen = np.clip(fitted.predict(Z), MIN_PART_MOYEN, 1.0)
            out[f"part_{sector}"] = _parts(level, moyen)
        out["part_transferable"] = out[["part_esat_ea", "part_siae"]].max(axis=1, skipna=True)
        return out[[c for c in OUTPUT_COLUMNS if c in out.columns]]


def _one_blas_thread():
    """BLAS on one thread: these dense problems are small, and threads only add contention (a fit took
    3 s with two threads on a loaded two-core machine, 0.05 s with one)."""
    return threadpool_limits(limits=1, user_api="blas")


def _moyen_table(X: pd.DataFrame, part: np.ndarray, min_cell: int) -> dict:
    frame = pd.DataFrame(
        {"famille": X["famille"].to_numpy(object), "capacite": X["capacite"].to_numpy(object), "part": part}
    )
    by_cell = frame.groupby(["famille", "capacite"])["part"].agg(["median", "size"])
    by_family = frame.groupby("famille")["part"].agg(["median", "size"])
    return {
        "cellules": by_cell.loc[by_cell["size"] >= min_cell, "median"].to_dict(),
        "familles": by_family.loc[by_family["size"] >= min_cell, "median"].to_dict(),
        "ensemble": float(frame["part"].median()) if len(frame) else np.nan,
    }


def _lookup(table: dict, famille: pd.Series, capacite: pd.Series) -> np.ndarray:
    by_cell, by_family = table["cellules"], table["familles"]
    return np.array(
        [
            by_cell.get((f, c), by_family.get(f, table["ensemble"]))
            for f, c in zip(famille.to_numpy(object), capacite.to_numpy(object), strict=True)
        ],
        dtype=float,
    )


def classified_labels(data: pd.DataFrame, predictions: pd.DataFrame) -> pd.DataFrame:
    """The model's input for labelled contracts ``data`` (:func:`load_labelled`) and the classifier's
    ``predictions`` of them (columns famille, capacite, proba_capacite); the type comes from the CPV."""
    codes = data["code_cpv"].map(lambda c: parse_cpv(c)[0] if c else None)
    return pd.DataFrame(
        {
            **{c: predictions[c].to_numpy() for c in ("famille", "capacite", "proba_capacite")},
            "montant": data["montant"].to_numpy(float),
            "duree_mois": pd.to_numeric(data["duree_mois"], errors="coerce").to_numpy(float),
            "type_marche": [cells.parse_type(None, c) for c in codes],
            "nature": data["nature"].to_numpy(object),
        },
        index=data.index,
    )


@lru_cache(maxsize=1)
def default_model() -> PotentialModel:
    """A :class:`PotentialModel` fitted on the bundled training labels (``jeu = entrainement``).

    Its inputs are the labelled family and capability (probability 1): in buyer-grouped cross-validation a
    model fitted so scores as well on the classifier's predictions as one fitted on the classifier's
    out-of-fold outputs (macro-F1 0.735 / 0.769 against 0.743 / 0.766), without running the classifier.
    Shared and cached: do not refit it. Fitted once per installation and kept in the user's cache
    (:func:`~transferability._utils.cached`), fitted again when the labels, the code that makes its
    features, the families or scikit-learn's version change.
    """
    import sklearn

    code = [Path(__file__), Path(rules.__file__), Path(cells.__file__)]
    key = f"scikit-learn {sklearn.__version__}\n" + "\n".join(tx.family_labels())
    return cached("modele_potentiel", [data_path(LABELS_FILE), *code], _fit_default, key)


def _fit_default() -> PotentialModel:
    data = load_labelled()
    data = data[data["potentiel_esat_ea"] != ""]
    X = classified_labels(data, data[["famille", "capacite"]].assign(proba_capacite=1.0))
    return PotentialModel().fit(X, data[list(Y_COLUMNS)])


def judge_potentials(classified: pd.DataFrame, model: PotentialModel | None = None) -> pd.DataFrame:
    """One-shot twin of :class:`PotentialModel`: the classified contracts with the potential columns.

    Parameters
    ----------
    classified : DataFrame
        Contracts with the classifier's columns (:func:`classify_trades`): at least :data:`X_COLUMNS`.
    model : PotentialModel, optional
        A fitted model; :func:`default_model` when None.

    Returns
    -------
    DataFrame
        ``classified`` (without any former potential column) followed by :data:`OUTPUT_COLUMNS`.

    Examples
    --------
    >>> table = pd.DataFrame({"famille": ["Nettoyage et entretien", "Hors champ"],
    ...                       "capacite": ["total", "aucun"], "proba_capacite": [0.9, 0.95],
    ...                       "montant": [80_000, 2_000_000], "duree_mois": [12, 48],
    ...                       "type_marche": ["Services", "Fournitures"], "nature": ["Marché", "Accord-cadre"]})
    >>> judge_potentials(table)[["potentiel_esat_ea", "potentiel_siae", "part_transferable"]].to_numpy().tolist()
    [['fort', 'fort', 1.0], ['faible', 'faible', 0.0]]
    """
    model = default_model() if model is None else model
    kept = classified.drop(columns=[c for c in OUTPUT_COLUMNS if c in classified.columns])
    return pd.concat([kept, model.predict(_check_X(classified))], axis=1)
