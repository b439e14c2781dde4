"""The production settings in .streamlit/config.toml, value by value."""

import tomllib
from pathlib import Path

import pytest

CONFIG = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())

EXPECTED = [
    ("server", "enableXsrfProtection", True),
    ("server", "enableCORS", True),
    ("server", "enableStaticServing", False),
    ("server", "fileWatcherType", "none"),
    ("server", "runOnSave", False),
    ("server", "headless", True),
    ("client", "showErrorDetails", "none"),
    ("runner", "magicEnabled", False),
    ("runner", "postScriptGC", False),
    ("browser", "gatherUsageStats", False),
]


@pytest.mark.parametrize(("section", "key", "value"), EXPECTED)
def test_setting(section, key, value):
    assert CONFIG[section][key] == value


def test_toolbar_is_viewer_or_minimal():
    assert CONFIG["client"]["toolbarMode"] in ("viewer", "minimal")


def test_upload_and_message_sizes_are_lowered():
    assert CONFIG["server"]["maxUploadSize"] <= 10
    assert CONFIG["server"]["maxMessageSize"] <= 50


def test_streamlit_accepts_the_file():
    """Streamlit parses the file and reports the same values (catches typos in key names)."""
    from streamlit import config

    config.get_config_options(force_reparse=True, options_from_flags={})
    for section, key, value in EXPECTED:
        assert config.get_option(f"{section}.{key}") == value


def test_the_server_runs_on_uvloop():
    """Streamlit picks uvloop's loop when it can (bench/README.md: a fifth less server CPU per interaction)."""
    import asyncio

    from streamlit.web.bootstrap import _get_uvloop_loop_factory

    factory = _get_uvloop_loop_factory()
    assert factory is not None, "uvloop (requirements.txt) is missing or too old for Streamlit"
    loop = factory()
    try:
        assert type(loop).__module__.startswith("uvloop")
        assert isinstance(loop, asyncio.AbstractEventLoop)
    finally:
        loop.close()
