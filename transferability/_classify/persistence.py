"""Saving and loading models safely.

The shipped model's SHA-256 is pinned here: a swapped or corrupted file is refused. A model
a user trained is loaded only with ``trusted=True`` (joblib files can run code when loaded).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import joblib
import sklearn

from .._errors import ModelError, TransferabilityWarning
from .._utils import models_dir

SHIPPED_MODEL = "trade_classifier.joblib"
SHIPPED_MODEL_SHA256 = "df049775c2ed1fd9b3078a41ea3ef59734b44a771360ea56a61639b1d6a56210"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def save_model(model, path: str | Path, card: dict) -> Path:
    """Write the model (joblib, compressed) and its card (``<name>.card.json``) beside it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump({"model": model, "sklearn": sklearn.__version__, "format": 1}, path, compress=3)
    card = {**card, "fichier": path.name, "sha256": sha256(path)}
    path.with_suffix(".card.json").write_text(
        json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return path


def load_model(path: str | Path | None = None, *, trusted: bool = False):
    """Load the shipped model (default) or a model file.

    Raises
    ------
    ModelError
        Missing file, corrupt file, a shipped file whose hash is not the pinned one, or another
        file without ``trusted=True``.
    """
    shipped = path is None
    path = models_dir() / SHIPPED_MODEL if shipped else Path(path)
    if not path.is_file():
        raise ModelError(
            f"modèle introuvable : {path} ; entraîner un modèle avec « transferability entrainer »"
        )
    if shipped and sha256(path) != SHIPPED_MODEL_SHA256:
        raise ModelError(
            f"le modèle livré {path} n’est pas celui qui a été publié (empreinte SHA-256 différente) ; "
            "réinstaller le paquet"
        )
    if not shipped and not trusted:
        raise ModelError(
            f"{path} : un fichier de modèle peut exécuter du code à l’ouverture ; ne le charger que "
            "s’il vient de vous, avec trusted=True (ou --confiance en ligne de commande)"
        )
    try:
        payload = joblib.load(path)
        model = payload["model"]
    except Exception as exc:
        raise ModelError(f"modèle illisible ou corrompu : {path} ({type(exc).__name__})") from None
    if payload.get("sklearn") != sklearn.__version__:
        warnings.warn(
            f"modèle entraîné avec scikit-learn {payload.get('sklearn')}, utilisé avec "
            f"{sklearn.__version__} : réentraîner avec « transferability entrainer » si les résultats "
            "semblent faux",
            TransferabilityWarning,
            stacklevel=2,
        )
    return model
