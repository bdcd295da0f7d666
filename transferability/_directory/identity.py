"""Who a directory row's provider is: its kind (``data/structures.csv``) and its SIRET."""

from __future__ import annotations

import re
from functools import cache

import pandas as pd
from rapidfuzz import fuzz, process

from .._utils import clean_text, fold, read_data_csv

FINESS_CATEGORIES = {"246": "ESAT", "247": "EA"}
# Former names still found in directories.
_LEGACY_KINDS = {"cat": "ESAT", "centre d aide par le travail": "ESAT", "atelier protege": "EA"}


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


_SCIENTIFIC = re.compile(r"^(\d)(?:[.,](\d+))?[eE]\+?(\d+)$")
MIN_SCIENTIFIC_DIGITS = 12  # fewer significant digits: a spreadsheet's display rounded the SIRET


def _siret_from_scientific(text: str) -> tuple[str | None, str | None] | None:
    """A SIRET written as a float in scientific notation: its digits when they are all there.

    None when ``text`` is not in scientific notation.
    """
    m = _SCIENTIFIC.match(text)
    if m is None:
        return None
    digits = m.group(1) + (m.group(2) or "")
    if int(m.group(3)) != 13 or len(digits.rstrip("0")) > 14:
        return None, f"SIRET illisible (« {text} »\u00a0: nombre qui n’a pas 14 chiffres)"
    if len(digits) < MIN_SCIENTIFIC_DIGITS:
        return None, f"SIRET illisible\u00a0: notation scientifique d’Excel (« {text} », chiffres perdus)"
    siret = digits.ljust(14, "0")[:14]
    return siret, f"SIRET écrit en notation scientifique (« {text} »)\u00a0: relu {siret}"


def check_siret(value: object) -> tuple[str | None, str | None]:
    """SIRET without spaces, and an alert when it is not 14 digits or fails its Luhn key.

    La Poste's establishments (SIREN 356000000) follow their own rule (digit sum multiple of 5).
    A SIRET a spreadsheet turned into a number is read back when all its digits are there
    (``77554456201361.0``, ``7.7554456201361e+13``), never guessed when they are not (``7,75545E+13``).

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
    >>> siret, alert = check_siret("7.7554456201361e+13"); siret
    '77554456201361'
    >>> print(alert)
    SIRET écrit en notation scientifique (« 7.7554456201361e+13 »)\u00a0: relu 77554456201361
    >>> siret, alert = check_siret("7,75545E+13"); siret is None
    True
    >>> print(alert)
    SIRET illisible\u00a0: notation scientifique d’Excel (« 7,75545E+13 », chiffres perdus)
    """
    raw = re.sub(r"[\s\u00a0\u202f]", "", clean_text(value))
    scientific = _siret_from_scientific(raw)
    note = None
    if scientific is not None:
        text, note = scientific
        if text is None:
            return None, note
    else:
        text = re.sub(r"[.-]", "", re.sub(r"\.0$", "", raw))
    if not text:
        return None, None
    if not re.fullmatch(r"\d{14}", text):
        return text, f"SIRET mal formé (« {text} » : 14 chiffres attendus)"
    if not _luhn_valid(text):
        return text, f"SIRET invalide (« {text} » : clé de contrôle fausse)"
    return text, note


def _luhn_valid(siret: str) -> bool:
    digits = [int(c) for c in siret]
    if siret.startswith("356000000"):
        return sum(digits) % 5 == 0
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = d * 2 if i % 2 else d
        total += d - 9 if d > 9 else d
    return total % 10 == 0
