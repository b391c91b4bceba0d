"""app.py: the navigation over every page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.app

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_pages_are_built_anew_for_every_run():
    # A Page's one-shot "may run" flag must not be shared between sessions: with a
    # module-level PAGES, concurrent reruns failed with "This page cannot be called
    # directly" (seen in the 20-session load test).
    from lossviz.views import pages

    first, second = pages(), pages()
    assert first.keys() == second.keys() == {"Losses", "Fits", "Lessons", "About"}
    for group in first:
        for a, b in zip(first[group], second[group], strict=True):
            assert a is not b


def test_app_runs_its_default_page():
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Huber loss"
