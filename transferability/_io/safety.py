"""Refusing dangerous or unusable files before any parser sees them.

Nothing read can run code or exhaust the machine:

* a workbook (``.xlsx``, a zip archive) is checked with :func:`check_archive` from the
  archive's own directory (:meth:`zipfile.ZipFile.infolist`) *before anything is
  decompressed*: at most :data:`MAX_ARCHIVE_MEMBERS` members, :data:`MAX_UNCOMPRESSED_BYTES`
  in all, no member above :data:`MAX_COMPRESSION_RATIO` (zip bombs). Python's ``zipfile``
  never inflates a member beyond its declared size, so the declared sizes bound the work;
* no XML member of a workbook may declare a DTD (``<!DOCTYPE``, ``<!ENTITY``): entity
  expansion ("billion laughs") and external entities are refused from the prolog, without
  parsing. openpyxl parses the rest through defusedxml, which refuses them too;
* DECP XML is parsed with defusedxml only (see :mod:`.tables`);
* a binary file (PDF, image, archive, Excel 97-2003) or a web page given as a data file is
  named as such instead of being decoded as text (:func:`check_not_binary`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .._errors import InputError, Problem

# Excel's own limit is 1,048,576 rows; a full sheet of 20 short columns is about 1 GiB of XML.
# Larger tables belong in CSV or parquet, which are read without decompression.
MAX_UNCOMPRESSED_BYTES = 1 << 30
# Apache POI's default (minimum inflate ratio 0.01): real sheets compress 5 to 40 times.
MAX_COMPRESSION_RATIO = 100
# Members smaller than this are not held to the ratio (tiny XML parts compress very well).
RATIO_GRACE_BYTES = 100 << 10
# A workbook has a few dozen parts; thousands of images still stay far below.
MAX_ARCHIVE_MEMBERS = 10_000
# A DTD can only stand in the prolog, before the root element: this much is searched.
PROLOG_BYTES = 64 << 10

_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_ROOT = re.compile(rb"<[A-Za-z_]")
_FIX = "rouvrir le fichier dans Excel ou LibreOffice et l’enregistrer en .xlsx, ou l’exporter en CSV"

# Leading bytes of binary formats that are given instead of a data file.
SIGNATURES = (
    (b"%PDF", "document PDF"),
    (b"\x89PNG", "image PNG"),
    (b"\xff\xd8\xff", "image JPEG"),
    (b"GIF8", "image GIF"),
    (b"\x1f\x8b", "archive gzip"),
    (b"7z\xbc\xaf", "archive 7-Zip"),
    (b"Rar!", "archive RAR"),
    (b"MZ", "programme Windows"),
    (b"\x7fELF", "programme"),
    (b"\xd0\xcf\x11\xe0", "classeur Excel 97-2003 (.xls) ou classeur protégé par mot de passe"),
    (b"PK\x03\x04", "archive zip ou classeur .xlsx (lu comme texte : format imposé ?)"),
)
BINARY_CONTROL_SHARE = 0.05  # more control bytes than this in the first KiB: not text


def _mib(n: float) -> str:
    return f"{n / (1 << 20):,.0f} Mo".replace(",", " ")


def check_archive(path: Path, where: str) -> None:
    """Refuse a workbook that is not a zip, a zip bomb, or holds XML with a DTD.

    Raises
    ------
    InputError
        Naming the member, its declared size and ratio, and the limit it exceeds.

    Examples
    --------
    >>> import io, tempfile, zipfile
    >>> path = Path(tempfile.mkdtemp()) / "bombe.xlsx"
    >>> with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("xl/worksheets/sheet1.xml", b"<a/>" * 2_000_000)
    >>> try:
    ...     check_archive(path, "bombe.xlsx")
    ... except InputError as exc:
    ...     print(exc.problems[0].what)
    archive suspecte (bombe zip) : compression anormalement forte
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            Problem("classeur Excel illisible (archive zip endommagée)", where, f"{exc}"[:200], _FIX)
        ) from None
    with archive:
        infos = archive.infolist()
        _check_sizes(infos, where)
        if not any(i.filename == "[Content_Types].xml" for i in infos):
            shown = ", ".join(i.filename for i in infos[:5]) + (" …" if len(infos) > 5 else "")
            raise InputError(
                Problem(
                    "archive zip, et non classeur Excel",
                    where,
                    f"{len(infos)} fichier(s) : {shown}",
                    "extraire de l’archive le fichier de marchés (CSV, xlsx, JSON, XML) et le donner",
                )
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                _check_prolog(archive, info, where)


def _check_sizes(infos: list[zipfile.ZipInfo], where: str) -> None:
    """Too many members, too large once decompressed, or one member compressed too well: a zip bomb."""
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise InputError(
            Problem(
                "archive suspecte : trop de fichiers dans le classeur",
                where,
                f"{len(infos)} membres (limite {MAX_ARCHIVE_MEMBERS})",
                _FIX,
            )
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError(
            Problem(
                "archive suspecte (bombe zip) : taille décompressée trop grande",
                where,
                f"{_mib(total)} déclarés (limite {_mib(MAX_UNCOMPRESSED_BYTES)})",
                "exporter le tableau en CSV, lu sans décompression",
            )
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_GRACE_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise InputError(
                Problem(
                    "archive suspecte (bombe zip) : compression anormalement forte",
                    f"{where}, membre « {info.filename} »",
                    f"{_mib(info.file_size)} décompressés pour {info.compress_size >> 10} Ko compressés "
                    f"(taux {ratio:,.0f}:1 > {MAX_COMPRESSION_RATIO}:1)".replace(",", " "),
                    _FIX,
                )
            )


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> None:
    try:
        with archive.open(info) as member:
            head = member.read(PROLOG_BYTES)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise InputError(
            Problem(
                "classeur Excel illisible",
                f"{where}, membre « {info.filename} »",
                f"{type(exc).__name__} : {exc}"[:200],
                _FIX,
            )
        ) from None
    root = _ROOT.search(head)
    if _DTD.search(head[: root.start()] if root else head):
        raise InputError(
            Problem(
                "XML dangereux refusé : déclaration de DTD ou d’entités (procédé des « bombes XML »)",
                f"{where}, membre « {info.filename} »",
                "<!DOCTYPE ou <!ENTITY avant l’élément racine",
                _FIX,
            )
        )


def file_head(path: Path, n: int = 4096) -> bytes:
    """The first bytes of an input file, once it is known to exist and not to be empty."""
    where = str(path)
    if path.is_dir():
        raise InputError(
            Problem(
                "dossier donné à la place d’un fichier",
                where,
                "un dossier",
                "donner ses fichiers (ex. dossier/*.csv)",
            )
        )
    if not path.is_file():
        raise InputError(Problem("fichier introuvable", where, "", "vérifier le chemin"))
    if path.stat().st_size == 0:
        raise InputError(Problem("fichier vide", where, "0 octet", "vérifier l’export"))
    with path.open("rb") as f:
        return f.read(n)


def check_not_binary(head: bytes, where: str) -> None:
    """Refuse a binary file or a web page given as a data file, naming what it is.

    ``head`` is the first bytes of the file (a KiB or more).

    Examples
    --------
    >>> check_not_binary(b"Objet;Montant\\nTonte;12\\n", "a.csv")
    >>> check_not_binary(b"%PDF-1.7 ...", "a.csv")
    Traceback (most recent call last):
    ...
    transferability._errors.InputError: 1 problème empêche la lecture :
    - a.csv : fichier binaire, pas un tableau de données ; trouvé : document PDF ; solution : exporter les marchés en CSV, xlsx, JSON ou XML
    """
    found = next((label for magic, label in SIGNATURES if head.startswith(magic)), None)
    sample = head.rstrip(b"\x00")[:1024]  # NUL padding after the last line is repaired, not refused
    if found is None and sample and not looks_utf16(sample):
        control = sum(b < 9 or 13 < b < 32 for b in sample if b not in (10, 13, 12))
        if control > BINARY_CONTROL_SHARE * len(sample):
            found = f"{control} octets de contrôle sur les {len(sample)} premiers"
    if found:
        if found.startswith("classeur Excel 97"):
            fix = "ouvrir le fichier dans Excel ou LibreOffice (retirer le mot de passe) et l’enregistrer en .xlsx"
        else:
            fix = "exporter les marchés en CSV, xlsx, JSON ou XML"
        raise InputError(Problem("fichier binaire, pas un tableau de données", where, found, fix))
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:256].lower()
    if text.startswith((b"<!doctype html", b"<html")) or (text.startswith(b"<?xml") and b"<html" in text):
        title = re.search(rb"<title>(.*?)</title>", head, re.I | re.S)
        shown = title.group(1).decode("utf-8", "replace").strip()[:80] if title else ""
        raise InputError(
            Problem(
                "page web (HTML), pas un fichier de données",
                where,
                f"page « {shown} »" if shown else "balise <html>",
                "le téléchargement a sans doute échoué : télécharger de nouveau le fichier",
            )
        )


def looks_utf16(sample: bytes) -> bool:
    """UTF-16 text: a byte-order mark, or ASCII with a NUL every other byte."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    even, odd = sample[0::2], sample[1::2]
    return len(sample) >= 4 and (even.count(0) > 0.9 * len(even) or odd.count(0) > 0.9 * len(odd))


def gunzipped(path: Path, where: str) -> Path:
    """A gzip file (``decp.json.gz``) decompressed into a temporary file of the same name without ``.gz``,
    up to ``MAX_UNCOMPRESSED_BYTES`` (a gzip bomb is refused)."""
    import gzip
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="transferability_"))
    out = folder / (path.name[:-3] if path.name.lower().endswith(".gz") else path.name + ".decompresse")
    try:
        with gzip.open(path, "rb") as src, out.open("wb") as dst:
            copied = 0
            while chunk := src.read(1 << 20):
                copied += len(chunk)
                if copied > MAX_UNCOMPRESSED_BYTES:
                    raise InputError(
                        Problem(
                            "archive suspecte (bombe gzip) : taille décompressée trop grande",
                            where,
                            f"plus de {_mib(MAX_UNCOMPRESSED_BYTES)} décompressés",
                            "décompresser le fichier soi-même et vérifier son contenu",
                        )
                    )
                dst.write(chunk)
    except (OSError, EOFError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise InputError(
            Problem("archive gzip illisible", where, str(exc)[:200], "la télécharger de nouveau")
        ) from None
    return out
