"""The national path on a Dask cluster: the file's partitions scored by the same :class:`ChunkScorer`.

The file becomes a ``dask.dataframe`` of raw text: one partition per row group of a parquet file,
or per block of a CSV file. Each partition hands the rows of its last contract to the next one (a
contract's rows, one per holder, are adjacent in the national file), so no contract is split; the
scorer (directory, settings, model) is sent once to every worker; the scored chunks come back in
the file's order, and the caller writes them as it does the local ones. With partitions of the
size of the local chunks, the result is the local run's, row for row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .._io import csv_options, large_file_format, parquet_row_group
from .chunks import ChunkScorer

CSV_BLOCK_BYTES = 64 << 20  # a CSV file's partitions: blocks of this many bytes


def dask_chunks(source: Path, scorer: ChunkScorer, client, key_columns, counter: dict) -> Iterator[tuple]:
    """The scored chunks of ``source`` computed on ``client``'s cluster, in the file's order (as
    :func:`~.chunks.map_chunks` gives them); ``key_columns(columns)`` names the columns that identify a
    contract; ``counter["lignes"]`` counts the rows read."""
    from dask import delayed

    frame = _raw_partitions(source)
    key_columns, partitions = key_columns(list(frame.columns)), frame.to_delayed()
    if not partitions:
        return
    on_workers = client.scatter(scorer, broadcast=True)
    splits = [delayed(_split)(part, key_columns) for part in partitions]
    lengths = [delayed(len)(part) for part in partitions]
    offsets = [0, *(delayed(sum)(lengths[:i]) for i in range(1, len(lengths) + 1))]  # first row of each
    tasks = [
        delayed(_score)(on_workers, delayed(_join)(splits[i - 1] if i else None, split, offsets[i]), source)
        for i, split in enumerate(splits)
    ]
    tasks.append(delayed(_score)(on_workers, delayed(_join)(splits[-1], None, offsets[-1]), source))
    counts = client.compute(offsets[-1])
    for future in client.compute(tasks):
        result = future.result()
        if result is not None:
            yield result
    counter["lignes"] += counts.result()


def _raw_partitions(source: Path):
    import dask.dataframe as dd
    import pyarrow.parquet as pq

    if large_file_format(source, str(source)) == "parquet":
        groups = pq.ParquetFile(source).num_row_groups
        return dd.from_map(parquet_row_group, [source] * groups, range(groups), label="lecture")
    return dd.read_csv(source, blocksize=CSV_BLOCK_BYTES, **csv_options(source, str(source)))


def _split(part: pd.DataFrame, key_columns) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A partition's rows before its last contract, and that contract's rows (which may go on in the
    next partition); without contract keys, every row is in the first part."""
    part = part.reset_index(drop=True)
    if not key_columns or part.empty:
        return part, part.iloc[:0]
    key = part[key_columns].astype(str).agg("\x1f".join, axis=1).to_numpy()
    n_last = int((key[::-1] != key[-1]).argmax()) or len(key)
    return part.iloc[: len(part) - n_last], part.iloc[len(part) - n_last :]


def _join(previous, split, offset: int) -> pd.DataFrame | None:
    """The rows to score together: the last contract of the previous partition, then this partition's
    rows before its own last contract, indexed by their line in the file (header on line 1)."""
    carried = previous[1] if previous is not None else None
    body = split[0] if split is not None else None
    frames = [f for f in (carried, body) if f is not None and not f.empty]
    if not frames:
        return None
    start = offset - (len(carried) if carried is not None else 0)
    frame = pd.concat(frames) if len(frames) > 1 else frames[0].copy()
    frame.index = range(start + 2, start + 2 + len(frame))
    return frame


def _score(scorer: ChunkScorer, frame: pd.DataFrame | None, source: Path):
    return None if frame is None else scorer(frame, source)
