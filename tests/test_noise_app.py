"""The Noise models page's wiring with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from _pages import assert_no_exception, run_page
from streamlit.testing.v1 import AppTest

from lossviz.data import count_data, heteroscedastic_data
from lossviz.fit import fit_gaussian_nll, fit_poisson, fit_regression
from lossviz.views import noise, scrub

pytestmark = pytest.mark.app


def _app(**query) -> AppTest:
    return run_page("noise", query)


def _slider(at: AppTest, name: str):
    return next(s for s in at.slider if s.key == f"noise.{name}")


def _traces(at: AppTest) -> list[dict]:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)["data"]


def _metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def _text(at: AppTest) -> str:
    return "\n".join(
        [m.value for m in at.markdown] + [i.value for i in at.info] + [c.value for c in at.caption]
    )


def _bars(at: AppTest) -> dict[str, dict]:
    """The page's scrub bars by key, as their data (controls, contexts, frames)."""
    out = {}
    for e in at.get("bidi_component"):
        if e.proto.component_name == scrub.NAME:
            out[e.proto.id.split("-", 2)[-1]] = json.loads(e.proto.json)
    return out


def _commit(at: AppTest, value: float) -> AppTest:
    """Release the noise-growth scrub slider at ``value``, as the browser commits it."""
    _commit.seq = getattr(_commit, "seq", 0) + 1
    at.session_state[noise.SCRUB] = {
        "commit": {"name": "noise.growth", "value": value, "seq": _commit.seq},
        "want": None,
    }
    return at.run()


def _hetero(growth=0.4, n=200, seed=0):
    return heteroscedastic_data(
        n, slope=noise.SLOPE, intercept=noise.INTERCEPT, noise=noise.NOISE,
        noise_growth=growth, x_max=noise.X_MAX_GAUSS, seed=seed,
    )  # fmt: skip


def _counts(slope=0.8, n=200, seed=0):
    return count_data(
        n, log_rate_slope=slope, log_rate_intercept=noise.LOG_RATE_INTERCEPT,
        x_max=noise.X_MAX_COUNTS, seed=seed,
    )  # fmt: skip


def test_default_page_is_the_gaussian_tab_with_its_controls_in_the_url():
    at = _app()
    assert_no_exception(at)
    assert not at.warning
    assert dict(at.query_params) == {"view": "gaussian", "growth": "0.40", "n": "200", "seed": "0"}
    assert len(at.get("plotly_chart")) == 1
    # Only the open tab's controls are drawn; noise growth is the scrub bar's.
    assert {s.key for s in at.slider} == {"noise.n", "noise.seed"}
    (bar,) = _bars(at).values()
    assert [c["label"] for c in bar["controls"]] == [noise.GROWTH_LABEL]
    assert bar["controls"][0]["value"] == 0.4 and not bar["frames"]  # frames when asked


def test_gaussian_tab_states_the_fits_it_draws():
    at = _app(growth="0.6", n="300", seed="4")
    assert_no_exception(at)
    d = _hetero(0.6, 300, 4)
    g = fit_gaussian_nll(d.x, d.y)
    ls = fit_regression(d.x, d.y, "mse")
    m = _metrics(at)
    assert m["mean Gaussian NLL, learned variance"][0] == f"{g.nll:.4f}"
    assert m["mean Gaussian NLL, MSE fit (σ constant)"][0] == f"{g.start_nll:.4f}"
    # The MSE fit read as a Gaussian: σ² = mean residual² = the MSE, NLL ½(log σ² + 1).
    assert g.start_nll == pytest.approx(0.5 * (math.log(ls.objective) + 1.0), rel=1e-12)
    assert f"σ = {math.sqrt(ls.objective):.3f}" in m["mean Gaussian NLL, MSE fit (σ constant)"][1]
    info = at.info[0].value
    assert "Not convex" in info and "local optimum" in info and "strict local minimum" in info
    assert f"a = {g.a:.3f}, b = {g.b:.3f}, c = {g.c:.3f}" in info.replace("−", "-")
    assert f"d = log σ² = {g.start[3]:.3f}" in info.replace("−", "-")
    # The legend names the lines from the same numbers; the lines pass through them.
    traces = _traces(at)
    lines = [t for t in traces if t.get("showlegend", True) and "fill" not in t]
    nll = next(t for t in lines if t["name"].startswith("Gaussian NLL:"))
    mse = next(t for t in lines if t["name"].startswith("MSE:"))
    assert f"log σ² = {g.c:.2f}x" in nll["name"]
    assert f"σ = {math.sqrt(ls.objective):.2f}" in mse["name"]
    grid = np.linspace(0.0, noise.X_MAX_GAUSS, noise.GRID_POINTS)
    np.testing.assert_allclose(_floats(nll["y"]), g.mean(grid), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(_floats(nll["customdata"]), 2 * g.sd(grid), rtol=1e-6, atol=1e-6)
    # The learned variance is what makes the noisy region count less: named in the text.
    assert "1/v" in _text(at)


def _floats(v) -> np.ndarray:
    """A plotly array from the figure spec: a list, or float32 base64 (``{dtype, bdata}``)."""
    if isinstance(v, dict):
        import base64

        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v, dtype=np.float64)


def test_band_table_shows_the_constant_band_miss_the_noisy_end():
    at = _app(growth="1.0", n="1000", seed="1")
    assert_no_exception(at)
    table = next(m.value for m in at.markdown if m.value.startswith("| points within ±2σ"))
    rows = {r.split("|")[1].strip(): r.split("|")[2:5] for r in table.splitlines()[2:]}
    mse = [float(c.strip().rstrip("%")) for c in rows["MSE band (constant σ)"]]
    nll = [float(c.strip().rstrip("%")) for c in rows["Gaussian NLL band"]]
    # σ(x) = 0.2 + x: one constant σ covers everything on the quiet left and too little
    # on the noisy right; the learned band stays nearer 95% (not at it everywhere: its
    # log σ² is linear in x, the true σ is, a different shape).
    assert mse[0] == 100.0 and mse[2] < 90.0
    assert max(abs(v - 95.0) for v in nll) < max(abs(v - 95.0) for v in mse)


def test_poisson_tab_states_the_optimum_and_the_negative_rates_of_the_line():
    at = _app(view="poisson")
    assert_no_exception(at)
    assert not at.warning
    assert dict(at.query_params) == {"view": "poisson", "slope": "0.80", "n": "200", "seed": "0"}
    assert {s.key for s in at.slider} == {"noise.slope", "noise.n", "noise.seed"}
    c = _counts()
    p = fit_poisson(c.x, c.counts)
    ls = fit_regression(c.x, c.counts, "mse")
    m = _metrics(at)
    assert m["mean Poisson NLL, Poisson fit"][0] == f"{p.nll:.4f}"
    root = -ls.b / ls.w  # where the least-squares line crosses 0
    assert 0 < root < noise.X_MAX_COUNTS
    below = int(np.sum(c.x < root))  # points where it predicts a negative rate
    assert below > 0
    assert m["mean Poisson NLL, MSE line"] == ("undefined", f"λ ≤ 0 at {below} of the points")
    text = _text(at)
    assert f"negative rate** for x in [0.00, {root:.2f}]" in text
    assert "negative rate" in text and "convex" in text
    assert f"({p.rate(c.x).sum():.2f} vs {int(c.counts.sum())})" in text
    names = [t["name"] for t in _traces(at)]
    assert any(n.startswith(f"Poisson NLL: λ = exp({p.a:.2f}x") for n in names)
    assert any(n.startswith(f"MSE: λ = {ls.w:.2f}x") for n in names)


def test_a_decreasing_rate_gives_a_line_that_may_stay_positive_and_the_page_says_so():
    at = _app(view="poisson", slope="-0.5", n="1000", seed="2")
    assert_no_exception(at)
    c = _counts(-0.5, 1000, 2)
    ls = fit_regression(c.x, c.counts, "mse")
    value, delta = _metrics(at)["mean Poisson NLL, MSE line"]
    at_data = ls.w * c.x + ls.b
    if np.all(at_data > 0):
        # The NLL of the line, by hand: mean(λ − y log λ) at its rates λ = w x + b.
        assert value == f"{np.mean(at_data - c.counts * np.log(at_data)):.4f}"
    else:
        assert value == "undefined" and f"at {int(np.sum(at_data <= 0))} of" in delta


def test_n_and_seed_are_kept_across_the_tabs():
    at = _app(n="350", seed="7")
    assert _slider(at, "n").value == 350
    at.query_params["view"] = "poisson"
    at = _app(view="poisson", n="350", seed="7")
    assert _slider(at, "n").value == 350 and _slider(at, "seed").value == 7


def test_url_follows_the_sliders():
    at = _app()
    _commit(at, 0.75)
    _slider(at, "n").set_value(500)
    at.run()
    assert_no_exception(at)
    assert at.query_params["growth"] == "0.75" and at.query_params["n"] == "500"
    assert "noise growth 0.75" in json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec))


@pytest.mark.parametrize(
    "query",
    [
        {"growth": "0", "n": "20", "seed": "0"},
        {"growth": "1", "n": "1000", "seed": "99"},
        {"view": "poisson", "slope": "-0.5", "n": "20", "seed": "0"},
        {"view": "poisson", "slope": "1.5", "n": "1000", "seed": "99"},
    ],
)
def test_sliders_at_their_extremes(query):
    at = _app(**query)
    assert_no_exception(at)
    assert not at.warning
    assert len(at.get("plotly_chart")) == 1
    for value, _ in _metrics(at).values():
        assert "nan" not in value.lower() and "inf" not in value.lower()


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"growth": "abc"}, ["growth"]),
        ({"growth": "5", "n": "-3"}, ["growth", "n"]),
        ({"view": "nope", "seed": "1e309"}, ["view", "seed"]),
        ({"view": "poisson", "slope": "NaN"}, ["slope"]),
        ({"view": "poisson", "slope": "<script>alert(1)</script>"}, ["slope"]),
    ],
)
def test_bad_link_values_warn_by_name_and_fall_back(query, names):
    at = _app(**query)
    assert_no_exception(at)
    text = "\n".join(w.value for w in at.warning)
    for name in names:
        assert f"`{name}`" in text
    assert len(at.get("plotly_chart")) == 1


def test_helpers():
    assert noise.num(-0.001) == "0.00" and noise.num(-1.5) == "−1.50"
    assert noise.line(2.0, -1.2) == "2.00x − 1.20"
    assert noise.negative_interval(2.0, -1.0, 0.0, 4.0) == (0.0, 0.5)
    assert noise.negative_interval(-1.0, 2.0, 0.0, 4.0) == (2.0, 4.0)
    assert noise.negative_interval(1.0, 1.0, 0.0, 4.0) is None
    assert noise.negative_interval(0.0, -1.0, 0.0, 4.0) == (0.0, 4.0)
    assert noise.band_share(np.array([0.0, 1.0, 3.0]), np.zeros(3), np.ones(3)) == 2 / 3


def test_counts_without_a_poisson_optimum_are_explained_not_fitted():
    # λ(x) = e^(−0.5x − 1) ≤ 0.37 and 20 points: seed 7 has positive counts at fewer than
    # two distinct x (checked below), so the Poisson NLL has no minimum.
    c = _counts(-0.5, 20, 7)
    assert np.unique(c.x[c.counts > 0]).size < 2
    at = _app(view="poisson", slope="-0.5", n="20", seed="7")
    assert_no_exception(at)
    assert any("no minimum" in w.value for w in at.warning)
    names = [t["name"] for t in _traces(at)]
    assert not any(n.startswith("Poisson NLL") for n in names)
    assert any(n.startswith("MSE: λ =") for n in names)


# --------------------------------------------------------------------------- the figures
def test_rate_figure_shades_negative_rates_only_when_a_curve_has_them():
    from lossviz import figures

    x = np.array([0.0, 1.0, 2.0])
    y = np.array([0.0, 1.0, 3.0])
    grid = np.linspace(0.0, 2.0, 5)
    pos = figures.rate_curves_figure(
        x, y, grid, [("exp", np.exp(grid), "#000000", "solid")], points_label="counts"
    )
    assert [s.type for s in pos.layout.shapes] == ["line"] and not pos.layout.annotations
    neg = figures.rate_curves_figure(
        x, y, grid, [("line", 2 * grid - 1, "#000000", "solid")], points_label="counts"
    )
    assert [s.type for s in neg.layout.shapes] == ["rect", "line"]
    assert neg.layout.annotations[0].text == "λ < 0: not a rate"
    assert neg.layout.yaxis.range[0] < -1.0  # the lowest rate, −1, is in view


def test_band_figure_draws_mean_and_two_sigma_edges_from_the_values_given():
    from lossviz import figures

    grid = np.linspace(0.0, 1.0, 3)
    fig = figures.noise_bands_figure(
        np.array([0.0, 1.0]), np.array([0.0, 1.0]), grid,
        [("m", grid, np.full(3, 0.5), "#0072B2", "lines")], points_label="data",
    )  # fmt: skip
    lo, hi, mean = fig.data[1], fig.data[2], fig.data[3]
    np.testing.assert_allclose(lo.y, grid - 1.0)
    np.testing.assert_allclose(hi.y, grid + 1.0)
    np.testing.assert_allclose(mean.y, grid)
    with pytest.raises(ValueError, match="grid must be 1-D, increasing"):
        figures.noise_bands_figure(
            np.zeros(2), np.zeros(2), np.array([1.0, 0.0]), [], points_label="data"
        )


def _b64(v: str) -> np.ndarray:
    import base64

    return np.frombuffer(base64.b64decode(v), dtype="<f4").astype(np.float64)


def test_noise_growth_frames_are_the_page_at_every_value_of_the_slider():
    at = _app(n="120", seed="3")
    ((key, bar),) = _bars(at).items()
    name = bar["controls"][0]["name"]
    at.session_state[key] = {
        "want": {"name": name, "context": bar["contexts"][name], "seq": 1}, "commit": None,
    }  # fmt: skip
    at.run()
    assert_no_exception(at)
    f = _bars(at)[key]["frames"][name]
    values = f["values"]
    assert values[0] == 0.0 and values[-1] == 1.0 and len(values) == 21
    (chart,) = f["charts"]
    assert chart["revision"] == "noise.gauss.120.3"
    moves = {m["index"]: m for m in chart["moves"]}
    k = values.index(0.7)
    # The points at growth 0.7 are the generator's y for that growth (same x, same ε).
    d = _hetero(0.7, 120, 3)
    pts = _b64(moves[0]["arrays"]["y"]).reshape(len(values), -1)
    np.testing.assert_allclose(pts[k], d.y, rtol=1e-6, atol=1e-6)
    # The fitted mean line at growth 0.7 is that value's own Gaussian NLL fit.
    g = fit_gaussian_nll(d.x, d.y)
    grid = np.linspace(0.0, noise.X_MAX_GAUSS, noise.GRID_POINTS)
    mean_idx = next(int(i) for i, v in chart["names"].items() if v[k].startswith("Gaussian NLL"))
    mean = _b64(moves[mean_idx]["arrays"]["y"]).reshape(len(values), -1)[k]
    np.testing.assert_allclose(mean, g.mean(grid), rtol=1e-6, atol=1e-5)
    assert chart["names"][str(mean_idx)][k].endswith(f"log σ² = {noise.line(g.c, g.d)}")
    assert chart["layout"]["title.text"][k] == "Mean ± 2σ of each model (noise growth 0.70, seed 3)"


def test_a_commit_of_noise_growth_refits_and_updates_the_readouts():
    at = _app()
    at = _commit(at, 0.9)
    assert_no_exception(at)
    assert at.query_params["growth"] == "0.90"
    d = _hetero(0.9)
    g = fit_gaussian_nll(d.x, d.y)
    assert _metrics(at)["mean Gaussian NLL, learned variance"][0] == f"{g.nll:.4f}"
    assert _bars(at)[noise.SCRUB]["controls"][0]["value"] == 0.9
