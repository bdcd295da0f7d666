"""Today's date, read in one place so that a run (and a test) can fix it."""

from __future__ import annotations

import datetime as dt

DAYS_PER_MONTH = 30.4375  # a month in days on average: a year of 365.25 days over 12


def today() -> dt.date:
    """The date the library takes for "today" when the caller gives none.

    Examples
    --------
    >>> isinstance(today(), dt.date)
    True
    """
    return dt.date.today()
