"""Columns of lists held by arrow (a contract's holders, a contract's nearest providers) inside the pipeline:
built once where the lists are made, joined to text and searched by arrow, written without a conversion. The
public tables give them back as Python lists (:func:`python_lists`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT = pa.large_string()
EMPTY = pa.scalar("", TEXT)
_BAR = pa.scalar(" | ", TEXT)
# a holder as the readers write it (its id and name, in that order)
HOLDER = pa.struct([("id", TEXT), ("nom", TEXT)])


def holders_column(holders: pd.Series) -> pd.Series:
    """Lists of holders as the readers build them (``{"id": …, "nom": …}``, texts) held by arrow; a
    column arrow cannot hold so (an id that is not a text) is kept as it is.

    Examples
    --------
    >>> column = holders_column(pd.Series([[{"id": "1", "nom": "A"}], []]))
    >>> str(column.dtype), column[0]
    ('large_list<item: struct<id: large_string, nom: large_string>>[pyarrow]', [{'id': '1', 'nom': 'A'}])
    """
    if holders.dtype != object:
        return holders
    try:
        lists = pa.array(holders.to_numpy(), type=pa.large_list(HOLDER), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):
        return holders
    return pd.Series(pd.arrays.ArrowExtensionArray(lists), index=holders.index, name=holders.name)


def python_lists(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with each column of arrow lists turned into Python lists, as the public tables hold them: a
    cell is a list everywhere (``Series.map`` included), and a table pandas writes to parquet reads back
    (pandas cannot read the type of a column of arrow lists from a file's metadata). Changed in place.

    Examples
    --------
    >>> table = python_lists(pd.DataFrame({"titulaires": holders_column(pd.Series([[{"id": "1", "nom": "A"}]]))}))
    >>> table["titulaires"].dtype, table["titulaires"].map(type).tolist()
    (dtype('O'), [<class 'list'>])
    """
    for name in table.columns:
        if is_arrow_list(table[name].dtype):
            table[name] = pd.Series(lists_of(table[name]).to_pylist(), index=table.index, dtype=object)
    return table


def is_arrow_list(dtype) -> bool:
    """Whether a pandas column of this type holds arrow lists."""
    return isinstance(dtype, pd.ArrowDtype) and pa.types.is_large_list(dtype.pyarrow_dtype)


def lists_of(column: pd.Series) -> pa.LargeListArray:
    """The arrow lists of a column of :func:`is_arrow_list` type, as one array."""
    lists = pa.array(column.array)
    return lists.combine_chunks() if isinstance(lists, pa.ChunkedArray) else lists


def joined_lists(lists: pa.LargeListArray) -> pa.Array:
    """Each list as one text, its items joined by « | » as :func:`~transferability._utils.frames.join_items`
    writes them (a holder as its non-empty id and name joined by a space, a missing item as « None »).

    Examples
    --------
    >>> joined_lists(pa.array([["a", "b"], [], None], type=pa.large_list(TEXT))).to_pylist()
    ['a | b', '', None]
    """
    # the items of these lists only (a slice of a larger array shares its items), from offset 0
    offsets = lists.offsets.to_numpy()
    items = lists.values.slice(offsets[0], offsets[-1] - offsets[0])
    texts = _holder_texts(items) if pa.types.is_struct(items.type) else items.cast(TEXT)
    texts = pc.if_else(pc.is_null(items), pa.scalar("None", TEXT), texts)
    rebased = pa.array(offsets - offsets[0], type=pa.int64())
    return pc.binary_join(pa.LargeListArray.from_arrays(rebased, texts, mask=lists.is_null()), _BAR)


def _holder_texts(holders: pa.StructArray) -> pa.Array:
    """Each holder as its non-empty id and name joined by a space."""
    ids, names = (pc.fill_null(pc.struct_field(holders, name), EMPTY) for name in ("id", "nom"))
    has_id, has_name = pc.not_equal(ids, EMPTY), pc.not_equal(names, EMPTY)
    both = pc.binary_join_element_wise(ids, names, pa.scalar(" ", TEXT))
    return pc.if_else(pc.and_(has_id, has_name), both, pc.if_else(has_id, ids, names))


def any_holder_in(holders: pd.Series, ids: set[str]) -> np.ndarray:
    """Whether any of each row's holders has one of ``ids`` as its id (spaces left out).

    Examples
    --------
    >>> any_holder_in(holders_column(pd.Series([[{"id": "1 2", "nom": "A"}], []])), {"12"}).tolist()
    [True, False]
    """
    if not is_arrow_list(holders.dtype):
        return np.array(
            [
                any(str(h.get("id", "")).replace(" ", "") in ids for h in hs)
                if isinstance(hs, list | np.ndarray)
                else False
                for hs in holders
            ],
            dtype=bool,
        )
    lists = lists_of(holders)
    found = pc.is_in(
        pc.replace_substring(pc.struct_field(lists.values, "id"), " ", ""), pa.array(list(ids), TEXT)
    )
    found = pc.fill_null(found, False).to_numpy(zero_copy_only=False)
    offsets = lists.offsets.to_numpy()
    hits = np.concatenate([[0], np.cumsum(found)])
    return (hits[offsets[1:]] - hits[offsets[:-1]]) > 0
