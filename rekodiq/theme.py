"""One Plotly template for every chart, registered once on import.

Charts are rendered with ``theme=None`` in Streamlit so that this template, not Streamlit's
chart theme, decides the look; exported images then match what the page shows.
"""

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME = "rekodiq"

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

# Status colours and patterns live with the other status words in rekodiq.vocabulary.

FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"


# Trace types whose plotly_white defaults the template keeps. The other ~20 types' defaults are
# dropped: every figure deep-copies its template when it is created and carries it in its JSON,
# so the full set cost ~30 ms and ~4 KB per chart for types no chart here uses.
TEMPLATE_TRACE_TYPES = ("bar", "scatter", "scattergl", "pie", "histogram")
# plotly_white's layout defaults for subplot kinds and colour scales no chart here draws (3D scenes,
# ternary and polar axes; the default continuous colour scales, which only apply to numeric
# colours without their own scale: the financier map names its scale). They were 146 of the
# template's 259 JSON nodes, deep-copied twice and serialised with every figure on every rerun.
TEMPLATE_LAYOUT_UNUSED = ("colorscale", "scene", "ternary", "polar")


def _build_template() -> go.layout.Template:
    base = pio.templates["plotly_white"]
    template = go.layout.Template(
        layout=base.layout,
        data={kind: traces for kind, traces in base.data.to_plotly_json().items() if kind in TEMPLATE_TRACE_TYPES},
    )
    template.layout.update(
        font={"family": FONT_FAMILY, "size": 13, "color": "#222222"},
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        title={"x": 0.0, "xanchor": "left", "font": {"size": 16}},
        # Narrow side margins: automargin widens them for tick labels where needed, and on a
        # phone every fixed pixel here is taken from the plot (issue 16: plots 50-60 px wide).
        margin={"l": 12, "r": 16, "t": 70, "b": 60},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        # The legend title stands above its entries: beside them (Plotly's default for horizontal
        # legends) it pushed the entries off a phone's screen.
        legend={"bgcolor": "rgba(255,255,255,0.8)", "title": {"side": "top"}},
    )
    # Axis labels push the margins instead of being cut ("equirement" on a phone).
    template.layout.xaxis.automargin = True
    template.layout.yaxis.automargin = True
    for unused in TEMPLATE_LAYOUT_UNUSED:
        template.layout[unused] = None
    return template


def register_template() -> str:
    """Register the house template (idempotent) and return its name."""
    if TEMPLATE_NAME not in pio.templates:
        pio.templates[TEMPLATE_NAME] = _build_template()
    return TEMPLATE_NAME


register_template()
