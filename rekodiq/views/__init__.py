"""One pure view per chart or table: ``view(data, filters/page options) -> ChartView | TableView``.

Each page's views live in the module named after it. A newcomer following a number reads:
``data`` -> a domain module (``claims``, ``ownership``, ``milestones``, ``headline``, ``method``)
-> a chart builder in ``rekodiq.charts`` -> the view here -> the page's ``ui.chart_block``.
"""

from rekodiq.views import (
    changes,
    funding,
    map,
    overview,
    ownership,
    peers,
    records,
    scenario,
    sources,
    timeline,
    velocity,
)
from rekodiq.views.base import ChartView, TableView

__all__ = [
    "ChartView",
    "TableView",
    "changes",
    "funding",
    "map",
    "overview",
    "ownership",
    "peers",
    "records",
    "scenario",
    "sources",
    "timeline",
    "velocity",
]
