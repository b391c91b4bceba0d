"""The Forward vs reverse KL page's wiring with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from _pages import assert_no_exception, run_page
from streamlit.testing.v1 import AppTest

from lossviz.data import gaussian_mixture
from lossviz.fit import fit_gaussian_kl
from lossviz.landscape import kl_landscape
from lossviz.views import kl_fit

pytestmark = pytest.mark.app


def _app(**query) -> AppTest:
    return run_page("kl_fit", query)


_no_exception = assert_no_exception


def _slider(at: AppTest, name: str):
    return next(s for s in at.slider if s.key == f"kl_fit.{name}")


def _traces(at: AppTest, index: int) -> list[dict]:
    return json.loads(at.get("plotly_chart")[index].proto.spec)["data"]


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_default_page_shows_both_fits_in_nats_and_the_local_optima():
    at = _app()
    _no_exception(at)
    assert not at.warning
    assert len(at.get("plotly_chart")) == 2
    p = gaussian_mixture(kl_fit.GRID, separation=6.0, weight=0.4, sigma=1.0)
    for direction, label in (
        ("forward", "Forward fit: KL(P‖Q)"),
        ("reverse", "Reverse fit: KL(Q‖P)"),
    ):
        _, _, kl = fit_gaussian_kl(kl_fit.GRID, p, direction)
        shown = _metrics(at)[label]
        assert shown == f"{kl:.4f} nats"
    # s = 6: reverse KL has a mode-seeking optimum on each mode; the info says which won.
    info = at.info[0].value
    assert "local optima" in info and "the fit: on the right mode" in info
    assert "on the left mode" in info
    assert at.query_params["sep"] == "6.0" and at.query_params["w"] == "0.40"


def test_landscape_marks_each_optimum_at_the_fit():
    at = _app(sep="7", w="0.3")
    _no_exception(at)
    p = gaussian_mixture(kl_fit.GRID, separation=7.0, weight=0.3, sigma=1.0)
    traces = _traces(at, 1)
    contours = [i for i, t in enumerate(traces) if t["type"] == "contour"]
    assert len(contours) == 2  # the two landscapes side by side
    for direction, panel in (("forward", 0), ("reverse", 1)):
        mu, sigma, _ = fit_gaussian_kl(kl_fit.GRID, p, direction)
        start = contours[panel]
        end = contours[panel + 1] if panel + 1 < len(contours) else len(traces)
        stars = [t for t in traces[start:end] if t.get("marker", {}).get("symbol") == "star"]
        assert len(stars) == 1
        assert stars[0]["x"][0] == pytest.approx(mu)
        assert stars[0]["y"][0] == pytest.approx(math.log(sigma))
        assert f"μ = {mu:.2f}, σ = {sigma:.2f}" in stars[0]["name"]
        # The other direction's optimum is drawn faintly in the same panel.
        assert any(t.get("marker", {}).get("symbol") == "x" for t in traces[start:end])


def test_close_modes_have_a_single_reverse_optimum():
    at = _app(sep="2.0")
    _no_exception(at)
    assert not at.info
    assert any("single optimum" in c.value for c in at.caption)


@pytest.mark.parametrize(("sep", "w"), [(0.0, 0.0), (0.0, 1.0), (8.0, 0.0), (8.0, 1.0)])
def test_sliders_at_their_extremes(sep, w):
    at = _app()
    _slider(at, "sep").set_value(sep)
    _slider(at, "w").set_value(w)
    at.run()
    _no_exception(at)
    assert not at.warning
    assert len(at.get("plotly_chart")) == 2
    for value in _metrics(at).values():
        assert "nats" in value and "nan" not in value.lower()
    assert at.query_params["sep"] == f"{sep:.1f}" and at.query_params["w"] == f"{w:.2f}"


def test_equal_weights_far_apart_tie_and_the_page_says_so():
    at = _app(sep="8", w="0.5")
    _no_exception(at)
    info = at.info[0].value
    assert "tie" in info
    assert _metrics(at)["Reverse fit: KL(Q‖P)"].startswith("0.693")  # ln 2: half the mass


def test_url_follows_the_sliders():
    at = _app(sep="3.3", w="0.25")
    assert _slider(at, "sep").value == pytest.approx(3.3)
    assert _slider(at, "w").value == pytest.approx(0.25)
    _slider(at, "sep").set_value(5.0)
    at.run()
    assert at.query_params["sep"] == "5.0" and at.query_params["w"] == "0.25"


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"sep": "abc"}, ["sep"]),
        ({"sep": "NaN", "w": "inf"}, ["sep", "w"]),
        ({"w": "1.5"}, ["w"]),
        ({"sep": "-1", "w": "<b>x</b>"}, ["sep", "w"]),
        ({"sep": ""}, ["sep"]),
    ],
)
def test_garbage_in_the_url_warns_by_name_and_falls_back(query, names):
    at = _app(**query)
    _no_exception(at)
    assert len(at.warning) == 1
    text = at.warning[0].value
    for name in names:
        assert f"`{name}`" in text
    assert "using" in text
    assert len(at.get("plotly_chart")) == 2


@pytest.mark.parametrize(("sep", "w"), [(6.0, 0.4), (7.3, 0.4), (8.0, 0.4), (7.0, 0.5)])
def test_every_other_optimum_is_a_local_minimum_of_reverse_kl(sep, w):
    # Each ○ must be a true local minimum: no lower value on a fine grid around it (at
    # s = 7.3 a grid minimum in a shallow valley once gave a spurious ○ at μ = 1.06,
    # σ = 3.04, 6e-3 nats above the optimum its valley leads to); and no two the same.
    p = gaussian_mixture(kl_fit.GRID, separation=sep, weight=w, sigma=1.0)
    found = kl_fit.fits(sep, w)["reverse"]
    others = kl_fit.other_optima(sep, w)
    assert others  # far apart modes: more than one optimum
    for o in others:
        around = kl_landscape(
            kl_fit.GRID,
            p,
            o.mu + np.linspace(-0.02, 0.02, 21),
            o.log_sigma + np.linspace(-0.02, 0.02, 21),
            "reverse",
        )
        assert around.min() >= o.kl * (1 - 1e-9), (o, around.min())
        assert o.kl == pytest.approx(kl_fit.kl_at(p, o.mu, o.sigma, "reverse"), rel=1e-12)
    points = [found, *others]
    for i, a in enumerate(points):
        for b in points[:i]:
            assert math.hypot(a.mu - b.mu, a.log_sigma - b.log_sigma) > kl_fit.SAME_OPTIMUM


def test_grid_local_minima_finds_interior_minima_best_first():
    y, x = np.mgrid[0:9, 0:11]
    z = np.minimum((x - 2.0) ** 2 + (y - 4.0) ** 2, (x - 8.0) ** 2 + (y - 4.0) ** 2 - 1.0)
    z[0, 0] = -100.0  # a border cell is never an optimum
    assert kl_fit.grid_local_minima(z) == [(4, 8), (4, 2)]
    z[4, 8] = np.inf
    assert (4, 8) not in kl_fit.grid_local_minima(z)


@pytest.mark.parametrize(
    ("sep", "w"), [(6.0, 0.4), (8.0, 0.5), (8.0, 0.2), (3.0, 0.75), (5.0, 0.1), (0.0, 0.5)]
)
def test_forward_fit_shows_the_moments_of_p(sep, w):
    # Minimising KL(P‖Q) over Gaussians Q is moment matching: μ = E_P[x], σ² = Var_P.
    # For P = w·N(−s/2, 1) + (1 − w)·N(s/2, 1) by hand: E_P[x] = (1 − 2w)·s/2 and
    # Var_P = 1 + E[(±s/2)²] − E_P[x]² = 1 + s²/4 − (1 − 2w)²s²/4 = 1 + s²·w(1 − w).
    # (6, 0.4): μ = 0.6, σ = √9.64 = 3.1048; (8, 0.5): μ = 0, σ = √17 = 4.1231.
    mean = (1 - 2 * w) * sep / 2
    std = math.sqrt(1 + sep**2 * w * (1 - w))
    shown = f"μ = {mean + 0.0:.2f}, σ = {std:.2f}"
    at = _app(sep=f"{sep:.1f}", w=f"{w:.2f}")
    _no_exception(at)
    forward = next(m for m in at.metric if m.label == "Forward fit: KL(P‖Q)")
    assert forward.proto.delta == shown
    legend = [t["name"] for t in _traces(at, 0)]
    assert f"forward fit, min KL(P‖Q): Q = N({mean + 0.0:.2f}, {std:.2f}²)" in legend
    star = next(
        t for t in _traces(at, 1) if t.get("marker", {}).get("symbol") == "star"
    )  # the forward panel's ★
    assert star["name"] == f"forward optimum ({shown})"


def _decode(a) -> np.ndarray:
    """A plotly array as sent to the browser: a list, or a base64 typed array."""
    if isinstance(a, dict):
        import base64

        return np.frombuffer(base64.b64decode(a["bdata"]), dtype=a["dtype"]).astype(float)
    return np.asarray(a, dtype=float)


def _continuous_kl(mu: float, sigma: float, sep: float, w: float, direction: str) -> float:
    """KL between N(μ, σ²) and P = w·N(−s/2, 1) + (1 − w)·N(s/2, 1) as an integral: a
    Riemann sum in log space over ±100 with dx = 0.01, independent of the page's grid."""
    x = np.linspace(-100.0, 100.0, 20_001)

    def log_normal(m: float, s: float) -> np.ndarray:
        return -0.5 * ((x - m) / s) ** 2 - math.log(s * math.sqrt(2 * math.pi))

    log_p = np.logaddexp(
        math.log(w) + log_normal(-sep / 2, 1.0), math.log(1 - w) + log_normal(sep / 2, 1.0)
    )
    log_q = log_normal(mu, sigma)
    a, la, lb = (
        (np.exp(log_p), log_p, log_q) if direction == "forward" else (np.exp(log_q), log_q, log_p)
    )
    return float(np.sum(a * (la - lb)) * 0.01)


@pytest.mark.parametrize(("sep", "w"), [(6.0, 0.4), (8.0, 0.5)])
def test_landscapes_are_the_kl_of_the_gaussian_everywhere_drawn(sep, w):
    # The hover shows 4 significant digits of each cell; a wide Q must not be cut off at
    # the grid's edge (on ±10, KL(Q‖P) at μ = 0, σ = 5 read 2.08 nats instead of 3.61).
    at = _app(sep=f"{sep:.1f}", w=f"{w:.2f}")
    _no_exception(at)
    contours = [t for t in _traces(at, 1) if t["type"] == "contour"]
    for direction, trace in zip(("forward", "reverse"), contours, strict=True):
        mu, log_sigma, z = _decode(trace["x"]), _decode(trace["y"]), _decode(trace["z"])
        z = z.reshape(log_sigma.size, mu.size)
        for i in np.linspace(0, log_sigma.size - 1, 5).astype(int):
            for j in np.linspace(0, mu.size - 1, 5).astype(int):
                ref = _continuous_kl(mu[j], math.exp(log_sigma[i]), sep, w, direction)
                assert z[i, j] == pytest.approx(ref, rel=1e-4), (direction, mu[j], log_sigma[i])
