"""Deterministic hostile query strings for every page, each with the state it must produce.

A case is a handful of *atoms*, one per query key. Every generated value is either a valid
variant of an allowed value (its canonical form is known because the generator built it:
exact, other case, padded with whitespace, or the slug form where the contract allows slugs)
or a hostile value (marked ``None``). From the atoms the generator derives the expected filter
state, the expected page-level state, whether a notice must be shown, and which raw strings
must never be echoed as Markdown. The URL contract (rekodiq/urlstate.py module docstring):

* multi-valued filters (country, lender, type, instrument) keep the allowed values among the
  first 50, case-insensitively (and by slug for lender, type, instrument), first occurrence
  first, each at most 200 characters; anything else is dropped with a notice;
* single-valued filters (status, project, from, to, unconfirmed, lapsed) use the last value and
  say so when a key is repeated; an invalid last value falls back to the default with a notice;
* dates are ASCII YYYY-MM-DD within [first status year - 5, last status year + 10]; a start after
  the end drops both, with a notice;
* unknown keys get a notice; ``embed``/``embed_options`` and the page keys pass through;
* page keys are validated by the page that owns them (funding: view, stack; peers: host, rd),
  with a notice for an invalid value; other pages leave them alone.

Nothing here imports the parser under test: the expectations come from the construction.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import urllib.parse
import zlib
from dataclasses import dataclass, field

from hostile.payloads import url_strings

MAX_VALUES, MAX_CHARS = 50, 200
QUERY_MAX_CHARS, QUERY_MAX_FIELDS = 512 * 1024, 1000  # Streamlit's own limits on the whole query string
FIRM_STATUSES = ("announced", "board-approved", "signed", "disbursed")
NOT_FIRM = ("rumoured", "expected", "cancelled", "not concluded", "Rumoured")
PROJECTS = ("reko-diq", "peers", "all")
TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
VIEWS, STACKS = ("lending", "equity", "contracts", "all"), ("status", "instrument")
# fmt: off
DEFAULTS = {
    "flt_country": [], "flt_lender": [], "flt_type": [], "flt_instrument": [],
    "flt_status": "announced", "flt_unconfirmed": False, "flt_lapsed": False,
    "flt_from": None, "flt_to": None, "flt_project": "reko-diq",
}
MULTI = {"country": "flt_country", "lender": "flt_lender", "type": "flt_type", "instrument": "flt_instrument"}
SLUGGED = {"lender", "type", "instrument"}
FILTER_KEYS = ("country", "lender", "type", "instrument", "status", "unconfirmed", "lapsed", "from", "to", "project")
PAGE_OWNED = {"funding": ("view", "stack"), "peers": ("host", "rd")}
# mirrors rekodiq.urlstate.PAGE_KEYS; the second row (issue 15) belongs to the record pages, search,
# the funding scenario and the velocity step, which validate them themselves (tests/test_page_explore.py
# and tests/test_fuzz_urlstate.py check those values; here they are other pages' keys, left alone).
PAGE_KEYS = ("view", "stack", "host", "rd",
             "name", "id", "q", "scenario", "amt", "step")
PAGE_DEFAULTS = {"funding": {"view": "lending", "stack": "status"}, "peers": {"host": [], "rd": False}}
PASSTHROUGH = ("embed", "embed_options")
HOSTILE_KEYS = [
    "zzz", "Lender", "LENDER", "lender ", " lender", "lender[]", "lender%5B%5D", "Country", "STATUS", "From", "VIEW", "Host",
    "utm_source", "__proto__", "constructor", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "flt_lender", "page",
    "\u202elender", "l\u0435nder", "lender\x00", "[x](javascript:alert(1))", "$\\href{javascript:alert(1)}{x}$", ":red[key]",
    "k" * 10_000, "ke y", "a.b", "q=1", "emb\u0435d",
]
BAD_DATES = [
    "2025-02-30", "2025-13-01", "2025-00-10", "0000-00-00", "2025/01/01", "01-01-2025", "20250101", "2025-1-1", "2025-01-1",
    "1900-01-01", "9999-12-31", "2013-12-31", "2037-01-01", "2025-W01-1", "\uff12\uff10\uff12\uff15-\uff10\uff11-\uff10\uff11",
    "\u0662\u0660\u0662\u0665-\u0660\u0661-\u0660\u0662", "2025-01-01T00:00", "-2025-01-01", "+2025-0101", "2025-01-01Z", "NaN",
    "today", "yesterday", "1e308", "-1", "", " ", "2025\u201301\u201301", "2025-01-01\x00", "2025-01-01" * 1000,
]
BAD_FLAGS = ["2", "-1", "y", "t", "enabled", "NaN", "1.0", "yes please", "tru", "onn", "", "\u202eon", "\uff11", "o n", "1\x00"]

# fmt: on


@dataclass
class Atom:
    key: str
    values: list[str]
    canon: list[object | None]  # per value: canonical form, or None when the value is hostile
    kind: str  # multi | single | flag | date | view | stack | host | rd | unknown | passthrough | foreign


@dataclass
class Case:
    page: str
    cid: str
    query: dict[str, list[str]]
    expect_state: dict[str, object]
    expect_page_state: dict[str, object]
    expect_url: dict[str, list[str]] | None  # None: not checked
    notice: bool
    hostile: list[str]
    strict_quiet: bool = True  # no notice may appear when nothing was ignored
    labels: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    countries: tuple[str, ...]
    lenders: tuple[str, ...]
    lender_types: tuple[str, ...]
    instruments: tuple[str, ...]
    hosts: tuple[str, ...]
    date_min: dt.date
    date_max: dt.date


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def flag_value(value: str) -> bool | None:
    word = value.strip().casefold()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def date_value(value: str, low: dt.date, high: dt.date) -> dt.date | None:
    text = value.strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if low <= day <= high else None


def listed(value: str, allowed: tuple[str, ...], slugged: bool) -> bool:
    """Would ``value`` match an allowed option under the contract (used only to keep hostile draws hostile)?"""
    keys = {a.casefold() for a in allowed} | ({slug(a) for a in allowed} if slugged else set())
    return len(value) <= MAX_CHARS and value.strip().casefold() in keys


class Generator:
    def __init__(self, page: str, options: Options, seed: int | None = None):
        self.page = page
        self.o = options
        self.rng = random.Random(seed if seed is not None else zlib.crc32(f"hostile-url-{page}".encode()))
        self.corpus = url_strings()
        self.used: set[str] = set()
        self.in_case: set[str] = set()
        self.low = dt.date(options.date_min.year - 5, 1, 1)
        self.high = dt.date(options.date_max.year + 10, 12, 31)

    # ---- values -----------------------------------------------------------------------
    def hostile(self) -> str:
        """Corpus strings not yet used by an accepted case first (so every one is used), then
        random picks and mutations (10 KB repeats, trailing RTL override, zero-width, NUL ...)."""
        for value in self.corpus:
            if value not in self.used and value not in self.in_case:
                self.in_case.add(value)
                return value
        value = self.rng.choice(self.corpus)
        twist = self.rng.random()
        if twist < 0.15:
            value = value * (10_240 // max(1, len(value)) + 1)  # >= 10 KB
        elif twist < 0.25:
            value = value + self.rng.choice(["\u202e", "\u200b", "\x00", "%", "\ufeff"])
        return value

    def hostile_for(self, allowed: tuple[str, ...], slugged: bool = True) -> str:
        """A hostile value that is guaranteed not to match ``allowed``."""
        while True:
            value = self.hostile()
            if not listed(value, allowed, slugged):
                return value

    def variant(self, option: str, slugged: bool) -> tuple[str, str | None]:
        """A value that must map to ``option`` (or, for the last kinds, must be refused)."""
        forms = [option, option.upper(), option.lower(), option.swapcase(), f"  {option}\t", f"\u3000{option}\n"]
        if slugged:
            forms += [slug(option), slug(option).upper()]
        kind = self.rng.random()
        if kind < 0.8:
            return self.rng.choice(forms), option
        near_misses = [
            option + "x",
            option[:-1] if len(option) > 1 else option + option,
            " ".join(option) if len(option) < 8 else option + "\u200b",
            option.replace("A", "\u0410").replace("a", "\u0430") if re.search("[Aa]", option) else option + "!",
            "\uff21" + option,
            option + " " * 250,
            option * 40 if len(option) * 40 > MAX_CHARS else option + "_" * 250,
        ]
        return self.rng.choice(near_misses), None

    # ---- atoms --------------------------------------------------------------------------
    def multi(self, key: str, n: int | None = None) -> Atom:
        allowed = {
            "country": self.o.countries,
            "lender": self.o.lenders,
            "type": self.o.lender_types,
            "instrument": self.o.instruments,
        }[key]
        if n is None:
            n = self.rng.choice([1, 1, 2, 3, 4, 6, 60, 55]) if self.rng.random() < 0.2 else self.rng.choice([1, 2, 3])
        values, canon = [], []
        for _ in range(n):
            r = self.rng.random()
            if r < 0.45:
                v, c = self.variant(self.rng.choice(allowed), key in SLUGGED)
            else:
                v, c = self.hostile_for(allowed), None
            values.append(v)
            canon.append(c)
        if self.rng.random() < 0.15 and values:  # a repeated value
            i = self.rng.randrange(len(values))
            values.append(values[i])
            canon.append(canon[i])
        return Atom(key, values, canon, "multi")

    def single(self, key: str) -> Atom:
        allowed = FIRM_STATUSES if key == "status" else PROJECTS
        n = 1 if self.rng.random() < 0.75 else self.rng.choice([2, 3])
        values, canon = [], []
        for _ in range(n):
            r = self.rng.random()
            if r < 0.45:
                v, c = self.variant(self.rng.choice(allowed), True)
            elif r < 0.6 and key == "status":
                v, c = self.rng.choice(NOT_FIRM), None
            else:
                v, c = self.hostile_for(allowed), None
            values.append(v)
            canon.append(c)
        return Atom(key, values, canon, "single")

    def flag(self, key: str, kind: str = "flag") -> Atom:
        n = 1 if self.rng.random() < 0.75 else 2
        values = []
        for _ in range(n):
            r = self.rng.random()
            if r < 0.5:
                word = self.rng.choice(TRUE_WORDS + FALSE_WORDS)
                values.append(self.rng.choice([word, word.upper(), word.title(), f" {word} ", word + " " * 300]))
            elif r < 0.75:
                values.append(self.rng.choice(BAD_FLAGS))
            else:
                values.append(self.hostile())
        return Atom(key, values, [flag_value(v) for v in values], kind)

    def random_date(self) -> dt.date:
        span = (self.high - self.low).days
        return self.low + dt.timedelta(days=self.rng.randrange(span + 1))

    def date(self, key: str) -> Atom:
        n = 1 if self.rng.random() < 0.8 else 2
        values = []
        for _ in range(n):
            r = self.rng.random()
            if r < 0.45:
                day = self.random_date()
                values.append(
                    self.rng.choice(
                        [day.isoformat(), f" {day.isoformat()} ", f"{day.isoformat()}\n", day.isoformat() + " " * 300]
                    )
                )
            elif r < 0.55:  # just outside the window
                values.append(self.rng.choice([self.low - dt.timedelta(days=1), self.high + dt.timedelta(days=1)]).isoformat())
            elif r < 0.85:
                values.append(self.rng.choice(BAD_DATES))
            else:
                values.append(self.hostile())
        return Atom(key, values, [date_value(v, self.low, self.high) for v in values], "date")

    def choice_atom(self, key: str, allowed: tuple[str, ...]) -> Atom:
        n = 1 if self.rng.random() < 0.8 else 2
        values, canon = [], []
        for _ in range(n):
            r = self.rng.random()
            if r < 0.35:
                v = self.rng.choice(allowed)
                values.append(v)
                canon.append(v)
            elif r < 0.55:  # page options are exact: other case or padding is refused
                v = self.rng.choice(allowed)
                values.append(self.rng.choice([v.upper(), v.title(), f" {v}", v + "s"]))
                canon.append(None)
            else:
                values.append(self.hostile_for(allowed, slugged=False))
                canon.append(None)
        return Atom(key, values, canon, key)

    def host(self) -> Atom:
        n = self.rng.choice([1, 2, 3]) if self.rng.random() < 0.9 else 55
        values, canon = [], []
        for _ in range(n):
            if self.rng.random() < 0.45:
                code = self.rng.choice(self.o.hosts)
                values.append(self.rng.choice([code, code.lower(), f" {code} ", code.title()]))
                canon.append(code)
            else:
                values.append(self.hostile_for(self.o.hosts, slugged=False))
                canon.append(None)
        return Atom("host", values, canon, "host")

    def unknown(self) -> Atom:
        key = self.rng.choice(HOSTILE_KEYS)
        value = self.hostile() if self.rng.random() < 0.8 else self.rng.choice(self.o.lenders)
        return Atom(key, [value], [None], "unknown")

    def passthrough(self) -> Atom:
        key = self.rng.choice(PASSTHROUGH)
        return Atom(key, [self.hostile()], [None], "passthrough")

    def foreign_page_key(self) -> Atom:
        """A page key this page does not own (left alone here) with junk in it."""
        mine = PAGE_OWNED.get(self.page, ())
        key = self.rng.choice([k for k in PAGE_KEYS if k not in mine])
        return Atom(key, [self.hostile()], [None], "foreign")

    def valid_atom(self, key: str) -> Atom:
        """Only allowed values (in any accepted spelling): the app must not complain."""
        if key in MULTI:
            allowed = {
                "country": self.o.countries,
                "lender": self.o.lenders,
                "type": self.o.lender_types,
                "instrument": self.o.instruments,
            }[key]
            picks = [self.rng.choice(allowed) for _ in range(self.rng.choice([1, 2, 3]))]
            forms = [self.rng.choice([p, p.upper(), p.lower(), f" {p} "] + ([slug(p)] if key in SLUGGED else [])) for p in picks]
            return Atom(key, forms, list(picks), "multi")
        if key in ("status", "project"):
            pick = self.rng.choice(FIRM_STATUSES if key == "status" else PROJECTS)
            return Atom(key, [self.rng.choice([pick, pick.upper(), f" {pick}"])], [pick], "single")
        if key in ("unconfirmed", "lapsed"):
            word = self.rng.choice(TRUE_WORDS + FALSE_WORDS)
            return Atom(key, [word], [flag_value(word)], "flag")
        if key in ("from", "to"):
            day = self.random_date()
            return Atom(key, [day.isoformat()], [day], "date")
        if key == "view":
            pick = self.rng.choice(VIEWS)
            return Atom(key, [pick], [pick], "view")
        if key == "stack":
            pick = self.rng.choice(STACKS)
            return Atom(key, [pick], [pick], "stack")
        if key == "host":
            pick = self.rng.choice(self.o.hosts)
            return Atom(key, [pick.lower()], [pick], "host")
        if key == "rd":
            return Atom(key, ["1"], [True], "rd")
        raise ValueError(key)

    def valid_case(self, index: int) -> Case:
        keys = list(FILTER_KEYS) + list(PAGE_OWNED.get(self.page, ()))
        atoms = [self.valid_atom(k) for k in self.rng.sample(keys, self.rng.choice([1, 2, 3, 4]))]
        return expect(self.page, f"{self.page}-{index:03d}", atoms, self.o, self.low, self.high, ["valid"])

    def atom(self, category: str) -> Atom:
        if category == "multi":
            return self.multi(self.rng.choice(list(MULTI)))
        if category == "single":
            return self.single(self.rng.choice(["status", "project"]))
        if category == "flag":
            return self.flag(self.rng.choice(["unconfirmed", "lapsed"]))
        if category == "date":
            return self.date(self.rng.choice(["from", "to"]))
        if category == "unknown":
            return self.unknown()
        if category == "bulk":  # more than 50 values for one key
            return self.multi(self.rng.choice(list(MULTI)), n=self.rng.choice([51, 60, 75]))
        if category == "huge-key":  # a 10 KB unknown key with a 10 KB value
            return Atom("k" * 10_000 + str(self.rng.randrange(1000)), ["v" * 10_240], [None], "unknown")
        if category == "passthrough":
            return self.passthrough()
        if category == "foreign":
            return self.foreign_page_key()
        if category == "own":
            key = self.rng.choice(PAGE_OWNED[self.page])
            if key == "view":
                return self.choice_atom("view", VIEWS)
            if key == "stack":
                return self.choice_atom("stack", STACKS)
            if key == "host":
                return self.host()
            return self.flag("rd", kind="rd")
        raise ValueError(category)

    # ---- cases --------------------------------------------------------------------------
    def case(self, index: int, categories: list[str]) -> Case:
        self.in_case = set()
        atoms: dict[str, Atom] = {}
        for category in categories:
            for _ in range(10):  # one atom per key
                atom = self.atom(category)
                if atom.key not in atoms:
                    atoms[atom.key] = atom
                    break
        self.used.update(v for a in atoms.values() for v in a.values)
        return expect(self.page, f"{self.page}-{index:03d}", list(atoms.values()), self.o, self.low, self.high, categories)

    def cases(self, n: int = 200) -> list[Case]:
        owns = self.page in PAGE_OWNED
        basic = ["multi", "single", "flag", "date", "unknown", "passthrough", "foreign", "bulk", "huge-key"] + (
            ["own"] * 2 if owns else []
        )
        out = []
        # 1) every category alone, several times over
        for i in range(len(basic) * 4):
            out.append(self.case(len(out), [basic[i % len(basic)]]))
        # 2) only allowed values: no notice may appear
        for _ in range(20):
            out.append(self.valid_case(len(out)))
        # 3) mixes of 2-6 atoms until the corpus is used up and n is reached
        while len(out) < n or not set(self.corpus) <= self.used:
            k = self.rng.choice([2, 2, 3, 3, 4, 5, 6])
            out.append(self.case(len(out), [self.rng.choice(basic) for _ in range(k)]))
        return out


def _single_result(atom: Atom) -> tuple[object | None, bool]:
    """(canonical last value or None, ignored?) for a last-value-wins key."""
    last = atom.canon[-1]
    return last, last is None


def expect(page: str, cid: str, atoms: list[Atom], o: Options, low: dt.date, high: dt.date, labels: list[str]) -> Case:
    state = dict(DEFAULTS)
    state = {k: (list(v) if isinstance(v, list) else v) for k, v in state.items()}
    page_state: dict[str, object] = dict(PAGE_DEFAULTS.get(page, {}))
    notice = False
    quiet = True
    hostile: list[str] = []
    owned = PAGE_OWNED.get(page, ())
    dates: dict[str, dt.date | None] = {}
    for atom in atoms:
        hostile += [v for v, c in zip(atom.values, atom.canon, strict=True) if c is None]
        if atom.kind == "unknown":
            hostile.append(atom.key)
            notice = True
        elif atom.kind == "multi":
            chosen: list[str] = []
            for _v, c in zip(atom.values[:MAX_VALUES], atom.canon[:MAX_VALUES], strict=True):
                if c is None:
                    notice = True
                elif c not in chosen:
                    chosen.append(c)
            if len(atom.values) > MAX_VALUES:
                notice = True
            state[MULTI[atom.key]] = chosen
        elif atom.kind in ("single", "flag", "date"):
            value, ignored = _single_result(atom)
            notice = notice or ignored or len(atom.values) > 1
            if atom.kind == "single":
                state["flt_status" if atom.key == "status" else "flt_project"] = (
                    value if value is not None else DEFAULTS["flt_status" if atom.key == "status" else "flt_project"]
                )
            elif atom.kind == "flag":
                state[f"flt_{atom.key}"] = bool(value)
            else:
                dates[atom.key] = value
        elif atom.kind in ("view", "stack"):
            if atom.key in owned:
                value, ignored = _single_result(atom)
                notice = notice or ignored
                quiet = quiet and len(atom.values) == 1  # a repeated page key is not reported (lenient)
                page_state[atom.key] = value if value is not None else {"view": "lending", "stack": "status"}[atom.key]
            else:
                quiet = False  # left alone on this page
        elif atom.kind == "host":
            if "host" in owned:
                chosen = []
                for v, c in zip(atom.values[:MAX_VALUES], atom.canon[:MAX_VALUES], strict=True):
                    if c is None or len(v) > MAX_CHARS:
                        notice = True
                    elif c not in chosen:
                        chosen.append(c)
                if len(atom.values) > MAX_VALUES:
                    notice = True
                page_state["host"] = chosen
        elif atom.kind == "rd":
            if "rd" in owned:
                value, ignored = _single_result(atom)
                notice = notice or ignored
                quiet = quiet and len(atom.values) == 1
                page_state["rd"] = bool(value)
        elif atom.kind in ("passthrough", "foreign"):
            quiet = False  # Streamlit's own keys and other pages' keys are not checked here
    for key in ("from", "to"):
        if key in dates:
            state[f"flt_{key}"] = dates[key]
    if state["flt_from"] and state["flt_to"] and state["flt_from"] > state["flt_to"]:
        state["flt_from"] = state["flt_to"] = None
        notice = True
    query = {a.key: list(a.values) for a in atoms}
    if streamlit_drops(query):
        # Streamlit ignores the whole query string before the app sees it (no notice possible).
        state = {k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULTS.items()}
        page_state = dict(PAGE_DEFAULTS.get(page, {}))
        # The address keeps what the visitor typed (nothing was read, so nothing is rewritten).
        return Case(
            page,
            cid,
            query,
            state,
            page_state,
            None,
            False,
            hostile,
            strict_quiet=False,
            labels=[*labels, "dropped-by-streamlit"],
        )
    return Case(
        page,
        cid,
        query,
        state,
        page_state,
        canonical_url(state),
        notice,
        hostile,
        strict_quiet=quiet and not notice,
        labels=labels,
    )


def streamlit_drops(query: dict[str, list[str]]) -> bool:
    """Streamlit discards a query string over 512 Ki characters or 1,000 fields
    (streamlit.runtime.state.query_params.sanitize_query_string)."""
    text = urllib.parse.urlencode(query, doseq=True)
    return len(text) > QUERY_MAX_CHARS or text.count("&") + 1 > QUERY_MAX_FIELDS


def canonical_url(state: dict[str, object]) -> dict[str, list[str]]:
    """The filter part of the address the app must write for ``state`` (readable, defaults omitted)."""
    url: dict[str, list[str]] = {}
    if state["flt_country"]:
        url["country"] = list(state["flt_country"])
    if state["flt_lender"]:
        url["lender"] = list(state["flt_lender"])
    if state["flt_type"]:
        url["type"] = [slug(v) for v in state["flt_type"]]
    if state["flt_instrument"]:
        url["instrument"] = [slug(v) for v in state["flt_instrument"]]
    if state["flt_status"] != "announced":
        url["status"] = [state["flt_status"]]
    if state["flt_unconfirmed"]:
        url["unconfirmed"] = ["1"]
    if state["flt_lapsed"]:
        url["lapsed"] = ["1"]
    if state["flt_from"]:
        url["from"] = [state["flt_from"].isoformat()]
    if state["flt_to"]:
        url["to"] = [state["flt_to"].isoformat()]
    if state["flt_project"] != "reko-diq":
        url["project"] = [state["flt_project"]]
    return url
