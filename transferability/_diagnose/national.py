"""``diagnose_file``: the whole consolidated DECP, chunk by chunk, to parquet and an aggregate report.

The file (parquet or CSV) is read in chunks of ``chunksize`` rows; each chunk goes through every
stage (normalise, classify, coverage, score) with the model and the coverage index loaded once
(the index keeps its per-place cache across chunks); the per-contract result is appended to a
parquet file, and only the columns the summaries need stay in memory. Rows of one contract
(one per holder) that straddle two chunks are carried over to the next chunk, so a contract is
never split when the file keeps its rows together (the national file is sorted by ``uid``).
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, suppress
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pandas.api.types import union_categoricals

from .._classify import load_model
from .._contracts import DUPLICATE_NOTE, header_rule, match_headers
from .._errors import InputError, Problem, TransferabilityWarning
from .._io import read_chunks
from .._utils import check_csv_format, csv_rows, fr_int
from .chunk_warnings import ChunkWarnings
from .chunks import (
    SUMMARY_COLUMNS,
    ChunkScorer,
    ScoredChunk,
    hold_back_last_contract,
    map_chunks,
    worker_count,
)
from .diagnostic import Diagnostic
from .distributed import dask_chunks
from .pipeline import resolve_directory
from .settings import Settings

STAGES = ("lecture", "normalisation", "classement, couverture et niveau", "écriture")


def diagnose_file(
    source,
    output,
    *,
    directory=None,
    settings: Settings | None = None,
    model=None,
    chunksize: int = 25_000,
    report: str | Path | None = None,
    n_jobs: int | None = None,
    client=None,
    csv: str | Path | None = None,
    csv_format: str = "excel",
) -> dict:
    """Diagnose a national-size contract table without holding it in memory.

    Parameters
    ----------
    source : path
        The consolidated DECP as parquet or CSV (one row per contract × holder).
    output : path or None
        The per-contract result as parquet (lists joined as « a | b »); None for none.
    directory, settings, model : optional
        As for :func:`diagnose`.
    chunksize : int, default=25_000
        Rows per chunk.
    report : path, optional
        The aggregate Excel report (Synthèse, Familles, Directions, Méthode).
    n_jobs : int, optional
        Processes scoring chunks side by side (joblib's convention; None: every core), each given the
        directory, settings and model once. Results are the same whatever the number.
    client : distributed.Client, optional
        Score on this Dask cluster instead (extra ``[dask]``): a partition per parquet row group (64 MiB
        CSV block); with row groups of ``chunksize`` rows, the result is the local run's.
    csv, csv_format : path and str, optional
        The per-contract result as CSV too, as :func:`write_csv` writes it.

    Returns
    -------
    dict
        Rows read, processes (or ``"dask"``), contracts, rows set aside by kind (blank, title, total rows,
        a header repeated), notes on the reading (separator, encoding), seconds per stage (summed over
        processes), rows per second, the :class:`Diagnostic` of the summary columns under ``"diagnostic"``, and under
        ``"directions_csv"`` the CSV of every direction written beside the report when its Directions sheet
        keeps the largest only (None otherwise).
    """
    _check_counts(chunksize, n_jobs)
    source, sink = Path(source), _DetailWriter(output, csv, csv_format)
    if not source.is_file():
        raise InputError(Problem("fichier introuvable", str(source), "", "vérifier le chemin"))
    settings = settings or Settings()
    model = load_model() if model is None else model
    scorer = ChunkScorer(resolve_directory(directory), settings, model, csv_format if csv else None)
    timings, counter = dict.fromkeys(STAGES, 0.0), {"lignes": 0}
    t0 = time.perf_counter()
    summaries = _summaries(source, sink, chunksize, (scorer, n_jobs, client), timings, counter)
    diag = Diagnostic(summaries, scorer.index.directory, settings, None)
    total = time.perf_counter() - t0
    directions = None if report is None else _write_report(diag, report, output or csv, timings)
    return {**_summary(diag, counter, total, timings), "directions_csv": directions}


def _check_counts(chunksize, n_jobs) -> None:
    """Raise InputError, listing both, unless ``chunksize`` is a whole number of at least 1 and ``n_jobs``
    None or a whole number other than 0 (joblib's convention)."""
    problems = []
    if not _whole(chunksize) or chunksize < 1:
        problems.append(Problem("taille de lot impossible", "paramètre chunksize", f"« {chunksize!r} »",
                                "donner un nombre entier de lignes, au moins 1 (25 000 par défaut)"))  # fmt: skip
    if n_jobs is not None and (not _whole(n_jobs) or n_jobs == 0):
        problems.append(Problem("nombre de processus impossible", "paramètre n_jobs", f"« {n_jobs!r} »",
                                "donner None (tous les cœurs), un entier positif, ou -1, -2… (tous, tous sauf un…)"))  # fmt: skip
    if problems:
        raise InputError(problems)


def _whole(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _write_report(diag: Diagnostic, report, detail, timings: dict) -> Path | None:
    """The aggregate Excel report (the detail named in it), timed; the CSV of every direction beside it, if
    written."""
    t = time.perf_counter()
    from .._report import write_aggregate_report  # the report reads a Diagnostic: imported when asked for

    _, directions = write_aggregate_report(diag, report, detail=detail)
    timings["rapport"] = time.perf_counter() - t
    return directions


def _summaries(
    source: Path, sink, chunksize: int, scoring: tuple, timings: dict, counter: dict
) -> pd.DataFrame:
    """The summary columns of every contract of ``source`` (:func:`_score_chunks`); the files begun removed
    on an error or an interruption (no half-written detail left to be taken as whole)."""
    try:
        summaries = _score_chunks(source, sink, chunksize, scoring, timings, counter)
    except BaseException:
        sink.abort()
        raise
    if summaries.empty:
        raise InputError(
            Problem(
                "aucun marché dans le fichier", str(source), f"{counter['lignes']} lignes lues",
                "donner le fichier des marchés (une ligne par marché et par titulaire, avec leur objet ou code CPV)",
            )
        )  # fmt: skip
    return summaries


def _score_chunks(source: Path, sink, chunksize: int, scoring: tuple, timings: dict, counter: dict):
    """Read, normalise, score and write each chunk of ``source`` (the detail to ``sink``), timing each
    stage (summed over processes); returns the summary columns of every contract. ``scoring`` is (scorer,
    n_jobs, client): chunks are scored in ``n_jobs`` processes, or on a Dask cluster, written in the
    file's order."""
    scorer, n_jobs, client = scoring
    counter["processus"] = "dask" if client is not None else worker_count(n_jobs)
    counter["ecartees"], counter["notes"] = Counter(), []
    seen, said = _SeenKeys(), ChunkWarnings()
    if client is None:
        chunks = _whole_contract_chunks(source, chunksize, timings, counter)
        results = map_chunks(chunks, source, scorer, n_jobs)
    else:
        results = dask_chunks(source, scorer, client, _key_columns, counter)
    with closing(results):  # on an error or an interruption, the workers are stopped at once
        for chunk in results:
            if chunk is None:  # an empty partition on a cluster
                continue
            for stage, seconds in chunk.times.items():
                timings[stage] += seconds
            counter["ecartees"].update(chunk.set_aside)
            if chunk.detail is None:  # a chunk without any contract (blank, title or total rows only)
                continue
            for category, text in chunk.warnings:  # each warning once for the file, its counts summed
                said.add(category, text)
            t = time.perf_counter()
            chunk, again = _cross_chunk_duplicates(chunk, seen)
            counter["revus"] = counter.get("revus", 0) + again
            sink.write(chunk)
            timings["écriture"] += time.perf_counter() - t
    said.say(stacklevel=4)
    if counter.get("revus"):
        warnings.warn(_seen_before(counter["revus"]), TransferabilityWarning, stacklevel=4)
    return sink.close()


def _seen_before(n: int) -> str:
    s = "s" if n > 1 else ""
    return (
        f"{fr_int(n)} marché{s} déjà lu{s} dans un lot précédent (même acheteur, identifiant et montant), "
        f"compté{s} une fois\u00a0: si le fichier n’est pas trié par marché, les lignes d’un même marché "
        "éloignées l’une de l’autre y perdent leurs autres titulaires\u00a0; trier le fichier par acheteur et "
        "identifiant (ou uid)"
    )


def _summary(diag: Diagnostic, counter: dict, total: float, timings: dict) -> dict:
    rows_read = counter["lignes"]
    return {
        "lignes_lues": rows_read,
        "processus": counter["processus"],
        "contrats": len(diag.contrats),
        "lignes_ecartees": dict(counter["ecartees"].most_common()),
        "notes": counter["notes"],
        "secondes": round(total, 2),
        "secondes_par_etape": {k: round(v, 2) for k, v in timings.items()},
        "lignes_par_seconde": {k: round(rows_read / v) for k, v in timings.items() if v > 0},
        "diagnostic": diag,
    }


def _whole_contract_chunks(
    source: Path, chunksize: int, timings: dict, counter: dict
) -> Iterator[pd.DataFrame]:
    """The file's rows in chunks that never split a contract's rows (indexed by their line in the file);
    the rows the reader drops (a header repeated) counted in ``counter``, its notes in ``counter["notes"]``."""
    reader = read_chunks(source, str(source), chunksize, as_text=False, rule=header_rule())
    chunks, carry, key_cols = iter(reader), None, None
    while True:
        t = time.perf_counter()
        chunk = next(chunks, None)
        timings["lecture"] += time.perf_counter() - t
        if chunk is None:
            counter["lignes"] += sum(reader.set_aside.values())  # rows the reader dropped: read all the same
            counter["ecartees"].update(reader.set_aside)
            counter["notes"] += reader.notes  # once the whole file is read (« octets nuls supprimés »)
            if carry is not None:
                yield carry
            return
        counter["lignes"] += len(chunk)
        key_cols = key_cols or _key_columns(list(chunk.columns))
        frame = pd.concat([carry, chunk]) if carry is not None else chunk
        carry = None
        if key_cols:
            frame, carry = hold_back_last_contract(frame, key_cols)
        if not frame.empty:
            yield frame


class _DetailWriter:
    """Appends each scored chunk to the parquet detail (and its CSV), and keeps only the summary columns in
    memory."""

    def __init__(self, output, csv=None, csv_format: str = "excel"):
        if csv is not None:
            check_csv_format(csv_format, "csv_format")
        self.output = None if output is None else Path(output)
        self.csv, self.csv_format = (None if csv is None else Path(csv)), csv_format
        self.writer, self.schema, self.summaries, self.csv_file = None, None, [], None

    def write(self, chunk: ScoredChunk) -> None:
        detail = chunk.detail
        if self.schema is None:
            self.schema = detail.schema
            self.writer = self.output and pq.ParquetWriter(self.output, self.schema)
            if self.csv is not None:
                self.csv_file = self.csv.open("wb")
                header = pd.DataFrame(columns=self.schema.names)
                self.csv_file.write(csv_rows(header, self.csv_format, header=True))
        elif not detail.schema.equals(self.schema):  # a column all empty in one chunk, filled in another
            detail = detail.cast(self.schema, safe=False)
        if self.writer:
            self.writer.write_table(detail)
        if self.csv_file is not None:
            self.csv_file.write(chunk.csv)
        self.summaries.append(chunk.summary)

    def _close_files(self) -> None:
        if self.writer:
            self.writer.close()
        if self.csv_file is not None:
            self.csv_file.close()

    def abort(self) -> None:
        """Close and remove the files begun (even when closing fails again: a full disk)."""
        for file in (self.writer, self.csv_file):  # each closed, whatever the other does
            if file:
                with suppress(OSError):
                    file.close()
        for path in (self.output, self.csv):
            if self.schema is not None and path is not None:
                path.unlink(missing_ok=True)

    def close(self) -> pd.DataFrame:
        """The summary columns of every contract written."""
        self._close_files()
        if not self.summaries:
            return pd.DataFrame(columns=SUMMARY_COLUMNS)
        columns = {}
        for name in SUMMARY_COLUMNS:  # column by column, each chunk's part released once joined
            parts = [summary.pop(name) for summary in self.summaries]
            if all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):  # 1 or 2 bytes a row
                columns[name] = _united(parts)
            else:
                columns[name] = pd.concat(parts, ignore_index=True)
        self.summaries = []
        return pd.DataFrame(columns)


def _united(parts: list[pd.Series]) -> pd.Categorical:
    """One categorical of the chunks' categoricals: their categories united (compared as texts where one
    chunk's categories are of another type, a column empty in that chunk)."""
    try:
        return pd.Categorical(union_categoricals(parts, sort_categories=True))  # whatever the chunks
    except TypeError:
        return pd.Categorical(pd.concat([p.astype(object) for p in parts], ignore_index=True))


def _key_columns(columns: list[str]) -> list[str] | None:
    """The columns that identify a contract (its buyer and id), as named in the file."""
    matches = {m.field: m.header for m in match_headers(columns) if m}
    if "id_contrat" in matches:
        return [matches[f] for f in ("acheteur_id", "id_contrat") if f in matches]
    return None


class _SeenKeys:
    """The hashed keys of the contracts of the chunks read so far, 8 bytes a contract: sorted runs, merged
    into one every ``runs`` chunks (a chunk's keys are looked up in each run, never the whole sorted again)."""

    def __init__(self, runs: int = 16):
        self.sorted: list[np.ndarray] = []
        self.runs = runs

    def again(self, keys: np.ndarray) -> np.ndarray:
        """Which of ``keys`` were seen in an earlier chunk; then they count as seen."""
        seen = np.zeros(len(keys), dtype=bool)
        for run in self.sorted:
            at = np.minimum(np.searchsorted(run, keys), len(run) - 1)
            seen |= run[at] == keys
        if len(keys):
            self.sorted.append(np.sort(keys))
        if len(self.sorted) > self.runs:
            self.sorted = [np.sort(np.concatenate(self.sorted))]
        return seen


def _cross_chunk_duplicates(chunk: ScoredChunk, seen: _SeenKeys) -> tuple[ScoredChunk, int]:
    """The chunk with the contracts already read in an earlier chunk marked as duplicates (``chunk.keys``:
    their hashed buyer, id and amount), in its detail and its summary, and how many they are."""
    summary = chunk.summary
    again = (
        seen.again(chunk.keys) & ~summary["doublon"].to_numpy(bool) & summary["id_contrat"].notna().to_numpy()
    )
    if not again.any():
        return chunk, 0
    summary = summary.copy()
    summary.loc[again, "doublon"] = True
    detail = chunk.detail
    doublon = detail.column("doublon").to_numpy(zero_copy_only=False).copy()
    doublon[again] = True
    alerts = detail.column("alertes").to_pylist()
    for i in np.flatnonzero(again):  # the alerts, a list in the table, are « a | b » in the detail
        alerts[i] = f"{alerts[i]} | {DUPLICATE_NOTE}" if alerts[i] else DUPLICATE_NOTE
    for name, values in (("doublon", doublon), ("alertes", alerts)):
        position = detail.schema.get_field_index(name)
        detail = detail.set_column(
            position, detail.field(position), pa.array(values, detail.field(position).type)
        )
    csv = csv_rows(detail.to_pandas(), chunk.csv_format, header=False) if chunk.csv is not None else None
    return chunk._replace(detail=detail, summary=summary, csv=csv), int(again.sum())
