"""Shared test setup."""

from streamlit.runtime.pages_manager import PagesManager

# The app registers the scripts in pages/ through st.navigation. AppTest resets Streamlit's
# "legacy pages/ folder" flag before every run, which would make each rerun execute the page
# script alone, without app.py (no sidebar, no URL sync). scripts/launch.py clears the same
# flag for real servers; here it is cleared after every reset, so tests see what users see.
_original_init = PagesManager.__init__


def _init_without_legacy_pages(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    PagesManager.uses_pages_directory = False


PagesManager.__init__ = _init_without_legacy_pages
