"""Measure the potential model (potential per sector, transferable part) against the capability rule.

Runs :func:`evaluate_potential`: buyer-grouped cross-validation on the training labels (nested out-of-fold
classifier features), then the held-out test set; prints, per sector, macro-F1, accuracy, the confusion
matrix, the part's mean absolute error and the shares of the amount, predicted and labelled, in French.

Usage: python tools/evaluate_potential.py [--modele-part table|ridge] [--C 1.0]
"""

import argparse
import time

import pandas as pd

from transferability._diagnose import SECTORS, PotentialModel, evaluate_potential

SECTOR_NAMES = {"esat_ea": "ESAT / EA (secteur protégé et adapté)", "siae": "SIAE (insertion)"}
SHORT_NAMES = {"esat_ea": "ESAT / EA", "siae": "SIAE"}
METHODS = {"modele": "modèle appris", "base_capacite": "règle sur la capacité seule"}


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %".replace(".", ",")


def _sector_table(part: dict) -> pd.DataFrame:
    rows = {}
    for method, label in METHODS.items():
        for sector in SECTORS:
            m = part[method][sector]
            rows[(label, SHORT_NAMES[sector])] = {
                "F1 macro": f"{m['f1_macro']:.3f}".replace(".", ","),
                "exactitude": f"{m['exactitude']:.3f}".replace(".", ","),
                "EAM part (points)": f"{m['mae_points']:.1f}".replace(".", ","),
                "part agrégée prédite": _pct(m["part_agregee_predite"]),
                "part agrégée étiquetée": _pct(m["part_agregee_etiquetee"]),
                "fort ou moyen prédit": _pct(m["fort_ou_moyen_predite"]),
                "fort ou moyen étiqueté": _pct(m["fort_ou_moyen_etiquetee"]),
            }
        whole = part[method]["ensemble"]
        rows[(label, "les deux (part la plus grande)")] = {
            "EAM part (points)": f"{whole['mae_points']:.1f}".replace(".", ","),
            "part agrégée prédite": _pct(whole["part_agregee_predite"]),
            "part agrégée étiquetée": _pct(whole["part_agregee_etiquetee"]),
        }
    return pd.DataFrame(rows).T.fillna("")


def show(title: str, part: dict) -> None:
    print(f"\n=== {title} : {part['n']} marchés, {part['acheteurs']} acheteurs ===")
    print(_sector_table(part).to_string())
    for sector in SECTORS:
        print(f"\nMatrice de confusion, {SECTOR_NAMES[sector]} (lignes : étiquette, colonnes : prédiction)")
        print(part["modele"][sector]["confusion"].to_string())


def main() -> None:
    parser = argparse.ArgumentParser(description="Évaluer le modèle de potentiel par secteur.")
    parser.add_argument("--modele-part", choices=["ridge", "table"], default="ridge")
    parser.add_argument("--C", type=float, default=1.0)
    args = parser.parse_args()
    start = time.perf_counter()
    result = evaluate_potential(model=PotentialModel(C=args.C, part_moyen=args.modele_part))
    show(f"Validation croisée groupée par acheteur ({result['plis']} plis, jeu d’entraînement)", result)
    if "test" in result:
        show("Jeu de test tenu à l’écart", result["test"])
    print(
        "\nPart agrégée : somme(montant × part) / somme(montant), sur les marchés dont le montant est connu "
        "et la part étiquetée ; une part prédite indéterminée compte pour 0. Fort ou moyen : part du montant "
        "des marchés jugés fort ou moyen. EAM : erreur absolue moyenne de la part, en points."
    )
    print(f"Durée de l’évaluation : {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
