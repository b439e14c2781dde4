"""The dashboard's words, each defined once: statuses, instruments, countries, KPI keys, milestones.

Every module that names a status, an instrument, a country or a milestone category takes it
from here, so a chart, a filter and a table can never disagree. ``tests/test_vocabulary.py``
holds these words against ``data/data_dictionary.csv``: when the data gains a word, that test
fails and names this file as the one place to add it.
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------------------
# Claim statuses: the ladder from least to most certain, then the two lapsed statuses
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """One claim status and how every chart draws it.

    ``rung`` is the 1-based step on the ladder (None: off the ladder, i.e. lapsed). Colours run
    light (speculative) to dark (firm); the fill ``pattern`` and the marker ``symbol`` repeat the
    encoding so that status never rests on colour alone. Symbols: open shapes for claims that
    are not yet firm, filled ones for firm claims, crosses for lapsed ones.
    """

    name: str
    rung: int | None
    definition: str
    color: str
    pattern: str
    symbol: str


STATUS_INFO: dict[str, Status] = {
    s.name: s
    for s in (
        Status(
            "rumoured",
            1,
            "Reported by a single or weak source, or talks without a stated decision.",
            "#D9D9D9",
            "x",
            "circle-open",
        ),
        Status(
            "expected",
            2,
            "Planned or said to be coming by a party involved, but no decision taken yet.",
            "#A6CEE3",
            ".",
            "circle-open-dot",
        ),
        Status(
            "announced",
            3,
            "Publicly stated by the financier, the borrower or a government, without a board decision.",
            "#6BAED6",
            "/",
            "diamond-open",
        ),
        Status(
            "board-approved",
            4,
            "Approved by the financier's board or the responsible authority; not yet signed.",
            "#2171B5",
            "",
            "square",
        ),
        # Firm statuses keep distinct fill patterns too: the split never rests on colour alone.
        Status("signed", 5, "Loan, guarantee, contract or agreement signed by the parties.", "#08519C", "\\", "diamond"),
        Status("disbursed", 6, "Money paid out or the transaction completed.", "#08306B", "+", "star"),
        Status("cancelled", None, "Withdrawn or cancelled after it had been announced or approved.", "#BDBDBD", "-", "x"),
        Status("not concluded", None, "Talks ended without an agreement.", "#969696", "-", "x-open"),
    )
}
STATUSES = tuple(STATUS_INFO)
STATUS_LADDER = tuple(s.name for s in STATUS_INFO.values() if s.rung is not None)
LAPSED_STATUSES = tuple(s.name for s in STATUS_INFO.values() if s.rung is None)
STATUS_COLORS = {name: s.color for name, s in STATUS_INFO.items()}
STATUS_PATTERNS = {name: s.pattern for name, s in STATUS_INFO.items()}
STATUS_SYMBOLS = {name: s.symbol for name, s in STATUS_INFO.items()}
STATUS_DEFINITIONS = {name: s.definition for name, s in STATUS_INFO.items()}

DEFAULT_MIN_STATUS = "announced"
# Statuses a user can pick as the minimum while rumoured and expected claims are excluded.
FIRM_STATUSES = STATUS_LADDER[STATUS_LADDER.index(DEFAULT_MIN_STATUS) :]
# Debt counts as approved (overview tile) from this rung of the ladder upwards.
APPROVED_FROM = "board-approved"


def status_rank(status: str) -> int:
    """Position on the ladder (0-based); lapsed statuses rank below every ladder step."""
    return STATUS_LADDER.index(status) if status in STATUS_LADDER else -1


def statuses_in_order(present) -> list[str]:
    """The statuses in ``present`` in ladder order, unknown words last (sorted)."""
    seen = set(present)
    return [s for s in STATUSES if s in seen] + sorted(seen - set(STATUSES))


# --------------------------------------------------------------------------------------
# Instruments
# --------------------------------------------------------------------------------------

# Debt, most senior first. The capital stack draws its bars in this order and sums the gap over
# the same words, and every "debt" total uses them: DEBT_INSTRUMENTS is this tuple, not a copy.
SENIORITY_ORDER = ("senior loan", "loan", "ECA cover", "subordinated loan")
DEBT_INSTRUMENTS = SENIORITY_ORDER
EQUITY = "equity"
GUARANTEE = "guarantee"
CONTRACT_INSTRUMENTS = ("supply contract", "infrastructure finance")
# Programme-level words: capacity or non-binding letters, never a deal with one borrower.
PROGRAMME_INSTRUMENTS = ("letter of interest",)
INSTRUMENTS = (*SENIORITY_ORDER, GUARANTEE, EQUITY, *CONTRACT_INSTRUMENTS, *PROGRAMME_INSTRUMENTS, "cooperation framework")
# Lending is what lenders put at risk: loans, cover and guarantees.
LENDING_INSTRUMENTS = (*DEBT_INSTRUMENTS, GUARANTEE)
# Views of the funding chart (``?view=``): instrument sets, None = every instrument.
INSTRUMENT_VIEWS: dict[str, tuple[str, ...] | None] = {
    "lending": LENDING_INSTRUMENTS,
    "equity": (EQUITY,),
    "contracts": CONTRACT_INSTRUMENTS,
    "all": None,
}
# Claim groups that are programme-level figures (EXIM's lending headroom, pooled letters).
PROGRAMME_GROUPS = ("exim-headroom", "exim-critical-minerals-lois")

# --------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------

REKO_DIQ = "Reko Diq"
PROJECT_SCOPES = ("reko-diq", "peers", "all")
PROJECT_LABELS = {"reko-diq": "Reko Diq", "peers": "Peer deals", "all": "Both"}
# Milestone ``project`` values per project scope ("Context" rows are the peer deals' world).
MILESTONE_PROJECTS = {"reko-diq": (REKO_DIQ,), "peers": ("Context",), "all": (REKO_DIQ, "Context")}

# --------------------------------------------------------------------------------------
# Countries: one name per ISO 3166-1 alpha-3 code, used by the sidebar, the map and the peers
# --------------------------------------------------------------------------------------

# Multilateral and pooled financiers carry these user-assigned codes (no home country).
PSEUDO_COUNTRIES = {"XWB": "World Bank Group", "XAD": "Asian Development Bank", "XVA": "Several / unnamed"}
COUNTRY_NAMES = {
    "AGO": "Angola",
    "ARE": "United Arab Emirates",
    "ARG": "Argentina",
    "AUS": "Australia",
    "BRA": "Brazil",
    "CAN": "Canada",
    "CHL": "Chile",
    "CHN": "China",
    "COD": "DR Congo",
    "DEU": "Germany",
    "DNK": "Denmark",
    "FIN": "Finland",
    "FRA": "France",
    "GBR": "United Kingdom",
    "GRL": "Greenland",
    "IND": "India",
    "JPN": "Japan",
    "KAZ": "Kazakhstan",
    "KOR": "South Korea",
    "MDG": "Madagascar",
    "PAK": "Pakistan",
    "PER": "Peru",
    "SAU": "Saudi Arabia",
    "SWE": "Sweden",
    "UKR": "Ukraine",
    "USA": "United States",
    "UZB": "Uzbekistan",
    "ZMB": "Zambia",
    **PSEUDO_COUNTRIES,
}


def country_name(code: str) -> str:
    """The one display name of a country code (the code itself when it has no name here)."""
    return COUNTRY_NAMES.get(code, code)


def country_label(code: str) -> str:
    """A widget label: 'Japan (JPN)'; a code without a name stays as it is."""
    name = COUNTRY_NAMES.get(code)
    return f"{name} ({code})" if name else code


# --------------------------------------------------------------------------------------
# Ownership
# --------------------------------------------------------------------------------------

IN_FORCE = "in force"
NOT_IN_FORCE = ("proposed", "rumoured")
OWNERSHIP_STATUSES = (IN_FORCE, *NOT_IN_FORCE)
# Basis is shown by pattern and by the label text, never by colour alone.
BASIS_PATTERNS = {"contributing": "", "fully funded": "/", "free-carried": "x"}
FREE_CARRIED = "free-carried"
# The Pakistani side of the split ("Barrick vs Pakistan").
PAKISTAN = "PAK"

# --------------------------------------------------------------------------------------
# Headline figures (KPI keys in kpis.csv)
# --------------------------------------------------------------------------------------

KPI_PHASE1_CAPEX = "phase1-capex"
KPI_DEBT_TARGET = "debt-target"
KPI_REQUIREMENT = "phase1-all-in-cost"
KPI_KEYS = (KPI_PHASE1_CAPEX, KPI_DEBT_TARGET, KPI_REQUIREMENT)

# --------------------------------------------------------------------------------------
# Milestones
# --------------------------------------------------------------------------------------

# Timeline rows, top to bottom. Security sits next to logistics: the incidents filed under it
# concern the site and its transport corridor. Categories have no colour of their own (colour
# and marker symbol encode the milestone status).
MILESTONE_CATEGORIES = (
    "geology",
    "legal",
    "ownership",
    "corporate",
    "finance",
    "construction",
    "logistics",
    "security",
    "production",
    "diplomacy",
)
# Milestone statuses: symbol and colour (the symbol carries the meaning, colour repeats it).
MILESTONE_STATUSES = ("done", "planned", "slipped", "under review")
MILESTONE_SYMBOLS = {"done": "circle", "planned": "circle-open", "slipped": "x-thin-open", "under review": "hourglass"}
MILESTONE_COLORS = {"done": "#0072B2", "planned": "#009E73", "slipped": "#D55E00", "under review": "#E69F00"}
DONE = "done"
# Milestones whose target dates are tracked (milestone_targets.csv), with their display names.
MILESTONE_KEY_LABELS = {
    "financial-close": "Financial close",
    "first-production": "First production",
    "adb-guarantee": "ADB guarantee approval",
    "rail-link": "Rail link to the mine",
}
DEFAULT_SLIPPAGE_KEYS = ("financial-close", "first-production")

# --------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------

GRADE_MEANINGS = {
    "A": "Primary or official: the lender, the company, a government or a regulator",
    "B": "Major news outlet or wire service",
    "C": "Aggregator, blog or a copy of unclear standing",
}
GRADES = tuple(GRADE_MEANINGS)
# strftime formats for a date known to the day, month or year ("unknown": no date shown).
PRECISION_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
