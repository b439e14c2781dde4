"""The validated dataset for the HTTP routes: loaded once per data folder and manifest, reused read-only.

Routes must not copy the dataset per request, and must never serve data that failed
validation: a folder that fails its checks while the server runs (a half-copied release)
does not replace the last good data; the failure is logged for the curator.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from rekodiq.data import MANIFEST_FILE, Dataset, data_dir, load_dataset

LOG = logging.getLogger(__name__)
_LOCK = threading.Lock()
_GOOD: dict[str, tuple[float, Dataset]] = {}  # folder -> (manifest mtime, last good dataset)


class DataUnavailable(RuntimeError):
    """No validated data has ever been loaded from the folder in use."""


def _stamp(folder: Path) -> float:
    try:
        return (folder / MANIFEST_FILE).stat().st_mtime
    except OSError:
        return -1.0


def current() -> Dataset:
    """The last good dataset of the data folder in use (reloaded when its manifest changes).

    Treat it as read-only: it is shared by every request.
    """
    folder = data_dir()
    key, stamp = str(folder), _stamp(folder)
    with _LOCK:
        cached = _GOOD.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
        result = load_dataset(folder)
        if result.dataset is not None:
            _GOOD[key] = (stamp, result.dataset)
            return result.dataset
        LOG.error("data in %s failed validation; keeping the last good data: %s", folder, result.report.failures[:5])
        if cached:
            return cached[1]
        raise DataUnavailable(f"no valid data in {folder}")


def remember(folder: Path, dataset: Dataset) -> None:
    """Record ``dataset`` as the last good data of ``folder`` (the dashboard's loader calls this too)."""
    with _LOCK:
        _GOOD[str(folder)] = (_stamp(Path(folder)), dataset)


def last_good(folder: Path) -> Dataset | None:
    """The last good dataset seen for ``folder`` in this process, if any."""
    with _LOCK:
        cached = _GOOD.get(str(folder))
    return cached[1] if cached else None
