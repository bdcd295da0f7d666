"""The diagnostic on the bundled sample: levels, explanations, summaries, settings, corrections."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

import transferability as tr
from transferability._diagnose import levels, recommendations
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


def test_the_rule_table():
    table = pd.DataFrame(
        {
            "capacite": ["total", "total", "total", "partiel", "aucun", "total"],
            "proba_capacite": [0.9, 0.9, 0.4, 0.9, 0.9, 0.9],
            "nb_prestataires": [5, 2, 5, 5, 5, 0],
            "dependance_economique": [0.1, 0.1, 0.1, 0.1, 0.1, np.nan],
        }
    )
    judged = np.ones(6, dtype=bool)
    assert levels(table, tr.Settings(), judged).tolist() == [
        "fort",
        "moyen",
        "moyen",
        "moyen",
        "faible",
        "faible",
    ]
    judged[0] = False
    assert levels(table, tr.Settings(), judged)[0] == "indéterminé"


@pytest.mark.parametrize(
    ("cap", "h", "i", "n", "dep", "expected"),
    [
        ("total", 40, 3, 45, 0.1, "Réservation L2113-12 (ESAT, EA)"),
        ("total", 3, 40, 45, 0.1, "Réservation L2113-13 (SIAE)"),
        ("total", 40, 3, 45, 0.5, "Lot réservé (ESAT, EA)"),  # dependency too high for a reservation
        ("partiel", 40, 3, 45, 0.1, "Lot réservé (ESAT, EA)"),  # partial capability: a lot, not the whole
        ("total", 5, 4, 9, 0.1, "Clause sociale d’exécution (L2112-2)"),
        ("total", 1, 0, 1, 0.1, "Aucune"),
    ],
)
def test_the_recommendation_rule(cap, h, i, n, dep, expected):
    table = pd.DataFrame(
        {
            "niveau": ["moyen"],
            "capacite": [cap],
            "nb_handicap": [h],
            "nb_insertion": [i],
            "nb_prestataires": [n],
            "dependance_economique": [dep],
        }
    )
    assert recommendations(table, tr.Settings())[0] == expected


def test_estimates_follow_the_seed_example(diag):
    row = diag.contrats[(diag.contrats["niveau"] == "fort") & diag.contrats["duree_mois"].notna()].iloc[0]
    share = taxonomy.families().at[row["famille"], "part_main_oeuvre"]
    annual = row["montant"] / max(row["duree_mois"] / 12, 1)
    assert row["montant_annuel"] == pytest.approx(annual, rel=1e-6)
    assert row["heures_insertion_clause"] == pytest.approx(round(annual * share / 60 * 0.075))
    assert row["heures_travail_reserve"] == pytest.approx(round(annual * share / 60))


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
    assert corrected.contrats.iloc[0]["niveau"] == "fort"
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
    col = header.index("Correction du consultant") + 1
    assert ws.cell(6, col).value == "capacite corrigé(e)"


def test_settings_are_checked_on_construction_and_every_problem_is_listed():
    with pytest.raises(
        tr.InputError, match="(?s)3 problèmes.*min_prestataires_fort.*dependance_max.*date_reference"
    ):
        tr.Settings(min_prestataires_fort="trois", dependance_max=-1, date_reference="hier")
    with pytest.raises(tr.InputError, match="taux_fiphfp hors des limites.*0,3 pour 30"):
        tr.Settings(taux_fiphfp=30)
    with pytest.raises(tr.InputError, match="seuils incohérents"):
        tr.Settings(seuil_lot_reserve=50)
    assert tr.Settings(date_reference="2026-01-01").date_reference == dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    "content, encoding, message",
    [
        ('min_prestataires_fort = "trois"\n', "utf-8", "un nombre entier attendu"),
        ("# paramètres de la Savoie\nmin_prestataires_fort = 4\n", "cp1252", "pas en UTF-8"),
        ("[seuils]\ntrois = 4\n", "utf-8", "paramètre inconnu ; trouvé : « seuils »"),
        ("dependance_max = 0,3\n", "utf-8", "fichier de paramètres illisible"),
    ],
)
def test_settings_files_get_a_french_answer(tmp_path, content, encoding, message):
    path = tmp_path / "p.toml"
    path.write_bytes(content.encode(encoding))
    with pytest.raises(tr.InputError, match=message):
        tr.Settings.from_toml(path)
