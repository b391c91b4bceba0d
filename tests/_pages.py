"""Running one page in Streamlit's AppTest: shared by the page test files."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from streamlit.testing.v1 import AppTest


def run_page(page: str, query: dict[str, str] | None = None, *, timeout: float = 60) -> AppTest:
    """Run ``lossviz.views.<page>.render()`` once, with ``query`` as the URL's parameters."""
    at = AppTest.from_string(
        f"from lossviz.views import {page}\n{page}.render()\n", default_timeout=timeout
    )
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


#: A link's path to its page module (the others are the same name).
MODULES = {"": "explore", "compare": "compare", "kl-fit": "kl_fit"}


def run_link(link: str, *, timeout: float = 120) -> AppTest:
    """Run the page a link opens (``/outliers?n=400``) with the link's parameters."""
    u = urlsplit(link)
    path = u.path.strip("/")
    return run_page(MODULES.get(path, path), dict(parse_qsl(u.query)), timeout=timeout)


def assert_no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
