"""The métier within a predicted family, and a French explanation of each prediction."""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

from .._reference import taxonomy as tx

# Score of the métier choice: share of the family's lexicon weight, else these fixed levels.
METIER_FROM_CPV = 0.6
METIER_DEFAULT = 0.3


def choose_metiers(X: pd.DataFrame, familles: np.ndarray, proba_famille: np.ndarray, lexicon_scores):
    """For each contract: the métier within its family, a score in [0, 1], and how it was chosen.

    The lexicon's matches within the family win (score = their share of the family's matched
    weight × family probability); else the CPV mapping's métier when it lies in the family
    (0.6 × family probability); else the family's first métier (0.3 ×).
    """
    scores = lexicon_scores.toarray()
    table = tx.metiers()
    ids = np.array(tx.lexicon().metier_ids, dtype=object)
    fam_of = table["famille"].reindex(ids).to_numpy(object)
    first_of = table.groupby("famille", sort=False)["metier_id"].first().to_dict()
    family_of = table["famille"].to_dict()
    codes = X["code_cpv"] if "code_cpv" in X.columns else pd.Series([None] * len(X))
    cpv = tx.cpv_priors(codes.reset_index(drop=True))["metier_id"].to_numpy(object)
    familles = np.asarray(familles, dtype=object)
    in_family = np.where(fam_of[None, :] == familles[:, None], scores, 0.0)  # contracts × métiers
    best = in_family.argmax(axis=1)
    best_score = in_family[np.arange(len(familles)), best]
    total = in_family.sum(axis=1)
    by_lexicon = best_score > 0
    cpv_family = np.array([family_of.get(c) for c in cpv], dtype=object)
    by_cpv = ~by_lexicon & (cpv_family == familles)
    metiers = np.where(by_lexicon, ids[best], np.where(by_cpv, cpv, [first_of[f] for f in familles]))
    share = np.divide(best_score, total, out=np.zeros_like(total), where=total > 0)
    probas = proba_famille * np.where(by_lexicon, share, np.where(by_cpv, METIER_FROM_CPV, METIER_DEFAULT))
    reasons = np.where(by_lexicon, "lexique", np.where(by_cpv, "cpv", "défaut")).tolist()
    labels = table["metier"].reindex(metiers).tolist()
    return labels, np.round(probas, 3), reasons


@functools.lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return tx.stem(word)


def _words_of(objet: object) -> dict[str, str]:
    """The object's words by their stem (folded, plural dropped), to show a person the words themselves."""
    words = {}
    for word in _WORD.findall(str(objet or "")):
        word = word.strip("’'")
        words.setdefault(_stem(word), word.lower())
    return words


_WORD = re.compile(r"[\w’']+")


def _shown(term: str, words: dict[str, str]) -> str:
    """A model term ("travau entretien") as the object wrote it ("travaux entretien")."""
    return " ".join(words.get(part, part) for part in term.split())


def explain(
    model, Z, family_index: np.ndarray, reasons: list[str], objets=None, n_terms: int = 3
) -> list[str]:
    """One French sentence per contract: trade words matched, CPV family, strongest words of its object."""
    names = model.features_.feature_names()
    kind = np.select(
        [np.char.startswith(names.astype(str), p) for p in ("mot:", "lexique:", "cpv:famcpv")], [1, 2, 3], 0
    )
    short = [n.split(":", 1)[1] for n in names]
    label_of = tx.metiers()["metier"].to_dict()
    families = tx.family_labels()
    fam = model.famille_model_
    coef = (
        np.mean([c.estimator.coef_ for c in fam.calibrated_classifiers_], axis=0)
        if hasattr(fam, "calibrated_classifiers_")
        else fam.coef_
    )
    Z = Z.tocsr()
    objets = list(objets) if objets is not None else [None] * Z.shape[0]
    out = []
    for i in range(Z.shape[0]):
        start, end = Z.indptr[i], Z.indptr[i + 1]
        cols = Z.indices[start:end]
        contrib = Z.data[start:end] * coef[family_index[i], cols]
        keep = contrib > 0
        cols, contrib = cols[keep], contrib[keep]
        cols = cols[np.argsort(-contrib)]
        k = kind[cols]
        lex = [label_of[short[c]] for c in cols[k == 2][:2]]
        cpv = cols[k == 3][:1]
        words = _words_of(objets[i])
        text = [f"« {_shown(short[c], words)} »" for c in cols[k == 1][:n_terms]]
        parts = []
        if lex:
            parts.append("métier reconnu\u00a0: " + ", ".join(lex))
        if len(cpv):
            parts.append("code CPV de la famille " + families[int(short[cpv[0]].removeprefix("famcpv"))])
        if text:
            parts.append("mots de l’objet\u00a0: " + ", ".join(text))
        if not parts:
            parts.append("aucun indice fort\u00a0: famille la plus probable")
        if reasons[i] == "défaut":
            parts.append("métier par défaut de la famille")
        out.append("\u00a0; ".join(parts))
    return out
