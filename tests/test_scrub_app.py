"""The scrub bar's wiring in AppTest: its sliders, the frames it is sent, its commits.

The frames are what the browser shows while a slider is dragged, so they must be the
core's numbers at every value of the slider's grid (float32 on the wire): here they
are checked against the loss functions (through the registry's curves and Compare's
evaluation) value by value, for every scrubbable parameter of every loss.
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from _pages import assert_no_exception, run_page
from streamlit.testing.v1 import AppTest

from lossviz import compare, registry
from lossviz.registry import REGISTRY
from lossviz.views import scrub

pytestmark = pytest.mark.app


def _bars(at: AppTest) -> dict[str, dict]:
    """Every scrub bar on the page, by its key, as its data (sliders, contexts, frames)."""
    out = {}
    for e in at.get("bidi_component"):
        if e.proto.component_name == scrub.NAME:
            key = e.proto.id.split("-", 2)[-1]
            out[key] = json.loads(e.proto.json)
    return out


def _floats(b64: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype="<f4").astype(np.float64)


def _x(chart: dict) -> np.ndarray:
    """The frames' even grid, as NumPy made it (the same floats: a kink at 0 stays at 0)."""
    return np.linspace(chart["x0"], chart["x1"], chart["points"])


def _want(at: AppTest, bar: str, name: str) -> dict:
    """Ask for the frames of slider ``name`` as the browser does on hover, and get them."""
    data = _bars(at)[bar]
    at.session_state[bar] = {
        "want": {"name": name, "context": data["contexts"][name], "seq": 1},
        "commit": None,
    }
    at.run()
    assert_no_exception(at)
    return _bars(at)[bar]["frames"][name]


SCRUBBABLE = [  # every slider, counts (K classes, K negatives, Poisson's y) included
    pytest.param(key, p.name, id=f"{key}-{p.name}")
    for key, spec in REGISTRY.items()
    for p in spec.sliders
    if not p.optional
]


def test_every_slider_of_every_loss_is_on_the_bar_with_its_accessible_label():
    for key, spec in REGISTRY.items():
        at = run_page("explore", {"loss": key})
        assert_no_exception(at)
        (data,) = _bars(at).values()
        controls = {c["name"]: c for c in data["controls"]}
        for p in spec.sliders:
            c = controls[f"explore.{key}.{p.name}"]
            assert c["aria"] == f"{p.symbol} ({p.name})"  # as the page names it
            assert (c["min"], c["max"], c["step"]) == (p.min, p.max, p.step)
            assert c["valuetext"] == f"{p.symbol} = {{v}}"
            assert c["frames"]  # every slider moves the chart while dragged
        probe = [c for name, c in controls.items() if name.endswith(".x0")]
        assert len(probe) == 1 and probe[0]["label"].startswith("probe x₀")
        assert not data["frames"]  # frames are sent when asked for, not on load


@pytest.mark.parametrize(("key", "name"), SCRUBBABLE)
def test_frames_are_the_core_at_every_value_of_the_slider(key, name):
    spec = REGISTRY[key]
    at = run_page("explore", {"loss": key})
    f = _want(at, "explore.scrub", f"explore.{key}.{name}")
    p = next(q for q in spec.sliders if q.name == name)
    grid = np.asarray(f["values"])
    n = round((p.max - p.min) / p.step) + 1
    assert grid.size == n and grid[0] == pytest.approx(p.min) and grid[-1] == pytest.approx(p.max)
    (chart,) = f["charts"]
    x = _x(chart)
    base = registry.defaults(spec)
    traces = {t["index"]: _floats(t["y"]).reshape(n, -1) for t in chart["traces"]}
    first = min(traces)
    for g in (0, n // 3, n - 1):
        exact = registry.curve(spec, {**base, name: float(grid[g])}, x)
        for b, (_, loss, grad) in enumerate(exact):
            np.testing.assert_allclose(traces[first + 2 * b][g], loss, rtol=2e-7, atol=1e-12)
            np.testing.assert_allclose(traces[first + 2 * b + 1][g], grad, rtol=2e-7, atol=1e-12)
    titles = chart["layout"].get("title.text")
    if titles is not None:  # the title says the dragged value
        assert p.symbol in titles[n - 1] and titles[0] != titles[n - 1]
    if spec.surface.y_param == name:
        assert f["level"] == {"revision": f"{key}.surface", "label": f"current {p.symbol} = {{v}}"}


def test_huber_frames_move_the_kink_markers_with_delta():
    at = run_page("explore", {"loss": "huber"})
    f = _want(at, "explore.scrub", "explore.huber.delta")
    lay = f["charts"][0]["layout"]
    grid = np.asarray(f["values"])
    # Markers in the figure's order: −δ (shapes 0, 1 and label 0), +δ (2, 3 and 1), x₀.
    np.testing.assert_allclose(lay["shapes[2].x0"], np.clip(grid, -4, 4))
    assert lay["annotations[1].text"][grid.tolist().index(2.0)] == "+δ = 2.00"
    beyond = grid > 4.0  # the kink leaves the axis: its line is hidden, not dropped
    assert [v for v, b in zip(lay["shapes[2].visible"], beyond, strict=True) if b] == [False] * sum(
        beyond
    )


def test_probe_frames_move_only_the_probe_marker():
    at = run_page("explore", {"loss": "huber"})
    f = _want(at, "explore.scrub", "explore.huber.r.x0")
    (chart,) = f["charts"]
    assert chart["traces"] == []  # the curves do not change with x₀
    lay = chart["layout"]
    grid = np.asarray(f["values"])
    np.testing.assert_allclose(lay["shapes[4].x0"], grid)  # after −δ and +δ
    assert lay["annotations[2].text"][0] == "x₀ = -4.00"


def test_frames_for_a_stale_context_are_not_sent():
    at = run_page("explore", {"loss": "huber"})
    at.session_state["explore.scrub"] = {
        "want": {"name": "explore.huber.delta", "context": "stale", "seq": 1},
        "commit": None,
    }
    at.run()
    assert _bars(at)["explore.scrub"]["frames"] == {}


def test_a_commit_sets_the_value_the_link_and_the_readouts():
    at = run_page("explore", {"loss": "huber", "x0": "2.00"})
    at.session_state["explore.scrub"] = {
        "commit": {"name": "explore.huber.delta", "value": 0.5, "seq": 7},
        "want": None,
    }
    at.run()
    assert_no_exception(at)
    assert at.query_params["delta"] == "0.50"
    # Huber δ = 0.5 at r = 2: δ(|r| − δ/2) = 0.875 (by hand).
    assert at.metric[0].value == "0.8750"
    # The same commit seen again (the component keeps its last state) changes nothing.
    at.session_state["explore.huber.delta"] = 1.0
    at.run()
    assert at.query_params["delta"] == "1.00"


# --------------------------------------------------------------------------- Compare


def _compare(query: dict) -> AppTest:
    at = run_page("compare", query)
    assert_no_exception(at)
    return at


@pytest.mark.parametrize("view", ["overlay", "ratio", "panels"])
def test_compare_entry_frames_are_the_core_along_the_domain(view):
    at = _compare({"domain": "binary", "x": "p_t", "view": view})
    bars = _bars(at)
    assert {f"compare.scrub.e{i}" for i in range(3)} | {"compare.scrub.shared"} == set(bars)
    f = _want(at, "compare.scrub.e1", "compare.binary.focal.e1.gamma")
    grid = np.asarray(f["values"])
    charts = f["charts"]
    assert len(charts) == 1
    chart = charts[0]
    x = _x(chart)
    traces = {t["index"]: _floats(t["y"]).reshape(grid.size, -1) for t in chart["traces"]}
    shared = {}
    for g in (0, 20, grid.size - 1):
        b_loss, b_grad = compare.evaluate(
            "binary", "focal", x, {"gamma": float(grid[g]), "alpha": None}, shared, "p_t"
        )
        if view == "overlay":  # entry B's loss and gradient are traces 2 and 3
            np.testing.assert_allclose(traces[2][g], b_loss, rtol=2e-7, atol=1e-12)
            np.testing.assert_allclose(traces[3][g], b_grad, rtol=2e-7, atol=1e-12)
            assert chart["names"]["2"][g] == f"B: Focal γ = {grid[g]:.1f}, α off"
        elif view == "ratio":  # B ÷ A (BCE), the first ratio trace
            a_loss, _ = compare.evaluate("binary", "binary_cross_entropy", x, {}, shared, "p_t")
            np.testing.assert_allclose(traces[0][g], b_loss / a_loss, rtol=3e-7, atol=1e-12)
        else:  # B's own panel
            assert chart["revision"] == "binary.p_t.panels.1"
            np.testing.assert_allclose(traces[0][g], b_loss, rtol=2e-7, atol=1e-12)


def test_compare_shared_input_frames_move_every_entry_that_reads_it():
    at = _compare({"domain": "multiclass"})
    f = _want(at, "compare.scrub.shared", "compare.multiclass.z1")
    (chart,) = f["charts"]
    grid = np.asarray(f["values"])
    x = _x(chart)
    traces = {t["index"]: _floats(t["y"]).reshape(grid.size, -1) for t in chart["traces"]}
    assert sorted(traces) == [0, 1, 2, 3, 4, 5]  # all three entries read z₁
    g = 30
    loss, _ = compare.evaluate(
        "multiclass", "categorical_cross_entropy", x, {}, {"z1": float(grid[g]), "z2": 0.0}
    )
    np.testing.assert_allclose(traces[0][g], loss, rtol=2e-7, atol=1e-12)


def test_compare_reference_frames_normalise_every_curve_at_each_x_ref():
    at = _compare({"domain": "regression", "norm": "1"})
    f = _want(at, "compare.scrub.shared", "compare.regression.r.ref")
    (chart,) = f["charts"]
    grid = np.asarray(f["values"])
    x = _x(chart)
    traces = {t["index"]: _floats(t["y"]).reshape(grid.size, -1) for t in chart["traces"]}
    g = int(np.argmin(np.abs(grid - 2.0)))
    mse, _ = compare.evaluate("regression", "mse", x, {})
    np.testing.assert_allclose(traces[0][g], mse / 4.0, rtol=2e-7, atol=1e-12)  # MSE(2) = 4
    assert chart["layout"]["yaxis.title.text"][g] == "ℓ / ℓ(r = 2.00)"


def _commit(at: AppTest, bar: str, name: str, value: float, seq: int) -> dict:
    at.session_state[bar] = {"commit": {"name": name, "value": value, "seq": seq}, "want": None}
    at.run()
    assert_no_exception(at)
    return _bars(at)[bar]["contexts"]


def test_a_commit_keeps_the_committed_sliders_frames_and_renews_those_it_changes():
    """A slider's frames do not depend on its own value (a second drag needs none new);
    they do on every other value they draw, the probe's marker included."""
    at = run_page("explore", {"loss": "huber", "delta": "1.00", "x0": "2.00"})
    before = _bars(at)["explore.scrub"]["contexts"]
    after = _commit(at, "explore.scrub", "explore.huber.delta", 1.5, 1)
    assert after["explore.huber.delta"] == before["explore.huber.delta"]
    assert after["explore.huber.r.x0"] != before["explore.huber.r.x0"]  # curves changed
    moved = _commit(at, "explore.scrub", "explore.huber.r.x0", 1.0, 2)
    assert moved["explore.huber.r.x0"] == after["explore.huber.r.x0"]
    assert moved["explore.huber.delta"] != after["explore.huber.delta"]  # probe marker
    at = run_page("compare", {})
    bars = _bars(at)
    bar, name = next(
        (b, n) for b, d in bars.items() if b.endswith(".e2") for n in d["contexts"]
    )  # the third entry (Huber) and its δ
    before = bars[bar]["contexts"][name]
    shared = dict(bars["compare.scrub.shared"]["contexts"])
    after = _commit(at, bar, name, 1.5, 1)
    assert after[name] == before
    assert _bars(at)["compare.scrub.shared"]["contexts"] != shared  # the probe's frames
