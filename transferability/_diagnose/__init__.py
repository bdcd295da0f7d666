"""The diagnostic: coverage, levels and recommendations, the Diagnostic, corrections, the national path."""

from .corrections import apply_corrections
from .coverage import CoverageIndex, PlaceKey, coverage
from .diagnostic import Diagnostic
from .explain import CAPACITY_WORDS
from .level_model import LevelClassifier, level_features
from .national import diagnose_file
from .pipeline import DIAGNOSTIC_COLUMNS, diagnose
from .potential import (
    AMOUNT_BANDS,
    POTENTIALS,
    SECTORS,
    PotentialModel,
    classified_labels,
    judge_potentials,
    potential_features,
    sector_parts,
)
from .potential import OUTPUT_COLUMNS as POTENTIAL_COLUMNS
from .potential import Y_COLUMNS as POTENTIAL_LABELS
from .potential_eval import capability_rule, evaluate_potential
from .recommend import RECOMMENDATION_COLUMNS, recommendations
from .rules import LEVELS, UNDETERMINED
from .settings import Settings
from .verdict import SECTOR_NAMES, VERDICT_COLUMNS, best_level, territory_level

__all__ = [
    "AMOUNT_BANDS",
    "CAPACITY_WORDS",
    "CoverageIndex",
    "DIAGNOSTIC_COLUMNS",
    "Diagnostic",
    "LEVELS",
    "LevelClassifier",
    "POTENTIALS",
    "POTENTIAL_COLUMNS",
    "POTENTIAL_LABELS",
    "RECOMMENDATION_COLUMNS",
    "PlaceKey",
    "PotentialModel",
    "SECTORS",
    "SECTOR_NAMES",
    "Settings",
    "UNDETERMINED",
    "VERDICT_COLUMNS",
    "apply_corrections",
    "capability_rule",
    "classified_labels",
    "coverage",
    "diagnose",
    "diagnose_file",
    "evaluate_potential",
    "judge_potentials",
    "level_features",
    "best_level",
    "potential_features",
    "recommendations",
    "sector_parts",
    "territory_level",
]
