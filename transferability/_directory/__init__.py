"""Reading provider directories (le marché, GESAT, FINESS, ASP, canonical) into the providers table."""

from .providers import check_siret, infer_trades, parse_kind
from .reader import DIRECTORY_COLUMNS, LIST_SEPARATOR, read_directory

__all__ = [
    "DIRECTORY_COLUMNS",
    "LIST_SEPARATOR",
    "check_siret",
    "infer_trades",
    "parse_kind",
    "read_directory",
]
