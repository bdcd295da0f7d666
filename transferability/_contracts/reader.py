"""``read_contracts``: every contract file a buyer or the DECP produces → one canonical table.

The canonical table has one row per contract, French column names (:data:`CONTRACT_COLUMNS`),
typed values, and the list of data-quality warnings of each row in ``alertes``. Rows that are
not contracts (concessions, blank lines, headings, totals) are counted by kind in the reading
report (``table.attrs["lecture"]``); every source line is kept in ``source_ligne``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import InputError, Problem, read_each
from .._io import (
    RawTable,
    check_not_binary,
    detect_format,
    file_head,
    read_table,
    reading_report,
    source_column,
)
from .._io import cells as _cells
from .._reference import resolve_place
from .._utils import clean_text, fold
from .._utils import clock as _clock
from .decp import read_json_table, read_xml_table
from .headers import ColumnMatch, header_rule, match_headers
from .rows import group_holders, mark_duplicates, row_kinds

__all__ = ["CONTRACT_COLUMNS", "read_contracts"]

CONTRACT_COLUMNS = [
    "id_contrat",
    "acheteur_id",
    "acheteur_nom",
    "direction",
    "objet",
    "lot",
    "code_cpv",
    "libelle_cpv",
    "type_marche",
    "nature",
    "procedure",
    "categorie_procedure",
    "montant",
    "montant_nature",
    "duree_mois",
    "date_notification",
    "date_fin_estimee",
    "lieu_code",
    "lieu_type",
    "commune_insee",
    "departement",
    "region",
    "titulaires",
    "considerations_sociales",
    "doublon",
    "source_fichier",
    "source_ligne",
    "alertes",
]
_TEXT_FIELDS = ("id_contrat", "acheteur_nom", "direction", "objet", "lot")
FORMATS = ("csv", "xlsx", "json", "xml", "parquet")


def read_contracts(
    source: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    format: str | None = None,
    sheet: str | None = None,
    columns: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Read contract files into the canonical contract table.

    Parameters
    ----------
    source : path or list of paths
        A buyer's export (``.csv``, ``.xlsx``), a DECP file (JSON 2019 or 2022, XML 2022),
        or the national consolidated table (CSV or parquet). Several files are read into one
        table; the same contract published twice is marked in ``doublon``.
    format : {"csv", "xlsx", "json", "xml", "parquet"}, optional
        Forces the format instead of detecting it from the content.
    sheet : str, optional
        Sheet of a workbook; by default the first visible sheet with recognisable headers.
    columns : dict, optional
        Canonical field → source header, overriding the guess (e.g. ``{"objet": "Libellé"}``).
    today : date, optional
        Dates after it are flagged as in the future (default: today).

    Returns
    -------
    DataFrame
        One row per contract with :data:`CONTRACT_COLUMNS`, then the source file's unrecognised
        columns prefixed ``source_``. ``attrs["lecture"]`` holds the reading report of each file.

    Raises
    ------
    InputError
        Listing every problem at once: missing or empty file, unknown format, wrong sheet,
        no object nor CPV column.

    Examples
    --------
    >>> from transferability import load_sample_contracts_path
    >>> table = read_contracts(load_sample_contracts_path())
    >>> table[["objet", "montant", "categorie_procedure"]].head(2)  # doctest: +SKIP
    >>> table.attrs["lecture"][0]["format"]
    'CSV'
    """
    paths = [source] if isinstance(source, str | os.PathLike) else list(source)
    if format is not None and format not in FORMATS:
        raise InputError(
            Problem(
                "format inconnu", "paramètre format", f"« {format} »", "choisir parmi " + ", ".join(FORMATS)
            )
        )
    today = today or _clock.today()
    tables, reports = read_each(paths, lambda p: _read_file(Path(p), format, sheet, columns, today))
    result = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    mark_duplicates(result)
    result.attrs["lecture"] = reports
    return result


def _read_file(path: Path, fmt, sheet, forced, today) -> tuple[pd.DataFrame, dict]:
    where = str(path)
    fmt = fmt or detect_format(path, file_head(path))
    if fmt in ("json", "xml"):
        check_not_binary(file_head(path), where)
        raw = {"json": read_json_table, "xml": read_xml_table}[fmt](path.read_bytes(), where)
    else:
        raw = read_table(path, where, header_rule(forced), sheet, fmt)
    if sheet is not None and fmt != "xlsx":
        raw.notes.append(f"paramètre sheet ignoré (fichier {raw.format})")
    frame, matches = (raw.frame, {}) if raw.canonical else canonical_fields(raw, where, forced)
    table, kinds = normalise(frame, raw, path.name, today)
    if table.empty and set(kinds) <= {"ligne vide"}:
        raise InputError(
            Problem(
                "aucun marché dans le fichier",
                where,
                f"en-tête ligne {raw.header_line}, "
                + (f"puis {kinds['ligne vide']} ligne(s) vide(s)" if kinds else "aucune ligne en dessous")
                if raw.header_line
                else "aucun enregistrement",
                "vérifier l’export (filtre actif, mauvaise feuille, extraction interrompue ?)",
            )
        )
    report = _reading_report(path, raw, matches, table, kinds)
    return table, report


# -- tabular files: recognise columns, keep the rest --------------------------------------------
def canonical_fields(raw: RawTable, where: str, forced: dict[str, str] | None) -> tuple[pd.DataFrame, dict]:
    src = raw.frame
    if forced:
        unknown = [f"{f} → « {h} »" for f, h in forced.items() if h not in src.columns]
        if unknown:
            raise InputError(
                Problem(
                    "colonne imposée absente du fichier",
                    where,
                    "; ".join(unknown),
                    "colonnes disponibles : " + ", ".join(map(str, src.columns))[:400],
                )
            )
    matches = match_headers(list(src.columns), forced)
    out = pd.DataFrame(index=src.index)
    amounts: list[ColumnMatch] = []
    holder_ids, holder_names = [], []
    used = set()
    for col, m in zip(src.columns, matches, strict=True):
        if m is None:
            continue
        used.add(col)
        if m.field == "montant":
            amounts.append(m)
        elif m.field == "titulaire_id":
            holder_ids.append(col)
        elif m.field == "titulaire_nom":
            holder_names.append(col)
        else:
            out[m.field] = src[col]
    if not {"objet", "code_cpv"} & set(out.columns):
        raise InputError(
            Problem(
                "ni colonne d’objet ni colonne de code CPV",
                where,
                "colonnes : " + ", ".join(map(str, src.columns))[:400],
                "renommer la colonne d’objet en « Objet », ou passer columns={'objet': '…'}",
            )
        )
    _coalesce_amounts(src, amounts, out)
    out["titulaires"] = _holders(src, holder_ids, holder_names)
    for col in src.columns:
        if col not in used:
            out[source_column(col, out.columns)] = src[col]
    return out, {str(c): m for c, m in zip(src.columns, matches, strict=True)}


def _coalesce_amounts(src: pd.DataFrame, amounts: list[ColumnMatch], out: pd.DataFrame) -> None:
    """Each row takes the first non-empty amount column in priority order."""
    out["montant"] = None
    out["montant_nature"] = None
    for m in sorted(amounts, key=lambda m: m.priority):
        values = src[m.header]
        empty = values.isna() | (values.astype(str).str.strip() == "")
        take = out["montant"].isna() & ~empty
        out.loc[take, "montant"] = values[take]
        out.loc[take, "montant_nature"] = m.montant_nature


def _holders(src: pd.DataFrame, id_cols: list[str], name_cols: list[str]) -> list[list[dict]]:
    n = max(len(id_cols), len(name_cols))
    if n == 0:
        return [[] for _ in range(len(src))]
    ids = [src[c].tolist() for c in id_cols] + [[None] * len(src)] * (n - len(id_cols))
    names = [src[c].tolist() for c in name_cols] + [[None] * len(src)] * (n - len(name_cols))
    out = []
    for r in range(len(src)):
        holders = []
        for k in range(n):
            hid, hname = _unlist(ids[k][r]), _unlist(names[k][r])
            if hid or hname:
                holders.append({"id": hid.replace(" ", ""), "nom": hname})
        out.append(holders)
    return out


def _unlist(value) -> str:
    """ "['57172266900264']" (a list flattened to text) → "57172266900264"."""
    text = clean_text(value)
    return re.sub(r"^\[\s*'?|'?\s*\]$", "", text)


# -- normalising --------------------------------------------------------------------------------
def _parsed(series: pd.Series, func) -> list[tuple]:
    """A cell parser's result for each cell, computed once per distinct value."""
    keys = series.map(lambda v: v if isinstance(v, str | int | float | dt.date | type(None)) else str(v))
    table = {k: func(k) for k in pd.unique(keys.astype(object))}
    return [table[k] for k in keys]


def _mapped(series: pd.Series, func) -> tuple[list, list]:
    """Apply a cell parser once per distinct value; returns values and alerts."""
    results = _parsed(series, func)
    return [r[0] for r in results], [r[-1] for r in results]


def normalise(
    frame: pd.DataFrame, raw: RawTable, filename: str, today: dt.date
) -> tuple[pd.DataFrame, Counter]:
    frame = frame.reset_index(drop=True)
    lines = list(raw.lines)
    kinds = Counter(raw.set_aside)
    if not raw.canonical and len(frame):
        kind = row_kinds(frame)
        kinds.update(kind[kind != ""].tolist())
        keep = (kind == "").to_numpy()
        frame = frame[keep].reset_index(drop=True)
        lines = [ln for ln, k in zip(lines, keep, strict=True) if k]
    n = len(frame)
    alerts: list[list[str]] = [list(raw.alerts.get(ln, ())) for ln in lines]

    def col(name):
        if name in frame.columns:
            return pd.Series(frame[name].to_numpy(dtype=object), dtype=object)
        return pd.Series([None] * n, dtype=object)

    def add(found):
        for i, a in enumerate(found):
            if a:
                alerts[i].append(a)

    out = pd.DataFrame(index=range(n))
    for name in _TEXT_FIELDS:
        out[name] = [clean_text(v) or None for v in col(name)]
    out["acheteur_id"] = [re.sub(r"\s+", "", clean_text(v)) or None for v in col("acheteur_id")]
    add(
        [
            None
            if not isinstance(v, str) or re.fullmatch(r"\d{14}", v)
            else f"identifiant acheteur non SIRET (« {v} »)"
            for v in out["acheteur_id"]
        ]
    )
    add(["objet absent" if not isinstance(v, str) or not v else None for v in out["objet"]])
    cpv, a = _mapped(col("code_cpv"), _cells.parse_cpv)
    add(a)
    out["code_cpv"] = cpv
    labels = _cells.cpv_table()
    out["libelle_cpv"] = [labels[c][1] if c in labels else None for c in cpv]
    out["nature"] = [_cells.parse_nature(v) for v in col("nature")]
    procedures = _parsed(col("procedure"), _cells.parse_procedure)  # (official, category, alert)
    out["procedure"] = [p[0] for p in procedures]
    out["categorie_procedure"] = [p[1] for p in procedures]
    add([p[2] for p in procedures])
    out["type_marche"] = [_cells.parse_type(t, c) for t, c in zip(col("type_marche"), cpv, strict=True)]
    amounts, a = _mapped(col("montant"), _cells.parse_amount)
    add(a)
    out["montant"] = pd.array(amounts, dtype="Float64") if n else pd.array([], dtype="Float64")
    nature_amount = col("montant_nature") if "montant_nature" in frame.columns else pd.Series(["notifié"] * n)
    out["montant_nature"] = [
        None
        if m is None
        else (
            "maximum (accord-cadre)"
            if nat == "Accord-cadre" and k in ("notifié", "initial", None)
            else (k or "notifié")
        )
        for m, nat, k in zip(amounts, out["nature"], nature_amount, strict=True)
    ]
    durations, a = _mapped(col("duree_mois"), _cells.parse_duration)
    add(a)
    out["duree_mois"] = pd.array(durations, dtype="Float64") if n else pd.array([], dtype="Float64")
    dates, a = _mapped(col("date_notification"), lambda v: _cells.parse_date(v, today))
    add(a)
    out["date_notification"] = pd.to_datetime(pd.Series(dates, dtype=object), errors="coerce")
    months = pd.to_numeric(out["duree_mois"], errors="coerce").astype(float)
    out["date_fin_estimee"] = out["date_notification"] + pd.to_timedelta(months * 30.4375, unit="D")
    out["date_fin_estimee"] = out["date_fin_estimee"].dt.normalize()
    _resolve_places(
        out, col("lieu_code"), col("lieu_type"), col("lieu_nom"), col("acheteur_departement"), alerts
    )
    out["titulaires"] = list(col("titulaires")) if "titulaires" in frame.columns else [[] for _ in range(n)]
    out["considerations_sociales"] = [_social(v) for v in col("considerations_sociales")]
    out["doublon"] = False
    out["source_fichier"] = filename
    out["source_ligne"] = lines
    if "_absent_xsd" in frame.columns:
        add(
            [
                "éléments XSD obligatoires absents : " + ", ".join(v) if v else None
                for v in frame["_absent_xsd"]
            ]
        )
    out["alertes"] = alerts
    extra = [c for c in frame.columns if c.startswith("source_")]
    for c in extra:
        out[c] = frame[c].to_numpy()
    out = out[CONTRACT_COLUMNS + extra]
    for c in out.columns:  # plain Python strings: the later per-row passes are much faster on them
        if isinstance(out[c].dtype, pd.StringDtype):
            out[c] = out[c].astype(object)
    if not raw.canonical:
        out = group_holders(out)
    return out, kinds


def _social(value) -> list[str]:
    if isinstance(value, list):
        return [v for v in value if v and v != "Pas de considération sociale"]
    text = clean_text(value)
    return [text] if text and fold(text) not in ("pas de consideration sociale", "non", "sans objet") else []


def _resolve_places(out, codes, types, names, buyer_deps, alerts) -> None:
    """Resolve places once per distinct (code, type, name); then fill gaps with the buyer's department."""
    cache: dict = {}
    places = []
    for code, kind, name in zip(codes, types, names, strict=True):
        key = (clean_text(code), clean_text(kind), clean_text(name))
        if key not in cache:
            cache[key] = resolve_place(*key)
        places.append(cache[key])
    out["lieu_code"] = [p.lieu_code for p in places]
    out["lieu_type"] = [p.lieu_type for p in places]
    out["commune_insee"] = [p.commune_insee for p in places]
    out["departement"] = [p.departement for p in places]
    out["region"] = [p.region for p in places]
    for i, p in enumerate(places):
        alerts[i].extend(p.alertes)
    # The buyer's department: given by the file, else the usual department of its other contracts.
    from .._reference import geography

    geo = geography()
    missing = out["departement"].isna().to_numpy()
    if not missing.any():
        return
    explicit = pd.Series(
        [geo.normalise_department(clean_text(v)) for v in buyer_deps], index=out.index, dtype=object
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
            alerts[i].append(f"lieu d’exécution absent ou inconnu : département de l’acheteur ({dep}) retenu")
        elif out["region"].iat[i] is None:
            alerts[i].append("lieu d’exécution inconnu")
    fill = missing & fallback.map(lambda d: isinstance(d, str)).to_numpy()
    out.loc[fill, "departement"] = fallback[fill]
    out.loc[fill, "region"] = fallback[fill].map(geo.region_of_department)
    out.loc[fill, "lieu_type"] = "département de l’acheteur"


def _reading_report(path: Path, raw: RawTable, matches: dict, table: pd.DataFrame, kinds: Counter) -> dict:
    recognised = {h: f"{m.field} ({m.how})" for h, m in matches.items() if m}
    unrecognised = [h for h, m in matches.items() if m is None]
    report = reading_report(path, raw, recognised, unrecognised, table, kinds)
    report["format"] = raw.format
    report["contrats"] = len(table)
    report["contrats_avec_alertes"] = int(sum(bool(a) for a in table["alertes"]))
    return report
