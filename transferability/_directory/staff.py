"""A provider's staff from a directory cell: a number, a number with its unit, or a band.

Directories write staff every way: ``321``, ``12,5 ETP``, ``8.5 ETP``, INSEE's bands
(``1 000 à 1 999 salariés``, ``1 ou 2 salariés``, ``250 salariés et plus``), "Non renseigné".
A band gives its middle (its lower bound when open), flagged; a negative count is refused.
"""

from __future__ import annotations

import re

from .._utils import clean_text, fold

_NOT_GIVEN = {"non renseigne", "nc", "n c", "nd", "inconnu", "non communique", "sans objet"}
# units that may follow a staff count (folded, without their plural "s")
_UNITS = {
    "",
    "etp",
    "salarie",
    "personne",
    "travailleur",
    "place",
    "th",
    "employe",
    "agent",
    "poste",
    "equivalent temps plein",
}
_NUMBER = re.compile(r"^(-?\d+(?:[.,]\d+)?)\s*(.*?)\.?$")
_THOUSANDS = re.compile(r"(?<=\d)[\s\u00a0\u202f.](?=\d{3}(?!\d))")  # "1 000", "1.000"
_BAND = re.compile(r"^(?:de )?(\d+) (?:a|ou) (\d+)\b")
_OPEN_BAND = (
    re.compile(r"^(?:plus de|au moins|au dela de|superieur a) (\d+)\b"),
    re.compile(r"^(\d+) (?:\w+ )?(?:et plus|ou plus|et au dela|et \+)\s*$"),
)


def _unit(text: str) -> str:
    return " ".join(w.removesuffix("s") for w in fold(text).split())


def parse_headcount(text: str) -> tuple[float | None, str | None]:
    """Staff from a number, a number with its unit, or the middle of a band, flagged.

    Returns ``(staff, alert)``; an unreadable or negative count gives ``(None, alert)``.

    Examples
    --------
    >>> parse_headcount("321"), parse_headcount(""), parse_headcount("Non renseigné")
    ((321.0, None), (None, None), (None, None))
    >>> parse_headcount("12,5 ETP"), parse_headcount("8.5 ETP")
    ((12.5, None), (8.5, None))
    >>> parse_headcount("10 à 49 salariés")
    (29.5, 'effectif donné par tranche (« 10 à 49 salariés ») : milieu retenu')
    >>> parse_headcount("1 000 à 1 999 salariés")[0], parse_headcount("1 ou 2 salariés")[0]
    (1499.5, 1.5)
    >>> parse_headcount("250 salariés et plus")
    (250.0, 'effectif donné par tranche (« 250 salariés et plus ») : borne basse retenue')
    >>> parse_headcount("0 salarié")
    (0.0, 'effectif nul (« 0 salarié »)')
    >>> staff, alert = parse_headcount("-3"); staff is None
    True
    >>> print(alert)
    effectif négatif (« -3 »)\u00a0: ignoré
    """
    raw = clean_text(text)
    key = fold(raw)
    if not key or key in _NOT_GIVEN:
        return None, None
    compact = _THOUSANDS.sub("", raw)
    m = _NUMBER.match(compact)
    if m and _unit(m.group(2)) in _UNITS:
        value = float(m.group(1).replace(",", "."))
        if value < 0:
            return None, f"effectif négatif (« {raw} »)\u00a0: ignoré"
        return value, f"effectif nul (« {raw} »)" if value == 0 else None
    key = fold(compact)
    m = _BAND.match(key)
    if m:
        middle = (int(m.group(1)) + int(m.group(2))) / 2
        return middle, f"effectif donné par tranche (« {raw} ») : milieu retenu"
    for pattern in _OPEN_BAND:
        m = pattern.match(key)
        if m:
            return float(m.group(1)), f"effectif donné par tranche (« {raw} ») : borne basse retenue"
    return None, f"effectif illisible (« {raw} »)"
