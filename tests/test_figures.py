"""The shared figure builders: what they plot is what they were given, labels included."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz import figures, registry
from lossviz.losses import huber, huber_grad
from lossviz.registry import REGISTRY, defaults


def _y(trace) -> np.ndarray:
    return np.asarray(trace.y, dtype=np.float64)


def test_curve_figure_plots_the_core_values_as_float32_with_live_labels():
    spec = REGISTRY["huber"]
    params = {"delta": 0.7}
    x = np.linspace(*spec.curve.x_range, 201)
    branches = registry.curve(spec, params, x)
    markers = registry.markers(spec, params)
    fig = figures.curve_figure(
        x, branches, x_label=spec.curve.x_label, markers=markers, title="Huber loss — δ = 0.70"
    )
    loss_trace, grad_trace = fig.data[0], fig.data[1]
    assert loss_trace.y.dtype == np.float32  # serialised as base64, not a JSON list
    np.testing.assert_allclose(_y(loss_trace), huber(0.0, x, delta=0.7), rtol=1e-6)
    np.testing.assert_allclose(_y(grad_trace), huber_grad(0.0, x, delta=0.7), rtol=1e-6)
    labels = [a.text for a in fig.layout.annotations]
    assert any("0.70" in t for t in labels)
    assert fig.layout.title.text == "Huber loss — δ = 0.70"
    assert {round(s.x0, 6) for s in fig.layout.shapes} == {-0.7, 0.7}


def test_curve_figure_drops_markers_outside_the_axis_and_stacks_close_ones():
    x = np.linspace(-1, 1, 11)
    fig = figures.curve_figure(
        x,
        [("a", x**2, 2 * x)],
        x_label="x",
        markers=[(0.0, "zero"), (0.05, "near"), (5.0, "outside")],
    )
    # In the order given (live scrubbing updates marker k by index); the one outside the
    # axis is kept but not drawn.
    assert [a.text for a in fig.layout.annotations] == ["zero", "near", "outside"]
    assert [a.visible for a in fig.layout.annotations] == [True, True, False]
    assert [s.visible for s in fig.layout.shapes] == [True, True, True, True, False, False]
    # Inside the top of the loss row, the second label a row lower (clear of the legend).
    assert [a.yshift for a in fig.layout.annotations][:2] == [0, -16]
    assert all(a.yanchor == "top" for a in fig.layout.annotations)


@pytest.mark.parametrize("three_d", [False, True])
def test_surface_figure_keeps_values_and_camera_revision(three_d):
    spec = REGISTRY["bradley_terry"]
    x = np.linspace(*spec.surface.x_range, 40)
    y = np.linspace(*spec.surface.y_range, 30)
    z = registry.surface(spec, defaults(spec), x, y)
    fig = figures.surface_figure(
        x, y, z, x_label="r_c", y_label="r_r", three_d=three_d, uirevision="bt"
    )
    trace = fig.data[0]
    np.testing.assert_allclose(np.asarray(trace.z, dtype=np.float64), z, rtol=1e-6)
    assert fig.layout.uirevision == "bt"
    assert trace.type == ("surface" if three_d else "contour")


def test_builders_reject_mismatched_shapes_and_non_finite_become_gaps():
    x = np.linspace(0, 1, 5)
    with pytest.raises(ValueError, match="must have the shape of x"):
        figures.curve_figure(x, [("a", np.zeros(4), np.zeros(5))], x_label="x")
    with pytest.raises(ValueError, match=r"z must have shape \(len\(y\), len\(x\)\)"):
        figures.surface_figure(x, x, np.zeros((4, 5)), x_label="a", y_label="b")
    out = figures.f32([1.0, np.inf, -np.inf, np.nan])
    assert out.dtype == np.float32 and np.isnan(out[1:]).all()


def test_the_current_hyperparameter_on_the_surface_y_axis_is_marked_by_a_line():
    # Drawn over the map in the browser (views/level_line.py, tested in
    # test_explore_browser.py); here: its value and label come from the live values.
    from lossviz.views.explore import _hline

    spec = REGISTRY["huber"]
    assert spec.surface.y_param == "delta"
    assert _hline(spec, {"delta": 0.7}) == (0.7, "current δ = 0.70")
    assert _hline(REGISTRY["mse"], {}) is None
