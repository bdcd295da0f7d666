"""The diagnostic on the bundled sample: levels, explanations, summaries, settings, corrections."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

import transferability as tr
from transferability._diagnose import best_level, recommendations, territory_level
from transferability._reference import taxonomy

DATA = __import__("pathlib").Path(__file__).parent / "data"
SETTINGS = tr.Settings(date_reference=dt.date(2024, 1, 1))


@pytest.fixture(scope="module")
def diag():
    return tr.diagnose(tr.load_sample_contracts_path(), settings=SETTINGS)


def test_every_contract_in_input_order_with_the_diagnostic_columns(diag):
    contracts = tr.read_contracts(tr.load_sample_contracts_path())
    assert len(diag.contrats) == len(contracts)
    assert diag.contrats["source_ligne"].tolist() == contracts["source_ligne"].tolist()
    assert set(tr.DIAGNOSTIC_COLUMNS) <= set(diag.contrats.columns)
    assert set(diag.contrats["niveau"]) <= {"fort", "moyen", "faible", "indéterminé"}


def test_same_input_and_settings_give_the_same_output(diag):
    again = tr.diagnose(tr.load_sample_contracts_path(), settings=SETTINGS)
    pd.testing.assert_frame_equal(
        diag.contrats.drop(columns=["candidats"]), again.contrats.drop(columns=["candidats"])
    )
    pd.testing.assert_frame_equal(diag.synthese(), again.synthese())


def test_explanations_name_the_three_legs(diag):
    judged = diag.contrats[
        (diag.contrats["niveau"] != "indéterminé") & (diag.contrats["famille"] != "Hors champ")
    ]
    assert (
        judged["explication"]
        .str.contains(r"capacité (?:totale|partielle|aucune) \(confiance \d+\xa0%\)")
        .all()
    )
    assert judged["explication"].str.contains("prestataire").all()
    outside = diag.contrats[diag.contrats["famille"] == "Hors champ"]
    assert outside["explication"].str.startswith("Hors champ").all() and outside["metier"].isna().all()


def test_synthese_shares_are_over_judged_amounts(diag):
    s = diag.synthese()
    assert list(s.index) == [
        "MAPA",
        "Formalisé",
        "Sans publicité ni mise en concurrence",
        "Inconnue",
        "Ensemble",
    ]
    mapa = s.loc["MAPA"]
    judged = mapa["montant_fort"] + mapa["montant_moyen"] + mapa["montant_faible"]
    assert mapa["part_montant_fort_ou_moyen_sur_juges"] == pytest.approx(
        (mapa["montant_fort"] + mapa["montant_moyen"]) / judged
    )
    assert s.loc["Ensemble", "nb_marches"] == (~diag.contrats["doublon"]).sum()


def test_summaries_and_provider_lists(diag):
    assert diag.par_famille()["montant_transferable"].is_monotonic_decreasing
    assert {"MAPA", "formalise"} <= {
        c.rsplit("_", 1)[-1].replace("mapa", "MAPA") for c in diag.par_famille().columns
    }
    assert len(diag.par_direction()) >= 1 and len(diag.par_acheteur()) >= 100
    cal = diag.calendrier()
    assert (pd.to_datetime(cal["date_renouvellement"]) >= pd.Timestamp("2024-01-01")).all()
    first = diag.contrats[diag.contrats["nb_prestataires"] > 0].iloc[0]
    providers = diag.prestataires(first["id_contrat"])
    assert len(providers) == first["nb_prestataires"]
    check = diag.controle_territoire()
    assert not check["annuaire_fictif_en_partie"] and check["prestataires_fictifs_utilises"] == 0
    assert check["prestataires_par_type"]["ESAT"] == 1504 and check["couverture_ea_inconnue"]


def test_the_territory_rule_can_only_lower_a_potential():
    potential = np.array(["fort", "fort", "fort", "moyen", "fort", "faible", "fort"], dtype=object)
    n = np.array([5, 2, 5, 1, 0, 5, 5])
    dependance = np.array([0.1, 0.1, 0.5, 0.1, np.nan, 0.1, 0.1])
    judged = np.array([True] * 6 + [False])
    level, why = territory_level(potential, n, dependance, tr.Settings(), judged)
    assert level.tolist() == ["fort", "moyen", "moyen", "moyen", "faible", "faible", "indéterminé"]
    assert "2 prestataires du secteur, 3 requis" in why[1] and "50\xa0%" in why[2]
    assert why[4] == "potentiel fort ramené à faible (aucun prestataire du secteur)"
    assert why[0] == why[3] == why[5] == why[6] == ""


def _verdicts(**columns):
    base = {
        "metier": "Nettoyage de locaux",
        "famille": "Nettoyage et entretien",
        "montant": 50_000.0,
        "potentiel_esat_ea": "faible",
        "potentiel_siae": "faible",
        "niveau_esat_ea": "faible",
        "niveau_siae": "faible",
        "part_esat_ea": 0.0,
        "part_siae": 0.0,
    }
    table = pd.DataFrame([base | columns])
    table["niveau"] = best_level(
        table["niveau_esat_ea"].to_numpy(object), table["niveau_siae"].to_numpy(object)
    )
    return table


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ({"niveau_esat_ea": "fort", "potentiel_esat_ea": "fort", "part_esat_ea": 1.0},
         "Marché réservé L2113-12 (ESAT, EA)"),
        ({"niveau_esat_ea": "moyen", "part_esat_ea": 0.3, "niveau_siae": "fort", "part_siae": 1.0},
         "Marché réservé L2113-13 (SIAE)"),
        ({"niveau_esat_ea": "moyen", "part_esat_ea": 0.2, "niveau_siae": "moyen", "part_siae": 0.42},
         "Lot réservé L2113-13 (SIAE) d’environ 40\xa0% du montant (partie « nettoyage de locaux » à allotir)"),
        ({"famille": "Construction et bâtiment", "metier": "Maçonnerie et gros œuvre", "montant": 500_000.0},
         "Clause sociale d’insertion (L2112-2)"),
        ({"potentiel_esat_ea": "fort"}, "Sourcer des ESAT ou EA avant le renouvellement"),
        ({"famille": "Hors champ", "metier": None, "montant": 5_000_000.0}, "Aucune"),
        ({"montant": 90_000.0}, "Aucune"),  # labour-intensive but under the clause's amount
    ],
)  # fmt: skip
def test_the_recommendation_rule(columns, expected):
    out = recommendations(_verdicts(**columns), tr.Settings())
    assert out["recommandation"][0] == expected


def test_the_verdict_on_the_sample_is_consistent(diag):
    t = diag.contrats
    engaged = t["niveau"].isin(["fort", "moyen"])
    assert engaged.any() and not t.loc[engaged, "recommandation"].eq("Aucune").any()
    assert t.loc[engaged, "recommandation"].str.startswith(("Marché réservé", "Lot réservé")).all()
    esat = t["niveau_esat_ea"].isin(["fort", "moyen"])
    assert (
        t.loc[~esat, "deduction_fiphfp_estimee"].isna().all()
        and t.loc[esat & t["montant"].notna(), "deduction_fiphfp_estimee"].notna().all()
    )
    reserved = t["recommandation"].str.startswith(("Marché réservé", "Lot réservé"))
    assert t.loc[~reserved, "heures_travail_reserve"].isna().all()
    clause = t["recommandation"].str.startswith("Clause")
    assert clause.any() and t.loc[~clause, "heures_insertion_clause"].isna().all()
    assert (
        t.loc[clause, "montant_transferable"].fillna(0) == 0
    ).all()  # a clause is never counted as transferable
    for sector in ("esat_ea", "siae"):  # the territory can only lower the potential
        rank = {"fort": 0, "moyen": 1, "faible": 2}
        judged = t[f"niveau_{sector}"] != "indéterminé"
        assert (
            t.loc[judged, f"niveau_{sector}"].map(rank) >= t.loc[judged, f"potentiel_{sector}"].map(rank)
        ).all()
    fort = t["niveau"].eq("fort")
    assert (t.loc[fort, "part_transferable"] == 1).all()
    moyen = t["niveau"].eq("moyen")
    assert t.loc[moyen, "part_transferable"].between(0.05, 1).all()
    assert t.loc[moyen, "explication"].str.contains(r"un lot d’environ \d+\xa0% du montant").all()
    assert (t.loc[t["niveau"].eq("faible") & t["montant"].notna(), "montant_transferable"] == 0).all()
    out_of_scope = t["famille"].eq("Hors champ")
    assert t.loc[out_of_scope, "explication"].str.startswith("Hors champ").all()
    assert not t.loc[out_of_scope, "explication"].str.contains("ne couvre").any()


def test_estimates_follow_the_seed_example(diag):
    t = diag.contrats
    row = t[t["recommandation"].str.startswith("Marché réservé") & t["duree_mois"].notna()].iloc[0]
    share = taxonomy.families().at[row["famille"], "part_main_oeuvre"]
    annual = row["montant"] / max(row["duree_mois"] / 12, 1)
    assert row["montant_annuel"] == pytest.approx(annual, rel=1e-6)
    assert row["heures_travail_reserve"] == pytest.approx(
        round(annual * share * row["part_transferable"] / 60)
    )
    row = t[t["recommandation"].str.startswith("Clause")].iloc[0]
    share = taxonomy.families().at[row["famille"], "part_main_oeuvre"]
    assert row["heures_insertion_clause"] == pytest.approx(round(row["montant_annuel"] * share / 60 * 0.075))


def test_placeholder_amounts_are_left_out_of_every_total(diag):
    t = diag.contrats
    absurd = t["montant_aberrant"]
    assert absurd.sum() == diag.synthese().loc["Ensemble", "nb_montants_aberrants"] > 0
    assert t.loc[absurd, "montant"].isna().all() and t.loc[absurd, "montant_transferable"].isna().all()
    assert all(any(a.startswith("montant aberrant") for a in alerts) for alerts in t.loc[absurd, "alertes"])


def test_synthese_per_sector(diag):
    s, t = diag.synthese(), diag.contrats[~diag.contrats["doublon"]]
    for cat in ("MAPA", "Formalisé"):
        sub = t[t["categorie_procedure"] == cat]
        judged = sub.loc[sub["niveau"] != "indéterminé", "montant"].astype(float).sum()
        assert s.loc[cat, "montant_transferable"] == pytest.approx(sub["montant_transferable"].sum())
        assert s.loc[cat, "part_montant_transferable_sur_juges"] == pytest.approx(
            sub["montant_transferable"].sum() / judged
        )
        for sector in ("esat_ea", "siae"):
            engaged = sub[f"niveau_{sector}"].isin(["fort", "moyen"])
            assert s.loc[cat, f"part_montant_fort_ou_moyen_{sector}"] == pytest.approx(
                sub.loc[engaged, "montant"].astype(float).sum() / judged
            )
            assert (
                s.loc[cat, f"part_montant_transferable_{sector}"]
                <= s.loc[cat, f"part_montant_fort_ou_moyen_{sector}"]
            )
        assert 0 < s.loc[cat, "part_plus_gros_fort_ou_moyen"] <= 1
    long = diag.synthese_secteurs()
    assert long.loc[("MAPA", "SIAE"), "montant_transferable"] == s.loc["MAPA", "montant_transferable_siae"]
    years = diag.synthese_annuelle()
    assert years["montant_transferable"].sum() == pytest.approx(t["montant_transferable"].sum())


def test_impossible_durations_and_missing_amounts(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        "Objet;Montant HT;Durée (mois);Lieu d'exécution\n"
        "Nettoyage des locaux de la mairie;40000;0;73065\n"
        "Nettoyage des locaux de la mairie;40000;-12;73065\n"
        "Nettoyage des locaux de la mairie;40000;480;73065\n"
        "Nettoyage des locaux de la mairie;;12;73065\n",
        encoding="utf-8",
    )
    with pytest.warns(
        tr.TransferabilityWarning, match="3 marchés à la durée nulle, négative ou de plus de 30 ans"
    ):
        d = tr.diagnose(path, settings=SETTINGS)
    t = d.contrats
    assert t["duree_mois"].iloc[:3].isna().all()
    assert all(
        any(x.startswith(("durée nulle", "durée aberrante")) for x in a) for a in t["alertes"].iloc[:3]
    )
    assert t.loc[3, "niveau"] != "indéterminé" and pd.isna(t.loc[3, "montant_transferable"])
    assert "montant absent\xa0: potentiel jugé sur l’objet seul" in t.loc[3, "explication"]


def test_a_holder_of_the_directory_is_an_inclusive_holder_and_is_written_as_read(tmp_path):
    """A contract already held by a provider of the directory (its SIRET spaced as buyers type it) is said
    so; the holders are kept as read, and written « id nom » in the CSV."""
    provider = tr.load_sample_directory().iloc[0]
    spaced = " ".join(
        [provider["siret"][:3], provider["siret"][3:6], provider["siret"][6:9], provider["siret"][9:]]
    )
    path = tmp_path / "m.csv"
    path.write_text(
        "Objet;Montant HT;Lieu d'exécution;Titulaire SIRET;Titulaire nom\n"
        f"Nettoyage des locaux de la mairie;40000;73065;{spaced};{provider['raison_sociale']}\n"
        "Nettoyage des locaux de la mairie;30000;73065;41234567800012;PROPRE SAS\n"
        "Tonte des pelouses;5000;73065;;\n",
        encoding="utf-8",
    )
    d = tr.diagnose(path, settings=SETTINGS)
    assert d.contrats["titulaire_inclusif"].tolist() == [True, False, False]
    assert d.contrats["titulaires"].tolist() == [
        [{"id": provider["siret"], "nom": provider["raison_sociale"]}],
        [{"id": "41234567800012", "nom": "PROPRE SAS"}],
        [],
    ]
    d.to_csv(tmp_path / "d.csv")
    written = pd.read_csv(tmp_path / "d.csv", sep=";", dtype=str, keep_default_na=False)
    assert written["titulaires"].tolist() == [
        f"{provider['siret']} {provider['raison_sociale']}",
        "41234567800012 PROPRE SAS",
        "",
    ]


def test_the_public_tables_hold_python_lists_and_read_back_from_parquet(diag, tmp_path):
    """Holders and nearest providers are arrow lists inside the pipeline; the public tables give them back as
    Python lists, so that a notebook's own parquet reads back (pandas cannot read a column of arrow lists'
    type from the file) and ``Series.map`` gets lists."""
    for table in (diag.contrats, tr.read_contracts(tr.load_sample_contracts_path())):
        assert table["titulaires"].map(type).eq(list).all()
    assert diag.contrats["candidats"].map(type).eq(list).all()
    diag.contrats.to_parquet(tmp_path / "d.parquet")
    back = pd.read_parquet(tmp_path / "d.parquet")
    assert back["candidats"].map(len).tolist() == diag.contrats["candidats"].map(len).tolist()


def test_a_sector_missing_from_the_directory_is_undetermined_not_faible():
    directory = tr.load_sample_directory()
    only_esat = directory[directory["type_structure"].isin(["ESAT", "EA"])]
    with pytest.warns(tr.TransferabilityWarning, match="aucun prestataire SIAE dans l’annuaire"):
        d = tr.diagnose(tr.load_sample_contracts_path(), only_esat, settings=SETTINGS)
    assert d.contrats["niveau_siae"].eq("indéterminé").all()
    assert d.contrats["niveau_esat_ea"].ne("indéterminé").any()
    assert d.controle_territoire()["secteurs_sans_prestataire"] == ["SIAE"]


def test_contract_without_object_nor_cpv_nor_place(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        "Objet;Code CPV;Montant HT;Lieu d'exécution\n;;1000;\nTonte des pelouses;;5000;73065\n",
        encoding="utf-8",
    )
    with pytest.warns(tr.TransferabilityWarning, match="sans lieu"):
        d = tr.diagnose(path, settings=SETTINGS)
    assert d.contrats["niveau"].tolist()[0] == "indéterminé"
    assert "territoire inconnu" in " ".join(d.contrats["alertes"].iloc[0])
    assert d.contrats["niveau"].tolist()[1] != "indéterminé"


def test_settings_from_toml_refuse_unknown_keys(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("seuil_inconnu = 3\n", encoding="utf-8")
    with pytest.raises(tr.InputError, match="paramètre inconnu ; trouvé : « seuil_inconnu »"):
        tr.Settings.from_toml(path)


def test_consultant_corrections_are_applied_and_shown(diag, tmp_path):
    target = diag.contrats.iloc[0]
    sheet = pd.DataFrame(
        {"id_contrat": [target["id_contrat"]], "acheteur_id": [target["acheteur_id"]], "niveau": ["fort"]}
    )
    corrected = tr.apply_corrections(diag, sheet)
    first = corrected.contrats.iloc[0]
    assert first["niveau"] == first["niveau_esat_ea"] == first["niveau_siae"] == "fort"
    assert first["recommandation"].startswith("Marché réservé") and first["part_transferable"] == 1
    assert corrected.contrats.iloc[0]["correction_consultant"] == "niveau corrigé(e)"
    bad = pd.DataFrame({"id_contrat": ["nope"], "niveau": ["fort"]})
    with pytest.raises(tr.InputError, match="marché introuvable"):
        tr.apply_corrections(diag, bad)


def test_level_classifier_learns_from_judgements(diag):
    X = tr.level_features(diag.contrats)
    y = diag.contrats["niveau"].where(diag.contrats["niveau"] != "indéterminé", "faible")
    model = tr.LevelClassifier().fit(X, y)
    assert (model.predict(X) == y).mean() > 0.7
    d2 = tr.diagnose(tr.load_sample_contracts_path(), settings=SETTINGS, level_model=model)
    assert set(d2.contrats["niveau"]) <= {"fort", "moyen", "faible", "indéterminé"}


@parametrize_with_checks([tr.LevelClassifier()])
def test_level_classifier_passes_scikit_learn_checks(estimator, check):
    check(estimator)


def test_corrections_show_in_the_report(diag, tmp_path):
    from openpyxl import load_workbook

    target = diag.contrats.iloc[0]
    sheet = pd.DataFrame(
        {"id_contrat": [target["id_contrat"]], "acheteur_id": [target["acheteur_id"]], "capacite": ["total"]}
    )
    path = tr.apply_corrections(diag, sheet).to_excel(tmp_path / "r.xlsx")
    ws = load_workbook(path)["Marchés"]
    header = [c.value for c in ws[5]]
    col, ref = header.index("Correction du consultant") + 1, header.index("Référence") + 1
    row = next(r for r in range(6, ws.max_row + 1) if ws.cell(r, ref).value == target["id_contrat"])
    assert ws.cell(row, col).value == "capacite corrigé(e)"


def test_settings_are_checked_on_construction_and_every_problem_is_listed():
    with pytest.raises(
        tr.InputError, match="(?s)3 problèmes.*min_prestataires_fort.*dependance_max.*date_reference"
    ):
        tr.Settings(min_prestataires_fort="trois", dependance_max=-1, date_reference="hier")
    with pytest.raises(tr.InputError, match="taux_fiphfp hors des limites.*0,3 pour 30"):
        tr.Settings(taux_fiphfp=30)
    assert tr.Settings(date_reference="2026-01-01").date_reference == dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    "content, encoding, message",
    [
        ('min_prestataires_fort = "trois"\n', "utf-8", "un nombre entier attendu"),
        ("# paramètres de la Savoie\nmin_prestataires_fort = 4\n", "cp1252", "pas en UTF-8"),
        ("[seuils]\ntrois = 4\n", "utf-8", "paramètre inconnu ; trouvé : « seuils »"),
        ("dependance_max = 0,3\n", "utf-8", "fichier de paramètres illisible"),
        ("seuil_reservation = 30\n", "utf-8", "paramètre retiré ; trouvé : « seuil_reservation ».*supprimer"),
    ],
)
def test_settings_files_get_a_french_answer(tmp_path, content, encoding, message):
    path = tmp_path / "p.toml"
    path.write_bytes(content.encode(encoding))
    with pytest.raises(tr.InputError, match=message):
        tr.Settings.from_toml(path)
