"""Reading contract files (buyer exports, DECP JSON/XML, consolidated tables) into the contracts table."""

from .grouping import DUPLICATE_NOTE, mark_duplicates, object_keys
from .headers import header_rule, header_score, match_headers
from .reader import CONTRACT_COLUMNS, canonical_fields, normalise, read_contracts
from .territory import apply_territory

__all__ = [
    "apply_territory",
    "CONTRACT_COLUMNS",
    "DUPLICATE_NOTE",
    "canonical_fields",
    "header_rule",
    "header_score",
    "mark_duplicates",
    "match_headers",
    "normalise",
    "object_keys",
    "read_contracts",
]
