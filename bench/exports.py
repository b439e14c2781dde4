"""Download formats timed through rekodiq.export on real page content.

Charts: the Funding page's "Lending by financier" chart and the Balochistan site map, each
made citable (:func:`rekodiq.export.citable_figure`) as the Download button does. Tables: the
Funding page's claims ledger with its sources, as CSV and XLSX.

PNG/SVG "cold" is the first image after :func:`rekodiq.export.stop_renderer`: it includes
starting Chromium through Kaleido. "Warm" images reuse the renderer the module keeps running
(one Chromium tab in a background thread), which is what every click after the first gets.
"""

from __future__ import annotations

import functools
import time

from bench.common import ROOT, log, summary_ms


def _time(fn, n: int) -> tuple[list[float], object]:
    out, last = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        last = fn()
        out.append(time.perf_counter() - t0)
    return out, last


def _inputs():
    from rekodiq import claims as claim_rules
    from rekodiq import export, geo, headline
    from rekodiq.charts.funding import build_funding_by_financier
    from rekodiq.charts.maps import build_site_map
    from rekodiq.data import load_dataset
    from rekodiq.filters import Filters
    from rekodiq.sources import with_sources
    from rekodiq.urlstate import describe
    from rekodiq.vocabulary import INSTRUMENT_VIEWS

    data = load_dataset().dataset
    filters = Filters()
    claims = claim_rules.filter_claims(data.financing, filters)
    shown = claims[claims["instrument"].isin(INSTRUMENT_VIEWS["lending"])]
    amounts = claim_rules.funding_by_financier(shown, stack_by="status")
    funding = build_funding_by_financier(amounts, stack_by="status", title="Lending by financier")
    folder = str(ROOT / "data")
    provinces, countries = geo.load_provinces(folder), geo.load_context_countries(folder)
    card = ["Reko Diq copper-gold project, Chagai district", f"Phase 1 capex: {headline.kpi_tile(data, 'phase1-capex').value}"]
    site = build_site_map(provinces, countries, data.places, data.routes, data.route_points, mine_card_lines=card)

    def citable(fig, table, title):
        return export.citable_figure(
            fig,
            filter_lines=describe(filters),
            source_line=export.source_line(table, data.sources),
            as_of=data.last_updated,
            data_version=data.version,
            title=title,
        )

    ledger = claim_rules.claims_table(claims, data.sources)
    return {
        "data": data,
        "funding": citable(funding, amounts, "Lending by financier"),
        "site_map": citable(site, with_sources(data.places, data.sources), "Balochistan map"),
        "ledger": ledger,
        "ledger_sources": export.sources_for(ledger, data.sources),
    }


def run(warm_n: int = 10) -> dict:
    from rekodiq import export

    log("export: building the inputs")
    inp = _inputs()
    out: dict = {"warm_repetitions": warm_n, "charts": {}, "tables": {}}
    out["image_export_available"] = export.image_export_available()
    if out["image_export_available"]:
        try:
            for name in ("funding", "site_map"):
                fig = inp[name]
                chart = {}
                for fmt, fn in (("png", export.figure_png), ("svg", export.figure_svg)):
                    export.stop_renderer()
                    cold, first = _time(functools.partial(fn, fig), 1)
                    warm, last = _time(functools.partial(fn, fig), warm_n)
                    chart[fmt] = {"cold_s": round(cold[0], 3), "warm": summary_ms(warm), "bytes": len(last)}
                    log(f"export: {name} {fmt} cold {cold[0]:.2f} s, warm median {chart[fmt]['warm']['median_ms']:.0f} ms")
                chart["html"] = {"warm": summary_ms(_time(functools.partial(export.figure_html, fig), warm_n)[0])}
                out["charts"][name] = chart
        except Exception as exc:  # noqa: BLE001
            out["image_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        finally:
            export.stop_renderer()
    data = inp["data"]
    ledger, sources = inp["ledger"], inp["ledger_sources"]
    readme = export.readme_lines(
        title="Claims ledger",
        filter_lines=[],
        permalink_url="http://127.0.0.1/funding",
        data_version=data.version,
        as_of=data.last_updated,
        n_rows=len(ledger),
        n_sources=len(sources),
        note=export.sources_note(ledger),
    )
    csv_t, csv_b = _time(lambda: export.table_csv(ledger), warm_n)
    xlsx_t, xlsx_b = _time(
        lambda: export.table_xlsx(ledger, sources=sources, readme_lines=readme, sources_note_text=export.sources_note(ledger)),
        warm_n,
    )
    out["tables"]["claims_ledger"] = {
        "rows": len(ledger),
        "columns": len(ledger.columns),
        "csv": {"time": summary_ms(csv_t), "bytes": len(csv_b)},
        "xlsx": {"time": summary_ms(xlsx_t), "bytes": len(xlsx_b)},
    }
    return out
