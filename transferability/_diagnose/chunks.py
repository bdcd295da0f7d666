"""One chunk of a national file scored, here or in worker processes, by the same function.

:class:`ChunkScorer` holds what scoring needs (the coverage index, the settings, the model), built
once per process; calling it on a chunk of raw rows normalises and scores them. :func:`map_chunks`
applies it to a stream of chunks in this process, or in ``n_jobs`` worker processes that each
receive the directory, settings and model once, at start, and then only chunks. Whichever way,
a chunk gives the same result, and results come back in the file's order.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
import time
import warnings
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
from loky import ProcessPoolExecutor, cpu_count

from .._contracts import canonical_fields, mark_duplicates, normalise
from .._io import RawTable, raw_text
from .._utils import collector_paused, csv_rows, distinct_rows, flat_lists, holders_column
from .pipeline import coverage_index, score_table
from .settings import Settings

# what the summaries need: the rest of each chunk goes to the parquet detail and leaves memory
SUMMARY_COLUMNS = [
    "id_contrat", "acheteur_id", "acheteur_nom", "direction", "categorie_procedure", "montant", "montant_nature",
    "montant_annuel", "famille", "metier", "niveau", "recommandation", "doublon", "date_notification",
    "date_renouvellement", "departement", "nb_prestataires", "nb_prestataires_tous_metiers", "base_couverture",
    "niveau_esat_ea", "niveau_siae", "part_esat_ea", "part_siae", "part_transferable",
    "montant_transferable_esat_ea", "montant_transferable_siae", "montant_transferable", "montant_aberrant",
    "territoire", "duree_mois",
]  # fmt: skip
CATEGORICAL = (
    "acheteur_id", "acheteur_nom", "direction", "categorie_procedure", "montant_nature", "famille", "metier",
    "niveau", "recommandation", "departement", "base_couverture", "niveau_esat_ea", "niveau_siae", "territoire",
)  # fmt: skip


class ScoredChunk(NamedTuple):
    """A chunk scored: its per-contract detail as an arrow table (lists written « a | b »), the summary
    columns of its contracts, the hashed key (buyer, id, amount) of each to find duplicates across
    chunks, the seconds per stage, the warnings raised, as (category, text) pairs, the rows set aside by
    kind (blank, title, total rows), and the detail's rows as CSV bytes in ``csv_format`` (None without).
    A chunk without any contract has its rows set aside only (``detail`` None)."""

    detail: pa.Table | None
    summary: pd.DataFrame | None
    keys: np.ndarray | None
    times: dict
    warnings: list
    set_aside: Counter
    csv: bytes | None = None
    csv_format: str | None = None


class ChunkScorer:
    """Normalise and score chunks of raw rows of one source file.

    Parameters
    ----------
    directory : DataFrame
        The provider directory (read).
    settings : Settings
    model : TradeClassifier
    csv_format : {"excel", "standard"}, optional
        Also give each chunk's rows as CSV bytes in this format (see :func:`write_csv`).
    """

    def __init__(self, directory: pd.DataFrame, settings: Settings, model, csv_format: str | None = None):
        self.index, self.settings, self.model = coverage_index(directory), settings, model
        self.csv_format = csv_format  # the detail's rows as CSV too, written by the process that scored them

    def __call__(self, frame: pd.DataFrame, source: Path) -> ScoredChunk:
        """The contracts of ``frame`` (raw rows indexed by their line in ``source``) scored, ready to be
        written (the detail as arrow, cheap to send from a worker process)."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t0 = time.perf_counter()
            table, aside = normalised_chunk(frame, source, self.settings)
            if table.empty:  # blank, title or total rows only
                return ScoredChunk(None, None, None, {"normalisation": time.perf_counter() - t0}, [], aside)
            keys = pd.util.hash_pandas_object(
                table[["acheteur_id", "id_contrat", "montant"]].astype(str), index=False
            ).to_numpy()
            t1 = time.perf_counter()
            scored, _ = score_table(table, self.index, self.settings, self.model)
            t2 = time.perf_counter()
            flat = flat_lists(scored)
            detail = to_arrow(flat)
            csv = csv_rows(flat, self.csv_format, header=False) if self.csv_format else None
            # the summary kept in memory for every contract: categories, and ids as compact arrow strings
            summary = scored[SUMMARY_COLUMNS].astype(
                {**dict.fromkeys(CATEGORICAL, "category"), "id_contrat": "string"}  # missing stays missing
            )
        times = {
            "normalisation": t1 - t0,
            "classement, couverture et niveau": t2 - t1,
            "écriture": time.perf_counter() - t2,
        }
        caught = [(w.category, str(w.message)) for w in caught]
        return ScoredChunk(detail, summary, keys, times, caught, aside, csv, self.csv_format)


def normalised_chunk(frame: pd.DataFrame, source: Path, settings: Settings) -> tuple[pd.DataFrame, Counter]:
    """One chunk's contracts table, its duplicates marked within the chunk (``frame``: raw rows, as text or
    in a parquet file's own types), and its rows set aside by kind (blank, title, total rows)."""
    with collector_paused():  # millions of small objects without cycles (see collector_paused)
        raw = RawTable(raw_text(frame).reset_index(drop=True), list(frame.index), "Consolidé par lots")
        fields, _ = canonical_fields(raw, str(source), None)
        table, kinds = normalise(fields, raw, source.name, settings.reference)
        mark_duplicates(table)
    # the holders held by arrow, as the coverage's candidates are: a chunk's detail joins them by arrow
    table["titulaires"] = holders_column(table["titulaires"])
    return table, Counter(kinds)


def hold_back_last_contract(frame: pd.DataFrame, key_columns: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chunk's rows before its last contract, and that contract's rows, which may go on in the next
    chunk (the whole chunk when it holds one contract's rows only). A missing key is a key like any other,
    but rows whose key cells are all blank (a blank line, a total row) are not a contract: held back with the
    contract above them, whose rows may go on below them."""
    if frame.empty:
        return frame, frame
    keys, _ = distinct_rows(frame[key_columns])  # a missing key is a key like any other
    keyed = np.flatnonzero(~_blank_keys(frame[key_columns]))
    if len(keyed) == 0:  # blank rows only: held back with whatever follows
        return frame.iloc[:0], frame
    last = keys[keyed]
    n_last = int((last[::-1] != last[-1]).argmax()) or len(last)
    start = int(keyed[len(keyed) - n_last]) if n_last < len(keyed) else 0
    return frame.iloc[:start], frame.iloc[start:]


def _blank_keys(keys: pd.DataFrame) -> np.ndarray:
    """Rows whose every key cell is missing or blank text."""
    blank = np.ones(len(keys), dtype=bool)
    for name in keys.columns:
        values = keys[name]
        empty = values.isna().to_numpy()
        if not empty.all():
            empty = empty | (values.astype(str).str.strip() == "").to_numpy()
        blank = blank & empty
    return blank


def worker_count(n_jobs: int | None) -> int:
    """Processes for ``n_jobs`` (joblib's convention): every core available to this process when None."""
    cores = cpu_count()  # loky's: the cores this process may use, container quotas included
    if n_jobs is None:
        return cores
    return max(1, cores + 1 + n_jobs) if n_jobs < 0 else max(1, n_jobs)  # -1: all, -2: all but one


def map_chunks(
    chunks: Iterable[pd.DataFrame], source: Path, scorer: ChunkScorer, n_jobs: int | None
) -> Iterator:
    """``scorer`` applied to every chunk, results in the chunks' order: in this process when there is
    one process or one chunk, else in worker processes started for the purpose (at most one chunk
    waits for a free worker, so memory holds a few chunks, never the file)."""
    chunks = iter(chunks)
    head = [c for c in (next(chunks, None), next(chunks, None)) if c is not None]
    workers = worker_count(n_jobs)
    if workers == 1 or len(head) < 2:
        for frame in chain(head, chunks):
            yield scorer(frame, source)
        return
    # what every worker needs, pickled once to a file each reads at its start: sent through the pipe that
    # starts a worker, megabytes would hold the next worker's start until this one has imported everything
    handle, payload = tempfile.mkstemp(prefix="transferability-", suffix=".pickle")
    pool = None
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(
                (scorer.index.directory, scorer.settings, scorer.model, scorer.csv_format), out, protocol=5
            )
        # loky's processes: no `if __name__ == "__main__":` needed in the caller's script, killed at once
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(payload,))
        pending: deque = deque()
        for frame in chain(head, chunks):
            pending.append(pool.submit(_score_in_worker, frame, source))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BaseException:  # an error, an interruption: the chunks being scored are not waited for
        if pool is not None:
            pool.shutdown(wait=False, kill_workers=True)
        raise
    finally:
        Path(payload).unlink(missing_ok=True)
    pool.shutdown(wait=True)


_WORKER_SCORER: ChunkScorer | None = None  # a worker process's own, built once at its start


def _start_worker(payload: str) -> None:
    """A worker's start: its scorer built from the directory, settings, model and CSV format in ``payload``
    (a pickle file written by this library for its own workers)."""
    global _WORKER_SCORER
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    threadpool_limits(1)  # the processes share the cores: no numerical library starts threads of its own
    warnings.simplefilter("ignore")  # a chunk's warnings are recorded and sent back with its result
    with open(payload, "rb") as data:
        _WORKER_SCORER = ChunkScorer(*pickle.load(data))
    gc.freeze()  # the modules, directory and model live as long as the worker: no collection scans them again


def _score_in_worker(frame: pd.DataFrame, source: Path) -> ScoredChunk:
    return _WORKER_SCORER(frame, source)


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """A scored table with its lists flattened as an arrow table (every text column as strings)."""
    columns = {}
    for name in frame.columns:
        values = frame[name]
        if name == "source_ligne" and not isinstance(values.dtype, pd.StringDtype):  # lists where grouped
            values = values.astype(str)
        if values.dtype == object:  # texts, and the odd scalar written as its text
            try:
                columns[name] = pa.array(values.to_numpy(), type=pa.large_string(), from_pandas=True)
            except (pa.ArrowTypeError, pa.ArrowInvalid):
                columns[name] = pa.Array.from_pandas(values.astype("string"))
        else:
            columns[name] = pa.Array.from_pandas(values)
    # the pandas types of the columns (texts as strings), so that read_parquet gives the same frame back
    texts = {name: "string" for name in frame.columns if frame[name].dtype == object}
    texts["source_ligne"] = str
    empty = {name: pd.Series([], dtype=texts.get(name, dtype)) for name, dtype in frame.dtypes.items()}
    described = pa.Table.from_pandas(pd.DataFrame(empty), preserve_index=False)
    return pa.table(columns).replace_schema_metadata(described.schema.metadata)
