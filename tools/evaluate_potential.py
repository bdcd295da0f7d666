"""Measure the potential model (potential per sector, transferable part) against the capability rule.

Runs :func:`evaluate_potential` with other settings of the model than the shipped ones, and prints what
``transferability evaluer potentiel`` prints (the tool that chose the defaults).

Usage: python tools/evaluate_potential.py [--modele-part table|ridge] [--C 1.0]
"""

import argparse
import time

from transferability import PotentialModel, evaluate_potential
from transferability._cli.printing import print_potential_evaluation


def main() -> None:
    parser = argparse.ArgumentParser(description="Évaluer le modèle de potentiel par secteur.")
    parser.add_argument("--modele-part", choices=["ridge", "table"], default="ridge")
    parser.add_argument("--C", type=float, default=1.0)
    args = parser.parse_args()
    start = time.perf_counter()
    result = evaluate_potential(model=PotentialModel(C=args.C, part_moyen=args.modele_part))
    print_potential_evaluation(result)
    print(f"Durée de l’évaluation : {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
