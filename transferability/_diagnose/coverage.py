"""Which providers cover each contract's place, computed per place and per métier, never per pair.

A provider covers a place when it works in the whole country, when one of its zones holds
the place, when the place is within its radius (from its commune's centroid to the commune,
or to the nearest commune of a department or region), or when it is located in the place.
Distances are computed with numpy over every provider at once, once per distinct place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from .._errors import InputError, Problem
from .._reference import EARTH_RADIUS_KM, arc_km, geography, unit_vectors
from .._utils import distinct_rows

HANDICAP_KINDS = ("ESAT", "EA", "EATT")
INSERTION_KINDS = ("EI", "ACI", "AI", "ETTI", "EITI")  # may receive contracts reserved under L2113-13
N_CANDIDATES = 5


@dataclass(frozen=True)
class PlaceKey:
    """A contract's place: ``("commune", "73065")``, ``("département", "73")``, ``("région", "84")``
    or ``("pays", "FR")`` when the territory is unknown."""

    kind: str
    code: str


def _place_arrays(contracts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each contract's place kind and code, as two arrays (see :class:`PlaceKey`)."""
    kinds, codes = np.full(len(contracts), "pays", dtype=object), np.full(len(contracts), "FR", dtype=object)
    for kind, column in (("région", "region"), ("département", "departement"), ("commune", "commune_insee")):
        values = contracts[column]
        if isinstance(values.dtype, pd.StringDtype):  # texts held by arrow: their lengths, by arrow
            given = (values.str.len() > 0).fillna(False).to_numpy(bool)
        else:
            given = np.fromiter(
                (isinstance(v, str) and v != "" for v in values), dtype=bool, count=len(values)
            )
        kinds[given], codes[given] = kind, values[given].to_numpy(object)
    return kinds, codes


class CoverageIndex:
    """A directory prepared for coverage queries: provider arrays and the métier incidence."""

    def __init__(self, directory: pd.DataFrame, metier_ids: list[str], families: list[str]):
        usable = directory["lat"].notna() & directory["lon"].notna()
        if not usable.any():
            raise InputError(
                Problem(
                    "aucun prestataire localisable dans l’annuaire",
                    directory.attrs.get("source", "annuaire"),
                    f"{len(directory)} prestataires sans coordonnées ni commune reconnue",
                    "ajouter une commune (code INSEE ou code postal et ville) à chaque prestataire",
                )
            )
        self.directory = directory.reset_index(drop=True)
        d = self.directory
        self.lat = d["lat"].astype(float).to_numpy()
        self.lon = d["lon"].astype(float).to_numpy()
        self.unit = unit_vectors(self.lat, self.lon)
        self.located = usable.to_numpy()
        self.commune = d["commune_insee"].fillna("").astype(str).to_numpy()
        self.departement = d["departement"].fillna("").astype(str).to_numpy()
        self.region = d["region"].fillna("").astype(str).to_numpy()
        self.national = (d["perimetre"] == "France entière").to_numpy()
        self.radius = np.array(pd.to_numeric(d["rayon_km"], errors="coerce").fillna(-1), dtype=float)
        self.radius[~self.located] = -1
        # the smallest dot product of unit vectors within each radius, less a margin (none without one)
        angle = np.minimum(self.radius, np.pi * EARTH_RADIUS_KM) / EARTH_RADIUS_KM
        self.min_dot = np.where(self.radius >= 0, np.cos(angle) - 1e-9, np.inf)
        self.by_zone = self._zones(d["zones"])
        kinds = d["type_structure"].fillna("")
        self.handicap = kinds.isin(HANDICAP_KINDS).to_numpy()
        self.insertion = kinds.isin(INSERTION_KINDS).to_numpy()
        self.names = pa.array(d["raison_sociale"].fillna("").astype(str).to_numpy(), type=pa.large_string())
        col = {m: j for j, m in enumerate(metier_ids)}
        self.by_metier = np.zeros((len(d), len(metier_ids)), dtype=bool)
        fam_col = {f: j for j, f in enumerate(families)}
        self.by_family = np.zeros((len(d), len(families)), dtype=bool)
        for i, (ms, fs) in enumerate(zip(d["metiers"], d["familles"], strict=True)):
            for m in ms if isinstance(ms, list) else []:
                if m in col:
                    self.by_metier[i, col[m]] = True
            for f in fs if isinstance(fs, list) else []:
                if f in fam_col:
                    self.by_family[i, fam_col[f]] = True
        # "Hors champ" is what no inclusive provider family covers: providers inferred there never count.
        from .._reference import HORS_CHAMP, metiers

        out_of_scope = [col[m] for m in metiers().index[metiers()["famille"] == HORS_CHAMP] if m in col]
        self.by_metier[:, out_of_scope] = False
        if HORS_CHAMP in fam_col:
            self.by_family[:, fam_col[HORS_CHAMP]] = False
        # trades assumed, not known (an ESAT of FINESS, which lists none): counted apart from confirmed ones
        self.assumed = np.zeros_like(self.by_metier)
        assumed_col = d["metiers_supposes"] if "metiers_supposes" in d.columns else pd.Series([[]] * len(d))
        for i, ms in enumerate(assumed_col):
            for m in ms if isinstance(ms, list) else []:
                if m in col and not self.by_metier[i, col[m]]:
                    self.assumed[i, col[m]] = True
        self.assumed[:, out_of_scope] = False
        self.metier_col, self.family_col = col, fam_col
        self._cache: dict[PlaceKey, tuple[np.ndarray, np.ndarray]] = {}

    def _zones(self, zones_column) -> dict[str, list[int]]:
        """Zone key (« dep:73 », « in:73065 » for a provider located in the commune) → the providers it
        holds."""
        by_zone: dict[str, list[int]] = {}
        for i, zones in enumerate(zones_column):
            for z in zones if isinstance(zones, list) else []:
                by_zone.setdefault(z, []).append(i)
        for i, commune in enumerate(self.commune):  # located in a commune: covers it
            if commune:
                by_zone.setdefault(f"in:{commune}", []).append(i)
        return by_zone

    def prefetch(self, places, block: int = 256) -> None:
        """Compute the coverage of many commune places at once: their distances to every provider by
        blocks of matrix products (one per ``block`` communes) instead of one place at a time, each block's
        covering providers found at once."""
        todo = [p for p in dict.fromkeys(places) if p.kind == "commune" and p not in self._cache]
        geo = geography()
        for start in range(0, len(todo), block):
            chunk = todo[start : start + block]
            codes = [p.code for p in chunk]
            dot = self._dots(codes, geo)
            zoned = np.zeros(dot.shape, dtype=bool)
            self._add_zones(zoned, codes, geo)
            # within their radius: the few providers close enough by their dot product alone (with a
            # margin), then the exact distance test on these only
            near = (dot >= self.min_dot) & ~zoned
            place_of, provider = _cells(near)
            far = arc_km(dot[place_of, provider]) > self.radius[provider]
            near[place_of[far], provider[far]] = False
            place_of, rows = _cells(zoned | near)  # by place, then provider: each place's rows sorted
            dist = np.nan_to_num(arc_km(dot[place_of, rows]).astype(np.float32), nan=np.inf)
            bounds = np.searchsorted(place_of, np.arange(len(chunk) + 1))
            rows = rows.astype(np.int32)
            for place, start, end in zip(chunk, bounds[:-1], bounds[1:], strict=True):
                self._cache[place] = (rows[start:end], dist[start:end])

    def covering(self, place: PlaceKey) -> tuple[np.ndarray, np.ndarray]:
        """The providers that cover ``place`` (their row numbers) and their distance to it (km, float32;
        inf if unknown), kept for the next contracts of the same place."""
        if place not in self._cache:
            self._keep(place, *self.reach(place))
        return self._cache[place]

    def _keep(self, place: PlaceKey, covers: np.ndarray, dist: np.ndarray) -> None:
        # kept for every place of a run (a national file has tens of thousands): only the covering
        # providers, their distances in float32 (precise to a few metres)
        rows = np.flatnonzero(covers).astype(np.int32)
        self._cache[place] = (rows, np.nan_to_num(dist[rows].astype(np.float32), nan=np.inf))

    def _communes(self, codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Which providers cover each commune, and their distances to it (communes × providers)."""
        geo = geography()
        distances = arc_km(self._dots(codes, geo))
        covers = np.nan_to_num(distances, nan=np.inf) <= self.radius
        self._add_zones(covers, codes, geo)
        return covers, distances

    def _dots(self, codes: list[str], geo) -> np.ndarray:
        """Dot products of the communes' and the providers' unit vectors (communes × providers; nan where
        a position is unknown): their great-circle distances by :func:`arc_km`."""
        points = unit_vectors(
            [geo.lat.get(c, np.nan) for c in codes], [geo.lon.get(c, np.nan) for c in codes]
        )
        return points @ self.unit.T

    def _add_zones(self, covers: np.ndarray, codes: list[str], geo) -> None:
        """Mark, for each commune (a row of ``covers``), the providers covering the whole country, those
        with a zone holding it, and those located in it."""
        covers |= self.national
        for row, code in enumerate(codes):
            zones = (
                f"com:{code}",
                f"dep:{geo.dep.get(code, '')}",
                f"reg:{geo.reg.get(code, '')}",
                f"in:{code}",
            )
            for z in zones:
                covers[row, self.by_zone.get(z, ())] = True

    def reach(self, place: PlaceKey) -> tuple[np.ndarray, np.ndarray]:
        """For one place: which providers cover it (a mask over the directory), and their distance to it
        (km; nan if unknown), every provider's."""
        geo = geography()
        if place.kind == "pays":
            return self.located | self.national, np.full(len(self.lat), np.nan)
        if place.kind == "commune":
            covers, dist = self._communes([place.code])
            return covers[0], dist[0]
        field = "departement" if place.kind == "département" else "region"
        communes = geo.communes[geo.communes[field] == place.code].dropna(subset=["lat", "lon"])
        dist = _min_distance(self.unit, unit_vectors(communes["lat"], communes["lon"]))
        inside = (self.departement if field == "departement" else self.region) == place.code
        reg = geo.region_of_department(place.code) if field == "departement" else place.code
        zone_keys = {f"dep:{place.code}", f"reg:{reg}"} if field == "departement" else {f"reg:{place.code}"}
        in_zone = np.zeros(len(self.lat), dtype=bool)
        for z in zone_keys:
            in_zone[self.by_zone.get(z, [])] = True
        within = np.nan_to_num(dist, nan=np.inf) <= self.radius
        return self.national | in_zone | within | inside, dist


def _cells(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each true cell of a 2-D mask, in row order (``np.nonzero``, several times faster
    on the wide masks of places × providers)."""
    rows, cols = np.divmod(np.flatnonzero(mask), mask.shape[1])
    return rows, cols


def _min_distance(providers: np.ndarray, communes: np.ndarray, block: int = 2048) -> np.ndarray:
    """Distance from each provider (unit vectors) to the nearest of a set of communes: the arc of the
    largest dot product (the distance falls as the dot product grows), one arc per provider."""
    out = np.full(len(providers), np.nan)
    if len(communes) == 0:
        return out
    for start in range(0, len(providers), block):
        dots = providers[start : start + block] @ communes.T
        known = ~np.isnan(dots).all(axis=1)  # a provider without coordinates stays at nan, without a warning
        part = out[start : start + block]
        part[known] = arc_km(np.nanmax(dots[known], axis=1))
    return out


def coverage(
    contracts: pd.DataFrame, index: CoverageIndex, metier_ids
) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """Coverage columns for each contract (of métier ``metier_ids``, family ``famille``), and the row
    numbers in the directory of the providers that cover it, nearest first.

    Providers of the contract's métier count; where none of them covers the place, the providers of
    its family do (``base_couverture`` says which). One computation per distinct (place, métier,
    family), by blocks of such combinations over every provider at once.
    """
    kinds, codes = _place_arrays(contracts)
    combos = pd.DataFrame(
        {"kind": kinds, "code": codes, "metier": np.asarray(metier_ids, dtype=object),
         "famille": contracts["famille"].to_numpy(object)}
    )  # fmt: skip
    inverse, first = distinct_rows(combos)
    distinct = combos.iloc[first].reset_index(drop=True)
    places = [
        PlaceKey(k, c) for k, c in zip(distinct["kind"].tolist(), distinct["code"].tolist(), strict=True)
    ]
    index.prefetch(places)
    columns, orders = _CombinationCoverage(index).compute(places, distinct)
    out = pd.DataFrame({c: _rows(v, inverse) for c, v in columns.items()}, index=contracts.index)
    out["territoire"] = np.where(kinds == "pays", "inconnu", kinds)
    return out, [orders[i] for i in inverse]


class _CombinationCoverage:
    """The coverage columns of distinct (place, métier, family) combinations, by blocks: one entry per
    combination and covering provider, counted and ranked by numpy at once."""

    def __init__(self, index: CoverageIndex, block: int = 10_000):
        self.index, n = index, len(index.lat)
        self.block = block
        # one all-false row at the end: a métier or family the index does not know picks it (-1)
        self.metier = np.vstack([index.by_metier.T, np.zeros(n, bool)])
        self.assumed = np.vstack([index.assumed.T, np.zeros(n, bool)])
        self.family = np.vstack([index.by_family.T, np.zeros(n, bool)])
        departments = pd.Series(index.departement)
        self.dep_codes, self.dep_uniques = pd.factorize(departments.where(departments != "", None))
        self.dep_codes[self.dep_codes < 0] = -2  # no department: never the place's (-1 where it has none)

    def compute(self, places: list[PlaceKey], distinct: pd.DataFrame) -> tuple[dict, list[np.ndarray]]:
        m = np.array([self.index.metier_col.get(x, -1) for x in distinct["metier"].tolist()], dtype=int)
        f = np.array([self.index.family_col.get(x, -1) for x in distinct["famille"].tolist()], dtype=int)
        local = self._local_departments(places)
        parts, orders = [], []
        for start in range(0, len(places), self.block):
            stop = start + self.block
            cols, block_orders = self._block(
                places[start:stop], m[start:stop], f[start:stop], local[start:stop]
            )
            parts.append(cols)
            orders.extend(block_orders)
        columns = {c: _joined(c, [p[c] for p in parts]) for c in COVERAGE_COLUMNS}
        return columns, orders

    def _local_departments(self, places: list[PlaceKey]) -> np.ndarray:
        """Each place's department as a code of ``dep_codes`` (-1: none, never equal to a provider's)."""
        geo = geography()
        lookup = {d: i for i, d in enumerate(self.dep_uniques)}
        deps = [
            geo.dep.get(p.code) if p.kind == "commune" else p.code if p.kind == "département" else None
            for p in places
        ]
        return np.array([lookup.get(d, -1) if d else -1 for d in deps], dtype=int)

    def _block(self, places, m, f, local) -> tuple[dict, list[np.ndarray]]:
        ix, n = self.index, len(places)
        covered = [ix.covering(p) for p in places]
        # one entry per (combination, covering provider): a place has a few hundred of the thousands
        counts = np.fromiter((len(rows) for rows, _ in covered), dtype=np.int64, count=n)
        combo = np.repeat(np.arange(n), counts)
        prov = np.concatenate([rows for rows, _ in covered]) if n else np.zeros(0, np.int32)
        dist = np.concatenate([d for _, d in covered]) if n else np.zeros(0, np.float32)
        assumed = self.assumed[m[combo], prov]
        by_metier = self.metier[m[combo], prov] | assumed
        use_metier = (m >= 0) & (np.bincount(combo[by_metier], minlength=n) > 0)
        chosen = np.where(use_metier[combo], by_metier, self.family[f[combo], prov])

        def count(selected: np.ndarray) -> np.ndarray:
            return np.bincount(combo[selected], minlength=n)

        columns = {
            "nb_prestataires": count(chosen),
            "nb_prestataires_supposes": np.where(use_metier, count(chosen & assumed), 0),
            "nb_prestataires_tous_metiers": counts,
            "nb_handicap": count(chosen & ix.handicap[prov]),
            "nb_insertion": count(chosen & ix.insertion[prov]),
            "nb_locaux": count(chosen & (self.dep_codes[prov] == local[combo])),
            "base_couverture": np.where(use_metier, "métier", "famille").astype(object),
        }
        columns["nb_prestataires_confirmes"] = (
            columns["nb_prestataires"] - columns["nb_prestataires_supposes"]
        )
        # each combination's providers, nearest first (ties in the directory's order)
        combo, prov, dist = combo[chosen], prov[chosen], dist[chosen]
        ranked = np.lexsort((prov, dist, combo))
        prov, dist = prov[ranked].astype(np.intp), dist[ranked]
        bounds = np.cumsum(columns["nb_prestataires"])[:-1]
        orders = np.split(prov, bounds)
        first = np.concatenate([[0], bounds])[:n]
        columns["distance_plus_proche_km"] = np.array(
            [round(float(dist[s]), 1) if k and dist[s] < np.inf else np.nan
             for s, k in zip(first, columns["nb_prestataires"], strict=True)]
        )  # fmt: skip
        columns["candidats"] = self._candidates(prov, first, columns["nb_prestataires"])
        return columns, orders

    def _candidates(self, prov: np.ndarray, first: np.ndarray, counts: np.ndarray) -> pa.LargeListArray:
        """The names of each combination's nearest providers (``prov`` ranked, each combination's from
        ``first``), as arrow lists built at once."""
        kept = np.minimum(counts, N_CANDIDATES)
        offsets = np.concatenate([[0], np.cumsum(kept)]).astype(np.int64)
        taken = np.arange(offsets[-1]) + np.repeat(first - offsets[:-1], kept)
        names = self.index.names.take(pa.array(prov[taken]))
        return pa.LargeListArray.from_arrays(pa.array(offsets), names)


def _joined(column: str, parts: list):
    """A column's blocks one after the other (the candidates' arrow lists joined by arrow)."""
    if column == "candidats":
        return pa.concat_arrays(parts) if parts else pa.array([], type=pa.large_list(pa.large_string()))
    return np.concatenate(parts) if parts else np.array([])


def _rows(values, rows: np.ndarray):
    """A combination column's value for each contract (arrow lists as an arrow-backed pandas array)."""
    if isinstance(values, pa.Array):
        return pd.arrays.ArrowExtensionArray(values.take(pa.array(rows, type=pa.int64())))
    return values[rows]


COVERAGE_COLUMNS = (
    "nb_prestataires", "nb_prestataires_confirmes", "nb_prestataires_supposes", "nb_prestataires_tous_metiers",
    "nb_handicap", "nb_insertion", "nb_locaux", "distance_plus_proche_km", "candidats", "base_couverture",
)  # fmt: skip
