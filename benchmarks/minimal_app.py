"""The baseline of the browser and rerun benchmarks: one slider, one chart, nothing else.

Run it as the benchmarks do::

    streamlit run benchmarks/minimal_app.py    # then open /?kind=curve (or surface, surface3d)

``?kind=`` picks the same *kind* of chart a lossviz page draws, built the way
``lossviz.figures`` builds it (NumPy float32 arrays, which plotly sends as
base64), so that the ratio page / minimal app measures what the page adds on
top of Streamlit + Plotly, not a different encoding:

- ``curve``: a 2-row figure (a loss on top, its gradient below, shared x) of
  801 points, like the Explore curve view;
- ``surface``: a 200×200 filled contour map, like the Explore surface view;
- ``surface3d``: the same grid as a 3-D ``go.Surface``.

The slider (in the sidebar, like the app's) is δ of a Huber loss; every rerun
recomputes the arrays (no cache) and rebuilds the figure. It deliberately
imports nothing from lossviz.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

CURVE_POINTS = 801  # as lossviz.views.explore.CURVE_POINTS
SURFACE_POINTS = 200  # as lossviz.views.explore.SURFACE_POINTS
KINDS = ("curve", "surface", "surface3d")


def huber(r: np.ndarray, delta: float) -> np.ndarray:
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))


def curve(delta: float) -> go.Figure:
    x = np.linspace(-4.0, 4.0, CURVE_POINTS)
    loss = huber(x, delta)
    grad = np.clip(x, -delta, delta)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4])
    xs = x.astype(np.float32)
    fig.add_trace(go.Scatter(x=xs, y=loss.astype(np.float32), name="loss"), row=1, col=1)
    fig.add_trace(go.Scatter(x=xs, y=grad.astype(np.float32), name="gradient"), row=2, col=1)
    fig.update_layout(height=560, title=f"Huber, δ = {delta:.2f}")
    return fig


def surface(delta: float, three_d: bool) -> go.Figure:
    x = np.linspace(-4.0, 4.0, SURFACE_POINTS)
    y = np.linspace(-4.0, 4.0, SURFACE_POINTS)
    X, Y = np.meshgrid(x, y)
    z = huber(X - 0.5 * Y, delta) + 0.1 * huber(Y, delta)
    xs, ys, zs = x.astype(np.float32), y.astype(np.float32), z.astype(np.float32)
    trace = go.Surface(x=xs, y=ys, z=zs) if three_d else go.Contour(x=xs, y=ys, z=zs)
    fig = go.Figure(trace)
    fig.update_layout(height=520, title=f"Huber surface, δ = {delta:.2f}")
    return fig


kind = st.query_params.get("kind", "curve")
if kind not in KINDS:
    kind = "curve"
delta = st.sidebar.slider("δ", min_value=0.05, max_value=5.0, value=1.0, step=0.05)
fig = curve(delta) if kind == "curve" else surface(delta, three_d=kind == "surface3d")
st.plotly_chart(fig, key="chart")
