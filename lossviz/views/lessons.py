"""The Lessons page: renders the guided lessons of :mod:`lossviz.lessons` (text is data).

One page for all lessons: the lesson and the step are query parameters
(``/lessons?lesson=huber-outliers&step=2``), validated by :class:`UrlState` like every
control, so each step has its own link and Back/Forward walk the steps. A step shows its
explanation, what to look at and a question, and its view live: the linked page in an
iframe of this app (``embed=true``), with a link that opens it full size.

Presenting: ← and → press the Previous / Next buttons (a script-only
``st.components.v2`` module listening on the page, like :mod:`lossviz.views.level_line`),
unless the focus is in a text field, a slider or the embedded view.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from lossviz.lessons import BY_SLUG, LESSONS

from .controls import UrlState

_PAGE = "lessons"
_LESSON_KEY = UrlState.widget_key(_PAGE, "", "lesson")
_STEP_KEY = UrlState.widget_key(_PAGE, "", "step")
_SHOWN_KEY = "_lossviz_lessons_shown"  # the lesson drawn last run: a picker change resets step

#: Height of the embedded view: on a 1280×720 projector the step text and the view's
#: chart fit together; the view scrolls inside for the rest of its page.
VIEW_HEIGHT = 600

_JS = """
export default function () {
  const w = window;
  const doc = w.document;
  // The embedded view: the same app, so its document is reachable (same origin). Shown
  // compactly: no second navigation (this page has it), a smaller title, and scrolled
  // to its first chart once it is drawn, so a projector shows the chart with the step.
  const CSS =
    "[data-testid='stSidebarNav'],[data-testid='stSidebarNavSeparator']," +
    "[data-testid='stTopNav']{display:none!important}" +
    "h1{font-size:1.6rem!important;padding-top:0!important}" +
    "[data-testid='stSidebarHeader']{height:1.5rem!important;min-height:0!important}" +
    "section[data-testid='stSidebar']{width:230px!important;min-width:230px!important}";
  const dress = (frame) => {
    let inner;
    try {
      inner = frame.contentDocument;
    } catch (e) {
      return;
    }
    if (!inner || !inner.head || inner.__lossvizDressed) return;
    inner.__lossvizDressed = true;
    const style = inner.createElement("style");
    style.textContent = CSS;
    inner.head.appendChild(style);
    let tries = 0;
    const toChart = () => {
      const plot = inner.querySelector(".js-plotly-plot");
      if (!plot || plot.getBoundingClientRect().height < 50) {
        if (++tries < 150) w.setTimeout(toChart, 200);
        return;
      }
      let box = plot.parentElement;
      while (box && box !== inner.body) {
        const oy = frame.contentWindow.getComputedStyle(box).overflowY;
        if ((oy === "auto" || oy === "scroll") && box.scrollHeight > box.clientHeight) break;
        box = box.parentElement;
      }
      if (!box || box === inner.body) return;
      // Under the view's own header (fixed, over the top of the scroll box), not behind it.
      const head = inner.querySelector("[data-testid='stHeader']");
      const under = head ? head.getBoundingClientRect().bottom : 0;
      const top = Math.max(box.getBoundingClientRect().top, under);
      box.scrollTop += plot.getBoundingClientRect().top - top - 8;
    };
    toChart();
  };
  const hook = (frame) => {
    if (frame.__lossvizLesson || !(frame.getAttribute("src") || "").includes("embed=true")) return;
    frame.__lossvizLesson = true;
    frame.addEventListener("load", () => dress(frame));
    dress(frame);
  };
  doc.querySelectorAll("iframe").forEach(hook);
  if (w.__lossvizLessonKeys) return;
  w.__lossvizLessonKeys = true;
  new w.MutationObserver(() => doc.querySelectorAll("iframe").forEach(hook)).observe(doc.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["src"],
  });
  const busy = (el) =>
    !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT|IFRAME)$/.test(el.tagName) ||
      (el.getAttribute && el.getAttribute("role") === "slider"));
  doc.addEventListener("keydown", (ev) => {
    if (ev.key !== "ArrowRight" && ev.key !== "ArrowLeft") return;
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey || busy(ev.target)) return;
    const which = ev.key === "ArrowRight" ? "next" : "prev";
    const button = doc.querySelector(`.st-key-lessons_${which} button`);
    if (!button || button.disabled) return;
    ev.preventDefault();
    button.click();
  });
}
"""

_keys = st.components.v2.component("lossviz_lesson_keys", js=_JS)


def _go(delta: int) -> None:
    """Previous / Next: a step within the lesson, or the next lesson's first step."""
    slug = st.session_state[_LESSON_KEY]
    step = int(st.session_state[_STEP_KEY]) + delta
    if step > len(BY_SLUG[slug].steps):
        order = [lesson.slug for lesson in LESSONS]
        slug = order[(order.index(slug) + 1) % len(order)]
        st.session_state[_LESSON_KEY] = slug
        st.session_state[_SHOWN_KEY] = slug
        step = 1
    st.session_state[_STEP_KEY] = max(1, step)


def _base_path() -> str:
    """The app's path prefix in the browser ("" at the root, "/lossviz" behind a proxy
    that serves the app there), so the embedded view's URL is this app's page."""
    try:
        url = st.context.url
    except Exception:
        url = None
    if not url:
        return ""
    path = urlsplit(url).path.rstrip("/")
    return path.rsplit("/", 1)[0] if path.endswith("/" + _PAGE) else path


def view_url(link: str, *, embed: bool) -> str:
    """A step's link as a URL of this app (with ``embed=true`` for the iframe)."""
    url = _base_path() + link
    if embed:
        url += ("&" if "?" in link else "?") + "embed=true"
    return url


def render() -> None:
    head = st.container()
    state = UrlState(_PAGE, container=head)
    pick, prev_col, next_col = head.columns([6, 1, 1], vertical_alignment="bottom")
    slug = state.select(
        "lesson",
        "Lesson",
        [lesson.slug for lesson in LESSONS],
        default=LESSONS[0].slug,
        format_func=lambda s: f"{LESSONS.index(BY_SLUG[s]) + 1}. {BY_SLUG[s].title}",
        container=pick,
    )
    lesson = BY_SLUG[slug]
    # The picker moved (not Back/Forward, which bring their own step in the URL): step 1.
    shown = st.session_state.get(_SHOWN_KEY)
    if shown is not None and shown != slug and st.query_params.get("lesson") != slug:
        st.session_state[_STEP_KEY] = 1
    st.session_state[_SHOWN_KEY] = slug
    n = len(lesson.steps)
    step, _ = state.number("step", min_value=1, max_value=n, default=1, step=1, integer=True)
    step = int(step)
    last_lesson = slug == LESSONS[-1].slug
    prev_col.button(
        "← Previous",
        key="lessons_prev",
        on_click=_go,
        args=(-1,),
        disabled=step == 1,
        width="stretch",
        help="Previous step (← key)",
    )
    next_col.button(
        "Next →" if step < n else "Next lesson →",
        key="lessons_next",
        on_click=_go,
        args=(1,),
        disabled=step == n and last_lesson,
        width="stretch",
        help="Next step (→ key)",
    )
    _keys(key="lossviz_lesson_keys")

    s = lesson.steps[step - 1]
    st.caption(f"Step {step} of {n} · {lesson.summary}")
    # Two columns on a projector (the view starts high enough to show its chart), one
    # under the other on a phone.
    explain, ask = st.columns([3, 2])
    explain.markdown(f"**{step}. {s.title}** {s.text}\n\n**Look at:** {s.look}")
    ask.markdown(f"**Ask the class:** {s.question}")
    st.iframe(
        view_url(s.link, embed=True),
        height=VIEW_HEIGHT,
        alt=f"Live view for step {step}: {s.title}",
    )
    st.markdown(f"[Open this view full size ↗]({view_url(s.link, embed=False)})")
    state.sync_url()
