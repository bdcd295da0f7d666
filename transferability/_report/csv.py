"""Tables written to CSV: lists as « a | b », no cell a spreadsheet would take for a formula."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._errors import InputError, Problem
from .._utils import flat_lists

# what Excel in French opens as is (« ; », decimal comma, UTF-8 announced by a BOM), and the plain CSV
CSV_FORMATS = {
    "excel": {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"},
    "standard": {"sep": ",", "decimal": ".", "encoding": "utf-8"},
}


def write_csv(table: pd.DataFrame, path: str | Path, *, format: str = "excel") -> Path:
    """Write a table of the library (contracts, providers, diagnostic) to a CSV file.

    Parameters
    ----------
    table : DataFrame
    path : path
    format : {"excel", "standard"}, default="excel"
        ``excel``: « ; », decimal comma, UTF-8 with a BOM, which Excel in French opens as is;
        ``standard``: « , », decimal point, UTF-8.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> table = pd.DataFrame({"objet": ["=1+1"], "alertes": [["a", "b"]], "montant": [1.5]})
    >>> write_csv(table, out).read_text(encoding="utf-8-sig").splitlines()
    ['objet;alertes;montant', "'=1+1;a | b;1,5"]
    >>> write_csv(table, out, format="standard").read_text().splitlines()[1]
    "'=1+1,a | b,1.5"
    """
    if format not in CSV_FORMATS:
        raise InputError(
            Problem("format de CSV inconnu", "paramètre format", f"« {format} »", "choisir excel ou standard")
        )
    path = Path(path)
    flat_lists(table).to_csv(path, index=False, **CSV_FORMATS[format])
    return path
