"""transferability: diagnostic de transférabilité des marchés publics vers le secteur inclusif.

The pipeline, one module per stage: reading contracts (``read_contracts``) → trades
→ coverage → scoring → report.
"""

from ._classifier import TradeClassifier
from ._contracts import CONTRACT_COLUMNS, read_contracts
from ._datasets import load_sample_contracts_path
from ._errors import InputError, ModelError, Problem, TransferabilityWarning
from ._persistence import load_model
from ._training import classify_trades

__all__ = [
    "CONTRACT_COLUMNS",
    "InputError",
    "ModelError",
    "Problem",
    "TradeClassifier",
    "TransferabilityWarning",
    "classify_trades",
    "load_model",
    "load_sample_contracts_path",
    "read_contracts",
]
__version__ = "0.1.0"
