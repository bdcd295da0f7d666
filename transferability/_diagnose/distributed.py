"""The national path on a Dask cluster: the file's partitions scored by the same :class:`ChunkScorer`.

The file becomes a ``dask.dataframe`` of raw text: one partition per row group of a parquet file,
or per block of a CSV file. Each partition hands the rows of its last contract to the next one (a
contract's rows, one per holder, are adjacent in the national file), so no contract is split; the
scorer (directory, settings, model) is sent once to every worker; the scored chunks come back in
the file's order, and the caller writes them as it does the local ones. With partitions of the
size of the local chunks, the result is the local run's, row for row. A CSV file is cut in blocks
of bytes: a line break inside a quoted cell at a block's edge cannot be read that way (said, with
the way out: parquet, or the local run).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .._contracts import header_rule
from .._errors import InputError, Problem
from .._io import CsvChunks, large_file_format, parquet_row_group
from .chunks import ChunkScorer, hold_back_last_contract

CSV_BLOCK_BYTES = 64 << 20  # a CSV file's partitions: blocks of this many bytes


def dask_chunks(source: Path, scorer: ChunkScorer, client, key_columns, counter: dict) -> Iterator[tuple]:
    """The scored chunks of ``source`` computed on ``client``'s cluster, in the file's order (as
    :func:`~.chunks.map_chunks` gives them); ``key_columns(columns)`` names the columns that identify a
    contract; ``counter["lignes"]`` counts the rows read.

    Partitions are handed to the cluster as the caller takes their results: at most
    ``IN_FLIGHT_PER_THREAD`` per worker thread scored ahead of it, so that neither the cluster nor this
    process holds the scored file at once, whatever its size."""
    frame, first = _raw_partitions(source)
    keys, partitions = key_columns(list(frame.columns)), frame.to_delayed()
    if not partitions:
        return
    on_workers = client.scatter(scorer, broadcast=True)
    window = max(1, IN_FLIGHT_PER_THREAD * sum(client.nthreads().values()))
    pending: deque = deque()
    state, offset = None, first  # the line of the next partition's first row: futures once handed over
    try:
        for part in partitions:
            # each partition takes over the rows held back by the one before (a chain of small, quick
            # tasks), so a contract whose rows span partitions is scored whole, as in the local run
            part = client.compute(part)
            state = client.submit(_advance, state, part, offset, keys)
            offset = client.submit(_after, offset, part)
            pending.append(client.submit(_score, on_workers, state, 0, source))
            while len(pending) >= window:
                yield from _taken(pending.popleft(), source)
        pending.append(client.submit(_score, on_workers, state, 1, source))
        while pending:
            yield from _taken(pending.popleft(), source)
        counter["lignes"] += offset.result() - first
    finally:
        client.cancel([f for f in (*pending, state, offset) if f is not None and not isinstance(f, int)])


IN_FLIGHT_PER_THREAD = 2  # partitions scored ahead of the writer, per worker thread


def _taken(future, source: Path) -> Iterator:
    result = _result(future, source)
    if result is not None:
        yield result


def _result(future, source: Path):
    try:
        return future.result()
    except pd.errors.ParserError as exc:  # a CSV block cut inside a quoted cell
        raise InputError(
            Problem(
                "fichier CSV illisible par blocs sur la grappe",
                str(source),
                f"{exc}".split("\n")[0],
                "une cellule entre guillemets contient un retour à la ligne : convertir le fichier en parquet, "
                "ou le diagnostiquer sans grappe",
            )
        ) from None


def _raw_partitions(source: Path):
    """The file's raw rows as a dask dataframe, and the line of its first row."""
    import dask.dataframe as dd
    import pyarrow.parquet as pq

    if large_file_format(source, str(source)) == "parquet":
        groups = pq.ParquetFile(source).num_row_groups
        return dd.from_map(parquet_row_group, [source] * groups, range(groups), label="lecture"), 2
    csv = CsvChunks(source, str(source), 1, header_rule())  # the header found as in the local run
    frame = dd.read_csv(
        source, blocksize=None if csv.gzip else CSV_BLOCK_BYTES, header=None, names=csv.columns,
        skiprows=csv.skipped, skip_blank_lines=False, **csv.options,
    )  # fmt: skip
    return frame, csv.body_line


def _advance(state, part: pd.DataFrame, offset: int, keys) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows to score from this partition (those held back before, then its own, indexed by their line
    in the file: ``offset``, that of its first row) but its last contract's, and those held back for the
    next."""
    part = part.set_axis(range(offset, offset + len(part)))
    held = state[1] if state is not None else part.iloc[:0]
    frame = pd.concat([held, part]) if len(held) else part
    if not keys:
        return frame, frame.iloc[:0]
    return hold_back_last_contract(frame, keys)


def _after(offset: int, part: pd.DataFrame) -> int:
    """The first row of the partition after ``part`` (``offset``: its own)."""
    return offset + len(part)


def _score(scorer: ChunkScorer, state: tuple, which: int, source: Path):
    """The rows of a partition's ``state`` to score now (0), or those held back at the end (1), scored."""
    frame = state[which]
    return None if frame.empty else scorer(frame, source)
