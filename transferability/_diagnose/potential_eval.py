"""How well the potential per sector and the transferable part are learned: buyer-grouped cross-validation and
the held-out test set, beside a rule on capability alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedGroupKFold

from .._classify import TradeClassifier, grouped_predictions, load_labelled
from .potential import (
    ENGAGED,
    LEVELS,
    N_SPLITS,
    POTENTIALS,
    RULE,
    SECTORS,
    SEED,
    UNDETERMINED,
    Y_COLUMNS,
    PotentialModel,
    classified_labels,
    sector_parts,
)


def capability_rule(X: pd.DataFrame, model: PotentialModel) -> pd.DataFrame:
    """The baseline: potential from capability alone (:data:`RULE`), both sectors alike; parts from
    ``model``'s moyen table, so that only the potentials differ from the model's."""
    level = X["capacite"].map(RULE).fillna(UNDETERMINED)
    return model.with_parts(X, pd.DataFrame({"potentiel_esat_ea": level, "potentiel_siae": level}))


def _out_of_fold(data: pd.DataFrame, make_classifier, n_splits: int, seed: int) -> pd.DataFrame:
    """:func:`classified_labels` over the classifier's buyer-grouped out-of-fold predictions."""
    p = grouped_predictions(data, make_classifier, n_splits, seed)
    p = p[["modele_famille", "modele_capacite", "modele_p_capacite"]]
    return classified_labels(data, p.set_axis(["famille", "capacite", "proba_capacite"], axis=1))


def evaluate_potential(
    data: pd.DataFrame | None = None,
    test: pd.DataFrame | None = None,
    model: PotentialModel | None = None,
    make_classifier=TradeClassifier,
    n_splits: int = N_SPLITS,
    seed: int = SEED,
) -> dict:
    """The potential model and the capability rule (:func:`capability_rule`), measured twice.

    - Buyer-grouped cross-validation on the training rows with section-4 labels. The folds are those of
      :func:`grouped_predictions` over every training row: a held-out fold's features are the classifier's
      out-of-fold predictions, and the potential model of that fold is fitted on features that a nested
      :func:`grouped_predictions` over the other folds gave, so no classifier behind it saw the held-out fold.
    - The held-out test rows (``jeu = test``), predicted by a classifier fitted on every training row and a
      potential model fitted on the training rows' out-of-fold features.

    Each part gives, per sector, macro-F1 (over fort / moyen / faible, indéterminé rows kept), accuracy, the
    confusion matrix, the part's mean absolute error in points, the aggregate transferable share of the
    amount and the share of the amount in fort or moyen contracts, predicted and labelled.
    """
    data = (load_labelled() if data is None else data).reset_index(drop=True)
    test = load_labelled(jeu="test") if test is None else test
    model, labelled = model or PotentialModel(), (data["potentiel_esat_ea"] != "").to_numpy()
    oof = _out_of_fold(data, make_classifier, n_splits, seed)
    folds = StratifiedGroupKFold(n_splits, shuffle=True, random_state=seed)
    preds, rules = [], []
    for train, held in folds.split(
        data, data["famille"].to_numpy(object), data["acheteur_id"].to_numpy(object)
    ):
        inner = _out_of_fold(data.iloc[train], make_classifier, n_splits, seed)
        fit_rows, held = train[labelled[train]], held[labelled[held]]
        fitted = clone(model).fit(inner.loc[fit_rows], data.loc[fit_rows, list(Y_COLUMNS)])
        preds.append(fitted.predict(oof.loc[held]))
        rules.append(capability_rule(oof.loc[held], fitted))
    cv, test = data[labelled], test[test["potentiel_esat_ea"] != ""]
    result = {"n": len(cv), "acheteurs": cv["acheteur_id"].nunique(), "plis": n_splits}
    result.update(_report(cv, pd.concat(preds).loc[cv.index], pd.concat(rules).loc[cv.index]))
    if len(test):
        classifier = make_classifier().fit(data, data[["famille", "capacite"]])
        fitted = clone(model).fit(oof[labelled], cv[list(Y_COLUMNS)])
        X_test = classified_labels(test, classifier.classify(test))
        result["test"] = {"n": len(test), "acheteurs": test["acheteur_id"].nunique()}
        result["test"].update(_report(test, fitted.predict(X_test), capability_rule(X_test, fitted)))
    return result


def _report(labels: pd.DataFrame, pred: pd.DataFrame, rule: pd.DataFrame) -> dict:
    return {
        "modele": _measures(labels, pred),
        "base_capacite": _measures(labels, rule),
        "par_categorie": pd.concat(
            {
                "modèle appris": _by_category(labels, pred),
                "règle sur la capacité": _by_category(labels, rule),
            },
            names=["methode"],
        ),
    }


def _by_category(labels: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """The aggregate transferable share per procedure category (MAPA, formal) and sector, predicted and
    labelled, and their difference in points: the error of the figure the report headlines."""
    truth = sector_parts(labels)
    truth["part_transferable"] = pd.to_numeric(labels["part_transferable"], errors="coerce") / 100.0
    amount = np.nan_to_num(labels["montant"].to_numpy(float))
    category = labels.get("categorie_procedure", pd.Series("Inconnue", index=labels.index)).to_numpy(object)
    rows = {}
    for cat in ("MAPA", "Formalisé"):
        here = category == cat
        for sector, name in zip(
            (*SECTORS, "ensemble"), ("ESAT, EA", "SIAE", "ESAT, EA ou SIAE"), strict=True
        ):
            column = "part_transferable" if sector == "ensemble" else f"part_{sector}"
            m = _part_measures(
                truth[column].to_numpy(float)[here], pred[column].to_numpy(float)[here], amount[here]
            )
            error = 100 * (m["part_agregee_predite"] - m["part_agregee_etiquetee"])
            rows[(cat, name)] = {"marches": m["n_part"], **m, "ecart_points": round(error, 1)}
    return pd.DataFrame(rows).T.drop(columns=["n_part"])


def _measures(labels: pd.DataFrame, pred: pd.DataFrame) -> dict:
    """Per sector: scores, confusion, part error and shares of the amount; ``ensemble``: the larger part."""
    truth = sector_parts(labels)
    amount = np.nan_to_num(labels["montant"].to_numpy(float))
    out = {}
    for sector in SECTORS:
        true, guess = (
            labels[f"potentiel_{sector}"].to_numpy(object),
            pred[f"potentiel_{sector}"].to_numpy(object),
        )
        f1 = f1_score(true, guess, labels=list(LEVELS), average="macro", zero_division=0)
        out[sector] = {
            "f1_macro": round(float(f1), 3),
            "exactitude": round(float(accuracy_score(true, guess)), 3),
            "confusion": pd.DataFrame(
                confusion_matrix(true, guess, labels=list(POTENTIALS)), index=POTENTIALS, columns=POTENTIALS
            ),
            **_part_measures(
                truth[f"part_{sector}"].to_numpy(), pred[f"part_{sector}"].to_numpy(float), amount
            ),
            "fort_ou_moyen_predite": _share(amount * np.isin(guess, ENGAGED), amount),
            "fort_ou_moyen_etiquetee": _share(amount * np.isin(true, ENGAGED), amount),
        }
    true_part = pd.to_numeric(labels["part_transferable"], errors="coerce").to_numpy(float) / 100.0
    out["ensemble"] = _part_measures(true_part, pred["part_transferable"].to_numpy(float), amount)
    return out


def _part_measures(true: np.ndarray, pred: np.ndarray, amount: np.ndarray) -> dict:
    """MAE in points and aggregate share, over rows with a labelled part; a NaN prediction counts as 0."""
    known, pred = ~np.isnan(true), np.nan_to_num(pred)
    return {
        "n_part": int(known.sum()),
        "mae_points": round(float(100 * np.abs(pred[known] - true[known]).mean()), 2),
        "part_agregee_predite": _share((amount * pred)[known], amount[known]),
        "part_agregee_etiquetee": _share((amount * true)[known], amount[known]),
    }


def _share(part: np.ndarray, amount: np.ndarray) -> float:
    """Sum of ``part`` over sum of ``amount`` (missing amounts count as 0: rows without an amount drop out)."""
    return round(float(part.sum() / amount.sum()), 4) if amount.sum() > 0 else float("nan")
