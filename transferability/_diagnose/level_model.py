"""``LevelClassifier``: the level learnt from a consultant's past judgements instead of the default rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data


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
