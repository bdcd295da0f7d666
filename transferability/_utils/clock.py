"""Today's date, read in one place so that a run (and a test) can fix it."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """The date the library takes for "today" when the caller gives none.

    Examples
    --------
    >>> isinstance(today(), dt.date)
    True
    """
    return dt.date.today()
