"""File names, permalinks and MIME types of the downloads.

Contract (:func:`export_file_name`): ``reko-diq_<chart-slug>_<filters>_<YYYY-MM-DD>.<ext>``
using only ``[A-Za-z0-9._-]``, at most :data:`MAX_NAME_CHARS` characters. ``<filters>`` is
``default`` when no filter differs from the defaults; long filter lists are cut and end with a
short hash of the full list, so they stay distinguishable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from rekodiq.filters import Filters
from rekodiq.urlstate import PAGE_KEYS, SECTION_KEYS, to_query

SITE_NAME = "Reko Diq finance tracker"
NAME_PREFIX = "reko-diq"
MAX_NAME_CHARS = 150
MAX_SLUG_CHARS = 40

MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "html": "text/html",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "zip": "application/zip",
    "pdf": "application/pdf",
}

_NOT_TOKEN = re.compile(r"[^A-Za-z0-9]+")


def _short_hash(text: str, n: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def _token(text: object) -> str:
    """ASCII letters, digits and single hyphens only ('Société Générale/..' -> 'Societe-Generale')."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return _NOT_TOKEN.sub("-", ascii_text).strip("-")


def _value_token(value: str) -> str:
    # A value with no Latin letters or digits (e.g. a name in another script) still gets a
    # distinct, stable token.
    return _token(value) or "x" + _short_hash(value, 6)


def page_query(params: Mapping[str, Sequence[str]] | None, keys: Sequence[str] = PAGE_KEYS) -> dict[str, list[str]]:
    """The page-level URL settings (``view``, ``stack``... in ``urlstate.PAGE_KEYS``, or ``keys``) from
    ``params``, bounded; anything else (filters, embed options, unknown keys) is dropped."""
    out: dict[str, list[str]] = {}
    for key in keys:
        values = (params or {}).get(key)
        if values:
            values = [values] if isinstance(values, str) else list(values)
            out[key] = [str(v)[:200] for v in values[:50]]
    return out


def filters_token(
    filters: Filters | Mapping[str, Sequence[str]] | None, page_params: Mapping[str, Sequence[str]] | None = None
) -> str:
    """The filters as a file-name part: ``view-equity_lender-JBIC.US-EXIM_status-signed``, or ``default``.

    Keys and values come from :func:`rekodiq.urlstate.to_query` (the same words as the URL),
    after the page settings of :func:`page_query`; values of one key are joined with ``.``,
    keys with ``_``; on/off flags appear as their bare name. Not length-bounded (see
    :func:`export_file_name`).
    """
    query = dict(page_query(page_params))
    query.update(to_query(filters) if isinstance(filters, Filters) else dict(filters or {}))
    parts = []
    for key, values in query.items():
        values = [values] if isinstance(values, str) else list(values)
        if values == ["1"]:
            parts.append(_token(key))
        else:
            parts.append(_token(key) + "-" + ".".join(_value_token(str(v)) for v in values))
    return "_".join(p for p in parts if p) or "default"


def export_file_name(
    chart_slug: str,
    filters: Filters | Mapping[str, Sequence[str]] | None,
    ext: str,
    day: dt.date,
    page_params: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """``reko-diq_<chart-slug>_<filters>_<YYYY-MM-DD>.<ext>``; safe characters, bounded length.

    ``filters=None`` leaves the filters part out (e.g. the whole-dataset zip); ``page_params``
    (the current query parameters) adds the page's own settings such as ``view-equity``. Every part is
    reduced to ``[A-Za-z0-9-]`` (accents folded, slashes and dots removed, so ``../`` cannot
    survive); a filters part that would push the name past :data:`MAX_NAME_CHARS` is cut and
    ends with ``-h<hash>`` of the full filters text.
    """
    slug = (_token(chart_slug).lower() or "chart")[:MAX_SLUG_CHARS].strip("-") or "chart"
    extension = _token(ext).lower()[:8] or "bin"
    day_text = (day.date() if isinstance(day, dt.datetime) else day).isoformat()
    head = f"{NAME_PREFIX}_{slug}_"
    tail = f"_{day_text}.{extension}"
    if filters is None:
        return f"{NAME_PREFIX}_{slug}{tail}"
    token = filters_token(filters, page_params)
    budget = MAX_NAME_CHARS - len(head) - len(tail)
    if len(token) > budget:
        digest = "-h" + _short_hash(token)
        token = token[: budget - len(digest)].rstrip("-._") + digest
    return head + token + tail


def permalink(page_url: str | None, filters: Filters, page_params: Mapping[str, Sequence[str]] | None = None) -> str:
    """The page address with its settings and filters as query parameters (``?view=equity&lender=JBIC``).

    ``page_url`` is the page's address without a query (``st.context.url``); any query or
    fragment on it is dropped. ``page_params`` (e.g. ``st.query_params`` as lists) contributes
    only the page settings and open section named in ``urlstate.PAGE_KEYS`` and ``SECTION_KEYS``
    (a cited link opens the same tab); the filters always come from
    ``filters``. ``None`` as ``page_url`` gives a relative link (``?lender=JBIC`` or ``""``).
    """
    base = (page_url or "").split("#", 1)[0].split("?", 1)[0]
    query = page_query(page_params, (*PAGE_KEYS, *SECTION_KEYS))
    query.update(to_query(filters))
    text = urlencode(query, doseq=True)
    return base + ("?" + text if text else "")
