"""The trade classifier: features, TradeClassifier, explanations, baselines, training, persistence."""

from . import baselines
from .classifier import OUTPUT_COLUMNS, TradeClassifier, classify_trades
from .persistence import SHIPPED_MODEL_SHA256, load_model, save_model
from .training import (
    LABELS_FILE,
    evaluate,
    grouped_predictions,
    load_labelled,
    read_corrections,
    scores,
    train,
)

__all__ = [
    "LABELS_FILE",
    "OUTPUT_COLUMNS",
    "SHIPPED_MODEL_SHA256",
    "TradeClassifier",
    "baselines",
    "classify_trades",
    "evaluate",
    "grouped_predictions",
    "load_labelled",
    "load_model",
    "read_corrections",
    "save_model",
    "scores",
    "train",
]
