"""transferability: diagnostic de transférabilité des marchés publics vers le secteur inclusif.

The pipeline, one module per stage: reading contracts (``read_contracts``) and directories
(``read_directory``) → trades (``TradeClassifier``) → coverage → scoring (``Settings``) →
``diagnose`` → report (``Diagnostic.to_excel``).
"""

from ._classifier import OUTPUT_COLUMNS as CLASSIFICATION_COLUMNS
from ._classifier import TradeClassifier
from ._contracts import CONTRACT_COLUMNS, read_contracts
from ._corrections import apply_corrections
from ._datasets import load_sample_contracts_path
from ._datasets_directory import load_sample_directory
from ._diagnostic import DIAGNOSTIC_COLUMNS, Diagnostic, diagnose
from ._directory import DIRECTORY_COLUMNS, read_directory
from ._errors import InputError, ModelError, Problem, TransferabilityWarning
from ._national import diagnose_file
from ._persistence import load_model
from ._scoring import LevelClassifier, Settings, level_features
from ._training import classify_trades, export_review
from ._training import train as train_model

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
    "classify_trades",
    "diagnose",
    "diagnose_file",
    "export_review",
    "level_features",
    "load_model",
    "load_sample_contracts_path",
    "load_sample_directory",
    "read_contracts",
    "read_directory",
    "train_model",
]
__version__ = "0.1.0"
