"""Shared fixtures: copies of the data folder, and the small frozen dataset for chart tests.

Test tiers (markers, see pyproject.toml): unmarked tests are the fast tier (pure units and
AppTest); ``browser``, ``deploy`` and ``slow`` tests run only in the full suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rekodiq.data import Dataset, load_dataset

from data_files import MINI_DATA, copy_data


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ holding only what the loader reads (tests may alter it)."""
    return copy_data(tmp_path / "data")


@pytest.fixture(scope="session")
def mini_data_dir() -> Path:
    """tests/fixtures/mini_data: a few rows per table, valid, frozen (read only)."""
    return MINI_DATA


@pytest.fixture(scope="session")
def mini_dataset(mini_data_dir: Path) -> Dataset:
    """The mini dataset, loaded and validated like the real one, for chart and domain tests
    that must not change when data/ is updated."""
    result = load_dataset(mini_data_dir)
    assert result.dataset is not None, "\n".join(map(str, result.report.failures))
    return result.dataset
