"""Bundled sample data: ``load_*`` return bundled files or tables."""

from __future__ import annotations

from pathlib import Path

from ._resources import data_path

SAMPLE_CONTRACTS = "exemples/marches_aura_2018_2024.csv"


def load_sample_contracts_path() -> Path:
    """Path of the bundled sample: 710 real DECP contracts of 124 local buyers of Auvergne-Rhône-Alpes.

    Written as a buyer's export (``;``, decimal comma); see ``data/README.md`` for the source.

    Examples
    --------
    >>> load_sample_contracts_path().name
    'marches_aura_2018_2024.csv'
    """
    return data_path(SAMPLE_CONTRACTS)
