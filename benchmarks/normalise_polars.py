"""A vectorised polars re-implementation of the normalisation stage, the reference of ``bench_stages.py``.

The project's stage is ``transferability._diagnose.chunks.normalised_chunk``: a national DECP file's raw rows
(one row per holder) → one row per contract, every cell parsed, places resolved, holders grouped, duplicates
marked. :func:`normalise` does the same work with polars, the way a polars user would: expressions, joins
against the reference tables, ``group_by``; the parsers run on the distinct cells of a column and are joined
back (a national file repeats its CPV codes, amounts, dates and durations), the texts already clean are
found by a regular expression and kept, alerts are built on the rows that have some. :func:`prepare` loads
the reference tables from the project (not timed); :func:`compare` measures the agreement; run the module
to time both side by side::

    .venv/bin/python benchmarks/normalise_polars.py [file.parquet]

Covered, with the project's rules and alert texts: the header rules (DECP names → canonical fields, amount
columns by priority with their kind, a duration unit given by the header, several holder columns, unknown
columns kept as ``source_…``); rows set aside (no object, CPV nor amount, total rows, a lone text in the
object column: title, section heading whose type fills the rows below, amount band; a second header row);
texts (white space, HTML tags and entities); the buyer's SIRET; CPV codes (check digit, 7 digits, several
codes, code and label, label alone, unknown) and labels; nature, procedure and category, type of contract
(given, read in the nature, or from the CPV division); amounts (French and English separators, placeholders,
nil, negative, very high and absurd amounts) and their kind; durations and notification dates with their
alerts, a duration given as an end date, the estimated end date; places (INSEE commune codes joined to the
geography, the buyer's usual department where the place is unknown); holders; social considerations;
holders' rows grouped into contracts (same buyer, id and folded object: holders and source lines listed,
differing amounts, rows repeated verbatim); duplicates (same buyer, id and amount; identical rows without id).

Python is left where a rule is irreducibly Python, always once per column or per distinct value, never per row
(plain calls over ``unique()`` values, no ``map_elements``): the project's header rules (per column, and
``header_score`` on the first two rows: a second header row); ``html.unescape`` (HTML5's entity table) for the
texts holding an entity; ``place_type`` of the distinct type codes and ``resolve_place`` for the places that
are not a known INSEE commune code given as such (postal codes, departments, regions, countries, names);
``parse_duration`` / ``parse_end_date`` for durations that are not plain numbers (words, ranges, renewals, end
dates); ``parse_date`` for dates neither ISO nor dd/mm/yyyy (Excel serials, « 1er février 2019 », partial or
American dates, a year alone). On the national file these see 1 distinct type code, the 15 headers and the
first two rows, no other value.

Left out: an amount alone on a row that is the sum of the contract rows above it (an unlabelled =SUM total
row, which the project sets aside by walking up the rows) is kept as a contract; the alerts a reader attaches
to raw rows (none for parquet) and the missing-XSD alerts (XML only); headers completed by a group row above
(xlsx only). The folding (accents, case, punctuation) is NFKD-based: it differs from the project's for the
few characters past U+02AF that NFKD decomposes (ligatures such as « ﬁ »), which only matters for object
keys, procedures and natures written with them. Output types: ``source_ligne`` is always a list of lines
(the project's is an int for a single line), dates are polars datetimes.

Agreement measured against the project (``compare``: contracts paired by buyer, id and first source line): on
``decp_100000.parquet`` (99,999 rows, 86,956 contracts on both sides) 100.00 % on every one of the 28 columns,
alerts included (the file raises « montant nul », « montant absent » and « code CPV inconnu (« … ») », all
reproduced). Three synthetic files made messy on purpose (French and English amounts, placeholders, durations
in words, end dates, partial and American dates, CPV variants, unknown procedures, natures that are types,
postal, department, region and country codes, unknown places, a second holder pair, amount columns by
priority, a duration unit in the header, social considerations, headings, sections, bands, total rows, a
second header row, differing amounts, verbatim rows, duplicates with and without id) also agree at 100.00 % on
every column. Timings on the 2-core bench machine (best of 3 after a warm-up), polars 2.1.0: over five runs
the project took 1.13 to 1.64 s and this reference 0.39 to 0.53 s (the machine is noisy; the ratio stays about
3).
"""

from __future__ import annotations

import datetime as dt
import html
import sys
import time
import warnings
from pathlib import Path

import polars as pl
import pyarrow as pa

from transferability._contracts.columns import CONTRACT_COLUMNS, TEXT_FIELDS
from transferability._contracts.grouping import _IDENTITY as IDENTITY
from transferability._contracts.grouping import DUPLICATE_NOTE
from transferability._io import cells
from transferability._io.blank import _MISSING
from transferability._utils import DAYS_PER_MONTH

MISSING_WORDS = sorted(_MISSING)  # the project's words for « not given », folded
TYPE_WORDS = list(cells.TYPES.items())
HIGH_AMOUNT, MAX_AMOUNT = cells.HIGH_AMOUNT, cells.MAX_PLAUSIBLE_AMOUNT

BENCH_FILE = Path("/tmp/transferability_bench/decp_100000.parquet")

PLACEHOLDER_NINES = [float("9" * k) for k in range(6, 16)]
# every white space Python's str.split() splits on (what the project's clean_text squeezes)
WHITE = "[" + "".join(f"\\x{{{c:x}}}" for c in range(0x3001) if chr(c).isspace()) + "]"
NOT_WHITE = "[^" + WHITE[1:]
TAG = r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>"
ENTITY = r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);"
# a text clean_text would change (empty, white space other than single spaces) or holding « < » or « & »
NOT_CLEAN = "^$|^ | $|  |[<&" + WHITE[1:].replace("\\x{20}", "")
INSEE = r"^(?:\d{5}|2[AB]\d{3})$"


# -- reference tables (not timed) ----------------------------------------------------------------
def prepare() -> dict:
    """The reference tables the normalisation joins against, taken from the project's own data."""
    from transferability._contracts.headers import header_score, holder_postal_code, match_headers
    from transferability._diagnose.settings import Settings
    from transferability._reference.geo import geography, place_type, resolve_place
    from transferability._utils import fold as fold_text

    geo = geography()
    cpv = cells.cpv_table()
    communes = pl.DataFrame(
        {
            "_code": list(geo.dep),
            "_dep": list(geo.dep.values()),
            "_reg": [geo.reg[c] for c in geo.dep],
        }
    )
    return {
        "cpv": pl.DataFrame(
            {
                "_cpv": list(cpv),
                "_check": [v[0] for v in cpv.values()],
                "_label": [v[1] for v in cpv.values()],
            }
        ),
        "communes": communes,
        "dep_region": dict(zip(geo.departements["code"], geo.departements["region"], strict=True)),
        "procedures": dict(cells.PROCEDURES),
        "natures": dict(cells.NATURES),
        "today": Settings().reference,
        # per column name / distinct value, never per row: the project's own rules
        "match_headers": match_headers,
        "holder_postal_code": holder_postal_code,
        "header_score": header_score,
        "fold": fold_text,
        "place_type": place_type,
        "resolve_place": resolve_place,
        "parse_duration": cells.parse_duration,
        "parse_end_date": cells.parse_end_date,
        "parse_date": cells.parse_date,
    }


# -- expressions ---------------------------------------------------------------------------------
def clean(e: pl.Expr) -> pl.Expr:
    """White space squeezed and stripped (a missing cell stays missing)."""
    return e.str.replace_all(WHITE + "+", " ").str.strip_chars(" ")


def fold(e: pl.Expr) -> pl.Expr:
    """Lower case, accents and punctuation gone, spaces squeezed ("" for a missing cell)."""
    return (
        e.fill_null("")
        .str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
        .str.replace_many(["œ", "Œ", "æ", "Æ", "ß"], ["oe", "oe", "ae", "ae", "ss"])
        .str.to_lowercase()
        .str.replace_all(r"[^0-9a-z]+", " ")
        .str.strip_chars(" ")
    )


def missing(e: pl.Expr) -> pl.Expr:
    """A cell that says nothing: absent, punctuation alone, or a word for « not given »."""
    return e.is_null() | ~e.str.contains(r"[\p{L}\p{N}]") | fold(e).is_in(MISSING_WORDS)


def short(e: pl.Expr, n: int = 80) -> pl.Expr:
    text = clean(e).fill_null("")
    return pl.when(text.str.len_chars() <= n).then(text).otherwise(text.str.slice(0, n - 1) + "…")


def grouped(e: pl.Expr) -> pl.Expr:
    """An amount written « 1 234 567 » (Python's ``f"{x:,.0f}"`` with spaces)."""
    digits = e.abs().round(0).cast(pl.Int64).cast(pl.String)
    spaced = digits.str.reverse().str.replace_all(r"(\d{3})", "$1 ").str.reverse().str.strip_chars(" ")
    return pl.when(e < 0).then("-" + spaced).otherwise(spaced)


def shown_g(e: pl.Expr) -> pl.Expr:
    """A number of months as Python's ``:g`` writes it (no trailing .0)."""
    return e.round(2).cast(pl.String).str.replace(r"\.0$", "")


def type_from(text: pl.Expr, cpv: pl.Expr) -> pl.Expr:
    """Travaux / Fournitures / Services from a text, else from the CPV division."""
    folded = fold(text)
    out = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    for word, label in TYPE_WORDS:
        out = out.when(folded.str.starts_with(word)).then(pl.lit(label))
    division = cpv.str.slice(0, 2)
    number = pl.when(division.str.contains(r"^[0-9]{2}$")).then(division.cast(pl.Int32, strict=False))
    return (
        out.when(number == 45)
        .then(pl.lit("Travaux"))
        .when(number >= 50)
        .then(pl.lit("Services"))
        .when(number.is_not_null())
        .then(pl.lit("Fournitures"))
        .otherwise(pl.lit(None, pl.String))
    )


def table_of(function, values: pl.Series, names: list[str], dtypes: list) -> pl.DataFrame:
    """``function`` of each distinct value (for a project rule kept in Python), as a table to join."""
    rows = [function(v) for v in values.to_list()]
    columns = {"_value": values}
    for k, (name, dtype) in enumerate(zip(names, dtypes, strict=True)):
        columns[name] = pl.Series([r[k] for r in rows], dtype=dtype)
    return pl.DataFrame(columns)


def on_distinct(df: pl.DataFrame, column: str, build, outputs: list[str]) -> pl.DataFrame:
    """``build`` over a frame of the distinct cells of ``column`` (a missing cell is one of them), its
    ``outputs`` joined back to every row (an output named ``column`` replaces it)."""
    if column not in df.columns:
        df = df.with_columns(pl.lit(None, pl.String).alias(column))
    distinct = df.select(pl.col(column).unique())
    built = build(distinct.with_columns(pl.col(column).alias("_key"))).select("_key", *outputs)
    df = df.join(built, left_on=column, right_on="_key", how="left", nulls_equal=True, suffix="_new")
    if column in outputs:
        df = df.drop(column).rename({column + "_new": column})
    return df


def with_alerts(df: pl.DataFrame, alerts: list[pl.Expr]) -> pl.DataFrame:
    """The column ``alertes``: each row's alerts (texts, or lists of texts) in order, nulls left out. Most
    rows have none: the lists are built on the rows that have some, then joined back (empty elsewhere)."""
    found = df.select(*(a.alias(f"_alert{k}") for k, a in enumerate(alerts))).with_row_index("_row")
    names = [f"_alert{k}" for k in range(len(alerts))]
    said = [
        pl.col(n).list.len() > 0 if isinstance(found.schema[n], pl.List) else pl.col(n).is_not_null()
        for n in names
    ]
    lists = found.filter(pl.any_horizontal(said).fill_null(False)).select(
        "_row", pl.concat_list(names).list.drop_nulls().alias("alertes")
    )
    df = df.drop("alertes", strict=False).with_row_index("_row").join(lists, on="_row", how="left")
    return df.drop("_row").with_columns(pl.col("alertes").fill_null(pl.lit([], pl.List(pl.String))))


# -- the stage -----------------------------------------------------------------------------------
def normalise(table: pa.Table, ref: dict, filename: str | None = None) -> pl.DataFrame:
    """One row per contract from the raw rows of a DECP flat file (one row per holder)."""
    raw = pl.from_arrow(table)
    raw = raw.with_columns(pl.int_range(2, raw.height + 2, dtype=pl.Int64).alias("source_ligne"))
    df = _canonical(raw, ref)
    df = _contract_rows(df, ref)
    alerts: list[pl.Expr] = []
    df = _texts(df, alerts)
    df = _codes(df, ref, alerts)
    df = _amounts(df, alerts)
    df = _durations_and_dates(df, ref, alerts)
    df = _places(df, ref, alerts)
    df = with_alerts(df, alerts)
    df = _holders(df).with_columns(
        pl.lit(None, pl.String).alias("direction") if "direction" not in df.columns else pl.col("direction"),
        pl.lit(None, pl.String).alias("lot") if "lot" not in df.columns else pl.col("lot"),
        _socials(df),
        pl.lit(False).alias("doublon"),
        pl.lit(filename or BENCH_FILE.name).alias("source_fichier"),
    )
    extra = [c for c in df.columns if c.startswith("source_") and c not in ("source_fichier", "source_ligne")]
    df = df.select(*CONTRACT_COLUMNS, *extra)
    df = _group_holders(df)
    return _mark_duplicates(df)


def _canonical(raw: pl.DataFrame, ref: dict) -> pl.DataFrame:
    """The file's columns under their canonical names (the project's header rules, run once per column): the
    amount from the first non-empty amount column by priority, with its kind (``montant_nature``), durations
    whose header gives the unit (« Durée (jours) ») with that unit, the holders' id and name columns kept
    for :func:`_holders`, unrecognised columns prefixed ``source_``."""
    headers = raw.columns[:-1]  # the last one: source_ligne
    matches = ref["match_headers"](list(headers))
    postal = ref["holder_postal_code"](matches)
    matches = [None if m is postal else m for m in matches]
    fields: dict[str, pl.Expr] = {}
    amounts, holder_ids, holder_names, unrecognised = [], [], [], []
    for column, m in zip(headers, matches, strict=True):
        if m is None:
            unrecognised.append(column)
        elif m.field == "montant":
            amounts.append((m.priority, column, m.montant_nature))
        elif m.field == "titulaire_id":
            holder_ids.append(column)
        elif m.field == "titulaire_nom":
            holder_names.append(column)
        elif m.field == "duree_mois":
            fields[m.field] = _with_unit(pl.col(column), m.header, ref["fold"])
        else:
            fields[m.field] = pl.col(column)  # the last column of a field wins, as in the project
    filled = {c: pl.col(c).str.contains(NOT_WHITE).fill_null(False) for _, c, _ in amounts}
    by_priority = sorted(amounts, key=lambda a: a[0])
    fields["montant"] = pl.coalesce(
        pl.lit(None, pl.String), *(pl.when(filled[c]).then(pl.col(c)) for _, c, _ in by_priority)
    )
    fields["montant_nature"] = pl.coalesce(
        pl.lit(None, pl.String), *(pl.when(filled[c]).then(pl.lit(kind)) for _, c, kind in by_priority)
    )
    pairs = max(len(holder_ids), len(holder_names))
    holders = [
        pl.col(holder_ids[k]) if k < len(holder_ids) else pl.lit(None, pl.String) for k in range(pairs)
    ] + [pl.col(holder_names[k]) if k < len(holder_names) else pl.lit(None, pl.String) for k in range(pairs)]
    names = [f"_holder_id{k}" for k in range(pairs)] + [f"_holder_nom{k}" for k in range(pairs)]
    taken, extra = set(fields) | {"titulaires"}, []
    for column in unrecognised:  # named as the project names them (« source_ » and the folded header)
        name = "source_" + (ref["fold"](column).replace(" ", "_") or "colonne")
        while name in taken:
            name += "_"
        taken.add(name)
        extra.append(pl.col(column).alias(name))
    return raw.select(
        *(e.alias(f) for f, e in fields.items()),
        *(e.alias(n) for e, n in zip(holders, names, strict=True)),
        *extra,
        "source_ligne",
    )


def _with_unit(values: pl.Expr, header: str, fold_text) -> pl.Expr:
    """A duration column whose header gives the unit: each bare number gets it (« 90 » → « 90 jours »)."""
    words = fold_text(header).split()[1:]
    units = (("jour", "jours"), ("semaine", "semaines"), ("annee", "ans"), ("ans", "ans"))
    unit = next((u for word, u in units if any(w.startswith(word) for w in words)), None)
    if unit is None:
        return values
    bare = values.str.strip_chars().str.contains(r"^\d*[.,]?\d*$") & values.str.contains(r"\d")
    return pl.when(bare).then(values + " " + unit).otherwise(values)


SECTION = r"^(?:marches? (?:de |d )?)?(travaux|services?|fournitures?|prestations? (?:de )?services?)$"
SECTION_TYPES = {
    "travaux": "Travaux", "service": "Services", "services": "Services", "fourniture": "Fournitures",
    "fournitures": "Fournitures",
}  # fmt: skip
BAND = (
    r"^(?:tranche|marches? (?:de|d un montant|compris|inferieurs?|superieurs?))"
    r"|\d.*(?:eur|€|ht).*\ba\b.*\d|^(?:de|entre) \d"
)
TOTAL = r"^(?:sous )?(?:total|totaux|montant total|somme)\b"


def _contract_rows(df: pl.DataFrame, ref: dict) -> pl.DataFrame:
    """The rows that are contracts. Set aside: rows without object, CPV code nor amount (blank lines, titles),
    total rows (a « Total » label in the object, or anywhere on a row without object, and a cell reading
    « total », « sous total », « somme »...), a lone text in the object column (a title, a section heading
    TRAVAUX / SERVICES / FOURNITURES whose type then fills the rows below, an amount band) unless most rows
    are like that, and a second header row. Only the few suspect rows are inspected cell by cell."""
    holders = [c for c in df.columns if c.startswith("_holder_")]
    cells = [c for c in df.columns if c not in ("source_ligne", "montant_nature") and c not in holders]
    present = [c for c in ("objet", "code_cpv", "montant") if c in df.columns]
    filled = {c: pl.col(c).str.contains(NOT_WHITE).fill_null(False) for c in present}
    f_obj, f_cpv, f_amount = (filled.get(c, pl.lit(False)) for c in ("objet", "code_cpv", "montant"))
    label = r"(?i)^\s*(?:sous[- ])?tota"
    df = df.with_columns(
        _pos=pl.int_range(pl.len()),
        _content=pl.any_horizontal(f_obj, f_cpv, f_amount),
        _no_object=~f_obj,
        _object_total=pl.col("objet").str.contains(label).fill_null(False)
        if "objet" in df.columns
        else False,
        _amount_alone=f_amount & ~f_obj & ~f_cpv,
        _object_alone=f_obj & ~f_amount & ~f_cpv,
    )
    headings = df["_object_alone"].sum() * 2 <= df.height  # most rows so: a file without amounts
    candidates = df.filter(
        ~pl.col("_content")
        | pl.col("_object_total")
        | pl.col("_amount_alone")
        | pl.col("_no_object")
        | (pl.col("_object_alone") & headings)
        | (pl.col("_pos") < 2)
    )
    is_filled = {c: pl.col(c).cast(pl.String).str.contains(NOT_WHITE).fill_null(False) for c in cells}
    if holders:
        is_filled["titulaires"] = pl.any_horizontal(
            pl.col(h).str.contains(NOT_WHITE).fill_null(False) for h in holders
        )
    candidates = candidates.with_columns(
        _n=pl.sum_horizontal(is_filled.values()),
        _labelled=pl.any_horizontal(
            pl.col(c).cast(pl.String).str.contains(label).fill_null(False) for c in cells + holders
        ),
        _total=pl.any_horizontal(
            fold(pl.col(c).cast(pl.String)).str.contains(TOTAL) for c in cells + holders
        ),
        _alone=pl.coalesce(
            pl.lit(None, pl.String),
            *(pl.when(f).then(pl.col(c).cast(pl.String)) for c, f in is_filled.items() if c != "titulaires"),
        ),
    ).with_columns(_alone=fold(pl.col("_alone")))
    alone = pl.col("_alone")
    section = alone.str.extract(SECTION, 1).str.split(" ").list.last()
    suspect = (
        ~pl.col("_content")
        | pl.col("_object_total")
        | pl.col("_amount_alone")
        | (pl.col("_no_object") & pl.col("_labelled"))
    )
    heading = pl.col("_object_alone") & (pl.col("_n") == 1) & headings  # read as a lone text, no content
    kind = (
        pl.when(pl.col("_n") == 0)
        .then(pl.lit("ligne vide"))
        .when(pl.col("_total"))
        .then(pl.lit("ligne de total"))
        .when((pl.col("_n") == 1) & section.is_not_null())
        .then(pl.lit("intertitre (type de marché)"))
        .when(
            (pl.col("_n") == 1)
            & alone.str.contains(BAND)
            & ~alone.str.replace_all(" ", "").str.contains(r"^\d+$")
        )
        .then(pl.lit("tranche de montant"))
        .when(pl.col("_content") & ~heading)
        .then(pl.lit(""))  # an amount alone: kept as a contract (see the module's docstring)
        .otherwise(pl.lit("titre ou ligne sans objet, CPV ni montant"))
    )
    candidates = candidates.with_columns(
        _kind=pl.when(suspect | heading).then(kind).otherwise(pl.lit("")),
        _section=pl.when((suspect | heading) & (pl.col("_n") == 1) & section.is_not_null())
        .then(section.replace_strict(SECTION_TYPES, default="Services", return_dtype=pl.String))
        .otherwise(pl.lit(None, pl.String)),
    )
    for row in candidates.filter(pl.col("_pos") < 2).iter_rows(named=True):  # a second header row
        texts = [str(row[c]) for c in cells if row[c] is not None and str(row[c]).strip()]
        if ref["header_score"](texts) >= 2:
            candidates = candidates.with_columns(
                _kind=pl.when(pl.col("_pos") == row["_pos"])
                .then(pl.lit("seconde ligne d’en-tête"))
                .otherwise("_kind")
            )
    if "concession" in candidates.columns:
        candidates = candidates.with_columns(
            _kind=pl.when(pl.col("concession").str.contains("oncession").fill_null(False))
            .then(pl.lit("contrat de concession"))
            .otherwise("_kind")
        )
    candidates = candidates.filter((pl.col("_kind") != "") | pl.col("_section").is_not_null())
    df = df.join(candidates.select("_pos", "_kind", "_section"), on="_pos", how="left", maintain_order="left")
    if candidates["_section"].is_not_null().any():  # a section's type fills the rows below it
        given = pl.col("type_marche") if "type_marche" in df.columns else pl.lit(None, pl.String)
        df = df.with_columns(
            pl.when(given.str.contains(NOT_WHITE).fill_null(False))
            .then(given)
            .otherwise(pl.col("_section").forward_fill())
            .alias("type_marche")
        )
    df = df.filter(pl.col("_kind").is_null() | (pl.col("_kind") == ""))
    return df.drop(
        "_pos",
        "_content",
        "_no_object",
        "_object_total",
        "_amount_alone",
        "_object_alone",
        "_kind",
        "_section",
    )


def _plain(e: pl.Expr) -> pl.Expr:
    """A text cell cleaned, HTML tags dropped (entities are undone by :func:`_texts`)."""
    text = clean(e)
    text = pl.when(text.str.contains(TAG)).then(clean(text.str.replace_all(TAG, " "))).otherwise(text)
    return pl.when(text != "").then(text)


def _texts(df: pl.DataFrame, alerts: list) -> pl.DataFrame:
    """Texts cleaned: the cells already clean (single spaces, no tag nor entity) found by a regular expression
    and kept; the others cleaned once per distinct value."""
    for c in TEXT_FIELDS:
        if c not in df.columns:
            continue
        odd = df.filter(pl.col(c).str.contains(NOT_CLEAN)).select(pl.col(c).unique())
        odd = odd.with_columns(_plain(pl.col(c)).alias("_plain"))
        entity = odd.filter(pl.col("_plain").str.contains(ENTITY))
        if entity.height:  # html.unescape (HTML5's entity table) once per distinct text holding an entity
            fixed = [" ".join(html.unescape(v).split()) or None for v in entity["_plain"].to_list()]
            odd = odd.with_columns(
                pl.col("_plain").replace(entity["_plain"], pl.Series(fixed, dtype=pl.String))
            )
        df = df.with_columns(pl.col(c).replace(odd[c], odd["_plain"]))
    buyer = pl.col("acheteur_id").str.replace_all(r"\s+", "")
    df = df.with_columns(pl.when(buyer != "").then(buyer).alias("acheteur_id"))
    alerts.append(
        pl.when(pl.col("acheteur_id").is_not_null() & ~pl.col("acheteur_id").str.contains(r"^\d{14}$")).then(
            "identifiant acheteur non SIRET (« " + pl.col("acheteur_id") + " »)"
        )
    )
    alerts.append(pl.when(pl.col("objet").is_null()).then(pl.lit("objet absent")))
    return df


def _codes(df: pl.DataFrame, ref: dict, alerts: list) -> pl.DataFrame:
    """CPV code and label, nature, procedure and its category, type of contract."""
    # once per distinct cell, step by step (each step's columns computed once), joined back below
    exact = r"^(\d{7,8})(?:-(\d))?$"
    labelled = r"^(\d{7,8})(?:\s*-\s*(\d))?\s*[-–:]?\s*[^\d\s].*$"
    v, cleaned, text = pl.col("code_cpv"), pl.col("_cleaned"), pl.col("_text")
    u = df.select(v.unique()).with_columns(_missing=missing(v), _cleaned=clean(v).fill_null(""))
    u = u.with_columns(
        _text=cleaned.str.replace_all(" ", ""),
        _found=cleaned.str.extract_all(r"\d+(?:-\d)?").list.filter(
            pl.element().str.contains(r"^\d{8}(?:-\d)?$")
        ),
    )
    u = u.with_columns(
        _text=pl.when(pl.col("_found").list.len() > 1)
        .then(pl.col("_found").list.first())
        .when(text.str.contains(r'^="(.*)"$'))
        .then(text.str.extract(r'^="(.*)"$', 1))
        .otherwise(text),
        _several=pl.when(pl.col("_found").list.len() > 1).then(pl.col("_found").list.join(", ")),
    )
    u = u.with_columns(
        _text=pl.when(text.str.contains(r"^\d+\.0$")).then(text.str.replace(r"\.0$", "")).otherwise(text)
    )
    u = u.with_columns(_exact=text.str.contains(exact), _labelled=cleaned.str.contains(labelled))
    u = u.with_columns(_labelled=~pl.col("_exact") & pl.col("_labelled"))
    u = u.with_columns(_text=pl.when("_labelled").then(cleaned).otherwise(text))
    u = u.with_columns(
        _digits=pl.when("_exact")
        .then(text.str.extract(exact, 1))
        .when("_labelled")
        .then(text.str.extract(labelled, 1)),
        _digit=pl.when("_exact").then(text.str.extract(exact, 2)).otherwise(text.str.extract(labelled, 2)),
        _label_only=~pl.col("_exact")
        & ~pl.col("_labelled")
        & ~text.str.contains(r"\d")
        & (cleaned.str.count_matches(" ") >= 1),
    )
    digits = pl.col("_digits")
    u = u.with_columns(
        _code=pl.when(digits.str.len_chars() == 7).then("0" + digits).otherwise(digits),
        _seven=digits.str.len_chars() == 7,
    ).join(ref["cpv"], left_on="_code", right_on="_cpv", how="left")
    known = pl.col("_check").is_not_null()
    unknown = "code CPV inconnu (« " + short(pl.col("_text")) + " »)"
    inner = (
        pl.when(pl.col("_label_only") | pl.col("_code").is_null())
        .then(pl.lit(None, pl.String))
        .when(~known)
        .then(unknown)
        .when(pl.col("_digit").is_not_null() & (pl.col("_digit") != pl.col("_check")))
        .then(
            "chiffre de contrôle du code CPV incorrect ("
            + pl.col("_text")
            + ", attendu "
            + pl.col("_check")
            + ")"
        )
        .when(pl.col("_seven"))
        .then("code CPV à 7 chiffres complété d’un zéro (" + pl.col("_text") + ")")
    )
    no_code = (
        pl.when(pl.col("_label_only"))
        .then("libellé sans code CPV (« " + short(pl.col("_cleaned")) + " »)")
        .otherwise(unknown)
    )
    alert = (
        pl.when(pl.col("_missing"))
        .then(pl.lit(None, pl.String))
        .when(pl.col("_several").is_not_null())
        .then(
            "plusieurs codes CPV ("
            + pl.col("_several")
            + ") : le premier retenu"
            + pl.when(inner.is_not_null()).then(" ; " + inner).otherwise(pl.lit(""))
        )
        .when(pl.col("_code").is_null())
        .then(no_code)
        .otherwise(inner)
    )
    code = (
        pl.when(pl.col("_missing") | pl.col("_label_only"))
        .then(pl.lit(None, pl.String))
        .when(known)
        .then(pl.col("_code"))
        .otherwise(pl.col("_text"))
    )
    u = u.select(
        "code_cpv",
        code.alias("_code_cpv"),
        pl.when(known).then(pl.col("_label")).alias("libelle_cpv"),
        alert.alias("_a_cpv"),
    )
    df = (
        df.join(u, on="code_cpv", how="left", nulls_equal=True)
        .drop("code_cpv")
        .rename({"_code_cpv": "code_cpv"})
    )
    alerts.append(pl.col("_a_cpv"))

    # nature: official casing; a type of contract written as the nature (« Travaux ») is the type
    natures = ref["natures"]
    if "nature" not in df.columns:
        df = df.with_columns(pl.lit(None, pl.String).alias("nature"))
    n = pl.col("nature")
    nature = pl.when(~missing(n)).then(
        fold(n).replace_strict(natures, default=None, return_dtype=pl.String).fill_null(clean(n))
    )
    official_nature = pl.col("_nature").is_in(list(set(natures.values())))
    as_type = pl.when(pl.col("_nature").is_not_null() & ~official_nature).then(
        type_from(pl.col("_nature"), pl.lit(None, pl.String))
    )
    u = (
        df.select(n.unique())
        .with_columns(nature.alias("_nature"))
        .with_columns(as_type.alias("_as_type"))
        .with_columns(pl.when(pl.col("_as_type").is_null()).then(pl.col("_nature")).alias("_nature"))
    )
    df = df.join(u, on="nature", how="left", nulls_equal=True).drop("nature").rename({"_nature": "nature"})

    # procedure: official wording from the synonyms, else from key words, else unknown and said so
    if "procedure" not in df.columns:
        df = df.with_columns(pl.lit(None, pl.String).alias("procedure"))
    p = pl.col("procedure")
    key = fold(p)
    official = (
        pl.when(key.is_in(list(ref["procedures"])))
        .then(key.replace_strict(ref["procedures"], default=None, return_dtype=pl.String))
        .when(key.str.contains("sans publicite"))
        .then(pl.lit("Marché passé sans publicité ni mise en concurrence préalable"))
        .when(key.str.contains("adapte"))
        .then(pl.lit("Procédure adaptée"))
        .when(key.str.contains("appel d offres") & key.str.contains("restreint"))
        .then(pl.lit("Appel d'offres restreint"))
        .when(key.str.contains("appel d offres"))
        .then(pl.lit("Appel d'offres ouvert"))
        .when(key.str.contains("negoci"))
        .then(pl.lit("Procédure avec négociation"))
    )
    u = df.select(p.unique()).with_columns(_missing_p=missing(p), _official=official)
    u = u.with_columns(
        pl.when(pl.col("_missing_p"))
        .then(pl.lit(None, pl.String))
        .otherwise(pl.col("_official").fill_null(clean(p)))
        .alias("_procedure"),
        pl.when(pl.col("_missing_p") | pl.col("_official").is_null())
        .then(pl.lit("Inconnue"))
        .otherwise(pl.col("_official").replace_strict(cells.CATEGORY, return_dtype=pl.String))
        .alias("categorie_procedure"),
        pl.when(~pl.col("_missing_p") & pl.col("_official").is_null())
        .then("procédure inconnue (« " + short(p) + " »)")
        .alias("_a_procedure"),
    ).drop("_missing_p", "_official")
    df = df.join(u, on="procedure", how="left", nulls_equal=True).drop("procedure")
    df = df.rename({"_procedure": "procedure"})
    alerts.append(pl.col("_a_procedure"))

    # type: the file's, else the one written as the nature, else the CPV division's
    if "type_marche" not in df.columns:
        df = df.with_columns(pl.lit(None, pl.String).alias("type_marche"))
    given = pl.col("type_marche")
    kind = (
        pl.when((clean(given).fill_null("") != "") | pl.col("_as_type").is_null())
        .then(type_from(given, pl.col("code_cpv")))
        .otherwise(pl.col("_as_type"))
    )
    keys = [
        "type_marche",
        "code_cpv",
        "_as_type",
    ]  # once per distinct (type given, CPV, type read in the nature)
    types = df.select(keys).unique().with_columns(kind.alias("_type"))
    df = df.join(types, on=keys, how="left", nulls_equal=True)
    return df.drop("type_marche").rename({"_type": "type_marche"})


def _amounts(df: pl.DataFrame, alerts: list) -> pl.DataFrame:
    """Amounts read from French or plain numbers; placeholders and absurd amounts left out, and said so."""
    df = df.with_columns(pl.col("montant_nature").alias("_kind"))
    df = on_distinct(df, "montant", _parse_amounts, ["montant", "_a_amount"])
    k = pl.col("_kind")
    df = df.with_columns(
        pl.when(pl.col("montant").is_null())
        .then(pl.lit(None, pl.String))
        .when((pl.col("nature") == "Accord-cadre") & (k.is_null() | k.is_in(["notifié", "initial"])))
        .then(pl.lit("maximum (accord-cadre)"))
        .otherwise(k.fill_null("notifié"))
        .alias("montant_nature"),
        pl.when(k.str.starts_with("TTC"))
        .then(pl.lit("montant TTC : le fichier ne donne aucun montant HT"))
        .alias("_a_ttc"),
    )
    alerts += [pl.col("_a_amount"), pl.col("_a_ttc")]
    return df


def _parse_amounts(df: pl.DataFrame) -> pl.DataFrame:
    """The amount of each distinct cell and its alert, step by step."""
    v, text = pl.col("montant"), pl.col("_t")
    df = df.with_columns(
        _missing_m=missing(v),
        _shown_m=short(v),
        _english=v.str.contains(r"(?i)^\s*(€|eur\b|\$)"),
        _t=v.str.replace_all(r"(?i)(€|eur(os?)?|\bht\b|\bttc\b|h\.t\.?|t\.t\.c\.?)", "")
        .str.replace_all(r"[\s\u00a0\u202f\u2009']", "")
        .str.strip_chars()
        .str.strip_chars_end("."),
    )
    df = df.with_columns(
        _numeric=text.str.contains(r"^[+-]?[\d.,]+([eE][+-]?\d+)?$"),
        _both=text.str.contains(",") & text.str.contains(r"\."),
        _comma_last=text.str.reverse().str.find(",") < text.str.reverse().str.find(r"\."),
        _thousands=text.str.contains(r"^[+-]?\d{1,3}(\.\d{3})+$")
        | pl.when("_english")
        .then(text.str.contains(r"^[+-]?\d{1,3}(,\d{3})+$"))
        .otherwise(text.str.contains(r"^[+-]?\d{1,3}(,\d{3}){2,}$")),
        _commas=text.str.count_matches(","),
        _dots=text.str.count_matches(r"\."),
    )
    both, thousands = pl.col("_both"), pl.col("_thousands")
    number = (
        pl.when(both & pl.col("_comma_last"))
        .then(text.str.replace_all(r"\.", "").str.replace(",", "."))
        .when(both)
        .then(text.str.replace_all(",", ""))
        .when(thousands)
        .then(text.str.replace_all(r"[.,]", ""))
        .when(pl.col("_commas") == 1)
        .then(text.str.replace(",", "."))
        .when((pl.col("_commas") > 1) | (pl.col("_dots") > 1))
        .then(text.str.replace_all(r"[.,]", ""))
        .otherwise(text)
    )
    df = df.with_columns(
        _number=pl.when("_numeric").then(number.cast(pl.Float64, strict=False)),
        _thousands=pl.when(pl.col("_numeric") & ~both & thousands).then(
            "« " + text + " » lu comme " + text.str.replace_all(r"[.,]", " ") + " € (séparateur de milliers)"
        ),
    )
    a, shown = pl.col("_number"), pl.col("_shown_m")
    df = df.with_columns(
        _unreadable=a.is_null() | a.is_nan() | a.is_infinite(),
        _placeholder=a.floor().is_in(PLACEHOLDER_NINES) | (a == 1),
    )
    unreadable, placeholder = pl.col("_unreadable"), pl.col("_placeholder")
    amount = (
        pl.when(pl.col("_missing_m") | unreadable | placeholder | (a > MAX_AMOUNT))
        .then(pl.lit(None, pl.Float64))
        .otherwise(a)
    )
    alert = (
        pl.when(pl.col("_missing_m"))
        .then(
            pl.when(shown != "")
            .then("montant non renseigné (« " + shown + " »)")
            .otherwise(pl.lit("montant absent"))
        )
        .when(unreadable)
        .then("montant non numérique (« " + shown + " »)")
        .when(a < 0)
        .then("montant négatif (" + shown + ")")
        .when(a == 0)
        .then(pl.lit("montant nul"))
        .when(placeholder)
        .then("montant de remplissage (" + shown + ") : écarté des totaux")
        .when(a > MAX_AMOUNT)
        .then("montant aberrant (" + grouped(a) + " €) : écarté des totaux")
        .when(a > HIGH_AMOUNT)
        .then("montant très élevé (" + grouped(a) + " €) : à vérifier")
        .otherwise(pl.col("_thousands"))
    )
    return df.with_columns(amount.alias("montant"), alert.alias("_a_amount"))


def _durations_and_dates(df: pl.DataFrame, ref: dict, alerts: list) -> pl.DataFrame:
    """Durations in months and notification dates; the estimated end date."""
    df = on_distinct(
        df, "duree_mois", lambda u: _parse_durations(u, ref), ["duree_mois", "_a_duration", "_w_end"]
    )
    df = on_distinct(
        df, "date_notification", lambda u: _parse_dates(u, ref), ["date_notification", "_a_date"]
    )
    # a duration given as an end date: the months from the notification
    end, notified = pl.col("_w_end"), pl.col("date_notification")
    by_end = pl.col("duree_mois").is_null() & end.is_not_null()
    after = by_end & notified.is_not_null() & (end > notified)
    from_end = ((end - notified).dt.total_days() / DAYS_PER_MONTH).round(2)
    df = df.with_columns(
        pl.when(after).then(from_end).otherwise(pl.col("duree_mois")).alias("duree_mois"),
        pl.when(by_end & pl.col("_a_duration").str.starts_with("durée donnée par une date de fin"))
        .then(pl.lit(None, pl.String))
        .otherwise(pl.col("_a_duration"))
        .alias("_a_duration"),
        pl.when(after)
        .then(
            "durée déduite de la date de fin ("
            + end.dt.to_string("%d/%m/%Y")
            + ") : "
            + from_end.round(1).cast(pl.String).str.replace(r"\.", ",")
            + " mois"
        )
        .when(by_end)
        .then(
            "date de fin ("
            + end.dt.to_string("%d/%m/%Y")
            + ") sans date de notification antérieure : durée inconnue"
        )
        .alias("_a_end"),
    )
    alerts += [pl.col("_a_duration"), pl.col("_a_date"), pl.col("_a_end")]
    ns = (pl.col("duree_mois") * DAYS_PER_MONTH * 86_400e9).round(0).cast(pl.Int64)
    return df.with_columns(
        pl.col("date_notification").cast(pl.Datetime("us")).alias("date_notification"),
        (pl.col("date_notification").cast(pl.Datetime("ns")) + pl.duration(nanoseconds=ns))
        .dt.truncate("1d")
        .alias("date_fin_estimee"),
    )


def _places(df: pl.DataFrame, ref: dict, alerts: list) -> pl.DataFrame:
    """Communes given by their INSEE code joined to the geography; any other place resolved by the project's
    rules once per distinct (code, type, name); then the buyer's usual department where the place is
    unknown."""
    for c in ("lieu_code", "lieu_type", "lieu_nom"):
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, pl.String).alias(c))
    df = df.with_columns(
        clean(pl.col("lieu_code")).fill_null("").alias("_code"),
        clean(pl.col("lieu_type")).fill_null("").alias("_type"),
        clean(pl.col("lieu_nom")).fill_null("").alias("_name"),
    )
    kinds = df["_type"].unique()
    kinds = dict(zip(kinds.to_list(), [ref["place_type"](k) for k in kinds.to_list()], strict=True))
    df = df.with_columns(pl.col("_type").replace_strict(kinds, return_dtype=pl.String).alias("_kind")).join(
        ref["communes"], on="_code", how="left"
    )
    commune = (
        (pl.col("_kind") == "commune")
        & pl.col("_dep").is_not_null()
        & pl.col("_code").str.contains(INSEE)
        & ~pl.col("_code").str.starts_with("99")
    )
    df = df.with_columns(_commune=commune)
    odd = df.filter(~pl.col("_commune")).select("_code", "_type", "_name").unique()
    if odd.height:
        places = [ref["resolve_place"](*row) for row in odd.iter_rows()]
        resolved = odd.with_columns(
            pl.Series("_p_code", [p.lieu_code for p in places], pl.String),
            pl.Series("_p_type", [p.lieu_type for p in places], pl.String),
            pl.Series("_p_insee", [p.commune_insee for p in places], pl.String),
            pl.Series("_p_dep", [p.departement for p in places], pl.String),
            pl.Series("_p_reg", [p.region for p in places], pl.String),
            pl.Series("_p_alerts", [list(p.alertes) for p in places], pl.List(pl.String)),
        )
        df = df.join(resolved, on=["_code", "_type", "_name"], how="left")
    else:
        df = df.with_columns(
            *(
                pl.lit(None, pl.String).alias(c)
                for c in ("_p_code", "_p_type", "_p_insee", "_p_dep", "_p_reg")
            ),
            pl.lit(None, pl.List(pl.String)).alias("_p_alerts"),
        )
    c = pl.col("_commune")
    df = df.with_columns(
        pl.when(c).then(pl.col("_code")).otherwise(pl.col("_p_code")).alias("lieu_code"),
        pl.when(c).then(pl.lit("commune")).otherwise(pl.col("_p_type")).alias("lieu_type"),
        pl.when(c).then(pl.col("_code")).otherwise(pl.col("_p_insee")).alias("commune_insee"),
        pl.when(c).then(pl.col("_dep")).otherwise(pl.col("_p_dep")).alias("departement"),
        pl.when(c).then(pl.col("_reg")).otherwise(pl.col("_p_reg")).alias("region"),
    )
    abroad = (pl.col("lieu_type") == "pays") & ~pl.col("lieu_code").is_in(["FR", "FRA", "FRANCE"]).fill_null(
        False
    )
    df = df.with_columns((pl.col("departement").is_null() & ~abroad.fill_null(False)).alias("_unplaced"))
    if df["_unplaced"].any():
        usual = (
            df.filter(
                ~pl.col("_unplaced")
                & pl.col("acheteur_id").is_not_null()
                & pl.col("departement").is_not_null()
            )
            .group_by("acheteur_id", "departement")
            .len()
            .sort(["len", "departement"], descending=[True, False])
            .unique("acheteur_id", keep="first")
            .select("acheteur_id", pl.col("departement").alias("_usual"))
        )
        df = df.join(usual, on="acheteur_id", how="left")
        if "acheteur_departement" in df.columns:
            own = pl.col("acheteur_departement").str.strip_chars().str.to_uppercase()
            own = pl.when(own.str.contains(r"^\d$")).then("0" + own).otherwise(own)
            own = pl.when(own.is_in(list(ref["dep_region"]))).then(own)
            df = df.with_columns(own.fill_null(pl.col("_usual")).alias("_usual"))
    else:
        df = df.with_columns(pl.lit(None, pl.String).alias("_usual"))
    fill = pl.col("_unplaced") & pl.col("_usual").is_not_null()
    df = df.with_columns(
        pl.when(fill)
        .then(
            "lieu d’exécution absent ou inconnu : département de l’acheteur (" + pl.col("_usual") + ") retenu"
        )
        .when(pl.col("_unplaced") & pl.col("region").is_null())
        .then(pl.lit("lieu d’exécution inconnu"))
        .alias("_a_buyer_dep"),
        pl.when(fill).then(pl.col("_usual")).otherwise(pl.col("departement")).alias("departement"),
        pl.when(fill)
        .then(pl.col("_usual").replace_strict(ref["dep_region"], default=None, return_dtype=pl.String))
        .otherwise(pl.col("region"))
        .alias("region"),
        pl.when(fill)
        .then(pl.lit("département de l’acheteur"))
        .otherwise(pl.col("lieu_type"))
        .alias("lieu_type"),
    )
    alerts += [pl.col("_p_alerts").fill_null(pl.lit([], pl.List(pl.String))), pl.col("_a_buyer_dep")]
    return df


def _parse_durations(df: pl.DataFrame, ref: dict) -> pl.DataFrame:
    """Plain numbers of months by polars; durations in words, ranges, renewals, end dates by the project's
    own grammar, once per distinct cell."""
    d = pl.col("duree_mois")
    plain = clean(d).str.contains(r"^\d+(?:[.,]\d+)?$")
    months = clean(d).str.replace(",", ".").cast(pl.Float64, strict=False).round(2)
    df = df.with_columns(_d=d, _plain_d=plain.fill_null(False), _missing_d=missing(d), _months=months)
    # durations in words, ranges, renewals, end dates: the project's grammar, once per distinct cell
    odd = df.filter(~pl.col("_plain_d") & ~pl.col("_missing_d"))["_d"].unique()
    words = table_of(
        lambda v: (*ref["parse_duration"](v), ref["parse_end_date"](v)),
        odd,
        ["_w_months", "_w_alert", "_w_end"],
        [pl.Float64, pl.String, pl.Date],
    )
    df = df.join(words, left_on="_d", right_on="_value", how="left")
    m = pl.col("_months")
    df = df.with_columns(
        pl.when(pl.col("_missing_d"))
        .then(pl.lit(None, pl.Float64))
        .when(pl.col("_plain_d"))
        .then(pl.when((m > 0) & (m <= 360)).then(m))
        .otherwise(pl.col("_w_months"))
        .alias("duree_mois"),
        pl.when(pl.col("_missing_d"))
        .then(pl.lit(None, pl.String))
        .when(pl.col("_plain_d"))
        .then(
            pl.when(m <= 0)
            .then("durée nulle ou négative (" + short(d) + ")")
            .when(m > 360)
            .then("durée aberrante (" + shown_g(m) + " mois, plus de 30 ans) : ignorée")
        )
        .otherwise(pl.col("_w_alert"))
        .alias("_a_duration"),
    )
    return df


def _parse_dates(df: pl.DataFrame, ref: dict) -> pl.DataFrame:
    """ISO and French numeric dates by polars, anything else by the project's parser, once per distinct
    cell."""
    today = ref["today"]
    # dates: ISO and French numeric dates by polars, anything else by the project's parser per distinct cell
    t = clean(pl.col("date_notification"))
    iso = t.str.contains(r"^\d{4}-\d{2}-\d{2}(?:[T +\-Z].*)?$")
    french = t.str.contains(r"^\d{2}/\d{2}/\d{4}(?:[T ].*)?$")
    parsed = (
        pl.when(iso)
        .then(t.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))
        .when(french)
        .then(t.str.slice(0, 10).str.to_date("%d/%m/%Y", strict=False))
    )
    df = df.with_columns(_t=t, _missing_t=missing(t), _date=parsed, _year=t.str.contains(r"^\d{4}(?:\.0)?$"))
    odd = df.filter(~pl.col("_missing_t") & (pl.col("_date").is_null() | pl.col("_year")))["_t"].unique()
    other = table_of(
        lambda v: ref["parse_date"](v, today), odd, ["_o_date", "_o_alert"], [pl.Date, pl.String]
    )
    df = df.join(other, left_on="_t", right_on="_value", how="left")
    date = pl.col("_date")
    fast = pl.col("_date").is_not_null() & ~pl.col("_year")
    df = df.with_columns(
        pl.when(pl.col("_missing_t"))
        .then(pl.lit(None, pl.Date))
        .when(fast)
        .then(pl.when(date > dt.date(1900, 1, 1)).then(date))
        .otherwise(pl.col("_o_date"))
        .alias("date_notification"),
        pl.when(pl.col("_missing_t"))
        .then(pl.lit(None, pl.String))
        .when(fast)
        .then(
            pl.when(date <= dt.date(1900, 1, 1))
            .then("date nulle d’Excel (" + short(t) + ")")
            .when(date.dt.year() < 1990)
            .then("date improbable (" + date.dt.to_string("%Y-%m-%d") + ")")
            .when(date > today)
            .then("date dans le futur (" + date.dt.to_string("%Y-%m-%d") + ")")
        )
        .otherwise(pl.col("_o_alert"))
        .alias("_a_date"),
    )
    return df


def _holders(df: pl.DataFrame) -> pl.DataFrame:
    """Each row's holders [{id, nom}] from its holder id and name columns, paired in order (a pair of empty
    cells is no holder); a list flattened to text ("['572…']") read as its item. Only the cells not already
    clean are cleaned, once per distinct value."""
    pairs = [c.removeprefix("_holder_id") for c in df.columns if c.startswith("_holder_id")]
    odd_cell = NOT_CLEAN.replace("^$|", "") + "|[\\[\\]]"
    for c in [f"_holder_{part}{k}" for k in pairs for part in ("id", "nom")]:
        df = df.with_columns(pl.col(c).fill_null(""))
        odd = df.filter(pl.col(c).str.contains(odd_cell)).select(pl.col(c).unique())
        text = clean(pl.col(c))
        odd = odd.with_columns(
            pl.when(text.str.contains(r"[\[\]]"))
            .then(text.str.replace_all(r"^\[\s*'?|'?\s*\]$", ""))
            .otherwise(text)
            .alias("_clean")
        )
        df = df.with_columns(pl.col(c).replace(odd[c], odd["_clean"]))
        if c.startswith("_holder_id"):
            df = df.with_columns(pl.col(c).str.replace_all(" ", "", literal=True))
    kind = pl.List(pl.Struct({"id": pl.String, "nom": pl.String}))
    structs = [
        pl.struct(pl.col(f"_holder_id{k}").alias("id"), pl.col(f"_holder_nom{k}").alias("nom")) for k in pairs
    ]
    if len(pairs) == 1:  # the common case: no list to filter
        k = pairs[0]
        said = (pl.col(f"_holder_id{k}") != "") | (pl.col(f"_holder_nom{k}") != "")
        holders = pl.when(said).then(pl.concat_list(structs)).otherwise(pl.lit([], kind))
    elif pairs:
        holders = pl.concat_list(structs).list.filter(
            (pl.element().struct.field("id") != "") | (pl.element().struct.field("nom") != "")
        )
    else:
        holders = pl.lit([], kind)
    return df.with_columns(holders.alias("titulaires"))


def _socials(df: pl.DataFrame) -> pl.Expr:
    if "considerations_sociales" not in df.columns:
        return pl.lit([], pl.List(pl.String)).alias("considerations_sociales")
    text = clean(pl.col("considerations_sociales"))
    said = (text.fill_null("") != "") & ~fold(text).is_in(
        ["pas de consideration sociale", "non", "sans objet"]
    )
    return (
        pl.when(said)
        .then(pl.concat_list(text))
        .otherwise(pl.lit([], pl.List(pl.String)))
        .alias("considerations_sociales")
    )


VERBATIM = ["titulaires", "montant", "date_notification", "duree_mois", "code_cpv", "procedure", "lieu_code"]


def _group_holders(df: pl.DataFrame) -> pl.DataFrame:
    """Rows of the same buyer, contract id and (folded) object merged into one contract."""
    ids = pl.struct("acheteur_id", "id_contrat")
    df = df.with_columns(
        _pos=pl.int_range(pl.len()), _rep=ids.is_duplicated() & pl.col("id_contrat").is_not_null()
    )
    # the object's folded text tells contracts apart under the same buyer and id; where every row of a buyer
    # and id has the same text, there is nothing to fold
    repeated = df.filter("_rep").with_columns(
        _same=pl.col("objet").n_unique().over("acheteur_id", "id_contrat") == 1
    )
    repeated = pl.concat(
        [
            repeated.filter("_same").with_columns(_okey=pl.lit("")),
            repeated.filter(~pl.col("_same")).with_columns(_okey=fold(pl.col("objet"))),
        ]
    ).sort("_pos")
    key = pl.struct(pl.col("acheteur_id").fill_null(""), "id_contrat", "_okey")
    multi = repeated.with_columns(_key=key).filter(pl.col("_key").is_duplicated())
    if multi.height == 0:
        return df.drop("_pos", "_rep").with_columns(pl.concat_list("source_ligne").alias("source_ligne"))
    lists = ("titulaires", "source_ligne", "alertes")
    plain = [c for c in df.columns if c not in (*lists, "_pos", "_rep")]
    amounts = pl.col("montant").drop_nulls().unique().sort()
    merged = (
        multi.group_by("_key", maintain_order=True)
        .agg(
            pl.col("_pos").first(),
            *(pl.col(c).first(ignore_nulls=True) for c in plain if c != "montant"),
            pl.col("titulaires")
            .list.explode(keep_nulls=False, empty_as_null=False)
            .unique(maintain_order=True),
            pl.col("source_ligne"),
            pl.col("alertes").list.explode(keep_nulls=False, empty_as_null=False).unique(maintain_order=True),
            pl.col("montant").first(ignore_nulls=True).alias("_first_amount"),
            amounts.max().alias("_max_amount"),
            amounts.alias("_amounts"),
            (pl.len() - pl.struct(VERBATIM).n_unique()).alias("_verbatim"),
        )
        .with_columns(
            pl.when(pl.col("_amounts").list.len() > 1)
            .then(pl.col("_max_amount"))
            .otherwise(pl.col("_first_amount"))
            .alias("montant"),
        )
    )
    merged = with_alerts(
        merged,
        [
            pl.col("alertes"),
            pl.when(pl.col("_amounts").list.len() > 1).then(
                "montants différents selon les lignes du même marché ("
                + pl.col("_amounts").list.eval(grouped(pl.element())).list.join(", ")
                + ") : le plus grand retenu"
            ),
            pl.when(pl.col("_verbatim") > 0).then(
                "ligne répétée à l’identique ("
                + pl.col("_verbatim").cast(pl.String)
                + " fois, lignes "
                + pl.col("source_ligne").cast(pl.List(pl.String)).list.join(", ")
                + ") : comptée une fois"
            ),
        ],
    )
    # each contract's merged cells put in place of its first row, its other rows gone, the order kept
    others = multi.filter(~pl.col("_pos").is_in(merged["_pos"].implode()))["_pos"]
    columns = [c for c in df.columns if c not in ("_rep", "_pos")]
    out = (
        df.filter(~pl.col("_pos").is_in(others.implode()))
        .with_columns(pl.concat_list("source_ligne").alias("source_ligne"))
        .join(
            merged.select("_pos", *(pl.col(c).alias(c + "_merged") for c in columns)),
            on="_pos",
            how="left",
            maintain_order="left",
        )
    )
    # a merged cell is missing only where every row of its contract misses it, the first row included
    return out.select(pl.coalesce(c + "_merged", c).alias(c) for c in columns)


def _mark_duplicates(df: pl.DataFrame) -> pl.DataFrame:
    """Same buyer, id and amount: a duplicate; rows without id identical in what says what was bought."""
    extra = [c for c in df.columns if c not in CONTRACT_COLUMNS]
    has_id = pl.col("id_contrat").is_not_null()
    df = df.with_columns(
        _dup=~pl.struct(pl.col("acheteur_id").fill_null(""), "id_contrat", "montant").is_first_distinct()
        & has_id,
        _pos=pl.int_range(pl.len()),
    )
    without = df.filter(~has_id & pl.col("objet").is_not_null())
    if without.height:
        identity = pl.struct(*(c for c in IDENTITY if c != "objet"), "titulaires", fold(pl.col("objet")))
        flags = without.select(
            "_pos",
            (~identity.is_first_distinct()).alias("_same"),
            (identity.is_duplicated() & identity.is_first_distinct()).alias("_first"),
        )
        df = df.join(flags, on="_pos", how="left").with_columns(pl.col("_same", "_first").fill_null(False))
    else:
        df = df.with_columns(_same=pl.lit(False), _first=pl.lit(False))
    dup, same, first = pl.col("_dup"), pl.col("_same"), pl.col("_first")
    alerts = [
        pl.col("alertes"),
        pl.when(dup).then(pl.lit(DUPLICATE_NOTE)),
        pl.when(same).then(
            pl.lit("ligne identique à une ligne précédente, sans référence de marché : comptée une fois")
        ),
        pl.when(first).then(
            pl.lit("ligne répétée à l’identique plus bas, sans référence de marché : comptée une fois")
        ),
    ]
    df = with_alerts(df.with_columns((dup | same).alias("doublon")), alerts)
    return df.drop("_dup", "_same", "_first", "_pos").select(*CONTRACT_COLUMNS, *extra)


# -- agreement with the project ------------------------------------------------------------------
def _comparable(column: str, values: list) -> list:
    """Cells of either side in one form: lists as tuples, holders as (id, nom) pairs, dates as dates."""
    out = []
    for v in values:
        if isinstance(v, dict):
            v = (v.get("id"), v.get("nom"))
        elif isinstance(v, list | tuple):
            v = tuple((h.get("id"), h.get("nom")) if isinstance(h, dict) else h for h in v)
        elif column == "source_ligne" and v is not None:
            v = (int(v),)
        elif isinstance(v, dt.datetime):
            v = v.replace(tzinfo=None)
        elif isinstance(v, float) and v != v:
            v = None
        out.append(v)
    return out


def compare(ours: pl.DataFrame, project) -> dict:
    """Per column, the share of contracts whose values agree (contracts paired by buyer, contract id and
    first source line), the row counts, and a few differing examples."""
    import numpy as np
    import pandas as pd

    theirs = project.copy()
    for c in theirs.columns:
        cells = theirs[c].to_numpy(dtype=object)
        if c == "titulaires":
            cells = [list(h) if h is not None and not isinstance(h, list) else h for h in cells]
        if c in ("date_notification", "date_fin_estimee"):
            cells = [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in cells]
        elif isinstance(theirs[c].dtype, pd.api.extensions.ExtensionDtype) or theirs[c].dtype == object:
            cells = [
                None if (v is pd.NA or v is None or (isinstance(v, float) and v != v)) else v for v in cells
            ]
        theirs[c] = pd.Series(list(cells), index=theirs.index, dtype=object)
    theirs["_first"] = [v[0] if isinstance(v, list) else int(v) for v in theirs["source_ligne"]]
    mine = ours.with_columns(pl.col("source_ligne").list.first().alias("_first")).to_dicts()
    mine_by = {(r["acheteur_id"], r["id_contrat"], r["_first"]): r for r in mine}
    keys = list(zip(theirs["acheteur_id"], theirs["id_contrat"], theirs["_first"], strict=True))
    paired = [k in mine_by for k in keys]
    result = {"rows_polars": ours.height, "rows_project": len(theirs), "paired": int(np.sum(paired))}
    agreement, examples = {}, {}
    for column in CONTRACT_COLUMNS:
        left = _comparable(
            column, [mine_by[k][column] if ok else None for k, ok in zip(keys, paired, strict=True)]
        )
        right = _comparable(column, theirs[column].tolist())
        same = [
            ok and (a == b or (isinstance(a, float) and isinstance(b, float) and abs(a - b) < 1e-6))
            for a, b, ok in zip(left, right, paired, strict=True)
        ]
        agreement[column] = sum(same) / len(same) if same else 1.0
        examples[column] = [(keys[i], left[i], right[i]) for i in np.flatnonzero(~np.array(same))[:3]]
    result["agreement"] = agreement
    result["examples"] = examples
    return result


# -- run both on the bench file ------------------------------------------------------------------
def _best_of(function, runs: int = 3) -> tuple[float, object]:
    function()  # warm-up
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = function()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(path: Path = BENCH_FILE) -> None:
    import pyarrow.parquet as pq

    from transferability._diagnose.chunks import normalised_chunk
    from transferability._diagnose.settings import Settings
    from transferability._io import read_chunks

    warnings.simplefilter("ignore")
    ref = prepare()
    frame = next(iter(read_chunks(path, str(path), 10**9)))
    settings = Settings()
    project_time, (project, _) = _best_of(lambda: normalised_chunk(frame, path, settings))
    table = pq.read_table(path)
    polars_time, ours = _best_of(lambda: normalise(table, ref, path.name))
    print(f"{path.name}: {table.num_rows} rows, polars {pl.__version__}")
    print(f"  project (pandas) normalised_chunk: {project_time:.3f} s (best of 3)")
    print(f"  polars reference normalise:         {polars_time:.3f} s (best of 3)")
    result = compare(ours, project)
    print(
        f"  contracts: polars {result['rows_polars']}, project {result['rows_project']}, "
        f"paired {result['paired']}"
    )
    for column, rate in result["agreement"].items():
        print(f"  {column:<24} {rate:8.2%}")
        if rate < 0.99:
            for key, mine, theirs in result["examples"][column]:
                print(f"      {key}: polars {mine!r} / project {theirs!r}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else BENCH_FILE)
