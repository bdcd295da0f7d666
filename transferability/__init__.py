"""transferability: diagnostic de transférabilité des marchés publics vers le secteur inclusif.

The pipeline, one private subpackage per stage: reading contracts (``read_contracts``) and directories
(``read_directory``) → trades (``TradeClassifier``, ``classify_trades``) → coverage, levels and
recommendations (``Settings``, ``diagnose``, ``Diagnostic``) → report (``Diagnostic.to_excel``, ``write_csv``).
"""

from ._classify import OUTPUT_COLUMNS as CLASSIFICATION_COLUMNS
from ._classify import TradeClassifier, classify_trades, load_model
from ._classify import evaluate as evaluate_model
from ._classify import train as train_model
from ._contracts import CONTRACT_COLUMNS, apply_territory, read_contracts
from ._datasets import load_sample_contracts_path, load_sample_directory
from ._diagnose import (
    DIAGNOSTIC_COLUMNS,
    Diagnostic,
    LevelClassifier,
    Settings,
    apply_corrections,
    diagnose,
    diagnose_file,
    level_features,
)
from ._directory import DIRECTORY_COLUMNS, read_directory
from ._errors import InputError, ModelError, Problem, TransferabilityWarning
from ._report import export_review, write_csv

__all__ = [
    "CLASSIFICATION_COLUMNS",
    "CONTRACT_COLUMNS",
    "DIAGNOSTIC_COLUMNS",
    "DIRECTORY_COLUMNS",
    "Diagnostic",
    "InputError",
    "LevelClassifier",
    "ModelError",
    "Problem",
    "Settings",
    "TradeClassifier",
    "TransferabilityWarning",
    "apply_corrections",
    "apply_territory",
    "classify_trades",
    "diagnose",
    "diagnose_file",
    "evaluate_model",
    "export_review",
    "level_features",
    "load_model",
    "load_sample_contracts_path",
    "load_sample_directory",
    "read_contracts",
    "read_directory",
    "train_model",
    "write_csv",
]
__version__ = "0.1.0"
