"""Concurrent sessions on one server: every move completes, no exception, memory bounded.

The small version of ``python -m benchmarks load`` (issue 7): 4 browser contexts
on 4 different pages, 3 slider moves each, all at once against one ``streamlit
run app.py``. No timing thresholds (DESIGN.md): the latencies are only required
to exist.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # `benchmarks` is a top-level folder, not an installed package

from conftest import CHROMIUM, _unavailable  # noqa: E402

from benchmarks import load  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RSS_GROWTH_MAX_MB = 500  # generous: the caches are bounded (tests/test_caching.py)


def test_four_concurrent_sessions_on_four_pages():
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright.async_api")
    pages = ["/", "/outliers", "/preferences", "/kl-fit"]
    r = load.run(4, 3, pages=pages)
    report = load.table(r)
    assert [s.path for s in r.sessions] == pages
    for s in r.sessions:
        assert s.load_ms is not None, report
        assert not s.failures, report
        assert s.completed == s.attempted == 3, report
        assert s.exceptions == 0, report
        assert not s.page_errors, report
        assert len(s.idle_ms) == 3 and all(t > 0 for t in s.idle_ms), report
    assert not r.server_errors, report
    fresh, after = r.rss_kb["fresh"], r.rss_kb["after the load"]
    assert 0 < fresh and 0 < after < fresh + RSS_GROWTH_MAX_MB * 1024, report
