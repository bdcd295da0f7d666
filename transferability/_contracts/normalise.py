"""From a file's raw cells to the contracts table: rows kept, every cell parsed, places resolved, holders grouped.

Each cell parser runs once per distinct value of its column; a missing cell (None, NaN, NaT, pd.NA) is a
value like any other, parsed as missing.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from itertools import compress

import numpy as np
import pandas as pd

from .._io import RawTable
from .._io import cells as _cells
from .._reference import geography, resolve_places
from .._utils import (
    DAYS_PER_MONTH,
    as_strings,
    clean_text,
    distinct_rows,
    fold,
    map_distinct,
    map_unless_clean,
    regex_found,
)
from .columns import CONTRACT_COLUMNS, TEXT_FIELDS
from .grouping import group_holders
from .headers import header_score
from .rows import row_kinds


def _key(value):
    """A hashable key standing for a cell: every kind of missing value is the same key, None."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value if isinstance(value, str | int | float | dt.date) else str(value)


def _objects(values) -> pd.Series:
    """A column of Python objects: from a list of texts pandas 3 would build an arrow string column, slow to
    build and to read back cell by cell, which every later stage does."""
    return pd.Series(values, dtype=object)


class _Cells:
    """The cells of the contract rows of one file, read field by field, and each row's alerts."""

    def __init__(self, frame: pd.DataFrame, alerts: list[list[str]]):
        self.frame = frame
        self.n = len(frame)
        self.alerts = alerts
        self._values: dict[str, np.ndarray] = {}

    def values(self, name: str) -> np.ndarray:
        """A field's cells as Python objects (read once: a text column's conversion is not free)."""
        if name not in self._values:
            self._values[name] = (
                self.frame[name].to_numpy(dtype=object)
                if name in self.frame.columns
                else np.full(self.n, None, dtype=object)
            )
        return self._values[name]

    def arrow(self, name: str) -> pd.Series | None:
        """A field's column when it holds arrow strings (a parquet file's text), else None."""
        column = self.frame[name] if name in self.frame.columns else None
        return column if column is not None and isinstance(column.dtype, pd.StringDtype) else None

    def distinct_key(self, name: str):
        """What tells a field's cells apart: a column of arrow strings itself (arrow compares them), else each
        cell's :func:`_key` (a list as its text)."""
        column = self.arrow(name)
        return column if column is not None else map_distinct(_key, self.values(name))

    def col(self, name: str) -> pd.Series:
        return pd.Series(self.values(name), dtype=object, copy=False)

    def add(self, found: list) -> None:
        """Each row's alert in ``found`` (None where there is none) added to the row's alerts."""
        for i in compress(range(len(found)), found):  # the rows with an alert, found in C
            self.alerts[i].append(found[i])

    def parsed(self, name: str, func) -> list:
        """``func`` of each cell of a field, computed once per distinct value (a missing cell as None); a
        column of arrow strings is told apart by arrow, without a Python string per cell."""
        column = self.arrow(name)
        if column is not None:
            return map_distinct(func, column).tolist()
        return map_distinct(lambda v: func(_key(v)), self.values(name)).tolist()

    def mapped(self, name: str, func, known=None) -> list:
        """The values a parser gives for a field; its alerts go to their rows. ``known``: for a column of
        arrow strings, a function of the column giving the cells whose value it knows without a word to
        say (a mask) and their values; the parser reads only the others."""
        column = self.arrow(name)
        if known is None or column is None:
            results = self.parsed(name, func)
            self.add([r[-1] for r in results])
            return [r[0] for r in results]
        done, values = known(column)
        other = np.flatnonzero(~done)
        results = map_distinct(func, column.iloc[other]).tolist() if len(other) else []
        values[other] = [r[0] for r in results]
        for i, r in zip(other.tolist(), results, strict=True):
            if r[-1]:
                self.alerts[i].append(r[-1])
        return values.tolist()


def normalise(
    frame: pd.DataFrame, raw: RawTable, filename: str, today: dt.date
) -> tuple[pd.DataFrame, Counter]:
    """The contracts table of one file's rows (canonical field names), and the rows set aside by kind."""
    frame, lines, kinds = _contract_rows(frame.reset_index(drop=True), raw)
    cells = _Cells(frame, [list(raw.alerts.get(ln, ())) for ln in lines])
    out = pd.DataFrame(index=range(cells.n))
    _texts(out, cells)
    _codes(out, cells)
    _amounts_and_dates(out, cells, today)
    _resolve_places(out, cells)
    out["titulaires"] = (
        list(cells.col("titulaires")) if "titulaires" in frame.columns else [[] for _ in range(cells.n)]
    )
    out["considerations_sociales"] = _socials(cells)
    out["doublon"] = False
    out["source_fichier"] = filename
    out["source_ligne"] = lines
    if "_absent_xsd" in frame.columns:
        cells.add(
            [
                "éléments XSD obligatoires absents : " + ", ".join(v) if v else None
                for v in frame["_absent_xsd"]
            ]
        )
    out["alertes"] = cells.alerts
    extra = [c for c in frame.columns if c.startswith("source_")]
    for c in extra:
        out[c] = frame[c].to_numpy()
    out = out[CONTRACT_COLUMNS + extra]
    for c in out.columns:  # Python strings for the grouping of holders' rows, as the other fields
        if isinstance(out[c].dtype, pd.StringDtype):
            out[c] = out[c].astype(object)
    if not raw.canonical:
        out = group_holders(out)
    # texts held by arrow from here on, as pandas holds them: written to parquet without a conversion
    return as_strings(out), kinds


def _contract_rows(frame: pd.DataFrame, raw: RawTable) -> tuple[pd.DataFrame, list, Counter]:
    """The rows that are contracts (not blank, title, total... rows), their source lines, the others by kind.

    A section heading's type (TRAVAUX, SERVICES, FOURNITURES) fills ``type_marche`` of the rows below it
    where the file gives none.
    """
    lines = list(raw.lines)
    kinds = Counter(raw.set_aside)
    if not raw.canonical and len(frame):
        kind, section = row_kinds(frame, header_score)
        kinds.update(kind[kind != ""].tolist())
        keep = (kind == "").to_numpy()
        if section.notna().any():
            given = (
                frame["type_marche"] if "type_marche" in frame.columns else pd.Series(None, index=frame.index)
            )
            frame = frame.assign(type_marche=given.where(given.map(_is_given), section))
        frame = frame[keep].reset_index(drop=True)
        lines = [ln for ln, k in zip(lines, keep, strict=True) if k]
    return frame, lines, kinds


def _is_given(value) -> bool:
    return value is not None and value == value and str(value).strip() != ""


_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


def _plain(value: object) -> str | None:
    """A text cell without the HTML some platforms leave in it (``<br />``, ``&amp;``)."""
    text = clean_text(value)
    if "<" in text and _TAG.search(text):
        text = clean_text(_TAG.sub(" ", text))
    if "&" in text and _ENTITY.search(text):
        text = clean_text(html.unescape(text))
    return text or None


def _texts(out: pd.DataFrame, cells: _Cells) -> None:
    for name in TEXT_FIELDS:
        out[name] = _objects(_plain_texts(cells, name))
    out["acheteur_id"] = _objects(cells.mapped("acheteur_id", _buyer_id, known=_sirets))
    for i in np.flatnonzero((out["objet"].isna() | out["objet"].eq("")).to_numpy()):
        cells.alerts[i].append("objet absent")


def _plain_texts(cells: _Cells, name: str) -> list:
    """:func:`_plain` of a text field's cells. In a column of arrow strings (parquet), the texts already
    plain (single spaces, no tag nor entity: :func:`clean_already`) are kept as they are, found by arrow,
    and only the others parsed, once per distinct value."""
    column = cells.arrow(name)
    if column is None:
        return cells.parsed(name, _plain)
    return map_unless_clean(lambda v: _plain(_key(v)), column, cells.values(name), also="<&").tolist()


def _sirets(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The buyer ids already written as a SIRET, which :func:`_buyer_id` leaves as they are (found by
    arrow), and every cell as a Python object."""
    return regex_found(column, "^[0-9]{14}$"), column.to_numpy(dtype=object)


def _known_amounts(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The amounts written as plain numbers that :func:`parse_amount` reads without a word to say."""
    numbers = _cells.plain_amounts(column)
    done = ~np.isnan(numbers)
    values = np.full(len(column), None, dtype=object)
    values[done] = numbers[done].tolist()
    return done, values


def _buyer_id(value) -> tuple[str | None, str | None]:
    """A buyer's id without its spaces, and the alert when it is not a SIRET."""
    text = re.sub(r"\s+", "", clean_text(value)) or None
    if text is None or re.fullmatch(r"\d{14}", text):
        return text, None
    return text, f"identifiant acheteur non SIRET (« {text} »)"


def _codes(out: pd.DataFrame, cells: _Cells) -> None:
    """CPV code and label, nature, procedure and its category, type of contract."""
    cpv = cells.mapped("code_cpv", _cells.parse_cpv)
    out["code_cpv"] = _objects(cpv)
    labels = _cells.cpv_table()
    out["libelle_cpv"] = _objects([labels[c][1] if c in labels else None for c in cpv])
    natures = cells.parsed("nature", _cells.parse_nature)
    as_type = [
        _cells.parse_type(n, None) if n and n not in _cells.NATURES.values() else None for n in natures
    ]
    # "Nature : Travaux": many buyers call the type of contract its nature
    out["nature"] = _objects([None if t else n for n, t in zip(natures, as_type, strict=True)])
    procedures = cells.parsed("procedure", _cells.parse_procedure)  # (official, category, alert)
    out["procedure"] = _objects([p[0] for p in procedures])
    out["categorie_procedure"] = _objects([p[1] for p in procedures])
    cells.add([p[2] for p in procedures])
    # once per distinct (type given, CPV, type read in the nature)
    given = pd.DataFrame({"t": cells.distinct_key("type_marche"), "c": _objects(cpv), "n": _objects(as_type)})
    rows, first = distinct_rows(given)
    triples = zip(
        cells.values("type_marche")[first], given["c"].iloc[first], given["n"].iloc[first], strict=True
    )
    types = np.empty(len(first), dtype=object)
    types[:] = [_cells.parse_type(t, c) if _is_given(t) or not n else n for t, c, n in triples]
    out["type_marche"] = _objects(types[rows])


def _amounts_and_dates(out: pd.DataFrame, cells: _Cells, today: dt.date) -> None:
    n = cells.n
    amounts = cells.mapped("montant", _cells.parse_amount, known=_known_amounts)
    out["montant"] = pd.array(amounts, dtype="Float64") if n else pd.array([], dtype="Float64")
    taxed = cells.col("montant_nature").astype(str).str.startswith("TTC").to_numpy() if n else []
    cells.add(["montant TTC : le fichier ne donne aucun montant HT" if t else None for t in taxed])
    given = (
        cells.col("montant_nature") if "montant_nature" in cells.frame.columns else pd.Series(["notifié"] * n)
    )
    out["montant_nature"] = _objects(
        [
            None
            if m is None
            else (
                "maximum (accord-cadre)"
                if nat == "Accord-cadre" and k in ("notifié", "initial", None)
                else (k or "notifié")
            )
            for m, nat, k in zip(amounts, out["nature"], given, strict=True)
        ]
    )
    durations = cells.mapped("duree_mois", _cells.parse_duration)
    dates = cells.mapped("date_notification", lambda v: _cells.parse_date(v, today))
    _durations_from_end_dates(durations, dates, cells)
    if "date_fin" in cells.frame.columns:
        _durations_from_start_and_end(durations, dates, cells)
    out["duree_mois"] = pd.array(durations, dtype="Float64") if n else pd.array([], dtype="Float64")
    out["date_notification"] = pd.to_datetime(pd.Series(dates, dtype=object), errors="coerce")
    months = pd.to_numeric(out["duree_mois"], errors="coerce").astype(float)
    out["date_fin_estimee"] = out["date_notification"] + pd.to_timedelta(months * DAYS_PER_MONTH, unit="D")
    out["date_fin_estimee"] = out["date_fin_estimee"].dt.normalize()


def _durations_from_end_dates(durations: list, dates: list, cells: _Cells) -> None:
    """A duration given as an end date ("jusqu'au 31/12/2025") becomes the months from the notification."""
    ends = cells.parsed("duree_mois", _cells.parse_end_date)
    for i, (months, end) in enumerate(zip(durations, ends, strict=True)):
        if months is not None or end is None:
            continue
        cells.alerts[i] = [a for a in cells.alerts[i] if not a.startswith("durée donnée par une date de fin")]
        if dates[i] is not None and end > dates[i]:
            durations[i] = round((end - dates[i]).days / DAYS_PER_MONTH, 2)
            shown = f"{durations[i]:.1f}".replace(".", ",")
            cells.alerts[i].append(f"durée déduite de la date de fin ({end:%d/%m/%Y}) : {shown} mois")
        else:
            cells.alerts[i].append(
                f"date de fin ({end:%d/%m/%Y}) sans date de notification antérieure : durée inconnue"
            )


def _durations_from_start_and_end(durations: list, dates: list, cells: _Cells) -> None:
    """Start and end dates without a duration (columns « Date de début », « Date de fin »): the months between."""
    far = dt.date(2100, 1, 1)
    starts = cells.parsed("date_debut", lambda v: _cells.parse_date(v, far)[0])
    ends = cells.parsed("date_fin", lambda v: _cells.parse_date(v, far)[0])
    for i, (months, start, end) in enumerate(zip(durations, starts, ends, strict=True)):
        start = start or dates[i]
        if months is None and start and end and end > start:
            durations[i] = round((end - start).days / DAYS_PER_MONTH, 2)
            shown = f"{durations[i]:.1f}".replace(".", ",")
            cells.alerts[i].append(f"durée déduite des dates de début et de fin : {shown} mois")


def _socials(cells: _Cells) -> list[list[str]]:
    """The social considerations of each row (a new list each: they are lists a later stage may extend)."""
    if "considerations_sociales" not in cells.frame.columns:
        return [[] for _ in range(cells.n)]
    values = cells.col("considerations_sociales").tolist()
    if any(isinstance(v, list) for v in values):
        return [_social(v) for v in values]
    read = cells.parsed("considerations_sociales", _social)
    return [list(r) for r in read]


def _social(value) -> list[str]:
    if isinstance(value, list):
        return [v for v in value if v and v != "Pas de considération sociale"]
    text = clean_text(value)
    return [text] if text and fold(text) not in ("pas de consideration sociale", "non", "sans objet") else []


def _resolve_places(out: pd.DataFrame, cells: _Cells) -> None:
    """Resolve places once per distinct (code, type, name); then fill gaps with the buyer's department."""
    fields = ("lieu_code", "lieu_type", "lieu_nom")
    keys = {f: cells.distinct_key(f) for f in fields}
    rows, first = distinct_rows(pd.DataFrame(keys))
    raw = [keys[f].iloc[first] if isinstance(keys[f], pd.Series) else cells.values(f)[first] for f in fields]
    places = resolve_places(*(_cleaned(column) for column in raw))
    for column in ("lieu_code", "lieu_type", "commune_insee", "departement", "region"):
        out[column] = _objects(getattr(places, column)[rows])
    said = np.fromiter(map(bool, places.alertes), dtype=bool, count=len(places.alertes))
    for i in np.flatnonzero(said[rows]):
        cells.alerts[i].extend(places.alertes[rows[i]])
    abroad = (
        out["lieu_type"].eq("pays").to_numpy() & ~out["lieu_code"].isin(["FR", "FRA", "FRANCE"]).to_numpy()
    )
    missing = out["departement"].isna().to_numpy() & ~abroad  # a place abroad stays abroad
    if missing.any():
        _buyer_department(out, cells, missing)


def _cleaned(values) -> list[str]:
    """:func:`clean_text` of each value; in a column of arrow strings, the texts already clean (found by
    arrow) are kept as they are."""
    if isinstance(values, pd.Series):  # arrow strings (see _Cells.distinct_key)
        return map_unless_clean(clean_text, values).tolist()
    return [clean_text(v) for v in values]


def _buyer_department(out: pd.DataFrame, cells: _Cells, missing: np.ndarray) -> None:
    """The buyer's department where the place is unknown: given by the file, else the usual department of
    its other contracts."""
    geo = geography()
    explicit = pd.Series(
        cells.parsed("acheteur_departement", lambda v: geo.normalise_department(clean_text(v))),
        index=out.index,
        dtype=object,
    )
    located = out.loc[~missing, ["acheteur_id", "departement"]].dropna()
    counts = located.value_counts().reset_index(name="n")
    usual = counts.sort_values(["n", "departement"], ascending=[False, True], kind="stable").drop_duplicates(
        "acheteur_id"
    )
    usual = dict(zip(usual["acheteur_id"], usual["departement"], strict=True))
    fallback = explicit.where(explicit.notna(), out["acheteur_id"].map(usual))
    for i in np.flatnonzero(missing):
        dep = fallback.iat[i]
        if isinstance(dep, str):
            cells.alerts[i].append(
                f"lieu d’exécution absent ou inconnu : département de l’acheteur ({dep}) retenu"
            )
        elif out["region"].iat[i] is None:
            cells.alerts[i].append("lieu d’exécution inconnu")
    fill = missing & fallback.map(lambda d: isinstance(d, str)).to_numpy()
    out.loc[fill, "departement"] = fallback[fill]
    out.loc[fill, "region"] = fallback[fill].map(geo.region_of_department)
    out.loc[fill, "lieu_type"] = "département de l’acheteur"
