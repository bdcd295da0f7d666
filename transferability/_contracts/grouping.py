"""One row per contract: the rows of one contract (one per holder, or per modification) grouped, and the
same contract read twice marked as a duplicate.

Split from :mod:`.rows`, which tells which rows are contracts.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd

from .._utils import distinct_rows, fold_series
from .rows import _text


def object_keys(objets: pd.Series) -> pd.Series:
    """The folded object of each contract, to tell the same contract twice ("" where there is none).

    Examples
    --------
    >>> object_keys(pd.Series(["Tonte des Pelouses", None])).tolist()
    ['tonte des pelouses', '']
    """
    text = objets.map(lambda v: v if isinstance(v, str) else "")
    return fold_series(text)


def group_holders(table: pd.DataFrame) -> pd.DataFrame:
    """One row per contract where a tabular file has one row per holder (or per modification)."""
    if table.empty:
        return table
    ids = table[["acheteur_id", "id_contrat"]]
    repeated = (ids.duplicated(keep=False) & ids["id_contrat"].notna()).to_numpy(copy=True)
    # the same buyer and id on several rows: the same contract when the object is the same too
    key = pd.Series(_contract_keys(ids[repeated], table["objet"][repeated]))
    repeated[repeated] = key.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return table
    key = key[key.duplicated(keep=False)]
    multi = table[repeated]
    groups = multi.groupby(key.to_numpy(), sort=False)
    merged = groups.first()
    positions = pd.Series(np.flatnonzero(repeated), index=key.to_numpy())
    merged["_first"] = positions.groupby(level=0, sort=False).first()
    order, bounds = _rows_of_groups(groups.ngroup().to_numpy())
    for column, join in (
        ("titulaires", _merge_holders),
        ("source_ligne", list),
        ("alertes", lambda s: list(dict.fromkeys(a for al in s for a in al))),
    ):
        cells = multi[column].tolist()
        values = [cells[i] for i in order]  # every group's cells, one group after another
        merged[column] = pd.Series(
            [join(values[a:b]) for a, b in pairwise(bounds)], index=merged.index, dtype=object
        )
    disagree = groups["montant"].nunique() > 1  # vectorised: amounts are listed only where they differ
    differ = key.isin(disagree.index[disagree]).to_numpy()
    spread = (
        multi[differ]
        .groupby(key[differ].to_numpy(), sort=False)["montant"]
        .agg(lambda s: sorted(s.dropna().unique()))
    )
    for k, amounts in spread.items():
        shown = ", ".join(f"{a:,.0f}".replace(",", " ") for a in amounts)
        merged.at[k, "montant"] = float(amounts[-1])
        merged.at[k, "alertes"] = [
            *merged.at[k, "alertes"],
            f"montants différents selon les lignes du même marché ({shown}) : le plus grand retenu",
        ]
    _flag_verbatim(multi, key.to_numpy(), merged)
    return _merged_in_place(table, repeated, merged)


def _contract_keys(ids: pd.DataFrame, objets: pd.Series) -> np.ndarray:
    """A number per row telling contracts apart: the same buyer, id and folded object (:func:`object_keys`).
    Objects are folded only where a buyer's id comes with objects written differently: elsewhere the
    object as written tells the same."""
    pair, _ = distinct_rows(ids.fillna("").astype(str))
    cells, uniques = pd.factorize(objets.to_numpy(dtype=object))  # a missing object: -1, the last below
    texts = np.array([u if isinstance(u, str) else "" for u in uniques] + [""], dtype=object)
    codes = pd.factorize(texts)[0][cells]  # anything but a text is written ""
    spread = pd.DataFrame({"p": pair, "o": codes}).groupby("p")["o"].nunique().to_numpy() > 1
    differ = spread[pair]
    codes[~differ] = 0
    if differ.any():  # two writings of the same buyer's id: the same contract if they fold the same
        codes[differ] = pd.factorize(object_keys(pd.Series(texts[cells[differ]])).to_numpy())[0]
    return distinct_rows(pd.DataFrame({"p": pair, "o": codes}))[0]


def _merged_in_place(table: pd.DataFrame, repeated: np.ndarray, merged: pd.DataFrame) -> pd.DataFrame:
    """``table`` where the first row of each group (its position in ``merged["_first"]``) takes the merged
    contract's cells and the group's other rows go, in the table's order."""
    kept = ~repeated
    first = merged["_first"].to_numpy()
    kept[first] = True
    at = np.searchsorted(np.flatnonzero(kept), first)
    columns = {}
    for column in table.columns:  # each column copied once: its kept rows, then the merged cells
        if table[column].dtype == object or merged[column].dtype == object:  # lists merged: source lines
            values = table[column].to_numpy(dtype=object)[kept]
            values[at] = merged[column].to_numpy(dtype=object)
            columns[column] = pd.Series(values, dtype=object, copy=False)  # no arrow strings
        else:
            values = table[column].array[kept]
            values[at] = merged[column].to_numpy()
            columns[column] = pd.Series(values, copy=False)
    out = pd.DataFrame(columns, copy=False)
    return out


_VERBATIM = ["titulaires", "montant", "date_notification", "duree_mois", "code_cpv", "procedure", "lieu_code"]


def _flag_verbatim(multi: pd.DataFrame, keys, merged: pd.DataFrame) -> None:
    """A row repeated verbatim (an export pasted twice) is counted once, and said so."""
    cells = multi[[c for c in _VERBATIM if c in multi.columns]]
    cells = cells.assign(titulaires=[str(h) for h in cells["titulaires"].tolist()])  # lists as their text
    signature = pd.util.hash_pandas_object(cells, index=False).to_numpy()
    same = pd.DataFrame({"k": keys, "s": signature}).duplicated().to_numpy()
    if not same.any():
        return
    counts = pd.Series(same, index=keys).groupby(level=0, sort=False).sum()
    for k, n in counts[counts > 0].items():
        lines = ", ".join(map(str, merged.at[k, "source_ligne"]))
        merged.at[k, "alertes"] = [
            *merged.at[k, "alertes"],
            f"ligne répétée à l’identique ({n} fois, lignes {lines}) : comptée une fois",
        ]


def _rows_of_groups(group: np.ndarray) -> tuple[list[int], list[int]]:
    """The positions of the rows of every group (numbered 0, 1, ... by ``group``, of two rows or more),
    group after group, each in its order, and where each group starts then where the last one ends: the
    cells of a group are a slice, instead of a Series made per group."""
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.diff(group[order])) + 1
    return order.tolist(), [0, *starts.tolist(), len(order)]


def _merge_holders(series) -> list[dict]:
    holders, seen = [], set()
    for hs in series:
        for h in hs:
            k = (h.get("id"), h.get("nom"))
            if k not in seen:
                seen.add(k)
                holders.append(h)
    return holders


DUPLICATE_NOTE = "doublon d’un marché déjà lu (même acheteur, identifiant et montant)"


def mark_duplicates(table: pd.DataFrame) -> None:
    """The same contract twice (same buyer, id and amount, e.g. on two platforms that rewrite the object and
    even the date each their own way)."""
    if table.empty:
        return
    key = pd.DataFrame(
        {"a": table["acheteur_id"].fillna(""), "i": table["id_contrat"].fillna(""), "m": table["montant"]}
    )
    has_id = table["id_contrat"].notna().to_numpy()
    dup = key.duplicated(keep="first").to_numpy() & has_id
    # without a reference, a row identical in every field that says what was bought, when and from whom
    same, first = _identical_rows(table, has_id)
    table["doublon"] = dup | same
    alerts = table["alertes"].tolist()
    for i in np.flatnonzero(dup):
        alerts[i] = [*alerts[i], DUPLICATE_NOTE]
    for i in np.flatnonzero(same):
        alerts[i] = [
            *alerts[i],
            "ligne identique à une ligne précédente, sans référence de marché : comptée une fois",
        ]
    for i in np.flatnonzero(first):
        alerts[i] = [
            *alerts[i],
            "ligne répétée à l’identique plus bas, sans référence de marché : comptée une fois",
        ]
    table["alertes"] = alerts


_IDENTITY = [
    "acheteur_id",
    "objet",
    "code_cpv",
    "montant",
    "date_notification",
    "duree_mois",
    "lieu_code",
    "lot",
]


def _identical_rows(table: pd.DataFrame, has_id: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows without reference identical to an earlier one, and the first of each such group."""
    without = ~has_id & table["objet"].notna().to_numpy()
    same, first = np.zeros(len(table), dtype=bool), np.zeros(len(table), dtype=bool)
    if not without.any():
        return same, first
    rows = table[without]
    cells = rows[[c for c in _IDENTITY if c in rows.columns]].astype(str)
    cells = cells.assign(titulaires=rows["titulaires"].map(_text), objet=object_keys(rows["objet"]))
    later = cells.duplicated(keep="first").to_numpy()
    same[without] = later
    first[without] = cells.duplicated(keep=False).to_numpy() & ~later
    return same, first
