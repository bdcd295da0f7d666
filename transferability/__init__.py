"""transferability: diagnostic de transférabilité des marchés publics vers le secteur inclusif.

The pipeline, one private subpackage per stage: reading contracts (``read_contracts``) and directories
(``read_directory``) → trades (``TradeClassifier``, ``classify_trades``) → coverage, levels and
recommendations (``Settings``, ``diagnose``, ``Diagnostic``) → report (``Diagnostic.to_excel``, ``write_csv``).

The public names are imported on first use (PEP 562), so that ``transferability --help`` answers at once;
``from transferability import diagnose`` and ``transferability.diagnose`` work as usual.
"""

from __future__ import annotations

import importlib

# the one place the version is written: the build reads it from here (pyproject.toml, tool.hatch.version),
# which spares every start of the command line the import of importlib.metadata
__version__ = "0.1.0"

# public name → (private subpackage, name there)
_PUBLIC = {
    "CLASSIFICATION_COLUMNS": ("_classify", "OUTPUT_COLUMNS"),
    "TradeClassifier": ("_classify", "TradeClassifier"),
    "classify_trades": ("_classify", "classify_trades"),
    "load_model": ("_classify", "load_model"),
    "evaluate_model": ("_classify", "evaluate"),
    "train_model": ("_classify", "train"),
    "CONTRACT_COLUMNS": ("_contracts", "CONTRACT_COLUMNS"),
    "apply_territory": ("_contracts", "apply_territory"),
    "read_contracts": ("_contracts", "read_contracts"),
    "load_sample_contracts_path": ("_datasets", "load_sample_contracts_path"),
    "load_sample_directory": ("_datasets", "load_sample_directory"),
    "DIAGNOSTIC_COLUMNS": ("_diagnose", "DIAGNOSTIC_COLUMNS"),
    "Diagnostic": ("_diagnose", "Diagnostic"),
    "LevelClassifier": ("_diagnose", "LevelClassifier"),
    "PotentialModel": ("_diagnose", "PotentialModel"),
    "evaluate_potential": ("_diagnose", "evaluate_potential"),
    "judge_potentials": ("_diagnose", "judge_potentials"),
    "Settings": ("_diagnose", "Settings"),
    "apply_corrections": ("_diagnose", "apply_corrections"),
    "diagnose": ("_diagnose", "diagnose"),
    "diagnose_file": ("_diagnose", "diagnose_file"),
    "level_features": ("_diagnose", "level_features"),
    "DIRECTORY_COLUMNS": ("_directory", "DIRECTORY_COLUMNS"),
    "read_directory": ("_directory", "read_directory"),
    "InputError": ("_errors", "InputError"),
    "ModelError": ("_errors", "ModelError"),
    "Problem": ("_errors", "Problem"),
    "TransferabilityWarning": ("_errors", "TransferabilityWarning"),
    "export_review": ("_report", "export_review"),
    "write_csv": ("_report", "write_csv"),
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'transferability' has no attribute {name!r}")
    module, attribute = _PUBLIC[name]
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    globals()[name] = value  # the next access is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
