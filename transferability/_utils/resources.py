"""Where the bundled data lives, and reading it once.

The files sit in ``data/`` and ``models/`` at the top of the repository; the wheel
carries them inside the package (``transferability/data``, ``transferability/models``).
An editable install reads them from the checkout.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

_PACKAGE_DIR = Path(str(resources.files("transferability")))


def _first_existing(name: str) -> Path:
    for base in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if base.is_dir():
            return base
    raise FileNotFoundError(f"dossier de données « {name} » introuvable près de {_PACKAGE_DIR}")


@cache
def data_dir() -> Path:
    """Folder of the bundled reference data."""
    return _first_existing("data")


@cache
def models_dir() -> Path:
    """Folder of the bundled models."""
    return _first_existing("models")


def data_path(relative: str) -> Path:
    """Path of a bundled data file, e.g. ``data_path("geo/communes.csv")``."""
    return data_dir() / relative


@cache
def read_data_csv(relative: str, dtype_str: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read a bundled CSV once; ``dtype_str`` columns stay strings (codes keep their zeros).

    The returned frame is cached: callers must not modify it in place.
    """
    dtype = dict.fromkeys(dtype_str, "string")
    return pd.read_csv(data_path(relative), dtype=dtype, keep_default_na=False, na_values=[""])
