"""The trade taxonomy: families, métiers, CPV and NAF mappings, lexicon."""

import hashlib

import pandas as pd
import pytest

from transferability._reference import taxonomy as tx
from transferability._utils import data_path

RUBRIC_FAMILIES = [
    "Communication et marketing",
    "Conditionnement, logistique et transport",
    "Construction et bâtiment",
    "Energie, environnement, gestion des déchets",
    "Espaces verts et paysagers",
    "Impression, reprographie et marquage",
    "Informatique et services numériques",
    "Nettoyage et entretien",
    "Prestations administratives",
    "Production industrielle",
    "Productions alimentaires",
    "Restauration, hébergement et services touristiques",
    "Services généraux",
    "Hors champ",
]
# The CPV mapping was frozen before any contract was labelled: changing it needs a new version.
CPV_RULES_SHA256 = "4f3cc5dd0e16ac4838a63ec5863a81570f2cc52c9b452182de0622551b0c9678"


def test_families_are_the_rubric_labels():
    assert list(tx.family_labels()) == RUBRIC_FAMILIES


def test_every_metier_belongs_to_a_family():
    assert set(tx.metiers()["famille"]) == set(RUBRIC_FAMILIES)


def test_cpv_mapping_is_the_frozen_version():
    digest = hashlib.sha256(data_path("cpv_regles.csv").read_bytes()).hexdigest()
    assert digest == CPV_RULES_SHA256, "cpv_regles.csv changed: bump CPV_RULES_VERSION and say why"


def test_every_cpv_code_maps_to_a_valid_family_metier_and_capability():
    codes = pd.read_csv(data_path("cpv/cpv_2008_fr.csv"), dtype=str)["code"]
    priors = tx.cpv_priors(codes)
    assert len(codes) == 9454 and priors["famille"].notna().all()
    assert set(priors["capacite"]) <= set(tx.CAPACITIES)
    fam = tx.metiers()["famille"]
    assert (priors["metier_id"].map(fam) == priors["famille"]).all()
    assert (priors.loc[priors["famille"] == tx.HORS_CHAMP, "capacite"] == "aucun").all()


@pytest.mark.parametrize(
    ("code", "famille", "capacite"),
    [
        ("90910000", "Nettoyage et entretien", "total"),  # cleaning 9091*
        ("90911200", "Nettoyage et entretien", "total"),
        ("77310000", "Espaces verts et paysagers", "total"),  # green spaces 7731*
        ("79810000", "Impression, reprographie et marquage", "total"),  # printing 7981*
        ("22820000", "Impression, reprographie et marquage", "total"),  # forms 2282*
        ("55520000", "Restauration, hébergement et services touristiques", "total"),  # catering 5552*
        ("98310000", "Nettoyage et entretien", "total"),  # laundry 9831*
        ("33100000", "Hors champ", "aucun"),  # medical devices 331*
        ("45442100", "Construction et bâtiment", "total"),  # painting
        ("45331000", "Construction et bâtiment", "aucun"),  # heating, ventilation
        ("45000000", "Construction et bâtiment", "partiel"),  # works 45*
    ],
)
def test_sensitive_cpv_codes(code, famille, capacite):
    prior = tx.cpv_prior(code)
    assert (prior.famille, prior.capacite) == (famille, capacite)


def test_every_naf_subclass_and_every_lemarche_sector_maps():
    naf = pd.read_csv(data_path("naf_regles.csv"), dtype=str)
    assert naf["famille"].isin(RUBRIC_FAMILIES).all()
    sectors = pd.read_csv(data_path("secteurs_lemarche.csv"), dtype=str)
    assert len(sectors) == 154 and sectors["sector_id"].is_unique
    assert (sectors["metier_id"].map(tx.metiers()["famille"]) == sectors["famille"]).all()
    for code in ("8121Z", "8130Z", "1812Z", "5629A", "9601A", "9499Z"):
        assert tx.naf_prior(code) is not None


def test_lexicon_finds_trades_in_singular_and_plural():
    lex = tx.lexicon()
    assert lex.matches("Entretien des espaces verts")[0][0] == "entretien-espaces-verts"
    assert lex.matches("Entretien de l'espace vert")[0][0] == "entretien-espaces-verts"
    scores = lex.metier_scores(["Nettoyage des locaux administratifs", "Assurance dommages ouvrage"])
    assert scores.shape == (2, len(tx.metiers()))
    assert tx.metiers()["metier_id"].iloc[scores[0].toarray().argmax()] == "nettoyage-locaux"
