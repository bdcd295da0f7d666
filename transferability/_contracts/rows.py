"""Which rows are contracts: row kinds (titles, sections, bands, totals), and each row's holders read.

Split from :mod:`.reader`; one row per contract and duplicates are :mod:`.grouping`'s.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .._io import parse_amount
from .._utils import clean_text, fold, has_text, map_distinct, map_unless_clean, search


def _is_filled(value) -> bool:
    if value is None or isinstance(value, list | dict):
        return bool(value)
    return value == value and str(value).strip() != ""


def _filled_column(col: pd.Series) -> np.ndarray:
    """:func:`_is_filled` of each cell (a missing cell is not filled): by arrow for a column of text, else
    once per distinct cell."""
    if isinstance(col.dtype, pd.StringDtype):
        return has_text(col)
    return map_distinct(_is_filled, col.to_numpy(dtype=object)).astype(bool)


_SECTION = re.compile(
    r"^(?:marches? (?:de |d )?)?(travaux|services?|fournitures?|prestations? (?:de )?services?)$"
)
_BAND = re.compile(
    r"^(?:tranche|marches? (?:de|d un montant|compris|inferieurs?|superieurs?))|\d.*(?:eur|€|ht).*\ba\b.*\d|^(?:de|entre) \d"
)
_TOTAL_LABEL = r"(?i)^\s*(?:sous[- ])?tota"  # a cell starting « Total », « Sous-total »
_TOTAL = re.compile(r"^(?:sous )?(?:total|totaux|montant total|somme)\b")
DERIVED = ("montant_nature",)  # filled by the reader, not by the file: says nothing of the row
SECTION_TYPES = {"travaux": "Travaux", "service": "Services", "services": "Services", "fourniture": "Fournitures",
                 "fournitures": "Fournitures"}  # fmt: skip


def row_kinds(frame: pd.DataFrame, header_score=None) -> tuple[pd.Series, pd.Series]:
    """Why a row is not a contract ('' when it is one), and the section heading each row falls under.

    Set aside: blank rows, titles and section headings (SERVICES, FOURNITURES, TRAVAUX: their type then fills
    the rows below), amount bands ("Tranche 1 : 0 à 19 999,99 € HT"), total rows (a "Total" label anywhere,
    or an amount alone), a second header row (``header_score`` of its cells ≥ 2). Only rows without an
    object, a CPV code or an amount, or with a total label, are inspected cell by cell.
    """
    kinds = np.full(len(frame), "", dtype=object)
    sections = np.full(len(frame), None, dtype=object)
    content_cols = [c for c in ("objet", "code_cpv", "montant") if c in frame.columns]
    filled = {c: _filled_column(frame[c]) for c in content_cols}
    has_content = np.zeros(len(frame), dtype=bool)
    for c in content_cols:
        has_content |= filled[c]
    no_object = ~filled["objet"] if "objet" in filled else np.ones(len(frame), dtype=bool)
    object_total = (
        search(frame["objet"], _TOTAL_LABEL) if "objet" in frame.columns else np.zeros(len(frame), dtype=bool)
    )
    # a "Total" label elsewhere counts only on a row without object (a holder may be called TOTAL ENERGIES)
    suspect = ~has_content | object_total | _amount_alone(frame, filled)
    suspect[no_object] |= _total_label(frame[no_object])  # only rows without object may be total rows
    cells = frame.drop(columns=[c for c in DERIVED if c in frame.columns])
    for i in np.flatnonzero(suspect):
        kinds[i], sections[i] = _kind_of(cells.iloc[i].to_numpy(dtype=object), has_content[i])
        if kinds[i] == "montant seul (total sans libellé ?)" and not _sums_rows_above(frame, i, kinds):
            kinds[i] = ""  # an amount alone that is no sum of the rows above: a contract without object
    if header_score is not None:
        for i in range(min(2, len(frame))):
            if header_score([str(v) for v in frame.iloc[i].to_numpy(dtype=object) if _is_filled(v)]) >= 2:
                kinds[i] = "seconde ligne d’en-tête"
    _headings(frame, filled, kinds, sections)
    if "concession" in frame.columns:
        kinds[frame["concession"].astype(str).str.contains("oncession", na=False).to_numpy()] = (
            "contrat de concession"
        )
    return pd.Series(kinds, index=frame.index), pd.Series(sections, index=frame.index).ffill()


def _total_label(frame: pd.DataFrame) -> np.ndarray:
    found = np.zeros(len(frame), dtype=bool)
    for c in frame.columns:
        if frame[c].dtype == object or isinstance(frame[c].dtype, pd.StringDtype):  # a parquet file's text
            text = frame[c].map(_text) if c == "titulaires" else frame[c].astype(str)
            found |= search(text, _TOTAL_LABEL)
    return found


def _amount_alone(frame: pd.DataFrame, filled: dict) -> np.ndarray:
    """Rows with an amount but neither object nor CPV code: maybe an unlabelled total (=SUM) under the table."""
    if "montant" not in filled:
        return np.zeros(len(frame), dtype=bool)
    alone = filled["montant"].copy()
    for c in ("objet", "code_cpv"):
        if c in filled:
            alone &= ~filled[c]
    return alone


def _sums_rows_above(frame: pd.DataFrame, i: int, kinds: np.ndarray) -> bool:
    """Whether row ``i``'s amount is the sum of the contract rows just above it (an unlabelled =SUM)."""

    total = parse_amount(frame["montant"].iat[i])[0]
    if not total:
        return False
    running = 0.0
    for j in range(i - 1, -1, -1):
        if kinds[j]:
            continue
        running += parse_amount(frame["montant"].iat[j])[0] or 0.0
        if abs(running - total) <= max(1.0, total * 1e-6):
            return j < i - 1  # two rows at least
        if running > total + 1.0:
            return False
    return False


def _text(value) -> str:
    """A cell as text; the holders' list of a tabular file by their names."""
    if isinstance(value, list):
        return " ".join(str(x) for h in value for x in (h.values() if isinstance(h, dict) else [h]) if x)
    return str(value)


def _kind_of(row: np.ndarray, has_content: bool) -> tuple[str, str | None]:
    filled = np.fromiter((_is_filled(v) for v in row), dtype=bool, count=len(row))
    if not filled.any():
        return "ligne vide", None
    texts = [fold(_text(v)) for v, f in zip(row, filled, strict=True) if f]
    if any(_TOTAL.match(t) for t in texts):
        return "ligne de total", None
    if filled.sum() == 1:
        text = texts[0]
        section = _SECTION.match(text)
        if section:
            return "intertitre (type de marché)", SECTION_TYPES.get(section.group(1).split()[-1], "Services")
        if _BAND.search(text) and not text.replace(" ", "").isdigit():
            return "tranche de montant", None
        if has_content:
            return "montant seul (total sans libellé ?)", None
    return ("" if has_content else "titre ou ligne sans objet, CPV ni montant"), None


def _headings(frame: pd.DataFrame, filled: dict, kinds: np.ndarray, sections: np.ndarray) -> None:
    """A text in the object column and nothing else, when such rows are rare: a heading, a section or a band."""
    if "objet" not in filled or "montant" not in filled:
        return
    others = [c for c in frame.columns if c != "objet"]
    alone = filled["objet"] & ~filled["montant"] & ~filled.get("code_cpv", np.zeros(len(frame), bool))
    # when most rows look like that, the file simply has no amounts (a list of objects): its rows are contracts
    if alone.sum() * 2 > len(frame):
        return
    for i in np.flatnonzero(alone & (kinds == "")):
        if not any(_is_filled(v) for v in frame.iloc[i][others].to_numpy(dtype=object)):
            kind, sections[i] = _kind_of(np.array([frame["objet"].iat[i]], dtype=object), False)
            kinds[i] = "titre ou intertitre" if kind.startswith("titre") else kind


def holder_lists(src: pd.DataFrame, id_cols: list[str], name_cols: list[str]) -> list[list[dict]]:
    """Each row's holders ({"id", "nom"}) from a tabular file's holder id and name columns, paired in order
    (a list flattened to text, "['572…']", read as its item)."""
    n = max(len(id_cols), len(name_cols))
    if n == 0:
        return [[] for _ in range(len(src))]
    ids = [_unlisted(src[c]) for c in id_cols] + [[""] * len(src)] * (n - len(id_cols))
    names = [_unlisted(src[c]) for c in name_cols] + [[""] * len(src)] * (n - len(name_cols))
    if n == 1:  # the common case, one holder column pair: a comprehension, twice as fast
        return [
            [{"id": hid.replace(" ", ""), "nom": hname}] if hid or hname else []
            for hid, hname in zip(ids[0], names[0], strict=True)
        ]
    out = []
    for r in range(len(src)):
        holders = []
        for k in range(n):
            hid, hname = ids[k][r], names[k][r]
            if hid or hname:
                holders.append({"id": hid.replace(" ", ""), "nom": hname})
        out.append(holders)
    return out


def _unlisted(values: pd.Series) -> list[str]:
    """:func:`_unlist` of each cell, computed once per distinct cell (a missing one is ""); in a column of
    arrow strings, the cells already plain and without a bracket are kept as they are, found by arrow."""
    if isinstance(values.dtype, pd.StringDtype):
        return map_unless_clean(_unlist, values, also="[]").tolist()
    return map_distinct(_unlist, values).tolist()


_LIST_TEXT = re.compile(r"^\[\s*'?|'?\s*\]$")


def _unlist(value) -> str:
    """ "['57172266900264']" (a list flattened to text) → "57172266900264"."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return ""  # most holder cells of a flat DECP export are empty
    text = clean_text(value)
    return _LIST_TEXT.sub("", text) if "[" in text or "]" in text else text
