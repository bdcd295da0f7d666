"""Which providers cover which place: Le marché's scenarios around Grenoble, on real communes."""

import numpy as np
import pandas as pd
import pytest

import transferability as tr
from transferability._diagnose import CoverageIndex, PlaceKey, coverage
from transferability._reference import geography
from transferability._reference import taxonomy as tx

# Fictitious providers, placed in real communes (INSEE codes) for the scenarios.
PLACES = {
    "Grenoble": "38185",
    "La Tronche": "38516",
    "Chamrousse": "38567",
    "Chambéry": "73065",
    "Lyon": "69123",
}


def provider(
    name, commune, kind="ESAT", perimetre="rayon", rayon=None, zones=None, metiers=("nettoyage-locaux",)
):
    row = geography().communes.loc[PLACES[commune]]
    return {
        "id_prestataire": name,
        "raison_sociale": name,
        "type_structure": kind,
        "secteur": "Handicap" if kind in ("ESAT", "EA", "EATT") else "Insertion",
        "siret": None,
        "commune_insee": row["code_insee"],
        "departement": row["departement"],
        "region": row["region"],
        "lat": row["lat"],
        "lon": row["lon"],
        "metiers": list(metiers),
        "familles": sorted({tx.family_of(m) for m in metiers}),
        "perimetre": perimetre,
        "rayon_km": rayon,
        "zones": zones or [],
        "effectif": 20,
        "chiffre_affaires": None,
        "fictif": True,
    }


def index_of(*providers):
    return CoverageIndex(pd.DataFrame(providers), list(tx.metiers()["metier_id"]), list(tx.family_labels()))


@pytest.mark.parametrize(
    ("prov", "covers"),
    [
        (provider("in Grenoble, no radius", "Grenoble", rayon=0), True),
        (provider("10 km from La Tronche", "La Tronche", rayon=10), True),  # 3.6 km away
        (provider("10 km from Chamrousse", "Chamrousse", rayon=10), False),  # 15.3 km away
        (provider("20 km from Chamrousse", "Chamrousse", rayon=20), True),
        (provider("zone Isère", "Lyon", perimetre="zones", zones=["dep:38"]), True),
        (provider("zone Savoie", "Chambéry", perimetre="zones", zones=["dep:73"]), False),
        (provider("zone AURA", "Lyon", perimetre="zones", zones=["reg:84"]), True),
        (provider("zone Grenoble", "Lyon", perimetre="zones", zones=["com:38185"]), True),
        (provider("France entière", "Lyon", perimetre="France entière"), True),
    ],
    ids=lambda v: v["raison_sociale"] if isinstance(v, dict) else str(v),
)
def test_who_covers_grenoble(prov, covers):
    reach, dist = index_of(prov).reach(PlaceKey("commune", "38185"))
    assert bool(reach[0]) is covers


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (PlaceKey("département", "38"), [True, True, False]),  # Grenoble and La Tronche are in Isère
        (PlaceKey("département", "73"), [False, False, True]),
        (PlaceKey("région", "84"), [True, True, True]),
        (PlaceKey("pays", "FR"), [True, True, True]),  # unknown territory: counted nationally
    ],
)
def test_places_that_are_departments_regions_or_the_country(key, expected):
    idx = index_of(
        provider("g", "Grenoble", rayon=5),
        provider("t", "La Tronche", rayon=5),
        provider("c", "Chambéry", rayon=5),
    )
    assert idx.reach(key)[0].tolist() == expected


def test_distance_to_a_department_is_to_its_nearest_commune():
    idx = index_of(provider("c", "Chambéry", rayon=1))
    _, dist = idx.reach(PlaceKey("département", "73"))
    assert dist[0] == 0.0
    _, dist = idx.reach(PlaceKey("département", "38"))
    assert 0 < dist[0] < 25  # Isère's nearest commune to Chambéry


def test_counts_by_metier_then_family_and_by_sector():
    idx = index_of(
        provider("esat", "Grenoble", rayon=10),
        provider("ei", "La Tronche", kind="EI", rayon=10),
        provider("vitres", "Grenoble", rayon=10, metiers=("nettoyage-vitres",)),
        provider("far", "Lyon", rayon=10),
    )
    contracts = pd.DataFrame(
        {
            "commune_insee": ["38185", "38185"],
            "departement": ["38", "38"],
            "region": ["84", "84"],
            "metier_id": ["nettoyage-locaux", "blanchisserie"],
            "famille": ["Nettoyage et entretien", "Nettoyage et entretien"],
        }
    )
    out, providers = coverage(contracts, idx, contracts["metier_id"])
    assert [len(p) for p in providers] == out["nb_prestataires"].tolist()
    assert out.loc[0, ["nb_prestataires", "nb_handicap", "nb_insertion", "nb_locaux"]].tolist() == [
        2,
        1,
        1,
        2,
    ]
    assert out.loc[0, "base_couverture"] == "métier" and out.loc[0, "candidats"][0] == "esat"
    assert out.loc[1, "base_couverture"] == "famille" and out.loc[1, "nb_prestataires"] == 3
    assert out.loc[0, "distance_plus_proche_km"] == 0.0


def test_a_provider_without_department_is_never_local_to_a_place_without_one():
    national = provider("partout", "Lyon", perimetre="France entière")
    national["departement"] = None  # a national provider whose department is not known
    idx = index_of(national, provider("esat", "Grenoble", rayon=10))
    contracts = pd.DataFrame(
        {"commune_insee": [None, "38185"], "departement": [None, "38"], "region": [None, "84"],
         "famille": ["Nettoyage et entretien"] * 2}
    )  # fmt: skip
    out, _ = coverage(contracts, idx, ["nettoyage-locaux"] * 2)
    assert out["territoire"].tolist() == ["inconnu", "commune"]
    assert out["nb_prestataires"].tolist() == [2, 2] and out["nb_locaux"].tolist() == [0, 1]


def test_out_of_scope_providers_never_count():
    idx = index_of(provider("hc", "Grenoble", rayon=10, metiers=("etudes-conseil",)))
    contracts = pd.DataFrame(
        {
            "commune_insee": ["38185"],
            "departement": ["38"],
            "region": ["84"],
            "metier_id": ["etudes-conseil"],
            "famille": ["Hors champ"],
        }
    )
    assert coverage(contracts, idx, contracts["metier_id"])[0].loc[0, "nb_prestataires"] == 0


def test_a_directory_without_any_location_is_refused():
    prov = provider("x", "Grenoble")
    prov.update(lat=np.nan, lon=np.nan)
    with pytest.raises(tr.InputError, match="aucun prestataire localisable"):
        index_of(prov)


def test_assumed_trades_count_apart_from_confirmed_ones():
    confirmed = provider("esat", "Grenoble", rayon=10)
    assumed = provider("suppose", "Grenoble", rayon=10, metiers=("entretien-espaces-verts",))
    assumed["metiers_supposes"] = ["nettoyage-locaux"]
    idx = index_of(confirmed, assumed)
    contracts = pd.DataFrame(
        {
            "commune_insee": ["38185"],
            "departement": ["38"],
            "region": ["84"],
            "metier_id": ["nettoyage-locaux"],
            "famille": ["Nettoyage et entretien"],
        }
    )
    out, providers = coverage(contracts, idx, contracts["metier_id"])
    assert out.loc[
        0, ["nb_prestataires", "nb_prestataires_confirmes", "nb_prestataires_supposes"]
    ].tolist() == [
        2,
        1,
        1,
    ]
