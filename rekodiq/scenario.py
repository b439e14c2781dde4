"""Capital-stack scenarios: "what if these pending lenders sign, for these amounts?".

Contract
--------
A scenario is a set of *pending* Reko Diq claims (:func:`pending_claims`: rumoured or expected,
of an instrument the capital stack draws) with an optional what-if amount each. It lives in the
URL as ``?scenario=C018,C020&amt=C018:500`` and is parsed by :func:`parse` against the pending
ids (allow-list), with plain-text notices for what was ignored, like ``rekodiq.urlstate``.

:func:`apply` returns a *copy* of the claims in which each picked claim counts (at its what-if
amount when one is set) and the other versions of its claim group do not, so no commitment is
counted twice. The as-reported stack is always built from the unmodified claims: nothing in
this module changes its inputs, and no "as reported" figure is ever computed from a scenario.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from rekodiq.records import STACK_INSTRUMENTS
from rekodiq.urlstate import MAX_VALUE_CHARS, MAX_VALUES_PER_KEY, excerpt
from rekodiq.vocabulary import REKO_DIQ

SCENARIO_PARAM, AMOUNT_PARAM = "scenario", "amt"
PENDING_STATUSES = ("rumoured", "expected")
MAX_AMOUNT = 100_000.0  # USD millions; a what-if above this is a typo, not a scenario
LABEL = "Scenario"


@dataclass(frozen=True)
class Scenario:
    """Picked claim ids (in the order given) and what-if amounts (USD millions) per id."""

    claim_ids: tuple[str, ...] = ()
    amounts: tuple[tuple[str, float], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.claim_ids)

    def amount_for(self, claim_id: str) -> float | None:
        return dict(self.amounts).get(claim_id)

    def describe(self) -> list[str]:
        """Plain-text lines for titles, downloads and the bundle README."""
        if not self.claim_ids:
            return []
        parts = [
            f"{cid} at USD {self.amount_for(cid):,.0f} M (what-if)" if self.amount_for(cid) is not None else cid
            for cid in self.claim_ids
        ]
        return [f"{LABEL} (not reported figures): adds pending claims " + ", ".join(parts)]


def pending_claims(financing: pd.DataFrame) -> pd.DataFrame:
    """Reko Diq claims a scenario may add: rumoured or expected, of a capital-stack instrument."""
    mask = (
        (financing["project"] == REKO_DIQ)
        & financing["status"].isin(PENDING_STATUSES)
        & financing["instrument"].isin(STACK_INSTRUMENTS)
    )
    return financing[mask].sort_values("claim_id").reset_index(drop=True)


def _split(values: Sequence[str]) -> list[str]:
    items = [part.strip() for value in values[:MAX_VALUES_PER_KEY] for part in str(value)[: MAX_VALUE_CHARS * 10].split(",")]
    return [item for item in items if item]


def _amounts(values: Sequence[str], chosen: tuple[str, ...], notices: list[str]) -> tuple[tuple[str, float], ...]:
    amounts: dict[str, float] = {}
    for item in _split(values)[:MAX_VALUES_PER_KEY]:
        match = re.fullmatch(r"([A-Za-z0-9]{1,12}):([0-9]{1,7}(?:\.[0-9]{1,2})?)", item)
        claim_id = match.group(1).upper() if match else None
        if match is None or claim_id not in chosen:
            notices.append(f"{AMOUNT_PARAM}: '{excerpt(item)}' is not CLAIM:amount for a picked claim, ignored")
            continue
        value = float(match.group(2))
        if not 0 < value <= MAX_AMOUNT:
            notices.append(f"{AMOUNT_PARAM}: {excerpt(item)} is outside 0-{MAX_AMOUNT:,.0f} USD M, ignored")
            continue
        amounts[claim_id] = value
    return tuple(amounts.items())


def parse(scenario_values: Sequence[str], amount_values: Sequence[str], allowed: Sequence[str]) -> tuple[Scenario, list[str]]:
    """A scenario from URL values (``scenario=`` ids, comma-separated or repeated; ``amt=ID:USD M``).

    Ids are matched case-insensitively against ``allowed`` (the pending claim ids); amounts must
    belong to a picked id and lie in (0, MAX_AMOUNT]. Everything else is dropped with a notice.
    """
    notices: list[str] = []
    lookup = {a.casefold(): a for a in allowed}
    chosen: list[str] = []
    for item in _split(scenario_values):
        found = lookup.get(item.casefold()) if len(item) <= MAX_VALUE_CHARS else None
        if found is None:
            notices.append(f"{SCENARIO_PARAM}: '{excerpt(item)}' is not a pending claim, ignored")
        elif found not in chosen:
            chosen.append(found)
    if len(scenario_values) > MAX_VALUES_PER_KEY:
        notices.append(f"{SCENARIO_PARAM}: only the first {MAX_VALUES_PER_KEY} values were read")
    ids = tuple(chosen)
    return Scenario(ids, _amounts(amount_values, ids, notices)), notices


def to_query(scenario: Scenario) -> dict[str, list[str]]:
    """The scenario as URL parameters (empty when there is none)."""
    if not scenario:
        return {}
    query = {SCENARIO_PARAM: [",".join(scenario.claim_ids)]}
    if scenario.amounts:
        query[AMOUNT_PARAM] = [",".join(f"{cid}:{value:g}" for cid, value in scenario.amounts)]
    return query


def apply(claims: pd.DataFrame, financing: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """A copy of ``claims`` with the scenario's claims counted (see the module contract).

    Picked claims are taken from ``financing`` (they may be filtered out of ``claims``, e.g.
    rumoured ones under the default filters); a picked claim without an amount and without a
    what-if amount adds nothing.
    """
    out = claims.copy()
    picked = financing[financing["claim_id"].isin(scenario.claim_ids)].copy()
    if picked.empty:
        return out
    out = out[~out["claim_group"].isin(picked["claim_group"])]
    picked["counts_in_totals"] = True
    for cid, value in scenario.amounts:
        picked.loc[picked["claim_id"] == cid, "amount_usd"] = value
    # Two picked versions of one group: the later in the URL speaks for the group.
    picked = picked.set_index("claim_id").loc[list(scenario.claim_ids)].reset_index()
    picked = picked.drop_duplicates("claim_group", keep="last")
    return pd.concat([out, picked[out.columns]], ignore_index=True)


def gap(stack: pd.DataFrame) -> float:
    """The funding gap of a capital stack: the sum of its gap rows (USD millions)."""
    return float(stack.loc[stack["kind"] == "gap", "amount_usd"].sum())
