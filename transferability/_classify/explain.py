"""The métier within a predicted family, and a French explanation of each prediction."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._reference import taxonomy as tx
from .._utils import fold_in_place, fold_with_origins, map_distinct

# Score of the métier choice: share of the family's lexicon weight, else these fixed levels.
METIER_FROM_CPV = 0.6
METIER_DEFAULT = 0.3


def choose_metiers(X: pd.DataFrame, familles: np.ndarray, proba_famille: np.ndarray, lexicon_scores):
    """For each contract: the métier within its family, a score in [0, 1], and how it was chosen.

    The lexicon's matches within the family win (score = their share of the family's matched
    weight × family probability); else the CPV mapping's métier when it lies in the family
    (0.6 × family probability); else the family's first métier (0.3 ×).
    """
    table = tx.metiers()
    ids = np.array(tx.lexicon().metier_ids, dtype=object)
    fam_of = table["famille"].reindex(ids).to_numpy(object)
    first_of = table.groupby("famille", sort=False)["metier_id"].first().to_dict()
    family_of = table["famille"].to_dict()
    codes = X["code_cpv"] if "code_cpv" in X.columns else pd.Series([None] * len(X))
    cpv = map_distinct(_cpv_metier, codes.to_numpy(dtype=object))  # the CPV mapping's métier, once per code
    familles = np.asarray(familles, dtype=object)
    best, best_score, total = _best_in_family(lexicon_scores, fam_of, familles)
    by_lexicon = best_score > 0
    cpv_family = map_distinct(family_of.get, cpv)  # each distinct code's family once
    by_cpv = ~by_lexicon & (cpv_family == familles)
    metiers = np.where(by_lexicon, ids[best], np.where(by_cpv, cpv, map_distinct(first_of.get, familles)))
    share = np.divide(best_score, total, out=np.zeros_like(total), where=total > 0)
    probas = proba_famille * np.where(by_lexicon, share, np.where(by_cpv, METIER_FROM_CPV, METIER_DEFAULT))
    reasons = np.where(by_lexicon, "lexique", np.where(by_cpv, "cpv", "défaut")).tolist()
    rows, distinct = pd.factorize(metiers, use_na_sentinel=False)
    labels = table["metier"].reindex(distinct).to_numpy(object)[rows].tolist()
    return labels, np.round(probas, 3), reasons


def _best_in_family(scores, fam_of: np.ndarray, familles: np.ndarray):
    """For each contract, among the lexicon's matches (``scores``, sparse contracts × métiers) of métiers of
    its family (``fam_of``: each métier's): the best métier's column (the first among equals, 0 where none
    matches), its score and the matches' total. Read from the matches alone, never a dense matrix."""
    scores = scores.tocsr()
    n = len(familles)
    row = np.repeat(np.arange(n), np.diff(scores.indptr))
    col, value = scores.indices, scores.data
    # families as integer codes: comparing texts match by match took most of the time
    codes, _ = pd.factorize(np.concatenate([fam_of, familles]))
    keep = (codes[col] == codes[len(fam_of) + row]) & (value > 0)
    row, col, value = row[keep], col[keep], value[keep]
    total = np.bincount(row, weights=value, minlength=n).astype(value.dtype)  # in the scores' type
    order = np.lexsort((col, -value, row))  # each row's best first, the first column among equals
    row, col, value = row[order], col[order], value[order]
    first = np.r_[True, row[1:] != row[:-1]] if len(row) else np.zeros(0, dtype=bool)
    best, best_score = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=value.dtype)
    best[row[first]], best_score[row[first]] = col[first], value[first]
    return best, best_score, total


def _cpv_metier(code: str | None) -> str | None:
    prior = tx.cpv_prior(code)
    return prior.metier_id if prior else None


def _written(objet: str, folded: str | None, stems: set[str]) -> dict[str, str]:
    """Each stem's first word in the object (a word of its fold whose singular is the stem) as the object
    wrote it, in lower case: to show a person the words themselves. ``folded``: the object folded in
    place (:func:`fold_in_place`), None to fold it here."""
    origins = None
    if folded is None:
        folded, origins = fold_with_origins(objet)
    words = {}
    for stem in stems:
        span = _first_word(folded, stem)
        if span is not None:
            start, stop = span if origins is None else (origins[span[0]], origins[span[1] - 1] + 1)
            words[stem] = objet[start:stop].lower()
    return words


def _first_word(folded: str, stem: str) -> tuple[int, int] | None:
    """Where the first word of a folded text whose singular is ``stem`` lies (the singular of a word of
    more than three letters drops a final « s » or « x », as :func:`normalise_objects` does)."""
    n, end = len(stem), len(folded)
    bare = not (n > 3 and stem[-1] in "sx")  # a word spelled as the stem is its own singular
    at = folded.find(stem)
    while at >= 0:
        if at == 0 or folded[at - 1] == " ":
            stop = at + n
            if stop == end or folded[stop] == " ":
                if bare:
                    return at, stop
            elif n >= 3 and folded[stop] in "sx" and (stop + 1 == end or folded[stop + 1] == " "):
                return at, stop + 1
        at = folded.find(stem, at + 1)
    return None


def _shown(term: str, words: dict[str, str]) -> str:
    """A model term ("travau entretien") as the object wrote it ("travaux entretien")."""
    if " " not in term:
        return words.get(term, term)
    return " ".join(words.get(part, part) for part in term.split())


def explain(
    model, Z, family_index: np.ndarray, reasons: list[str], objets=None, n_terms: int = 3
) -> list[str]:
    """One French sentence per contract: trade words matched, CPV family, strongest words of its object."""
    names = model.features_.feature_names()
    kind = np.select(
        [np.char.startswith(names.astype(str), p) for p in ("mot:", "lexique:", "cpv:famcpv")], [1, 2, 3], 0
    )
    objets = _texts(objets, Z.shape[0])
    folded = fold_in_place(objets)
    row, col, k = _strongest(Z.tocsr(), _family_coefficients(model), family_index, kind, n_terms)
    n = Z.shape[0]
    # each row's terms come lexicon, CPV, words: where each kind ends in the row, for slices instead of tests
    bounds = np.searchsorted(row * 4 + np.array([0, 3, 1, 2])[k], np.arange(n * 4 + 1))
    texts = _column_texts(names, set(col.tolist()), kind)
    shown = [texts[c][1] for c in col.tolist()]
    starts, lexicon_ends, cpv_ends, ends = (bounds[j : n * 4 + 1 : 4].tolist() for j in (1, 2, 3, 4))
    out = []
    for i, objet in enumerate(objets):
        lexicon, words = shown[starts[i] : lexicon_ends[i]], shown[cpv_ends[i] : ends[i]]
        parts = ["métier reconnu\u00a0: " + ", ".join(lexicon)] if lexicon else []
        parts += shown[lexicon_ends[i] : cpv_ends[i]]
        if words:
            written = _written(objet, folded[i], {part for term in words for part in term.split()})
            parts.append(
                "mots de l’objet\u00a0: " + ", ".join(f"« {_shown(term, written)} »" for term in words)
            )
        if not parts:
            parts.append("aucun indice fort\u00a0: famille la plus probable")
        if reasons[i] == "défaut":
            parts.append("métier par défaut de la famille")
        out.append("\u00a0; ".join(parts))
    return out


def _texts(objets, n: int) -> list[str]:
    """The objects as texts: a missing one empty, any other value as its text."""
    if objets is None:
        return [""] * n
    if isinstance(objets, pd.Series):  # arrow strings made Python strings at once, not one at a time
        objets = objets.tolist()
    return [o if isinstance(o, str) else _text(o) for o in objets]


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _column_texts(names: np.ndarray, columns: set[int], kind: np.ndarray) -> dict[int, tuple[int, str]]:
    """The kind of each column shown and what a sentence says of it: a word's term, a lexicon métier's
    label, a CPV family's phrase."""
    label_of, families = tx.metiers()["metier"].to_dict(), tx.family_labels()
    texts = {}
    for c in columns:
        short = names[c].split(":", 1)[1]
        if kind[c] == 2:
            short = label_of[short]
        elif kind[c] == 3:
            short = "code CPV de la famille " + families[int(short.removeprefix("famcpv"))]
        texts[c] = (int(kind[c]), short)
    return texts


def _family_coefficients(model) -> np.ndarray:
    """The family model's coefficients (families × features), averaged over its calibration folds."""
    fam = model.famille_model_
    if hasattr(fam, "calibrated_classifiers_"):
        return np.mean([c.estimator.coef_ for c in fam.calibrated_classifiers_], axis=0)
    return fam.coef_


def _strongest(Z, coef: np.ndarray, family_index: np.ndarray, kind: np.ndarray, n_terms: int):
    """The terms shown for each row, by their contribution to the predicted family (positive only), all
    rows at once: its two strongest lexicon terms, strongest CPV family and ``n_terms`` strongest words.
    Returns their rows, columns and kinds, by row, in the order lexicon, CPV, words, strongest first (the
    first in the row's order among equals)."""
    row = np.repeat(np.arange(Z.shape[0]), np.diff(Z.indptr))
    contrib = Z.data * coef[np.asarray(family_index)[row], Z.indices]
    keep = (contrib > 0) & (kind[Z.indices] > 0)  # the kinds of terms shown, for the predicted family
    row, col, contrib = row[keep], Z.indices[keep], contrib[keep]
    # a group per row and kind, numbered lexicon (1), CPV (2), words (3) within the row; its terms together
    group = row * 4 + np.array([0, 3, 1, 2])[kind[col]]
    together = np.argsort(group, kind="stable")
    group, col, contrib = group[together], col[together], contrib[together]
    chosen, rank = _best_of_groups(group, contrib, np.array([0, 2, 1, n_terms]))
    shown = chosen[np.argsort(group[chosen] * 4 + rank)]
    return group[shown] // 4, col[shown], kind[col[shown]]


def _best_of_groups(group: np.ndarray, contrib: np.ndarray, wanted_by_kind: np.ndarray):
    """In runs of equal ``group``, the positions of the largest ``contrib`` (the first among equals), then
    the next..., as many as ``wanted_by_kind[group % 4]``: one pass over all groups per rank."""
    if not len(group):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes, wanted = np.diff(np.r_[starts, len(group)]), wanted_by_kind[group[starts] % 4]
    left, position = contrib.copy(), np.arange(len(group))
    chosen, rank = [], []
    for k in range(int(wanted.max())):
        best = np.maximum.reduceat(left, starts)
        first = np.minimum.reduceat(np.where(left == np.repeat(best, sizes), position, len(group)), starts)
        take = (k < wanted) & (best > 0)  # taken ones are set to -inf: a group without more has none > 0
        chosen.append(first[take])
        rank.append(np.full(int(take.sum()), k))
        left[first[take]] = -np.inf
    return np.concatenate(chosen), np.concatenate(rank)
