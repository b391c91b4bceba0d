"""The Explore page's wiring with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import numpy as np
import pytest
from _pages import assert_no_exception, run_page
from streamlit.testing.v1 import AppTest

from lossviz.registry import REGISTRY

pytestmark = pytest.mark.app


def _app(**query) -> AppTest:
    return run_page("explore", query)


_no_exception = assert_no_exception


def _slider(at: AppTest, name: str, key: str):
    matches = [s for s in at.slider if s.key == f"explore.{key}.{name}"]
    assert matches, f"no slider {name} for {key}"
    return matches[0]


@pytest.mark.parametrize("key", list(REGISTRY))
def test_every_loss_renders_and_every_slider_reaches_its_extremes(key):
    at = _app(loss=key)
    _no_exception(at)
    assert at.title[0].value == REGISTRY[key].title
    spec = REGISTRY[key]
    for p in (*spec.params, *spec.curve.scene):
        for value in (p.min, p.max):
            s = _slider(at, p.name, key)
            s.set_value(int(value) if isinstance(s.value, int) else value)
            at.run()
            _no_exception(at)
            assert not at.warning, [w.value for w in at.warning]
    assert not at.warning


def test_url_initialises_the_widgets_and_the_url_follows_them():
    at = _app(loss="focal", gamma="0.5", alpha_on="1", alpha="0.6", x="p_t", family="0")
    _no_exception(at)
    assert not at.warning
    assert _slider(at, "gamma", "focal").value == pytest.approx(0.5)
    assert _slider(at, "alpha", "focal").value == pytest.approx(0.6)
    assert at.query_params["gamma"] == "0.5"
    assert at.query_params["x"] == "p_t"
    _slider(at, "gamma", "focal").set_value(3.0)
    at.run()
    assert at.query_params["gamma"] == "3.0"
    header = [m.value for m in at.markdown if "Current values" in m.value]
    assert header and "γ = 3.0" in header[0] and "α = 0.60" in header[0]


def test_optional_alpha_can_be_switched_off_from_the_url():
    at = _app(loss="focal", alpha_on="0")
    _no_exception(at)
    assert not [s for s in at.slider if s.key == "explore.focal.alpha"]
    header = next(m.value for m in at.markdown if "Current values" in m.value)
    assert "α: off" in header


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"loss": "nonsense"}, ["loss"]),
        ({"loss": "huber", "delta": "abc"}, ["delta"]),
        ({"loss": "huber", "delta": "NaN"}, ["delta"]),
        ({"loss": "huber", "delta": "inf"}, ["delta"]),
        ({"loss": "huber", "delta": "-1"}, ["delta"]),
        ({"loss": "huber", "delta": "1e309"}, ["delta"]),
        ({"loss": "focal", "gamma": "99", "alpha": "<b>x</b>", "x": "zz"}, ["gamma", "alpha", "x"]),
        ({"loss": "huber", "3d": "maybe"}, ["3d"]),
        ({"loss": "categorical_cross_entropy", "n_classes": "2.5e1"}, ["n_classes"]),
        ({"loss": "", "x0": ""}, ["loss", "x0"]),
    ],
)
def test_garbage_in_the_url_warns_by_name_and_falls_back(query, names):
    at = _app(**query)
    _no_exception(at)
    assert len(at.warning) == 1
    text = at.warning[0].value
    for name in names:
        assert f"`{name}`" in text
    assert "using" in text  # says what it used instead
    assert len(at.get("plotly_chart")) >= 2  # the page still drew


def test_out_of_step_url_values_snap_to_the_slider_grid():
    at = _app(loss="huber", delta="0.73")
    _no_exception(at)
    assert _slider(at, "delta", "huber").value == pytest.approx(0.75)
    # Rounding is not silent: the warning says what was used.
    assert "`delta`" in at.warning[0].value and "rounded to 0.75" in at.warning[0].value


def test_kl_page_states_infinity_in_words_never_nan():
    at = _app(loss="kl_divergence")
    _no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    forward = metrics["KL(P‖Q), forward"]
    assert "nats" in forward and "nan" not in forward.lower()
    assert float(forward.split()[0]) > 0


def test_curve_values_on_the_page_equal_the_core():
    from lossviz.losses import huber, huber_grad
    from lossviz.views.explore import curve_arrays

    x, branches, markers = curve_arrays("huber", (("delta", 0.7),), "logit")
    (_, loss, grad) = branches[0]
    np.testing.assert_allclose(loss, huber(0.0, x, delta=0.7))
    np.testing.assert_allclose(grad, huber_grad(0.0, x, delta=0.7))
    assert sorted(m for m, _ in markers) == [-0.7, 0.7]


def _extreme_settings(key):
    spec = REGISTRY[key]
    base = {p.name: p.default for p in (*spec.params, *spec.curve.scene)}
    yield base
    for p in (*spec.params, *spec.curve.scene):
        for v in (p.min, p.max):
            yield {**base, p.name: v}
    if any(p.optional for p in spec.params):
        yield {**base, **{p.name: None for p in spec.params if p.optional}}


@pytest.mark.parametrize("key", list(REGISTRY))
def test_no_nan_or_inf_reaches_a_figure_at_any_slider_extreme(key):
    from lossviz.views.explore import SURFACE_POINTS, curve_arrays, surface_arrays

    modes = ["logit", "p", "p_t"] if key == "focal" else ["logit"]
    if key == "binary_cross_entropy":
        modes.append("p")
    for values in _extreme_settings(key):
        frozen = tuple(sorted(values.items()))
        for mode in modes:
            x, branches, _ = curve_arrays(key, frozen, mode)
            for name, loss, grad in branches:
                ok = np.isfinite(loss) & np.isfinite(grad)
                if key == "triplet":
                    # Documented gap: d₊ = d₋ + x < 0 is outside the domain, drawn as NaN.
                    ok |= values["d_neg"] + x < 0
                assert ok.all(), (key, values, mode, name)
        _, _, z = surface_arrays(key, frozen, SURFACE_POINTS)
        assert np.isfinite(z).all(), (key, values)


@pytest.mark.parametrize(("key", "name", "value"), [("huber", "delta", 2.0),
                                                    ("focal", "gamma", 0.5),
                                                    ("contrastive", "margin", 2.0)])  # fmt: skip
def test_moving_the_surface_y_parameter_leaves_the_surface_figure_as_it_is(key, name, value):
    # The surface is over (x, that parameter): its figure must not change, so Streamlit
    # sends a cache reference and the browser keeps the chart (the line over it moves).
    at = _app(loss=key)
    before = [e.proto.spec for e in at.get("plotly_chart")]
    _slider(at, name, key).set_value(value).run()
    assert_no_exception(at)
    after = [e.proto.spec for e in at.get("plotly_chart")]
    assert before[1] == after[1]  # the surface
    assert before[0] != after[0]  # the curve follows the parameter
