"""The Outliers page's figure builders: plotted values are the library's values."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from lossviz import figures, losses
from lossviz.data import regression_data
from lossviz.fit import fit_regression, gradient_descent
from lossviz.landscape import regression_landscape


@pytest.fixture(scope="module")
def data():
    return regression_data(60, outlier_fraction=0.2, seed=3)


def _f32(a):
    return np.asarray(a, dtype=np.float32)


def _arr(v):
    """A trace array as plotly holds it (typed array or list) as float64."""
    return np.asarray(v, dtype=np.float64)


def test_scatter_plots_the_data_influence_truth_and_fits(data):
    fit = fit_regression(data.x, data.y, "huber", delta=1.0)
    g = np.abs(losses.huber_grad(data.y, fit.w * data.x + fit.b, delta=1.0))
    fig = figures.outliers_scatter_figure(
        data.x,
        data.y,
        data.is_outlier,
        g,
        lines=[("Huber", fit.w, fit.b, "#009E73")],
        truth=(data.slope, data.intercept),
        influence_label="|∂ℓ/∂ŷ|",
        max_size=20.0,
        min_size=0.0,
    )
    inl, out, truth, line = fig.data
    m = data.is_outlier
    np.testing.assert_array_equal(_arr(inl.x), _f32(data.x[~m]))
    np.testing.assert_array_equal(_arr(out.y), _f32(data.y[m]))
    np.testing.assert_array_equal(_arr(out.customdata), _f32(g[m]))
    assert out.marker.symbol == "diamond" and inl.marker.symbol == "circle"
    assert inl.name == f"inliers ({int((~m).sum())})"
    # Diameter ∝ |∂ℓ/∂ŷ|: Huber's cap δ = 1 is the largest vote, drawn at max_size.
    assert g.max() == pytest.approx(1.0)
    np.testing.assert_allclose(_arr(out.marker.size), 20.0 * g[m] / g.max(), rtol=1e-6)
    # Lines: y = w x + b at both ends of the x range; the legend carries the same numbers.
    xs = _arr(line.x)
    np.testing.assert_allclose(_arr(line.y), fit.w * xs + fit.b, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_arr(truth.y), data.slope * xs + data.intercept, rtol=1e-5)
    assert f"{fit.w:.2f}x" in line.name and f"{abs(fit.b):.2f}" in line.name
    assert truth.name == "truth: ŷ = 1.50x + 0.50"
    assert xs[0] < data.x.min() and xs[1] > data.x.max()


def test_scatter_mae_votes_are_equal_and_min_size_applies(data):
    fit = fit_regression(data.x, data.y, "mae")
    g = np.abs(losses.mae_grad(data.y, fit.w * data.x + fit.b))
    fig = figures.outliers_scatter_figure(
        data.x, data.y, data.is_outlier, g, lines=[], truth=(1.5, 0.5), influence_label="v"
    )
    m = data.is_outlier
    sizes = np.concatenate([_arr(fig.data[0].marker.size), _arr(fig.data[1].marker.size)])
    votes = np.concatenate([g[~m], g[m]])
    # Every point with r ≠ 0 has vote 1 → the same, largest size (outliers included);
    # a point exactly on the LAD line (subgradient 0) gets the minimum size.
    assert set(votes) <= {0.0, 1.0} and votes.sum() > 0
    np.testing.assert_allclose(sizes[votes == 1.0], 26.0)
    np.testing.assert_allclose(sizes[votes == 0.0], 4.0)


def test_scatter_rejects_mismatched_shapes(data):
    with pytest.raises(ValueError, match="influence"):
        figures.outliers_scatter_figure(
            data.x, data.y, data.is_outlier, np.ones(3), lines=[], truth=(0, 0), influence_label="v"
        )


@pytest.mark.parametrize("three_d", [False, True])
def test_landscape_plots_the_exact_landscape_optimum_truth_and_path(data, three_d):
    w = np.linspace(-1, 3, 41)
    b = np.linspace(-2, 3, 31)
    z = regression_landscape(data.x, data.y, w, b, "mae")
    fit = fit_regression(data.x, data.y, "mae")
    p = gradient_descent(data.x, data.y, "mae", lr=0.05, steps=30, start=(-1.0, 3.0))
    fig = figures.landscape_path_figure(
        w,
        b,
        z,
        optimum=(fit.w, fit.b, fit.objective),
        truth=(1.5, 0.5, 2.0),
        path=(p.w, p.b, p.loss),
        step=10,
        colour="#E69F00",
        three_d=three_d,
    )
    surf = fig.data[0]
    assert isinstance(surf, go.Surface if three_d else go.Contour)
    np.testing.assert_array_equal(_arr(surf.z), _f32(z))
    np.testing.assert_array_equal(_arr(surf.x), _f32(w))
    rest, done = fig.data[1], fig.data[2]
    np.testing.assert_array_equal(_arr(done.x), _f32(p.w[:11]))
    np.testing.assert_array_equal(_arr(done.y), _f32(p.b[:11]))
    np.testing.assert_array_equal(_arr(rest.x), _f32(p.w[10:]))
    names = [t.name for t in fig.data]
    opt = fig.data[names.index("optimum ★")]
    assert _arr(opt.x)[0] == pytest.approx(fit.w, rel=1e-6)
    assert _arr(opt.y)[0] == pytest.approx(fit.b, rel=1e-6, abs=1e-6)
    tru = fig.data[names.index("truth ✕")]
    assert (_arr(tru.x)[0], _arr(tru.y)[0]) == (1.5, 0.5)
    if three_d:
        # Lifted onto the surface: the path's z is its loss (+ a 1 % lift above the surface).
        lift = 0.01 * (z.max() - z.min())
        np.testing.assert_allclose(_arr(done.z), p.loss[:11] + lift, rtol=1e-5)
    else:
        assert list(fig.layout.xaxis.range) == [-1.0, 3.0]
        assert list(fig.layout.yaxis.range) == [-2.0, 3.0]


def test_landscape_step_is_clipped_to_a_short_diverged_path(data):
    w = np.linspace(-1, 3, 5)
    b = np.linspace(-1, 3, 4)
    z = regression_landscape(data.x, data.y, w, b, "mse")
    p = gradient_descent(data.x, data.y, "mse", lr=5.0, steps=50)
    assert p.diverged and p.w.size < 51
    fig = figures.landscape_path_figure(
        w,
        b,
        z,
        optimum=(1, 1, 1),
        truth=(1.5, 0.5, 1),
        path=(p.w, p.b, p.loss),
        step=50,
        colour="#000",
    )
    assert fig.data[3].name == f"step {p.w.size - 1}"
    assert _arr(fig.data[2].x).size == p.w.size


def test_landscape_rejects_bad_shapes():
    with pytest.raises(ValueError, match="z must have shape"):
        figures.landscape_path_figure(
            np.arange(3.0),
            np.arange(2.0),
            np.zeros((3, 2)),
            optimum=(0, 0, 0),
            truth=(0, 0, 0),
            path=(np.zeros(1), np.zeros(1), np.zeros(1)),
            step=0,
            colour="#000",
        )


def test_equalised_scale_is_valid_and_at_quantiles():
    z = np.linspace(0.0, 1.0, 1001) ** 4
    scale = figures.equalised_scale(z, stops=5)
    stops = [s[0] for s in scale]
    assert stops[0] == 0.0 and stops[-1] == 1.0 and np.all(np.diff(stops) > 0)
    np.testing.assert_allclose(stops, np.quantile(z, [0, 0.25, 0.5, 0.75, 1.0]), atol=1e-12)
    # A plateau gives repeated quantiles: dropped, still increasing and ending at 1.
    flat = figures.equalised_scale(np.r_[np.zeros(900), np.linspace(0, 1, 100)])
    fs = [s[0] for s in flat]
    assert fs[0] == 0.0 and fs[-1] == 1.0 and np.all(np.diff(fs) > 0)
    go.Contour(z=[[0, 1]], colorscale=flat)  # plotly accepts it


def test_descent_gap_is_loss_minus_optimum_floored(data):
    fit = fit_regression(data.x, data.y, "mse")
    p = gradient_descent(data.x, data.y, "mse", lr=0.1, steps=200)
    fig = figures.descent_gap_figure([("MSE", p.loss, fit.objective, "#0072B2")], step=7, steps=200)
    (tr,) = fig.data
    expected = np.maximum(p.loss - fit.objective, 1e-15)
    np.testing.assert_allclose(_arr(tr.y), expected, rtol=1e-6)
    np.testing.assert_array_equal(_arr(tr.x), np.arange(201))
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.shapes[0].x0 == 7
