"""What a directory row says of a provider's trades.

Trades are *declared* when the directory lists them ("Métiers proposés",
"Pôles de compétences", "Domaine N", Le marché's sectors) and matched to métiers; otherwise
they are *inferred* from the NAF code (``data/naf_regles.csv``), words of the name and
description (``data/mots_metiers.csv`` and the lexicon) and ROME job codes
(``data/rome_metiers.csv``), and always shown as inferred, with a confidence. ESAT whose
trades stay unknown get the trades ESAT commonly do as *assumed* trades (:mod:`.esat`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np

from .._reference import family_of, lemarche_sectors, lexicon, match_trade_text, metiers, naf_prior, stem
from .._utils import clean_text, fold, read_data_csv

DECLARED, INFERRED, ASSUMED = "déclaré", "déduit", "supposé"
NAME_LEXICON_CONFIDENCE = 0.6  # a lexicon phrase found in a provider's name or brand
DESCRIPTION_CONFIDENCE = 0.5  # a lexicon phrase found in its description
# Kinds that place workers rather than sell a service (Le marché's ``ipa_presta_mode_to_kinds``).
PLACEMENT_KINDS = {"AI": 0.5, "ETTI": 0.5, "EATT": 0.5, "GEIQ": 0.5}
KEEP_RATIO = 0.5  # an inferred métier is kept when its score reaches half the best one
MAX_INFERRED = 4
_ITEM_SPLIT = re.compile(r"[,;|\n•]+| - ")  # "/" stays: "Jardinier / Jardinière" is one item


# -- declared trades --------------------------------------------------------------------------
def _soft(text: str) -> str:
    """Lower case without accents, punctuation kept (to find sector names holding commas)."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("’", "'"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


@cache
def _sector_phrases() -> list[tuple[str, str]]:
    sectors = lemarche_sectors()
    pairs = {(_soft(s), m) for s, m in zip(sectors["sector"], sectors["metier_id"], strict=True)}
    return sorted(pairs, key=lambda p: -len(p[0]))


@cache
def _declared_piece(text: str) -> tuple[tuple[tuple[str, float], ...], tuple[str, ...]]:
    """Métiers of one declared cell, and the items that matched nothing."""
    soft = _soft(text)
    found: dict[str, float] = {}
    for phrase, metier_id in _sector_phrases():  # Le marché's sector names as whole items, commas included
        pattern = rf"(^|[,;|\n])\s*{re.escape(phrase)}\s*(?=$|[,;|\n])"
        if phrase in soft and re.search(pattern, soft):
            # the sector becomes a placeholder item, so that métiers keep the order of the text
            soft = re.sub(pattern, lambda m, mid=metier_id: f"{m.group(1)} §{mid}§", soft)
    terms = _trade_words()[0]
    unmatched = []
    for item in _ITEM_SPLIT.split(soft):
        item = item.strip(" .()-–*")
        if item.startswith("§"):
            found.setdefault(item.strip("§"), 1.0)
            continue
        if len(stem(item)) < 3 or fold(item) in ("etc", "autres", "divers"):
            continue
        matches = match_trade_text(item) or [m for g in _ngrams(item) & terms.keys() for m in terms[g]]
        if not matches:
            unmatched.append(item)
        for metier_id, score in matches:
            found[metier_id] = max(found.get(metier_id, 0.0), score)
    ranked = sorted(found.items(), key=lambda kv: -kv[1])  # ties keep the declared order
    return tuple(ranked), tuple(unmatched)


@dataclass(frozen=True)
class Trades:
    """Métiers of one provider, where they come from, how sure, and what went wrong.

    ``familles`` are those of the known métiers only; assumed métiers (``supposes``) stay apart.
    """

    metiers: tuple[str, ...] = ()
    source: str | None = None
    confiance: float | None = None
    alertes: tuple[str, ...] = ()
    supposes: tuple[str, ...] = ()  # métiers assumed, not known (``metiers_supposes``)

    @property
    def familles(self) -> list[str]:
        table = _family_by_metier()
        return list(dict.fromkeys(table[m] for m in self.metiers if m in table))


@cache
def _family_by_metier() -> dict[str, str]:
    return {m: family_of(m) for m in metiers().index}


def declared_trades(cells: list[object]) -> tuple[Trades, bool]:
    """Trades from the declared cells of a row; the flag says whether anything was declared.

    The confidence is the lowest match score of the métiers listed.

    Examples
    --------
    >>> trades, declared = declared_trades(["Espaces verts, Nettoyage de locaux", "Blanchisserie"])
    >>> trades.metiers, trades.source, trades.confiance
    (('entretien-espaces-verts', 'nettoyage-locaux', 'blanchisserie'), 'déclaré', 1.0)
    >>> declared_trades(["Xylophonie"])[0].alertes
    ('métier déclaré non reconnu : « xylophonie »',)
    """
    found: dict[str, float] = {}
    alerts: list[str] = []
    texts = [clean_text(c) for c in cells if clean_text(c)]
    for text in texts:
        pairs, unmatched = _declared_piece(text)
        for metier_id, score in pairs:
            found[metier_id] = max(found.get(metier_id, 0.0), score)
        alerts.extend(f"métier déclaré non reconnu : « {u} »" for u in unmatched)
    if not found:
        return Trades(alertes=tuple(alerts)), bool(texts)
    ranked = sorted(found.items(), key=lambda kv: -kv[1])  # ties keep the declared order
    return Trades(tuple(m for m, _ in ranked), DECLARED, round(min(found.values()), 2), tuple(alerts)), True


def metier_ids(cells: list[str]) -> tuple[list[str], list[str]]:
    """Split canonical ``metiers`` items into known métier ids and other (free-text) items."""
    known = metiers().index
    ids = [c for c in cells if c in known]
    return ids, [c for c in cells if c not in known]


# -- inferred trades --------------------------------------------------------------------------
@cache
def _trade_words() -> tuple[dict[str, list[tuple[str, float]]], frozenset[str]]:
    """Words naming a trade in providers' names and job titles (``data/mots_metiers.csv``).

    Rows without a métier silence a lexicon term that misleads in names ("passerelle").
    """
    table = read_data_csv("mots_metiers.csv")
    terms: dict[str, list[tuple[str, float]]] = {}
    silenced = set()
    for term, metier_id, confiance in table[["terme", "metier_id", "confiance"]].itertuples(index=False):
        key = stem(term)
        silenced.add(key)
        if isinstance(metier_id, str) and metier_id:
            terms.setdefault(key, []).append((metier_id, float(confiance)))
    return terms, frozenset(silenced)


@cache
def _rome_rules() -> dict[str, tuple[str, float]]:
    rules = read_data_csv("rome_metiers.csv")
    rows = rules[["prefixe", "metier_id", "confiance"]].itertuples(index=False)
    return {p: (m, float(c)) for p, m, c in rows}


def rome_prior(code: str) -> tuple[str, float] | None:
    """Métier and confidence of a ROME job code, by its longest known prefix.

    Examples
    --------
    >>> rome_prior("A1203"), rome_prior("K2204")
    (('entretien-espaces-verts', 0.9), ('nettoyage-locaux', 0.9))
    >>> rome_prior("Z9999") is None
    True
    """
    rules = _rome_rules()
    for n in (5, 3):
        if code[:n] in rules:
            return rules[code[:n]]
    return None


def _lexicon_hits(texts: list[str]) -> list[list[tuple[str, str]]]:
    """(métier, stemmed term) pairs of the lexicon found in each text, Hors champ left out."""
    lex = lexicon()
    matrix = lex.term_matrix(texts).tocsr()
    outside = set(metiers().index[metiers()["famille"] == "Hors champ"])
    return [
        [
            (lex.term_metier[j], lex.terms[j])
            for j in matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]]
            if lex.term_metier[j] not in outside and len(lex.terms[j]) > 3
        ]
        for i in range(len(texts))
    ]


def _ngrams(text: str, n: int = 3) -> set[str]:
    words = stem(text).split()
    return {" ".join(words[i : i + k]) for k in range(1, n + 1) for i in range(len(words) - k + 1)}


def infer_trades(
    names: list[str],
    nafs: list[str],
    descriptions: list[str],
    romes: list[list[str]],
    kinds: list[str | None] | None = None,
) -> list[Trades]:
    """Inferred trades of many providers at once (name with brand, NAF, description, ROME codes, kind).

    Each clue gives a métier with a confidence (NAF rule, name word, lexicon phrase, ROME
    code, a placement kind such as AI or ETTI for "mise à disposition"); clues pointing to the
    same métier combine as ``1 - prod(1 - c)``. The métiers
    within half of the best score are kept (at most four); the provider's confidence is the
    lowest score kept.

    Examples
    --------
    >>> t = infer_trades(["JARDINS DE COCAGNE DU VAL"], ["8899B"], [""], [[]])[0]
    >>> t.metiers, t.source, t.confiance  # Cocagne and "jardin": market gardening; NAF 88.99B: green spaces
    (('maraichage', 'entretien-espaces-verts'), 'déduit', 0.52)
    >>> infer_trades(["ASSOC X"], [""], [""], [[]])[0].metiers
    ()
    """
    terms, silenced = _trade_words()
    name_hits = _lexicon_hits([clean_text(n) for n in names])
    desc_hits = _lexicon_hits([clean_text(d) for d in descriptions])
    kinds = kinds or [None] * len(names)
    rows = zip(names, nafs, name_hits, desc_hits, romes, kinds, strict=True)
    return [best_trades(_clues(*row, terms, silenced)) for row in rows]


def _clues(name, naf, hits, dhits, codes, kind, terms, silenced) -> dict[str, list[float]]:
    """Every clue of one provider: métier → the confidences that point to it."""
    clues: dict[str, list[float]] = {}

    def add(metier_id: str, confiance: float) -> None:
        clues.setdefault(metier_id, []).append(confiance)

    prior = naf_prior(naf)
    if prior is not None:
        add(prior.metier_id, prior.confiance)
    for gram in sorted(
        _ngrams(clean_text(name)) & terms.keys()
    ):  # sorted: set order changes with the hash seed
        for metier_id, confiance in terms[gram]:
            add(metier_id, confiance)
    for metier_id in sorted({m for m, term in hits if term not in silenced}):
        add(metier_id, NAME_LEXICON_CONFIDENCE)
    for metier_id in sorted({m for m, _ in dhits}):
        n_terms = len({t for m, t in dhits if m == metier_id})
        add(metier_id, DESCRIPTION_CONFIDENCE if n_terms == 1 else 0.7)
    if kind in PLACEMENT_KINDS and (prior is None or prior.metier_id != "mise-a-disposition"):
        add("mise-a-disposition", PLACEMENT_KINDS[kind])  # not twice: NAF 78.x says the same
    for code in codes:
        rule = rome_prior(code)
        if rule is not None:
            add(*rule)
    return clues


def best_trades(clues: dict[str, list[float]]) -> Trades:
    """The métiers within ``KEEP_RATIO`` of the best combined score (at most ``MAX_INFERRED``)."""
    if not clues:
        return Trades()
    scores = {m: 1 - float(np.prod([1 - c for c in cs])) for m, cs in clues.items()}
    best = max(scores.values())
    kept = sorted((kv for kv in scores.items() if kv[1] >= KEEP_RATIO * best), key=lambda kv: (-kv[1], kv[0]))
    kept = kept[:MAX_INFERRED]
    return Trades(tuple(m for m, _ in kept), INFERRED, round(min(s for _, s in kept), 2))


def parse_rome(value: object) -> tuple[list[str], list[str]]:
    """ROME codes of a cell ("A1203 | k2204"), and the items that are not ROME codes.

    Examples
    --------
    >>> parse_rome("A1203 | k2204, 6202A")
    (['A1203', 'K2204'], ['6202A'])
    """
    codes, bad = [], []
    for item in re.split(r"[\s,;|/]+", clean_text(value).upper()):
        if not item:
            continue
        (codes if re.fullmatch(r"[A-N]\d{4}", item) else bad).append(item)
    return list(dict.fromkeys(codes)), bad
