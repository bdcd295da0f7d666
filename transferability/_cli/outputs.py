"""Output paths checked before any work, and inputs given as « - » (the standard input)."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .parser import UsageError


def check_output(
    path: str | None, suffixes: tuple[str, ...], what: str, example: str, inputs=()
) -> Path | None:
    """The output path, once it is known that the file can be written there and that it is none of the
    ``inputs``; raises UsageError otherwise."""
    if not path:
        return None
    out = Path(path)
    if _one_of(out, inputs):
        raise UsageError(
            f"{path} est aussi un fichier lu\u00a0: {what} l’écraserait\u00a0; choisir un autre nom"
        )
    if out.is_dir():
        raise UsageError(
            f"{path} est un dossier\u00a0: donner un nom de fichier pour {what} (ex. {out / example})"
        )
    if out.suffix.lower() not in suffixes:
        shown = out.suffix or "aucune extension"
        hint = " (une table par marché se demande avec --csv table.csv)" if suffixes == (".xlsx",) else ""
        raise UsageError(
            f"{path}\u00a0: {what} s’écrit en {' ou '.join(suffixes)} ({shown} donné)\u00a0; nommer le fichier {example}{hint}"
        )
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(
            f"dossier introuvable pour {path}\u00a0: créer « {parent} » ou choisir un autre chemin"
        )
    lock = parent / f".~lock.{out.name}#"
    if lock.exists():
        raise UsageError(
            f"{path} est ouvert dans LibreOffice (fichier {lock.name})\u00a0: le fermer, puis relancer"
        )
    if out.exists() and not os.access(out, os.W_OK) or not os.access(parent, os.W_OK):
        raise UsageError(f"{path} ne peut pas être écrit (lecture seule)\u00a0: choisir un autre chemin")
    return out


# what a report writes beside it when it is too large for its sheets: every contract, every direction
BESIDE = {
    ".marches.csv": "la table de tous les marchés",
    ".directions.csv": "la table de toutes les directions",
}


def check_beside(report: Path | None, outputs=(), inputs=()) -> None:
    """Raise UsageError when a file the report may write beside it (:data:`BESIDE`) is one of the ``inputs``
    or of the other ``outputs``, which it would overwrite."""
    if report is None:
        return
    for suffix, what in BESIDE.items():
        beside = report.with_suffix(suffix)
        if _one_of(beside, inputs):
            raise UsageError(
                f"{beside} est aussi un fichier lu\u00a0: le rapport {report.name} écrit "
                f"{what} sous ce nom quand il est grand\u00a0; choisir un autre nom pour le rapport"
            )
        if _one_of(beside, outputs):
            raise UsageError(
                f"{beside}\u00a0: le rapport {report.name} écrit {what} sous ce nom quand il "
                "est grand\u00a0; choisir un autre nom pour la table (--csv) ou pour le rapport"
            )


def _one_of(path: Path, paths) -> bool:
    """Whether ``path`` is the same file as one of ``paths`` (None and « - », the standard input, are none)."""
    return any(Path(p).resolve() == path.resolve() for p in paths if p is not None and p != "-")


def check_folder(path: str) -> Path:
    """An output folder: created when missing; raises UsageError when a file is in the way."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{path} est un fichier\u00a0: donner un dossier pour le modèle et sa fiche")
    return out


def stdin_inputs(paths: list[str]) -> list[str]:
    """The paths, where « - » is replaced by a temporary file holding the standard input (removed when the
    program ends)."""
    if "-" not in paths:
        return paths
    data = sys.stdin.buffer.read()
    folder = Path(tempfile.mkdtemp(prefix="transferability_"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    stdin = folder / "entree_standard"
    stdin.write_bytes(data)
    return [str(stdin) if p == "-" else p for p in paths]
