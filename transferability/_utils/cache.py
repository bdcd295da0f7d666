"""Objects that take a second to build from the bundled data, kept between processes in the user's cache."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/transferability``, else ``~/.cache/transferability``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "transferability"


def cached(name: str, sources: list[Path], build: Callable[[], T], key: str = "") -> T:
    """``build()``, or its result kept from an earlier process.

    The pickle is named by ``name`` and a fingerprint of the ``sources``' bytes, the package's version and
    ``key`` (what else the result depends on), so that a changed file or version builds again; this function
    alone writes it, in the user's own cache. A damaged file is built again; without a writable cache, or with
    ``TRANSFERABILITY_NO_CACHE`` set, it is built each time.
    """
    from .. import __version__

    digest = hashlib.sha256(f"{__version__}\n{key}".encode())
    for source in sources:
        digest.update(Path(source).read_bytes())
    stored = cache_dir() / f"{name}_{digest.hexdigest()[:16]}.pkl"
    use = os.environ.get("TRANSFERABILITY_NO_CACHE") is None
    if use and stored.is_file():
        try:
            with stored.open("rb") as f:
                return pickle.load(f)
        except Exception:  # truncated, or written by another version of a library: build again
            pass
    value = build()
    if use:
        try:
            stored.parent.mkdir(parents=True, exist_ok=True)
            partial = stored.with_suffix(f".{os.getpid()}.tmp")
            with partial.open("wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(stored)
            for older in stored.parent.glob(f"{name}_*.pkl"):  # built from other files or versions
                if older != stored:
                    older.unlink(missing_ok=True)
        except OSError:
            pass
    return value
