"""Nothing loaded can run code or exhaust the machine.

* .xlsx files are parsed by openpyxl through defusedxml (entities refused, never expanded), after
  the archive passed :func:`transferability._safety.check_archive` (zip bombs refused before any
  decompression, DTDs refused from the prolog);
* DECP XML is parsed by defusedxml with DTDs forbidden;
* JSON is parsed by :func:`json.loads` (no object hook), CSV by pandas and :mod:`csv` (no
  evaluation), parquet by pyarrow (no pickle);
* model files are loaded only when trusted: tested in tests/test_classifier.py
  (``test_user_models_need_trust_and_corrupt_files_are_refused``).
"""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import defusedxml
import defusedxml.ElementTree
import openpyxl
import openpyxl.xml.functions
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet import _reader

import transferability as tr
from transferability._io import safety as _safety

MAUVAIS = Path(__file__).parent / "data" / "mauvais"


def test_openpyxl_parses_workbooks_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True
    assert _reader.iterparse is defusedxml.ElementTree.iterparse  # every sheet
    if not openpyxl.xml.LXML:  # with lxml, openpyxl's fromstring resolves no entity either
        assert openpyxl.xml.functions.fromstring is defusedxml.ElementTree.fromstring


@pytest.mark.parametrize("name", ["bombe_xml_sharedstrings.xlsx", "bombe_xml_feuille.xlsx"])
def test_openpyxl_alone_refuses_the_billion_laughs_without_expanding_it(name):
    # Our prolog check comes first; this shows the second lock holds on its own.
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ValueError) as caught:
        book = load_workbook(MAUVAIS / name, read_only=True)
        for ws in book.worksheets:
            list(ws.iter_rows(values_only=True))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    chain, exc = [], caught.value
    while exc is not None:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    assert any(isinstance(e, defusedxml.EntitiesForbidden) for e in chain)
    assert time.perf_counter() - started < 5 and peak < 50 * 2**20


def test_decp_xml_bomb_is_refused_by_defusedxml():
    with pytest.raises(tr.InputError, match="XML dangereux refusé"):
        tr.read_contracts(MAUVAIS / "bombe_xml.xml")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bombe_zip_taille_declaree.xlsx", "taille décompressée trop grande"),
        ("bombe_zip_taux.xlsx", "compression anormalement forte"),
    ],
)
def test_zip_bombs_are_refused_before_any_decompression(monkeypatch, name, message):
    def no_inflation(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflation)
    with pytest.raises(tr.InputError, match=message):
        _safety.check_archive(MAUVAIS / name, name)


def test_limits_leave_real_workbooks_alone(tmp_path):
    assert _safety.MAX_COMPRESSION_RATIO == 100 and _safety.MAX_UNCOMPRESSED_BYTES == 2**30
    book = Workbook()
    ws = book.active
    ws.append(["Référence", "Objet", "Montant HT"])
    for i in range(5_000):  # a repetitive sheet compresses about 20:1
        ws.append([f"2021{i:05d}", "Nettoyage des locaux de la mairie", 14700.0])
    path = tmp_path / "grand.xlsx"
    book.save(path)
    _safety.check_archive(path, "grand.xlsx")
    assert len(tr.read_contracts(path)) == 5_000
