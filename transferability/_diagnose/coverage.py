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

from .._errors import InputError, Problem
from .._reference import chord_distances_km, geography, unit_vectors

HANDICAP_KINDS = ("ESAT", "EA", "EATT")
INSERTION_KINDS = ("EI", "ACI", "AI", "ETTI", "EITI")  # may receive contracts reserved under L2113-13
N_CANDIDATES = 5


@dataclass(frozen=True)
class PlaceKey:
    """A contract's place: ``("commune", "73065")``, ``("département", "73")``, ``("région", "84")``
    or ``("pays", "FR")`` when the territory is unknown."""

    kind: str
    code: str


def place_keys(contracts: pd.DataFrame) -> list[PlaceKey]:
    """The most precise known place of each contract (commune, else department, else region)."""
    keys = []
    for commune, dep, reg in zip(
        contracts["commune_insee"], contracts["departement"], contracts["region"], strict=True
    ):
        if isinstance(commune, str) and commune:
            keys.append(PlaceKey("commune", commune))
        elif isinstance(dep, str) and dep:
            keys.append(PlaceKey("département", dep))
        elif isinstance(reg, str) and reg:
            keys.append(PlaceKey("région", reg))
        else:
            keys.append(PlaceKey("pays", "FR"))
    return keys


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
        self.by_zone: dict[str, list[int]] = {}  # "dep:73" → providers whose zones include it
        for i, zones in enumerate(d["zones"]):
            for z in zones if isinstance(zones, list) else []:
                self.by_zone.setdefault(z, []).append(i)
        kinds = d["type_structure"].fillna("")
        self.handicap = kinds.isin(HANDICAP_KINDS).to_numpy()
        self.insertion = kinds.isin(INSERTION_KINDS).to_numpy()
        self.names = d["raison_sociale"].fillna("").astype(str).to_numpy()
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

    def prefetch(self, places, block: int = 256) -> None:
        """Compute the coverage of many commune places at once: their distances to every provider by
        blocks of matrix products (one per ``block`` communes) instead of one place at a time."""
        geo = geography()
        todo = [p for p in dict.fromkeys(places) if p.kind == "commune" and p not in self._cache]
        for start in range(0, len(todo), block):
            chunk = todo[start : start + block]
            lat = [geo.lat.get(p.code, np.nan) for p in chunk]
            lon = [geo.lon.get(p.code, np.nan) for p in chunk]
            distances = chord_distances_km(unit_vectors(lat, lon), self.unit)
            for place, dist in zip(chunk, distances, strict=True):
                self.reach(place, dist)

    def reach(self, place: PlaceKey, dist: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """For one place: which providers cover it, and their distance to it (km; nan if unknown);
        ``dist`` when already computed (:meth:`prefetch`)."""
        if place in self._cache:
            return self._cache[place]
        geo = geography()
        n = len(self.lat)
        if place.kind == "pays":
            covers, dist = self.located | self.national, np.full(n, np.nan)
        else:
            if place.kind == "commune":
                if dist is None:
                    point = unit_vectors([geo.lat.get(place.code, np.nan)], [geo.lon.get(place.code, np.nan)])
                    dist = chord_distances_km(point, self.unit)[0]
                inside = self.commune == place.code
                dep, reg = geo.dep.get(place.code, ""), geo.reg.get(place.code, "")
                zone_keys = {f"com:{place.code}", f"dep:{dep}", f"reg:{reg}"}
            else:
                field = "departement" if place.kind == "département" else "region"
                communes = geo.communes[geo.communes[field] == place.code].dropna(subset=["lat", "lon"])
                dist = _min_distance(self.unit, unit_vectors(communes["lat"], communes["lon"]))
                inside = (self.departement if field == "departement" else self.region) == place.code
                reg = geo.region_of_department(place.code) if field == "departement" else place.code
                zone_keys = (
                    {f"dep:{place.code}", f"reg:{reg}"} if field == "departement" else {f"reg:{place.code}"}
                )
            in_zone = np.zeros(n, dtype=bool)
            for z in zone_keys:
                in_zone[self.by_zone.get(z, [])] = True
            within = np.nan_to_num(dist, nan=np.inf) <= self.radius
            covers = self.national | in_zone | within | inside
        # kept for every place of a run (a national file has tens of thousands): distances in float32,
        # precise to a few metres, take half the memory
        dist = dist.astype(np.float32)
        self._cache[place] = (covers, dist)
        return covers, dist


def _min_distance(providers: np.ndarray, communes: np.ndarray, block: int = 2048) -> np.ndarray:
    """Distance from each provider (unit vectors) to the nearest of a set of communes."""
    out = np.full(len(providers), np.nan)
    if len(communes) == 0:
        return out
    for start in range(0, len(providers), block):
        d = chord_distances_km(providers[start : start + block], communes)
        known = ~np.isnan(d).all(axis=1)  # a provider without coordinates stays at nan, without a warning
        part = out[start : start + block]
        part[known] = np.nanmin(d[known], axis=1)
    return out


def coverage(
    contracts: pd.DataFrame, index: CoverageIndex, metier_ids
) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """Coverage columns for each contract (of métier ``metier_ids``, family ``famille``), and the row
    numbers in the directory of the providers that cover it, nearest first.

    Providers of the contract's métier count; where none of them covers the place, the providers of
    its family do (``base_couverture`` says which). One computation per distinct (place, métier).
    """
    keys = place_keys(contracts)
    index.prefetch(keys)
    combos: dict[tuple, tuple[dict, np.ndarray]] = {}
    rows, providers = [], []
    for key, metier, family in zip(keys, metier_ids, contracts["famille"], strict=True):
        combo = (key, metier, family)
        if combo not in combos:
            combos[combo] = _one(index, key, metier, family)
        rows.append(combos[combo][0])
        providers.append(combos[combo][1])
    out = pd.DataFrame(rows, index=contracts.index)
    out["territoire"] = [("inconnu" if k.kind == "pays" else k.kind) for k in keys]
    return out, providers


def _one(index: CoverageIndex, key: PlaceKey, metier, family) -> tuple[dict, np.ndarray]:
    covers, dist = index.reach(key)
    known = metier in index.metier_col
    by_metier = index.by_metier[:, index.metier_col[metier]] if known else None
    assumed = index.assumed[:, index.metier_col[metier]] & covers if known else np.zeros_like(covers)
    mask, base = (covers & (by_metier | assumed), "métier") if by_metier is not None else (None, "")
    if mask is None or not mask.any():
        fam = (
            index.by_family[:, index.family_col[family]]
            if family in index.family_col
            else np.zeros_like(covers)
        )
        mask, base = covers & fam, "famille"
    chosen = np.flatnonzero(mask)
    order = chosen[np.argsort(np.nan_to_num(dist[chosen], nan=np.inf), kind="stable")]
    nearest = float(np.nanmin(dist[chosen])) if len(chosen) and not np.isnan(dist[chosen]).all() else np.nan
    local_dep = None
    if key.kind == "commune":
        local_dep = geography().dep.get(key.code)
    elif key.kind == "département":
        local_dep = key.code
    n_assumed = int(assumed[chosen].sum()) if base == "métier" else 0
    columns = {
        "nb_prestataires": int(len(chosen)),
        "nb_prestataires_confirmes": int(len(chosen)) - n_assumed,
        "nb_prestataires_supposes": n_assumed,
        "nb_prestataires_tous_metiers": int(covers.sum()),
        "nb_handicap": int(index.handicap[chosen].sum()),
        "nb_insertion": int(index.insertion[chosen].sum()),
        "nb_locaux": int((index.departement[chosen] == local_dep).sum()) if local_dep else 0,
        "distance_plus_proche_km": round(nearest, 1) if nearest == nearest else np.nan,
        "candidats": list(index.names[order[:N_CANDIDATES]]),
        "base_couverture": base,
    }
    return columns, order
