"""``TradeClassifier``: the trade family and the capability of each contract.

Two calibrated logistic regressions over :class:`ContractFeatures` predict the family
(14 classes) and the capability (total / partiel / aucun); the métier is then chosen within
the predicted family from the lexicon, else from the CPV mapping. ``classify_trades`` is the
one-shot twin that uses the shipped model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from .._io import parse_cpv
from .._reference import taxonomy as tx
from .._utils import collector_paused, distinct_rows, map_distinct, regex_found
from .features import ContractFeatures, amount_bands
from .persistence import load_model

CHUNK = 20_000  # contracts per joblib task in classify_trades

OUTPUT_COLUMNS = [
    "famille",
    "proba_famille",
    "metier",
    "proba_metier",
    "capacite",
    "proba_capacite",
    "explication_metier",
]
TARGETS = ("famille", "capacite")


def _check_X(X) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            f"X doit être un DataFrame de marchés (colonnes objet, code_cpv…) ; reçu : {type(X).__name__}"
        )
    if not {"objet", "code_cpv"} & set(X.columns):
        raise ValueError(
            "X n’a ni colonne « objet » ni colonne « code_cpv » : lire le fichier avec read_contracts"
        )
    return X


class TradeClassifier(ClassifierMixin, BaseEstimator):
    """Predict the trade family and the capability of contracts.

    Parameters
    ----------
    C_famille : float, default=10.0
        Inverse regularisation of the family model.
    C_capacite : float, default=3.0
        Inverse regularisation of the capability model.
    char_ngrams : bool, default=False
        Use character n-grams of the object (see :class:`ContractFeatures`).
    prefixes : bool, default=True
        Use the words' first five letters (see :class:`ContractFeatures`).
    calibration : {"sigmoid", "isotonic"}, default="sigmoid"
        Recalibration method, used only when ``calibration_cv`` > 0.
    calibration_cv : int, default=0
        Folds of a recalibration of each model's probabilities (0: none). The multinomial
        logistic regressions are already well calibrated: in buyer-grouped cross-validation
        their expected calibration error is 0.04 (family) and 0.05 (capability), and a sigmoid
        recalibration makes it worse (0.13), so none is applied by default.
    random_state : int, default=0
        Seed of the calibration folds.

    Attributes
    ----------
    features_ : ContractFeatures
    famille_model_, capacite_model_ : LogisticRegression or CalibratedClassifierCV
    classes_ : list of ndarray
        The family labels and the capability labels.

    See Also
    --------
    classify_trades : one-shot classification with the shipped model.

    Examples
    --------
    >>> import pandas as pd
    >>> from transferability._utils import data_path
    >>> labels = pd.read_csv(data_path("etiquettes_marches.csv"), dtype=str, keep_default_na=False)
    >>> model = TradeClassifier().fit(labels, labels[["famille", "capacite"]])
    >>> model.predict(pd.DataFrame({"objet": ["Nettoyage des locaux de la mairie"]}))[0].tolist()
    ['Nettoyage et entretien', 'total']
    """

    def __init__(
        self,
        C_famille: float = 10.0,
        C_capacite: float = 3.0,
        char_ngrams: bool = False,
        prefixes: bool = True,
        calibration: str = "sigmoid",
        calibration_cv: int = 0,
        random_state: int = 0,
    ):
        self.C_famille = C_famille
        self.C_capacite = C_capacite
        self.char_ngrams = char_ngrams
        self.prefixes = prefixes
        self.calibration = calibration
        self.calibration_cv = calibration_cv
        self.random_state = random_state

    def _model(self, C: float):
        from sklearn.model_selection import StratifiedKFold

        base = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
        if not self.calibration_cv:
            return base
        folds = StratifiedKFold(self.calibration_cv, shuffle=True, random_state=self.random_state)
        return CalibratedClassifierCV(base, method=self.calibration, cv=folds)

    def fit(self, X: pd.DataFrame, y, sample_weight=None):
        """Fit on contracts ``X`` and labels ``y`` (columns famille, capacite)."""
        X = _check_X(X).reset_index(drop=True)
        y = pd.DataFrame(y).reset_index(drop=True)
        y.columns = list(y.columns) if set(TARGETS) <= set(y.columns) else list(TARGETS)[: y.shape[1]]
        unknown = set(y["famille"]) - set(tx.family_labels())
        if unknown:
            raise ValueError(
                f"familles inconnues dans y : {sorted(unknown)} ; attendu : les 14 familles de la grille"
            )
        bad_cap = set(y["capacite"]) - set(tx.CAPACITIES)
        if bad_cap:
            raise ValueError(
                f"capacités inconnues dans y : {sorted(bad_cap)} ; attendu : total, partiel, aucun"
            )
        X = _with_cpv(X)
        self.features_ = ContractFeatures(char_ngrams=self.char_ngrams, prefixes=self.prefixes).fit(X)
        Z = self.features_.transform(X)
        self.famille_model_ = self._model(self.C_famille).fit(
            Z, y["famille"].to_numpy(object), sample_weight=sample_weight
        )
        self.capacite_model_ = self._model(self.C_capacite).fit(
            Z, y["capacite"].to_numpy(object), sample_weight=sample_weight
        )
        self.classes_ = [self.famille_model_.classes_, self.capacite_model_.classes_]
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X: pd.DataFrame) -> list[np.ndarray]:
        """Probabilities of each family and of each capability (a list of two arrays)."""
        check_is_fitted(self, "features_")
        Z = self.features_.transform(_with_cpv(_check_X(X)))
        return [self.famille_model_.predict_proba(Z), self.capacite_model_.predict_proba(Z)]

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Family and capability of each contract, as an array of shape (n, 2)."""
        fam, cap = self.predict_proba(X)
        return np.column_stack([self.classes_[0][fam.argmax(1)], self.classes_[1][cap.argmax(1)]])

    def classify(self, X: pd.DataFrame) -> pd.DataFrame:
        """The classification columns (:data:`OUTPUT_COLUMNS`) for each contract, index kept."""
        check_is_fitted(self, "features_")
        X = _with_cpv(_check_X(X))
        Z, lex = self.features_.transform_with_lexicon(X)
        fam_p = self.famille_model_.predict_proba(Z)
        cap_p = self.capacite_model_.predict_proba(Z)
        famille = self.classes_[0][fam_p.argmax(1)]
        out = pd.DataFrame(
            {
                "famille": famille,
                "proba_famille": fam_p.max(1).astype(float).round(3),
                "capacite": self.classes_[1][cap_p.argmax(1)],
                "proba_capacite": cap_p.max(1).astype(float).round(3),
            },
            index=X.index,
        )
        from .explain import choose_metiers, explain

        metier, proba_metier, reason = choose_metiers(X, famille, out["proba_famille"].to_numpy(), lex)
        out["metier"] = metier
        out["proba_metier"] = proba_metier
        out["explication_metier"] = explain(self, Z, fam_p.argmax(1), reason, X.get("objet", None))
        outside = out["famille"].eq(tx.HORS_CHAMP).to_numpy()
        out.loc[outside, ["metier", "proba_metier"]] = None  # no trade of the inclusive sector: no métier
        return out[OUTPUT_COLUMNS]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags


def _with_cpv(X: pd.DataFrame) -> pd.DataFrame:
    """Contracts whose CPV codes are normalised (labelled files keep codes as written): every code that
    :func:`parse_cpv` would change, and any value that is not a text (None), read by it."""
    if "code_cpv" not in X.columns:
        return X
    raw = X["code_cpv"].to_numpy(dtype=object)
    rest = np.flatnonzero(~_settled_codes(raw))
    if not len(rest):
        return X  # read_contracts normalised them already
    codes = raw.copy()
    codes[rest] = map_distinct(lambda c: parse_cpv(c if isinstance(c, str) else None)[0], raw[rest])
    return X.assign(code_cpv=pd.Series(codes, index=X.index, dtype=object))  # the other columns shared


_SETTLED = "^[0-9]{8}$"  # a CPV code as parse_cpv writes it


def _settled_codes(codes: np.ndarray) -> np.ndarray:
    """Where a code is None or eight ASCII digits, which :func:`parse_cpv` leaves as it is (found by arrow)."""
    try:  # texts and None only, as read_contracts writes them
        return regex_found(pa.array(codes, type=pa.large_string()), _SETTLED, missing=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # another value (NaN, a number): read one by one
        pass
    text = np.fromiter((isinstance(c, str) for c in codes), dtype=bool, count=len(codes))
    settled = np.fromiter((c is None for c in codes), dtype=bool, count=len(codes))
    if text.any():
        settled[text] = regex_found(pa.array(codes[text], type=pa.large_string()), _SETTLED)
    return settled


def classify_trades(contracts: pd.DataFrame, model=None, n_jobs: int | None = None) -> pd.DataFrame:
    """One-shot twin of :class:`TradeClassifier`: the contracts with the classification columns.

    Parameters
    ----------
    contracts : DataFrame
        The canonical contract table (from :func:`read_contracts`).
    model : TradeClassifier, optional
        A fitted model; the shipped one by default.
    n_jobs : int, optional
        Processes (joblib) over chunks of 20,000 contracts; joblib's active backend is used, so a
        ``with joblib.parallel_backend("dask"):`` block spreads the work over a Dask cluster.

    Examples
    --------
    >>> import transferability as tr
    >>> table = classify_trades(tr.read_contracts(tr.load_sample_contracts_path()))
    >>> table[["objet", "famille", "capacite"]].shape
    (710, 3)
    """
    model = load_model() if model is None else model
    codes, first = _distinct(contracts)
    every = len(first) == len(contracts)  # every row distinct: first and codes are 0, 1, 2...
    distinct = contracts if every else contracts.iloc[first]
    if n_jobs in (None, 1) or len(distinct) <= CHUNK:
        with collector_paused():  # a sentence and a few texts per contract, without cycles
            classified = model.classify(distinct)
    else:
        from joblib import Parallel, delayed

        chunks = [distinct.iloc[i : i + CHUNK] for i in range(0, len(distinct), CHUNK)]
        classified = pd.concat(Parallel(n_jobs=n_jobs)(delayed(model.classify)(chunk) for chunk in chunks))
    classified = classified if every else classified.iloc[codes].set_axis(contracts.index)
    return pd.concat([contracts, classified], axis=1)


def _distinct(contracts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each contract's number among the distinct inputs of the classifier (object, CPV, type, nature,
    procedure, amount band), and the first row of each: a file's lots and repeated objects are classified
    once, with the same result as row by row."""
    columns = [
        c for c in ("objet", "code_cpv", "type_marche", "nature", "categorie_procedure") if c in contracts
    ]
    return distinct_rows(contracts[columns].assign(_tranche=amount_bands(contracts)))
