"""The Preferences (RLHF) page: a Bradley–Terry reward model, and DPO / IPO policies.

K items have latent rewards r ~ N(0, 1). N comparisons are labelled by a noisy
annotator (item i preferred with probability σ((r_i − r_j)/T), then the label
flipped with probability f). A reward model is fitted by regularised
Bradley–Terry maximum likelihood on 80 % of the pairs (seeded split) and judged
on the other 20 %: its rewards against the truth (Spearman, Pearson), its
held-out accuracy, the loss against Δr over the data's distribution of Δr, and
what the margin m does.

The policy tabs fit a tabular policy over the same K items (as responses to one
prompt) directly from all N pairs with DPO and IPO (``fit_preference_policy``), and
draw it against the reference policy π_ref and the KL-regularised optimum
π* ∝ π_ref · exp(r/(Tβ)); the β sweep refits both at every β of the slider's grid and
shows Azar et al.'s (2023) failure: on noise-free labels DPO sends π(best) to 1
whatever β, IPO stays at a distance set by β.

Caching: the data on the data sliders; the fit on data + m; the margin sweep
(13 fits) on the data only, so moving m recomputes one fit. The policy data on the
data sliders + reference spread + noise-free; the two policy fits on those + β + λ;
the β sweep (2 × 40 fits) on those + λ, so moving β costs two fits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from lossviz import figures, losses, metrics
from lossviz.data import (
    PolicyPreferenceData,
    PreferenceData,
    policy_preference_data,
    preference_data,
)
from lossviz.fit import PolicyFit, fit_bradley_terry, fit_preference_policy
from lossviz.registry import REGISTRY
from lossviz.views import scrub
from lossviz.views.charts import chart
from lossviz.views.controls import UrlState, fmt

L2 = 1e-3  # ridge on the rewards (fit_bradley_terry's default): finite for an unbeaten item
TEST_FRACTION = 0.2
SWEEP = np.round(np.arange(-3.0, 3.0001, 0.5), 2)  # margins of the sweep (the slider's range)
DR_HALF_WIDTH = 3.0  # the Δr axis spans at least ±this

DataKey = tuple[int, int, float, float, int]  # K, N, temperature, flip rate, seed
BETA_MIN, BETA_MAX, BETA_STEP = 0.05, 2.0, 0.05
BETAS = np.round(np.arange(BETA_MIN, BETA_MAX + 1e-9, BETA_STEP), 2)  # the β slider's grid
PolicyKey = tuple[DataKey, float, bool]  # data, reference spread, noise-free


@st.cache_data(max_entries=32, show_spinner=False)
def make_data(key: DataKey) -> PreferenceData:
    k, n, temp, flip, seed = key
    return preference_data(k, n, temperature=temp, flip_rate=flip, seed=seed)


@st.cache_data(max_entries=32, show_spinner=False)
def make_split(n_pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return metrics.split_pairs(n_pairs, test_fraction=TEST_FRACTION, seed=seed)


@dataclass(frozen=True, eq=False)
class Fit:
    rewards: np.ndarray
    converged: bool
    spearman: float
    pearson: float
    train_accuracy: float
    test_accuracy: float
    spread: float  # standard deviation of the fitted rewards


def _fit(key: DataKey, margin: float, data=None) -> Fit:
    """The Bradley–Terry fit at ``margin``; ``data``: ``(d, train, test)`` when the
    caller holds them already (a sweep reads them from the cache once)."""
    d, train, test = (make_data(key), *make_split(key[1], key[4])) if data is None else data
    f = fit_bradley_terry(d.chosen[train], d.rejected[train], key[0], margin=margin, l2=L2)
    return Fit(
        rewards=f.rewards,
        converged=f.converged,
        spearman=metrics.spearman(d.rewards, f.rewards),
        pearson=metrics.pearson(d.rewards, f.rewards),
        train_accuracy=metrics.pairwise_accuracy(f.rewards, d.chosen[train], d.rejected[train]),
        test_accuracy=metrics.pairwise_accuracy(f.rewards, d.chosen[test], d.rejected[test]),
        spread=float(np.std(f.rewards)),
    )


@st.cache_data(max_entries=64, show_spinner=False)
def make_fit(key: DataKey, margin: float) -> Fit:
    return _fit(key, margin)


@st.cache_data(max_entries=32, show_spinner=False)
def make_sweep(key: DataKey) -> dict[str, np.ndarray]:
    """Held-out accuracy, reward spread and Spearman ρ of the fit at each margin of SWEEP."""
    data = (make_data(key), *make_split(key[1], key[4]))
    fits = [_fit(key, float(m), data) for m in SWEEP]
    return {
        "test_accuracy": np.array([f.test_accuracy for f in fits]),
        "spread": np.array([f.spread for f in fits]),
        "spearman": np.array([f.spearman for f in fits]),
    }


def _controls(state: UrlState) -> dict:
    sb = st.sidebar
    v: dict = {}
    sb.markdown("**Items and annotator**")
    v["items"] = state.slider(
        "items", "items K", min_value=2, max_value=50, default=10, step=1, integer=True,
        help="Responses with a latent reward each, r ~ N(0, 1).",
    )  # fmt: skip
    v["pairs"] = state.slider(
        "pairs", "comparisons N", min_value=10, max_value=5000, default=500, step=10,
        integer=True, help=f"{100 * (1 - TEST_FRACTION):.0f} % train the reward model, "
        f"{100 * TEST_FRACTION:.0f} % are held out.",
    )  # fmt: skip
    v["temp"] = state.slider(
        "temp", "annotator temperature T", min_value=0.1, max_value=5.0, default=1.0, step=0.1,
        help="P(i ≻ j) = σ((r_i − r_j)/T): small T = a decisive annotator, large T = coin flips.",
    )  # fmt: skip
    v["flip"] = state.slider(
        "flip", "flip rate f", min_value=0.0, max_value=0.5, default=0.1, step=0.01,
        help="After sampling, each label is flipped with probability f (annotator error).",
    )  # fmt: skip
    v["seed"] = state.slider(
        "seed", "seed", min_value=0, max_value=99, default=0, step=1, integer=True,
        help="Same seed, same rewards, pairs, labels and train/test split.",
    )  # fmt: skip
    sb.markdown("**Reward model**")
    margin = next(p for p in REGISTRY["bradley_terry"].params if p.name == "margin")
    v["margin"] = state.param(margin)
    sb.markdown("**Policy (DPO, IPO)**")
    # β is on the scrub bar above the policy charts (they follow a drag); kept in the link.
    v["beta"], v["beta_key"] = state.number(
        "beta", min_value=BETA_MIN, max_value=BETA_MAX, default=0.5, step=BETA_STEP
    )
    v["l2"] = state.slider(
        "l2", "ridge λ on the logits", min_value=0.0, max_value=0.1, default=0.0, step=0.005,
        help="(λ/2)‖θ‖² added to the mean loss; pulls θ towards 0 (the uniform policy). "
        "λ = 0: the fit nearest the reference.",
    )  # fmt: skip
    v["ref"] = state.slider(
        "ref", "reference spread s", min_value=0.0, max_value=3.0, default=1.0, step=0.1,
        help="log π_ref = log softmax(s·g), g ~ N(0, I): 0 = a uniform reference.",
    )  # fmt: skip
    v["clean"] = state.toggle(
        "clean", "noise-free labels", default=True,
        help="On: the policy tabs' pairs are labelled by an annotator who always prefers "
        "the higher reward (T and f unused there). Off: the Bradley–Terry annotator above.",
    )  # fmt: skip
    return v


def _corr(x: float) -> str:
    return "undefined" if np.isnan(x) else f"{x:.3f}"


SCRUB = "preferences.scrub"
BETA_LABEL = "β (KL strength)"


def render() -> None:
    state = UrlState("preferences")
    commit, want = scrub.states(SCRUB)
    if commit is not None and commit.get("name") in st.session_state:
        # The scrub bar's names are the values' session keys (see UrlState.number).
        st.session_state[commit["name"]] = commit["value"]
    v = _controls(state)
    key: DataKey = (v["items"], v["pairs"], v["temp"], v["flip"], v["seed"])
    m = float(v["margin"])
    d = make_data(key)
    train, test = make_split(v["pairs"], v["seed"])
    fit = make_fit(key, m)
    n_flipped = int(d.flipped.sum())

    st.title("Preferences (RLHF): a reward model and a policy from comparisons")
    st.markdown(
        f"*{v['items']} items with latent rewards r ~ N(0, 1); {v['pairs']:,} comparisons by an "
        f"annotator who prefers i with probability σ((r_i − r_j)/T), T = {fmt(v['temp'], 0.1)}, "
        f"then flips the label with probability f = {fmt(v['flip'], 0.01)} ({n_flipped} of "
        f"{v['pairs']:,} flipped). Bradley–Terry fit with margin m = {fmt(m, 0.1)} on "
        f"{train.size:,} pairs, judged on {test.size:,} held-out pairs.*"
    )
    if not fit.converged:
        st.warning("The Bradley–Terry fit did not reach its tolerance; shown as it ended.")
    # One view at a time (lazy tabs): a slider move redraws one chart, and the margin
    # sweep (13 refits) runs only while its tab is open.
    view = state.tabs(
        "view",
        [
            ("rewards", "Fitted rewards against the truth"),
            ("loss", "The loss against Δr"),
            ("sweep", "What the margin does"),
            ("policy", "Policy: DPO vs IPO"),
            ("beta", "β sweep: DPO vs IPO"),
        ],
        default="rewards",
    )
    pkey: PolicyKey = (key, float(v["ref"]), bool(v["clean"]))
    with state.tab_container(view):
        if view == "rewards":
            _rewards_view(d, fit, v)
        elif view == "loss":
            _loss_view(d, fit, v, train, m)
        elif view == "sweep":
            _sweep_view(key, m)
        else:
            bar = st.container()
            if view == "policy":
                _policy_view(pkey, float(v["beta"]), float(v["l2"]), v)
            else:
                _beta_view(pkey, float(v["beta"]), float(v["l2"]), v)
            with bar:
                _beta_bar(view, pkey, v, want)

    # The reward model's scores under the chart: above it, they put the chart half
    # below the fold of a 1280×720 projector.
    truth_test = metrics.pairwise_accuracy(d.rewards, d.chosen[test], d.rejected[test])
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Spearman ρ (fitted vs true)", _corr(fit.spearman))
    c2.metric("Pearson r (fitted vs true)", _corr(fit.pearson))
    c3.metric(
        "held-out accuracy",
        f"{100 * fit.test_accuracy:.1f} %",
        f"train {100 * fit.train_accuracy:.1f} %",
        delta_color="off",
        delta_arrow="off",
    )
    c4.metric("held-out accuracy of the true rewards", f"{100 * truth_test:.1f} %")
    st.caption(
        "Accuracy = share of pairs whose chosen item gets the higher reward, on the labels as "
        "the annotator gave them (flips included). The true rewards' accuracy is the ceiling "
        "that noise leaves: no reward model can beat it on average."
    )
    state.sync_url()


def _rewards_view(d, fit: Fit, v: dict) -> None:
    if np.std(fit.rewards) > 0:
        slope, intercept = np.polyfit(d.rewards, fit.rewards, 1)
    else:
        slope, intercept = 0.0, float(fit.rewards.mean())
    fig = figures.rewards_scatter_figure(
        d.rewards,
        fit.rewards,
        slope=float(slope),
        intercept=float(intercept),
        title=f"Spearman ρ = {_corr(fit.spearman)}, Pearson r = {_corr(fit.pearson)}",
        uirevision="preferences.rewards",
    )
    chart(fig, "preferences.rewards")
    st.caption(
        f"Rewards are identified only up to a common shift (the fit centres them) and are "
        f"learned on the annotator's scale r/T: the ideal slope is 1/T = "
        f"{1 / v['temp']:.2f}. Flipped labels shrink it and a margin stretches it (here "
        f"{slope:.2f}). Spearman asks only for the right order."
    )


def _loss_view(d, fit: Fit, v: dict, train: np.ndarray, m: float) -> None:
    dr = fit.rewards[d.chosen[train]] - fit.rewards[d.rejected[train]]
    half = float(np.clip(max(DR_HALF_WIDTH, 1.2 * np.max(np.abs(dr)), abs(m) + 2), 0, 30))
    x = np.linspace(-half, half, 601)
    curves = [(f"−log σ(Δr − m), m = {fmt(m, 0.1)}", losses.bradley_terry(x, 0.0, margin=m),
               figures.loss_colour("bradley_terry"), "solid")]  # fmt: skip
    if m != 0.0:
        curves.append(("m = 0", losses.bradley_terry(x, 0.0), figures.MARKER_COLOUR, "dash"))
    flip = d.flipped[train]
    hists = [
        (f"label kept ({int((~flip).sum())})", dr[~flip], figures.CLEAN_COLOUR),
        (f"label flipped ({int(flip.sum())})", dr[flip], figures.FLIPPED_COLOUR),
    ]
    fig = figures.preference_loss_figure(
        x,
        curves,
        hists,
        markers=[(m, f"Δr = m = {fmt(m, 0.1)}")] if m != 0.0 else [],
        title="Training pairs by their fitted Δr",
        uirevision="preferences.loss",
    )
    chart(fig, "preferences.loss")
    neg = dr < 0
    n_neg = int(neg.sum())
    of_flipped = int((neg & flip).sum())
    st.caption(
        f"Each training pair sits at its fitted Δr; its loss is the curve above it. "
        f"{100 * n_neg / max(dr.size, 1):.1f} % of the training pairs have Δr < 0 (the "
        f"model disagrees with the label): {of_flipped} of those {n_neg} are flipped "
        f"labels, the rest the annotator's own Bradley–Terry randomness at "
        f"T = {fmt(v['temp'], 0.1)}. They sit on the steep left branch, where the gradient "
        "magnitude σ(m − Δr) approaches its bound 1: they keep pulling on the rewards."
    )


def _sweep_view(key: DataKey, m: float) -> None:
    sweep = make_sweep(key)
    fig = figures.margin_sweep_figure(
        SWEEP,
        [
            ("held-out accuracy", sweep["test_accuracy"], figures.PALETTE[0], (0, 1), ".0%"),
            ("spread std(r̂)", sweep["spread"], figures.PALETTE[1], None, ".2f"),
            ("Spearman ρ", sweep["spearman"], figures.PALETTE[2], (-1.05, 1.05), ".2f"),
        ],
        current=m,
        title=f"Refitted at m = {fmt(float(SWEEP[0]), 0.1)} … {fmt(float(SWEEP[-1]), 0.1)} "
        "(same pairs)",
        uirevision="preferences.sweep",
    )
    chart(fig, "preferences.sweep")
    i0 = int(np.argmin(np.abs(SWEEP)))
    top = fmt(float(SWEEP[-1]), 0.1)
    acc0 = f"{100 * sweep['test_accuracy'][i0]:.1f} %"
    acc1 = f"{100 * sweep['test_accuracy'][-1]:.1f} %"
    # Said as the two shown values compare: "moves from 59.0 % to 59.0 %" reads as a slip.
    moved = (
        f"held-out accuracy stays at {acc0}"
        if acc0 == acc1
        else f"held-out accuracy moves from {acc0} to {acc1}"
    )
    st.caption(
        f"A margin demands Δr > m before a pair stops costing. With one margin for every pair, "
        f"it mostly rescales the rewards: std(r̂) is {sweep['spread'][i0]:.2f} at m = 0 and "
        f"{sweep['spread'][-1]:.2f} at m = {top}, while {moved} at m = {top}. Llama 2 uses "
        "a margin per pair, larger when the annotator rated the preference as clear; that "
        "does change the ranking."
    )


# --------------------------------------------------------------------------- policies
@st.cache_data(max_entries=32, show_spinner=False)
def make_policy_data(pkey: PolicyKey) -> PolicyPreferenceData:
    (k, n, temp, flip, seed), spread, clean = pkey
    return policy_preference_data(
        k, n, temperature=temp, flip_rate=flip, ref_spread=spread, noise_free=clean, seed=seed
    )


def _policy_fit(d: PolicyPreferenceData, loss: str, beta: float, l2: float) -> PolicyFit:
    return fit_preference_policy(d.chosen, d.rejected, d.ref_logprobs, loss=loss, beta=beta, l2=l2)


@st.cache_data(max_entries=64, show_spinner=False)
def make_policy_fits(pkey: PolicyKey, beta: float, l2: float) -> dict[str, PolicyFit]:
    d = make_policy_data(pkey)
    return {loss: _policy_fit(d, loss, beta, l2) for loss in ("dpo", "ipo")}


@st.cache_data(max_entries=16, show_spinner=False)
def make_beta_sweep(pkey: PolicyKey, l2: float) -> dict[str, np.ndarray]:
    """π(best) of the DPO and IPO fits and of π* at every β of the slider's grid."""
    d = make_policy_data(pkey)
    out: dict[str, np.ndarray] = {}
    for loss in ("dpo", "ipo"):
        # The data read once, not from the cache at each of the 80 fits (a copy each).
        fits = [_policy_fit(d, loss, float(b), l2) for b in BETAS]
        out[f"{loss}_all"] = np.stack([f.probs for f in fits])  # (G, K): the scrub frames
        out[loss] = out[f"{loss}_all"][:, d.best]
        out[f"{loss}_unbounded"] = np.array([f.unbounded for f in fits])
    out["optimum_all"] = np.stack([np.exp(d.optimal_logprobs(float(b))) for b in BETAS])
    out["optimum"] = out["optimum_all"][:, d.best]
    return out


DPO_COLOUR, IPO_COLOUR = figures.loss_colour("dpo"), figures.loss_colour("ipo")  # as on Explore
REF_COLOUR, OPT_COLOUR = figures.MARKER_COLOUR, figures.PALETTE[2]  # grey, green


def _labels_said(d: PolicyPreferenceData, v: dict) -> str:
    if d.noise_free:
        return "noise-free labels: the higher reward always wins"
    return (
        f"Bradley–Terry labels at T = {fmt(v['temp'], 0.1)}, flip rate f = {fmt(v['flip'], 0.01)}"
    )


def _kl(p: np.ndarray, logp: np.ndarray, logq: np.ndarray) -> float:
    return float(losses.kl_divergence(p, np.exp(logq))) if np.all(np.isfinite(logp)) else np.inf


def _policy_names(bs: str) -> tuple[str, str, str]:
    """Legend names of the DPO, IPO and π* bars (traces 1, 2, 3) at β shown as ``bs``."""
    return f"π_DPO (β = {bs})", f"π_IPO (β = {bs})", f"π* ∝ π_ref·exp(r/(Tβ)), β = {bs}"


def _policy_title(bs: str, ls: str, best: int) -> str:
    return f"The fitted policies at β = {bs}, λ = {ls}<br>★ = the best item ({best})"


def _beta_marks(beta: float) -> dict:
    """The β sweep's marker of the current β (shape 0 and annotation 0), flat."""
    return {
        "shapes[0].x0": beta,
        "shapes[0].x1": beta,
        "annotations[0].x": float(np.log10(beta)),
        "annotations[0].text": f"β = {fmt(beta, BETA_STEP)}",
    }


def _beta_frames(view: str, pkey: PolicyKey, v: dict) -> scrub.Frames:
    """What the open policy chart shows at every β of the slider's grid: the bars of the
    DPO and IPO fits and of π* (from the β sweep's fits), or the sweep's β marker."""
    l2 = float(v["l2"])
    if view == "beta":
        chart = scrub.ChartFrames(
            revision="preferences.beta", layout=scrub.varying([_beta_marks(b) for b in BETAS])
        )
        return scrub.Frames(values=BETAS, charts=[chart])
    sweep = make_beta_sweep(pkey, l2)
    d = make_policy_data(pkey)
    ls = fmt(l2, 0.005)
    labels = [fmt(float(b), BETA_STEP) for b in BETAS]
    layouts = [{"title.text": _policy_title(bs, ls, d.best)} for bs in labels]
    names = [_policy_names(bs) for bs in labels]
    chart = scrub.ChartFrames(
        revision="preferences.policy",
        x0=0.0,
        dx=1.0,
        points=d.rewards.size,
        traces=[(1, sweep["dpo_all"]), (2, sweep["ipo_all"]), (3, sweep["optimum_all"])],
        layout=scrub.varying(layouts),
        names={i + 1: [n[i] for n in names] for i in range(3)},
        x1=float(d.rewards.size - 1),
    )
    return scrub.Frames(values=BETAS, charts=[chart])


def _beta_bar(view: str, pkey: PolicyKey, v: dict, want: dict | None) -> None:
    """The β slider as a scrub bar: the open chart follows a drag, the rest on release."""
    key = v["beta_key"]
    control = scrub.Control(
        name=key,
        label=BETA_LABEL,
        min=BETA_MIN,
        max=BETA_MAX,
        step=BETA_STEP,
        value=float(v["beta"]),
        valuetext="β = {v}",
    )
    contexts = {key: scrub.context_of(view, pkey, float(v["l2"]))}
    frames = {}
    if want is not None and want.get("name") == key and want.get("context") == contexts[key]:
        frames[key] = _beta_frames(view, pkey, v)
    scrub.scrub_bar(SCRUB, [control], contexts=contexts, frames=frames)


def _status(f: PolicyFit) -> str:
    if f.unbounded:
        return "no finite minimiser; its infimum is approached where Newton stopped"
    return "its minimum, ‖∇F‖∞ ≤ 1e-10" if f.converged else "not converged"


def _policy_view(pkey: PolicyKey, beta: float, l2: float, v: dict) -> None:
    d = make_policy_data(pkey)
    fits = make_policy_fits(pkey, beta, l2)
    ref = np.exp(d.ref_logprobs)
    opt = np.exp(d.optimal_logprobs(beta))
    b, bs, ls = d.best, fmt(beta, BETA_STEP), fmt(l2, 0.005)
    st.markdown(
        f"*The {ref.size} items as responses to one prompt; a tabular policy π = softmax(θ) "
        f"fitted to all {d.chosen.size:,} pairs ({_labels_said(d, v)}) by DPO and by IPO "
        f"at β = {bs}, ridge λ = {ls}, starting from the reference π_ref (spread "
        f"s = {fmt(v['ref'], 0.1)}). The target: π\\* ∝ π_ref · exp(r/(Tβ)), the "
        "KL-regularised optimum for the annotator's true rewards r.*"
    )
    for name, f in (("DPO", fits["dpo"]), ("IPO", fits["ipo"])):
        if f.unbounded:
            st.info(f.note, icon="♾️")
        elif not f.converged:
            st.warning(
                f"{name}: the fit did not reach its tolerance ({f.note}); shown as it ended."
            )
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(f"π_ref(item {b}) (best item)", f"{ref[b]:.4f}")
    c2.metric(
        f"π_DPO(item {b})", f"{fits['dpo'].probs[b]:.4f}",
        f"KL to π_ref {_kl(fits['dpo'].probs, fits['dpo'].logprobs, d.ref_logprobs):.3f} nats",
        delta_color="off", delta_arrow="off",
    )  # fmt: skip
    c3.metric(
        f"π_IPO(item {b})", f"{fits['ipo'].probs[b]:.4f}",
        f"KL to π_ref {_kl(fits['ipo'].probs, fits['ipo'].logprobs, d.ref_logprobs):.3f} nats",
        delta_color="off", delta_arrow="off",
    )  # fmt: skip
    c4.metric(
        f"π*(item {b})", f"{opt[b]:.4f}",
        f"KL to π_ref {float(losses.kl_divergence(opt, ref)):.3f} nats",
        delta_color="off", delta_arrow="off",
    )  # fmt: skip
    names = [f"{i}★" if i == b else str(i) for i in range(ref.size)]
    fig = figures.policy_bars_figure(
        names,
        [
            ("π_ref (reference)", ref, REF_COLOUR),
            *zip(_policy_names(bs), (fits["dpo"].probs, fits["ipo"].probs, opt),
                 (DPO_COLOUR, IPO_COLOUR, OPT_COLOUR), strict=True),
        ],
        hover=[f"r = {x:+.2f}" for x in d.rewards],
        x_title=f"response (★ {b}: highest reward, r = {d.rewards[b]:+.2f})",
        title=_policy_title(bs, ls, b),
        uirevision="preferences.policy",
    )  # fmt: skip
    chart(fig, "preferences.policy")
    if d.noise_free:
        said = (
            "With noise-free labels no pair is ever contradicted, so DPO's Bradley–Terry "
            "likelihood reads every win as infinitely sure: "
            + (
                "with λ = 0 it has no finite optimum and pushes each winner's probability "
                "towards 1, whatever β (Azar et al. 2023). "
                if fits["dpo"].unbounded
                else f"only the ridge λ = {ls} keeps its logits finite. "
            )
            + f"IPO regresses every log-ratio gap h onto 1/(2β) = {0.5 / beta:.2f} nats and "
            "stays at a finite distance from π_ref that β sets."
        )
    else:
        said = (
            "Under Bradley–Terry labels DPO's population optimum is π\\* itself (Rafailov et al. "
            "2023): with enough pairs π_DPO approaches π\\*. IPO's target is a different "
            "one: the log-ratio gap 1/(2β) for every pair, whatever the pair's reward gap."
        )
    st.caption(
        said + " Objective F = mean loss + (λ/2)‖θ‖²: "
        f"DPO {fits['dpo'].objective:.6g} ({_status(fits['dpo'])}), "
        f"IPO {fits['ipo'].objective:.6g} ({_status(fits['ipo'])})."
    )


def _beta_view(pkey: PolicyKey, beta: float, l2: float, v: dict) -> None:
    d = make_policy_data(pkey)
    sweep = make_beta_sweep(pkey, l2)
    b = d.best
    ls = fmt(l2, 0.005)
    dpo_name = "π_DPO(best)"
    kind = "noise-free" if d.noise_free else "Bradley–Terry"
    if sweep["dpo_unbounded"].all():
        dpo_name += " (no finite optimum: where Newton stopped)"
    fig = figures.beta_sweep_figure(
        BETAS,
        [
            (dpo_name, sweep["dpo"], DPO_COLOUR, "solid"),
            ("π_IPO(best)", sweep["ipo"], IPO_COLOUR, "solid"),
            ("π*(best) ∝ π_ref·exp(r/(Tβ))", sweep["optimum"], OPT_COLOUR, "dot"),
            ("π_ref(best)", np.full(BETAS.size, np.exp(d.ref_logprobs[b])), REF_COLOUR, "dash"),
        ],
        current=beta,
        current_label=f"β = {fmt(beta, BETA_STEP)}",
        y_title=f"probability of the best item ({b})",
        title=f"Refitted at β = {fmt(float(BETAS[0]), BETA_STEP)} … "
        f"{fmt(float(BETAS[-1]), BETA_STEP)}, λ = {ls}<br>{kind} labels",
        uirevision="preferences.beta",
    )
    chart(fig, "preferences.betasweep")
    lo, hi = fmt(float(BETAS[0]), BETA_STEP), fmt(float(BETAS[-1]), BETA_STEP)
    dpo0, dpo1 = sweep["dpo"][0], sweep["dpo"][-1]
    ipo0, ipo1 = sweep["ipo"][0], sweep["ipo"][-1]
    st.caption(
        f"On these {d.chosen.size:,} pairs ({_labels_said(d, v)}), DPO's π(best) goes from "
        f"{dpo0:.4f} at β = {lo} to {dpo1:.4f} at β = {hi}; IPO's from {ipo0:.4f} to "
        f"{ipo1:.4f}. "
        + (
            "DPO has no finite optimum at any β here (λ = 0): β only rescales the "
            "log-ratios it drives to infinity, so the KL penalty it stands for does not "
            "regularise. IPO's target gap 1/(2β) does: larger β, closer to π_ref."
            if sweep["dpo_unbounded"].all()
            else "Each point is a fit by fit_preference_policy to its optimum."
        )
    )
