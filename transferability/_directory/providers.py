"""What a directory row says of a provider: its kind, its SIRET, its trades.

Kinds come from ``data/structures.csv`` (the legal frame and the reservation article of
each kind). Trades are *declared* when the directory lists them ("Métiers proposés",
"Pôles de compétences", "Domaine N", Le marché's sectors) and matched to métiers; otherwise
they are *inferred* from the NAF code (``data/naf_regles.csv``), words of the name and
description (``data/mots_metiers.csv`` and the lexicon) and ROME job codes
(``data/rome_metiers.csv``), and always shown as inferred, with a confidence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from .._reference import family_of, lemarche_sectors, lexicon, match_trade_text, metiers, naf_prior, stem
from .._utils import clean_text, fold, read_data_csv

DECLARED, INFERRED = "déclaré", "déduit"
FINESS_CATEGORIES = {"246": "ESAT", "247": "EA"}
# Former names still found in directories.
_LEGACY_KINDS = {"cat": "ESAT", "centre d aide par le travail": "ESAT", "atelier protege": "EA"}
NAME_LEXICON_CONFIDENCE = 0.6  # a lexicon phrase found in a provider's name or brand
DESCRIPTION_CONFIDENCE = 0.5  # a lexicon phrase found in its description
# Kinds that place workers rather than sell a service (Le marché's ``ipa_presta_mode_to_kinds``).
PLACEMENT_KINDS = {"AI": 0.5, "ETTI": 0.5, "EATT": 0.5, "GEIQ": 0.5}
KEEP_RATIO = 0.5  # an inferred métier is kept when its score reaches half the best one
MAX_INFERRED = 4
_ITEM_SPLIT = re.compile(r"[,;|\n•]+| - ")  # "/" stays: "Jardinier / Jardinière" is one item


@cache
def structures() -> pd.DataFrame:
    """The provider kinds (``data/structures.csv``), indexed by ``type_structure``.

    Examples
    --------
    >>> structures().loc["ESAT", ["secteur", "reservation"]].tolist()
    ['Handicap', 'L2113-12']
    """
    table = read_data_csv("structures.csv")  # the cached frame is shared: derived, never modified
    clause = table["clause_sociale"].astype(str).str.lower().eq("true")
    return table.assign(clause_sociale=clause).set_index("type_structure", drop=False)


@cache
def _kind_labels() -> dict[str, str]:
    labels = {fold(label): code for code, label in structures()["libelle"].items()}
    return {**labels, **_LEGACY_KINDS}


@cache
def parse_kind(value: object) -> tuple[str | None, str | None]:
    """Kind code of a directory cell ("Entreprise d'insertion (EI)", "ESAT", "E.S.A.T.").

    Returns ``(code, alert)``; an unknown kind gives ``(None, alert)``.

    Examples
    --------
    >>> parse_kind("Entreprise d'insertion (EI)"), parse_kind("E.S.A.T.")[0]
    (('EI', None), 'ESAT')
    >>> parse_kind("Etablissement ou service d'aide par le travail")[0]
    'ESAT'
    >>> parse_kind("Régie de quartier")
    (None, 'type de structure inconnu (« Régie de quartier »)')
    """
    text = clean_text(value)
    if not text:
        return None, "type de structure absent"
    table = structures()
    inside = re.findall(r"\(([^()]+)\)", text)
    for candidate in [*reversed(inside), text]:
        code = re.sub(r"[^A-Z]", "", candidate.upper())
        if code in table.index:
            return code, None
    labels = _kind_labels()
    key = fold(re.sub(r"\([^)]*\)", " ", text))
    if key in labels:
        return labels[key], None
    best = process.extractOne(key, list(labels), scorer=fuzz.ratio, score_cutoff=88)
    if best:
        return labels[best[0]], None
    return None, f"type de structure inconnu (« {text} »)"


def kind_from_name(name: object) -> str | None:
    """ESAT or EA when a name says so ("ESAT Les Ateliers", "Entreprise adaptée X"), else None.

    Examples
    --------
    >>> kind_from_name("ESAT DU VAL"), kind_from_name("EA Recyclage"), kind_from_name("Le Relais")
    ('ESAT', 'EA', None)
    """
    words = f" {fold(name)} "
    if " esat " in words or " e s a t " in words:
        return "ESAT"
    if " ea " in words or " entreprise adaptee " in words:
        return "EA"
    return None


def check_siret(value: object) -> tuple[str | None, str | None]:
    """SIRET without spaces, and an alert when it is not 14 digits or fails its Luhn key.

    La Poste's establishments (SIREN 356000000) follow their own rule (digit sum multiple of 5).

    Examples
    --------
    >>> check_siret("410 717 714 00035")
    ('41071771400035', None)
    >>> check_siret("41071771400036")
    ('41071771400036', 'SIRET invalide (« 41071771400036 » : clé de contrôle fausse)')
    >>> check_siret("1234")
    ('1234', 'SIRET mal formé (« 1234 » : 14 chiffres attendus)')
    >>> check_siret("")
    (None, None)
    """
    text = re.sub(r"[\s.\u00a0\u202f-]", "", re.sub(r"\.0$", "", clean_text(value)))
    if not text:
        return None, None
    if not re.fullmatch(r"\d{14}", text):
        return text, f"SIRET mal formé (« {text} » : 14 chiffres attendus)"
    digits = [int(c) for c in text]
    if text.startswith("356000000"):
        valid = sum(digits) % 5 == 0
    else:
        total = 0
        for i, d in enumerate(reversed(digits)):
            d = d * 2 if i % 2 else d
            total += d - 9 if d > 9 else d
        valid = total % 10 == 0
    return text, None if valid else f"SIRET invalide (« {text} » : clé de contrôle fausse)"


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
    """Métiers of one provider, where they come from, how sure, and what went wrong."""

    metiers: tuple[str, ...] = ()
    source: str | None = None
    confiance: float | None = None
    alertes: tuple[str, ...] = ()

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
    return [_best_trades(_clues(*row, terms, silenced)) for row in rows]


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


def _best_trades(clues: dict[str, list[float]]) -> Trades:
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
