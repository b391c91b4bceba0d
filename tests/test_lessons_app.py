"""The Lessons page (issue 15, "Guided lessons") in AppTest: every step of every lesson
opens, and every step's link opens its page with no warning and shows what the step
quotes from it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from _pages import MODULES, assert_no_exception, run_link, run_page

from lossviz.lessons import BY_SLUG, LESSONS

pytestmark = pytest.mark.app

STEPS = [(lesson.slug, i + 1) for lesson in LESSONS for i in range(len(lesson.steps))]
LINKS = sorted({s.link for lesson in LESSONS for s in lesson.steps})
#: The page paths a step may link (app's navigation: lossviz/views/__init__.py).
PATHS = {"", "compare", "outliers", "imbalance", "preferences", "kl-fit", "metric", "noise"}


def _text(at) -> str:
    """Everything a page shows as text: Markdown, captions, readouts, boxes."""
    parts = [e.value for kind in ("markdown", "caption", "info") for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def _iframe_src(at) -> str:
    (frame,) = at.get("iframe")
    return frame.proto.src


def test_the_lessons_the_issue_asks_for():
    # Issue 15 and the brief: at least eight lessons of 3-5 steps, these eight first.
    assert [lesson.slug for lesson in LESSONS] == [
        "huber-outliers", "huber-delta", "focal-easy-negatives", "kl-forward-reverse",
        "metric-margins", "reward-model", "barron-alpha", "dpo-vs-ipo",
    ]  # fmt: skip
    for lesson in LESSONS:
        assert 3 <= len(lesson.steps) <= 5, lesson.slug
        for s in lesson.steps:
            assert s.title and s.text and s.look and s.question.endswith("?"), s.title
            assert urlsplit(s.link).path.strip("/") in PATHS, s.link
            assert s.shows, f"{s.title}: quotes nothing checkable"


@pytest.mark.parametrize(("slug", "step"), STEPS)
def test_every_step_opens(slug, step):
    at = run_page("lessons", {"lesson": slug, "step": str(step)})
    assert_no_exception(at)
    assert not at.warning, [w.value for w in at.warning]
    s = BY_SLUG[slug].steps[step - 1]
    text = _text(at)
    for part in (s.title, s.text, s.look, s.question):
        assert part in text
    assert dict(at.query_params) == {"lesson": slug, "step": str(step)}
    # The embedded view is the step's link on this app, embedded; so is the "open" link.
    src = urlsplit(_iframe_src(at))
    want = urlsplit(s.link)
    assert src.path == want.path
    assert dict(parse_qsl(src.query)) == {**dict(parse_qsl(want.query)), "embed": "true"}
    assert f"]({s.link})" in text


@pytest.mark.parametrize("target", LINKS)
def test_every_link_opens_its_page_cleanly_and_shows_what_the_steps_quote(target):
    at = run_link(target)
    assert_no_exception(at)
    assert not at.warning, [w.value for w in at.warning]
    # Every parameter of the link is one the page kept (none dropped as unknown).
    given = dict(parse_qsl(urlsplit(target).query))
    assert set(given) <= set(dict(at.query_params)), set(given) - set(dict(at.query_params))
    assert len(at.get("plotly_chart")) >= 1
    text = _text(at)
    for lesson in LESSONS:
        for s in lesson.steps:
            if s.link == target:
                for quoted in s.shows:
                    assert quoted in text, (s.title, quoted)


def test_the_page_modules_of_the_links_exist():
    for target in LINKS:
        path = urlsplit(target).path.strip("/")
        assert MODULES.get(path, path.replace("-", "_")) in {
            "explore", "compare", "outliers", "imbalance", "preferences", "kl_fit",
            "metric", "noise",
        }  # fmt: skip


def test_next_and_previous_walk_the_steps_and_the_lessons():
    at = run_page("lessons", {"lesson": "huber-outliers", "step": "1"})
    assert at.button(key="lessons_prev").disabled
    at.button(key="lessons_next").click().run()
    assert dict(at.query_params) == {"lesson": "huber-outliers", "step": "2"}
    at.button(key="lessons_prev").click().run()
    assert dict(at.query_params) == {"lesson": "huber-outliers", "step": "1"}
    # From the last step, Next opens the next lesson at its first step.
    last = len(LESSONS[0].steps)
    at = run_page("lessons", {"lesson": "huber-outliers", "step": str(last)})
    at.button(key="lessons_next").click().run()
    assert dict(at.query_params) == {"lesson": LESSONS[1].slug, "step": "1"}
    # The last step of the last lesson has no Next.
    final = LESSONS[-1]
    at = run_page("lessons", {"lesson": final.slug, "step": str(len(final.steps))})
    assert at.button(key="lessons_next").disabled
    assert_no_exception(at)


def test_the_picker_opens_a_lesson_at_its_first_step():
    at = run_page("lessons", {"lesson": "huber-outliers", "step": "3"})
    at.selectbox(key="lessons.lesson").set_value("metric-margins").run()
    assert dict(at.query_params) == {"lesson": "metric-margins", "step": "1"}
    assert LESSONS[4].steps[0].title in _text(at)


@pytest.mark.parametrize(
    ("query", "names", "want"),
    [
        ({"lesson": "nope", "step": "2"}, ["lesson"], {"lesson": "huber-outliers", "step": "2"}),
        ({"lesson": "kl-forward-reverse", "step": "4"}, ["step"],
         {"lesson": "kl-forward-reverse", "step": "1"}),
        ({"lesson": "dpo-vs-ipo", "step": "0"}, ["step"], {"lesson": "dpo-vs-ipo", "step": "1"}),
        ({"lesson": "<script>alert(1)</script>", "step": "NaN"}, ["lesson", "step"],
         {"lesson": "huber-outliers", "step": "1"}),
    ],
)  # fmt: skip
def test_a_bad_lesson_or_step_warns_and_opens_the_first(query, names, want):
    at = run_page("lessons", query)
    assert_no_exception(at)
    text = "\n".join(w.value for w in at.warning)
    for name in names:
        assert f"`{name}`" in text
    assert dict(at.query_params) == want
    assert at.get("iframe")
