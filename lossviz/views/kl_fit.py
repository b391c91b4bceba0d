"""The Forward vs reverse KL page: one Gaussian Q fitted to a two-mode mixture P, both ways.

P is a two-component Gaussian mixture on a grid (separation and weight by slider).
Q = N(μ, σ²), discretised on the same grid, is fitted by minimising KL(P‖Q)
(forward: mode covering) and KL(Q‖P) (reverse: mode seeking), with
:func:`lossviz.fit.fit_gaussian_kl`. The page draws both fits over P, states every
KL value in nats, and shows each direction's landscape over (μ, log σ) with its
optimum, the other direction's optimum faintly, and, when the modes are far
apart, the reverse direction's other local optimum.

Caching: everything depends on (separation, weight) only, cached by those scalars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import streamlit as st

from lossviz import figures
from lossviz.data import gaussian_mixture
from lossviz.fit import fit_gaussian_kl, gaussian_kl_local_optima
from lossviz.landscape import kl_landscape
from lossviz.views.charts import chart
from lossviz.views.controls import UrlState, fmt

#: The support of P and Q, dx = 0.125. Q is normalised over these points, so the grid
#: must hold Q's tails or the fit is no longer the fit of a Gaussian: on ±10 the forward
#: fit at s = 6, w = 0.4 came out σ = 3.13, not P's 3.10. On ±30 every forward fit the
#: sliders reach (|μ| ≤ 4, σ ≤ √17 = 4.12) has under 4e-13 of its mass outside, so it
#: equals moment matching to round-off; and P never underflows (its farthest point is 34
#: from a mode: e^(−34²/2) ≈ 1e-251 is still a normal float). dx = 0.125 is at most half
#: of every σ used (the landscapes reach σ = 0.25), so a Gaussian's sum over the grid
#: equals its integral to e^(−2π²(σ/dx)²) ≤ e^(−79) (Poisson summation).
GRID = np.linspace(-30.0, 30.0, 481)
DX = float(GRID[1] - GRID[0])
COMPONENT_SIGMA = 1.0
#: The plot of the fits shows x within this many σ of every drawn component's mean.
SHOWN_SIGMAS = 3.5
MU_AXIS = np.linspace(-6.0, 6.0, 97)
#: σ up to 5: the widest Q drawn, N(±6, 5²), has < 1e-6 of its mass beyond ±30, so every
#: landscape value is the KL of that Gaussian to better than the 4 digits hover shows.
LOG_SIGMA_AXIS = np.linspace(math.log(0.25), math.log(5.0), 73)
SEP = {"min_value": 0.0, "max_value": 8.0, "default": 6.0, "step": 0.1}
WEIGHT = {"min_value": 0.0, "max_value": 1.0, "default": 0.4, "step": 0.05}
DIRECTION_TITLES = {"forward": "KL(P‖Q), forward", "reverse": "KL(Q‖P), reverse"}
COLOURS = {"forward": figures.KL_FORWARD_COLOUR, "reverse": figures.KL_REVERSE_COLOUR}
#: Two local optima closer than this in (μ, log σ) are the same one.
SAME_OPTIMUM = 0.15


@dataclass(frozen=True)
class Optimum:
    mu: float
    sigma: float
    kl: float  # in the direction that was minimised

    @property
    def log_sigma(self) -> float:
        return math.log(self.sigma)


# --------------------------------------------------------------------------- pure helpers
def q_on_grid(mu: float, sigma: float) -> np.ndarray:
    """Q = N(μ, σ²) normalised over the grid points (probabilities, summing to 1)."""
    a = -0.5 * ((GRID - mu) / sigma) ** 2
    q = np.exp(a - a.max())
    return q / q.sum()


def kl_at(p: np.ndarray, mu: float, sigma: float, direction: str) -> float:
    """KL(P‖Q) or KL(Q‖P) for one Q, via the same code as the landscape."""
    z = kl_landscape(GRID, p, np.array([mu]), np.array([math.log(sigma)]), direction)
    return float(z[0, 0])


def grid_local_minima(z: np.ndarray) -> list[tuple[int, int]]:
    """Interior cells ``(row, col)`` of z lower than all 8 neighbours, best first.

    Non-finite cells are never minima. Cells on the border are skipped: a minimum
    there is the window's edge, not an optimum of the function.
    """
    z = np.where(np.isfinite(z), z, np.inf)
    core = z[1:-1, 1:-1]
    is_min = np.isfinite(core)
    rows, cols = z.shape
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if dr or dc:
                is_min &= core < z[1 + dr : rows - 1 + dr, 1 + dc : cols - 1 + dc]
    r, c = np.nonzero(is_min)
    order = np.argsort(core[r, c], kind="stable")
    return [(int(r[k]) + 1, int(c[k]) + 1) for k in order]


def refine(p: np.ndarray, cells: list[tuple[int, int]], direction: str) -> list[Optimum]:
    """The local optima grid minima (landscape cells ``(row, col)``) stand for: Newton
    from each (fit.gaussian_kl_local_optima, all at once), exact to the fit's tolerance.

    A grid minimum can sit in a long shallow valley, cells away from the optimum it
    belongs to (s = 7.3, w = 0.4: (1.375, 1.07) descends to μ = 0.58, σ = 3.16, the
    optimum of another grid minimum); zooming into the grid around it once stopped at
    the zoom's edge and drew a second, spurious ○ there."""
    if not cells:
        return []
    starts = [(float(MU_AXIS[c]), math.exp(float(LOG_SIGMA_AXIS[r]))) for r, c in cells]
    return [Optimum(*o) for o in gaussian_kl_local_optima(GRID, p, direction, starts)]


def shown(sep: float, weight: float, qs: list[Optimum]) -> np.ndarray:
    """The grid points the plot of the fits shows: a symmetric window, in whole units, that
    holds ``SHOWN_SIGMAS`` σ around every drawn Gaussian (P's components and each Q)."""
    parts = [(o.mu, o.sigma) for o in qs]
    if weight > 0:
        parts.append((-sep / 2, COMPONENT_SIGMA))
    if weight < 1:
        parts.append((sep / 2, COMPONENT_SIGMA))
    half = max(abs(m) + SHOWN_SIGMAS * s for m, s in parts)
    # Whole units, rounded up, but not for round-off: a fitted σ of 1 + 3e-15 (w = 1,
    # s = 3: |μ| + 3.5σ = 5) stays ±5.
    return np.abs(GRID) <= min(math.ceil(half - 1e-9), float(GRID[-1]))


# --------------------------------------------------------------------------- cached compute
@st.cache_data(max_entries=64, show_spinner=False)
def target(sep: float, weight: float) -> np.ndarray:
    return gaussian_mixture(GRID, separation=sep, weight=weight, sigma=COMPONENT_SIGMA)


@st.cache_data(max_entries=64, show_spinner=False)
def fits(sep: float, weight: float) -> dict[str, Optimum]:
    """The optimum of each direction (fit.fit_gaussian_kl)."""
    p = target(sep, weight)
    return {d: Optimum(*fit_gaussian_kl(GRID, p, d)) for d in ("forward", "reverse")}


@st.cache_data(max_entries=32, show_spinner=False)
def landscapes(sep: float, weight: float) -> dict[str, np.ndarray]:
    """Both KL landscapes over (log σ rows, μ columns), in nats."""
    p = target(sep, weight)
    return {d: kl_landscape(GRID, p, MU_AXIS, LOG_SIGMA_AXIS, d) for d in ("forward", "reverse")}


@st.cache_data(max_entries=64, show_spinner=False)
def other_optima(sep: float, weight: float) -> list[Optimum]:
    """Local optima of reverse KL other than the fitted one, refined, best first."""
    p = target(sep, weight)
    found = fits(sep, weight)["reverse"]
    out: list[Optimum] = []
    for o in refine(p, grid_local_minima(landscapes(sep, weight)["reverse"]), "reverse"):
        near = [found, *out]
        if all(math.hypot(o.mu - n.mu, o.log_sigma - n.log_sigma) > SAME_OPTIMUM for n in near):
            out.append(o)
    return out


# --------------------------------------------------------------------------- page
def _q_label(name: str, o: Optimum) -> str:
    return f"{name}: Q = N({_num(o.mu)}, {_num(o.sigma)}²)"


def _num(v: float) -> str:
    """Two decimals, never "-0.00"."""
    return f"{round(v, 2) + 0.0:.2f}"


def _nats(v: float) -> str:
    if v == math.inf:
        return "+∞ nats (Q has mass where P has none)"
    return f"{v:.4f} nats"


def _side(mu: float) -> str:
    return "left" if mu < 0 else "right"


def _where(o: Optimum, sep: float) -> str:
    """Where a fitted Q sits: on one mode, or spread over both."""
    place = (
        f"on the {_side(o.mu)} mode"
        if o.sigma < 1.5 * COMPONENT_SIGMA and abs(o.mu) > sep / 4
        else "spread over both modes"
    )
    return f"{place} (μ = {_num(o.mu)}, σ = {_num(o.sigma)})"


def render() -> None:
    state = UrlState("kl_fit")
    st.sidebar.markdown("**Target P: two Gaussian modes**")
    sep = state.slider(
        "sep",
        "separation s",
        **SEP,
        help="Distance between the two modes of P (each has σ = 1).",
    )
    weight = state.slider(
        "w",
        "weight w of the left mode",
        **WEIGHT,
        help="P = w·N(−s/2, 1) + (1 − w)·N(s/2, 1).",
    )

    st.title("Forward vs reverse KL")
    st.markdown(
        "*Fit one Gaussian Q to a two-mode P: minimising KL(P‖Q) covers both modes, "
        "minimising KL(Q‖P) picks one.*"
    )
    # One formula per column: side by side on a wide screen, one under the other on a
    # phone (a single line of both ran off a 390 px screen).
    left, right = st.columns(2)
    left.latex(r"\mathrm{KL}(P\|Q)=\sum_x p(x)\log\frac{p(x)}{q(x)}")
    right.latex(r"\mathrm{KL}(Q\|P)=\sum_x q(x)\log\frac{q(x)}{p(x)}")

    p = target(sep, weight)
    opt = fits(sep, weight)
    fwd, rev = opt["forward"], opt["reverse"]
    others = other_optima(sep, weight)
    p_label = (
        f"P = {fmt(weight, 0.05)}·N({fmt(-sep / 2, 0.01)}, 1) + "
        f"{fmt(1 - weight, 0.05)}·N({fmt(sep / 2, 0.01)}, 1)"
    )

    # --- the fits over P ----------------------------------------------------------------
    st.subheader(f"The two fits over P (s = {fmt(sep, 0.1)}, w = {fmt(weight, 0.05)})")
    curves = [
        (
            _q_label("forward fit, min KL(P‖Q)", fwd),
            q_on_grid(fwd.mu, fwd.sigma) / DX,
            COLOURS["forward"],
            "solid",
        ),
        (
            _q_label("reverse fit, min KL(Q‖P)", rev),
            q_on_grid(rev.mu, rev.sigma) / DX,
            COLOURS["reverse"],
            "solid",
        ),
    ]
    curves += [
        (
            _q_label("other reverse local optimum", o),
            q_on_grid(o.mu, o.sigma) / DX,
            COLOURS["reverse"],
            "dot",
        )
        for o in others
    ]
    window = shown(sep, weight, [fwd, rev, *others])
    fig = figures.kl_fit_figure(
        GRID[window],
        p[window] / DX,
        [(label, q[window], colour, dash) for label, q, colour, dash in curves],
        p_label=p_label,
        uirevision="kl_fit.fits",
    )
    chart(fig, "kl_fit.fits")

    a, b = st.columns(2)
    a.metric(
        "Forward fit: KL(P‖Q)",
        _nats(fwd.kl),
        f"μ = {_num(fwd.mu)}, σ = {_num(fwd.sigma)}",
        delta_color="off",
        delta_arrow="off",
    )
    b.metric(
        "Reverse fit: KL(Q‖P)",
        _nats(rev.kl),
        f"μ = {_num(rev.mu)}, σ = {_num(rev.sigma)}",
        delta_color="off",
        delta_arrow="off",
    )
    cross_fwd = kl_at(p, fwd.mu, fwd.sigma, "reverse")
    cross_rev = kl_at(p, rev.mu, rev.sigma, "forward")
    st.markdown(
        f"The forward fit reaches KL(P‖Q) = **{_nats(fwd.kl)}**; the reverse fit reaches "
        f"KL(Q‖P) = **{_nats(rev.kl)}**. Measured the other way round, the forward fit has "
        f"KL(Q‖P) = {_nats(cross_fwd)} and the reverse fit has KL(P‖Q) = "
        f"{_nats(cross_rev)}: each fit is best only in its own direction."
    )
    p_mean = float(p @ GRID)
    p_std = math.sqrt(float(p @ (GRID - p_mean) ** 2))
    st.caption(
        f"Over Gaussians Q, minimising KL(P‖Q) is moment matching: P has mean {_num(p_mean)} "
        f"and standard deviation {_num(p_std)}, and so has the forward fit. Q is normalised "
        f"over x from {GRID[0]:.0f} to {GRID[-1]:.0f} (the plot shows the middle), wide "
        "enough that no fit loses mass off the edge."
    )

    # --- the landscapes -----------------------------------------------------------------
    st.subheader("The landscapes over Q's mean μ and log σ")
    lands = landscapes(sep, weight)
    fwd_label = f"forward optimum (μ = {_num(fwd.mu)}, σ = {_num(fwd.sigma)})"
    rev_label = f"reverse optimum (μ = {_num(rev.mu)}, σ = {_num(rev.sigma)})"
    fwd_mark = (fwd.mu, fwd.log_sigma)
    rev_mark = (rev.mu, rev.log_sigma)
    panels = [
        (
            "KL(P‖Q)",
            lands["forward"],
            [
                (*fwd_mark, fwd_label, "optimum"),
                (*rev_mark, "the other direction's optimum", "faint"),
            ],
        ),
        (
            "KL(Q‖P)",
            lands["reverse"],
            [
                (*rev_mark, rev_label, "optimum"),
                *(
                    (
                        o.mu,
                        o.log_sigma,
                        f"other local optimum (μ = {_num(o.mu)}, σ = {_num(o.sigma)})",
                        "other",
                    )
                    for o in others
                ),
                (*fwd_mark, "the other direction's optimum", "faint"),
            ],
        ),
    ]
    top = max(fwd.kl, rev.kl, *(o.kl for o in others))
    zmax = max(1.0, 4.0 * top)
    fig = figures.kl_landscapes_figure(
        MU_AXIS, LOG_SIGMA_AXIS, panels, zmax=zmax, uirevision="kl_fit.landscapes"
    )
    chart(fig, "kl_fit.landscapes")
    st.caption(
        f"Colour capped at {zmax:.2f} nats so the basins keep their detail; hover shows the "
        "true value. ★ each direction's optimum, ✕ the other direction's optimum."
    )
    st.markdown(
        "**Mode covering vs mode seeking.** Forward KL(P‖Q) weighs the error by p, so Q is "
        "punished wherever P has mass that Q misses: it stretches over both modes. Reverse "
        "KL(Q‖P) weighs it by q, so Q is punished for mass where P has little: it shrinks "
        "onto one mode and ignores the other."
    )
    if others:
        lines = [f"- ★ the fit: {_where(rev, sep)}, KL(Q‖P) = {_nats(rev.kl)}"]
        lines += [f"- ○ {_where(o, sep)}, KL(Q‖P) = {_nats(o.kl)}" for o in others]
        tie = [o for o in others if abs(o.kl - rev.kl) < 1e-6]
        if tie:
            verdict = (
                f"The modes are equally heavy, so the {_side(rev.mu)} and {_side(tie[0].mu)} "
                f"optima tie; the fit (the best of several starts) happened to take the "
                f"{_side(rev.mu)} one."
            )
        else:
            verdict = (
                "The fit keeps the lowest of several starts; gradient descent started near "
                "a ○ would stop there instead, with a higher KL."
            )
        st.info(
            f"**Reverse KL has {1 + len(others)} local optima here.**\n\n"
            + "\n".join(lines)
            + f"\n\n{verdict}"
        )
    else:
        st.caption(
            "Here reverse KL has a single optimum: the modes are close enough (or one is "
            "light enough) for one Gaussian to sit on them. Increase the separation to see "
            "it split into several local optima."
        )
    state.sync_url()
