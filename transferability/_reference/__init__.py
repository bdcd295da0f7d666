"""Reference data: trade taxonomy (families, métiers, lexicon, CPV and NAF mappings) and French geography."""

from . import taxonomy
from .geo import Place, department_of_postal, geography, haversine_km, resolve_place
from .taxonomy import (
    HORS_CHAMP,
    families,
    family_labels,
    family_of,
    lexicon,
    match_trade_text,
    metiers,
    naf_prior,
    stem,
)

__all__ = [
    "HORS_CHAMP",
    "Place",
    "department_of_postal",
    "families",
    "family_labels",
    "family_of",
    "geography",
    "haversine_km",
    "lexicon",
    "match_trade_text",
    "metiers",
    "naf_prior",
    "resolve_place",
    "stem",
    "taxonomy",
]
