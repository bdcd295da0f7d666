"""The garbage collector paused while a stage builds many objects that hold no reference cycle."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, then restore it as it was.

    Reading a file of 100,000 contracts builds millions of small objects (texts, lists of holders and
    alerts) that hold no cycle, yet each collection walked them all again: 0.5 s of a 3.3 s normalisation.
    Plain reference counting still frees everything as usual; a cycle made in the block is collected after it.

    Examples
    --------
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
