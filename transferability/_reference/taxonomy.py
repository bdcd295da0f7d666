"""Trades: 14 families, their métiers, the lexicon, and the CPV / NAF / Le marché mappings.

Every table is a data file in ``data/`` (see its README), read once. Lookups are
vectorised over distinct values so that a national file costs little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy import sparse

from .._utils import fold, read_data_csv

HORS_CHAMP = "Hors champ"
CAPACITIES = ("total", "partiel", "aucun")
CPV_RULES_VERSION = "cpv_regles v1 (2026-11-24, 611 règles, figé avant l’étiquetage)"


@cache
def families() -> pd.DataFrame:
    """The 14 families with their labour share and default radius (``data/familles.csv``)."""
    return read_data_csv("familles.csv").set_index("famille", drop=False)


@cache
def family_labels() -> tuple[str, ...]:
    """The 14 family labels, in the rubric's order (Hors champ last).

    Examples
    --------
    >>> family_labels()[0], family_labels()[-1], len(family_labels())
    ('Communication et marketing', 'Hors champ', 14)
    """
    return tuple(families()["famille"])


@cache
def metiers() -> pd.DataFrame:
    """The métiers (``metier_id``, ``metier``, ``famille``)."""
    return read_data_csv("metiers.csv").set_index("metier_id", drop=False)


@dataclass(frozen=True)
class Prior:
    """What a code's mapping says: family, métier, capability (and confidence for NAF)."""

    famille: str
    metier_id: str
    capacite: str | None = None
    confiance: float = 1.0
    prefixe: str = ""


@cache
def _cpv_rules() -> dict[str, Prior]:
    rules = read_data_csv("cpv_regles.csv", ("prefixe",))
    return {r.prefixe: Prior(r.famille, r.metier_id, r.capacite, 1.0, r.prefixe) for r in rules.itertuples()}


@cache
def _naf_rules() -> dict[str, Prior]:
    rules = read_data_csv("naf_regles.csv", ("prefixe",))
    return {
        r.prefixe: Prior(r.famille, r.metier_id, None, float(r.confiance), r.prefixe)
        for r in rules.itertuples()
    }


def cpv_prior(code: str | None) -> Prior | None:
    """The CPV mapping's answer for a code: the longest matching prefix rule wins.

    Examples
    --------
    >>> p = cpv_prior("90911200"); (p.famille, p.metier_id, p.capacite)
    ('Nettoyage et entretien', 'nettoyage-locaux', 'total')
    >>> cpv_prior("33141000").famille
    'Hors champ'
    >>> cpv_prior(None) is None, cpv_prior("XXXX") is None
    (True, True)
    """
    if not code or not re.fullmatch(r"\d{8}", str(code)):
        return None
    rules = _cpv_rules()
    for n in range(8, 1, -1):
        rule = rules.get(code[:n])
        if rule is not None:
            return rule
    return None


def naf_prior(code: str | None) -> Prior | None:
    """The NAF mapping's answer for a code such as ``81.21Z`` or ``8121Z``.

    Examples
    --------
    >>> p = naf_prior("8121Z"); (p.famille, p.confiance >= 0.8)
    ('Nettoyage et entretien', True)
    """
    text = str(code or "").strip().upper().replace(".", "")
    if not re.fullmatch(r"\d{4}[A-Z]", text):
        return None
    dotted = f"{text[:2]}.{text[2:]}"
    rules = _naf_rules()
    for key in (dotted, dotted[:5], dotted[:4], dotted[:2]):
        if key in rules:
            return rules[key]
    return None


def cpv_priors(codes: pd.Series) -> pd.DataFrame:
    """:func:`cpv_prior` over a Series: columns famille, metier_id, capacite (None where unmapped)."""
    rows, uniques = pd.factorize(codes.to_numpy(dtype=object), use_na_sentinel=True)
    priors = [*(cpv_prior(c) for c in uniques), None]  # once per distinct code; the last for missing ones
    columns = {
        name: np.array([getattr(p, name) if p else None for p in priors], dtype=object)[rows]
        for name in ("famille", "metier_id", "capacite")
    }
    return pd.DataFrame(columns, index=codes.index)


# -- lexicon ----------------------------------------------------------------------------------
_PLURAL = re.compile(r"(?<=\w{3})[sx]\b")  # same rule as _features.normalise_objects


def stem(text: object) -> str:
    """Folded text with plural ``s``/``x`` endings dropped, so that singular and plural match.

    Examples
    --------
    >>> stem("Entretien des Espaces Verts")
    'entretien des espace vert'
    """
    return _PLURAL.sub("", fold(text))


class Lexicon:
    """Phrase matching of texts against the métier lexicon (``data/lexique.csv``).

    Each term is matched as a whole phrase on stemmed text (:func:`stem`); a match weighs its
    number of words, so "nettoyage des vitres" outweighs "nettoyage". Terms are indexed by
    their words, with the lengths of the terms each first word starts: a text costs a dictionary
    look-up per word and per such length.
    """

    def __init__(self):
        lex = read_data_csv("lexique.csv")
        ids = list(metiers()["metier_id"])
        self.metier_ids = ids
        stems = lex["terme"].map(stem)
        keep = (stems.str.len() > 1) & ~stems.duplicated()
        self.terms = stems[keep].tolist()
        self.term_metier = lex["metier_id"][keep].tolist()
        self.term_labels = lex["terme"][keep].tolist()
        self._ids = {tuple(term.split()): j for j, term in enumerate(self.terms)}
        lengths: dict[str, set[int]] = {}
        for words in self._ids:
            lengths.setdefault(words[0], set()).add(len(words))
        self._lengths = {first: sorted(n) for first, n in lengths.items()}
        weights = np.array([len(t.split()) for t in self.terms], dtype=np.float32)
        col = np.array([ids.index(m) for m in self.term_metier])
        self._term_to_metier = sparse.csr_matrix(
            (weights, (np.arange(len(self.terms)), col)), shape=(len(self.terms), len(ids))
        )

    def _term_ids(self, text: object, folded: bool = False) -> list[int]:
        words = (text if folded else stem(text)).split()
        found = set()
        for i, word in enumerate(words):
            for n in self._lengths.get(word, ()):
                j = self._ids.get(tuple(words[i : i + n]))
                if j is not None:
                    found.add(j)
        return sorted(found)

    def term_matrix(self, texts, folded: bool = False) -> sparse.csr_matrix:
        """Binary matrix texts × terms (``folded=True``: texts already passed through :func:`stem`)."""
        indices, indptr = [], [0]
        for text in texts:
            indices.extend(self._term_ids(text, folded))
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        return sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, len(self.terms)))

    def metier_scores(self, texts, folded: bool = False) -> sparse.csr_matrix:
        """texts × métiers: summed weights of the matched terms."""
        return (self.term_matrix(texts, folded) @ self._term_to_metier).tocsr()

    def matches(self, text: str) -> list[tuple[str, str]]:
        """(métier, term) pairs found in one text, longest terms first.

        Examples
        --------
        >>> lexicon().matches("Nettoyage des vitres de la mairie")[0][0]
        'nettoyage-vitres'
        """
        found = [(self.term_metier[j], self.term_labels[j]) for j in self._term_ids(text)]
        return sorted(found, key=lambda mt: -len(mt[1]))


@cache
def lexicon() -> Lexicon:
    """The shared :class:`Lexicon`."""
    return Lexicon()


def lemarche_sectors() -> pd.DataFrame:
    """Le marché de l'inclusion's 154 sectors with the family and métier holding each
    (``data/secteurs_lemarche.csv``; the cached frame is shared: never modify it)."""
    return read_data_csv("secteurs_lemarche.csv")


@cache
def _fuzzy_choices() -> tuple[list[str], list[str]]:
    """Every name a trade goes by (terms, métier names, Le marché sectors) → métier."""
    lex = lexicon()
    names, ids = list(lex.terms), list(lex.term_metier)
    for m in metiers().itertuples():
        names.append(stem(m.metier))
        ids.append(m.metier_id)
    for s in lemarche_sectors().itertuples():
        names.append(stem(s.sector))
        ids.append(s.metier_id)
    return names, ids


def match_trade_text(text: object, cutoff: float = 85) -> list[tuple[str, float]]:
    """Métiers named in a free-text trade list ("Nettoyage, Espaces verts, blanchiserie").

    Each item (split on ``,`` ``;`` ``/`` ``|`` and line breaks) is matched to the lexicon,
    the métier names and Le marché's sector names: exact phrases first, then rapidfuzz's
    ``ratio`` for typos (not a partial ratio: "restauration" must not match a longer phrase). Returns (métier, score in [0, 1]) pairs, best first, no repeats.

    Examples
    --------
    >>> [m for m, _ in match_trade_text("Nettoyage de locaux ; Espaces verts / blanchiserie")]
    ['nettoyage-locaux', 'entretien-espaces-verts', 'blanchisserie']
    >>> match_trade_text("")
    []
    """
    names, ids = _fuzzy_choices()
    found: dict[str, float] = {}
    for item in re.split(r"[,;/|\n]+| - ", str(text or "")):
        key = stem(item)
        if len(key) < 3:
            continue
        exact = lexicon().matches(item)
        if exact:
            for metier_id, _ in exact[:1]:
                found.setdefault(metier_id, 1.0)
            continue
        best = process.extractOne(key, names, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best:
            metier_id = ids[best[2]]
            found[metier_id] = max(found.get(metier_id, 0.0), round(best[1] / 100, 2))
    return sorted(found.items(), key=lambda kv: -kv[1])


def family_of(metier_id: str | None) -> str | None:
    """The family of a métier."""
    table = metiers()
    return table.at[metier_id, "famille"] if metier_id in table.index else None
