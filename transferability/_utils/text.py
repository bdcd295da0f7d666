"""French text folding shared by every stage (headers, places, trades)."""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_NON_WORD = re.compile(r"[^0-9a-z]+")


def is_ascii_digits(text: object) -> bool:
    """True when ``text`` is a non-empty string of the ASCII digits 0-9 only.

    ``str.isdigit`` is also true for superscripts and other Unicode digits that ``int`` refuses, so every
    check of a code typed by a user goes through this function instead.

    Examples
    --------
    >>> is_ascii_digits("073"), is_ascii_digits("¹"), is_ascii_digits("٣"), is_ascii_digits("")
    (True, False, False, False)
    """
    return isinstance(text, str) and text.isascii() and text.isdigit()


def _fold_table() -> dict[int, str]:
    """One translate table: accented Latin letters → ASCII, ligatures spelled out."""
    table = {}
    for cp in range(0x80, 0x2B0):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(cp)) if not unicodedata.combining(c))
        table[cp] = base if base.isascii() else " "
    table.update({ord("œ"): "oe", ord("Œ"): "OE", ord("æ"): "ae", ord("Æ"): "AE", ord("ß"): "ss"})
    return table


_FOLD = _fold_table()


def _fast_table() -> list[str]:
    """:data:`_FOLD` followed by the lower-casing and the blanking of everything but ``[0-9a-z]``, as one
    list indexed by code point (``str.translate`` looks a list up faster than a dict); code points past
    its end are left as they are."""
    table = []
    for cp in range(0x2B0):
        text = chr(cp) if cp < 0x80 else _FOLD[cp]
        table.append(_NON_WORD.sub(" ", text.lower()) or " ")
    return table


_FAST = _fast_table()


def fold(text: object) -> str:
    """Lower-case, strip accents and punctuation, squeeze spaces.

    One C-level ``str.translate`` does it all for the Latin alphabets (the folded text is then ASCII);
    a text with other characters (Greek, a combining accent, the Kelvin sign that lower-cases to « k »)
    goes through the same steps one after the other.

    Examples
    --------
    >>> fold("  Montant € HT (Œuvre) ")
    'montant ht oeuvre'
    >>> fold("Élagage, Désherbage & Fauchage")
    'elagage desherbage fauchage'
    >>> fold(None)
    ''
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = str(text)
    folded = text.translate(_FAST)
    if folded.isascii():
        return " ".join(folded.split())
    return _NON_WORD.sub(" ", text.translate(_FOLD).lower()).strip()


@functools.lru_cache(maxsize=1 << 17)
def _fold_text(text: str) -> str:
    return fold(text)


def fold_series(values: pd.Series) -> pd.Series:
    """:func:`fold` over a Series, computed once per distinct value (and remembered across calls: the same
    objects are folded by several stages of a reading)."""
    cells = values.to_numpy(dtype=object)
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    folded = np.array(
        [*(_fold_text(u) if isinstance(u, str) else fold(u) for u in uniques), ""], dtype=object
    )
    out = folded[codes]
    missing = codes < 0  # None and NaN fold to "", pd.NA and NaT to their text, as fold() does
    if missing.any():
        out[missing] = [fold(v) for v in cells[missing]]
    return pd.Series(out, index=values.index, dtype=object)


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


# what str.split() splits on: every code point Python calls white space (none lies above U+3000)
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_NOT_CLEAN = "^$|^ | $|  |[" + "".join(f"\\x{{{ord(c):x}}}" for c in _SPACES if c != " ")


def clean_already(texts: pd.Series, also: str = "") -> np.ndarray:
    """Where :func:`clean_text` would leave a text as it is (not empty, white space only single spaces
    between words) and none of the characters ``also`` appears, in a column of arrow strings: found by
    arrow, without reading the texts into Python. A missing cell is False.

    Examples
    --------
    >>> clean_already(pd.Series(["Tonte des pelouses", "Tonte  des", " Tonte", "", None, "a<br>"], dtype="str"),
    ...               also="<").tolist()
    [True, False, False, False, False, False]
    """
    pattern = _NOT_CLEAN + "".join(f"\\x{{{ord(c):x}}}" for c in also) + "]"
    found = pc.match_substring_regex(pa.array(texts.array), pattern)
    return pc.fill_null(pc.invert(found), False).to_numpy(zero_copy_only=False)


def alert_kind(alert: str) -> str:
    """An alert with its particulars (quoted values, numbers, parentheses) blanked, to count by kind.

    Examples
    --------
    >>> alert_kind("code CPV inconnu (« XXXX »)")
    'code CPV inconnu'
    >>> alert_kind("code « 45058 » donné comme code postal est un code INSEE")
    'code «…» donné comme code postal est un code INSEE'
    """
    kind = re.sub(r"« [^»]* »", "«…»", alert)
    kind = re.sub(r"\s*\([^)]*\)", "", kind)
    kind = re.sub(r"\d[\d  ,.]*", "N", kind)
    return kind.split(" : ")[0].strip()
