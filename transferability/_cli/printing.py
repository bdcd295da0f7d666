"""What the commands print: reading reports, the diagnostic's summary, the classifier's evaluation, in French."""

from __future__ import annotations

import re

NBSP, THIN = "\u00a0", "\u202f"  # before « : ; % € », and between thousands


_BEFORE = re.compile(r" ([:;%€!?»])|(«) ")


def typographic(text: str) -> str:
    """A message in French typography: a non-breaking space before « : ; % € ! ? » and inside guillemets
    (the library's messages are written with plain spaces, as its tests and notebooks read them).

    Examples
    --------
    >>> typographic("a.csv, ligne 3 : séparateur « ; »")
    'a.csv, ligne 3\xa0: séparateur «\xa0;\xa0»'
    """
    return _BEFORE.sub(lambda m: f"{NBSP}{m.group(1)}" if m.group(1) else f"{m.group(2)}{NBSP}", text)


def fr_int(n) -> str:
    return f"{int(n):,}".replace(",", THIN)


def fr_pct(x) -> str:
    return "—" if x is None or x != x else f"{x * 100:.0f}{NBSP}%"


def fr_euros(x) -> str:
    return f"{fr_int(round(float(x)))}{NBSP}€"


def contracts(n) -> str:
    """« 1 marché », « 2 marchés » (0 and 1 take the singular)."""
    return f"{fr_int(n)} {'marché' if abs(int(n)) < 2 else 'marchés'}"


def print_contracts_report(report: dict) -> None:
    sheet = f", feuille « {report['feuille']} »" if report["feuille"] else ""
    print(f"Fichier{NBSP}: {report['fichier']} ({report['format']}{sheet})")
    print(
        f"  lignes lues{NBSP}: {fr_int(report['lignes_lues'])}{NBSP}; marchés{NBSP}: {fr_int(report['contrats'])}"
        f"{NBSP}; marchés avec alertes{NBSP}: {fr_int(report['contrats_avec_alertes'])}"
    )
    for kind, n in report["lignes_ecartees"].items():
        print(f"  écartées{NBSP}: {fr_int(n)} × {typographic(kind)}")
    if report["colonnes_reconnues"]:
        pairs = f"{NBSP}; ".join(f"« {h} » → {f}" for h, f in report["colonnes_reconnues"].items())
        print(f"  colonnes reconnues{NBSP}: {pairs}")
    if report["colonnes_non_reconnues"]:
        print(f"  colonnes gardées telles quelles{NBSP}: " + ", ".join(report["colonnes_non_reconnues"]))
    for note in report["notes"]:
        print(f"  note{NBSP}: {typographic(note)}")
    for kind, n in report["alertes_par_type"].items():
        print(f"  alerte{NBSP}: {fr_int(n)} × {typographic(kind)}")


def print_directory_report(report: dict, verbose: bool = False) -> None:
    sheet = f", feuille « {report['feuille']} »" if report["feuille"] else ""
    print(f"Fichier{NBSP}: {report['fichier']} ({report['format_libelle']}{sheet})")
    print(
        f"  lignes lues{NBSP}: {fr_int(report['lignes_lues'])}{NBSP}; prestataires{NBSP}: "
        f"{fr_int(report['prestataires'])}{NBSP}; sans localisation{NBSP}: {fr_int(report['sans_localisation'])}"
    )
    trades = ", ".join(f"{kind} {fr_int(n)}" for kind, n in report["metiers"].items())
    print(
        f"  métiers{NBSP}: {trades}{NBSP}; périmètres par défaut{NBSP}: {fr_int(report['perimetres_par_defaut'])}"
    )
    for kind, n in report["lignes_ecartees"].items():
        print(f"  écartées{NBSP}: {fr_int(n)} × {typographic(kind)}")
    for note in report["notes"]:
        print(f"  note{NBSP}: {typographic(note)}")
    alerts = list(report["alertes_par_type"].items())
    for kind, n in alerts if verbose else alerts[:5]:
        print(f"  alerte{NBSP}: {fr_int(n)} × {typographic(kind)}")
    if not verbose and len(alerts) > 5:
        print(f"  … {len(alerts) - 5} autres types d’alertes (-v pour tout voir)")


def summary_lines(diag) -> list[str]:
    """The diagnostic in a few French lines: contracts judged, levels, the headline shares, the territory."""
    table = diag.contrats
    kept = table[~table["doublon"].astype(bool)] if "doublon" in table.columns else table
    counts = kept["niveau"].astype(str).value_counts()  # a contract read twice counted once, as in the totals
    levels = ", ".join(f"{fr_int(counts.get(k, 0))} {k}" for k in ("fort", "moyen", "faible", "indéterminé"))
    n_twice = len(table) - len(kept)
    again = f" ({fr_int(n_twice)} doublon{'s' if n_twice > 1 else ''} compté{'s' if n_twice > 1 else ''} une fois)"
    lines = [f"{contracts(len(kept))}{NBSP}: {levels}.{again if n_twice else ''}"]
    s = diag.synthese()
    for cat, label in (("MAPA", "MAPA"), ("Formalisé", "Marchés formalisés")):
        if cat in s.index and s.loc[cat, "nb_marches"]:
            row = s.loc[cat]
            sectors = f"{NBSP}; ".join(
                f"{name} {fr_pct(row[f'part_montant_transferable_{key}'])}"
                for key, name in (("esat_ea", "ESAT, EA"), ("siae", "SIAE"))
            )
            lines.append(
                f"{label} ({contracts(row['nb_marches'])}, {fr_euros(row['montant_total'])} HT){NBSP}: "
                f"{fr_pct(row['part_montant_transferable_sur_juges'])} du montant transférable ({sectors}), "
                f"{fr_pct(row['part_montant_fort_ou_moyen_sur_juges'])} en marchés fort ou moyen."
            )
    absurd = int(s.loc["Ensemble", "nb_montants_aberrants"]) if "nb_montants_aberrants" in s.columns else 0
    if absurd:
        floor = fr_euros(diag.parametres.montant_min_plausible)
        lines.append(
            f"{fr_int(absurd)} montant{'s' if absurd > 1 else ''} de remplissage ou aberrant{'s' if absurd > 1 else ''} "
            f"(moins de {floor}, 999{THIN}999{THIN}999{NBSP}€…) exclu{'s' if absurd > 1 else ''} des totaux."
        )
    check = diag.controle_territoire()
    outside = check["part_hors_zone_couverte"]
    if outside is not None and outside > diag.parametres.part_hors_zone_alerte:
        lines.append(
            f"Attention{NBSP}: {fr_pct(outside)} des marchés jugés ont leur lieu là où l’annuaire n’a aucun "
            "prestataire ; donner l’annuaire du territoire (--annuaire) pour un diagnostic juste."
        )
    return lines


def print_evaluation(result: dict) -> None:
    import pandas as pd

    test = result.get("test")
    print(
        f"1. Validation croisée groupée par acheteur{NBSP}: {fr_int(result['n'])} marchés étiquetés d’entraînement, "
        f"{fr_int(result['acheteurs'])} acheteurs, {result['plis']} plis (aucun acheteur à la fois en apprentissage "
        "et en test) — le chiffre sur lequel les choix du modèle ont été faits."
    )
    _print_part(result, pd)
    if test:
        print(
            f"\n2. Jeu de test tenu à l’écart{NBSP}: {fr_int(test['n'])} marchés de {fr_int(test['acheteurs'])} acheteurs, "
            f"fichiers sources jamais vus ni à l’entraînement ni lors des choix ({', '.join(test['fichiers'])}) — "
            "le chiffre qui prédit la qualité sur de nouveaux acheteurs."
        )
        _print_part(test, pd)


def _print_part(part: dict, pd) -> None:
    rows = {
        "modèle": part["modele"],
        "base CPV seule": part["base_cpv"],
        "base Le marché (pg_trgm)": part["base_lemarche"],
    }
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(pd.DataFrame(rows).T.to_string(na_rep="—"))
        print(
            f"\nPar famille (modèle ; predits_hors_champ{NBSP}: part des marchés de la famille classés Hors champ){NBSP}:"
        )
        print(part["par_famille"].to_string())
        print(f"\nConfusion des familles (lignes{NBSP}: vérité, colonnes{NBSP}: prédiction){NBSP}:")
        print(part["confusion_famille"].to_string())
        print(f"\nConfusion des capacités{NBSP}:")
        print(part["confusion_capacite"].to_string())


POTENTIAL_METHODS = {"modele": "modèle appris", "base_capacite": "règle sur la capacité seule"}
SECTOR_LABELS = {"esat_ea": "ESAT, EA", "siae": "SIAE"}


def _dec(x, digits: int = 3) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def _pct1(x) -> str:
    return "—" if x != x else f"{100 * x:.1f}{NBSP}%".replace(".", ",")


def print_potential_evaluation(result: dict) -> None:
    """The potential per sector and the transferable part, measured (see ``evaluate_potential``)."""
    print(
        f"\n3. Potentiel par secteur et part transférable, validation croisée groupée par acheteur{NBSP}: "
        f"{fr_int(result['n'])} marchés étiquetés (section 4 de la grille), {fr_int(result['acheteurs'])} acheteurs, "
        f"{result['plis']} plis."
    )
    _print_potential(result)
    if "test" in result:
        test = result["test"]
        print(
            f"\n4. Potentiel par secteur, jeu de test tenu à l’écart{NBSP}: {fr_int(test['n'])} marchés de "
            f"{fr_int(test['acheteurs'])} acheteurs."
        )
        _print_potential(test)
    print(
        f"\nPart agrégée{NBSP}: somme(montant × part) / somme(montant), sur les marchés au montant connu et à la part "
        f"étiquetée. EAM{NBSP}: erreur absolue moyenne de la part, en points. Écart{NBSP}: part agrégée prédite moins "
        "étiquetée, en points (le chiffre que le rapport met en tête)."
    )


def _print_potential(part: dict) -> None:
    import pandas as pd

    rows = {}
    for method, label in POTENTIAL_METHODS.items():
        for sector, name in SECTOR_LABELS.items():
            m = part[method][sector]
            rows[(label, name)] = {
                "F1 macro": _dec(m["f1_macro"]),
                "exactitude": _dec(m["exactitude"]),
                "EAM part (points)": _dec(m["mae_points"], 1),
                "part agrégée prédite": _pct1(m["part_agregee_predite"]),
                "part agrégée étiquetée": _pct1(m["part_agregee_etiquetee"]),
            }
    by_category = part["par_categorie"].copy().rename_axis([None, None, None])
    by_category["marches"] = by_category["marches"].map(fr_int)
    for column in ("part_agregee_predite", "part_agregee_etiquetee"):
        by_category[column] = by_category[column].map(_pct1)
    by_category["ecart_points"] = by_category["ecart_points"].map(lambda x: _dec(x, 1))
    by_category.columns = ["marchés", "EAM part (points)", "part prédite", "part étiquetée", "écart (points)"]
    by_category["EAM part (points)"] = by_category["EAM part (points)"].map(lambda x: _dec(x, 1))
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(pd.DataFrame(rows).T.to_string())
        print(f"\nPart transférable agrégée par catégorie de procédure{NBSP}:")
        print(by_category.to_string())
        for sector, name in SECTOR_LABELS.items():
            print(
                f"\nConfusion du potentiel {name} (lignes{NBSP}: étiquette, colonnes{NBSP}: prédiction){NBSP}:"
            )
            print(part["modele"][sector]["confusion"].to_string())
