"""PotentialModel on real labelled contracts: outputs, parts, reproducibility, inputs, evaluation."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupShuffleSplit

from transferability._classify import load_labelled
from transferability._diagnose import (
    AMOUNT_BANDS,
    LEVELS,
    POTENTIALS,
    SECTORS,
    UNDETERMINED,
    PotentialModel,
    capability_rule,
    classified_labels,
    evaluate_potential,
    judge_potentials,
    potential_features,
    sector_parts,
)
from transferability._diagnose import POTENTIAL_COLUMNS as OUTPUT_COLUMNS
from transferability._diagnose import POTENTIAL_LABELS as Y_COLUMNS


@pytest.fixture(scope="module")
def split():
    """Training rows with section-4 labels, split by buyer; features from the labelled family and
    capability with a probability that varies, as the classifier's would."""
    data = load_labelled()
    data = data[data["potentiel_esat_ea"] != ""].reset_index(drop=True)
    proba = np.random.default_rng(0).uniform(0.4, 1.0, len(data))
    X = classified_labels(data, data[["famille", "capacite"]].assign(proba_capacite=proba))
    fit, held = next(GroupShuffleSplit(1, test_size=0.3, random_state=0).split(X, groups=data["acheteur_id"]))
    return X.iloc[fit], data.iloc[fit][list(Y_COLUMNS)], X.iloc[held], data.iloc[held][list(Y_COLUMNS)]


@pytest.fixture(scope="module")
def fitted(split):
    X, y, _, _ = split
    return PotentialModel().fit(X, y)


def one(**changes):
    row = {
        "famille": "Nettoyage et entretien",
        "capacite": "total",
        "proba_capacite": 0.9,
        "montant": 1_200_000.0,
        "duree_mois": 48.0,
        "type_marche": "Services",
        "nature": "Marché",
    }
    return pd.DataFrame([{**row, **changes}])


def test_predict_keeps_index_and_gives_the_columns(split, fitted):
    _, _, X, _ = split
    shuffled = X.sample(frac=1, random_state=1).set_axis([f"m{i}" for i in range(len(X))])
    out = fitted.predict(shuffled)
    assert list(out.columns) == OUTPUT_COLUMNS
    assert out.index.equals(shuffled.index)
    assert out.equals(fitted.predict(shuffled.iloc[::-1]).loc[shuffled.index])


def test_classes_and_probabilities(split, fitted):
    _, _, X, _ = split
    out, probas = fitted.predict(X), fitted.predict_proba(X)
    for sector, proba, classes in zip(SECTORS, probas, fitted.classes_, strict=True):
        assert sorted(classes) == sorted(POTENTIALS)
        assert set(out[f"potentiel_{sector}"]) <= set(POTENTIALS)
        assert set(out[f"potentiel_{sector}"]) >= set(LEVELS)
        np.testing.assert_allclose(proba.sum(1), 1.0)
        np.testing.assert_allclose(out[f"proba_potentiel_{sector}"], proba.max(1).round(3))


@pytest.mark.parametrize("part_moyen", ["ridge", "table"])
def test_parts_follow_the_potentials(split, part_moyen):
    X, y, X_held, _ = split
    out = PotentialModel(part_moyen=part_moyen).fit(X, y).predict(X_held)
    for sector in SECTORS:
        level, part = out[f"potentiel_{sector}"], out[f"part_{sector}"]
        assert (part[level == "fort"] == 1).all() and (part[level == "faible"] == 0).all()
        assert part[level == UNDETERMINED].isna().all()
        moyen = part[level == "moyen"]
        assert len(moyen) and moyen.between(0.05, 1).all() and moyen.nunique() > 1
    np.testing.assert_array_equal(out["part_transferable"], out[["part_esat_ea", "part_siae"]].max(axis=1))


def test_the_model_beats_the_capability_rule_on_other_buyers(split, fitted):
    _, _, X, y = split
    model, rule = fitted.predict(X), capability_rule(X, fitted)
    for sector in SECTORS:
        scores = [
            f1_score(y[f"potentiel_{sector}"], p[f"potentiel_{sector}"], labels=list(LEVELS), average="macro")
            for p in (model, rule)
        ]
        assert scores[0] > scores[1] + 0.03, (sector, scores)
    error = (model["part_transferable"].fillna(0) - pd.to_numeric(y["part_transferable"]) / 100).abs()
    assert error.mean() < 0.06


def test_reproducible_with_random_state(split):
    X, y, X_held, _ = split
    first = PotentialModel(random_state=3).fit(X, y).predict(X_held)
    again = clone(PotentialModel(random_state=3)).fit(X, y).predict(X_held)
    pd.testing.assert_frame_equal(first, again)


def test_init_stores_params_and_fit_returns_self(split):
    X, y, _, _ = split
    model = PotentialModel(C=0.5, class_weight="balanced", part_moyen="table", min_cell=3)
    assert model.get_params() == {
        "C": 0.5,
        "class_weight": "balanced",
        "part_moyen": "table",
        "min_cell": 3,
        "random_state": 0,
    }
    assert not hasattr(model, "models_")
    assert model.fit(X, y) is model and model.n_features_in_ == potential_features(X).shape[1]


def test_small_example_cleaning_fort_and_out_of_field_faible():
    small = one(montant=60_000.0, duree_mois=12.0)
    out = judge_potentials(pd.concat([small, one(famille="Hors champ", capacite="aucun")], ignore_index=True))
    assert out[["potentiel_esat_ea", "potentiel_siae"]].to_numpy().tolist() == [
        ["fort", "fort"],
        ["faible", "faible"],
    ]
    assert out["part_transferable"].tolist() == [1.0, 0.0]
    assert list(out.columns[:7]) == list(small.columns)


def test_judge_potentials_replaces_former_columns():
    table = one().assign(potentiel_siae="ancien", part_transferable=-1.0)
    out = judge_potentials(table)
    assert list(out.columns).count("potentiel_siae") == 1
    assert out["potentiel_siae"].iloc[0] in POTENTIALS and 0 <= out["part_transferable"].iloc[0] <= 1


def test_annual_amount_bands_and_indicators():
    amounts = slice(14 + 3 + 42, 14 + 3 + 42 + 3)
    bands = slice(amounts.stop, amounts.stop + len(AMOUNT_BANDS) + 1)
    rows = pd.concat(
        [
            one(),  # 1.2 M€ over four years: 300 k€ a year, the top of the first band
            one(duree_mois=None),  # no duration: the amount is taken as annual
            one(montant=None),
            one(montant=2_000_000.0, duree_mois=6.0),  # at least one year
        ],
        ignore_index=True,
    )
    Z = potential_features(rows)
    expected = [[np.log10(3e5) - 5, 0, 0], [np.log10(1.2e6) - 5, 0, 1], [0, 1, 0], [np.log10(2e6) - 5, 0, 0]]
    np.testing.assert_allclose(Z[:, amounts], expected)
    np.testing.assert_array_equal(Z[:, bands], [[1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 1]])


def test_sector_parts_reads_the_larger_share():
    y = pd.DataFrame(
        {
            "potentiel_esat_ea": ["moyen", "moyen", "faible", "indéterminé"],
            "potentiel_siae": ["moyen", "fort", "moyen", "indéterminé"],
            "part_transferable": ["20", "100", "30", ""],
        }
    )
    parts = sector_parts(y)
    np.testing.assert_array_equal(parts["part_esat_ea"], [0.2, np.nan, 0.0, np.nan])
    np.testing.assert_array_equal(parts["part_siae"], [0.2, 1.0, 0.3, np.nan])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda X, y: (X.drop(columns="montant"), y), "colonnes absentes de X : montant"),
        (lambda X, y: (X, y.assign(potentiel_siae="élevé")), "potentiels inconnus"),
        (lambda X, y: (X, y.assign(part_transferable=150)), "entre 0 et 100"),
        (lambda X, y: (X, y.iloc[1:]), "lignes"),
        (lambda X, y: (X, y.assign(potentiel_esat_ea="fort")), "une seule valeur"),
    ],
)
def test_bad_inputs_are_explained_in_french(split, change, message):
    X, y, _, _ = split
    with pytest.raises(ValueError, match=message):
        PotentialModel().fit(*change(X.head(50), y.head(50)))


def test_bad_part_option():
    with pytest.raises(ValueError, match="ridge"):
        PotentialModel(part_moyen="moyenne").fit(one(), pd.DataFrame())


@pytest.mark.filterwarnings("ignore:The least populated class")
def test_evaluate_potential_on_a_small_sample(capsys):
    data = load_labelled()
    buyers = (
        data.loc[data["potentiel_esat_ea"] != "", "acheteur_id"].drop_duplicates().sample(40, random_state=0)
    )
    small = data[data["acheteur_id"].isin(buyers[:30])]
    other = data[data["acheteur_id"].isin(buyers[30:])]
    result = evaluate_potential(small, other, n_splits=2)
    assert result["n"] == (small["potentiel_esat_ea"] != "").sum()
    assert result["test"]["n"] == (other["potentiel_esat_ea"] != "").sum()
    for part in (result, result["test"]):
        for method in ("modele", "base_capacite"):
            for sector in SECTORS:
                m = part[method][sector]
                assert m["confusion"].to_numpy().sum() == part["n"]
                assert 0 <= m["f1_macro"] <= 1 and 0 <= m["exactitude"] <= 1
                for key in ("part_agregee_predite", "part_agregee_etiquetee", "fort_ou_moyen_predite"):
                    assert 0 <= m[key] <= 1
            assert part[method]["ensemble"]["mae_points"] >= 0
        by_category = part["par_categorie"]
        mapa = by_category.loc[("modèle appris", "MAPA", "ESAT, EA ou SIAE")]
        assert mapa["ecart_points"] == pytest.approx(
            100 * (mapa["part_agregee_predite"] - mapa["part_agregee_etiquetee"]), abs=0.06
        )
    from transferability._cli.printing import print_potential_evaluation

    print_potential_evaluation(result)
    printed = capsys.readouterr().out
    assert "Part transférable agrégée par catégorie de procédure\xa0:" in printed
    assert "Formalisé" in printed and "écart (points)" in printed


def test_the_default_model_is_kept_between_processes_and_is_the_fit_of_the_labels(tmp_path, monkeypatch):
    """Fitted once per installation, then read from the user's cache: the model read back predicts what
    the model fitted does on every labelled contract, and a damaged cache is fitted again."""
    from transferability._diagnose.potential import default_model

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("TRANSFERABILITY_NO_CACHE", raising=False)
    data = load_labelled(jeu=None)
    data = data[data["potentiel_esat_ea"] != ""]
    X = classified_labels(data, data[["famille", "capacite"]].assign(proba_capacite=1.0))
    try:
        default_model.cache_clear()
        fitted = default_model().predict(X)
        stored = list((tmp_path / "transferability").glob("modele_potentiel_*.pkl"))
        assert len(stored) == 1
        default_model.cache_clear()
        pd.testing.assert_frame_equal(default_model().predict(X), fitted)
        stored[0].write_bytes(b"not a pickle")
        default_model.cache_clear()
        pd.testing.assert_frame_equal(default_model().predict(X), fitted)
    finally:
        default_model.cache_clear()
