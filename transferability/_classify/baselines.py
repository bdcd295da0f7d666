"""The two baselines the classifier is measured against.

1. The CPV mapping alone (``data/cpv_regles.csv``): family and capability of the code's
   longest prefix rule; no code → Hors champ, aucun.
2. Le marché de l'inclusion's documented method: PostgreSQL pg_trgm ``similarity()`` (not
   ``word_similarity()``) between the lower-cased object and each of its 154 sector names;
   the best sector is kept at ≥ 0.2 and its group is mapped to a family; nothing kept →
   Hors champ. pg_trgm's trigrams: the text is lower-cased, split into words on
   non-alphanumeric characters, each word padded with two spaces in front and one behind.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from .._reference import taxonomy as tx

PG_TRGM_THRESHOLD = 0.2
_WORD = re.compile(r"[^\W_]+")


def trigrams(text: object) -> frozenset[str]:
    """pg_trgm's trigram set of a text.

    Examples
    --------
    >>> sorted(trigrams("Cat"))
    ['  c', ' ca', 'at ', 'cat']
    """
    grams = set()
    for word in _WORD.findall(str(text or "").lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def similarity(a: object, b: object) -> float:
    """pg_trgm ``similarity(a, b)``: shared trigrams over all trigrams.

    Examples
    --------
    >>> similarity("word", "two words")
    0.36363636363636365
    """
    ta, tb = trigrams(a), trigrams(b)
    union = len(ta | tb)
    return len(ta & tb) / union if union else 0.0


@cache
def _sectors() -> tuple[list[frozenset[str]], list[str], list[str]]:
    sectors = tx.lemarche_sectors()
    # the group's family: the family most of its sectors map to
    group_family = sectors.groupby("group")["famille"].agg(lambda s: s.value_counts().index[0]).to_dict()
    grams = [trigrams(s) for s in sectors["sector"]]
    return grams, sectors["sector"].tolist(), [group_family[g] for g in sectors["group"]]


def lemarche_sector(text: object) -> tuple[str | None, float]:
    """Le marché's best sector for a text and its similarity (None under the threshold).

    Examples
    --------
    >>> lemarche_sector("Création et entretien des espaces verts")
    ('Création et entretien des espaces verts', 1.0)
    """
    grams, names, _ = _sectors()
    t = trigrams(text)
    if not t:
        return None, 0.0
    scores = [len(t & g) / len(t | g) for g in grams]
    best = int(np.argmax(scores))
    return (names[best], scores[best]) if scores[best] >= PG_TRGM_THRESHOLD else (None, scores[best])


def lemarche_baseline(objects: pd.Series) -> pd.Series:
    """Family predicted by Le marché's method for each object."""
    grams, names, families = _sectors()
    index = {n: f for n, f in zip(names, families, strict=True)}
    return objects.fillna("").map(lambda o: index.get(lemarche_sector(o)[0], tx.HORS_CHAMP))


def cpv_baseline(codes: pd.Series) -> pd.DataFrame:
    """Family and capability from the CPV mapping alone."""
    priors = tx.cpv_priors(codes)
    return pd.DataFrame(
        {"famille": priors["famille"].fillna(tx.HORS_CHAMP), "capacite": priors["capacite"].fillna("aucun")},
        index=codes.index,
    )
