"""Running one page in Streamlit's AppTest: shared by the page test files."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def run_page(page: str, query: dict[str, str] | None = None, *, timeout: float = 60) -> AppTest:
    """Run ``lossviz.views.<page>.render()`` once, with ``query`` as the URL's parameters."""
    at = AppTest.from_string(
        f"from lossviz.views import {page}\n{page}.render()\n", default_timeout=timeout
    )
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def assert_no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
