"""Errors and warnings of the library.

Every input problem that stops a reading is a :class:`Problem` (what, where, what was
found, how to fix it); a reader collects all the problems of a file and raises one
:class:`InputError` listing them, instead of stopping at the first.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["InputError", "ModelError", "Problem", "TransferabilityWarning", "read_each"]


class TransferabilityWarning(UserWarning):
    """A warning about the data or the model that the user should read."""


@dataclass(frozen=True)
class Problem:
    """One problem of an input file.

    Parameters
    ----------
    what : str
        What is wrong, in French.
    where : str
        File, sheet, row and column, as far as known.
    found : str
        What was found instead.
    fix : str
        How to fix it.

    Examples
    --------
    >>> print(Problem("feuille introuvable", "achats.xlsx", "« 2024 »", "choisir une de : Marchés"))
    achats.xlsx : feuille introuvable ; trouvé : « 2024 » ; solution : choisir une de : Marchés
    """

    what: str
    where: str
    found: str = ""
    fix: str = ""

    def __str__(self) -> str:
        parts = [f"{self.where} : {self.what}"]
        if self.found:
            parts.append(f"trouvé : {self.found}")
        if self.fix:
            parts.append(f"solution : {self.fix}")
        return " ; ".join(parts)


class InputError(ValueError):
    """An input file cannot be used; the message lists every problem found.

    Examples
    --------
    >>> err = InputError([Problem("fichier vide", "a.csv"), Problem("fichier vide", "b.csv")])
    >>> len(err.problems)
    2
    >>> print(err)
    2 problèmes empêchent la lecture :
    - a.csv : fichier vide
    - b.csv : fichier vide
    """

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        n = len(self.problems)
        head = "1 problème empêche la lecture :" if n == 1 else f"{n} problèmes empêchent la lecture :"
        super().__init__("\n".join([head, *(f"- {p}" for p in self.problems)]))

    def __reduce__(self):  # rebuilt from its problems (raised in a worker process, re-raised here)
        return type(self), (self.problems,)


class ModelError(RuntimeError):
    """A model file is missing, corrupt, or not trusted."""


def read_each(paths, read_one) -> tuple[list, list]:
    """Call ``read_one(path)`` on every path, collecting every problem, then raise them together.

    ``read_one`` returns ``(table, report)``; the tables and reports are returned in order.
    """
    problems: list[Problem] = []
    tables, reports = [], []
    for path in paths:
        try:
            table, report = read_one(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        tables.append(table)
        reports.append(report)
    if problems:
        raise InputError(problems)
    return tables, reports
