"""``read_contracts``: every contract file a buyer or the DECP produces → one canonical table.

The canonical table has one row per contract, French column names (:data:`CONTRACT_COLUMNS`),
typed values, and the list of data-quality warnings of each row in ``alertes``. Rows that are
not contracts (concessions, blank lines, headings, totals) are counted by kind in the reading
report (``table.attrs["lecture"]``); every source line is kept in ``source_ligne``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
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
    gunzipped,
    read_table,
    reading_report,
    source_column,
)
from .._utils import clock as _clock
from .._utils import collector_paused, fold
from .columns import CONTRACT_COLUMNS
from .decp import read_json_table, read_xml_table
from .grouping import mark_duplicates
from .headers import FIELDS, ColumnMatch, header_rule, holder_postal_code, match_header, match_headers
from .normalise import normalise
from .rows import holder_lists

__all__ = ["CONTRACT_COLUMNS", "read_contracts"]

FORMATS = ("csv", "xlsx", "json", "xml", "parquet")


def read_contracts(
    source: str | os.PathLike | Sequence[str | os.PathLike] | pd.DataFrame,
    *,
    format: str | None = None,
    sheet: str | None = None,
    columns: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Read contract files into the canonical contract table.

    Parameters
    ----------
    source : path, list of paths, or DataFrame
        A buyer's export (``.csv``, ``.xlsx``), a DECP file (JSON 2019 or 2022, XML 2022, JSON Lines),
        or the national consolidated table (CSV or parquet). Several files are read into one
        table; the same contract published twice is marked in ``doublon``. A DataFrame is read like
        a file whose header row is its column names (a table already read is returned as it is).
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
    format = format.lower() if isinstance(format, str) else format
    _check_arguments(source, format, columns)
    today = today or _clock.today()
    if _already_read(source):
        return source.copy()
    tables, reports = _read_sources(source, format, sheet, columns, today)
    result = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    mark_duplicates(result)
    result.attrs["lecture"] = reports
    return result


def _already_read(source) -> bool:
    """A canonical table that :func:`read_contracts` returned (with its reading report)."""
    return (
        isinstance(source, pd.DataFrame)
        and set(CONTRACT_COLUMNS) <= set(source.columns)
        and bool(source.attrs.get("lecture"))
    )


def _read_sources(source, fmt, sheet, columns, today) -> tuple[list[pd.DataFrame], list[dict]]:
    """Each file (or the DataFrame) read, and its reading report; every file's problems said at once."""
    if isinstance(source, pd.DataFrame):
        return read_each([source], lambda f: _read_frame(f, columns, today))
    paths = [source] if isinstance(source, str | os.PathLike) else list(source)
    names = display_names(paths)
    return read_each(paths, lambda p: _read_file(Path(p), fmt, sheet, columns, today, names[str(p)]))


def _check_arguments(source, fmt, columns) -> None:
    """The arguments of read_contracts, checked at the door: every problem listed at once."""
    problems = []
    is_paths = isinstance(source, list | tuple) and all(isinstance(p, str | os.PathLike) for p in source)
    if not isinstance(source, str | os.PathLike | pd.DataFrame) and not is_paths:
        problems.append(
            Problem(
                "source de marchés illisible",
                "read_contracts",
                f"un objet de type {type(source).__name__}",
                "donner un chemin de fichier, une liste de chemins ou un DataFrame",
            )
        )
    if is_paths and not source:
        problems.append(
            Problem("aucun fichier de marchés", "read_contracts", "une liste vide", "donner un fichier")
        )
    if fmt is not None and fmt not in FORMATS:
        problems.append(
            Problem("format inconnu", "paramètre format", f"« {fmt} »", "choisir parmi " + ", ".join(FORMATS))
        )
    unknown = sorted(set(columns or {}) - set(FIELDS))
    if unknown:
        problems.append(
            Problem(
                "champ inconnu dans columns",
                "paramètre columns",
                ", ".join(f"« {f} »" for f in unknown),
                "choisir parmi : " + ", ".join(FIELDS),
            )
        )
    if problems:
        raise InputError(problems)


def _read_frame(frame: pd.DataFrame, forced, today) -> tuple[pd.DataFrame, dict]:
    """A DataFrame read like a file whose header row holds its column names."""
    where = "DataFrame"
    raw = RawTable.from_frame(frame)
    fields, matches = canonical_fields(raw, where, forced)
    table, kinds = normalise(fields, raw, where, today)
    return table, _reading_report(Path(where), raw, matches, table, kinds)


def display_names(paths) -> dict[str, str]:
    """The name ``source_fichier`` shows for each file: its name, or its path from the files' common folder
    when two files have the same name ("direction_a/marches.csv", "direction_b/marches.csv").

    Examples
    --------
    >>> display_names(["a/marches.csv", "b/marches.csv", "b/autres.csv"])
    {'a/marches.csv': 'a/marches.csv', 'b/marches.csv': 'b/marches.csv', 'b/autres.csv': 'autres.csv'}
    """
    paths = [str(p) for p in paths]
    names = [Path(p).name for p in paths]
    repeated = {n for n in names if names.count(n) > 1}
    if not repeated:
        return dict(zip(paths, names, strict=True))
    resolved = [Path(p).resolve() for p in paths]
    common = Path(os.path.commonpath([str(r.parent) for r in resolved]))
    return {
        p: (str(r.relative_to(common)) if n in repeated else n)
        for p, r, n in zip(paths, resolved, names, strict=True)
    }


_DOCUMENTS = {
    ".md": "document Markdown",
    ".pdf": "document PDF",
    ".doc": "document Word",
    ".docx": "document Word",
    ".odt": "document OpenDocument",
    ".html": "page web",
    ".htm": "page web",
    ".ppt": "présentation",
    ".pptx": "présentation",
}


def _refuse_documents(path: Path, where: str) -> None:
    """Files whose name says they are documents, not tables of contracts."""
    kind = _DOCUMENTS.get(path.suffix.lower())
    if kind:
        raise InputError(
            Problem(
                f"pas un fichier de marchés ({kind})",
                where,
                f"extension {path.suffix}",
                "donner l’export des marchés (CSV, xlsx, DECP JSON ou XML, parquet)",
            )
        )
    if path.suffix.lower() == ".ods":
        raise InputError(
            Problem(
                "classeur OpenDocument (.ods)",
                where,
                "",
                "l’enregistrer en .xlsx ou en CSV depuis LibreOffice",
            )
        )


def _raw_table(path: Path, where: str, fmt: str, sheet, forced) -> RawTable:
    """The raw rows of one file of a known format (DECP JSON or XML, or a table whose header is found)."""
    if fmt in ("json", "xml"):
        check_not_binary(file_head(path), where)
        return {"json": read_json_table, "xml": read_xml_table}[fmt](path.read_bytes(), where)
    return read_table(path, where, header_rule(forced), sheet, fmt)


def _read_file(path: Path, fmt, sheet, forced, today, name: str) -> tuple[pd.DataFrame, dict]:
    where = str(path)
    _refuse_documents(path, where)
    compressed = file_head(path).startswith(b"\x1f\x8b")
    if compressed:  # decp.json.gz: read what it holds, from a copy removed once read
        path = gunzipped(path, where)
    try:
        if compressed and path.stat().st_size == 0:  # said of the user's file, not of the copy
            raise InputError(Problem("fichier vide", where, "archive gzip sans contenu", "vérifier l’export"))
        fmt = fmt or detect_format(path, file_head(path))
        raw = _raw_table(path, where, fmt, sheet, forced)
    finally:
        if compressed:
            shutil.rmtree(path.parent, ignore_errors=True)
    if sheet is not None and fmt != "xlsx":
        raw.notes.append(f"paramètre sheet ignoré (fichier {raw.format})")
    if compressed:
        raw.notes.append("archive gzip décompressée")
    with collector_paused():  # millions of small objects without cycles (see collector_paused)
        frame, matches = (raw.frame, {}) if raw.canonical else canonical_fields(raw, where, forced)
        table, kinds = normalise(frame, raw, name, today)
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
    matches = _with_groups(match_headers(list(src.columns), forced), raw, src.columns)
    holder_postal = holder_postal_code(matches) if not (forced and "lieu_nom" in forced) else None
    if holder_postal is not None:
        matches = [None if m is holder_postal else m for m in matches]
        raw.notes.append(
            f"colonne « {holder_postal.header} » lue comme le code postal du titulaire (liste des marchés conclus), "
            "pas comme le lieu d’exécution"
        )
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
        elif m.field == "duree_mois":
            out[m.field] = _with_unit(src[col], m.header)
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
    out["titulaires"] = holder_lists(src, holder_ids, holder_names)
    for col in src.columns:
        if col not in used:
            out[source_column(col, out.columns)] = src[col]
    return out, {str(c): m for c, m in zip(src.columns, matches, strict=True)}


_UNITS = (("jour", "jours"), ("semaine", "semaines"), ("annee", "ans"), ("ans", "ans"))


def _with_unit(values: pd.Series, header: str) -> pd.Series:
    """Durations whose header gives the unit ("Durée (jours)"): each bare number gets that unit."""
    key = fold(header)
    unit = next((u for word, u in _UNITS if any(token.startswith(word) for token in key.split()[1:])), None)
    if unit is None:
        return values
    bare = values.map(
        lambda v: (
            isinstance(v, int | float)
            and v == v
            or (isinstance(v, str) and v.strip().replace(",", ".").replace(".", "", 1).isdigit())
        )
    )
    return values.where(~bare, values.astype(str) + " " + unit)


def _with_groups(matches: list, raw: RawTable, columns) -> list:
    """A header the row above completes ("HT" under a merged "Montant"): named with its group's label."""
    if not raw.groups:
        return matches
    taken = {m.field for m in matches if m and m.field not in ("montant", "titulaire_id", "titulaire_nom")}
    out = []
    for column, m in zip(columns, matches, strict=True):
        group = raw.groups.get(column)
        if m is None and group:
            m = match_header(f"{group} {column}")
            if m is not None and m.field in taken:
                m = None
            if m is not None:
                m = dataclasses.replace(m, header=str(column), how=f"{m.how}, avec « {group} » au-dessus")
                taken.add(m.field)
        out.append(m)
    return out


def _coalesce_amounts(src: pd.DataFrame, amounts: list[ColumnMatch], out: pd.DataFrame) -> None:
    """Each row takes the first non-empty amount column in priority order."""
    if len(amounts) == 1:  # the column itself, its type kept (arrow strings: parsed by arrow where plain)
        values = amounts[0].header
        empty = src[values].isna() | (src[values].astype(str).str.strip() == "")
        out["montant"] = src[values].mask(empty)
        out["montant_nature"] = pd.Series(np.where(empty, None, amounts[0].montant_nature), src.index, object)
        return
    out["montant"] = None
    out["montant_nature"] = None
    for m in sorted(amounts, key=lambda m: m.priority):
        values = src[m.header]
        empty = values.isna() | (values.astype(str).str.strip() == "")
        take = out["montant"].isna() & ~empty
        out.loc[take, "montant"] = values[take]
        out.loc[take, "montant_nature"] = m.montant_nature


def _reading_report(path: Path, raw: RawTable, matches: dict, table: pd.DataFrame, kinds: Counter) -> dict:
    recognised = {h: f"{m.field} ({m.how})" for h, m in matches.items() if m}
    unrecognised = [h for h, m in matches.items() if m is None]
    report = reading_report(path, raw, recognised, unrecognised, table, kinds)
    report["format"] = raw.format
    report["contrats"] = len(table)
    report["contrats_avec_alertes"] = int(sum(bool(a) for a in table["alertes"]))
    return report
