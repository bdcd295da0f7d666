"""The diagnostic: coverage, levels and recommendations, the Diagnostic, corrections, the national path."""

from .corrections import apply_corrections
from .coverage import CoverageIndex, PlaceKey, coverage
from .diagnostic import Diagnostic
from .level_model import LevelClassifier, level_features
from .national import diagnose_file
from .pipeline import DIAGNOSTIC_COLUMNS, diagnose
from .rules import LEVELS, UNDETERMINED, levels, recommendations
from .settings import Settings

__all__ = [
    "DIAGNOSTIC_COLUMNS",
    "LEVELS",
    "UNDETERMINED",
    "CoverageIndex",
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
