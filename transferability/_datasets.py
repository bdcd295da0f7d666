"""Bundled sample data: ``load_*`` return bundled files or tables (the sample contracts and directory)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._directory import read_directory
from ._utils import cached, data_path

SAMPLE_CONTRACTS = "exemples/marches_aura_2018_2024.csv"
SAMPLE_DIRECTORY = "annuaires/annuaire_france.csv"


def load_sample_contracts_path() -> Path:
    """Path of the bundled sample: 710 real DECP contracts of 124 local buyers of Auvergne-Rhône-Alpes.

    Written as a buyer's export (``;``, decimal comma); see ``data/README.md`` for the source.

    Examples
    --------
    >>> load_sample_contracts_path().name
    'marches_aura_2018_2024.csv'
    """
    return data_path(SAMPLE_CONTRACTS)


def sample_directory_path() -> Path:
    """Path of the bundled directory of France (canonical format, CSV, lists written ``a | b``).

    Only real structures: the 1,504 ESAT of the official FINESS list (2026), the SIAE of the ASP list
    (July 2019), the GEIQ (November 2019) and the two EA of Le marché's sample. See ``data/README.md``.

    Examples
    --------
    >>> sample_directory_path().name
    'annuaire_france.csv'
    """
    return data_path(SAMPLE_DIRECTORY)


def load_sample_directory() -> pd.DataFrame:
    """The bundled providers of all France, read by :func:`read_directory` (about a second).

    Real structures only (``fictif`` is False everywhere; the column stays for compatibility):

    - 1,504 ESAT: the official list (FINESS, 2026), placed at their commune's centre, with their
      authorised places as staff (``effectif``), counted once per ESAT. FINESS gives no trades: they
      are inferred from the site's name ("ferme", "blanchisserie", "hors les murs"…) or its ESAT's
      other sites (``source_metiers`` = "déduit"), else the trades ESAT commonly do are *assumed*
      (``metiers_supposes``, ``source_metiers`` = "supposé", confidence 0.3, ``metiers`` empty);
    - 3,932 SIAE (ASP list, July 2019) and 171 GEIQ (November 2019), with métiers inferred from their
      NAF code, name and ROME codes;
    - 2 EA only: no open list of EA exists, so EA coverage is unknown without the territory's own list.

    No provider declares a perimeter: each has its family's default radius (flagged).

    Examples
    --------
    >>> table = load_sample_directory()
    >>> table["type_structure"].value_counts().to_dict()
    {'ACI': 1978, 'ESAT': 1504, 'EI': 992, 'AI': 666, 'ETTI': 296, 'GEIQ': 171, 'EA': 2}
    >>> bool(table["fictif"].any())
    False
    >>> esat = table[table["type_structure"].eq("ESAT")]
    >>> esat["source_metiers"].value_counts().to_dict()
    {'supposé': 1411, 'déduit': 93}
    >>> round(float(table["lat"].notna().mean()), 3)
    0.999
    """
    path = sample_directory_path()  # kept read between processes: reading it takes a second
    return cached("annuaire", [path], lambda: read_directory(path))
