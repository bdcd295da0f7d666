"""Tables written to CSV: lists as « a | b », no cell a spreadsheet would take for a formula."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._utils import check_csv_format, csv_rows, flat_lists


def write_csv(table: pd.DataFrame, path: str | Path, *, format: str = "excel", append: bool = False) -> Path:
    """Write a table of the library (contracts, providers, diagnostic) to a CSV file.

    Parameters
    ----------
    table : DataFrame
    path : path
    format : {"excel", "standard"}, default="excel"
        ``excel``: « ; », decimal comma, UTF-8 with a BOM, which Excel in French opens as is;
        ``standard``: « , », decimal point, UTF-8.
    append : bool, default=False
        Add the rows at the end of ``path`` (written before with the same columns), without a header:
        a large table written part by part.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> table = pd.DataFrame({"objet": ["=1+1"], "alertes": [["a", "b"]], "montant": [1.5]})
    >>> write_csv(table, out).read_text(encoding="utf-8-sig").splitlines()
    ['objet;alertes;montant', "'=1+1;a | b;1,5"]
    >>> write_csv(table, out, format="standard").read_text().splitlines()[1]
    "'=1+1,a | b,1.5"
    >>> len(write_csv(table, out, format="standard", append=True).read_text().splitlines())
    3
    """
    check_csv_format(format)
    path = Path(path)
    with open(path, "ab" if append else "wb") as out:
        for start in range(0, max(len(table), 1), PART_ROWS):  # a part at a time: the memory stays small
            # appended: no second header, nor a second byte-order mark in the middle of the file
            header = start == 0 and not append
            out.write(csv_rows(flat_lists(table.iloc[start : start + PART_ROWS]), format, header=header))
    return path


PART_ROWS = 20_000  # rows formatted at once: 200,000 contracts took 1.4 GB in one go, 0.1 GB by parts
