"""The Compare page's wiring, with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lossviz import losses
from lossviz.compare import DOMAINS, LETTERS, PRESETS

pytestmark = pytest.mark.app

SCRIPT = "from lossviz.views import compare; compare.render()"


def run(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    return at


VIEWS = ("overlay", "ratio", "panels", "surfaces")  # lazy tabs: one is drawn at a time


def charts(at: AppTest) -> dict:
    """Plotly specs by view: the overlay, the ratio, one panel and one surface per entry.

    Each view is a lazy tab, drawn only while open, so the page is run once per view
    with ``at``'s live URL, which holds every control (the URL round trip is tested).
    """
    q = query(at)
    specs = {}
    for view in VIEWS:
        other = run({**q, "view": view})
        assert not other.exception, other.exception
        assert query(other) == {**q, "view": view}
        specs[view] = [json.loads(e.proto.spec) for e in other.get("plotly_chart")]
    n = int(q["n"])
    assert [len(specs[v]) for v in VIEWS] == [1, 1, n, n]
    return {
        "overlay": specs["overlay"][0],
        "ratio": specs["ratio"][0],
        "panels": specs["panels"],
        "surfaces": specs["surfaces"],
    }


def raw_specs(at: AppTest) -> list[str]:
    return [e.proto.spec for e in at.get("plotly_chart")]


def names(spec: dict) -> list[str]:
    return [t.get("name") for t in spec["data"]]


def decode(arr) -> np.ndarray:
    if isinstance(arr, dict):
        return np.frombuffer(base64.b64decode(arr["bdata"]), dtype=arr["dtype"])
    return np.asarray(arr, dtype=np.float64)


def xs(trace: dict) -> np.ndarray:
    """A curve trace's x as the browser builds it: x0 + k·dx when the trace sends no x."""
    if "x" in trace:
        return decode(trace["x"]).astype(np.float64)
    return trace["x0"] + trace["dx"] * np.arange(decode(trace["y"]).size)


def table(at: AppTest) -> str:
    found = [m.value for m in at.markdown if "**loss ℓ(x₀)**" in m.value]
    assert len(found) == 1
    return found[0]


def query(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}


def warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning)


def test_default_page_renders_robust_regression_without_exception():
    at = run()
    assert not at.exception
    c = charts(at)
    assert names(c["overlay"])[::2] == ["A: MSE", "B: MAE", "C: Huber δ = 1.00"]
    q = query(at)
    assert q["domain"] == "regression" and q["n"] == "3" and q["e2.delta"] == "1.00"


@pytest.mark.parametrize("n", [2, 4])
@pytest.mark.parametrize("domain", list(DOMAINS))
def test_each_domain_with_2_and_4_entries(domain, n):
    at = run({"domain": domain, "n": str(n)})
    assert not at.exception, at.exception
    assert not at.warning
    c = charts(at)
    assert len(c["overlay"]["data"]) == 2 * n  # a loss and a gradient trace per entry
    assert len(c["ratio"]["data"]) == n - 1  # every entry but the baseline
    assert len(c["panels"]) == n and all(len(p["data"]) == 2 for p in c["panels"])
    assert len(c["surfaces"]) == n and all(len(s["data"]) == 1 for s in c["surfaces"])
    labels = names(c["overlay"])[::2]
    assert [p["data"][0]["name"] for p in c["panels"]] == labels
    # One colour scale: every surface has the same range.
    scales = {
        (s["layout"]["coloraxis"]["cmin"], s["layout"]["coloraxis"]["cmax"]) for s in c["surfaces"]
    }
    assert len(scales) == 1
    assert [lab[0] for lab in labels] == list(LETTERS[:n])
    header = table(at).splitlines()[0]
    assert all(lab in header for lab in labels)
    assert query(at)["n"] == str(n)


@pytest.mark.parametrize("preset", PRESETS, ids=[p.key for p in PRESETS])
def test_each_preset_sets_the_whole_comparison_and_the_url(preset):
    at = run({"domain": "regression", "n": "2", "e0": "mae", "e1": "mse"})
    at.button(key=f"compare.preset.{preset.key}").click().run()
    assert not at.exception, at.exception
    q = query(at)
    assert q["domain"] == preset.domain
    assert q["n"] == str(len(preset.entries))
    assert q["base"] == LETTERS[preset.baseline]
    assert q["log"] == ("1" if preset.log_ratio else "0")
    axis = DOMAINS[preset.domain].axis(preset.axis or DOMAINS[preset.domain].axes[0].key)
    assert float(q["x0"]) == pytest.approx(axis.probe)
    if preset.axis:
        assert q["x"] == preset.axis
    for i, (opt, vals) in enumerate(preset.entries):
        assert q[f"e{i}"] == opt
        for name, v in vals.items():
            if v is None:
                assert q[f"e{i}.{name}_on"] == "0"
            else:
                assert float(q[f"e{i}.{name}"]) == pytest.approx(v)
    for name, v in preset.shared.items():
        assert float(q[name]) == pytest.approx(v)
    assert len(charts(at)["overlay"]["data"]) == 2 * len(preset.entries)


def test_focal_preset_ratio_trace_is_focal_over_cross_entropy_from_the_core():
    at = run()
    at.button(key="compare.preset.focal").click().run()
    c = charts(at)
    x = xs(c["ratio"]["data"][1])
    y = decode(c["ratio"]["data"][1]["y"])
    assert c["ratio"]["data"][1]["name"].startswith("C: Focal γ = 2.0, α off")
    z = np.log(x / (1 - x))
    want = losses.focal(1.0, z, gamma=2.0, alpha=None) / losses.binary_cross_entropy(1.0, z)
    np.testing.assert_allclose(y, want, rtol=1e-4)
    # The exact readout at Lin et al.'s points (under the ratio), and the table at the
    # probe p_t = 0.9 (under every view).
    ratio_view = run({**query(at), "view": "ratio"})
    body = "\n".join(m.value for m in ratio_view.markdown)
    assert "C ÷ A = 0.01 (100× smaller)" in body
    assert "C ÷ A = 0.00102 (977× smaller)" in body
    assert "| **ratio to A at x₀** | 1 | 1 | 0.01 | 1e-05 |" in table(at)


def test_duplicated_losses_with_their_own_parameters():
    at = run(
        {
            "domain": "regression",
            "n": "3",
            "e0": "huber",
            "e0.delta": "0.5",
            "e1": "huber",
            "e1.delta": "2",
            "e2": "huber",
            "e2.delta": "1",
            "x0": "1.5",
        }
    )
    assert not at.exception and not at.warning
    assert names(charts(at)["overlay"])[::2] == [
        "A: Huber δ = 0.50",
        "B: Huber δ = 2.00",
        "C: Huber δ = 1.00",
    ]
    # Huber at r = 1.5: δ = 0.5 → 0.5(1.5 − 0.25) = 0.625; δ = 2 → 1.125; δ = 1 → 1.
    assert "| **loss ℓ(x₀)** | 0.625 | 1.125 | 1 |" in table(at)
    q = query(at)
    assert (q["e0.delta"], q["e1.delta"], q["e2.delta"]) == ("0.50", "2.00", "1.00")


def test_focal_twice_in_the_3_class_domain_uses_the_shared_logits():
    at = run(
        {
            "domain": "multiclass",
            "n": "2",
            "e0": "focal",
            "e0.gamma": "0",
            "e0.alpha_on": "0",
            "e1": "focal",
            "e1.gamma": "2",
            "e1.alpha_on": "0",
            "z1": "2",
            "z2": "-1",
            "x0": "0",
        }
    )
    assert not at.exception and not at.warning
    want = losses.binary_cross_entropy(np.array([1.0, 0.0, 0.0]), np.array([0.0, 2.0, -1.0]))
    assert f"| **loss ℓ(x₀)** | {want.sum():.4g} |" in table(at)


@pytest.mark.parametrize(
    "q",
    [
        {
            "domain": "binary",
            "n": "4",
            "x": "p_t",
            "e0": "focal",
            "e0.gamma": "0.0",
            "e0.alpha_on": "0",
            "e1": "focal",
            "e1.gamma": "2.0",
            "e1.alpha_on": "1",
            "e1.alpha": "0.75",
            "e2": "binary_cross_entropy",
            "e3": "focal",
            "e3.gamma": "5.0",
            "e3.alpha_on": "0",
            "base": "C",
            "log": "0",
            "x0": "0.968",
            "norm": "1",
            "ref": "0.700",
            "3d": "1",
        },
        {
            "domain": "distance",
            "n": "3",
            "e0": "triplet_pos",
            "e0.margin": "0.5",
            "e1": "triplet_neg",
            "e1.margin": "2",
            "e2": "contrastive_similar",
            "e2.margin": "1",
            "d_pos": "0.3",
            "d_neg": "1.2",
            "base": "B",
        },
    ],
    ids=["binary", "distance"],
)
def test_the_url_round_trips(q):
    first = run(q)
    assert not first.exception and not first.warning
    q1 = query(first)
    for k, v in q.items():  # every given value survives (normalised to the slider format)
        assert k in q1
        try:
            assert float(q1[k]) == pytest.approx(float(v))
        except ValueError:
            assert q1[k] == v
    second = run(q1)
    assert not second.exception
    assert query(second) == q1
    assert table(second) == table(first)
    assert names(charts(second)["overlay"]) == names(charts(first)["overlay"])


def test_changing_an_entry_changes_the_url_and_the_traces():
    at = run({"domain": "regression", "n": "2"})
    at.selectbox(key="compare.regression.e1").set_value("huber").run()
    assert not at.exception
    assert query(at)["e1"] == "huber" and "e1.delta" in query(at)
    at.radio(key="compare.n").set_value("3").run()
    assert len(charts(at)["overlay"]["data"]) == 6
    assert query(at)["n"] == "3"


def test_normalised_mode_states_its_reference_and_passes_one_there():
    at = run({"domain": "regression", "n": "3", "norm": "1", "ref": "2"})
    assert not at.exception
    # Stated in the caption under the chart and on its y axis (no heading: 50 px).
    assert any("= 2.00, so every curve passes 1 there" in s.value for s in at.caption)
    c = charts(at)["overlay"]
    assert "ℓ / ℓ(r = 2.00)" in c["layout"]["yaxis"]["title"]["text"]
    x = xs(c["data"][0])
    i = int(np.argmin(np.abs(x - 2.0)))
    for t in c["data"][::2]:
        assert decode(t["y"])[i] == pytest.approx(1.0, rel=1e-6)
    assert "ℓ(x₀) / ℓ(x_ref)" in table(at)


def test_a_loss_that_is_zero_at_the_reference_is_said_not_drawn():
    at = run({"domain": "regression", "n": "2", "norm": "1", "ref": "0"})
    assert not at.exception
    assert "Not drawn: A: MSE, B: MAE" in warnings(at)


@pytest.mark.parametrize(
    "q, named",
    [
        ({"domain": "<b>bogus</b>"}, "`domain`"),
        ({"n": "9"}, "`n`"),
        ({"e0": "focal"}, "`e0`"),  # not a regression loss
        ({"e2": "huber", "e2.delta": "NaN"}, "`e2.delta`"),
        ({"x0": "1e9"}, "`x0`"),
        ({"domain": "binary", "e1": "focal", "e1.alpha_on": "maybe"}, "`e1.alpha_on`"),
        ({"domain": "binary", "x": "p"}, "`x`"),
        ({"n": "2", "base": "D"}, "`base`"),
        ({"domain": "distance", "e1": "triplet_neg", "d_pos": "-3"}, "`d_pos`"),
        ({"view": "<img src=x>"}, "`view`"),
    ],
)
def test_bad_url_values_warn_naming_the_parameter_never_a_traceback(q, named):
    at = run(q)
    assert not at.exception, at.exception
    assert named in warnings(at)
    assert len(at.get("plotly_chart")) == 1  # the open view: the overlay


@pytest.mark.parametrize(
    ("view", "changed"),
    [("overlay", [0]), ("ratio", [0]), ("panels", [2]), ("surfaces", [2])],
)
def test_a_slider_of_one_entry_resends_only_that_entrys_charts(view, changed):
    """Only the open view is drawn, and Streamlit sends an unchanged chart as a reference
    to the browser's copy: moving Huber's δ must leave MSE's and MAE's panel and surface
    specs identical."""
    at = run({"view": view})
    before = raw_specs(at)
    at.session_state["compare.regression.huber.e2.delta"] = 1.5  # the scrub bar's commit
    at.run()
    assert not at.exception
    after = raw_specs(at)
    assert len(before) == len(after) == (1 if view in ("overlay", "ratio") else 3)
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == changed
    if view in ("panels", "surfaces"):
        assert json.loads(after[2])["layout"]["annotations"][0]["text"] == "C: Huber δ = 1.50"


def test_curves_send_x0_dx_not_an_x_array():
    c = charts(run())
    for spec in (c["overlay"], c["ratio"], *c["panels"]):
        for t in spec["data"]:
            assert "x" not in t and t["dx"] > 0
    x = xs(c["overlay"]["data"][0])
    assert x[0] == pytest.approx(-4.0) and x[-1] == pytest.approx(4.0)


def _table_rows(at: AppTest) -> dict[str, list[str]]:
    table = next(m.value for m in at.markdown if m.value.startswith("| |"))
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0].strip("*")] = cells[1:]
    return rows


def test_table_properties_are_computed_for_each_entrys_values():
    # Issue: focal with γ = 0 (which is BCE) was listed as not convex beside BCE as convex.
    at = run(
        {
            "domain": "binary",
            "n": "3",
            "e0": "binary_cross_entropy",
            "e1": "focal",
            "e1.gamma": "0.0",
            "e1.alpha_on": "0",
            "e2": "focal",
            "e2.gamma": "2.0",
            "e2.alpha_on": "0",
        }
    )
    assert not at.exception and not at.warning
    convex = _table_rows(at)["convex"]
    assert convex[0] == "yes" and convex[1].startswith("yes") and convex[2].startswith("no")


def test_a_link_the_compare_page_writes_opens_without_a_warning():
    for preset in PRESETS:
        at = run()
        at.button(key=f"compare.preset.{preset.key}").click().run()
        written = query(at)
        again = run(written)
        assert not again.exception and not again.warning, (preset.key, written)
        assert query(again) == written
