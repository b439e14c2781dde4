"""Shared fixtures: copies of the data folder, and the small frozen dataset for chart tests.

Test tiers (markers, see pyproject.toml): unmarked tests are the fast tier (pure units and
AppTest); ``browser``, ``deploy`` and ``slow`` tests run only in the full suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def _open_expander(label: str, key: str, **options) -> Iterator[bool]:
    import streamlit as st

    with st.expander(label, key=key, **options):
        yield True


@pytest.fixture(autouse=True)
def open_menus(request, monkeypatch):
    """AppTest cannot click an expander open, so page tests see every lazy expander open (their
    content is what the tests check); tests marked ``closed_menus`` see them closed, as a visitor
    does on arrival. Browser tests run the real app in its own process and click them open."""
    if request.node.get_closest_marker("closed_menus") is None:
        monkeypatch.setattr("rekodiq.ui.blocks.lazy_expander", _open_expander)
