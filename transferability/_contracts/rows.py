"""Which rows are contracts, and one row per contract: row kinds, holders grouped, duplicates.

Split from :mod:`.reader`, which calls these after normalising a file.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .._utils import fold, fold_series


def _is_filled(value) -> bool:
    if value is None or isinstance(value, list | dict):
        return bool(value)
    return value == value and str(value).strip() != ""


def _filled_column(col: pd.Series) -> np.ndarray:
    values = col.to_numpy(dtype=object)
    return np.fromiter((_is_filled(v) for v in values), dtype=bool, count=len(values))


def row_kinds(frame: pd.DataFrame) -> pd.Series:
    """Why a row is not a contract ('' when it is one).

    Rows with an object, a CPV code or an amount are contracts unless their first filled cell says
    "Total"; only the other rows are inspected cell by cell (titles, blank lines), so that a national
    file costs a few vectorised passes.
    """
    kinds = np.full(len(frame), "", dtype=object)
    content_cols = [c for c in ("objet", "code_cpv", "montant") if c in frame.columns]
    filled = {c: _filled_column(frame[c]) for c in content_cols}
    has_content = np.zeros(len(frame), dtype=bool)
    for c in content_cols:
        has_content |= filled[c]
    first_cols = [c for c in frame.columns[:3] if frame[c].dtype == object]
    maybe_total = np.zeros(len(frame), dtype=bool)
    for c in first_cols:
        maybe_total |= frame[c].astype(str).str.contains(r"(?i)^\s*(?:sous[- ])?tota", na=False).to_numpy()
    for i in np.flatnonzero(~has_content | maybe_total):
        row = frame.iloc[i].to_numpy(dtype=object)
        filled = np.fromiter((_is_filled(v) for v in row), dtype=bool, count=len(row))
        if not filled.any():
            kinds[i] = "ligne vide"
        elif re.match(r"^(sous )?(total|totaux)\b", fold(row[int(np.argmax(filled))])):
            kinds[i] = "ligne de total"
        elif not has_content[i]:
            kinds[i] = "titre ou ligne sans objet, CPV ni montant"
    if "objet" in filled and "montant" in filled:
        others = [c for c in frame.columns if c != "objet"]
        alone = filled["objet"] & ~filled["montant"] & ~filled.get("code_cpv", np.zeros(len(frame), bool))
        # a heading is a rare row with a text and nothing else; when most rows look like that, the
        # file simply has no amounts (a list of objects): its rows are contracts
        if alone.sum() * 2 > len(frame):
            alone[:] = False
        for i in np.flatnonzero(alone & (kinds == "")):
            if not any(_is_filled(v) for v in frame.iloc[i][others].to_numpy(dtype=object)):
                kinds[i] = "titre ou intertitre"
    if "concession" in frame.columns:
        kinds[frame["concession"].astype(str).str.contains("oncession", na=False).to_numpy()] = (
            "contrat de concession"
        )
    return pd.Series(kinds, index=frame.index)


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
    has_id = table["id_contrat"].notna()
    key = (
        table["acheteur_id"].fillna("").astype(str)
        + "\x1f"
        + table["id_contrat"].fillna("").astype(str)
        + "\x1f"
        + object_keys(table["objet"])
    )
    key = key.where(has_id, "\x1e" + table.index.astype(str))
    repeated = key.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return table
    multi = table[repeated]
    groups = multi.groupby(key[repeated].to_numpy(), sort=False)
    merged = groups.first()
    merged["_first"] = (
        pd.Series(multi.index, index=key[repeated].to_numpy()).groupby(level=0, sort=False).first()
    )
    merged["titulaires"] = groups["titulaires"].agg(_merge_holders)
    merged["source_ligne"] = groups["source_ligne"].agg(list)
    merged["alertes"] = groups["alertes"].agg(lambda s: list(dict.fromkeys(a for al in s for a in al)))
    disagree = groups["montant"].nunique() > 1  # vectorised: amounts are listed only where they differ
    keys = key[repeated]
    differ = keys.isin(disagree.index[disagree]).to_numpy()
    spread = (
        multi[differ]
        .groupby(keys[differ].to_numpy(), sort=False)["montant"]
        .agg(lambda s: sorted(s.dropna().unique()))
    )
    for k, amounts in spread.items():
        shown = ", ".join(f"{a:,.0f}".replace(",", " ") for a in amounts)
        merged.at[k, "montant"] = float(amounts[-1])
        merged.at[k, "alertes"] = [
            *merged.at[k, "alertes"],
            f"montants différents selon les lignes du même marché ({shown}) : le plus grand retenu",
        ]
    _flag_verbatim(multi, key[repeated].to_numpy(), merged)
    merged = merged.set_index("_first")
    out = pd.concat([table[~repeated], merged[table.columns]]).sort_index().reset_index(drop=True)
    out["montant"] = out["montant"].astype("Float64")
    out["duree_mois"] = out["duree_mois"].astype("Float64")
    return out


_VERBATIM = ["titulaires", "montant", "date_notification", "duree_mois", "code_cpv", "procedure", "lieu_code"]


def _flag_verbatim(multi: pd.DataFrame, keys, merged: pd.DataFrame) -> None:
    """A row repeated verbatim (an export pasted twice) is counted once, and said so."""
    cells = multi[[c for c in _VERBATIM if c in multi.columns]].astype(str)
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


def _merge_holders(series: pd.Series) -> list[dict]:
    holders, seen = [], set()
    for hs in series:
        for h in hs:
            k = (h.get("id"), h.get("nom"))
            if k not in seen:
                seen.add(k)
                holders.append(h)
    return holders


def mark_duplicates(table: pd.DataFrame) -> None:
    """The same contract twice (same buyer, id, object and amount, e.g. on two platforms)."""
    if table.empty:
        return
    key = pd.DataFrame(
        {
            "a": table["acheteur_id"].fillna(""),
            "i": table["id_contrat"].fillna(""),
            "o": object_keys(table["objet"]),
            "m": table["montant"].astype(str),
        }
    )
    dup = key.duplicated(keep="first") & table["id_contrat"].notna()
    table["doublon"] = dup.to_numpy()
    note = "doublon d’un marché déjà lu (même acheteur, identifiant, objet et montant)"
    alerts = table["alertes"].tolist()
    for i in np.flatnonzero(dup.to_numpy()):
        alerts[i] = [*alerts[i], note]
    table["alertes"] = alerts
