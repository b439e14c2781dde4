"""Reko Diq finance dashboard: data, transforms, charts and exports (no Streamlit here except ui.py)."""
