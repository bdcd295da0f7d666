"""Build the bundled directory of France from real lists only (development tool, reads ../shared).

Rows, all REAL, read by ``read_directory`` (métiers declared, inferred or assumed, and shown as such):

- the 1,504 ESAT of the official list (FINESS, 2026; ``esat_finess_2026.csv``): trades from their
  names, from the other sites of the same ESAT, else the trades ESAT commonly do, *assumed*
  (``metiers_supposes``); authorised places as staff, counted once per ESAT;
- the SIAE of the ASP list (July 2019; ``siae_asp_2019_07.csv``) with the ROME codes of
  ``siae_rome_2019_07.csv``, and the GEIQ (November 2019; ``geiq_2019_11.csv``): trades inferred
  from NAF, name and ROME codes;
- the EA of Le marché's fixture whose SIRET is valid and that come from its EA list (``source`` =
  EA_EATT): there is no open list of EA, so EA are few.

No fictitious row: ``fictif`` is False everywhere (the column stays for compatibility).
Written as a canonical table (``;``-free CSV, lists as ``a | b``), without the ``source_`` columns.

Usage: python tools/make_sample_directory.py ../shared/data/providers data/annuaires/annuaire_france.csv
"""

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from transferability._directory import DIRECTORY_COLUMNS, LIST_SEPARATOR, check_siret, read_directory

LIST_COLUMNS = ("metiers", "familles", "zones", "alertes", "metiers_supposes")
DERIVED = [
    "secteur",
    "cadre_legal",
    "familles",
    "source_fichier",
    "source_ligne",
]  # read_directory computes them


def sources(shared: Path, tmp: Path) -> list[Path]:
    """The real lists: ESAT (FINESS 2026), SIAE (ASP list, with ROME codes), GEIQ, Le marché's real EA."""
    asp = pd.read_csv(shared / "siae_asp_2019_07.csv", dtype=str, keep_default_na=False)
    rome = pd.read_csv(shared / "siae_rome_2019_07.csv", dtype=str, keep_default_na=False)
    codes = rome.groupby("siret")["rome"].agg(lambda s: LIST_SEPARATOR.join(dict.fromkeys(s.str.upper())))
    asp["rome"] = asp["siret"].map(codes).fillna("")
    lemarche = pd.read_csv(shared / "siae_lemarche_fixture.csv", dtype=str, keep_default_na=False)
    real_ea = lemarche["kind"].eq("EA") & lemarche["source"].eq("EA_EATT")
    real_ea &= lemarche["siret"].map(lambda s: check_siret(s)[1] is None)
    ea = lemarche[real_ea].drop(columns=["website", "source"])
    paths = [tmp / "siae_asp_2019_07.csv", tmp / "ea_lemarche.csv"]
    for frame, path in zip((asp, ea), paths, strict=True):
        frame.to_csv(path, index=False)
    return [shared / "esat_finess_2026.csv", *paths, shared / "geiq_2019_11.csv"]


def with_ids(table: pd.DataFrame) -> pd.DataFrame:
    """Stable ids: ``finess:<ET>`` for ESAT, else the SIRET (``<SIRET>-<kind>`` for a SIRET of several kinds)."""
    table = table.copy()
    siret_ids = table["siret"].where(~table["id_prestataire"].str.startswith("finess:"))
    repeated = siret_ids.notna() & siret_ids.duplicated(keep=False)
    ids = table["id_prestataire"].where(siret_ids.isna(), siret_ids)
    ids = ids.where(~repeated, ids + "-" + table["type_structure"].fillna("?"))
    again = ids.duplicated(keep=False)
    table["id_prestataire"] = ids.where(~again, ids + "#" + table.groupby(ids).cumcount().add(1).astype(str))
    return table


def facts(table: pd.DataFrame) -> pd.DataFrame:
    """What the reader cannot derive: no kind frame nor families, no default perimeter, no assumed trades.

    ``read_directory`` gives back the rest: the legal frame and sector of each kind, the families of the
    métiers, the default radius of a provider without perimeter, the trades assumed for an ESAT whose
    trades are unknown, and their alerts.
    """
    written = table[DIRECTORY_COLUMNS].drop(columns=DERIVED).astype(object)
    default = written["perimetre_par_defaut"].astype(bool)
    written.loc[default, ["perimetre", "rayon_km", "zones", "perimetre_par_defaut"]] = None
    assumed = written["source_metiers"].eq("supposé") & written["metiers"].map(len).eq(0)
    written.loc[assumed, ["source_metiers", "confiance_metiers", "metiers_supposes"]] = None
    return written


def write(written: pd.DataFrame, out: Path) -> None:
    """The canonical table as CSV, lists joined with `` | ``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    written = written.copy()
    for name in LIST_COLUMNS:
        if name in written.columns:
            written[name] = written[name].map(lambda v: LIST_SEPARATOR.join(v) if isinstance(v, list) else "")
    written.to_csv(out, index=False, encoding="utf-8")


def write_compact(table: pd.DataFrame, out: Path) -> None:
    """Write the facts, with only the alerts that reading the file again would not give."""
    written = facts(table).assign(alertes=[[] for _ in range(len(table))])
    write(written, out)
    again = read_directory(out)["alertes"]
    written["alertes"] = [
        [a for a in got if a not in set(new)] for got, new in zip(table["alertes"], again, strict=True)
    ]
    write(written, out)


def main(shared, out):
    shared, out = Path(shared), Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        read = read_directory(sources(shared, Path(tmp)))
    print({r["fichier"]: (r["format"], r["prestataires"]) for r in read.attrs["lecture"]})
    table = with_ids(read)
    table["fictif"] = False
    write_compact(table, out)
    start = time.perf_counter()
    check = read_directory(out)
    seconds = time.perf_counter() - start
    assert len(check) == len(table) and check["id_prestataire"].is_unique
    for name in (
        "metiers",
        "metiers_supposes",
        "source_metiers",
        "rayon_km",
        "effectif",
        "lat",
        "departement",
    ):
        same = (
            check[name].astype(object).map(str).to_numpy() == table[name].astype(object).map(str).to_numpy()
        )
        assert same.all(), (name, table.loc[~same, name].head(), check.loc[~same, name].head())
    lost = [
        i for i, (a, b) in enumerate(zip(table["alertes"], check["alertes"], strict=True)) if set(a) - set(b)
    ]
    assert not lost, table.loc[lost, "alertes"].head()
    print(f"{len(check)} rows -> {out} (read back in {seconds:.1f} s)")
    print(check["type_structure"].value_counts().to_dict())
    print(check["source_metiers"].value_counts().to_dict())
    print("located:", int((check["lat"].notna() & check["departement"].notna()).sum()))
    print(check.groupby("region").size().to_dict())


if __name__ == "__main__":
    main(*sys.argv[1:3])
