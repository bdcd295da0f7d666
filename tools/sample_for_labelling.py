"""Draw the candidate contracts to label by hand (development tool, reads ../shared).

Not used by the package, its tests or CI. Each candidate keeps its source file and
line (as ``read_contracts`` numbers them: 1-based record position in a JSON/XML file,
spreadsheet row number in a CSV whose header is row 1), the buyer and contract ids.
Selection mixes a random draw capped per buyer with a keyword-targeted draw that
seeks out rare trades; keywords only *select* rows to read, they assign no label.

Usage: python tools/sample_for_labelling.py ../shared/data/decp data/labels/candidats.csv
"""

import csv
import json
import random
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

SEED = 20261124
TARGETS = {  # keyword groups used to seek rare families (selection only)
    "communication": ["communication", "evenement", "goodies", "objets publicitaires", "graphi", "video"],
    "impression": ["impression", "imprim", "reprograph", "signaletique", "enveloppe", "brod", "serigraph"],
    "informatique": ["informatique", "ordinateur", "reconditionn", "logiciel", "telephonie", "serveur"],
    "administratif": ["numerisation", "archiv", "courrier", "traduction", "accueil", "saisie", "secretariat"],
    "industrie": ["fabrication", "confection", "mobilier", "atelier", "usinage", "menuiserie bois"],
    "alimentaire": [
        "denrees",
        "alimentaire",
        "boulanger",
        "fruits",
        "legumes",
        "viande",
        "produits laitiers",
    ],
    "restauration": ["restauration", "repas", "traiteur", "cantine", "hebergement", "sejour"],
    "nettoyage": ["nettoyage", "blanchisserie", "linge", "entretien des locaux", "vitrerie", "deratisation"],
    "espaces_verts": ["espaces verts", "elagage", "tonte", "fauchage", "paysag", "deneigement"],
    "dechets": ["dechets", "collecte", "recyclage", "encombrants", "tri ", "d3e"],
    "logistique": ["demenagement", "transport", "conditionnement", "livraison", "manutention", "routage"],
    "services_generaux": [
        "gardiennage",
        "vetements",
        "fournitures de bureau",
        "interim",
        "extincteur",
        "multiservice",
    ],
}


def fold(text):
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def records(root):
    """Yield candidate dicts from every file with objects (no concessions)."""
    for path in sorted((root / "local").glob("*.json")) + [root / "croix_2019_2021.json"]:
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data["marches"]
        if isinstance(items, dict):
            items = items["marche"]
        for i, rec in enumerate(items, start=1):
            if "Contrat de concession" in str(rec.get("_type", "")) or "concessionnaires" in rec:
                continue
            yield (
                path,
                i,
                "local",
                {
                    "acheteur_id": str((rec.get("acheteur") or {}).get("id", "")),
                    "id_contrat": str(rec.get("id", "")),
                    "objet": rec.get("objet", ""),
                    "code_cpv": str(rec.get("codeCPV", "")),
                    "nature": rec.get("nature", ""),
                    "montant": str(rec.get("montant", "")),
                    "duree_mois": str(rec.get("dureeMois", "") or ""),
                },
            )
    flat = root / "local" / "antoninsanz__decp_flat_2021_2026.csv"
    with flat.open(encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f), start=2):
            yield (
                flat,
                i,
                "local",
                {
                    "acheteur_id": row["id_acheteur"],
                    "id_contrat": row["id_marche"],
                    "objet": row["objet_marche"],
                    "code_cpv": "",
                    "nature": "",
                    "montant": row["montant_marche"],
                    "duree_mois": "",
                },
            )
    exports = [
        (
            root / "buyer_exports" / "region_bretagne_2019_export.csv",
            "cp1252",
            ";",
            ("SIRET acheteur", "Id du marché ", "Objet marché", "Code CPV", "Nature", "Montant prévu", "Durée mois"),
        ),
        (
            root / "buyer_exports" / "region_bretagne_2021_export.csv",
            "utf-8",
            "|",
            ("acheteur_id", "id", "objet", "codeCPV", "nature", "montant", "DureeMois"),
        ),
    ]
    for path, enc, sep, cols in exports:
        with path.open(encoding=enc, newline="") as f:
            seen = set()
            for i, row in enumerate(csv.DictReader(f, delimiter=sep), start=2):
                key = row[cols[1]]
                if key in seen:  # one row per holder: keep the contract's first line
                    continue
                seen.add(key)
                yield (
                    path,
                    i,
                    "local",
                    dict(
                        zip(
                            ("acheteur_id", "id_contrat", "objet", "code_cpv", "nature", "montant", "duree_mois"),
                            (
                                row[c].replace(" ", "") if c.startswith(("SIRET", "acheteur_id")) else row[c]
                                for c in cols
                            ),
                            strict=False,
                        )
                    ),
                )
    aife = root / "aife_2019_flat.csv"
    with aife.open(encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f), start=2):
            yield (
                aife,
                i,
                "etat",
                {
                    "acheteur_id": row["acheteur.id"],
                    "id_contrat": row["id"],
                    "objet": row["objet"],
                    "code_cpv": row["codeCPV"],
                    "nature": row["nature"],
                    "montant": row["montant"],
                    "duree_mois": row["dureeMois"],
                },
            )


def taker():
    """The rows chosen so far (by source file and line), and ``take(rec, cap)``: choose a row unless chosen
    already or its buyer has ``cap`` rows chosen."""
    chosen, per_buyer = {}, defaultdict(int)

    def take(rec, cap):
        key = (rec["source_fichier"], rec["source_ligne"])
        if key in chosen or per_buyer[rec["acheteur_id"]] >= cap:
            return False
        chosen[key] = rec
        per_buyer[rec["acheteur_id"]] += 1
        return True

    return chosen, take


def main(root, out):
    root = Path(root)
    rng = random.Random(SEED)
    pool, seen_text = [], set()
    for path, line, origin, rec in records(root):
        text = fold(rec["objet"]).strip()
        if len(text) < 4 or text in seen_text:
            continue
        seen_text.add(text)
        rec.update(source_fichier=str(path.relative_to(root.parent)), source_ligne=line, origine=origin)
        pool.append(rec)
    rng.shuffle(pool)
    chosen, take = taker()

    quotas = {"local": 620, "etat": 230}
    for origin, quota in quotas.items():
        n = 0
        for rec in pool:
            if n >= quota:
                break
            if rec["origine"] == origin and take(rec, 4 if origin == "local" else 3):
                n += 1
    for _group, words in TARGETS.items():
        n = 0
        for rec in pool:
            if n >= 34:
                break
            if any(w in fold(rec["objet"]) for w in words) and take(rec, 8):
                n += 1
    rows = list(chosen.values())
    rng.shuffle(rows)
    fields = [
        "source_fichier",
        "source_ligne",
        "acheteur_id",
        "id_contrat",
        "objet",
        "code_cpv",
        "nature",
        "montant",
    ]
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    buyers = {r["acheteur_id"] for r in rows}
    local = sum(r["origine"] == "local" for r in rows)
    print(f"{len(rows)} candidates, {len(buyers)} buyers, {local} local")


if __name__ == "__main__":
    main(*sys.argv[1:3])


# -- later rounds (seeking the rare families; same selection-only rule) ----------------------------
ROUND2 = {
    "admin": [
        "numerisation",
        "archiv",
        "courrier",
        "traduction",
        "interpret",
        "accueil",
        "saisie",
        "secretariat",
        "enquete",
        "standard telephonique",
        "centre d appel",
        "dactylo",
        "gestion electronique",
    ],
    "industrie": [
        "fabrication",
        "confection",
        "assemblage",
        "cablage",
        "usinage",
        "metallerie",
        "couture",
        "sur mesure",
        "chaudronnerie",
        "palettes",
        "serrurerie",
        "ebenisterie",
    ],
    "communication": [
        "communication",
        "evenement",
        "goodies",
        "graphi",
        "video",
        "photograph",
        "publicit",
        "site internet",
        "stand",
        "salon",
        "campagne",
        "affiche",
        "objets promotionnels",
    ],
    "logistique": [
        "conditionnement",
        "demenagement",
        "manutention",
        "routage",
        "mise sous pli",
        "coursier",
        "livraison",
        "logistique",
        "stockage",
        "colis",
    ],
    "impression": [
        "impression",
        "imprime",
        "reprograph",
        "signaletique",
        "plaques",
        "enveloppes",
        "brochure",
        "magazine",
        "edition",
    ],
}
ROUND3_ADMIN = (
    r"numerisation|archiv|courrier|traduction|interpret|saisie|secretariat|transcription|standard|"
    r"accueil telephonique|dematerialisation|mise sous pli|sondage|enquete (de|aupres|satisf|menage)|"
    r"gestion documentaire|affranchissement"
)
ROUND3_INDUSTRY = (
    r"usinage|confection|fabrication|couture|chaudronnerie|assemblage|palette|sur mesure|artisanal|"
    r"sous traitance industrielle|decoupe|soudure|tapisserie|rembourrage|sellerie"
)
ROUND3_NOT = (
    r"travaux|maitrise d oeuvre|lot \d+ (electricite|plomberie)|logiciel|repas|cuisine|enrobe|denree|"
    r"pieces detachees|dispositifs medicaux|maintenance|geotechni|voirie|vrd|zone artisanale|"
    r"equipements informatiques|colis|papier|implant|protheses|echographe|glaces|drogues|incubateur|"
    r"machine|meb|vehicules|benne|motocyclettes|produits sanguins|assistance a maitrise|"
    r"amenagement d un logement|solaire|platine|instruments|e learning|plaques offset|pieces et essais|"
    r"clotures|prototype|unites therapeutiques|refection _ sellerie|assemblage smd"
)
ROUND4 = (
    r"informatique|ordinateur|logiciel|serveur|telephon|imprimante|mobilier|fournitures de bureau|vetement|"
    r"habillement|gardiennage|surveillance|securite|extincteur|interim|conciergerie|reparation|"
    r"entretien des vehicules|multiservice"
)


def later_rounds(root, labels_dir):
    """The selection rules of rounds 2 and 3 (each excludes the rows of the rounds before it).

    The lists actually labelled are the committed ``candidats_tour*.csv``: this function documents how
    they were drawn and gives candidates of the same kind, not necessarily the same rows. Round 2: 62
    keyword hits per group (seed 11). Round 3: hits of ROUND3_ADMIN / ROUND3_INDUSTRY minus ROUND3_NOT,
    then read and kept by hand (88 rows). Round 4 (not rebuilt here): 150 local rows of buyers never
    labelled before (2 per buyer at most) and 100 hits of ROUND4 (seed 4).
    """
    import re

    root, labels_dir = Path(root), Path(labels_dir)

    def pool(exclude, seed):
        rng, out, seen_text = random.Random(seed), [], set()
        for path, line, origin, rec in records(root):
            key = (str(path.relative_to(root.parent)), str(line))
            text = fold(rec["objet"]).strip()
            if key in exclude or len(text) < 4 or text in seen_text:
                continue
            seen_text.add(text)
            rec.update(source_fichier=key[0], source_ligne=line, origine=origin)
            out.append(rec)
        rng.shuffle(out)
        return out

    def keys(*names):
        return {
            (r["source_fichier"], r["source_ligne"])
            for n in names
            for r in csv.DictReader((labels_dir / n).open(encoding="utf-8"))
        }

    rounds = {}
    rows, chosen = pool(keys("candidats.csv"), 11), {}
    for words in ROUND2.values():
        hits = [
            r
            for r in rows
            if (r["source_fichier"], r["source_ligne"]) not in chosen
            and any(w in fold(r["objet"]) for w in words)
        ][:62]
        chosen.update({(r["source_fichier"], r["source_ligne"]): r for r in hits})
    rounds["candidats_tour2.csv"] = list(chosen.values())
    rows = pool(keys("candidats.csv", "candidats_tour2.csv"), 0)
    rounds["candidats_tour3.csv"] = [
        r
        for r in rows
        if re.search(f"{ROUND3_ADMIN}|{ROUND3_INDUSTRY}", fold(r["objet"]))
        and not re.search(ROUND3_NOT, fold(r["objet"]))
    ]
    return rounds
