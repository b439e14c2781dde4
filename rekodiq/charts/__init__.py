"""Chart builders: pure functions from tidy frames to ``go.Figure`` (no Streamlit, no I/O)."""
