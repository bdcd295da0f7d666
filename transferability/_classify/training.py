"""Training, grouped evaluation, corrections and the review loop of the trade classifier."""

from __future__ import annotations

import datetime as dt
import platform
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold

from .._errors import InputError, Problem
from .._io import read_small_table
from .._reference import taxonomy as tx
from .._utils import data_path, models_dir
from .baselines import cpv_baseline, lemarche_baseline
from .classifier import TradeClassifier
from .persistence import save_model, sha256

LABELS_FILE = "etiquettes_marches.csv"
N_SPLITS = 5
SEED = 0


def load_labelled(path: str | Path | None = None, jeu: str | None = "entrainement") -> pd.DataFrame:
    """The hand-labelled contracts (``data/etiquettes_marches.csv`` by default).

    ``jeu`` keeps the rows of one set: ``entrainement`` (the default: every training and model choice),
    ``test`` (the held-out source files, for the final measure only), ``exclu`` (rows of the held-out
    buyers found in other files), or None for all.
    """
    path = Path(path) if path else data_path(LABELS_FILE)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if jeu is not None and "jeu" in table.columns:
        table = table[table["jeu"] == jeu].reset_index(drop=True)
    table["montant"] = pd.to_numeric(table["montant"].str.replace(",", "."), errors="coerce")
    return table


def grouped_predictions(
    data: pd.DataFrame, make_model=TradeClassifier, n_splits: int = N_SPLITS, seed: int = SEED
) -> pd.DataFrame:
    """Out-of-fold predictions of the model and of both baselines, folds grouped by buyer."""
    y = data["famille"].to_numpy(object)
    folds = StratifiedGroupKFold(n_splits, shuffle=True, random_state=seed)
    pred = pd.DataFrame(
        index=data.index, columns=["famille", "capacite", "p_famille", "p_capacite"], dtype=object
    )
    for train, test in folds.split(data, y, data["acheteur_id"].to_numpy(object)):
        model = make_model().fit(data.iloc[train], data.iloc[train][["famille", "capacite"]])
        fam, cap = model.predict_proba(data.iloc[test])
        pred.iloc[test, 0] = model.classes_[0][fam.argmax(1)]
        pred.iloc[test, 1] = model.classes_[1][cap.argmax(1)]
        pred.iloc[test, 2] = fam.max(1)
        pred.iloc[test, 3] = cap.max(1)
    cpv = cpv_baseline(_codes(data))
    return pd.DataFrame(
        {
            "famille": data["famille"],
            "capacite": data["capacite"],
            "modele_famille": pred["famille"],
            "modele_capacite": pred["capacite"],
            "modele_p_famille": pred["p_famille"].astype(float),
            "modele_p_capacite": pred["p_capacite"].astype(float),
            "cpv_famille": cpv["famille"],
            "cpv_capacite": cpv["capacite"],
            "lemarche_famille": lemarche_baseline(data["objet"]),
        }
    )


def _codes(data: pd.DataFrame) -> pd.Series:
    from .._io import parse_cpv

    return data["code_cpv"].map(lambda c: parse_cpv(c)[0] if c else None)


def calibration_error(correct, confidence, n_bins: int = 10) -> float:
    """Expected calibration error: mean gap between confidence and accuracy over confidence bins."""
    correct, confidence = np.asarray(correct, float), np.asarray(confidence, float)
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    return float(
        sum(
            abs(correct[bins == b].mean() - confidence[bins == b].mean()) * (bins == b).mean()
            for b in np.unique(bins)
        )
    )


def scores(true_fam, pred_fam, true_cap=None, pred_cap=None) -> dict:
    """Family accuracy and macro-F1; capability macro-F1 and transferable-vs-aucun F1 when given."""
    out = {
        "famille_exactitude": accuracy_score(true_fam, pred_fam),
        "famille_f1_macro": f1_score(true_fam, pred_fam, average="macro", zero_division=0),
    }
    if pred_cap is not None:
        out["capacite_f1_macro"] = f1_score(true_cap, pred_cap, average="macro", zero_division=0)
        out["transferable_f1"] = f1_score(np.asarray(true_cap) != "aucun", np.asarray(pred_cap) != "aucun")
    return {k: round(float(v), 3) for k, v in out.items()}


def evaluate(data: pd.DataFrame | None = None, test: pd.DataFrame | None = None) -> dict:
    """The model and both baselines, measured twice.

    - Grouped cross-validation by buyer on the training set (``jeu = entrainement``): the figure every model
      choice was made on.
    - The held-out test set (``jeu = test``: whole source files, and their buyers, that no training and no
      choice ever saw), predicted by a model fitted on the whole training set: the figure that predicts
      performance on new buyers.

    Each part has the scores, the per-family table, the confusion matrices and, per family, the share of its
    contracts predicted Hors champ.
    """
    data = load_labelled() if data is None else data
    test = load_labelled(jeu="test") if test is None else test
    p = grouped_predictions(data)
    result = {"n": len(data), "acheteurs": int(data["acheteur_id"].nunique()), "plis": N_SPLITS}
    result.update(_measures(p))
    if len(test):
        model = TradeClassifier().fit(data, data[["famille", "capacite"]])
        result["test"] = {
            "n": len(test),
            "acheteurs": int(test["acheteur_id"].nunique()),
            "fichiers": sorted(
                test["source_fichier"]
                .str.rsplit("/", n=1)
                .str[-1]
                .str.replace(r"\d+\.json$", "*.json", regex=True)
                .unique()
            ),
            **_measures(_predictions(model, test)),
        }
    return result


def _predictions(model, data: pd.DataFrame) -> pd.DataFrame:
    fam, cap = model.predict_proba(data)
    cpv = cpv_baseline(_codes(data))
    return pd.DataFrame(
        {
            "famille": data["famille"],
            "capacite": data["capacite"],
            "modele_famille": model.classes_[0][fam.argmax(1)],
            "modele_capacite": model.classes_[1][cap.argmax(1)],
            "modele_p_famille": fam.max(1),
            "modele_p_capacite": cap.max(1),
            "cpv_famille": cpv["famille"],
            "cpv_capacite": cpv["capacite"],
            "lemarche_famille": lemarche_baseline(data["objet"]),
        }
    )


def _measures(p: pd.DataFrame) -> dict:
    """Scores of predictions ``p`` (true and predicted columns), per family, confusions."""
    families = list(tx.family_labels())
    out = {
        "modele": {
            **scores(p["famille"], p["modele_famille"], p["capacite"], p["modele_capacite"]),
            "famille_ece": round(
                calibration_error(p["famille"] == p["modele_famille"], p["modele_p_famille"]), 3
            ),
            "capacite_ece": round(
                calibration_error(p["capacite"] == p["modele_capacite"], p["modele_p_capacite"]), 3
            ),
        },
        "base_cpv": scores(p["famille"], p["cpv_famille"], p["capacite"], p["cpv_capacite"]),
        "base_lemarche": scores(p["famille"], p["lemarche_famille"]),
    }
    prec, rec, f1, support = precision_recall_fscore_support(
        p["famille"], p["modele_famille"], labels=families, zero_division=0
    )
    to_outside = [
        ((p["famille"] == f) & (p["modele_famille"] == tx.HORS_CHAMP)).sum()
        / max((p["famille"] == f).sum(), 1)
        for f in families
    ]
    out["par_famille"] = pd.DataFrame(
        {"precision": prec, "rappel": rec, "f1": f1, "effectif": support, "predits_hors_champ": to_outside},
        index=families,
    ).round(3)
    out["confusion_famille"] = pd.DataFrame(
        confusion_matrix(p["famille"], p["modele_famille"], labels=families), index=families, columns=families
    )
    caps = list(tx.CAPACITIES)
    out["confusion_capacite"] = pd.DataFrame(
        confusion_matrix(p["capacite"], p["modele_capacite"], labels=caps), index=caps, columns=caps
    )
    return out


def read_corrections(path: str | Path) -> pd.DataFrame:
    """Rows a consultant corrected in a review sheet (columns ``famille_corrigee`` / ``capacite_corrigee``)."""
    path = Path(path)
    needed = {"objet", "famille_corrigee", "capacite_corrigee"}
    sheet = read_small_table(
        path,
        str(path),
        needed,
        "fournir la feuille de revue produite par « transferability classer --revue »",
    )
    if not needed <= set(sheet.columns):
        raise InputError(
            Problem(
                "colonnes absentes de la feuille de corrections",
                str(path),
                ", ".join(sorted(needed - set(sheet.columns))),
                "garder les colonnes de la feuille de revue et remplir famille_corrigee, capacite_corrigee",
            )
        )
    done = sheet[(sheet["famille_corrigee"] != "") | (sheet["capacite_corrigee"] != "")].copy()
    problems = []
    for i, row in done.iterrows():
        if row["famille_corrigee"] and row["famille_corrigee"] not in tx.family_labels():
            problems.append(
                Problem(
                    "famille inconnue",
                    f"{path}, ligne {i}, colonne famille_corrigee",
                    f"« {row['famille_corrigee']} »",
                    "choisir une des 14 familles de la grille",
                )
            )
        if row["capacite_corrigee"] and row["capacite_corrigee"] not in tx.CAPACITIES:
            problems.append(
                Problem(
                    "capacité inconnue",
                    f"{path}, ligne {i}, colonne capacite_corrigee",
                    f"« {row['capacite_corrigee']} »",
                    "total, partiel ou aucun",
                )
            )
    if problems:
        raise InputError(problems)
    done["famille"] = done["famille_corrigee"].where(done["famille_corrigee"] != "", done.get("famille", ""))
    done["capacite"] = done["capacite_corrigee"].where(
        done["capacite_corrigee"] != "", done.get("capacite", "")
    )
    done["acheteur_id"] = done.get("acheteur_id", pd.Series("correction", index=done.index)).replace(
        "", "correction"
    )
    return (
        done[["acheteur_id", "objet", "code_cpv", "famille", "capacite"]]
        if "code_cpv" in done
        else done.assign(code_cpv="")[["acheteur_id", "objet", "code_cpv", "famille", "capacite"]]
    )


def train(
    output: str | Path,
    corrections: str | Path | None = None,
    evaluate_model: bool = True,
    replace_shipped: bool = False,
) -> Path:
    """Fit on every labelled training contract (plus corrections), write the model and its card.

    The shipped model's folder is written only with ``replace_shipped=True``: a retrained model written there
    would replace, for every later run, the model the library was published with.
    """
    output = Path(output)
    if output.resolve().parent == models_dir().resolve() and not replace_shipped:
        raise InputError(
            Problem(
                "écriture refusée dans le dossier du modèle livré",
                str(output.parent),
                "le modèle livré serait remplacé pour toutes les utilisations suivantes",
                "choisir un autre dossier (-o mon_modele), puis diagnostic --modele mon_modele/"
                "trade_classifier.joblib --confiance",
            )
        )
    data = load_labelled()
    extra = read_corrections(corrections) if corrections else None
    fit_data = pd.concat([data, extra], ignore_index=True) if extra is not None else data
    model = TradeClassifier().fit(fit_data, fit_data[["famille", "capacite"]])
    card = {
        "modele": "TradeClassifier",
        "parametres": model.get_params(),
        "date": dt.date.today().isoformat(),
        "donnees": {
            "fichier": LABELS_FILE,
            "sha256": sha256(data_path(LABELS_FILE)),
            "contrats": len(data),
            "jeu": "entrainement (les marchés du jeu de test tenu à l’écart ne servent jamais à l’entraînement)",
            "acheteurs": int(data["acheteur_id"].nunique()),
            "corrections": {"fichier": str(corrections), "lignes": len(extra)} if extra is not None else None,
        },
        "versions": _versions(),
        "regles_cpv": tx.CPV_RULES_VERSION,
        "limites": [
            "étiquettes posées par des modèles de langue suivant la grille LABELLING.md, pas par des consultants",
            "marchés de 2016 à 2026 ; objets très courts ou opaques (« LOT 4 ») jugés surtout sur le code CPV",
            "la capacité juge l’objet seul : la géographie et le montant sont jugés à part",
        ],
    }
    if evaluate_model:
        result = evaluate(data)
        card["validation_croisee_groupee_par_acheteur"] = {
            k: result[k] for k in ("n", "acheteurs", "plis", "modele", "base_cpv", "base_lemarche")
        }
        if "test" in result:
            test = result["test"]
            card["jeu_de_test_tenu_a_l_ecart"] = {
                **{k: test[k] for k in ("n", "acheteurs", "fichiers", "modele", "base_cpv", "base_lemarche")},
                "f1_par_famille": test["par_famille"]["f1"].to_dict(),
            }
    return save_model(model, output, card)


def _versions() -> dict:
    import joblib
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "joblib": joblib.__version__,
    }
