"""The protocol load generator (benchmarks/protocol.py) sees what Streamlit renders.

The reference is Streamlit's AppTest, not the browser: it runs the same page script
and keeps every element's protobuf, so the two element lists can be compared type by
type and count by count (a browser's DOM merges or hides some elements, e.g.
``st.empty`` and script-only components, and would compare less exactly). Each
link is loaded at the protocol from one ``streamlit run app.py`` and in AppTest with
the same query string; then the protocol session moves a control, and the page
the server sent for that move equals AppTest's page for the link the move produced
(the state is in the link, by design). Then a few sessions move concurrently:
every move finishes, nothing raises, nothing drops.
"""

from __future__ import annotations

import sys
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest
from streamlit.proto.Element_pb2 import Element
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # `benchmarks` is a top-level folder, not an installed package

from _pages import run_page  # noqa: E402
from conftest import StreamlitServer  # noqa: E402

from benchmarks.protocol import OK, ProtoSession, drive  # noqa: E402
from benchmarks.protocol import run as protocol_run  # noqa: E402

pytestmark = [pytest.mark.slow]

# link → the page module AppTest runs
LINKS = {
    "/?loss=huber": "explore",
    "/compare": "compare",
    "/outliers": "outliers",
    "/metric": "metric",
}


@pytest.fixture(scope="module")
def server():
    s = StreamlitServer(ROOT / "app.py", cwd=ROOT)
    try:
        yield s
    finally:
        s.stop()


def _name(t: str) -> str:
    return Element.DESCRIPTOR.fields_by_name[t].message_type.name


# What app.py draws around every page (the frame's CSS and formula fitting, the theme's
# CSS and script), which an AppTest of the page module alone does not run.
FRAME = "from lossviz.views import layout, theme\nlayout.page_frame()\ntheme.apply([''], '')\n"


def _apptest_elements(page: str, query: str) -> Counter:
    at = run_page(page, dict(urllib.parse.parse_qsl(query, keep_blank_values=True)))
    assert not at.exception, [e.value for e in at.exception]
    frame = AppTest.from_string(FRAME).run()
    assert not frame.exception, [e.value for e in frame.exception]
    return _counts(at) + _counts(frame)


def _counts(at) -> Counter:
    out: Counter = Counter()

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            if isinstance(child, Block):
                walk(child)
            else:
                out[type(child.proto).DESCRIPTOR.name] += 1

    walk(at._tree)
    return out


async def _load_and_move(base: str, link: str):
    s = ProtoSession(base, link)
    try:
        first = await s.load()
        loaded_query = s.query
        assert s.movables, f"{link}: no control to move"
        assert await s.move()
        assert await s._wait()
        return s, first, loaded_query, s.last
    finally:
        await s.close()


@pytest.mark.parametrize("link", list(LINKS))
def test_protocol_page_equals_apptest_page(server, link):
    s, first, loaded_query, moved = protocol_run(_load_and_move(server.url, link))
    page = LINKS[link]
    for run, query in ((first, loaded_query), (moved, s.query)):
        assert run is not None and run.status == OK, s.stats.failures
        assert not run.exceptions, run.exceptions
        got = Counter(_name(t) for t in run.elements.values())
        assert got == _apptest_elements(page, query), (link, query)
    assert s.query != loaded_query, "the move changed nothing in the link"
    assert s.stats.runs == 2 and len(s.stats.move_ms) == 1 and s.stats.move_ms[0] > 0
    assert s.stats.drops == 0


def test_concurrent_sessions_every_move_finishes(server):
    r = protocol_run(
        drive(server.url, list(LINKS), 8, duration_s=6.0, period_s=1.5, ramp_s=1.0, seed=1)
    )
    for st in r.sessions:
        assert st.load_ms is not None, st
        assert not st.failures and not st.exceptions, st
        assert st.moves_sent >= 1 and st.moves_unfinished == 0, st
        assert len(st.move_ms) == st.moves_sent, st
        assert st.reconnects == 0 and st.drops == 0, st
