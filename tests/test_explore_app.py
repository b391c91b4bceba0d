"""The Explore page's wiring with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import numpy as np
import pytest
from _pages import assert_no_exception, run_page
from streamlit.testing.v1 import AppTest

from lossviz.registry import REGISTRY
from lossviz.views import scrub

pytestmark = pytest.mark.app


def _app(**query) -> AppTest:
    return run_page("explore", query)


_no_exception = assert_no_exception


def _bar(at: AppTest) -> dict:
    """The scrub bar's data as the page sends it (its sliders, their values and frames)."""
    import json

    el = [e for e in at.get("bidi_component") if e.proto.component_name == scrub.NAME]
    assert len(el) == 1
    return json.loads(el[0].proto.json)


def _value(at: AppTest, name: str, key: str) -> float:
    """The value the scrub bar shows for parameter ``name`` of loss ``key``."""
    controls = {c["name"]: c for c in _bar(at)["controls"]}
    control = controls.get(f"explore.{key}.{name}")
    assert control is not None, f"no slider {name} for {key}: {sorted(controls)}"
    return control["value"]


def _set(at: AppTest, name: str, key: str, value) -> AppTest:
    """Commit a value as the scrub bar does on release (it writes the value's session key)."""
    at.session_state[f"explore.{key}.{name}"] = value
    return at.run()


@pytest.mark.parametrize("key", list(REGISTRY))
def test_every_loss_renders_and_every_slider_reaches_its_extremes(key):
    at = _app(loss=key)
    _no_exception(at)
    assert at.title[0].value == REGISTRY[key].title
    spec = REGISTRY[key]
    for p in (*spec.params, *spec.curve.scene):
        _value(at, p.name, key)  # on the bar
        for value in (p.min, p.max):
            integer = float(p.step).is_integer() and p.step >= 1
            _set(at, p.name, key, int(value) if integer else value)
            _no_exception(at)
            assert not at.warning, [w.value for w in at.warning]
            assert _value(at, p.name, key) == pytest.approx(value)
    assert not at.warning


def test_url_initialises_the_widgets_and_the_url_follows_them():
    at = _app(loss="focal", gamma="0.5", alpha_on="1", alpha="0.6", x="p_t", family="0")
    _no_exception(at)
    assert not at.warning
    assert _value(at, "gamma", "focal") == pytest.approx(0.5)
    assert _value(at, "alpha", "focal") == pytest.approx(0.6)
    assert at.query_params["gamma"] == "0.5"
    assert at.query_params["x"] == "p_t"
    _set(at, "gamma", "focal", 3.0)
    assert at.query_params["gamma"] == "3.0"
    title = _chart(at, 0)["layout"]["title"]["text"]
    assert "γ = 3.0" in title and "α = 0.60" in title


def test_optional_alpha_can_be_switched_off_from_the_url():
    at = _app(loss="focal", alpha_on="0")
    _no_exception(at)
    assert "explore.focal.alpha" not in {c["name"] for c in _bar(at)["controls"]}
    assert "α: off" in _chart(at, 0)["layout"]["title"]["text"]


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
    assert _value(at, "delta", "huber") == pytest.approx(0.75)
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

    x, branches, markers = curve_arrays("huber", (("delta", 0.7),), "r")
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

    modes = [a.key for a in REGISTRY[key].curve.axes]
    for values in _extreme_settings(key):
        frozen = tuple(sorted(values.items()))
        for mode in modes:
            _, branches, _ = curve_arrays(key, frozen, mode)
            for name, loss, grad in branches:
                ok = np.isfinite(loss) & np.isfinite(grad)
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
    _set(at, name, key, value)
    assert_no_exception(at)
    after = [e.proto.spec for e in at.get("plotly_chart")]
    assert before[1] == after[1]  # the surface
    assert before[0] != after[0]  # the curve follows the parameter


# --- every number and label on screen is true (issue: "Every number and label true") ---


def _metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def _chart(at: AppTest, index: int) -> dict:
    import json

    return json.loads(at.get("plotly_chart")[index].proto.spec)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Lin et al. 2017, §3.2 / Fig. 1: FL(p_t = 0.9, γ = 2) = −(0.1)² ln 0.9 = 0.0010536.
        ({"loss": "focal", "gamma": "2.0", "alpha_on": "0", "x": "p_t", "x0": "0.90"}, "0.001054"),
        # −ln 0.9 = 0.1053605 (by hand): BCE of a positive at p = 0.9.
        ({"loss": "binary_cross_entropy", "x": "p", "x0": "0.90"}, "0.1054"),
        # Huber δ = 1 at r = 2: δ(|r| − δ/2) = 1.5, four significant digits shown.
        ({"loss": "huber", "delta": "1.00", "x0": "2.00"}, "1.500"),
    ],
)
def test_the_probe_reads_the_loss_at_x0_itself(query, expected):
    # Issue: x₀ = 0.90 was really 0.901 (the slider started at 0.001 with step 0.01), the
    # link warned "rounded", and the readout interpolated on the 801-point grid.
    at = _app(**query)
    _no_exception(at)
    assert not at.warning, [w.value for w in at.warning]
    value, _ = next(iter(_metrics(at).values()))
    assert value == expected
    assert at.query_params["x0"] == query["x0"]


@pytest.mark.parametrize("key", list(REGISTRY))
def test_probe_readouts_equal_the_core_and_the_arrow_follows_the_sign(key):
    from lossviz import registry

    spec = REGISTRY[key]
    at = _app(loss=key)
    x0 = float(at.query_params["x0"])
    exact = registry.curve(spec, registry.defaults(spec), np.array([x0]))
    shown = list(at.metric)[: len(exact)]
    for m, (_, loss, grad) in zip(shown, exact, strict=True):
        assert float(m.value) == pytest.approx(float(loss[0]), rel=5e-4, abs=1e-12)
        g = float(grad[0])
        assert float(m.delta) == pytest.approx(g, rel=5e-4, abs=1e-12)
        # The arrow: Streamlit points it down when the delta text starts with "-".
        assert m.delta.startswith("-") == (g < 0)


@pytest.mark.parametrize(
    ("key", "mode"), [(k, a.key) for k in REGISTRY for a in REGISTRY[k].curve.axes]
)
def test_a_link_the_app_writes_opens_without_a_warning(key, mode):
    first = REGISTRY[key].curve.axes[0].key
    at = _app(loss=key, x=mode) if mode != first else _app(loss=key)
    written = dict(at.query_params)
    again = _app(**written)
    _no_exception(again)
    assert not again.warning, (written, [w.value for w in again.warning])
    assert dict(again.query_params) == written


def test_probe_values_are_round_numbers_on_probability_axes():
    from lossviz.views.explore import probe_axis

    for mode in ("p", "p_t"):
        lo, hi, step, default = probe_axis(REGISTRY["focal"], mode)
        assert (lo, hi, step) == (0.01, 0.99, 0.01)
        assert round(default / step, 9).is_integer()
    assert probe_axis(REGISTRY["focal"], "p_t")[3] == 0.9  # Lin et al.'s example point


def test_repeated_link_keys_warn_like_any_bad_value():
    at = _app(loss=["mse", "focal"])
    _no_exception(at)
    assert len(at.warning) == 1
    text = at.warning[0].value
    assert "`loss`" in text and "2 times" in text and "mse" in text and "focal" in text
    assert at.title[0].value == REGISTRY["huber"].title  # the default, not the last one


def test_kl_view_plots_what_its_formula_says_in_density_units():
    # Issue: the formula said ∂D/∂q_i while the plot showed d/dμ_Q; the "density" panel
    # showed probability per grid bin (peak 0.014) on a −20…20 axis.
    at = _app(loss="kl_divergence", mu_p="0.0", sigma_p="1.50", sigma_q="0.70", x0="2.50")
    _no_exception(at)
    assert any("\\mu_Q" in e.value for e in at.latex)  # the gradient formula names μ_Q
    curve = _chart(at, 0)
    assert "μ_Q" in curve["layout"]["yaxis2"]["title"]["text"]
    # The plotted slope at the probe: d KL(P‖Q)/dμ_Q = (μ_Q − μ_P)/σ_Q² = 2.5/0.49 = 5.102
    # for Gaussians inside the grid (by hand), the value the issue found on the plot.
    _, slope = _metrics(at)["KL(P‖Q)"]
    assert float(slope) == pytest.approx(2.5 / 0.49, rel=1e-3)
    dist = _chart(at, 2)
    import base64

    def arr(v):
        if isinstance(v, dict):  # plotly's base64 typed array
            return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
        return np.asarray(v, dtype=float)

    q = dist["data"][1]
    # N(2.5, 0.7²) has peak density 1/(0.7·√(2π)) = 0.5699 (by hand).
    assert float(np.max(arr(q["y"]))) == pytest.approx(1 / (0.7 * np.sqrt(2 * np.pi)), rel=1e-3)
    x = arr(q["x"])
    # Framed to ±4σ of both: min(0 − 6, 2.5 − 2.8) = −6 to max(0 + 6, 2.5 + 2.8) = 6.
    assert x.min() == pytest.approx(-6.0, abs=0.03) and x.max() == pytest.approx(6.0, abs=0.03)


def test_kl_surface_title_names_only_what_the_surface_depends_on():
    at = _app(loss="kl_divergence")
    title = _chart(at, 1)["layout"]["title"]["text"]
    assert "μ_P = 0.0" in title and "σ_P = 1.50" in title
    assert "σ_Q" not in title  # σ_Q is the surface's y axis, not a setting of it


def test_focal_gamma_family_members_are_identifiable():
    # Issue: the γ family of Lin et al. Fig. 1 was four unlabelled curves of one grey.
    at = _app(loss="focal", x="p_t")
    fig = _chart(at, 0)
    family = [d for d in fig["data"] if d.get("name", "").startswith("γ = ")]
    losses_ = [d for d in family if d.get("yaxis", "y") == "y"]
    names = [d["name"] for d in losses_]
    assert names == ["γ = 0.0", "γ = 0.5", "γ = 1.0", "γ = 5.0"]
    assert len({d["line"]["color"] for d in losses_}) == 4
    assert all(d.get("showlegend", True) for d in losses_)
    labels = {a["text"] for a in fig["layout"]["annotations"]}
    assert set(names) <= labels  # each named on its curve too


def test_3d_scene_axis_titles_are_short_and_named_in_a_caption():
    # Issue: "δ (switch from qu…" was clipped by the 3-D scene.
    at = _app(loss="huber", **{"3d": "1"})
    scene = _chart(at, 1)["layout"]["scene"]
    assert scene["xaxis"]["title"]["text"] == "r" and scene["yaxis"]["title"]["text"] == "δ"
    assert any("δ (switch from quadratic to linear)" in c.value for c in at.caption)


# --- navigation keeps your place --------------------------------------------------------


def test_switching_losses_and_back_restores_that_losss_settings():
    at = _app(loss="huber", delta="2.55", x0="1.50")
    at.selectbox(key="explore.loss").set_value("mse").run()
    assert at.title[0].value == REGISTRY["mse"].title
    at.selectbox(key="explore.loss").set_value("focal").run()
    at.toggle(key="explore.3d").set_value(True).run()
    at.selectbox(key="explore.loss").set_value("huber").run()
    _no_exception(at)
    assert _value(at, "delta", "huber") == pytest.approx(2.55)
    assert at.query_params["delta"] == "2.55" and at.query_params["x0"] == "1.50"
    assert at.query_params["3d"] == "1"
    assert not at.warning


def test_a_changed_url_on_a_later_run_is_the_view_back_and_forward():
    # Streamlit reruns with the history entry's query string on Back and Forward; the
    # page must show that entry's view, not keep its controls and overwrite the URL.
    at = _app(loss="huber", delta="1.00")
    _set(at, "delta", "huber", 1.2)
    assert at.query_params["delta"] == "1.20"
    at.query_params["delta"] = "1.00"  # Back: the earlier entry
    at.run()
    _no_exception(at)
    assert _value(at, "delta", "huber") == pytest.approx(1.0)
    assert at.query_params["delta"] == "1.00"
    at.query_params["loss"] = "focal"  # an entry of another loss
    at.query_params["gamma"] = "3.0"
    at.run()
    assert at.title[0].value == REGISTRY["focal"].title
    assert _value(at, "gamma", "focal") == pytest.approx(3.0)
