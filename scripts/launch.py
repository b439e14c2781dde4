"""Start the dashboard: ``python scripts/launch.py [streamlit run options]``.

Same as ``streamlit run app.py`` with one fix. The design keeps page scripts in a top-level
``pages/`` folder and registers them with ``st.navigation`` in app.py. Streamlit also treats
a ``pages/`` folder as a legacy multipage app until app.py has run once in the process, so
the first visitor of a fresh server who opens a sub-page (``/funding``) would get that page
without app.py: no sidebar filters, no URL sync. Declaring up front that the app does not
use the legacy folder removes that window. Every command in this repository starts the app
through this file.
"""

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())
