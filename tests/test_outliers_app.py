"""The Robust regression page (url "outliers") under Streamlit's AppTest: wiring, URL
state, caching, messages."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lossviz.data import regression_data
from lossviz.views import outliers

pytestmark = pytest.mark.app

SCRIPT = "from lossviz.views import outliers; outliers.render()"

MINIMA = {
    "n": "10", "noise": "0.0", "outliers": "0", "magnitude": "0.0", "seed": "0",
    "l2.delta": "0.05", "l3.alpha": "-10.0", "l3.scale": "0.10", "steps": "1", "step": "0",
    "grid": "20",
}  # fmt: skip
MAXIMA = {
    "n": "1000", "noise": "3.0", "outliers": "50", "magnitude": "30.0", "seed": "99",
    "l2.delta": "5.00", "l3.alpha": "3.0", "l3.scale": "3.00", "steps": "500", "step": "500",
    "grid": "400",
}  # fmt: skip
#: The default losses' sliders (MSE, Huber δ, Barron α and c), as the URL holds them.
SLIDER_KEYS = {
    "l2.delta": "outliers.outliers.l2.huber.l2.delta",
    "l3.alpha": "outliers.outliers.l3.general_robust.l3.alpha",
}
HUBER = "Huber (δ = 1.00)"
GEMAN_MCCLURE = "Barron (α = −2.0, c = 1.00: Geman–McClure)"


def run(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=240)  # a hang guard, not a timing
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def charts(at: AppTest):
    return at.get("plotly_chart")


def text_of(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.error, *at.warning)]
    return "\n".join(str(p) for p in parts)


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert len(charts(at)) == 5  # scatter, three landscapes, distance to the optimum


def test_default_view_loads_and_writes_its_url():
    at = run()
    assert_ok(at)
    assert not at.warning
    q = dict(at.query_params)
    assert q["n"] == "100" and q["outliers"] == "10" and q["kind"] == "vertical"
    assert q["l1"] == "mse" and q["l2"] == "huber" and q["l3"] == "general_robust"
    assert q["l2.delta"] == "1.00" and q["l3.alpha"] == "-2.0" and q["l3.scale"] == "1.00"
    assert q["l3.alpha_inf"] == "0" and q["influence"] == "l3"
    assert q["opt"] == "gd" and q["steps"] == "300" and q["step"] == "300"
    # η starts at 1/L of these data, rounded down to the slider's step 0.001 (its top is 1).
    lipschitz, _ = _mse_hessian_bound("vertical")
    assert q["lr"] == f"{np.floor(1000 / lipschitz) / 1000:.3f}"
    assert q["grid"] == "200" and q["3d"] == "0"
    body = text_of(at)
    assert "| MSE |" in body and f"| {HUBER} |" in body and f"| {GEMAN_MCCLURE} † |" in body
    # Barron's α < 1 is not convex: the page says so, and where the local optimum came from.
    assert f"† {GEMAN_MCCLURE} is non-convex (α < 1): local optimum from the LAD (MAE) fit" in body
    assert "vote is redescending" in body and "(f* local)" in body


@pytest.mark.parametrize("bound", [MINIMA, MAXIMA], ids=["min", "max"])
@pytest.mark.parametrize("kind", ["vertical", "leverage"])
def test_every_slider_at_its_bounds(bound, kind):
    at = run({**bound, "kind": kind})
    assert_ok(at)
    assert not at.warning, [w.value for w in at.warning]
    for k, v in bound.items():
        assert at.query_params[k] == v, k


@pytest.mark.parametrize("bound", [MINIMA, MAXIMA], ids=["min", "max"])
@pytest.mark.parametrize("kind", ["vertical", "leverage"])
@pytest.mark.parametrize("opt", ["gd", "adam"])
@pytest.mark.parametrize("end", ["min", "max"])
def test_learning_rate_at_the_ends_of_its_range(bound, kind, opt, end):
    # The η slider's range follows the data (gd, momentum) or is fixed (Adam); both ends
    # are reachable from a link and draw without an exception or an error box.
    at = run({**bound, "kind": kind, "opt": opt})
    slider = next(s for s in at.slider if s.key.endswith(".lr"))
    value = slider.min if end == "min" else slider.max
    shown = f"{value:.{outliers.decimals(slider.step)}f}"
    at = run({**bound, "kind": kind, "opt": opt, "lr": shown})
    assert_ok(at)
    assert not at.warning and not at.error
    assert at.query_params["lr"] == shown


@pytest.mark.parametrize(
    ("pct", "kind", "opt"),
    [(p, k, o) for p, k in itertools.product(("0", "10", "40"), ("vertical", "leverage"))
     for o in ("gd", "momentum", "adam")],
)  # fmt: skip
def test_outlier_fractions_kinds_and_optimisers(pct, kind, opt):
    at = run({"outliers": pct, "kind": kind, "opt": opt, "steps": "60", "lr": "0.050"})
    assert_ok(at)
    assert f"{pct} % of them outliers" in text_of(at)


@pytest.mark.parametrize("sel", ["l1", "l2", "l3"])
def test_influence_selector_and_3d_toggle(sel):
    at = run({"influence": sel, "3d": "1"})
    assert_ok(at)
    captions = "\n".join(c.value for c in at.caption)
    said = {"l1": "2(ŷ − y)", "l2": "capped at 1.00", "l3": "vote is redescending"}
    assert said[sel] in captions


def test_garbage_url_warns_names_each_parameter_and_still_draws():
    at = run(
        {"n": "lots", "noise": "NaN", "outliers": "90", "kind": "<b>sideways</b>", "opt": "sgd",
         "lr": "-1", "steps": "1e9", "grid": "inf", "3d": "maybe", "influence": "mae",
         "l1": "hinge", "l2.delta": "-3", "l3.alpha": "nan", "l3.scale": "0"}
    )  # fmt: skip
    assert_ok(at)
    assert len(at.warning) == 1
    warning = at.warning[0].value
    names = ("n", "noise", "outliers", "kind", "opt", "lr", "steps", "grid", "3d", "influence",
             "l1", "l2.delta", "l3.alpha", "l3.scale")  # fmt: skip
    for name in names:
        assert f"`{name}`" in warning, name
    # Bad values fell back to the defaults, which the URL now holds.
    assert at.query_params["n"] == "100" and at.query_params["opt"] == "gd"
    assert at.query_params["kind"] == "vertical" and at.query_params["grid"] == "200"
    assert at.query_params["l1"] == "mse" and at.query_params["l2.delta"] == "1.00"


def test_step_beyond_steps_warns_and_shows_the_whole_path():
    at = run({"steps": "50", "step": "80"})
    assert_ok(at)
    assert "`step`" in at.warning[0].value
    assert at.query_params["step"] == "50"


def test_shared_url_restores_every_control():
    params = {
        "n": "250", "noise": "1.2", "outliers": "25", "magnitude": "14.5", "kind": "leverage",
        "seed": "7", "l1": "mse", "l2": "huber", "l2.delta": "2.30", "l3": "quantile",
        "l3.tau": "0.25", "influence": "l3", "opt": "adam", "lr": "0.040",
        "steps": "120", "grid": "90", "3d": "1", "step": "33",
    }  # fmt: skip
    at = run(params)
    assert_ok(at)
    assert not at.warning
    assert dict(at.query_params) == params
    assert at.slider(key=SLIDER_KEYS["l2.delta"]).value == pytest.approx(2.3)
    assert at.slider(key="outliers.outliers.l3.quantile.l3.tau").value == pytest.approx(0.25)
    assert at.session_state["outliers.s120.step"] == 33  # the scrub bar's value
    assert at.toggle(key="outliers.3d").value is True
    body = text_of(at)
    assert "250 points" in body and "25 % of them outliers" in body and "δ = 2.30" in body
    assert "| Quantile (τ = 0.25) |" in body and "votes τ = 0.25" in body
    assert "Adam, η = 0.040, 120 steps" in body
    assert "step 33:" in body


def test_a_slider_change_changes_the_fit_and_the_url():
    at = run()
    before = at.markdown[1].value  # the fits table
    at.slider(key=SLIDER_KEYS["l2.delta"]).set_value(3.0).run()
    assert_ok(at)
    after = at.markdown[1].value
    assert before != after
    huber = next(r for r in after.splitlines() if r.startswith("| Huber (δ = 3.00) |"))
    assert huber not in before
    assert at.query_params["l2.delta"] == "3.00"


def _table_fits(at: AppTest) -> dict[str, tuple[float, float]]:
    """(ŵ, b̂) of each row of the fits table, as shown."""
    rows = [r for m in at.markdown for r in str(m.value).splitlines() if r.startswith("| ")]
    out = {}
    for r in rows:
        cells = [c.strip() for c in r.strip("|").split("|")]
        if cells[0] in ("true line", "MSE", HUBER, GEMAN_MCCLURE + " †"):
            # The page writes negative numbers with the minus sign (U+2212).
            w, b = (float(c.split()[0].replace("−", "-")) for c in cells[1:3])
            out[cells[0]] = (w, b)
    return out


def _departure(fit: tuple[float, float], truth: tuple[float, float]) -> float:
    """Largest vertical distance between a line and the true line over the inliers' x ∈ [−3, 3]."""
    return max(abs((fit[0] - truth[0]) * x + fit[1] - truth[1]) for x in (-3.0, 3.0))


def test_default_view_shows_mse_pulled_away_and_the_robust_fits_on_the_truth():
    # Issue 11.6: with outliers of random sign the three lines overlapped (slopes 1.476,
    # 1.476, 1.496). On first load MSE's line must be visibly off: over the inliers' x
    # range it departs from the truth by more than twice the noise σ (0.5) and by four
    # times as much as Huber's or Barron's, which stay within the noise.
    at = run()
    assert_ok(at)
    fits = _table_fits(at)
    truth = fits["true line"]
    mse = _departure(fits["MSE"], truth)
    assert mse > 1.0
    for robust in (HUBER, GEMAN_MCCLURE + " †"):
        assert _departure(fits[robust], truth) < 0.5
        assert mse > 4 * _departure(fits[robust], truth)
    # Issue 14: Barron's redescending Geman–McClure ignores the outliers (their share of the
    # votes is ~1 % where MSE gives them half), and lands closer to the truth than Huber.
    assert _departure(fits[GEMAN_MCCLURE + " †"], truth) < _departure(fits[HUBER], truth)
    votes = {
        r.split("|")[1].strip(): r.split("|")[4].strip()
        for r in at.markdown[1].value.splitlines()[3:]
    }
    assert int(votes[GEMAN_MCCLURE + " †"].split()[0]) <= 2
    assert int(votes["MSE"].split()[0]) >= 40


def _mse_hessian_bound(kind: str) -> tuple[float, float]:
    """(L, 2/L) for MSE on the page's default data of this kind, by eigvalsh of the Hessian."""
    d = regression_data(100, noise=0.5, outlier_fraction=0.1, outlier_magnitude=10.0,
                        outlier_kind=kind, seed=0)  # fmt: skip
    z = np.stack([d.x, np.ones_like(d.x)])
    lipschitz = float(np.linalg.eigvalsh(2 * z @ z.T / d.n)[-1])
    return lipschitz, 2 / lipschitz


@pytest.mark.parametrize("kind", ["vertical", "leverage"])
@pytest.mark.parametrize("opt", ["gd", "momentum", "adam"])
def test_default_learning_rate_converges_for_every_loss(kind, opt):
    # Issue 11.6: with leverage points MSE's gradient descent diverged at the default
    # η = 0.1 and the page showed a red error. The default η now follows the data.
    at = run({"kind": kind, "opt": opt})
    assert_ok(at)
    assert not at.error and not at.warning
    body = text_of(at)
    assert "diverged" not in body.lower()
    status = [c.value for c in at.caption if c.value.startswith("step ")]
    assert len(status) == 3  # one per landscape: MSE, Huber, Barron
    # Barron's α = −2 is not convex: from START the path may settle in another valley
    # than the Newton fit from the LAD line (it does with leverage, f − f* ≈ 0.45), and
    # the page says f* is local. The convex MSE and Huber reach their optimum.
    assert "(f* local)" in status[2]
    for line in status[:2]:
        gap = line.split("f − f* ")[1].split(" ")[1]
        assert line.split("f − f* ")[1].startswith("≈ 0") or float(gap) < 0.05, line


def test_leverage_default_learning_rate_is_one_over_the_curvature():
    lipschitz, _ = _mse_hessian_bound("leverage")
    at = run({"kind": "leverage"})
    lr = float(at.query_params["lr"])
    step = 1e-4  # the slider's step for these data: its top is 0.2 (≥ 5/L = 0.15)
    assert lr == pytest.approx(np.floor(1 / lipschitz / step) * step, abs=1e-12)
    assert 0.5 / lipschitz < lr <= 1 / lipschitz


def test_divergence_is_said_in_words_with_the_stable_learning_rate():
    # η = 0.1 on the leverage data is above MSE's 2/L ≈ 0.06: plain GD blows up. The page
    # says what diverged, where, and up to which η it would not; no error box.
    lipschitz, bound = _mse_hessian_bound("leverage")
    at = run({"kind": "leverage", "outliers": "10", "opt": "gd", "lr": "0.1000"})
    assert_ok(at)
    assert not at.error and not at.warning
    said = [m.value for m in at.markdown if "diverged" in str(m.value)]
    assert len(said) == 1, said
    text = said[0]
    assert "MSE" in text and "diverged at step" in text
    assert f"2/L = {bound:.3g}" in text and f"L = {lipschitz:.3g}" in text
    # Momentum has its own bound, 2(1 + μ)/L with μ = 0.9.
    at = run({"kind": "leverage", "opt": "momentum", "lr": "0.2000"})
    assert_ok(at)
    said = [m.value for m in at.markdown if "diverged" in str(m.value)]
    assert len(said) == 1 and f"2(1 + μ)/L = {3.8 / lipschitz:.3g}" in said[0]


class _Counter:
    def __init__(self, fn):
        self.fn, self.calls = fn, 0

    def __call__(self, *a, **k):
        self.calls += 1
        return self.fn(*a, **k)


def test_caching_recomputes_only_what_a_control_changed(monkeypatch):
    names = ("regression_data", "fit_regression", "regression_landscape", "gradient_descent")
    counters = {n: _Counter(getattr(outliers, n)) for n in names}
    for n, c in counters.items():
        monkeypatch.setattr(outliers, n, c)

    def calls():
        return {n: c.calls for n, c in counters.items()}

    at = run({"seed": "61", "steps": "40"})  # a seed no other test uses: cold caches
    assert_ok(at)
    assert calls() == {
        "regression_data": 1,
        "fit_regression": 3,
        "regression_landscape": 3,
        "gradient_descent": 3,
    }
    base = calls()

    def changed():
        now = calls()
        return {n: now[n] - base[n] for n in names if now[n] != base[n]}

    at.session_state["outliers.s40.step"] = 10  # the scrub bar's commit
    at.run()
    at.radio(key="outliers.influence").set_value("l1").run()
    at.toggle(key="outliers.3d").set_value(True).run()
    assert_ok(at)
    assert changed() == {}  # figures only
    at.slider(key="outliers.upto1.lr").set_value(0.2).run()
    assert changed() == {"gradient_descent": 3}
    base = calls()
    at.slider(key="outliers.grid").set_value(60).run()
    assert changed() == {"regression_landscape": 3}
    base = calls()
    at.slider(key=SLIDER_KEYS["l2.delta"]).set_value(1.5).run()
    # Per-slot caches: only the Huber slot is recomputed.
    assert changed() == {"fit_regression": 1, "regression_landscape": 1, "gradient_descent": 1}
    base = calls()
    at.selectbox(key="outliers.outliers.l1").set_value("log_cosh").run()
    assert changed() == {"fit_regression": 1, "regression_landscape": 1, "gradient_descent": 1}


@pytest.mark.parametrize("three_d", ["0", "1"])
def test_the_caption_names_the_markers_the_landscapes_draw(three_d):
    # In 3-D the optimum is a diamond and the truth a cross (Plotly's 3-D "x" is the emoji
    # ❌, a blank box without an emoji font); the caption said ★ and ✕ there too.
    import json

    at = run({"3d": three_d})
    assert_ok(at)
    spec = json.loads(at.get("plotly_chart")[1].proto.spec)
    symbols = {t["name"]: t["marker"].get("symbol") for t in spec["data"] if "marker" in t}
    caption = next(c.value for c in at.caption if "= optimum of that loss" in c.value)
    glyph = {"star": "★", "diamond": "◆", "x": "✕", "cross": "+"}
    assert f"{glyph[symbols['optimum ★']]} = optimum of that loss" in caption
    assert f"{glyph[symbols['truth ✕']]} = true parameters" in caption
    if three_d == "1":
        assert symbols["truth ✕"] != "x"


# =========================================================================== issue 14
HET_BOUNDS = [
    {"n": "10", "noise": "0.0", "growth": "0.00", "seed": "0", "steps": "1", "grid": "20"},
    {"n": "1000", "noise": "3.0", "growth": "1.00", "seed": "99", "steps": "500", "grid": "400"},
]


def test_heteroscedastic_data_default_to_three_quantile_lines_that_fan_out():
    at = run({"kind": "heteroscedastic"})
    assert_ok(at)
    assert not at.warning
    q = dict(at.query_params)
    assert (q["l1"], q["l2"], q["l3"]) == ("quantile",) * 3
    assert (q["l1.tau"], q["l2.tau"], q["l3.tau"]) == ("0.10", "0.50", "0.90")
    assert "outliers" not in q and "magnitude" not in q and q["growth"] == "0.40"
    rows = [r for r in at.markdown[1].value.splitlines() if r.startswith("| Quantile")]
    slopes = [float(r.split("|")[2].split()[0]) for r in rows]
    assert slopes[0] < slopes[1] < slopes[2]  # the lines fan out as the noise grows
    # The true τ-quantile lines are drawn for comparison (dotted, in the fit's colour):
    # slope 1 + g·z_τ with z_0.9 = 1.2816 (normal table): 1 + 0.4·1.2816 = 1.513.
    import json

    spec = json.loads(charts(at)[0].proto.spec)
    names = [t["name"] for t in spec["data"]]
    for tau, line in (("0.10", "0.49x"), ("0.50", "1.00x"), ("0.90", "1.51x")):
        assert any(n.startswith(f"true τ = {tau}: ŷ = {line}") for n in names), names
    # Koenker & Bassett: about a share τ of the points lie below the τ-line.
    caption = next(c.value for c in at.caption if "lie below it" in c.value)
    assert "(89 %) lie below it" in caption or "(90 %) lie below it" in caption


@pytest.mark.parametrize("bound", HET_BOUNDS, ids=["min", "max"])
def test_heteroscedastic_sliders_at_their_bounds(bound):
    at = run({**bound, "kind": "heteroscedastic"})
    assert_ok(at)
    assert not at.warning, [w.value for w in at.warning]
    for k, v in bound.items():
        assert at.query_params[k] == v, k


@pytest.mark.parametrize(
    ("alpha", "named", "convex"),
    [("2.0", "L2", True), ("1.0", "Charbonnier", True), ("0.0", "Cauchy", False),
     ("-2.0", "Geman–McClure", False)],
)  # fmt: skip
def test_barron_alpha_moves_from_least_squares_to_ignoring_the_outliers(alpha, named, convex):
    at = run({"l3.alpha": alpha, "influence": "l3"})
    assert_ok(at)
    body = text_of(at)
    title = f"Barron (α = {alpha.replace('-', '−')}, c = 1.00: {named})"
    row = next(r for r in at.markdown[1].value.splitlines() if r.startswith(f"| {title}"))
    mse = next(r for r in at.markdown[1].value.splitlines() if r.startswith("| MSE |"))
    vote = int(row.split("|")[4].split()[0])
    if alpha == "2.0":  # Barron (2019) eq. 2: α = 2 is ½r², the least-squares line
        assert row.split("|")[2:4] == mse.split("|")[2:4]
    if convex:
        assert "non-convex" not in body and "†" not in row
    else:
        assert row.startswith(f"| {title} † |") and "local optimum from the LAD (MAE) fit" in body
        # Redescending: the outliers' share of the votes is a small fraction of MSE's.
        assert 4 * vote < int(mse.split("|")[4].split()[0])


def test_welsch_toggle_sets_alpha_to_minus_infinity():
    at = run({"l3.alpha_inf": "1"})
    assert_ok(at)
    assert "Barron (α = −∞, c = 1.00: Welsch) †" in at.markdown[1].value
    assert at.query_params["l3.alpha_inf"] == "1"


@pytest.mark.parametrize(
    "loss", ["mae", "smooth_l1", "pseudo_huber", "log_cosh", "quantile", "epsilon_insensitive"]
)
def test_every_loss_in_every_slot(loss):
    at = run({"l1": loss, "l2": loss, "influence": "l1", "steps": "40"})
    assert_ok(at)
    assert not at.warning
    title = outliers.spec_title(
        (loss, tuple((p.name, p.default) for p in outliers.registry.get(loss).params))
    )
    assert sum(r.startswith(f"| {title} |") for r in at.markdown[1].value.splitlines()) == 2
    assert at.query_params["l1"] == loss


@pytest.mark.parametrize(
    ("alpha", "scale", "said"),
    [
        # Barron (2019), eq. 3: far from 0 the gradient of ρ(r, α, c) behaves like
        # |r|^(α−1) (times a constant), so it grows without bound for α > 1; at α = 1
        # (Charbonnier, sqrt((r/c)² + 1) − 1) it is r/(c² sqrt((r/c)² + 1)) → 1/c.
        ("1.0", "2.00", "grows towards a cap, 1/c = 0.5"),
        ("1.5", "1.00", "grows without bound, like |r|^0.5"),
        ("2.0", "1.00", "grows without bound, like |r|^1.0"),
    ],
)
def test_barrons_influence_caption_says_how_a_far_vote_grows(alpha, scale, said):
    at = run({"influence": "l3", "l3.alpha": alpha, "l3.scale": scale})
    assert_ok(at)
    assert said in "\n".join(c.value for c in at.caption)
