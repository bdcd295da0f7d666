"""Round 5 of the labelling: a held-out test set of whole source files, and training rows spread over buyers.

Development tool (reads ../shared; not used by the package, its tests or CI). Decided before any experiment
of round 5 (issue 11) and never changed after:

- **Held-out test set** (``jeu = test``): a seeded random sample of ``TEST_SIZE`` contracts (plus those already
  labelled) of the source files in ``HELD_OUT``: one platform's
  2019 archive (e-marchespublics), the eleven Dematis files of the 2022 format, the commune of Croix and the
  Région Bretagne's 2021 export. No model choice is made on them; the buyers they hold are also kept out of
  training (a row of a training file whose buyer appears in a held-out file is ``jeu = exclu``).
- **Training rows** (``jeu = entrainement``): (a) one random row of every buyer never labelled before,
  (b) keyword hits that *select* rows likely to belong to the rare families (keywords assign no label;
  a labeller reads every row against LABELLING.md), at most 3 rows per buyer, (c) nothing else.

Objects are deduplicated on their folded text. Every new row is labelled with every column of the rubric
(family, capability, potentials per sector, transferable part).

Usage: python tools/sample_round5.py ../shared/data/decp data/labels [--tour6]

The files committed (``candidats_tour5.csv``, ``acheteurs_test.csv``) are the record: run again after the
merge of round 5, the tool would draw among the rows still unlabelled.
"""

import csv
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from sample_for_labelling import fold, records, taker  # noqa: E402

SEED = 20261130
HELD_OUT = (
    "decp/local/139bercy_decp-rama_json_2019__e-marchespublics.json",
    "decp/local/boutalex_decp_rama_dematis__",
    "decp/croix_2019_2021.json",
    "decp/buyer_exports/region_bretagne_2021_export.csv",
)
RARE = {  # selection only: hits are read and labelled like any other row
    "industrie": r"usinage|confection|fabrication|couture|chaudronnerie|assemblage|palette|sur mesure|"
    r"sous.traitance|decoupe|soudure|tapisserie|sellerie|menuiserie|mobilier|metallerie|serrurerie",
    "administratif": r"numerisation|archiv|courrier|traduction|interpret|saisie|secretariat|transcription|"
    r"standard|accueil|dematerialisation|mise sous pli|enquete|sondage|affranchissement|documentaire",
    "communication": r"communication|evenement|goodies|graphi|video|photograph|publicit|site internet|"
    r"campagne|affiche|promotionnel|animation",
    "logistique": r"conditionnement|demenagement|manutention|routage|coursier|livraison|logistique|"
    r"stockage|transport",
    "impression": r"impression|imprim|reprograph|signaletique|plaques|enveloppe|brochure|magazine|edition|"
    r"marquage|gravure|serigraph|brod",
    "nettoyage": r"nettoyage|blanchisserie|linge|entretien des locaux|vitrerie|deratisation|desinsectisation|"
    r"hygiene|menage",
    "espaces_verts": r"espaces verts|elagage|tonte|fauchage|paysag|deneigement|debroussaill|plantation|"
    r"arbres|taille",
    "dechets": r"dechets|collecte|recyclage|encombrants|tri |d3e|dechetterie|compost|biodechets|valorisation",
    "restauration": r"restauration|repas|traiteur|cantine|hebergement|sejour|colonie|portage",
    "alimentaire": r"denrees|alimentaire|boulang|fruits|legumes|viande|laitiers|epicerie|boissons|pain",
    "informatique": r"informatique|ordinateur|reconditionn|logiciel|telephon|serveur|numerique|"
    r"imprimante|reseau",
    "services_generaux": r"gardiennage|vetement|fournitures de bureau|interim|extincteur|multiservice|"
    r"conciergerie|surveillance|habillement|mobilier|reparation|securite",
}
PER_RARE = 140
TEST_SIZE = 800
FIELDS = [
    "jeu",
    "source_fichier",
    "source_ligne",
    "acheteur_id",
    "id_contrat",
    "objet",
    "code_cpv",
    "nature",
    "montant",
    "duree_mois",
]


def held_out(source):
    return source.startswith(HELD_OUT)


def pool(root, labelled):
    """Every unlabelled record with a readable object, distinct folded text, in a seeded random order."""
    rows, seen = [], set()
    for path, line, origin, rec in records(root):
        source = str(path.relative_to(root.parent))
        text = fold(rec["objet"]).strip()
        if (source, str(line)) in labelled or len(text) < 4 or text in seen:
            continue
        seen.add(text)
        rec.update(source_fichier=source, source_ligne=line, origine=origin)
        rows.append(rec)
    random.Random(SEED).shuffle(rows)
    return rows


def main(root, labels_dir):
    root, labels_dir = Path(root), Path(labels_dir)
    with open("data/etiquettes_marches.csv", encoding="utf-8") as f:
        done = list(csv.DictReader(f))
    labelled = {(r["source_fichier"], r["source_ligne"]) for r in done}
    rows = pool(root, labelled)
    every_test = [r for r in rows if held_out(r["source_fichier"])]
    test = every_test[:TEST_SIZE]
    test_buyers = {r["acheteur_id"] for r in every_test} | {
        r["acheteur_id"] for r in done if held_out(r["source_fichier"])
    }
    train = [r for r in rows if not held_out(r["source_fichier"]) and r["acheteur_id"] not in test_buyers]
    known = {r["acheteur_id"] for r in done}
    chosen, take = taker()
    for rec in train:  # (a) one row of every buyer never labelled
        if rec["acheteur_id"] not in known:
            take(rec, 1)
    n_new_buyers = len(chosen)
    for pattern in RARE.values():  # (b) rows likely to hold the rare families
        hits = [r for r in train if re.search(pattern, fold(r["objet"]))]
        n = 0
        for rec in hits:
            if n >= PER_RARE:
                break
            n += take(rec, 3)
    for rec in test:
        rec["jeu"] = "test"
    for rec in chosen.values():
        rec["jeu"] = "entrainement"
    with (labels_dir / "acheteurs_test.csv").open("w", encoding="utf-8", newline="") as f:
        f.write("acheteur_id\n" + "".join(f"{b}\n" for b in sorted(test_buyers)))
    out = labels_dir / "candidats_tour5.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, extrasaction="ignore")
        w.writeheader()
        w.writerows(test + list(chosen.values()))
    excluded = sum(1 for r in done if not held_out(r["source_fichier"]) and r["acheteur_id"] in test_buyers)
    print(
        f"test: {len(test)} new rows (+{sum(held_out(r['source_fichier']) for r in done)} already labelled), "
        f"{len(test_buyers)} buyers"
    )
    print(
        f"training: {len(chosen)} new rows ({n_new_buyers} buyers never labelled), "
        f"{len({r['acheteur_id'] for r in chosen.values()})} buyers; "
        f"{excluded} labelled training rows of held-out buyers set aside"
    )


# -- round 6: the families still under 150 examples after round 5 (same selection-only rule) -------------
ROUND6 = {
    "industrie": r"usinage|confection|fabrication|couture|chaudronnerie|assemblage|palette|sur mesure|"
    r"sous.traitance|decoupe|soudure|tapisserie|sellerie|ebenisterie|atelier|montage|cablage|"
    r"conditionnement a facon|menuiserie bois|mobilier urbain|serrurerie",
    "administratif": r"numerisation|archiv|courrier|traduction|interpret|saisie|secretariat|transcription|"
    r"standard|accueil|dematerialisation|mise sous pli|enquete|sondage|affranchissement|documentaire|"
    r"centre d appel|gestion administrative|dactylo|comptage|recensement",
    "logistique": r"conditionnement|demenagement|manutention|routage|coursier|livraison|logistique|"
    r"stockage|transport|navette|messagerie|colis",
    "communication": r"communication|evenement|goodies|graphi|video|photograph|publicit|site internet|"
    r"campagne|affiche|promotionnel|salon|stand|exposition|magazine|journal",
    "nettoyage": r"nettoyage|blanchisserie|linge|entretien des locaux|vitrerie|deratisation|desinsectisation|"
    r"hygiene|menage|pressing|lavage",
}
PER_ROUND6 = 200


def round6(root, labels_dir):
    """Rows of training files (no held-out buyer) whose object hits a keyword of a family still short."""
    root, labels_dir = Path(root), Path(labels_dir)
    with open("data/etiquettes_marches.csv", encoding="utf-8") as f:
        done = {(r["source_fichier"], r["source_ligne"]) for r in csv.DictReader(f)}
    with (labels_dir / "acheteurs_test.csv").open(encoding="utf-8") as f:
        test_buyers = {r["acheteur_id"] for r in csv.DictReader(f)}
    rows = [
        r
        for r in pool(root, done)
        if not held_out(r["source_fichier"]) and r["acheteur_id"] not in test_buyers
    ]
    chosen, per_buyer = {}, defaultdict(int)
    for pattern in ROUND6.values():
        n = 0
        for rec in rows:
            key = (rec["source_fichier"], rec["source_ligne"])
            if n >= PER_ROUND6 or key in chosen or per_buyer[rec["acheteur_id"]] >= 5:
                continue
            if re.search(pattern, fold(rec["objet"])):
                chosen[key] = {**rec, "jeu": "entrainement"}
                per_buyer[rec["acheteur_id"]] += 1
                n += 1
    with (labels_dir / "candidats_tour6.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, extrasaction="ignore")
        w.writeheader()
        w.writerows(chosen.values())
    print(f"round 6: {len(chosen)} rows, {len({r['acheteur_id'] for r in chosen.values()})} buyers")


if __name__ == "__main__":
    (round6 if sys.argv[3:] == ["--tour6"] else main)(*sys.argv[1:3])
