"""A large CSV file read by chunks: header, source lines, rows set aside and defects as a whole read gives them."""

import datetime as dt
import gzip
import re
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest

import transferability as tr
from transferability.cli import main

DATA = Path(__file__).parent / "data"
SETTINGS = tr.Settings(date_reference=dt.date(2025, 6, 30))


def _export_lines() -> list[str]:
    """Twelve real consolidated rows as a buyer's CSV export: a title and a blank line above the header, an
    object on three lines, a blank line and the header repeated among the rows (exports pasted together)."""
    frame = pd.read_csv(DATA / "consolide_travaux_extrait.csv", dtype=str, keep_default_na=False).head(12)
    frame["objet"] = "Travaux de peinture des écoles"
    frame.loc[3, "objet"] = "Travaux de peinture\ndes écoles\net du gymnase"
    body = frame.to_csv(sep=";", index=False, lineterminator="\n").split("\n")
    header = body[0]
    return [
        "Export des marchés 2025 — Département",
        "",
        header,
        *body[1:8],
        "",
        *body[8:10],
        header,
        *body[10:],
    ]


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("\n".join(_export_lines()), encoding="utf-8")
    return path


def _same_as_a_whole_read(path: Path, tmp_path: Path, chunksize: int) -> dict:
    """Diagnose ``path`` by chunks and check its contracts, lines and rows against a whole read."""
    at_once = tr.read_contracts(path)
    result = tr.diagnose_file(
        path, tmp_path / "out.parquet", settings=SETTINGS, chunksize=chunksize, n_jobs=1
    )
    detail = pd.read_parquet(tmp_path / "out.parquet")
    lines = [" | ".join(map(str, v)) if isinstance(v, list) else str(v) for v in at_once["source_ligne"]]
    assert detail["source_ligne"].tolist() == lines
    assert detail["id_contrat"].tolist() == at_once["id_contrat"].tolist()
    assert detail["doublon"].tolist() == at_once["doublon"].tolist()
    assert detail["objet"].tolist() == at_once["objet"].tolist()
    report = at_once.attrs["lecture"][0]
    assert (result["lignes_lues"], result["lignes_ecartees"]) == (
        report["lignes_lues"],
        report["lignes_ecartees"],
    )
    return result


@pytest.mark.parametrize("chunksize", [1, 3, 100])
def test_a_csv_export_by_chunks_gives_the_lines_and_rows_set_aside_of_one_read(export, tmp_path, chunksize):
    result = _same_as_a_whole_read(export, tmp_path, chunksize)
    lines = pd.read_parquet(tmp_path / "out.parquet")["source_ligne"].tolist()
    assert "10" in lines and "15 | 16" in lines  # below a cell on three lines and a repeated header
    assert result["lignes_ecartees"] == {"en-tête répété": 1, "ligne vide": 1}
    assert result["lignes_lues"] == 14
    assert result["notes"] == ["séparateur « ; »"]


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        (
            lambda lines: [*lines, 'ZZ;"Tonte des pelouses', "du stade"],
            "à partir de la ligne 21\\W+guillemet",
        ),
    ],
)
def test_a_row_pandas_cannot_cut_is_said_with_its_line_in_the_file(tmp_path, bad, said):
    """The line said is the file's, below the title, the blank lines and the cell on three lines."""
    path = tmp_path / "export.csv"
    path.write_text("\n".join(bad(_export_lines())), encoding="utf-8")
    with pytest.raises(tr.InputError, match=said):
        tr.diagnose_file(path, tmp_path / "out.parquet", settings=SETTINGS, chunksize=4, n_jobs=1)
    assert not (tmp_path / "out.parquet").exists()


def _temporary_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("transferability_*")}


def test_a_gzip_csv_is_read_by_chunks_as_the_plain_file_without_a_copy_on_disk(export, tmp_path):
    packed = tmp_path / "export.csv.gz"
    packed.write_bytes(gzip.compress(export.read_bytes()))
    before = _temporary_folders()
    plain = tr.diagnose_file(export, tmp_path / "plain.parquet", settings=SETTINGS, chunksize=3, n_jobs=1)
    result = tr.diagnose_file(packed, tmp_path / "packed.parquet", settings=SETTINGS, chunksize=3, n_jobs=1)
    detail = pd.read_parquet(tmp_path / "packed.parquet")
    assert set(detail.pop("source_fichier")) == {"export.csv.gz"}
    assert detail.equals(pd.read_parquet(tmp_path / "plain.parquet").drop(columns="source_fichier"))
    assert result["lignes_ecartees"] == plain["lignes_ecartees"]
    assert "archive gzip lue sans être décompressée sur le disque" in result["notes"]
    assert len(tr.read_contracts(packed)) == len(tr.read_contracts(export))  # the whole read as well…
    assert _temporary_folders() == before  # …leaves no decompressed copy behind


def test_a_large_gzip_csv_goes_by_chunks_and_says_its_rows_set_aside(export, tmp_path, monkeypatch, capsys):
    packed = tmp_path / "export.csv.gz"
    packed.write_bytes(gzip.compress(export.read_bytes()))
    monkeypatch.setattr("transferability._cli.commands.STREAMING_ROWS", 13)  # 14 rows below the header
    monkeypatch.chdir(tmp_path)
    assert main(["diagnostic", str(packed), "-o", "r.xlsx", "-v"]) == 0
    said = capsys.readouterr().out
    assert "fichier lu par lots" in said and "écartées\u00a0: 1 × en-tête répété" in said
    assert "note\u00a0: séparateur «\u00a0;\u00a0»" in said and (tmp_path / "r.detail.parquet").exists()


@pytest.mark.parametrize(("switch", "chunks"), [(60, False), (59, True)])
def test_the_header_line_is_not_counted_as_a_row_at_the_switch(tmp_path, monkeypatch, capsys, switch, chunks):
    """The real slice holds 60 rows below its header: read whole at 60, by chunks above 59."""
    monkeypatch.setattr("transferability._cli.commands.STREAMING_ROWS", switch)
    monkeypatch.chdir(tmp_path)
    assert main(["diagnostic", str(DATA / "consolide_travaux_extrait.csv"), "-o", "r.xlsx"]) in (0, 4)
    assert ("par lots" in capsys.readouterr().out) == chunks == (tmp_path / "r.detail.parquet").exists()


def test_parquet_detail_of_a_file_read_whole_is_refused_with_the_way_out(export, tmp_path, capsys):
    assert main(["diagnostic", str(export), "--parquet", str(tmp_path / "d.parquet")]) == 2
    assert "ajouter --par-lots" in capsys.readouterr().err and not (tmp_path / "d.parquet").exists()


def _real_rows_text() -> str:
    frame = pd.read_csv(DATA / "consolide_travaux_extrait.csv", dtype=str, keep_default_na=False)
    frame["objet"] = "Travaux de peinture des écoles"
    return frame.to_csv(sep=";", index=False, lineterminator="\r\n")


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("utf16", lambda text: text.encode("utf-16")),  # Excel's « Texte Unicode », with its byte-order mark
        ("utf16_sans_bom", lambda text: text.encode("utf-16-le")),
        ("mac", lambda text: text.replace("\r\n", "\r").encode()),  # old Mac line ends, CR alone
        ("nuls", lambda text: text.encode().replace(b"peinture", b"pein\x00ture", 5)),
    ],
)
def test_encodings_line_ends_and_nul_bytes_a_whole_read_repairs_are_repaired_by_chunks(
    tmp_path, name, encode
):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(encode(_real_rows_text()))
    at_once = tr.read_contracts(path)
    result = tr.diagnose_file(path, tmp_path / "out.parquet", settings=SETTINGS, chunksize=25, n_jobs=1)
    detail = pd.read_parquet(tmp_path / "out.parquet")
    assert result["lignes_lues"] == 60 and result["lignes_ecartees"] == {}
    assert detail["id_contrat"].tolist() == at_once["id_contrat"].tolist()
    assert set(detail["objet"]) == {"Travaux de peinture des écoles"}
    assert detail["source_ligne"].tolist()[:2] == ["2", "3"]


def _beyond_the_head(lines: list[str]) -> list[str]:
    """The export with its real rows repeated under new ids until past the first 64 KiB (what the
    encoding, the separator, the header and the width are told from)."""
    body, out, k = [row for row in lines[3:] if row and not row.startswith("uid")], list(lines), 0
    while len("\n".join(out).encode()) < 70_000:
        k += 1
        out += [row.replace(";", f"R{k};", 2) for row in body]  # new uid and id
    return out


def test_rows_of_more_cells_than_the_first_lines_are_set_aside_with_their_lines_not_the_whole_file(tmp_path):
    """A whole read keeps cells in excess apart; pandas cannot past the width of the first lines, so the
    chunks set such rows aside, counted, and say their lines instead of stopping 1.5 M rows."""
    lines = _beyond_the_head(_export_lines())
    at = [i for i, row in enumerate(lines) if row.count(";") >= 17 and not row.startswith("uid")][-8::6]
    for i in at:
        lines[i] += ";x;y"
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    said = rf"2 lignes aux cellules en trop écartées \(.*export\.csv, lignes {at[0] + 1}, {at[1] + 1}\)"
    for chunksize in (7, 1000):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = tr.diagnose_file(
                path, tmp_path / "out.parquet", settings=SETTINGS, chunksize=chunksize, n_jobs=1
            )
        assert any(re.match(said, str(w.message)) for w in caught)
        assert result["lignes_ecartees"]["ligne aux cellules en trop"] == 2
        kept = " | ".join(pd.read_parquet(tmp_path / "out.parquet")["source_ligne"])
        assert f"{len(lines)}" in kept.split(" | ") and not {f"{i + 1}" for i in at} & set(kept.split(" | "))


@pytest.mark.parametrize("first", [True, False])
def test_rows_of_more_cells_in_the_first_lines_keep_them_apart_as_a_whole_read(tmp_path, first):
    """Within the first lines (even the first row, by which pandas would cut every other), cells in excess
    are kept apart in their own columns, as a whole read keeps them."""
    lines = _export_lines()
    lines[3 if first else 15] += ";x;y"
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    _same_as_a_whole_read(path, tmp_path, 2)
    assert "x | y" not in pd.read_parquet(tmp_path / "out.parquet").astype(str).to_numpy().ravel().tolist()
    assert {"source_colonne_19", "source_colonne_20"} <= set(
        pd.read_parquet(tmp_path / "out.parquet").columns
    )


def test_the_command_line_says_an_error_in_french_typography(tmp_path, capsys):
    """Non-breaking spaces before « : ; » and inside guillemets, the library's message being plain."""
    path = tmp_path / "export.csv"
    path.write_text("\n".join([*_export_lines(), 'ZZ;"Tonte des pelouses', "du stade"]), encoding="utf-8")
    assert main(["diagnostic", str(path), "--par-lots", "--parquet", str(tmp_path / "d.parquet")]) == 1
    err = capsys.readouterr().err
    assert "ligne 21\u00a0: guillemet jamais refermé\u00a0; trouvé\u00a0:" in err
    assert not any(f" {mark}" in err for mark in ":;»") and not (tmp_path / "d.parquet").exists()


@pytest.mark.parametrize(
    "edit",
    [
        lambda lines: ['"Export des marchés', 'travaux 2025"', *lines[2:]],  # a title on two lines
        lambda lines: [*lines[:2], lines[2].replace(";acheteur_nom;", ';"acheteur\nnom";'), *lines[3:]],
        lambda lines: [*lines[:15], "", *lines[15:]],  # a blank line between the rows of one contract
    ],
    ids=["titre_sur_deux_lignes", "en_tete_sur_deux_lignes", "ligne_vide_dans_un_marche"],
)
@pytest.mark.parametrize("chunksize", [1, 2, 5])
def test_what_used_to_part_chunks_from_a_whole_read(tmp_path, edit, chunksize):
    """From an adversarial run: a quoted line break at or above the header (pandas skips records, not
    lines), a blank line among one contract's holder rows at a chunk's edge (it split the contract)."""
    path = tmp_path / "export.csv"
    path.write_text("\n".join(edit(_export_lines())), encoding="utf-8")
    _same_as_a_whole_read(path, tmp_path, chunksize)


def test_windows_1252_lines_in_the_first_bytes_of_a_utf8_file_keep_every_accent(tmp_path):
    lines = _export_lines()
    pasted = lines[4].replace("Travaux de peinture des écoles", "Entretien des espaces verts à Chambéry")
    data = "\n".join(lines[:4]).encode("utf-8") + ("\n" + pasted + "\n").encode("cp1252")
    path = tmp_path / "mixte.csv"
    path.write_bytes(data + "\n".join(lines[5:]).encode("utf-8"))
    _same_as_a_whole_read(path, tmp_path, 3)
    assert (
        "Entretien des espaces verts à Chambéry"
        in pd.read_parquet(tmp_path / "out.parquet")["objet"].tolist()
    )


@pytest.mark.parametrize(("name", "packed"), [("export.csv", True), ("export.csv.gz", False)])
def test_compression_is_told_by_the_content_not_the_name(tmp_path, name, packed):
    data = "\n".join(_export_lines()).encode("utf-8")
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if packed else data)
    _same_as_a_whole_read(path, tmp_path, 4)


def test_a_quote_left_open_that_swallows_rows_is_refused_as_by_a_whole_read(tmp_path):
    lines = _export_lines()
    lines[4] = lines[4].replace(";Travaux de peinture", ';"Travaux de peinture', 1)
    path = tmp_path / "guillemet.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    said = r"lignes 5 à \d+\W+guillemet mal fermé : une cellule avale des lignes entières"
    with pytest.raises(tr.InputError, match=said):
        tr.read_contracts(path)
    with pytest.raises(tr.InputError, match=said):
        tr.diagnose_file(path, tmp_path / "out.parquet", settings=SETTINGS, chunksize=3, n_jobs=1)
    assert not (tmp_path / "out.parquet").exists()


def test_an_empty_gzip_is_said_empty_by_its_own_name(tmp_path):
    path = tmp_path / "vide.csv.gz"
    path.write_bytes(gzip.compress(b""))
    for read in (tr.read_contracts, lambda p: tr.diagnose_file(p, None)):
        with pytest.raises(tr.InputError, match=rf"{re.escape(str(path))} : fichier vide"):
            read(path)


def test_standard_input_is_refused_by_chunks_with_the_way_out(capsys):
    assert main(["diagnostic", "-", "--par-lots"]) == 2
    assert "pas l’entrée standard" in capsys.readouterr().err
