"""Map layers (data/geo, rekodiq.geo) and map figures (rekodiq.charts.maps): CRS, areas, coverage, budgets, escaping."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import plotly.colors as pcolors
import pytest
import shapely

from rekodiq import geo
from rekodiq.charts import maps

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SOURCE = DATA / "geo" / "source"
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def provinces() -> gpd.GeoDataFrame:
    return geo.load_provinces(DATA)


@pytest.fixture(scope="module")
def countries() -> gpd.GeoDataFrame:
    return geo.load_context_countries(DATA)


@pytest.fixture(scope="module")
def world() -> gpd.GeoDataFrame:
    return geo.load_world_countries(DATA)


@pytest.fixture(scope="module")
def source_provinces() -> gpd.GeoDataFrame:
    return gpd.read_file(SOURCE / "ne_10m_admin1_pak_irn_afg.geojson")


def _places(extra: list[tuple] | None = None) -> pd.DataFrame:
    rows = [
        ("reko-diq", "Reko Diq", "mine site", 29.12, 62.05, "exact", "S001", ""),
        ("saindak", "Saindak", "mine", 29.29, 61.58, "approximate", "S002", ""),
        ("taftan", "Taftan", "border crossing", 28.96, 61.59, "exact", "S003", ""),
        ("nok-kundi", "Nok Kundi", "town", 28.82, 62.75, "approximate", "S003", ""),
        ("dalbandin", "Dalbandin", "town", 28.89, 64.41, "exact", "S003", ""),
        ("quetta", "Quetta", "city", 30.19, 67.01, "exact", "S004", ""),
        ("karachi", "Karachi", "city", 24.86, 67.01, "exact", "S004", ""),
        ("port-qasim", "Port Qasim", "port", 24.77, 67.33, "exact", "S005", "Bin Qasim"),
        ("gwadar", "Gwadar", "port", 25.12, 62.33, "approximate", "S005", ""),
    ]
    rows += extra or []
    return pd.DataFrame(rows, columns=list(maps.PLACE_COLUMNS))


def _routes() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("rail-qasim", "Reko Diq to Port Qasim rail", "rail", "planned", "true"),
            ("pipe-gwadar", "2010 pipeline to Gwadar", "pipeline", "superseded", "true"),
        ],
        columns=list(maps.ROUTE_COLUMNS),
    )


# Deliberately shuffled rows: the line must follow seq, not row order.
RAIL_ORDER = ["reko-diq", "nok-kundi", "dalbandin", "quetta", "karachi", "port-qasim"]


def _route_points() -> pd.DataFrame:
    rows = [("rail-qasim", i + 1, p) for i, p in enumerate(RAIL_ORDER)]
    rows += [("pipe-gwadar", 2, "gwadar"), ("pipe-gwadar", 1, "reko-diq")]
    df = pd.DataFrame(rows, columns=list(maps.ROUTE_POINT_COLUMNS))
    return df.sample(frac=1.0, random_state=7).reset_index(drop=True)


@pytest.fixture(scope="module")
def site_fig(provinces, countries):
    return maps.build_site_map(
        provinces,
        countries,
        _places([("hostile", HOSTILE, "town", 27.0, 66.0, "approximate", "S009", HOSTILE)]),
        _routes(),
        _route_points(),
        mine_card_lines=["Reko Diq copper-gold project", f"Owner note {HOSTILE}", "USD 2.6 bn"],
    )


# ----------------------------------------------------------------------------- layers


def test_layers_are_wgs84(provinces, countries, world):
    for gdf in (provinces, countries, world):
        assert gdf.crs is not None and gdf.crs.to_epsg() == 4326


def test_loader_rejects_other_crs(tmp_path, provinces):
    target = tmp_path / geo.DISPLAY_DIR
    target.mkdir(parents=True)
    provinces.to_crs("EPSG:3857").to_file(target / geo.PROVINCES_FILE, driver="GeoJSON")
    with pytest.raises(ValueError, match="EPSG:4326"):
        geo.load_provinces(tmp_path)


def test_balochistan_present(provinces):
    row = provinces[provinces["iso_3166_2"] == geo.BALOCHISTAN_CODE]
    assert len(row) == 1
    assert row["name_en"].iloc[0] == "Balochistan"
    assert row["adm0_a3"].iloc[0] == "PAK"


def test_all_pakistani_provinces_kept(provinces, source_provinces):
    src = set(source_provinces.loc[source_provinces["adm0_a3"] == "PAK", "adm1_code"])
    dsp = set(provinces.loc[provinces["adm0_a3"] == "PAK", "adm1_code"])
    assert src == dsp and len(dsp) == 8


def test_pakistani_province_areas_within_tolerance(provinces, source_provinces):
    pak = provinces[provinces["adm0_a3"] == "PAK"]
    change = geo.province_area_change(source_provinces, pak)
    assert len(change) == 8
    worst = change.abs().sort_values()
    assert worst.iloc[-1] <= geo.PROVINCE_AREA_TOLERANCE, worst.tail(3).to_dict()


def test_display_geometry_valid(provinces, countries, world):
    for gdf in (provinces, countries, world):
        assert gdf.is_valid.all()
        assert not gdf.is_empty.any()
        assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}


def test_pakistan_coverage_has_no_gaps_or_overlaps(provinces, source_provinces):
    pak = provinces[provinces["adm0_a3"] == "PAK"].to_crs(geo.EQUAL_AREA_CRS)
    assert shapely.coverage_is_valid(pak.geometry.values)
    total = pak.area.sum()
    union = shapely.union_all(pak.geometry.values)
    assert abs(total - union.area) / union.area < 1e-6  # no overlaps
    # No holes (gaps) inside Pakistan beyond what the source has.
    src_union = shapely.union_all(
        source_provinces[source_provinces["adm0_a3"] == "PAK"].to_crs(geo.EQUAL_AREA_CRS).geometry.values
    )
    holes = sum(len(p.interiors) for p in shapely.get_parts(union))
    src_holes = sum(len(p.interiors) for p in shapely.get_parts(src_union))
    assert holes <= src_holes
    assert abs(union.area - src_union.area) / src_union.area < geo.PROVINCE_AREA_TOLERANCE


def test_whole_province_layer_is_a_coverage(provinces):
    assert shapely.coverage_is_valid(provinces.geometry.values)
    assert provinces["adm1_code"].is_unique


def test_world_layer_has_unique_iso3_and_financier_countries(world):
    assert world["iso_a3"].is_unique
    for code in (
        "USA",
        "CAN",
        "JPN",
        "DEU",
        "SWE",
        "FIN",
        "DNK",
        "KOR",
        "GBR",
        "SAU",
        "PAK",
        "CHN",
        "AUS",
        "PER",
        "CHL",
        "BRA",
        "COD",
        "ZMB",
        "SGP",
        "HKG",
        "LUX",
    ):
        assert code in set(world["iso_a3"]), code
    assert "ATA" not in set(world["iso_a3"])
    assert world[["label_lon", "label_lat"]].notna().all().all()


def test_file_sizes_within_budgets():
    display = DATA / geo.DISPLAY_DIR
    site = (display / geo.PROVINCES_FILE).stat().st_size + (display / geo.CONTEXT_COUNTRIES_FILE).stat().st_size
    world = (display / geo.WORLD_COUNTRIES_FILE).stat().st_size
    assert site <= geo.SITE_MAP_BUDGET_BYTES, site
    assert world <= geo.WORLD_MAP_BUDGET_BYTES, world


def test_provenance_matches_sources():
    prov = json.loads((DATA / "geo" / "provenance.json").read_text(encoding="utf-8"))
    assert "de facto" in prov["note_boundaries"]
    assert len(prov["sources"]) == 4
    for name, entry in prov["sources"].items():
        digest = hashlib.sha256((SOURCE / name).read_bytes()).hexdigest()
        assert digest == entry["sha256"], name
        assert "public domain" in entry["licence"]
        assert entry["feature_count"] > 0
    for entry in prov["display"].values():
        assert entry["tolerance_deg"] > 0 and "area_check" in entry


def test_shared_sources_copied_unchanged():
    shared = ROOT.parent.parent / "shared" / "geodata"
    if not shared.is_dir():
        shared = Path("/work/shared/geodata")
    if not shared.is_dir():
        pytest.skip("shared/geodata not present")
    for name in ("ne_10m_admin1_pak_irn_afg.geojson", "ne_10m_admin0_region.geojson", "ne_10m_places_region.geojson"):
        assert (SOURCE / name).read_bytes() == (shared / name).read_bytes(), name


def test_province_area_change_measures_equal_area():
    # A 1 x 1 degree square and the same square cut to 90 % of its width.
    src = gpd.GeoDataFrame(
        {"adm1_code": ["A", "B"]}, geometry=[shapely.box(60, 28, 61, 29), shapely.box(61, 28, 62, 29)], crs=geo.CRS
    )
    dsp = gpd.GeoDataFrame(
        {"adm1_code": ["A", "B"]}, geometry=[shapely.box(60, 28, 60.9, 29), shapely.box(61, 28, 62, 29)], crs=geo.CRS
    )
    change = geo.province_area_change(src, dsp)
    assert change["A"] == pytest.approx(-0.1, abs=1e-9)
    assert change["B"] == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError):
        geo.province_area_change(pd.concat([src, src]), dsp)


# ----------------------------------------------------------------------------- site map


def _json(fig) -> str:
    """The figure's JSON with Plotly's own escapes (\\u003c for "<") decoded."""
    return json.dumps(json.loads(fig.to_json()), ensure_ascii=False)


def test_maps_use_no_geo_or_tile_traces(site_fig, world):
    fin = maps.build_financier_map(
        pd.DataFrame([("USA", "United States", 10, 1)], columns=list(maps.COUNTRY_AMOUNT_COLUMNS)), world
    )
    for fig in (site_fig, fin):
        assert {t.type for t in fig.data} == {"scatter"}
        layout = fig.to_plotly_json()["layout"]
        for key in ("geo", "map", "mapbox"):
            assert key not in layout


def test_site_map_is_equirectangular_and_framed(site_fig):
    y = site_fig.layout.yaxis
    assert y.scaleanchor == "x"
    mid = math.radians(sum(maps.SITE_FRAME_LAT) / 2)
    assert y.scaleratio == pytest.approx(1 / math.cos(mid))
    assert tuple(site_fig.layout.xaxis.range) == maps.SITE_FRAME_LON
    assert tuple(y.range) == maps.SITE_FRAME_LAT
    assert site_fig.layout.xaxis.visible is False and y.visible is False
    assert site_fig.layout.template.layout.font.family  # the rekodiq template is applied
    assert any(a.text.replace("<br>", " ") == maps.ATTRIBUTION for a in site_fig.layout.annotations)


def test_site_map_highlights_balochistan(site_fig, provinces):
    traces = [t for t in site_fig.data if t.name and t.name.startswith("Balochistan")]
    assert len(traces) == 1
    baloch = traces[0]
    assert baloch.fill == "toself" and baloch.showlegend is not False
    others = [t for t in site_fig.data if t.fill == "toself" and t is not baloch]
    assert all(t.fillcolor != baloch.fillcolor for t in others)
    # Its rings are exactly Balochistan's display polygon.
    xs = [v for v in baloch.x if not math.isnan(v)]  # NaN ends each ring
    geom = provinces.loc[provinces["iso_3166_2"] == geo.BALOCHISTAN_CODE].geometry.iloc[0]
    assert len(xs) == len(shapely.get_coordinates(geom))
    minx, _, maxx, _ = geom.bounds
    assert min(xs) == pytest.approx(minx) and max(xs) == pytest.approx(maxx)


def _marker_traces(fig):
    return [t for t in fig.data if t.mode == "markers+text"]


def test_site_map_mine_marker_and_card(site_fig):
    hits = []
    for t in _marker_traces(site_fig):
        for i, text in enumerate(t.text):
            if "Reko Diq" in text:
                hits.append((t, i))
    assert len(hits) == 1
    trace, i = hits[0]
    assert (trace.y[i], trace.x[i]) == (29.12, 62.05)
    assert trace.hovertext[i] == (f"Reko Diq copper-gold project<br>Owner note {HOSTILE_ESCAPED}<br>USD 2.6 bn")
    assert trace.marker.symbol == "star"


def test_site_map_exact_and_approximate_use_different_symbols(site_fig):
    exact, approx = set(), set()
    for t in _marker_traces(site_fig):
        if "(exact location)" in t.name:
            exact.add(t.marker.symbol)
        elif "(approximate location)" in t.name:
            approx.add(t.marker.symbol)
        else:
            pytest.fail(f"legend entry without precision: {t.name}")
    assert exact and approx
    assert exact.isdisjoint(approx)
    assert all(s.endswith("-open") for s in approx)
    assert not any(s.endswith("-open") for s in exact)
    # Towns exist in both precisions: same shape family, different style, two legend entries.
    names = {t.name for t in _marker_traces(site_fig)}
    assert {"Town (exact location)", "Town (approximate location)"} <= names


def test_site_map_kinds_have_distinct_symbols(site_fig):
    by_kind = {}
    for t in _marker_traces(site_fig):
        kind = t.name.split(" (")[0]
        by_kind.setdefault(kind, set()).add(t.marker.symbol.replace("-open", ""))
    assert all(len(s) == 1 for s in by_kind.values())
    shapes = [next(iter(s)) for s in by_kind.values()]
    assert len(shapes) == len(set(shapes))


def test_site_map_routes_follow_seq_and_say_schematic(site_fig):
    places = _places().set_index("place_id")
    rail = [t for t in site_fig.data if t.name and "rail" in t.name]
    assert len(rail) == 1
    assert rail[0].name.endswith("(schematic)")
    assert list(rail[0].x) == places.loc[RAIL_ORDER, "lon"].tolist()
    assert list(rail[0].y) == places.loc[RAIL_ORDER, "lat"].tolist()
    pipe = [t for t in site_fig.data if t.name and "pipeline" in t.name]
    assert len(pipe) == 1
    assert pipe[0].name.endswith("(superseded, schematic)")
    assert pipe[0].line.dash == "dot"
    assert list(pipe[0].x) == [62.05, 62.33]
    assert rail[0].line.dash != "dot"


def test_site_map_escapes_dataset_text(site_fig):
    raw = _json(site_fig)
    assert "<img" not in raw and "onerror=alert(1)>" not in raw
    assert HOSTILE_ESCAPED in raw
    # Long labels are wrapped onto two lines with <br>; the words themselves stay escaped.
    hostile_traces = [t for t in _marker_traces(site_fig) if any(HOSTILE_ESCAPED in s.replace("<br>", " ") for s in t.text)]
    assert hostile_traces


def test_site_map_escapes_route_names(provinces, countries):
    routes = _routes()
    routes.loc[0, "name"] = HOSTILE
    fig = maps.build_site_map(provinces, countries, _places(), routes, _route_points())
    raw = _json(fig)
    assert "<img" not in raw
    assert any((t.name or "").replace("<br>", " ") == f"{HOSTILE_ESCAPED} (schematic)" for t in fig.data)


def test_site_map_requires_columns(provinces, countries):
    with pytest.raises(ValueError, match="places"):
        maps.build_site_map(provinces, countries, _places().drop(columns=["precision"]), _routes(), _route_points())


def test_site_map_without_card_uses_place_hover(provinces, countries):
    fig = maps.build_site_map(provinces, countries, _places(), _routes(), _route_points())
    mine = [t for t in _marker_traces(fig) if t.marker.symbol == "star"][0]
    assert "Mine site, exact location" in mine.hovertext[0]
    assert "Sources: S001" in mine.hovertext[0]


def test_wrap_label():
    assert maps.wrap_label("Quetta") == "Quetta"
    assert maps.wrap_label("Reko Diq mine site") == "Reko Diq<br>mine site"
    assert maps.wrap_label("Sukkur (Rohri junction)") == "Sukkur<br>(Rohri junction)"
    assert maps.wrap_label("Averyveryverylongname") == "Averyveryverylongname"


def test_label_placement_separates_close_points():
    kw = {"px_per_degree": 75, "scaleratio": 1.13}
    # One point just above another: labels go below the lower one and above the upper one.
    low, high = maps.place_labels([62.0, 62.0], [29.0, 29.05], ["Alpha", "Beta"], [10, 10], **kw)
    assert low.startswith("bottom") and high.startswith("top")
    # Side by side: the left one's label goes left, the right one's right.
    assert maps.place_labels([62.0, 62.3], [29.0, 29.0], ["Alpha", "Beta"], [10, 10], **kw) == ["middle left", "middle right"]
    # Something in the way on the right: the label moves to the left.
    blocked = [(62 * 75 + 5, 29 * 75 * 1.13 - 20, 62 * 75 + 200, 29 * 75 * 1.13 + 20)]
    assert maps.place_labels([62.0], [29.0], ["Alpha"], [10], obstacles=blocked, **kw)[0].endswith("left")


# ----------------------------------------------------------------------------- financier map


def _amounts(rows):
    return pd.DataFrame(rows, columns=list(maps.COUNTRY_AMOUNT_COLUMNS))


def _shaded(fig):
    return {t.meta["iso3"]: t for t in fig.data if t.fill == "toself" and t.meta and "iso3" in t.meta}


def _luminance(colour: str) -> float:
    r, g, b = pcolors.unlabel_rgb(pcolors.convert_colors_to_same_type(colour, "rgb")[0][0])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_financier_map_shades_exactly_the_given_countries(world):
    amounts = _amounts(
        [
            ("USA", "United States", 1250.0, 3),
            ("JPN", "Japan", 300.0, 2),
            ("DEU", "Germany", 20.0, 1),
            ("XWB", "World Bank Group", 700.0, 2),  # not a country: ignored
            ("XAD", "Asian Development Bank", 400.0, 1),
        ]
    )
    fig = maps.build_financier_map(amounts, world)
    shaded = _shaded(fig)
    assert set(shaded) == {"USA", "JPN", "DEU"}
    # Larger amounts are darker.
    lum = {k: _luminance(t.fillcolor) for k, t in shaded.items()}
    assert lum["USA"] < lum["JPN"] < lum["DEU"]
    # The grey base layer holds every other country, and only those.
    base = fig.data[0]
    assert base.fillcolor not in {t.fillcolor for t in shaded.values()}
    n_rings_base = sum(1 for v in base.x if math.isnan(v))  # NaN ends each ring
    others = world[~world["iso_a3"].isin(["USA", "JPN", "DEU"])]
    rings = sum(len(p.interiors) + 1 for g in others.geometry for p in shapely.get_parts(g))
    assert n_rings_base == rings
    # Amount labels at the label points (not colour alone).
    labels = [t for t in fig.data if t.mode == "text"][0]
    assert sorted(labels.text) == sorted(["1,250", "300", "20"])
    usa = world.set_index("iso_a3").loc["USA"]
    i = list(labels.text).index("1,250")
    assert (labels.x[i], labels.y[i]) == (usa["label_lon"], usa["label_lat"])
    # Hover: name, amount, claims.
    assert shaded["USA"].text == "<b>United States</b><br>1,250 USD m<br>3 claims"
    assert shaded["USA"].hoveron == "fills"
    # Colorbar from an invisible marker trace with the same colour scale.
    bars = [t for t in fig.data if t.mode == "markers" and t.marker.showscale]
    assert len(bars) == 1
    assert [list(c) for c in bars[0].marker.colorscale] == [list(c) for c in maps.FINANCIER_COLORSCALE]
    assert not any(a.text == maps.EMPTY_FINANCIER_MESSAGE for a in fig.layout.annotations)


def test_financier_map_escapes_names(world):
    fig = maps.build_financier_map(_amounts([("CAN", HOSTILE, 50.0, 1)]), world, title=HOSTILE, value_label=HOSTILE)
    raw = _json(fig)
    assert "<img" not in raw
    assert HOSTILE_ESCAPED in _shaded(fig)["CAN"].text


def test_financier_map_amount_not_stated(world):
    fig = maps.build_financier_map(_amounts([("CHN", "China", None, 1), ("USA", "United States", 5.0, 1)]), world)
    shaded = _shaded(fig)
    assert set(shaded) == {"CHN", "USA"}
    assert "Amount not stated" in shaded["CHN"].text
    labels = [t for t in fig.data if t.mode == "text"][0]
    assert sorted(labels.text) == ["5.0", "n/s"]


@pytest.mark.parametrize(
    "rows",
    [[], [("XWB", "World Bank Group", 700.0, 2), ("XVA", "Several", 100.0, 1)]],
    ids=["empty", "only-multilaterals"],
)
def test_financier_map_without_countries(world, rows):
    fig = maps.build_financier_map(_amounts(rows), world)
    assert not _shaded(fig)
    assert any(a.text == maps.EMPTY_FINANCIER_MESSAGE for a in fig.layout.annotations)
    assert fig.data[0].fill == "toself"  # the world is still drawn


def test_financier_map_adds_up_repeated_codes(world):
    fig = maps.build_financier_map(_amounts([("SWE", "Sweden", 30.0, 1), ("SWE", "Sweden", 20.0, 2)]), world)
    assert _shaded(fig)["SWE"].text == "<b>Sweden</b><br>50 USD m<br>3 claims"


# ----------------------------------------------------------------------------- real data


def test_site_map_from_real_data_files(provinces, countries):
    files = [DATA / f"{n}.csv" for n in ("places", "routes", "route_points")]
    if not all(f.exists() for f in files):
        pytest.skip("data/places.csv, routes.csv or route_points.csv not written yet")
    places, routes, points = (pd.read_csv(f, dtype=str, keep_default_na=False) for f in files)
    fig = maps.build_site_map(provinces, countries, places, routes, points)
    texts = [s for t in _marker_traces(fig) for s in t.text]
    assert len(texts) == len(places)
    assert any("Reko Diq" in s for s in texts)
    route_names = {t.name for t in fig.data if t.meta and "route_id" in t.meta}
    for _, r in routes.iterrows():
        if str(r["schematic"]).lower() == "true" and (points["route_id"] == r["route_id"]).sum() >= 2:
            assert any(n.endswith("schematic)") for n in route_names)
    for _, p in places.iterrows():
        assert geo.MAP_REGION[0] <= float(p["lon"]) <= geo.MAP_REGION[2]
        assert geo.MAP_REGION[1] <= float(p["lat"]) <= geo.MAP_REGION[3]


def test_site_map_names_stay_inside_the_frame_on_a_phone(provinces, countries):
    """Every place and sea/country/province name fits between the frame's west and east edges
    when the map is as narrow as on a 390 px phone (where "Sukkur" and "Gulf of Oman" were cut):
    a place near an edge takes its label on the inner side, a fixed name moves inward."""
    from rekodiq.charts.maps.labels import FRAME_SLACK_PX, NARROWEST_PLOT_WIDTH_PX, text_px

    west, east = maps.SITE_FRAME_LON
    edge_places = [
        ("sukkur", "Sukkur (Rohri junction)", "city", 27.71, 68.85, "exact", "S006", ""),
        ("west-cape", "West Cape", "town", 26.5, 58.3, "exact", "S006", ""),
    ]
    fig = maps.build_site_map(provinces, countries, _places(edge_places), _routes(), _route_points())
    per_degree = NARROWEST_PLOT_WIDTH_PX / (east - west)
    seen = []
    for trace in fig.data:
        if not trace.text or "text" not in (trace.mode or ""):
            continue
        sizes = trace.textfont.size if isinstance(trace.textfont.size, tuple) else [trace.textfont.size] * len(trace.x)
        positions = (
            trace.textposition
            if isinstance(trace.textposition, tuple)
            else [trace.textposition or "middle center"] * len(trace.x)
        )
        half_marker = (trace.marker.size or 0) / 2 if "markers" in trace.mode else 0
        for lon, text, size, pos in zip(trace.x, trace.text, sizes, positions, strict=True):
            w_deg = text_px(text, size)[0] / per_degree
            gap = (half_marker + 1) / per_degree
            x0 = {"right": lon + gap, "left": lon - gap - w_deg}.get(pos.split()[-1], lon - w_deg / 2)
            slack = FRAME_SLACK_PX / per_degree  # the width estimate's own excess
            assert west - slack <= x0 and x0 + w_deg <= east + slack, (text, pos, lon)
            seen.append(text)
    assert any("Sukkur" in t for t in seen) and any("Gulf of Oman" in t for t in seen) and any("West" in t for t in seen)
