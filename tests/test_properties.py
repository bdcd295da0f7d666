"""Properties of the cell normalisers and of reading, for any text (hypothesis), and determinism."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import transferability as tr
from transferability._io import cells as _cells
from transferability._reference import Place, resolve_place, resolve_places
from transferability._utils import (
    CSV_FORMATS,
    clean_already,
    clean_text,
    csv_rows,
    fold,
    fold_series,
    has_text,
    search,
)
from transferability._utils.text import _FOLD
from transferability.cli import main

DATA = Path(__file__).parent / "data"
MODEST = settings()  # the profile loaded by conftest.py sets the number of examples and the deadline

# Any text a cell may hold, with the characters that break CSV files over-represented.
CELL = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")),
        st.sampled_from(list(";,|\"'\t\n€ ,.-=+@0123456789")),
    ),
    max_size=40,
)
CELL_VALUES = st.one_of(
    CELL,
    st.none(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)
NUMBERS = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True))


def _optional(kind):
    return lambda v: v is None or isinstance(v, kind)


def _alert(a) -> bool:
    return a is None or (isinstance(a, str) and a != "")


@MODEST
@given(CELL_VALUES)
def test_parse_amount_never_raises(value):
    amount, alert = _cells.parse_amount(value)
    assert _optional(float)(amount) and _alert(alert)
    assert amount is None or amount == amount  # never NaN


@MODEST
@given(CELL_VALUES, st.dates())
def test_parse_date_never_raises(value, today):
    date, alert = _cells.parse_date(value, today)
    assert _optional(dt.date)(date) and not isinstance(date, dt.datetime) and _alert(alert)
    assert date is None or date > dt.date(1900, 1, 1)


@MODEST
@given(CELL_VALUES)
def test_parse_duration_never_raises(value):
    months, alert = _cells.parse_duration(value)
    assert _optional(float)(months) and _alert(alert)
    assert months is None or months > 0


@MODEST
@given(st.one_of(CELL_VALUES, st.integers(0, 99_999_999).map(str)))
def test_parse_cpv_never_raises(value):
    code, alert = _cells.parse_cpv(value)
    assert _optional(str)(code) and _alert(alert)
    if alert is None and code is not None:
        assert re.fullmatch(r"\d{8}", code) and code in _cells.cpv_table()


@MODEST
@given(CELL_VALUES)
def test_parse_procedure_nature_and_type_never_raise(value):
    official, category, alert = _cells.parse_procedure(value)
    assert _optional(str)(official) and category in _cells.CATEGORIES and _alert(alert)
    assert _optional(str)(_cells.parse_nature(value))
    kind = _cells.parse_type(value, None)
    assert kind in (None, "Travaux", "Fournitures", "Services")


@MODEST
@given(CELL, st.one_of(st.none(), st.text(max_size=8), st.integers(0, 99_999_999).map(str)))
@example("", "¹")  # a superscript passes str.isdigit but not int(): found by a random run
@example("", "٣٣")
def test_parse_type_with_any_cpv(value, cpv):
    assert _cells.parse_type(value, cpv) in (None, "Travaux", "Fournitures", "Services")


@MODEST
@given(
    st.one_of(CELL_VALUES, st.integers(0, 99_999).map(str)),
    st.one_of(st.none(), CELL),
    st.one_of(st.none(), CELL),
)
def test_resolve_place_never_raises(code, type_code, name):
    place = resolve_place(code, type_code, name)
    assert isinstance(place, Place)
    assert all(isinstance(a, str) and a for a in place.alertes)
    assert place.departement is None or isinstance(place.departement, str)


def _insee_codes():
    from transferability._reference import geography

    return st.sampled_from(sorted(geography().nom))


PLACE_CODES = st.one_of(
    st.deferred(_insee_codes),
    st.sampled_from(["73000", "99134", "2A004", "2a004", " 73065", "7065", "73"]),
    CELL,
)
PLACE_TYPES = st.sampled_from(
    ["Code commune", "CODE COMMUNE", "Code postal", "Code département", "Code pays", ""]
)


@MODEST
@given(st.lists(st.tuples(PLACE_CODES, PLACE_TYPES, st.one_of(st.just(""), CELL)), max_size=20))
def test_resolving_many_places_is_resolving_each(triples):
    codes, types, names = ([t[k] for t in triples] for k in range(3))
    places = resolve_places(codes, types, names)
    each = [resolve_place(*t) for t in triples]
    for name in ("lieu_code", "lieu_type", "commune_insee", "departement", "region", "alertes"):
        assert list(getattr(places, name)) == [getattr(p, name) for p in each], name


@MODEST
@given(st.one_of(CELL_VALUES, st.text()))
def test_fold_gives_plain_lower_ascii_words(value):
    folded = fold(value)
    assert isinstance(folded, str) and re.fullmatch(r"[0-9a-z]*( [0-9a-z]+)*", folded)
    assert fold(folded) == folded


@given(st.one_of(CELL_VALUES, st.text(), st.text(alphabet=st.characters(max_codepoint=0x2FF))))
@example("Élagage, Désherbage & Fauchage – Œuvre n°2")
@example("K² Kİ́")  # squared, Kelvin sign (lower-cases to k), İ, a combining accent
def test_fold_is_translate_lower_then_non_words_blanked(value):
    """The one-table fast path gives what the three steps give one after the other."""
    steps = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    steps = re.sub(r"[^0-9a-z]+", " ", steps.translate(_FOLD).lower()).strip()
    assert fold(value) == steps


@given(
    st.lists(
        st.one_of(
            CELL_VALUES,
            st.text(),
            st.text(alphabet=st.characters(max_codepoint=0x2FF)),
            st.text(alphabet=st.sampled_from(" -’œßǆ\u212a\uffff\ud800é\u0301Ka")),
        ),
        max_size=30,
    )
)
@example(["Élagage, Désherbage & Fauchage – Œuvre n°2", "K² Kİ́", "a\uffffb", "", "  ", "\U0001f600a", None])
def test_folding_many_texts_at_once_is_folding_each(values):
    """fold_series (numpy over every character of the distinct texts) gives what fold gives each value."""
    assert fold_series(pd.Series(values, dtype=object)).tolist() == [fold(v) for v in values]


def test_only_the_kelvin_sign_past_the_latin_alphabets_lower_cases_to_an_ascii_letter():
    """What fold_texts relies on to blank every character past U+02AF but the Kelvin sign."""
    lowers_to_word = [cp for cp in range(0x2B0, 0x110000) if re.search("[0-9a-z]", chr(cp).lower())]
    assert lowers_to_word == [0x212A]


@given(
    st.lists(st.one_of(st.none(), CELL, st.text(alphabet=st.characters(max_codepoint=0x3100))), max_size=20)
)
@example(
    ["Tonte des pelouses", " a", "a ", "a  b", "", "a\u00a0b", "a\u3000b", "a\x1cb", "a<b", "a&b", "\u200b"]
)
def test_arrow_finds_the_texts_clean_text_leaves_as_they_are(texts):
    """clean_already (arrow, Python's own white space) agrees with clean_text on every text."""
    found = clean_already(pd.Series(texts, dtype="str"), also="<&").tolist()
    expected = [
        isinstance(t, str) and t != "" and clean_text(t) == t and not set("<&") & set(t) for t in texts
    ]
    assert found == expected


@given(
    st.lists(st.one_of(st.none(), CELL, st.text(alphabet=st.characters(max_codepoint=0x3100))), max_size=20)
)
@example(["Tonte", "", " ", "\u00a0\u3000\x1c", "nan", "\u200b"])
def test_arrow_finds_the_texts_that_hold_more_than_white_space(texts):
    """has_text (arrow, Python's own white space) agrees with clean_text on every text."""
    assert has_text(pd.Series(texts, dtype="str")).tolist() == [clean_text(t) != "" for t in texts]


@given(
    st.lists(
        st.one_of(
            st.none(),
            CELL,
            st.lists(
                st.sampled_from(["Total", "TOTA", "sous", "Sous-", " ", "\u00a0", "\x1c", "ſ", "-"])
            ).map("".join),
        ),
        max_size=20,
    )
)
@example(["\u00a0Total", "\u2003total", "\x1ctotal", "\vTOTAL", "ſous-total", "Sous total", "Totaux", None])
def test_arrow_searches_a_total_label_as_python_does(texts):
    """search (RE2 on arrow strings, Python's white space spelled out) finds what re.search finds."""
    from transferability._contracts.rows import _TOTAL_LABEL

    found = search(pd.Series(texts, dtype="str"), _TOTAL_LABEL).tolist()
    assert found == [isinstance(t, str) and re.search(_TOTAL_LABEL, t) is not None for t in texts]


@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789 a\u00a0٣", max_size=16)), max_size=20))
@example(["21730001500019", " 21730001500019", "217300015000١9", "2173000150001", None])
def test_buyer_ids_kept_by_arrow_are_what_their_parser_gives(texts):
    """The SIRETs found by arrow and kept as they are: what _buyer_id gives, alerts included."""
    from transferability._contracts.normalise import _buyer_id, _Cells, _sirets

    def read(frame, known):
        cells = _Cells(frame, [[] for _ in texts])
        return cells.mapped("acheteur_id", _buyer_id, known=known), cells.alerts

    arrow = pd.DataFrame({"acheteur_id": pd.Series(texts, dtype="str")})
    assert read(arrow, _sirets) == read(arrow.astype(object), None)


@given(
    st.lists(
        st.one_of(st.none(), CELL, st.sampled_from(["['572']", "[ '572' ]", "[]", "a [b]", " x", "x  y"]))
    )
)
def test_holder_cells_kept_by_arrow_are_what_unlist_gives(texts):
    """A holder column of arrow strings, its plain cells kept by arrow: what _unlist gives cell by cell."""
    from transferability._contracts.rows import _unlist, _unlisted

    assert _unlisted(pd.Series(texts, dtype="str")) == [_unlist(t) for t in texts]
    assert _unlisted(pd.Series(texts, dtype=object)) == [_unlist(t) for t in texts]


PLAIN_NUMBERS = st.one_of(
    st.integers(0, 10**15).map(str),
    st.decimals(0, 10**12, places=2, allow_nan=False).map(str),
    st.floats(0, 2e9, allow_nan=False).map(repr),
    st.sampled_from(["999999", "999999.99", "1", "1.0", "1.00", "0.5", "1000000000", "1000000000.01", "007"]),
)


@given(st.lists(st.one_of(st.none(), CELL, PLAIN_NUMBERS), max_size=30))
def test_amounts_read_by_arrow_are_what_parse_amount_reads(texts):
    """plain_amounts knows a cell only when parse_amount reads the same amount from it without a word."""
    known = _cells.plain_amounts(pd.Series(texts, dtype="str"))
    for text, amount in zip(texts, known.tolist(), strict=True):
        if amount == amount:  # not NaN: known
            assert _cells.parse_amount(text) == (amount, None)


@settings(MODEST, max_examples=min(100, settings().max_examples))  # each example writes and reads a file
@given(st.lists(st.tuples(CELL, st.one_of(CELL, NUMBERS.map(str))), min_size=1, max_size=12))
def test_reading_any_objects_and_amounts_never_loses_a_row(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("csv") / "marches.csv"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Objet", "Montant HT"])
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    try:
        table = tr.read_contracts(path)
    except tr.InputError as exc:  # only a file with no contract at all may be refused
        assert "aucun marché dans le fichier" in str(exc), str(exc)
        return
    report = table.attrs["lecture"][0]
    lines = [ln for v in table["source_ligne"] for ln in (v if isinstance(v, list) else [v])]
    assert report["lignes_lues"] == len(rows)
    assert len(lines) + sum(report["lignes_ecartees"].values()) == len(rows)
    assert len(set(lines)) == len(lines)
    assert table["alertes"].map(lambda a: isinstance(a, list)).all()


# -- determinism -------------------------------------------------------------------------------------------
DETERMINISM = [
    "aife_extrait.csv",
    "dematis_2022_extrait.json",
    "bretagne_2019_extrait.xml",
    "mauvais/cellules_fusionnees.xlsx",
    "mauvais/utf8_une_ligne_cp1252.csv",
]


@MODEST
@given(
    st.lists(
        st.tuples(CELL_VALUES, CELL, st.floats(allow_nan=True, allow_infinity=True), st.integers(-9, 9))
    ),
    st.sampled_from(sorted(CSV_FORMATS)),
)
def test_the_csv_built_by_arrow_is_what_pandas_writes_byte_for_byte(rows, fmt):
    """csv_rows builds the CSV a column at a time; it must be the very file pandas' to_csv writes (quotes,
    separators and line feeds in texts, missing values, float reprs, the decimal comma, mixed cells)."""
    frame = pd.DataFrame(rows, columns=["mixte", "texte", "nombre", "entier"])
    frame["mixte"] = frame["mixte"].astype(object)
    frame["ensemble"] = pd.array([r[2] if r[3] > 0 else None for r in rows], dtype="Float64")
    options = CSV_FORMATS[fmt]
    expected = frame.to_csv(None, index=False, sep=options["sep"], decimal=options["decimal"])
    bom = "\ufeff" if options["encoding"] == "utf-8-sig" else ""
    assert csv_rows(frame, fmt, header=True) == (bom + expected).encode("utf-8")
    assert csv_rows(frame, fmt, header=False) == expected.split("\n", 1)[1].encode("utf-8")


@pytest.mark.parametrize("name", DETERMINISM)
def test_the_same_input_gives_byte_identical_csv(name):
    first = tr.read_contracts(DATA / name).to_csv(index=False)
    second = tr.read_contracts(DATA / name).to_csv(index=False)
    assert first.encode("utf-8") == second.encode("utf-8")


@pytest.mark.parametrize("name", DETERMINISM[:3])
def test_the_command_line_writes_byte_identical_csv(tmp_path, capsys, name):
    outputs = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for out in outputs:
        assert main(["contrats", str(DATA / name), "--csv", str(out)]) == 0
    capsys.readouterr()
    assert outputs[0].read_bytes() == outputs[1].read_bytes()


def test_two_processes_with_other_hash_seeds_write_the_same_diagnostic(tmp_path):
    """Set and dict order of strings changes with PYTHONHASHSEED: no output may depend on it."""
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"diagnostic_{seed}.csv"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        code = (
            "import datetime as dt, transferability as tr\n"
            "from transferability._utils import clock as _clock\n"
            "_clock.today = lambda: dt.date(2026, 11, 24)\n"
            "d = tr.diagnose(tr.load_sample_contracts_path(), tr.load_sample_directory())\n"
            f"d.contrats.to_csv({str(out)!r}, index=False)\n"
        )
        subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=300)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_inferred_trades_do_not_depend_on_the_hash_seed():
    """Clues came in set order, and ties kept it: the directory's métiers changed from run to run."""
    import os
    import subprocess
    import sys

    code = (
        "from transferability._directory import infer_trades\n"
        "names = ['ASSOCIATION FORET ET JARDINS ENTRETIEN', 'ACI ESPACES VERTS BOIS', 'CHANTIER ELAGAGE TONTE']\n"
        "print([t.metiers for t in infer_trades(names, ['0240Z', '8130Z', '0210Z'], [''] * 3, [[]] * 3)])\n"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3", "4")
    }
    assert len(outs) == 1, outs


def test_python_has_no_white_space_above_u3000():
    """clean_already lists Python's white space below U+3001 only: none lies above."""
    assert not [hex(c) for c in range(0x3001, 0x110000) if chr(c).isspace()]


HOLDERS = st.fixed_dictionaries({"id": st.one_of(st.none(), CELL), "nom": st.one_of(st.none(), CELL)})


@given(
    st.one_of(
        st.lists(st.one_of(st.none(), CELL), max_size=12),
        st.lists(st.one_of(st.none(), st.lists(st.one_of(CELL, st.none()), max_size=3)), max_size=12),
        st.lists(st.one_of(st.none(), st.lists(HOLDERS, max_size=3)), max_size=12),
        st.lists(st.one_of(st.none(), CELL, st.integers(), st.lists(st.one_of(CELL, HOLDERS))), max_size=12),
    )
)
@example([["a", None], None, []])  # a missing item joined as join_items does, not a missing cell
@example([[{"nom": "B", "id": "1"}], [{"id": "2", "nom": "C"}]])  # a holder's keys in another order
@example([[{"id": "1", "nom": "A", "siret": "2"}]])
@example([["=1+1", "b"], ["-"], ["+a"], None])
@example([b"=a", "b"])  # bytes are no texts: left as they are, not decoded
@example([[b"a"], ["b"]])
@example(["\ud800", "a"])  # a text arrow cannot encode
@example([[1, 2], 3, None])  # source lines: a lone line as a list of one
def test_a_column_flattened_at_once_is_each_cell_flattened(cells):
    """_flat_cells (arrow where a column allows it) writes each cell as the one-by-one twin does."""
    import numpy as np

    from transferability._utils.frames import _cells_one_by_one, _flat_cells

    column = np.empty(len(cells), dtype=object)
    column[:] = cells

    def plain(values):  # a missing cell as None, whichever way the column holds it
        return [None if not isinstance(v, (list, str)) and pd.isna(v) else v for v in values]

    assert plain(pd.Series(_flat_cells(column), dtype=object)) == plain(_cells_one_by_one(column.copy()))


@given(st.lists(st.one_of(st.none(), CELL, st.integers(), st.binary(max_size=3), st.just(float("nan")))))
@example(["\ud800", "a"])  # a text arrow cannot encode: the column kept as it is
@example([None, None])
def test_a_column_of_texts_is_held_by_arrow_with_the_same_cells(cells):
    """as_strings turns a column of texts and missing values (one text at least) into pandas strings, each
    text the same and each missing cell missing; any other column is left as it was."""
    import numpy as np

    from transferability._utils import as_strings

    column = np.empty(len(cells), dtype=object)
    column[:] = cells
    table = as_strings(pd.DataFrame({"c": pd.Series(column, dtype=object)}))
    texts = [c for c in cells if isinstance(c, str)]
    missing = [c is None or c != c for c in cells]
    plain = bool(texts) and all(m or isinstance(c, str) for c, m in zip(cells, missing, strict=True))
    if plain and not any("\ud800" <= ch <= "\udfff" for t in texts for ch in t):
        assert table["c"].dtype == "str"
        assert table["c"].isna().tolist() == missing
        assert [v for v in table["c"] if isinstance(v, str)] == texts
    else:
        assert table["c"].dtype == object and table["c"].tolist() == list(column)


@given(
    st.lists(st.one_of(st.none(), st.text(), st.sampled_from(["=", "+1", "-", "@a", "\t", "\r", "é=", ""]))),
    st.integers(0, 5),
    st.integers(0, 5),
    st.booleans(),
)
def test_a_formula_is_told_by_its_first_byte_as_by_its_first_character(texts, start, cut, large):
    """formula_like reads arrow's buffers (a slice's offset, two chunks, 32- or 64-bit offsets) and finds
    the texts str.startswith finds."""
    import pyarrow as pa

    from transferability._utils.frames import FORMULA_TRIGGERS, formula_like

    array = pa.array(texts, type=pa.large_string() if large else pa.string()).slice(start)
    expected = [isinstance(t, str) and t.startswith(FORMULA_TRIGGERS) for t in texts[start:]]
    assert formula_like(array).tolist() == expected
    chunked = pa.chunked_array([array[:cut], array[cut:]], type=array.type)
    assert formula_like(chunked).tolist() == expected


def test_a_missing_text_is_no_formula_whatever_its_slot_holds():
    """Arrow lets a missing text's slot hold bytes (here « =a »): it is still missing, not a formula."""
    import numpy as np
    import pyarrow as pa

    from transferability._utils.frames import formula_like

    buffers = [pa.py_buffer(b"\x00"), pa.py_buffer(np.array([0, 2], dtype=np.int32)), pa.py_buffer(b"=a")]
    assert formula_like(pa.Array.from_buffers(pa.string(), 1, buffers, null_count=1)).tolist() == [False]


@given(st.one_of(CELL, st.text(), st.text(alphabet=st.characters(max_codepoint=0x3100))))
@example("L’Élagage d'arbres, Cœur-de-ville Kİ́ \U0001f600a\u00a0b")
@example("a\uffffb")
def test_folding_in_place_keeps_fold_s_words_where_the_text_wrote_them(text):
    """fold_in_place (numpy) is fold_with_origins (character by character) wherever it folds a text, and
    the words of both are fold's."""
    from transferability._utils import fold_in_place, fold_with_origins

    folded, origins = fold_with_origins(text)
    assert " ".join(folded.split()) == fold(text)
    assert origins == sorted(origins) and len(origins) == len(folded)
    pieces = [""] * len(text)  # each character's fold (a blank for none), where it comes from
    for character, position in zip(folded, origins, strict=True):
        pieces[position] += character
    assert pieces == [fold(character) or " " for character in text]
    beside, in_place, empty = fold_in_place(["Tonte", text, ""])
    assert in_place is None or (in_place == folded and origins == list(range(len(text))))
    assert (beside, empty) == ("tonte", "")  # the other texts of a batch folded whatever this one holds


@given(
    st.one_of(
        CELL, st.text(alphabet=st.sampled_from(list("aAéÉeœŒsSxX’' -_2ß\u212a\U0001f600")), max_size=30)
    ),
    st.data(),
)
@example("L’Élagage d'arbres et ÉLAGAGES", None)
@example("Travaux, travau travaux", None)
@example("Aes bus ae", None)  # a word of three letters keeps its « s »
def test_the_word_shown_is_the_first_whose_singular_is_the_stem(text, data):
    """_written finds, for each stem of the object's normalised words, the first word of its fold whose
    singular is that stem, written as the object wrote it; in place or character by character alike."""
    from transferability._classify.explain import _written
    from transferability._classify.features import normalise_objects
    from transferability._utils import fold_in_place

    words = normalise_objects(pd.Series([text])).iloc[0].split()
    stems = {*words, "zzz", "travau", "elagage", "ae", "bu"}
    if data is not None:
        stems |= set(data.draw(st.lists(st.text(alphabet="aesx", min_size=1, max_size=5), max_size=3)))
    slow = _written(text, None, stems)
    in_place = fold_in_place([text])[0]
    if in_place is not None:
        assert _written(text, in_place, stems) == slow
    singular = {w[:-1] if len(w) > 3 and w[-1] in "sx" else w: w for w in reversed(fold(text).split())}
    assert set(slow) == {s for s in stems if s in singular and singular[s].isalpha()}
    for stem, written in slow.items():
        # the first word of that singular, as written (« İ » lower-cases to an « i » and a combining dot)
        assert fold(written).replace(" ", "") == singular[stem]


# holders as the readers build them: an id then a name, texts
READ_HOLDERS = st.lists(st.builds(lambda i, n: {"id": i, "nom": n}, CELL, CELL), max_size=3)


@given(
    st.lists(st.one_of(st.none(), READ_HOLDERS), max_size=12),
    st.lists(st.one_of(st.none(), st.lists(st.one_of(CELL, st.none()), max_size=3)), max_size=12),
    st.integers(0, 3),
)
@example([[{"id": "=1", "nom": ""}], [{"id": "", "nom": "B"}], []], [["-a", None], [], None], 1)
def test_lists_held_by_arrow_are_flattened_as_each_cell(holders, texts, start):
    """Holders and lists of texts held by arrow (as the readers and the coverage build them), and a slice of
    them (a chunk of a larger table), are written as the one-by-one twin writes the same lists."""
    import numpy as np
    import pyarrow as pa

    from transferability._utils import flat_lists, holders_column
    from transferability._utils.frames import _cells_one_by_one

    n = min(len(holders), len(texts))
    table = pd.DataFrame(
        {
            "titulaires": holders_column(pd.Series(holders[:n], dtype=object)),
            "candidats": pd.arrays.ArrowExtensionArray(
                pa.array(texts[:n], type=pa.large_list(pa.large_string()))
            ),
        }
    ).iloc[min(start, n) :]
    assert str(table["titulaires"].dtype).startswith("large_list<item: struct")
    flat = flat_lists(table)
    for name, cells in (("titulaires", holders[:n]), ("candidats", texts[:n])):
        column = np.empty(n, dtype=object)
        column[:] = cells
        expected = [None if v is None else v for v in _cells_one_by_one(column)[min(start, n) :]]
        assert [None if pd.isna(v) else v for v in flat[name]] == expected


@MODEST
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["21730001500019", "", None]),
            st.sampled_from(["A1", "B2", "", None]),
            st.one_of(st.sampled_from(["Tonte", "TONTE", "tonte ", "Élagage", "", None, 3.5]), CELL),
        ),
        max_size=30,
    )
)
def test_contracts_are_told_apart_by_buyer_id_and_folded_object(rows):
    """Rows are the same contract exactly when their buyer, id and folded object are, whatever the objects
    folded only where an id comes with objects written differently (a missing cell is written "")."""
    from transferability._contracts.grouping import _contract_keys, object_keys

    ids = pd.DataFrame([r[:2] for r in rows], columns=["acheteur_id", "id_contrat"], dtype=object)
    objets = pd.Series([r[2] for r in rows], dtype=object)
    keys = _contract_keys(ids, objets).tolist()
    buyers, contracts = ids["acheteur_id"].fillna(""), ids["id_contrat"].fillna("")
    expected = list(zip(buyers, contracts, object_keys(objets), strict=True))
    assert [[keys[i] == keys[j] for j in range(len(rows))] for i in range(len(rows))] == [
        [expected[i] == expected[j] for j in range(len(rows))] for i in range(len(rows))
    ]
