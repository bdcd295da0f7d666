"""Many places of execution resolved at once: the commonest kind by one lookup, the others one by one."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .geo import COMMUNE, geography, place_type, resolve_place

_INSEE = r"\d{5}|2[AB]\d{3}"


class Places(NamedTuple):
    """Places resolved, field by field: one object array per field of :class:`Place` (None where unknown),
    and each place's alerts (a tuple, empty for most)."""

    lieu_code: np.ndarray
    lieu_type: np.ndarray
    commune_insee: np.ndarray
    departement: np.ndarray
    region: np.ndarray
    alertes: list[tuple[str, ...]]


PLACE_FIELDS = Places._fields[:-1]  # the fields of a place, its alerts aside


def resolve_places(codes: list, type_codes: list, names: list) -> Places:
    """:func:`resolve_place` of each (code, type, name) triple, as columns.

    A commune's INSEE code given as such ("73065", "Code commune"), most of the national DECP's places,
    is a commune whatever the name beside it: all of them by one lookup in the communes' table. Every
    other triple goes through :func:`resolve_place`.

    Examples
    --------
    >>> resolve_places(["73065", "73000"], ["Code commune", "Code postal"], ["", ""]).departement.tolist()
    ['73', '73']
    """
    geo = geography()
    n = len(codes)
    code = pd.Series(codes, dtype=object)
    kinds = {t: place_type(t) for t in dict.fromkeys(type_codes)}
    commune = np.fromiter((kinds[t] == COMMUNE for t in type_codes), dtype=bool, count=n)
    at = geo.communes.index.get_indexer(code.where(commune, None))
    found = np.flatnonzero(at >= 0)
    given = code.iloc[found]  # an INSEE code, and not one of INSEE's codes of foreign countries (abroad)
    found = found[given.str.fullmatch(_INSEE).to_numpy(bool) & ~given.str.startswith("99").to_numpy(bool)]
    columns = {name: np.full(n, None, dtype=object) for name in PLACE_FIELDS}
    alerts: list[tuple[str, ...]] = [()] * n
    rows = geo.communes.iloc[at[found]]
    columns["lieu_code"][found] = columns["commune_insee"][found] = code.to_numpy(dtype=object)[found]
    columns["lieu_type"][found] = COMMUNE
    columns["departement"][found] = rows["departement"].to_numpy(dtype=object)
    columns["region"][found] = rows["region"].to_numpy(dtype=object)
    other = np.ones(n, dtype=bool)
    other[found] = False
    for i in np.flatnonzero(other).tolist():
        place = resolve_place(codes[i], type_codes[i], names[i])
        for name in PLACE_FIELDS:
            columns[name][i] = getattr(place, name)
        alerts[i] = place.alertes
    return Places(**columns, alertes=alerts)
