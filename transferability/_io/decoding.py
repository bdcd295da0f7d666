"""Decoding text files and splitting CSV records, whatever the export did to them.

UTF-8 (with or without BOM), UTF-16 and UTF-32, Windows-1252, a UTF-8 file holding a few
Windows-1252 lines, C1 controls, double-encoded UTF-8 and NUL bytes are all turned into
clean text, each repair noted. CSV records keep the physical line where they start, so that
a quoted cell spanning lines does not shift the source lines of the rows after it.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections import Counter

import ftfy

from .._errors import InputError, Problem
from .._utils import clean_text
from .safety import looks_utf16

HEADER_SEARCH_ROWS = 15
MAX_CELL_LINES = 20  # a quoted cell spanning more lines than this is most likely an unclosed quote
MAX_CELL_CHARS = 10 << 20  # csv's own limit (128 Kio) is lifted up to this
_C1 = re.compile("[\u0080-\u009f]")
_DOUBLE_ENCODED = re.compile("Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]")
EXCEL_HINT = re.compile(r"^\ufeff?sep=(.)\s*$", re.I)
SEPARATORS = (";", ",", "\t", "|")
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


def utf16_codec(raw: bytes) -> str:
    return "utf-16-le" if raw[1:1024:2].count(0) > raw[0:1024:2].count(0) else "utf-16-be"


def _decode_wide(raw: bytes, where: str, notes: list[str]) -> str | None:
    """UTF-16 or UTF-32 text (with a byte-order mark, or UTF-16 without), else None."""
    found = next(((raw[len(bom) :], codec, label) for bom, codec, label in BOMS if raw.startswith(bom)), None)
    if found is None:
        if not looks_utf16(raw[:1024]):
            return None
        found = (raw, utf16_codec(raw), "UTF-16 sans BOM")
    body, codec, label = found
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            Problem(
                f"texte {label} endommagé",
                where,
                f"octets illisibles à la position {exc.start}",
                "réenregistrer le fichier en UTF-8 (Excel : « CSV UTF-8 »)",
            )
        ) from None
    notes.append(f"fichier encodé en {label} (et non UTF-8)")
    return text


def _decode_8bit(raw: bytes, where: str, notes: list[str]) -> str:
    """Windows-1252, or UTF-8 with a few Windows-1252 lines (two exports pasted together)."""
    lines = raw.split(b"\n")
    bad, utf8 = [], 0
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            bad.append(i)
    if utf8 >= len(bad):
        wrong = set(bad)
        parts = [_cp1252(ln, i, where) if i in wrong else ln.decode("utf-8") for i, ln in enumerate(lines)]
        shown = ", ".join(str(i + 1) for i in bad[:10]) + (" …" if len(bad) > 10 else "")
        notes.append(
            f"{len(bad)} ligne(s) en Windows-1252 dans un fichier UTF-8 (ligne(s) {shown}) : décodée(s) une à une"
        )
        return "\n".join(parts).lstrip("\ufeff")
    legacy = _legacy(raw)
    if legacy is not None:
        notes.append(f"fichier encodé en {legacy[1]}, et non UTF-8")
        return legacy[0]
    text = _cp1252(raw, 0, where)
    if re.search(r"\d\s?¤|¤\s?\d|[a-zA-Z][½¼]|[½¼][a-zA-Z]", text):  # €, œ, Œ of ISO-8859-15 read as ¤, ½, ¼
        notes.append("fichier encodé en ISO-8859-15 (Latin-9), et non UTF-8")
        return raw.decode("iso8859_15")
    notes.append("fichier encodé en Windows-1252 (et non UTF-8)")
    return text


_FRENCH = set("éèêàâùûîôçœ’«»")  # the letters a French text is full of


_LEGACY = {"mac_roman": "Mac Roman (ancien Mac)", "cp850": "DOS (page de code 850)"}


def _legacy(raw: bytes) -> tuple[str, str] | None:
    """(text, encoding's name) when an old Mac or DOS encoding reads the non-ASCII bytes as the letters of
    French text and Windows-1252 does not; else None."""
    high = bytes(b for b in raw[:200_000] if b >= 0x80)
    if not high:
        return None
    french_cp = sum(c in _FRENCH for c in high.decode("cp1252", "replace"))
    best = max(_LEGACY, key=lambda codec: sum(c in _FRENCH for c in high.decode(codec)))
    french = sum(c in _FRENCH for c in high.decode(best))
    if french >= max(3, 0.6 * len(high)) and french_cp < french / 2:
        return raw.decode(best), _LEGACY[best]
    return None


def _cp1252(raw: bytes, line: int, where: str) -> str:
    try:
        return raw.decode("cp1252")  # Python's cp1252 refuses the 5 undefined bytes: never latin-1
    except UnicodeDecodeError as exc:
        at = line + raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            Problem(
                "encodage non reconnu (ni UTF-8 ni Windows-1252)",
                f"{where}, ligne {at}",
                f"octet 0x{raw[exc.start]:02x} à la ligne {at}",
                "réenregistrer le fichier en UTF-8 (Excel : « CSV UTF-8 »)",
            )
        ) from None


def decode(raw: bytes, where: str) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), UTF-16/32, else Windows-1252, line by line when mixed.

    C1 control characters in UTF-8 text are Windows-1252 characters that went through
    latin-1: they are mapped back. Double-encoded UTF-8 is repaired, NUL bytes dropped.
    Raises InputError when no decoding works, naming the line.
    """
    notes: list[str] = []
    text = _decode_wide(raw, where, notes)
    if text is None:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _decode_8bit(raw, where, notes)
    if _C1.search(text):
        # UTF-8 holding C1 controls: Windows-1252 characters (’, œ, …) that went through latin-1
        text = ftfy.fixes.fix_c1_controls(text)
        notes.append("caractères de contrôle C1 remplacés par leurs équivalents Windows-1252")
    if _DOUBLE_ENCODED.search(text):
        fixed = "\n".join(ftfy.fix_encoding(line) for line in text.split("\n"))
        if fixed != text:
            notes.append("texte doublement encodé en UTF-8 (« RÃ©gion ») : réparé")
            text = fixed
    if "\ufeff" in text[1:]:  # two exports pasted one after the other: the second one's BOM
        notes.append(
            f"{text.count(chr(0xFEFF), 1)} marque(s) d’ordre d’octets (BOM) au milieu du fichier : retirée(s)"
        )
        text = text[:1] + text[1:].replace("\ufeff", "")
    if "\x00" in text:
        notes.append(f"{text.count(chr(0))} octet(s) nul(s) supprimé(s)")
        text = text.replace("\x00", "")
    if "\ufffd" in text:
        notes.append("caractères illisibles (« � ») présents dans le fichier : perdus à la source")
    return text, notes


def head_lines(text: str, n: int = HEADER_SEARCH_ROWS + 10, max_chars: int = 1 << 20) -> str:
    """The first ``n`` lines of a text, without splitting the whole of it."""
    end = 0
    for _ in range(n):
        end = text.find("\n", end, max_chars) + 1
        if end == 0:
            return text[:max_chars]
    return text[:end]


def sniff_separator(text: str) -> str:
    """The separator among ``; , tab |`` that splits the first lines most consistently.

    Excel's ``sep=;`` first line wins when present.

    Examples
    --------
    >>> sniff_separator("a;b;c\\n1;2,5;3\\n")
    ';'
    >>> sniff_separator("a|b|c\\n1|2|3\\n")
    '|'
    >>> sniff_separator("sep=,\\na;b,c\\n")
    ','
    """
    lines = [ln for ln in head_lines(text).splitlines() if ln.strip()]
    hint = EXCEL_HINT.match(lines[0]) if lines else None
    if hint:
        return hint.group(1)
    best, best_score = ",", -1.0
    for sep in SEPARATORS:
        allow_large_cells()
        counts = [len(next(csv.reader([ln], delimiter=sep))) - 1 for ln in lines]
        if not counts or max(counts) == 0:
            continue
        mode = Counter(counts).most_common(1)[0][0]
        score = sum(c == mode for c in counts) * mode
        if score > best_score:
            best, best_score = sep, score
    return best


@functools.cache
def allow_large_cells() -> None:
    """Raise the csv module's cell limit (128 KiB) to ``MAX_CELL_CHARS``, once, never lowering it.

    The limit is the csv module's global state: raising it once, the first time a file is read, leaves
    it stable for every thread, where setting and restoring it around each read would race.
    """
    if csv.field_size_limit() < MAX_CELL_CHARS:
        csv.field_size_limit(MAX_CELL_CHARS)


def csv_records(
    text: str, sep: str, where: str, first_line: int = 1, whole: bool = True
) -> tuple[list[list[str]], list[int]]:
    """Every record of a CSV text and the physical line where each starts.

    When ``text`` is a whole file (``whole``), raises InputError on a quote opened and never
    closed: the rest of the file would be read as one cell.
    """
    rows, starts, line = [], [], first_line
    allow_large_cells()
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        for record in reader:
            rows.append(record)
            starts.append(line)
            line = first_line + reader.line_num
    except csv.Error as exc:
        raise InputError(
            Problem("CSV illisible", f"{where}, ligne {line}", str(exc), "vérifier l’export")
        ) from None
    if whole and rows and line - starts[-1] > 1:
        span = line - starts[-1]
        tail = text.rstrip("\r\n").rsplit("\n", span)[-span:]
        if sum(part.count('"') for part in tail) % 2:
            raise InputError(
                Problem(
                    "guillemet ouvert et jamais fermé : la fin du fichier serait lue comme une seule cellule",
                    f"{where}, ligne {starts[-1]}",
                    f"« {clean_text(tail[0])[:80]} » ({span} lignes jusqu’à la fin du fichier)",
                    'fermer le guillemet ou le retirer (un guillemet dans une cellule s’écrit "")',
                )
            )
    return rows, starts
