"""French text folding shared by every stage (headers, places, trades)."""

from __future__ import annotations

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


_END = 0xFFFF  # a noncharacter, put between texts


def _byte_table() -> np.ndarray:
    """:data:`_FAST` as one byte per UTF-16 code unit: its folded letter or digit, a blank (32), or 1 where
    the folded text is two letters (« œ ») or where the lower case is an ASCII letter (the Kelvin sign): the
    only code point past U+02AF whose lower case holds an ASCII letter or digit (tested over all of Unicode)."""
    table = np.full(1 << 16, 32, dtype=np.uint8)  # past U+02AF every character is blanked by fold's last step
    for cp, text in enumerate(_FAST):
        table[cp] = ord(text) if len(text) == 1 else 1
    table[0x212A] = 1  # KELVIN SIGN, lower-cased to « k »
    table[_END] = 10  # the end of a text
    return table


_BYTES = _byte_table()
_BATCH = 1 << 18  # characters folded at once by fold_texts (arrays of about a megabyte)


def fold_texts(texts: list[str]) -> list[str]:
    """:func:`fold` of each text, by numpy over all their characters at once.

    The texts are read as one array of UTF-16 code units; each is replaced by its folded byte (a letter,
    a digit or a blank: every character past U+02AF is blanked by :func:`fold`'s last step), and a blank is
    kept only between two word characters of the same text. A text with a character that folds to two
    letters (« œ », « ß ») or to an ASCII letter from beyond the Latin alphabets (the Kelvin sign), or that
    holds U+FFFF (put between the texts), is folded by :func:`fold` itself.

    Examples
    --------
    >>> fold_texts(["Élagage, Désherbage & Fauchage", "  Main-d’œuvre ", "", "Ω 3 μέτρα"])
    ['elagage desherbage fauchage', 'main d oeuvre', '', '3']
    """
    return _in_batches(_fold_batch, texts, alone=fold)


def _in_batches(fold_batch, texts: list[str], alone) -> list:
    """``fold_batch(texts, units, folded, ends)`` over batches of about :data:`_BATCH` characters (a longer
    text alone): the texts' UTF-16 code units joined by :data:`_END`, their bytes from :data:`_BYTES` and
    where each text but the last ends; ``alone(text)`` for a text that holds :data:`_END` itself."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    bounds = np.unique(np.searchsorted(np.cumsum(lengths), np.arange(_BATCH, lengths.sum(), _BATCH)) + 1)
    out = []
    for start, stop in zip([0, *bounds.tolist()], [*bounds.tolist(), len(texts)], strict=True):
        if start < stop:
            out += _batch(fold_batch, texts[start:stop], alone)
    return out


def _batch(fold_batch, texts: list[str], alone) -> list:
    if not texts:
        return []
    units = np.frombuffer(chr(_END).join(texts).encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    folded = _BYTES[units]
    ends = np.flatnonzero(folded == 10)
    if len(ends) == len(texts) - 1:
        return fold_batch(texts, units, folded, ends)
    # a text holds the noncharacter put between them: that one alone, the others together
    holds = [chr(_END) in text for text in texts]
    others = iter(_batch(fold_batch, [t for t, h in zip(texts, holds, strict=True) if not h], alone))
    return [alone(t) if h else next(others) for t, h in zip(texts, holds, strict=True)]


def _fold_batch(texts: list[str], units: np.ndarray, folded: np.ndarray, ends: np.ndarray) -> list[str]:
    slow = np.unique(np.searchsorted(ends, np.flatnonzero(folded == 1))).tolist()
    word = folded > 32  # letters and digits (1 marks texts folded again below)
    # a blank after a word character, then only those before a word character of the same text
    kept = word | (folded == 10)
    kept[1:] |= word[:-1]
    folded = folded[kept]
    kept = folded != 32
    kept[:-1] |= folded[1:] > 32
    folded = folded[kept].tobytes().decode("latin-1").split("\n")
    for i in slow:
        folded[i] = fold(texts[i])
    return folded


def fold_in_place(texts: list[str]) -> list[str | None]:
    """Each text folded character for character, by numpy over all their characters at once: the same
    length, each character replaced by its folded letter or digit or by a blank, so that a word of the
    result lies where the text wrote it (its words are :func:`fold`'s). None for a text with a character
    that folds to two letters (« œ »), to an ASCII letter from beyond the Latin alphabets (the Kelvin sign),
    past U+FFFF or U+FFFF itself (put between the texts): :func:`fold_with_origins` folds those.

    Examples
    --------
    >>> fold_in_place(["L’Élagage, 2 lots", "Cœur", "", "a\uffff"])
    ['l elagage  2 lots', None, '', None]
    """
    return _in_batches(_in_place_batch, texts, alone=lambda text: None)


def _in_place_batch(texts: list[str], units: np.ndarray, folded: np.ndarray, ends: np.ndarray) -> list:
    # two letters for one character, or a character of two UTF-16 units
    apart = np.flatnonzero((folded == 1) | ((units >= 0xD800) & (units < 0xE000)))
    out: list[str | None] = folded.tobytes().decode("latin-1").split("\n")
    for i in np.unique(np.searchsorted(ends, apart)).tolist():
        out[i] = None
    return out


def fold_with_origins(text: str) -> tuple[str, list[int]]:
    """``text`` folded character by character, each character's fold (a blank where :func:`fold` leaves
    nothing) put after the previous one, and the position in ``text`` of each folded character: the
    twin of :func:`fold_in_place` for every text (a character may fold to two letters).

    Examples
    --------
    >>> fold_with_origins("Cœur")
    ('coeur', [0, 1, 1, 2, 3])
    """
    pieces = [_PIECES.get(c) or _PIECES.setdefault(c, fold(c) or " ") for c in text]
    folded = "".join(pieces)
    if len(folded) == len(text):  # every piece one character
        return folded, list(range(len(text)))
    return folded, np.repeat(np.arange(len(text)), [len(p) for p in pieces]).tolist()


_PIECES: dict[str, str] = {}  # each character's piece in fold_with_origins, computed on its first use


def fold_series(values: pd.Series) -> pd.Series:
    """:func:`fold` over a Series, computed once per distinct text (by :func:`fold_texts`); any other value
    (a number, a date, a missing value) by :func:`fold` itself.

    Examples
    --------
    >>> fold_series(pd.Series(["Tonte", "TONTE", None, 12.5])).tolist()
    ['tonte', 'tonte', '', '12 5']
    """
    cells = values.to_numpy(dtype=object)
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    text = np.fromiter((isinstance(u, str) for u in uniques), dtype=bool, count=len(uniques))
    folded = np.empty(len(uniques) + 1, dtype=object)  # the last one for the missing values' code, -1
    folded[:-1][text] = fold_texts(uniques[text].tolist())
    out = folded[codes]
    # missing, or not text: each one (0 and 0.0 are one value to factorize, not to fold)
    other = ~np.append(text, False)[codes]
    if other.any():
        out[other] = [fold(v) for v in cells[other]]
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
_SPACES_CLASS = "".join(f"\\x{{{ord(c):x}}}" for c in _SPACES)  # inside a regular expression's [...]
_NOT_CLEAN = "^$|^ | $|  |[" + _SPACES_CLASS.replace("\\x{20}", "")


def regex_found(texts: pd.Series | pa.Array, pattern: str, missing: bool = False) -> np.ndarray:
    """Where arrow's regular expressions (RE2) find ``pattern`` in each text of a column of arrow strings
    (or an arrow array of texts), without reading the texts into Python; ``missing`` for a missing cell.

    Examples
    --------
    >>> regex_found(pd.Series(["73065", "7306", None], dtype="str"), "^[0-9]{5}$").tolist()
    [True, False, False]
    """
    array = pa.array(texts.array) if isinstance(texts, pd.Series) else texts
    return pc.fill_null(pc.match_substring_regex(array, pattern), missing).to_numpy(zero_copy_only=False)


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
    return ~regex_found(texts, _NOT_CLEAN + "".join(f"\\x{{{ord(c):x}}}" for c in also) + "]", missing=True)


def has_text(texts: pd.Series) -> np.ndarray:
    """Where a cell of a column of arrow strings holds more than white space (:func:`clean_text` would
    leave something), found by arrow. A missing cell is False.

    Examples
    --------
    >>> has_text(pd.Series(["Tonte", " \u00a0", "", None, "nan"], dtype="str")).tolist()
    [True, False, False, False, True]
    """
    return regex_found(texts, "[^" + _SPACES_CLASS + "]")


def search(texts: pd.Series, pattern: str) -> np.ndarray:
    r"""Where ``re.search(pattern, cell)`` finds something in a column, a missing cell False (any other
    cell as its text). A column of arrow strings is searched by arrow (RE2), its ``\s`` (outside
    brackets) spelled out as Python's own white space: keep to what both engines read alike.

    Examples
    --------
    >>> search(pd.Series(["\u00a0Sous-total", "Tonte", None], dtype="str"), r"(?i)^\s*(?:sous[- ])?tota").tolist()
    [True, False, False]
    """
    if isinstance(texts.dtype, pd.StringDtype):
        return regex_found(texts, pattern.replace(r"\s", f"[{_SPACES_CLASS}]"))
    return texts.astype(str).str.contains(pattern, na=False).to_numpy(dtype=bool)


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
