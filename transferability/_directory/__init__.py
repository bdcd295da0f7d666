"""Reading provider directories (le marché, GESAT, FINESS, the ESAT list, ASP, canonical) into the providers table.

``source_metiers`` tells how a provider's métiers are known: ``DECLARED`` ("déclaré"), ``INFERRED``
("déduit") or, for an ESAT whose trades are unknown, ``ASSUMED`` ("supposé"), in which case they are in
``metiers_supposes`` and ``metiers`` is empty.
"""

from .identity import check_siret, parse_kind
from .providers import ASSUMED, DECLARED, INFERRED, infer_trades
from .reader import DIRECTORY_COLUMNS, LIST_SEPARATOR, read_directory

__all__ = [
    "ASSUMED",
    "DECLARED",
    "DIRECTORY_COLUMNS",
    "INFERRED",
    "LIST_SEPARATOR",
    "check_siret",
    "infer_trades",
    "parse_kind",
    "read_directory",
]
