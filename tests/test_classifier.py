"""The trade classifier, its baselines, its evaluation and its model files."""

import hashlib
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

import transferability as tr
from transferability._classify import (
    SHIPPED_MODEL_SHA256,
    grouped_predictions,
    load_labelled,
    read_corrections,
    save_model,
    scores,
    train,
)
from transferability._classify import baselines as bl
from transferability._reference import taxonomy
from transferability._utils import data_path, read_data_csv


@pytest.fixture(scope="module")
def labelled():
    return load_labelled()


@pytest.fixture(scope="module")
def model(labelled):
    return tr.TradeClassifier().fit(labelled, labelled[["famille", "capacite"]])


@pytest.mark.parametrize(
    "check",
    [
        check_parameters_default_constructible,
        check_no_attributes_set_in_init,
        check_get_params_invariance,
        check_set_params,
    ],
)
def test_scikit_learn_conventions(check):
    check("TradeClassifier", tr.TradeClassifier())


def test_labelled_set_meets_the_brief(labelled):
    assert len(labelled) >= 1000 and labelled["acheteur_id"].nunique() >= 150
    assert (labelled["origine"] == "local").sum() >= 400
    counts = labelled["famille"].value_counts()
    assert set(counts.index) == set(taxonomy.family_labels())
    assert counts.drop("Hors champ").min() >= 25
    assert labelled.duplicated(["source_fichier", "source_ligne"]).sum() == 0


def test_fit_predict_shapes_and_probabilities(model, labelled):
    X = labelled.head(20)
    fam, cap = model.predict_proba(X)
    assert fam.shape == (20, 14) and cap.shape == (20, 3)
    np.testing.assert_allclose(fam.sum(1), 1, rtol=1e-6)
    assert model.predict(X).shape == (20, 2)


def test_fit_is_reproducible(labelled):
    a = tr.TradeClassifier().fit(labelled, labelled[["famille", "capacite"]])
    b = clone(a).fit(labelled, labelled[["famille", "capacite"]])
    np.testing.assert_array_equal(a.famille_model_.coef_, b.famille_model_.coef_)


def test_fit_refuses_unknown_labels(labelled):
    y = labelled[["famille", "capacite"]].copy()
    y.iloc[0, 0] = "Plomberie"
    with pytest.raises(ValueError, match=r"familles inconnues dans y : \['Plomberie'\]"):
        tr.TradeClassifier().fit(labelled, y)


def test_classify_keeps_rows_and_index_and_explains(model):
    X = pd.DataFrame(
        {
            "objet": ["Nettoyage des locaux de la mairie", None, "Assurance flotte automobile"],
            "code_cpv": [None, "77310000", None],
        },
        index=[10, 11, 12],
    )
    out = model.classify(X)
    assert list(out.index) == [10, 11, 12]
    assert (
        out.loc[10, "famille"] == "Nettoyage et entretien" and out.loc[10, "metier"] == "Nettoyage de locaux"
    )
    assert out.loc[11, "famille"] == "Espaces verts et paysagers"  # judged on the CPV alone
    assert out.loc[12, "capacite"] == "aucun"
    assert "métier reconnu" in out.loc[10, "explication_metier"]
    known = out["proba_metier"].notna()
    assert out.loc[known, "proba_metier"].le(out.loc[known, "proba_famille"]).all()
    outside = out["famille"] == "Hors champ"
    assert out.loc[outside, "metier"].isna().all()  # no trade of the sector, no métier


def test_repeated_contracts_are_classified_once_with_the_row_by_row_result():
    contracts = tr.read_contracts(tr.load_sample_contracts_path())
    # a file's lots repeat their object: the sample three times, shuffled, with a non-default index
    repeated = pd.concat([contracts] * 3).sample(frac=1.0, random_state=0)
    repeated.index = np.arange(len(repeated))[::-1] * 7
    shipped = tr.load_model()
    pd.testing.assert_frame_equal(
        tr.classify_trades(repeated), pd.concat([repeated, shipped.classify(repeated)], axis=1)
    )


def test_explanations_show_the_objects_words_not_the_models_stems(model):
    X = pd.DataFrame({"objet": ["Travaux de réfection des locaux scolaires", "Entretien des espaces verts"]})
    text = " ".join(model.classify(X)["explication_metier"])
    assert "travau " not in text and "locau " not in text and "« travau »" not in text
    assert re.search(r"« (travaux|locaux|espaces|verts)", text), text


def test_pg_trgm_baseline_finds_each_sector_from_its_own_name():
    sectors = read_data_csv("secteurs_lemarche.csv")
    found = [bl.lemarche_sector(name)[0] for name in sectors["sector"]]
    assert found == sectors["sector"].tolist()


def test_pg_trgm_similarity_matches_postgresql():
    # SELECT similarity('word', 'two words') → 0.36363637 in PostgreSQL's documentation
    assert bl.similarity("word", "two words") == pytest.approx(0.363636, abs=1e-6)
    assert bl.lemarche_sector("")[0] is None


def test_grouped_evaluation_keeps_buyers_apart(labelled):
    sample = labelled.sample(400, random_state=0)
    p = grouped_predictions(sample)
    assert len(p) == 400 and p["modele_famille"].notna().all()
    s = scores(p["famille"], p["modele_famille"], p["capacite"], p["modele_capacite"])
    assert 0 <= s["famille_f1_macro"] <= 1
    base = scores(p["famille"], p["cpv_famille"])
    assert s["famille_exactitude"] > base["famille_exactitude"]  # the model beats the CPV mapping


def test_shipped_model_is_the_pinned_one_and_loads():
    digest = (
        hashlib.sha256((data_path("..") / "models" / "trade_classifier.joblib").read_bytes()).hexdigest()
        if (data_path("..") / "models").exists()
        else None
    )
    model = tr.load_model()
    assert isinstance(model, tr.TradeClassifier)
    assert digest in (None, SHIPPED_MODEL_SHA256)


def test_user_models_need_trust_and_corrupt_files_are_refused(tmp_path, model):
    path = save_model(model, tmp_path / "m.joblib", {"modele": "test"})
    with pytest.raises(tr.ModelError, match="trusted=True"):
        tr.load_model(path)
    assert isinstance(tr.load_model(path, trusted=True), tr.TradeClassifier)
    broken = tmp_path / "broken.joblib"
    broken.write_bytes(path.read_bytes()[:100])
    with pytest.raises(tr.ModelError, match="illisible ou corrompu"):
        tr.load_model(broken, trusted=True)
    with pytest.raises(tr.ModelError, match="introuvable"):
        tr.load_model(tmp_path / "absent.joblib", trusted=True)


def test_training_twice_gives_the_same_file_and_corrections_are_recorded(tmp_path):
    sheet = pd.DataFrame(
        {
            "objet": ["Nettoyage des vitres de la piscine"],
            "code_cpv": [""],
            "famille": ["Hors champ"],
            "capacite": ["aucun"],
            "famille_corrigee": ["Nettoyage et entretien"],
            "capacite_corrigee": ["total"],
        }
    )
    sheet.to_excel(tmp_path / "revue.xlsx", index=False)
    a = train(tmp_path / "a" / "m.joblib", evaluate_model=False)
    b = train(tmp_path / "b" / "m.joblib", evaluate_model=False)
    assert a.read_bytes() == b.read_bytes()
    c = train(tmp_path / "c" / "m.joblib", corrections=tmp_path / "revue.xlsx", evaluate_model=False)
    assert '"lignes": 1' in c.with_suffix(".card.json").read_text(encoding="utf-8")


def test_bad_corrections_are_listed(tmp_path):
    pd.DataFrame(
        {"objet": ["a", "b"], "famille_corrigee": ["Plomberie", ""], "capacite_corrigee": ["", "beaucoup"]}
    ).to_excel(tmp_path / "r.xlsx", index=False)
    with pytest.raises(
        tr.InputError,
        match=r"(?s)ligne 2, colonne famille_corrigee : famille inconnue.*ligne 3, colonne capacite_corrigee : capacité inconnue",
    ):
        read_corrections(tmp_path / "r.xlsx")
