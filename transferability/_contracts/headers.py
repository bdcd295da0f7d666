"""Recognising the columns of a contract file from its headers.

A header maps to a canonical field through aliases compared on folded text (case,
accents and punctuation ignored), then through fuzzy matching (rapidfuzz) for typos.
Amount columns carry a priority: notified or initial (1) before modified (2) before
planned, estimated or maximum (3); each row takes the first non-empty one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .._errors import InputError, Problem
from .._io import HEADER_SEARCH_ROWS, HeaderRule
from .._utils import clean_text, fold

FUZZY_CUTOFF = 90

_ALIASES: dict[str, tuple[str, ...]] = {
    "objet": (
        "objet",
        "objet du marche",
        "objet marche",
        "objet_marche",
        "intitule",
        "intitule du marche",
        "libelle",
        "libelle du marche",
        "designation",
        "objet de la consultation",
        "intitule marche",
    ),
    "code_cpv": ("code cpv", "cpv", "codecpv", "code cpv principal", "cpv principal"),
    "libelle_cpv_source": ("libelle cpv", "liblelle cpv", "intitule cpv"),
    "id_contrat": (
        "id",
        "id du marche",
        "id marche",
        "id_marche",
        "identifiant",
        "identifiant du marche",
        "reference",
        "reference du marche",
        "n de marche",
        "n marche",
        "numero de marche",
        "numero du marche",
        "no marche",
        "num marche",
        "id contrat",
    ),
    "uid": ("uid",),
    "acheteur_id": (
        "acheteur id",
        "id acheteur",
        "siret acheteur",
        "acheteur siret",
        "identifiant acheteur",
        "acheteurid",
        "siret de l acheteur",
        "idacheteur",
    ),
    "acheteur_nom": (
        "acheteur nom",
        "nom acheteur",
        "acheteur",
        "nom de l acheteur",
        "pouvoir adjudicateur",
        "entite acheteuse",
        "collectivite",
    ),
    "direction": (
        "direction",
        "service",
        "service acheteur",
        "pole",
        "direction acheteuse",
        "service gestionnaire",
        "direction service",
        "service prescripteur",
    ),
    "type_marche": ("type de marche", "type marche", "categorie", "categorie de marche", "type"),
    "nature": ("nature", "nature du marche", "forme du marche", "forme de marche"),
    "procedure": ("procedure", "type de procedure", "mode de passation", "procedure de passation", "proc"),
    "duree_mois": (
        "duree mois",
        "dureemois",
        "duree",
        "duree en mois",
        "duree du marche",
        "duree du marche mois",
    ),
    "date_notification": (
        "date de notification",
        "date notification",
        "datenotification",
        "date d attribution",
        "date attribution",
        "notification",
        "date",
        "date du marche",
        "date de signature",
        "date notif",
        "date de notif",
    ),
    "date_debut": (
        "date de debut",
        "date debut",
        "debut",
        "date de debut d execution",
        "date de commencement",
    ),
    "date_fin": ("date de fin", "date fin", "fin", "date d echeance", "echeance", "date de fin d execution"),
    "lieu_code": (
        "lieu execution code",
        "lieuexecution code",
        "code lieu execution",
        "code postal acheteur",
        "code lieu",
        "lieu d execution code",
        "lieu code",
        "lieuexecutioncode",
        "lieuxexecution code",
        "lieux execution code",
        "code lieu d execution",
        "code du lieu d execution",
        "lieu execution code insee",
    ),
    "lieu_type": (
        "lieu execution typecode",
        "lieuexecution typecode",
        "type code lieu",
        "lieu execution type",
        "type de lieu",
        "type de code lieu",
        "type lieu",
        "lieu type",
        "lieu typecode",
        "lieuexecutiontypecode",
        "lieuxexecution typecode",
        "lieu type code",
    ),
    "lieu_nom": (
        "lieu execution",
        "lieu d execution",
        "lieu execution nom",
        "lieuexecution nom",
        "commune",
        "lieu",
        "code postal",
        "departement",
        "commune d execution",
        "lieu nom",
        "lieuexecutionnom",
        "lieu exec",
        "lieuxexecution nom",
    ),
    "titulaire_nom": (
        "titulaire",
        "attributaire",
        "titulaire nom",
        "nom du titulaire",
        "titulaire mandataire",
        "titulaires denominationsociale",
        "raison sociale titulaire",
        "titulaire denominationsociale",
    ),
    "titulaire_id": (
        "titulaire id",
        "siret titulaire",
        "titulaires id",
        "siret du titulaire",
        "titulaire siret",
    ),
    "considerations_sociales": ("considerations sociales", "consideration sociale", "considerationssociales"),
    "lot": ("lot", "n lot", "numero de lot", "numero lot"),
    "acheteur_departement": ("acheteur departement code", "departement acheteur"),
}

# (folded alias → (field, priority, montant_nature))
_AMOUNTS: dict[str, tuple[int, str]] = {
    "montant": (1, "notifié"),
    "montant ht": (1, "notifié"),
    "montant notifie": (1, "notifié"),
    "montant notifie ht": (1, "notifié"),
    "montant attribue": (1, "notifié"),
    "montant marche": (1, "notifié"),
    "montant du marche": (1, "notifié"),
    "montant eur ht": (1, "notifié"),
    "montant initial": (1, "initial"),
    "montant initial ht": (1, "initial"),
    "montant global": (1, "notifié"),
    "montant total": (1, "notifié"),
    "montant modifie": (2, "modifié"),
    "montant modifie ht": (2, "modifié"),
    "montant actuel": (2, "modifié"),
    "montant apres avenant": (2, "modifié"),
    "montant prevu": (3, "prévu"),
    "montant previsionnel": (3, "prévu"),
    "montant estime": (3, "estimé"),
    "estimation": (3, "estimé"),
    "valeur estimee": (3, "estimé"),
    "estimation annuelle": (3, "estimation annuelle"),
    "montant annuel estime": (3, "estimation annuelle"),
    "montant annuel": (3, "estimation annuelle"),
    "montant maximum": (3, "maximum"),
    "montant max": (3, "maximum"),
    "maximum": (3, "maximum"),
    "mt ht": (1, "notifié"),
    "mt": (1, "notifié"),
}

# the canonical fields a caller may force with ``columns=`` (and ``--colonne``)
FIELDS = tuple(
    sorted({*_ALIASES, "montant", "titulaire_nom", "titulaire_id"} - {"uid", "libelle_cpv_source"})
)
TTC = re.compile(r"\bttc\b|\bt t c\b|toutes taxes")

_LOOKUP: dict[str, str] = {}
for _field, _aliases in _ALIASES.items():
    for _alias in _aliases:
        _LOOKUP[fold(_alias)] = _field
_AMOUNT_LOOKUP = {fold(k): v for k, v in _AMOUNTS.items()}
_ALL_KEYS = list(_LOOKUP) + list(_AMOUNT_LOOKUP)
_TITULAIRE = re.compile(
    r"^(?:titulaires? (?:\d+ )?(id|denominationsociale|typeidentifiant)|(id)titulaire(?: \d+)?)$"
)


@dataclass(frozen=True)
class ColumnMatch:
    """How one source header was recognised."""

    header: str
    field: str
    how: str  # "alias", "approché", "imposé"
    priority: int = 0
    montant_nature: str | None = None


def match_header(header: object) -> ColumnMatch | None:
    """Recognise one header, or None.

    Examples
    --------
    >>> match_header("Objet marché").field
    'objet'
    >>> m = match_header("Montant initial (Ht)"); (m.field, m.priority, m.montant_nature)
    ('montant', 1, 'initial')
    >>> match_header("Liblellé CPV").field
    'libelle_cpv_source'
    >>> match_header("titulaires.2.id").field
    'titulaire_id'
    >>> match_header("Téléphone") is None
    True
    """
    if str(header).strip() == "_type":  # DECP flattened: "Marché" or "Contrat de concession"
        return ColumnMatch("_type", "concession", "alias")
    key = fold(header)
    if not key:
        return None
    key = re.sub(r"\b(en )?(eur|euros|e)\b", "eur", key).replace("eur ht", "ht").strip()
    if TTC.search(key) and key.startswith(("montant", "prix", "valeur", "estimation")):
        # a price with taxes is the amount only where the file gives none without them
        return ColumnMatch(str(header), "montant", "alias", 9, "TTC (aucun montant HT)")
    m = _TITULAIRE.match(key)
    if m:
        field = {"id": "titulaire_id", "denominationsociale": "titulaire_nom"}.get(m.group(1) or m.group(2))
        return ColumnMatch(str(header), field, "alias") if field else None
    bare = fold(re.sub(r"\([^)]*\)|\*", " ", str(header)))  # "Date de notification (jj/mm/aaaa)", "Objet *"
    bare = re.sub(r"\b(en )?(eur|euros|e)\b", "eur", bare).replace("eur ht", "ht").strip()
    candidates = [(key, "alias"), (re.sub(r" (ht|ttc|eur)$", "", key), "alias")]
    candidates += [(bare, "alias"), (re.sub(r" (ht|ttc|eur)$", "", bare), "alias")] if bare != key else []
    for candidate, how in candidates:
        if candidate in _AMOUNT_LOOKUP:
            prio, nature = _AMOUNT_LOOKUP[candidate]
            return ColumnMatch(str(header), "montant", how, prio, nature)
        if candidate in _LOOKUP:
            return ColumnMatch(str(header), _LOOKUP[candidate], how)
    if len(key) >= 5:
        best = process.extractOne(key, _ALL_KEYS, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if best:
            if best[0] in _AMOUNT_LOOKUP:
                prio, nature = _AMOUNT_LOOKUP[best[0]]
                return ColumnMatch(str(header), "montant", "approché", prio, nature)
            return ColumnMatch(str(header), _LOOKUP[best[0]], "approché")
    return None


def match_headers(headers: list[object], forced: dict[str, str] | None = None) -> list[ColumnMatch | None]:
    """Recognise every header of a row; ``forced`` maps field → header and wins.

    A field other than ``montant`` and holders keeps its first column; later ones stay unrecognised.
    """
    forced = forced or {}
    by_header = {str(h): f for f, h in forced.items()}
    out: list[ColumnMatch | None] = []
    taken: set[str] = set(forced)
    for h in headers:
        if str(h) in by_header:
            out.append(ColumnMatch(str(h), by_header[str(h)], "imposé", 1, "notifié"))
            continue
        m = match_header(h)
        if m and m.field in taken and m.field not in ("montant", "titulaire_id", "titulaire_nom"):
            m = None
        if m:
            taken.add(m.field)
        out.append(m)
    return out


def header_score(cells: list[object], forced: dict[str, str] | None = None) -> int:
    """How many cells of a row look like contract headers (0 when neither object nor CPV)."""
    fields = {m.field for m in match_headers(cells, forced) if m}
    if forced and not set(forced.values()) <= {str(c) for c in cells}:
        return 0
    if not fields & {"objet", "code_cpv"}:
        return 0
    return len(fields)


def _no_header(where: str, rows: list[list[object]], fix: str = "") -> InputError:
    shown = " | ".join(clean_text(c) for c in (rows[0] if rows else []) if clean_text(c))[:200]
    return InputError(
        Problem(
            f"aucune colonne d’objet ni de code CPV dans les {HEADER_SEARCH_ROWS} premières lignes",
            where,
            f"première ligne : « {shown} »" if shown else "aucun en-tête",
            fix
            or "ajouter une colonne « Objet » (ou « Code CPV »), ou indiquer les colonnes avec columns={'objet': '…'}",
        )
    )


def header_rule(forced: dict[str, str] | None = None) -> HeaderRule:
    """The header of a contract file: the row of the first ones naming most contract fields, with an object or
    a CPV column (and every column ``forced`` by the caller); none is an error."""
    return HeaderRule(lambda cells: header_score(cells, forced), 1, _no_header)


def holder_postal_code(matches: list[ColumnMatch | None]) -> ColumnMatch | None:
    """A bare « code postal » column beside a holder column and no other place column: the holder's.

    The "liste des marchés conclus" a buyer publishes each year (R2196-1 of the Code de la commande publique)
    gives the holder's name and postal code; that postal code is not the place of execution.
    """
    found = {m.field for m in matches if m}
    postal = [m for m in matches if m and m.field == "lieu_nom" and fold(m.header) in ("code postal", "cp")]
    holder = "titulaire_nom" in found or "titulaire_id" in found
    other_place = (
        "lieu_code" in found or "lieu_type" in found or sum(m.field == "lieu_nom" for m in matches if m) > 1
    )
    return postal[0] if postal and holder and not other_place else None
