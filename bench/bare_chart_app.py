"""Lighthouse baseline: a bare Streamlit page with one small Plotly chart (usage statistics off by the command line)."""

import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])), height=300)
