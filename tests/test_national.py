"""The national path: chunks, contracts straddling chunks, duplicates across chunks, parquet detail."""

import datetime as dt
import warnings

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

import transferability as tr
from transferability.cli import main

DATA = __import__("pathlib").Path(__file__).parent / "data"
SETTINGS = tr.Settings(date_reference=dt.date(2025, 6, 30))


@pytest.fixture
def national(tmp_path):
    """The real consolidated slice with objects added, repeated twice with new ids, as parquet."""
    frame = pd.read_csv(DATA / "consolide_travaux_extrait.csv", dtype=str, keep_default_na=False)
    frame["objet"] = "Travaux de peinture des écoles"
    copy = frame.assign(id=frame["id"] + "B", uid=frame["uid"] + "B")
    # sorted by uid, as the national file is: the rows of a contract (one per holder) are adjacent
    whole = pd.concat([frame, copy], ignore_index=True).sort_values("uid", kind="stable", ignore_index=True)
    path = tmp_path / "decp.parquet"
    whole.to_parquet(path, index=False)
    return path, whole


@pytest.mark.parametrize("chunksize", [7, 50, 10_000])
def test_chunks_give_the_same_contracts_as_one_read(national, tmp_path, chunksize):
    path, whole = national
    result = tr.diagnose_file(path, tmp_path / "out.parquet", settings=SETTINGS, chunksize=chunksize)
    detail = pd.read_parquet(tmp_path / "out.parquet")
    at_once = tr.read_contracts(path)
    assert result["lignes_lues"] == len(whole)
    assert len(detail) == len(at_once) == result["contrats"]
    assert detail["doublon"].sum() == at_once["doublon"].sum()
    assert sorted(detail["id_contrat"]) == sorted(at_once["id_contrat"])


def test_ids_typed_as_numbers_with_a_missing_cell_are_read_as_written(national, tmp_path):
    """A parquet export whose SIRET and id columns are floats (one missing cell makes them so): the ids
    keep their digits, « 21730001500019 », in the one-read and the chunked paths alike, no « .0 », no
    alert « non SIRET »."""
    path, whole = national
    typed = whole.assign(
        acheteur_id=pd.to_numeric(whole["acheteur_id"], errors="coerce").astype(float),
        titulaire_id=pd.to_numeric(whole["titulaire_id"], errors="coerce").astype(float),
    )
    typed.loc[0, "acheteur_id"] = float("nan")
    typed.to_parquet(tmp_path / "typed.parquet", index=False)
    expected = set(whole["acheteur_id"].iloc[1:])
    at_once = tr.read_contracts(tmp_path / "typed.parquet")
    tr.diagnose_file(tmp_path / "typed.parquet", tmp_path / "out.parquet", settings=SETTINGS, chunksize=25)
    detail = pd.read_parquet(tmp_path / "out.parquet")
    for table in (at_once, detail):
        assert set(table["acheteur_id"].dropna()) == expected
        assert not table["titulaires"].astype(str).str.contains(r"\.0\b").any()
    assert not at_once["alertes"].map(lambda a: any("non SIRET" in x for x in a)).any()


def test_a_contract_seen_again_in_a_later_chunk_is_a_duplicate_left_out_of_totals(national, tmp_path):
    path, whole = national
    again = pd.concat([whole, whole.head(2)], ignore_index=True)  # two rows published again at the end
    again.to_parquet(tmp_path / "again.parquet", index=False)
    with pytest.warns(tr.TransferabilityWarning, match="déjà lus? dans un lot précédent"):
        result = tr.diagnose_file(
            tmp_path / "again.parquet", tmp_path / "out.parquet", settings=SETTINGS, chunksize=25
        )
    detail = pd.read_parquet(tmp_path / "out.parquet")
    reference = tr.diagnose_file(national[0], tmp_path / "ref.parquet", settings=SETTINGS, chunksize=25)
    assert detail["doublon"].sum() >= 1
    assert detail.loc[detail["doublon"], "alertes"].str.contains("doublon d’un marché déjà lu").all()
    kept = result["diagnostic"].synthese().loc["Ensemble", "nb_marches"]
    assert kept == reference["diagnostic"].synthese().loc["Ensemble", "nb_marches"]


def test_aggregate_report_and_cli(national, tmp_path, capsys):
    path, _ = national
    report = tmp_path / "rapport.xlsx"
    assert main(["diagnostic", str(path), "--par-lots", "--taille-lot", "20", "-o", str(report)]) == 0
    assert load_workbook(report).sheetnames == ["Synthèse", "Familles", "Directions", "Méthode", "Glossaire"]
    assert (tmp_path / "rapport.detail.parquet").is_file()  # beside the report, never over an input
    out = capsys.readouterr().out
    assert "lignes lues" in out and "Toutes les directions" not in out  # all are in the sheet: no CSV
    assert not (tmp_path / "rapport.directions.csv").exists()


def test_aggregate_report_keeps_the_largest_directions_and_writes_them_all_beside(national, tmp_path):
    path, _ = national
    settings = tr.Settings(date_reference=dt.date(2025, 6, 30), lignes_directions=10)
    report = tmp_path / "rapport.xlsx"
    result = tr.diagnose_file(path, tmp_path / "d.parquet", settings=settings, chunksize=50, report=report)
    every = result["diagnostic"].par_direction()
    assert len(every) > 10 and result["directions_csv"] == tmp_path / "rapport.directions.csv"
    ws = load_workbook(report)["Directions"]
    shown = [ws.cell(r, 1).value for r in range(6, ws.max_row + 1) if ws.cell(r, 1).value]
    assert shown == list(every.index[:10])  # the largest transferable amounts first
    assert "tous sont dans rapport.directions.csv" in ws["A4"].value
    beside = pd.read_csv(tmp_path / "rapport.directions.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert beside["Direction ou acheteur"].tolist() == list(every.index)


def test_the_command_line_says_where_every_direction_is_written(national, tmp_path, capsys):
    path, _ = national
    (tmp_path / "p.toml").write_text("lignes_directions = 10\n", encoding="utf-8")
    report = tmp_path / "rapport.xlsx"
    args = [
        "diagnostic",
        str(path),
        "--par-lots",
        "--parametres",
        str(tmp_path / "p.toml"),
        "-o",
        str(report),
    ]
    assert main(args) == 0
    assert (
        f"Toutes les directions (CSV) écrites\u00a0: {tmp_path / 'rapport.directions.csv'}"
        in capsys.readouterr().out
    )


def test_chunks_scored_in_two_processes_give_the_same_file_as_in_one(national, tmp_path):
    path, _ = national
    one = tr.diagnose_file(path, tmp_path / "one.parquet", settings=SETTINGS, chunksize=40, n_jobs=1)
    two = tr.diagnose_file(path, tmp_path / "two.parquet", settings=SETTINGS, chunksize=40, n_jobs=2)
    assert one["contrats"] == two["contrats"] > 40  # several chunks
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "one.parquet"), pd.read_parquet(tmp_path / "two.parquet")
    )
    pd.testing.assert_frame_equal(one["diagnostic"].synthese(), two["diagnostic"].synthese())


def test_a_large_file_is_read_by_chunks_without_asking_and_its_csv_written(
    national, tmp_path, monkeypatch, capsys
):
    path, _ = national
    monkeypatch.setattr("transferability._cli.commands.STREAMING_ROWS", 50)  # the fixture holds 180 rows
    monkeypatch.chdir(tmp_path)
    assert main(["diagnostic", str(path), "--csv", "marches.csv", "--taille-lot", "60"]) == 0
    said = capsys.readouterr().out
    assert "fichier lu par lots" in said and "Table par marché écrite" in said
    table = pd.read_csv(tmp_path / "marches.csv", sep=";", decimal=",", encoding="utf-8-sig", dtype=str)
    assert len(table) == len(tr.read_contracts(path)) and table.columns[0] == "id_contrat"
    assert [p.name for p in tmp_path.glob("*.parquet")] == [
        "decp.parquet"
    ]  # no detail asked for, none written


def test_on_a_dask_cluster_the_file_gives_the_local_result(national, tmp_path):
    distributed = pytest.importorskip("distributed")  # the [dask] extra, installed with [test]
    path, whole = national
    grouped = tmp_path / "row_groups.parquet"
    whole.to_parquet(grouped, index=False, row_group_size=40)  # partitions of the local chunks' size
    local = tr.diagnose_file(grouped, tmp_path / "local.parquet", settings=SETTINGS, chunksize=40, n_jobs=1)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = tr.diagnose_file(grouped, tmp_path / "dask.parquet", settings=SETTINGS, client=client)
    assert remote["lignes_lues"] == local["lignes_lues"] == len(whole)
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "local.parquet"), pd.read_parquet(tmp_path / "dask.parquet")
    )
    pd.testing.assert_frame_equal(local["diagnostic"].synthese(), remote["diagnostic"].synthese())


@pytest.mark.parametrize("csv_format", ["excel", "standard"])
def test_the_csv_written_chunk_by_chunk_is_the_detail_written_as_csv(national, tmp_path, csv_format):
    path, whole = national
    again = pd.concat([whole, whole.head(3)], ignore_index=True)  # duplicates across chunks change rows
    again.to_parquet(tmp_path / "again.parquet", index=False)
    with pytest.warns(tr.TransferabilityWarning, match="déjà lus? dans un lot précédent"):
        tr.diagnose_file(
            tmp_path / "again.parquet", tmp_path / "detail.parquet", settings=SETTINGS, chunksize=40, n_jobs=2,
            csv=tmp_path / "detail.csv", csv_format=csv_format,
        )  # fmt: skip
    detail = pd.read_parquet(tmp_path / "detail.parquet")
    assert detail["doublon"].sum() >= 1
    tr.write_csv(detail, tmp_path / "expected.csv", format=csv_format)
    assert (tmp_path / "detail.csv").read_bytes() == (tmp_path / "expected.csv").read_bytes()


def test_an_unknown_csv_format_is_refused_before_any_work(national, tmp_path):
    with pytest.raises(tr.InputError, match="format de CSV inconnu"):
        tr.diagnose_file(national[0], None, csv=tmp_path / "d.csv", csv_format="tsv")


def test_a_chunk_without_any_amount_joins_the_others(national, tmp_path):
    path, whole = national
    blank = whole.copy()
    amount = next(c for c in blank.columns if c.lower().startswith("montant"))
    blank.loc[len(blank) // 2 :, amount] = "n/a"  # a whole chunk of placeholders: its categories are empty
    blank.to_parquet(tmp_path / "blank.parquet", index=False)
    result = tr.diagnose_file(
        tmp_path / "blank.parquet", tmp_path / "out.parquet", settings=SETTINGS, chunksize=40, n_jobs=1
    )
    contrats = result["diagnostic"].contrats
    assert (
        len(contrats) == result["contrats"]
        and contrats["montant"].isna().any()
        and contrats["montant"].notna().any()
    )
    assert result["diagnostic"].synthese().loc["Ensemble", "nb_marches"] == (~contrats["doublon"]).sum()


def test_on_dask_a_contract_spanning_three_partitions_and_an_empty_one_stays_whole(
    national, tmp_path, monkeypatch
):
    distributed = pytest.importorskip("distributed")
    # one partition on the cluster at a time: each scored and taken before the next is handed over
    monkeypatch.setattr("transferability._diagnose.distributed.IN_FLIGHT_PER_THREAD", 1)
    path, whole = national
    table = pa.Table.from_pandas(whole, preserve_index=False)
    uneven = tmp_path / "uneven.parquet"
    with pq.ParquetWriter(uneven, table.schema) as writer:  # row groups of 40, 0, 5, then the rest
        start = 0
        for size in (40, 0, 5, len(whole) - 45):
            writer.write_table(table.slice(start, size))
            start += size
    local = tr.diagnose_file(
        uneven, tmp_path / "local.parquet", settings=SETTINGS, chunksize=10_000, n_jobs=1
    )
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = tr.diagnose_file(uneven, tmp_path / "dask.parquet", settings=SETTINGS, client=client)
    assert remote["contrats"] == local["contrats"]
    dask_detail, local_detail = (
        pd.read_parquet(tmp_path / "dask.parquet"),
        pd.read_parquet(tmp_path / "local.parquet"),
    )
    assert dask_detail["doublon"].sum() == local_detail["doublon"].sum()
    assert sorted(dask_detail["source_ligne"]) == sorted(local_detail["source_ligne"])


def test_a_file_without_any_contract_is_said_so(tmp_path):
    frame = pd.read_csv(DATA / "consolide_travaux_extrait.csv", dtype=str, keep_default_na=False)
    frame.head(0).to_parquet(tmp_path / "vide.parquet", index=False)
    with pytest.raises(tr.InputError, match="aucun marché dans le fichier"):
        tr.diagnose_file(tmp_path / "vide.parquet", tmp_path / "out.parquet")


def _national_csv(national, tmp_path, copies=1):
    """The fixture's rows (``copies`` times, with new ids) as a semicolon CSV, and its text."""
    _, whole = national
    frame = pd.concat(
        [whole.assign(id=whole["id"] + f"C{k}", uid=whole["uid"] + f"C{k}") for k in range(copies)]
    )
    text = frame.to_csv(sep=";", index=False)
    path = tmp_path / "decp.csv"
    path.write_text(text, encoding="utf-8")
    return path, text, len(frame)


def test_rows_pasted_from_windows_into_a_utf8_file_are_read_with_their_accents(national, tmp_path):
    """The encoding is told from the first 64 KiB; a later row in Windows-1252 is read as such, not an error."""
    path, text, n = _national_csv(national, tmp_path, copies=4)
    assert len(text.encode()) > 65_536
    row = text.splitlines()[1].split(";")
    row[0], row[1], row[list(national[1].columns).index("objet")] = "ZZ1", "ZZ1", "Tonte à Chambéry"
    path.write_bytes(text.encode("utf-8") + (";".join(row) + "\n").encode("cp1252"))
    result = tr.diagnose_file(path, tmp_path / "out.parquet", settings=SETTINGS, n_jobs=1)
    detail = pd.read_parquet(tmp_path / "out.parquet")
    assert "Tonte à Chambéry" in detail["objet"].tolist() and result["lignes_lues"] == n + 1


@pytest.mark.parametrize(
    ("tail", "said"),
    [
        ('A2;"Tonte des pelouses\n', "à partir de la ligne 122\\W+guillemet jamais refermé"),
    ],
)
def test_a_csv_row_pandas_cannot_cut_is_said_with_its_line(national, tmp_path, tail, said):
    path, text, n = _national_csv(national, tmp_path)
    path.write_text(text + tail, encoding="utf-8")
    with pytest.raises(tr.InputError, match=said):
        tr.diagnose_file(path, tmp_path / "out.parquet", settings=SETTINGS, n_jobs=1)
    assert not (tmp_path / "out.parquet").exists()  # the file begun removed


def test_a_damaged_parquet_file_is_said_so(national, tmp_path):
    path, _ = national
    data = bytearray(path.read_bytes())
    data[len(data) // 3 : len(data) // 3 + 2000] = b"\x00" * 2000
    (tmp_path / "abime.parquet").write_bytes(bytes(data))
    with pytest.raises(tr.InputError, match="fichier parquet illisible"):
        tr.diagnose_file(tmp_path / "abime.parquet", tmp_path / "out.parquet", settings=SETTINGS, n_jobs=1)


def test_a_full_disk_is_said_in_french_and_leaves_no_file_begun(national, tmp_path, monkeypatch, capsys):
    """Closing the parquet writer fails again on a full disk: the files begun are removed all the same."""
    import errno

    class FullDisk(pq.ParquetWriter):
        def write_table(self, table, row_group_size=None):
            super().write_table(table.slice(0, 1))
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            super().close()
            raise OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")

    monkeypatch.setattr("transferability._diagnose.national.pq.ParquetWriter", FullDisk)
    monkeypatch.chdir(tmp_path)
    path, _ = national
    code = main(["diagnostic", str(path), "--par-lots", "-o", "r.xlsx", "--csv", "d.csv"])
    assert code == 1 and "disque plein" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decp.parquet"]


def test_options_only_a_whole_file_applies_read_a_large_file_whole_or_are_refused_by_chunks(
    national, tmp_path, monkeypatch, capsys
):
    """--territoire and the like are applied: a large file is then read whole (said), and --par-lots,
    which cannot apply them, refuses them instead of leaving them out."""
    path, _ = national
    monkeypatch.setattr("transferability._cli.commands.STREAMING_ROWS", 50)
    monkeypatch.chdir(tmp_path)
    assert main(["diagnostic", str(path), "--territoire", "73", "--titre", "Essai", "-o", "r.xlsx"]) in (0, 4)
    said = capsys.readouterr().out
    assert "lues en entier pour appliquer --territoire, --titre" in said and "par lots" not in said
    assert not list(tmp_path.glob("*.detail.parquet"))  # the whole file's report, not the aggregate one
    assert main(["diagnostic", str(path), "--par-lots", "--territoire", "73", "-o", "p.xlsx"]) == 2
    assert "--territoire ne s’applique pas à un fichier lu par lots" in capsys.readouterr().err
    assert not (tmp_path / "p.xlsx").exists()


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"chunksize": None}, "taille de lot impossible"),
        ({"chunksize": 0}, "taille de lot impossible"),
        ({"chunksize": 2.5}, "taille de lot impossible"),
        ({"n_jobs": "abc"}, "nombre de processus impossible"),
        ({"n_jobs": 2.5}, "nombre de processus impossible"),
        ({"n_jobs": 0}, "nombre de processus impossible"),
        ({"n_jobs": True, "chunksize": -1}, "2 problèmes(.|\n)*lot(.|\n)*processus"),
    ],
)
def test_chunk_size_and_processes_are_checked_before_any_work(national, tmp_path, options, said):
    path, _ = national
    with pytest.raises(tr.InputError, match=said):
        tr.diagnose_file(path, tmp_path / "out.parquet", **options)
    assert not list(tmp_path.glob("out.*"))


def test_contracts_read_again_in_a_later_chunk_are_warned_and_counted_once_on_screen(
    national, tmp_path, capsys, monkeypatch
):
    """A file whose rows are published again further down (or not sorted by contract): the command line's
    first line counts each contract once and says how many were read twice, and a warning says why."""
    path, whole = national
    again = pd.concat([whole, whole.head(30)], ignore_index=True)
    again.to_parquet(tmp_path / "again.parquet", index=False)
    with pytest.warns(tr.TransferabilityWarning, match=r"déjà lus? dans un lot précédent"):
        result = tr.diagnose_file(tmp_path / "again.parquet", None, settings=SETTINGS, chunksize=40, n_jobs=1)
    table = result["diagnostic"].contrats
    distinct = int((~table["doublon"]).sum())
    monkeypatch.chdir(tmp_path)
    assert main(["diagnostic", str(tmp_path / "again.parquet"), "--par-lots", "--taille-lot", "40"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert (
        first.startswith(f"{distinct} marchés")
        and f"({int(table['doublon'].sum())} doublons comptés une fois)" in first
    )


def test_a_job_stopped_by_sigterm_leaves_no_file_begun_and_says_so(national, tmp_path, monkeypatch, capsys):
    """A scheduler's `kill` (SIGTERM) in the middle of the writing: handled as Ctrl+C, code 143."""
    import os
    import signal

    write = tr._diagnose.national._DetailWriter.write

    def write_then_stopped(self, chunk):
        write(self, chunk)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr("transferability._diagnose.national._DetailWriter.write", write_then_stopped)
    monkeypatch.chdir(tmp_path)
    path, _ = national
    code = main(
        ["diagnostic", str(path), "--par-lots", "--taille-lot", "50", "-o", "r.xlsx", "--csv", "d.csv"]
    )
    assert code == 143 and "Interrompu." in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decp.parquet"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the caller's handler given back


def test_a_warning_of_every_chunk_is_said_once_with_the_count_of_the_file(tmp_path):
    """Buyers' places blanked in a third of the real rows: one warning for the file, not one per chunk."""
    frame = pd.read_csv(DATA / "consolide_travaux_extrait.csv", dtype=str, keep_default_na=False)
    frame["objet"] = "Travaux de peinture des écoles"
    frame.loc[frame.index % 3 == 0, ["acheteur_id", "acheteur_departement_code", "acheteur_region_code"]] = ""
    frame.to_parquet(tmp_path / "sans_lieu.parquet", index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = tr.diagnose_file(
            tmp_path / "sans_lieu.parquet", None, settings=SETTINGS, chunksize=10, n_jobs=1
        )
    said = [str(w.message) for w in caught if "sans lieu ni département" in str(w.message)]
    unknown = int((result["diagnostic"].contrats["territoire"] == "inconnu").sum())
    assert unknown > 10 and said == [
        f"{unknown} marchés sans lieu ni département d’acheteur : niveau « indéterminé »"
    ]
