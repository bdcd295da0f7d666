"""Great-circle distances: one pair at a time (haversine), or every pair of two sets at once."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km; broadcasts over numpy arrays.

    Examples
    --------
    >>> round(float(haversine_km(45.5646, 5.9178, 45.1885, 5.7245)), 1)  # Chambéry - Grenoble
    44.5
    """
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def unit_vectors(lat, lon) -> np.ndarray:
    """Points on the unit sphere (n × 3) of latitudes and longitudes in degrees; NaN where unknown."""
    lat, lon = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def arc_km(dot: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) from the dot products of unit vectors (:func:`unit_vectors`): the chord
    length from the dot product, then the arc (exact like :func:`haversine_km`, to a millionth of a
    kilometre); every pair of two sets at once from one matrix product.

    Examples
    --------
    >>> p = unit_vectors([45.5646], [5.9178]); q = unit_vectors([45.1885], [5.7245])
    >>> round(float(arc_km(p @ q.T)[0, 0]), 1)  # Chambéry - Grenoble
    44.5
    """
    chord = np.sqrt(np.clip(2.0 - 2.0 * dot, 0.0, 4.0))
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord / 2.0, 1.0))
