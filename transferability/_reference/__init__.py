"""Reference data: trade taxonomy (families, métiers, lexicon, CPV and NAF mappings) and French geography."""

from . import taxonomy
from .distance import EARTH_RADIUS_KM, arc_km, haversine_km, unit_vectors
from .geo import (
    Place,
    department_of_postal,
    geography,
    place_coordinates,
    region_codes,
    resolve_place,
)
from .places import resolve_places
from .taxonomy import (
    HORS_CHAMP,
    families,
    family_labels,
    family_of,
    lemarche_sectors,
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
    "EARTH_RADIUS_KM",
    "arc_km",
    "haversine_km",
    "lemarche_sectors",
    "lexicon",
    "match_trade_text",
    "metiers",
    "naf_prior",
    "place_coordinates",
    "region_codes",
    "resolve_place",
    "resolve_places",
    "unit_vectors",
    "stem",
    "taxonomy",
]
