"""The headline shares per sector beside the reference diagnostic's (Réseau GESAT, Département de la Savoie:
12 % of the MAPA amount and 10 % of the formal amount transferable).

Runs the diagnostic on the bundled sample and on real local buyers' files of ``../shared/data`` (the Région
Bretagne's own 2019 export, one buyer like the reference; the local buyers of the Rhône in the 2019 DECP),
with the bundled national directory, and prints one Markdown table per set for the README. Nothing here is
tuned: the model and thresholds are the shipped ones.

Usage: python tools/compare_reference.py [--shared ../shared/data]
"""

import argparse
import glob
import warnings
from pathlib import Path

import transferability as tr

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = {"MAPA": "12 %", "Formalisé": "10 %"}


def pct(x) -> str:
    return "—" if x != x else f"{100 * x:.0f} %"


def sets(shared: Path) -> dict:
    local = sorted(glob.glob(str(shared / "decp" / "local" / "139bercy*.json")))
    local += sorted(glob.glob(str(shared / "decp" / "local" / "boutalex*.json")))
    rhone = tr.read_contracts(local)
    rhone = rhone[rhone["departement"].eq("69")].reset_index(drop=True)
    return {
        "Échantillon livré (data/exemples)": tr.load_sample_contracts_path(),
        "Région Bretagne, export 2019 (un acheteur)": shared
        / "decp"
        / "buyer_exports"
        / "region_bretagne_2019_export.csv",
        "Acheteurs locaux du Rhône, DECP 2019": rhone,
    }


def table(name: str, diag) -> str:
    s = diag.synthese_secteurs()
    counts = diag.synthese()
    lines = [
        f"**{name}**",
        "",
        "| procédure | secteur | marchés | montant jugé | en fort ou moyen | en fort | transférable (parts) | référence GESAT |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for cat in ("MAPA", "Formalisé"):
        for sector in ("ESAT, EA", "SIAE", "ESAT, EA ou SIAE"):
            row = s.loc[(cat, sector)]
            judged = counts.loc[cat, ["montant_fort", "montant_moyen", "montant_faible"]].sum()
            lines.append(
                f"| {cat} | {sector} | {counts.loc[cat, 'nb_marches']} | {judged / 1e6:.1f} M€ | "
                f"{pct(row['part_montant_fort_ou_moyen'])} | {pct(row['part_montant_fort'])} | "
                f"{pct(row['part_montant_transferable'])} | {REFERENCE[cat] if sector.endswith('SIAE') and ' ou ' in sector else ''} |"
            )
    top = counts.loc[["MAPA", "Formalisé"], "part_plus_gros_fort_ou_moyen"]
    lines += [
        "",
        f"Poids des 10 plus gros marchés fort ou moyen dans leur montant : MAPA {pct(top['MAPA'])}, "
        f"formalisés {pct(top['Formalisé'])}.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    args = parser.parse_args()
    for name, source in sets(Path(args.shared)).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            diag = tr.diagnose(source)
        print(table(name, diag))


if __name__ == "__main__":
    main()
