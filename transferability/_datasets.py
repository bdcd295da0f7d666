"""Bundled sample data: ``load_*`` return bundled files or tables (the sample contracts and directory)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._directory import read_directory
from ._utils import data_path

SAMPLE_CONTRACTS = "exemples/marches_aura_2018_2024.csv"
SAMPLE_DIRECTORY = "annuaires/annuaire_aura.csv"


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
    """Path of the bundled sample directory (canonical format, ``;``-free CSV, lists as ``a | b``).

    Examples
    --------
    >>> sample_directory_path().name
    'annuaire_aura.csv'
    """
    return data_path(SAMPLE_DIRECTORY)


def load_sample_directory() -> pd.DataFrame:
    """The sample providers of Auvergne-Rhône-Alpes (region 84), read by :func:`read_directory`.

    Real SIAE (ASP list, July 2019) and GEIQ (November 2019) of the region, with métiers
    inferred from their NAF code and name; plus FICTITIOUS ESAT and EA (``fictif`` is True,
    names such as "ESAT fictif n°12 (Chambéry)") patterned on the region's counts, because no
    open list of ESAT and EA could be had offline. See ``data/README.md``.

    Examples
    --------
    >>> table = load_sample_directory()
    >>> sorted(table.loc[table["fictif"], "type_structure"].unique())
    ['EA', 'ESAT']
    >>> bool(table["lat"].notna().all())
    True
    """
    return read_directory(sample_directory_path())
