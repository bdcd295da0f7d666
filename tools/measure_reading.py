"""Read every contract file of ../shared/data/decp and print what was read (development tool).

Usage: python tools/measure_reading.py [../shared/data/decp]
"""

import sys
import time
import warnings
from pathlib import Path

import transferability as tr


def main(root: Path) -> None:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".csv", ".json", ".xml", ".parquet")
                   and "schema" not in p.name)
    print("| fichier | format | lignes lues | marchés | écartées | marchés avec alertes | secondes |")
    print("|---|---|---|---|---|---|---|")
    for path in files:
        warnings.simplefilter("ignore")
        t = time.perf_counter()
        table = tr.read_contracts(path)
        took = time.perf_counter() - t
        r = table.attrs["lecture"][0]
        lines = sum(len(v) if isinstance(v, list) else 1 for v in table["source_ligne"])
        aside = sum(r["lignes_ecartees"].values())
        assert lines + aside == r["lignes_lues"], path
        shown = ", ".join(f"{n} {k}" for k, n in r["lignes_ecartees"].items()) or "0"
        print(f"| {path.relative_to(root)} | {r['format']} | {r['lignes_lues']} | {len(table)} | {shown} | "
              f"{r['contrats_avec_alertes']} | {took:.2f} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/data/decp")
