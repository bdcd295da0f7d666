"""Tables written to CSV: lists as « a | b », no cell a spreadsheet would take for a formula."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._utils import flat_lists


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a table of the library (contracts, providers, diagnostic) to a CSV file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_csv(pd.DataFrame({"objet": ["=1+1"], "alertes": [["a", "b"]]}), out).read_text().splitlines()
    ['objet,alertes', "'=1+1,a | b"]
    """
    path = Path(path)
    flat_lists(table).to_csv(path, index=False)
    return path
