"""The official list of ESAT (FINESS, as re-exported in 2026): one row per site, and its quirks.

Its columns are ``EJ-…`` (the managing body: "entité juridique") and ``ET-…`` (the site:
"établissement"), ``Capacité autorisée agrégée`` and the commune's centroid. Every row is an
ESAT. A site is ``Principal`` or ``Secondaire``; FINESS does not say which principal a
secondary site belongs to, so it is linked here (:func:`principal_of`):

1. the principal of the same managing body with the same SIRET;
2. else the managing body's only principal;
3. else the principal whose name shares the most distinctive words with the site's (not "ESAT",
   "site", "annexe", nor the managing body's own name), when one shares more than the others.

Then a secondary site that repeats its principal's capacity, or gives none (0), has its places
counted once, on the principal (``effectif`` left empty, said in an alert); secondary sites sharing
a SIRET are said to be sites of one establishment, not duplicates.
"""

from __future__ import annotations

import re
from collections import Counter

from .._utils import fold

PRINCIPAL, SECONDARY = "principal", "secondaire"
_GENERIC = {
    "esat",
    "e s a t",
    "cat",
    "sat",
    "site",
    "sites",
    "annexe",
    "antenne",
    "secondaire",
    "section",
    "unite",
    "atelier",
    "ateliers",
    "les",
    "le",
    "la",
    "de",
    "du",
    "des",
    "d",
    "l",
    "et",
    "en",
    "sur",
    "sous",
    "aux",
    "au",
    "a",
}


def site_type(text: str) -> str | None:
    """``principal``, ``secondaire`` or None, from the ``ET-Type`` cell.

    Examples
    --------
    >>> site_type("Principal"), site_type("Secondaire"), site_type("")
    ('principal', 'secondaire', None)
    """
    key = fold(text)
    if key.startswith("princ"):
        return PRINCIPAL
    if key.startswith("second"):
        return SECONDARY
    return None


def _distinctive(name: str, body: str) -> set[str]:
    own = set(fold(body).split())
    return {w for w in fold(name).split() if w not in _GENERIC and w not in own and not w.isdigit()}


def principal_of(records: list[dict]) -> list[int | None]:
    """For each row, the index of its principal site when it is a secondary site that can be linked.

    Examples
    --------
    >>> rows = [
    ...     {"finess_ej": "1", "type_site": "Principal", "raison_sociale": "ESAT CHAMPAGNE (LES RICEYS)"},
    ...     {"finess_ej": "1", "type_site": "Secondaire", "raison_sociale": "ESAT CHAMPAGNE (ANTENNE)"},
    ...     {"finess_ej": "2", "type_site": "Principal", "raison_sociale": "ESAT NORD ISERE"},
    ...     {"finess_ej": "2", "type_site": "Principal", "raison_sociale": "ESAT CENTRE ISERE PAVIOT"},
    ...     {"finess_ej": "2", "type_site": "Secondaire", "raison_sociale": "ESAT CENTRE ISERE LA BUISSE"},
    ... ]
    >>> principal_of(rows)
    [None, 0, None, None, 3]
    """
    principals: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        if site_type(r.get("type_site", "")) == PRINCIPAL and r.get("finess_ej"):
            principals.setdefault(r["finess_ej"], []).append(i)
    out: list[int | None] = [None] * len(records)
    for i, r in enumerate(records):
        if site_type(r.get("type_site", "")) != SECONDARY:
            continue
        pool = principals.get(r.get("finess_ej", ""), [])
        same_siret = [j for j in pool if r.get("siret") and records[j].get("siret") == r.get("siret")]
        if len(same_siret) == 1 or len(pool) == 1:
            out[i] = (same_siret or pool)[0]
            continue
        body = r.get("gestionnaire", "")
        words = _distinctive(r.get("raison_sociale", ""), body)
        shared = {j: len(words & _distinctive(records[j].get("raison_sociale", ""), body)) for j in pool}
        best = max(shared.values(), default=0)
        if best and list(shared.values()).count(best) == 1:
            out[i] = max(shared, key=shared.get)
    return out


def settle_capacities(
    rows: list[dict], records: list[dict], principals: list[int | None], alerts: list[list[str]]
) -> None:
    """Places counted once per ESAT: a secondary site repeating its principal's capacity, or at 0, has none.

    A principal at 0 places has an unknown capacity (left empty, said).
    """
    for i, p in enumerate(principals):
        places, kind = rows[i]["effectif"], site_type(records[i].get("type_site", ""))
        principal = f" (« {records[p].get('raison_sociale', '')} »)" if p is not None else ""
        why = None
        if places == 0 and kind == PRINCIPAL:
            why = "capacité autorisée nulle\u00a0: nombre de places non renseigné"
        elif places == 0 and kind == SECONDARY:
            why = (
                "capacité nulle sur un site secondaire\u00a0: "
                f"places comptées sur l’établissement principal{principal}"
            )
        elif p is not None and places is not None and places == rows[p]["effectif"]:
            why = (
                f"capacité identique à celle de l’établissement principal{principal} "
                f"({places:g}\u00a0places)\u00a0: "
                "capacité de l’ESAT répétée\u00a0? comptée une fois, sur l’établissement principal"
            )
        if why:
            rows[i]["effectif"] = None
            alerts[i][:] = [a for a in alerts[i] if not a.startswith("effectif nul")] + [why]


def shared_siret_alerts(rows: list[dict], alerts: list[list[str]]) -> None:
    """Sites of the list sharing a SIRET: one establishment with several sites, said as such.

    Examples
    --------
    >>> rows = [{"siret": "30593300400445"}, {"siret": "30593300400445"}, {"siret": None}]
    >>> alerts = [[], [], []]
    >>> shared_siret_alerts(rows, alerts); alerts[0]
    ['SIRET partagé entre sites FINESS (2 sites d’un même établissement, pas un doublon)']
    """
    counts = Counter(r["siret"] for r in rows if r.get("siret"))
    for i, r in enumerate(rows):
        n = counts.get(r.get("siret"), 0)
        if n > 1:
            alerts[i].append(
                f"SIRET partagé entre sites FINESS ({n} sites d’un même établissement, pas un doublon)"
            )


def finess_number(text: str) -> str:
    """A FINESS number with the leading zero a spreadsheet dropped ("10008951" → "010008951").

    Examples
    --------
    >>> finess_number("10008951"), finess_number("2A0000123"), finess_number("")
    ('010008951', '2A0000123', '')
    """
    return text.zfill(9) if re.fullmatch(r"\d{8}", text) else text
