"""Recognising a directory's format and columns, and reading its raw rows (CSV, xlsx, FINESS).

Each format is known by a few headers only it has (its *signature*); every header then maps
to a raw field through aliases compared on folded text. The national FINESS extraction
(``finess;etalab;...`` then ``structureet`` and ``geolocalisation`` records, no header) is
turned into a table with FINESS's own field names first; the official list of ESAT (FINESS
re-exported with ``EJ-…``/``ET-…`` headers, :mod:`.finess_list`) is a table like any other.
A notice sheet's "Colonnes obligatoires : | Raison sociale | …" line is never taken for a header.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from .._errors import InputError, Problem
from .._io import (
    HeaderRule,
    RawTable,
    check_not_binary,
    decode,
    file_head,
    read_table,
)
from .._utils import fold

FORMATS = ("lemarche", "lemarche_esat", "gesat", "finess", "finess_esat", "asp", "canonique")
FORMAT_NAMES = {
    "lemarche": "Le marché de l'inclusion (téléchargement)",
    "lemarche_esat": "Le marché de l'inclusion (import ESAT)",
    "gesat": "annuaire GESAT",
    "finess": "FINESS (extraction des établissements)",
    "finess_esat": "liste officielle des ESAT (FINESS)",
    "asp": "liste ASP des SIAE",
    "canonique": "table canonique",
}
_SIGNATURES = {
    "lemarche": {
        "enseigne",
        "reference client 1",
        "reference client 2",
        "reference client 3",
        "secteurs d activite",
        "perimetre d intervention",
    },
    "lemarche_esat": {
        "metiers proposes",
        "nombre de travailleurs dans la structure en etp",
        "adresse e mail",
    },
    "gesat": {"poles de competences", "lieudit bp", "capacite d accueil nombre de th total", "domaine 1"},
    "finess": {"nofinesset", "categetab", "coordxet", "coordyet", "rslongue", "ligneacheminement"},
    "finess_esat": {
        "ej n finess",
        "ej raison sociale",
        "et n finess",
        "et raison sociale",
        "et type",
        "et siret",
        "et commune code",
        "capacite autorisee agregee",
        "x lat centroide commune",
    },
    "asp": {"kind", "name", "naf", "post code", "geo match", "legal form"},
}
# Canonical column names (matched exactly, not folded) that only the canonical table has.
_CANONICAL_SIGNATURE = {
    "id_prestataire",
    "metiers_supposes",
    "raison_sociale",
    "type_structure",
    "commune_insee",
    "metiers",
    "source_metiers",
    "perimetre",
    "rayon_km",
    "zones",
    "perimetre_par_defaut",
    "fictif",
}
_ALIASES: dict[str, tuple[str, ...]] = {
    "id_prestataire": ("id prestataire", "identifiant", "id"),
    "raison_sociale": (
        "raison sociale",
        "name",
        "nom",
        "denomination",
        "nom de la structure",
        "rs",
        "structure",
        "et raison sociale",
    ),
    "gestionnaire": ("ej raison sociale", "organisme gestionnaire", "gestionnaire"),
    "finess_ej": ("ej n finess", "nofinessej", "n finess ej", "finess ej"),
    "raison_sociale_longue": ("rslongue",),
    "enseigne": ("enseigne", "brand", "nom commercial"),
    "siret": ("siret", "n siret", "numero siret", "siret de la structure", "et siret"),
    "type_structure": ("type de structure", "type structure", "kind", "type", "categorie de structure"),
    "type_site": ("et type", "type d etablissement principal secondaire"),
    "categorie_finess": ("categetab",),
    "naf": ("naf", "code naf", "ape", "code ape", "codeape"),
    "adresse": ("adresse", "address", "adresse postale", "et adresse"),
    "complement": ("lieudit bp", "lieuditbp", "complement d adresse", "compldistrib"),
    "numvoie": ("numvoie",),
    "typvoie": ("typvoie",),
    "voie": ("voie",),
    "compvoie": ("compvoie",),
    "code_postal": ("code postal", "post code", "cp", "codepostal", "et code postal"),
    "ville": ("ville", "city", "commune", "libelle commune", "localite", "et commune libelle"),
    "commune_insee": (
        "commune insee",
        "code insee",
        "code commune",
        "insee",
        "code commune insee",
        "et commune code",
    ),
    "departement": ("departement", "department", "code departement", "et departement code"),
    "region": ("region", "et region code", "code region"),
    "pays": ("pays", "country", "code pays"),
    "lat": ("lat", "latitude", "x lat centroide commune"),
    "lon": ("lon", "lng", "longitude", "x lon centroide commune"),
    "x": ("coordxet", "x lambert 93", "x", "coord x", "coordonnee x", "x l93", "lambert x"),
    "y": ("coordyet", "y lambert 93", "y", "coord y", "coordonnee y", "y l93", "lambert y"),
    "source_coord": ("sourcecoordet",),
    "acheminement": ("ligneacheminement", "ligne d acheminement"),
    "metiers_texte": (
        "metiers proposes",
        "poles de competences",
        "pole de competences",
        "secteurs d activite",
        "secteur d activite",
        "secteurs",
        "activites",
        "prestations",
        "metiers",
        "domaines d activite",
    ),
    "description": ("description", "presentation", "descriptif", "activite"),
    "rome": ("rome", "codes rome", "code rome"),
    "perimetre": ("perimetre d intervention", "perimetre", "zone d intervention", "perimetre geographique"),
    "rayon_km": (
        "rayon km",
        "rayon",
        "distance d intervention",
        "distance d intervention km",
        "rayon d intervention",
        "rayon d intervention km",
    ),
    "zones": ("zones", "zones d intervention"),
    "effectif": (
        "effectif",
        "nombre de travailleurs dans la structure en etp",
        "capacite d accueil nombre de th total",
        "nombre de salaries",
        "employees",
        "salaries",
        "effectifs",
        "nombre de travailleurs",
        "capacite autorisee agregee",
        "capacite autorisee",
        "nombre de places",
        "places autorisees",
    ),
    "chiffre_affaires": ("chiffre d affaires", "chiffre affaires", "ca"),
    "fictif": ("fictif",),
    "metiers_supposes": ("metiers supposes",),
    "source_metiers": ("source metiers",),
    "confiance_metiers": ("confiance metiers",),
    "perimetre_par_defaut": ("perimetre par defaut",),
    "alertes": ("alertes",),
    "finess_et": ("nofinesset", "et n finess", "n finess et", "finess et"),
    "derive": ("familles", "secteur", "cadre legal", "source fichier", "source ligne"),  # recomputed here
}
_BY_ALIAS = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
_OVERRIDES = {
    "finess": {"commune": "commune_finess", "departement": "departement_finess"},
    "canonique": {"metiers": "metiers"},
}
_REPEATED = re.compile(r"^(domaine|secteur d activite|metier) \d+$")
# Fields that may come from several columns (joined, in order).
MULTI = {"metiers_texte"}
NAME_FIELDS = ("raison_sociale", "raison_sociale_longue", "enseigne")
LOCATION_FIELDS = (
    "commune_insee",
    "code_postal",
    "ville",
    "lat",
    "x",
    "acheminement",
    "departement",
    "commune_finess",
    "departement_finess",
)

# The national FINESS extraction: field names of its ``structureet`` and ``geolocalisation`` records.
FINESS_FIELDS = (
    "section",
    "nofinesset",
    "nofinessej",
    "rs",
    "rslongue",
    "complrs",
    "compldistrib",
    "numvoie",
    "typvoie",
    "voie",
    "compvoie",
    "lieuditbp",
    "commune",
    "departement",
    "libdepartement",
    "ligneacheminement",
    "telephone",
    "telecopie",
    "categetab",
    "libcategetab",
    "categagretab",
    "libcategagretab",
    "siret",
    "codeape",
    "codemft",
    "libmft",
    "codesph",
    "libsph",
    "dateouv",
    "dateautor",
    "datemaj",
    "numuai",
)
FINESS_GEO_FIELDS = ("section", "nofinesset", "coordxet", "coordyet", "sourcecoordet", "datemaj")


def field_of(header: str, fmt: str | None) -> str | None:
    """Raw field of a header in a format (None when unknown).

    Examples
    --------
    >>> field_of("Métiers proposés", "lemarche_esat"), field_of("Domaine 7", "gesat")
    ('metiers_texte', 'metiers_texte')
    >>> field_of("commune", "finess"), field_of("Commune", "asp"), field_of("Tel", "gesat")
    ('commune_finess', 'ville', None)
    >>> field_of("ET-Commune Code", "finess_esat"), field_of("Capacité autorisée agrégée", "finess_esat")
    ('commune_insee', 'effectif')
    """
    key = fold(header)
    override = _OVERRIDES.get(fmt or "", {})
    if key in override:
        return override[key]
    if _REPEATED.match(key):
        return "metiers_texte"
    return _BY_ALIAS.get(key)


def recognise_format(headers: list[str]) -> str:
    """The format whose signature headers are most present; ``canonique`` when none is.

    Examples
    --------
    >>> recognise_format(["Raison Sociale", "Code Postal", "Pôles de compétences", "Domaine 1"])
    'gesat'
    >>> recognise_format(["kind", "siret", "name", "naf", "post_code", "geo_match"])
    'asp'
    >>> recognise_format(["EJ-N°FINESS", "ET-N°FINESS", "ET-Raison sociale", "ET-Type", "ET-SIRET"])
    'finess_esat'
    """
    folded = {fold(h) for h in headers}
    scores = {fmt: len(folded & sig) for fmt, sig in _SIGNATURES.items()}
    scores["canonique"] = len(set(headers) & _CANONICAL_SIGNATURE)
    best = max(FORMATS, key=lambda f: scores[f])
    return best if scores[best] > 0 else "canonique"


def map_columns(headers: list[str], fmt: str) -> dict[str, str | None]:
    """Header → raw field (None when unrecognised); a single-valued field keeps its first column."""
    mapping: dict[str, str | None] = {}
    taken: set[str] = set()
    for header in headers:
        name = field_of(header, fmt)
        if name is not None and name not in MULTI and name != "derive" and name in taken:
            name = None
        mapping[header] = name
        if name:
            taken.add(name)
    return mapping


def check_columns(mapping: dict[str, str | None], where: str) -> None:
    """Raise one InputError naming what is missing: a name column, a location column."""
    fields = set(mapping.values())
    missing = []
    if not fields & set(NAME_FIELDS):
        missing.append("une colonne de nom (« Raison sociale », « Nom », « name », « rs »)")
    if not fields & set(LOCATION_FIELDS):
        missing.append(
            "une colonne de localisation (« Code postal », « Ville », « Code commune INSEE », "
            "« Département », « latitude/longitude », « coordxet/coordyet »)"
        )
    if missing:
        found = ", ".join(f"« {h} »" for h in mapping)[:400] or "aucune colonne"
        folded = {fold(h) for h in mapping}
        if any(w in h for h in folded for w in ("objet", "cpv", "montant", "titulaire")):
            raise InputError(
                Problem(
                    "ce fichier ressemble à un fichier de marchés, pas à un annuaire de prestataires",
                    where,
                    f"colonnes : {found}",
                    "le lire avec transferability contrats (ou diagnostic), et donner l’annuaire avec --annuaire",
                )
            )
        raise InputError(
            [
                Problem(
                    f"colonne manquante : {m}",
                    where,
                    f"colonnes : {found}",
                    "renommer la colonne ou choisir le format avec format=…",
                )
                for m in missing
            ]
        )


def _header_score(cells: list[str]) -> int:
    """Known fields a row names; 0 for a notice's "label : values" line ("Colonnes obligatoires : | …")."""
    filled = [c for c in cells if c]
    if filled and filled[0].rstrip().endswith(":"):
        return 0
    return sum(field_of(c, None) is not None or c in _CANONICAL_SIGNATURE for c in filled)


# a directory's header names at least two known fields; else its first row, whose columns are checked after
HEADER_RULE = HeaderRule(_header_score, 2)


def read_rows(path: Path, where: str, sheet: str | None = None) -> RawTable:
    """Raw rows of a CSV, xlsx or FINESS extraction file (the FINESS lines are records, not a table)."""
    head = file_head(path)
    if head.removeprefix(b"\xef\xbb\xbf").startswith((b"finess;", b"structureet;")):
        check_not_binary(head, where)
        return _read_finess_extraction(*decode(path.read_bytes(), where))
    return read_table(path, where, HEADER_RULE, sheet)


def _read_finess_extraction(text: str, notes: list[str]) -> RawTable:
    rows, lines, coords = [], [], {}
    for number, record in enumerate(csv.reader(io.StringIO(text), delimiter=";"), start=1):
        if not record:
            continue
        if record[0] == "structureet":
            rows.append(dict(zip(FINESS_FIELDS, record, strict=False)))
            lines.append(number)
        elif record[0] == "geolocalisation":
            geo = dict(zip(FINESS_GEO_FIELDS, record, strict=False))
            coords[geo.get("nofinesset")] = geo
    for row in rows:
        geo = coords.get(row.get("nofinesset"), {})
        for name in ("coordxet", "coordyet", "sourcecoordet"):
            row[name] = geo.get(name, "")
    columns = [*FINESS_FIELDS, "coordxet", "coordyet", "sourcecoordet"]
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    notes.append(f"extraction FINESS : {len(rows)} établissements, {len(coords)} géolocalisations")
    return RawTable(frame.fillna(""), lines, "CSV (extraction FINESS)", None, notes, header_line=None)
