"""The diagnostic: coverage, levels and recommendations, the Diagnostic, corrections, the national path."""

from .corrections import apply_corrections
from .coverage import CoverageIndex, PlaceKey, coverage
from .diagnostic import DIAGNOSTIC_COLUMNS, Diagnostic, diagnose
from .national import diagnose_file
from .scoring import LevelClassifier, Settings, level_features, levels, recommendations

__all__ = [
    "CoverageIndex",
    "DIAGNOSTIC_COLUMNS",
    "Diagnostic",
    "LevelClassifier",
    "PlaceKey",
    "Settings",
    "apply_corrections",
    "coverage",
    "diagnose",
    "diagnose_file",
    "level_features",
    "levels",
    "recommendations",
]
