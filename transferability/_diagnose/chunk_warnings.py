"""The warnings of a file's chunks said once for the whole file, their counts summed.

Each chunk is scored on its own, so a warning that counts (« 12 marchés sans lieu ni département
d’acheteur ») comes once per chunk with the chunk's own count: the national file would give a hundred
lines saying the same thing. :class:`ChunkWarnings` gathers them and says each once, with the file's
count, when the file is read.
"""

from __future__ import annotations

import re
import warnings

from .._utils import fr_int

_COUNT = re.compile(r"^(\d+(?:[\u202f\u00a0 ]\d{3})*) ")  # a count as fr_int writes it, at the start


def _count(text: str) -> int:
    return int(re.sub(r"\D", "", _COUNT.match(text).group(1)))


class ChunkWarnings:
    """The warnings of every chunk, said once each at the end (:meth:`say`).

    A warning starting with a count is summed with the others of the same words after it. Its plural
    form is said when the sum is more than one; when every chunk gave the singular (one each), the
    plural's words are unknown and each text is said as it came.

    Examples
    --------
    >>> w = ChunkWarnings()
    >>> for text in ("3 marchés sans lieu", "1 marché sans lieu", "4 marchés sans lieu", "fichier trié"):
    ...     w.add(UserWarning, text)
    >>> w.texts()
    ['8 marchés sans lieu', 'fichier trié']
    >>> w = ChunkWarnings()
    >>> for text in ("1 marché déjà lu", "1 marché déjà lu"):
    ...     w.add(UserWarning, text)
    >>> w.texts()
    ['1 marché déjà lu (dans chacun de 2 lots du fichier)']
    """

    def __init__(self):
        self._counted: dict[tuple, dict] = {}  # (category, words after the count) → sums and forms
        self._plain: dict[tuple, None] = {}  # texts without a count, in order, once each

    def add(self, category: type[Warning], text: str) -> None:
        count = _COUNT.match(text)
        if count is None:
            self._plain[(category, text)] = None
            return
        n = _count(text)
        noun, _, rest = text[count.end() :].partition(" ")
        group = self._counted.setdefault((category, noun.removesuffix("s"), rest), {"n": 0, "texts": {}})
        group["n"] += n
        group["texts"][text] = group["texts"].get(text, 0) + 1  # how many chunks gave this text

    def texts(self) -> list[str]:
        """The texts to say, in the order their first chunk gave them (plain texts last)."""
        return [text for _, text in self._said()]

    def say(self, stacklevel: int = 2) -> None:
        for category, text in self._said():
            warnings.warn(text, category, stacklevel=stacklevel + 1)

    def _said(self) -> list[tuple[type[Warning], str]]:
        said = []
        for (category, _, _), group in self._counted.items():
            plural = next((t for t in group["texts"] if _count(t) > 1), None)
            if group["n"] < 2 or plural is not None:
                template = plural or next(iter(group["texts"]))
                said.append((category, _COUNT.sub(f"{fr_int(group['n'])} ", template, count=1)))
            else:  # chunks of one each: the plural's words are not known, each text said with its chunks
                said.extend(
                    (category, text if k == 1 else f"{text} (dans chacun de {fr_int(k)} lots du fichier)")
                    for text, k in group["texts"].items()
                )
        return said + list(self._plain)
