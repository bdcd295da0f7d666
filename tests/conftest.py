"""Shared fixtures, and what keeps the suite deterministic.

- Hypothesis runs under a profile: ``ci`` (derandomised, 100 examples, no deadline) when the environment sets
  ``CI``, ``dev`` (random, 200 examples) otherwise, ``long`` (random, 5,000 examples) with
  ``HYPOTHESIS_PROFILE=long`` (``make test-long``). A failing example found by a random run is added to its
  test as an ``@example``, never left to chance.
- "Today" is fixed for every test (``_clock.today``), so that no figure depends on the day the suite runs.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from transferability._utils import clock as _clock

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2026, 11, 24)

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("ci", derandomize=True, max_examples=100, database=None, print_blob=True, **_COMMON)
settings.register_profile("dev", max_examples=200, **_COMMON)
settings.register_profile("long", max_examples=5_000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setattr(_clock, "today", lambda: TODAY)


@pytest.fixture
def data_dir() -> Path:
    return DATA
