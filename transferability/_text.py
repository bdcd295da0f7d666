"""French text folding shared by every stage (headers, places, trades)."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

_NON_WORD = re.compile(r"[^0-9a-z]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "ß": "ss"})


def fold(text: object) -> str:
    """Lower-case, strip accents and punctuation, squeeze spaces.

    Examples
    --------
    >>> fold("  Montant € HT (Œuvre) ")
    'montant ht oeuvre'
    >>> fold(None)
    ''
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = str(text).translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _NON_WORD.sub(" ", text).strip()


def fold_series(values: pd.Series) -> pd.Series:
    """:func:`fold` over a Series, computed once per distinct value."""
    uniques = pd.unique(values.astype("object"))
    table = {u: fold(u) for u in uniques}
    return values.astype("object").map(table).astype("object")


def clean_text(value: object) -> str:
    """Strip and squeeze white space of a cell; missing values become ``""``.

    Examples
    --------
    >>> clean_text("  Nettoyage\\u00a0des   locaux ")
    'Nettoyage des locaux'
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return " ".join(str(value).split())
