"""Streamlit sessions driven at the protocol: a websocket per simulated student.

The browser's side of Streamlit, without a browser: each :class:`ProtoSession`
opens ``/_stcore/stream`` (subprotocol ``streamlit``; the second and third
entries of ``Sec-WebSocket-Protocol`` carry the XSRF token and, on a reconnect,
the session id, as ``streamlit/web/server/starlette/starlette_websocket.py``
reads them), sends ``BackMsg.rerun_script`` with a ``ClientState`` (the link's
query string, the page's url path on the first run and its script hash after,
the widget states, the hashes of the cacheable messages it already holds), and
reads ``ForwardMsg``\\ s until ``script_finished``. From the deltas of one run it
keeps the page's element list (``delta_path`` → element type, like the browser's
tree after the run) and the widgets it can move:

- a Streamlit slider (``Element.slider``: one step, ``double_array_value``);
- a lossviz scrub bar (``Element.bidi_component`` named ``lossviz.scrub``): a
  ``commit`` of one control, ``json_value`` ``{"commit": {name, value, seq}}``, as
  ``lossviz/views/scrub.js`` sends it on a key press or a release.

A move changes one of them (the same control for the whole session, one step, turning
at either end, like the browser benchmark) and reruns with every moved widget's state,
the page's current query string (``page_info_changed``, as the browser's URL follows
``st.query_params``) and the page's script hash. Counted per session: runs
finished (``FINISHED_SUCCESSFULLY``), runs cut short by a newer rerun, exception
elements (with their messages), dropped connections, reconnects, moves that never
finished, and the latency move sent → script finished.

Many sessions share one asyncio loop (:func:`drive`): hundreds from one process.
The websocket client is ``websockets`` (a dependency of Streamlit ≥ 1.5x's own server;
listed in the test extra too). ``python -m benchmarks load`` uses this module
(:mod:`benchmarks.capacity`); ``tests/test_protocol_load.py`` checks it against
AppTest.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import random
import time
import urllib.parse
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

SCRUB = "lossviz.scrub"
RUN_TIMEOUT_S = 60.0  # one run (load or move) until its script_finished
OK = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


def run(coro):
    """``asyncio.run(coro)`` in a fresh thread: safe where an event loop is already running
    in this one (pytest after Playwright's sync API, notebooks)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def page_url(base: str, link: str) -> tuple[str, str, str]:
    """(websocket URL, page name, query string) for a link such as ``/compare?view=x``."""
    u = urllib.parse.urlsplit(link)
    ws = urllib.parse.urlsplit(base)._replace(scheme="ws", path="/_stcore/stream")
    return urllib.parse.urlunsplit(ws), u.path.strip("/"), u.query


@dataclass
class Movable:
    """One control the session can move: a slider or one scrub-bar control."""

    widget_id: str
    kind: str  # "slider" or "scrub"
    label: str
    lo: float
    hi: float
    step: float
    value: float
    name: str = ""  # the scrub control's name
    is_int: bool = False


@dataclass
class Run:
    """What the server sent for one run, from the rerun request to ``script_finished``."""

    sent: float
    elements: dict[tuple[int, ...], str] = field(default_factory=dict)
    blocks: dict[tuple[int, ...], str] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    status: int | None = None
    finished: float | None = None
    messages: int = 0
    bytes: int = 0


@dataclass
class SessionStats:
    link: str
    load_ms: float | None = None
    move_ms: list[float] = field(default_factory=list)
    move_sent_at: list[float] = field(default_factory=list)  # perf_counter() of each move_ms
    runs: int = 0  # runs finished successfully (the load included)
    early: int = 0  # runs cut short by the next rerun (FINISHED_EARLY_FOR_RERUN)
    moves_sent: int = 0
    moves_unfinished: int = 0  # no successful finish within RUN_TIMEOUT_S of the move
    exceptions: list[str] = field(default_factory=list)
    drops: int = 0  # the connection closed under the session
    reconnects: int = 0
    reconnect_ms: list[float] = field(default_factory=list)  # drop seen → page loaded again
    lost_in_drop: int = 0  # moves sent whose run had not finished when the connection dropped
    failures: list[str] = field(default_factory=list)
    control: str = ""
    bytes: int = 0


class ProtoSession:
    """One simulated browser tab on one page of a Streamlit app."""

    def __init__(self, base: str, link: str, *, rng: random.Random | None = None) -> None:
        self.base = base.rstrip("/")
        self.link = link
        self.ws_url, self.page_name, self.query = page_url(self.base, link)
        self.rng = rng or random.Random(0)
        self.stats = SessionStats(link)
        self.ws = None
        self.session_id = ""
        self.page_hash = ""
        self.cookie = ""
        self.states: dict[str, WidgetState] = {}
        self.cache: dict[str, ForwardMsg] = {}
        self.movables: list[Movable] = []
        self.control: Movable | None = None
        self.direction = 1
        self.seq = 0
        self.run: Run | None = None
        self.last: Run | None = None
        self._done: asyncio.Event = asyncio.Event()
        self._reader: asyncio.Task | None = None
        self._closing = False
        self.dropped_at = 0.0
        self._pending: list[float] = []  # send times of moves not yet finished
        self._last_elements: dict[tuple[int, ...], object] = {}  # this run's Elements

    # -- connection -----------------------------------------------------------------
    async def _get_cookie(self) -> None:
        """GET the page first, as a browser does: a load balancer's affinity cookie."""
        u = urllib.parse.urlsplit(self.base)
        reader, writer = await asyncio.open_connection(u.hostname, u.port or 80)
        path = "/" + self.page_name
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {u.netloc}\r\nConnection: close\r\n"
            f"{self._cookie_header()}\r\n".encode()
        )
        await writer.drain()
        head = (await reader.read(65536)).split(b"\r\n\r\n", 1)[0].decode("latin-1")
        writer.close()
        for line in head.split("\r\n")[1:]:
            k, _, v = line.partition(":")
            if k.strip().lower() == "set-cookie":
                self.cookie = v.strip().split(";", 1)[0]

    def _cookie_header(self) -> str:
        return f"Cookie: {self.cookie}\r\n" if self.cookie else ""

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        await self._get_cookie()
        protocols = ["streamlit", "xsrf", self.session_id] if self.session_id else ["streamlit"]
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.ws = await connect(
            self.ws_url,
            subprotocols=protocols,
            additional_headers=headers,
            max_size=None,
            open_timeout=RUN_TIMEOUT_S,
            ping_interval=None,
        )
        for k, v in self.ws.response.headers.raw_items():
            if k.lower() == "set-cookie":
                self.cookie = v.split(";", 1)[0]
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        self._closing = True
        if self._reader is not None:
            self._reader.cancel()
        if self.ws is not None:
            await self.ws.close()

    # -- messages -------------------------------------------------------------------
    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self.stats.bytes += len(data)
                if self.run is not None:
                    self.run.bytes += len(data)
                try:
                    self._handle(msg)
                except Exception as exc:  # a bug here must show, not stall the session
                    self.stats.failures.append(f"reading {msg.WhichOneof('type')}: {exc!r}"[:300])
                    self._done.set()
        except ConnectionClosed:
            pass
        if not self._closing:
            self.stats.drops += 1
            self.dropped_at = time.perf_counter()
        self._done.set()

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self.cache.get(msg.ref_hash)
            if cached is None:
                self.stats.failures.append(f"ref_hash {msg.ref_hash} not cached")
                return
            cached = ForwardMsg.FromString(cached.SerializeToString())
            cached.metadata.CopyFrom(msg.metadata)
            msg, kind = cached, cached.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = msg
        run = self.run
        if run is not None:
            run.messages += 1
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            self.page_hash = msg.new_session.page_script_hash or self.page_hash
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta" and run is not None:
            path = tuple(msg.metadata.delta_path)
            which = msg.delta.WhichOneof("type")
            if which == "new_element":
                el = msg.delta.new_element
                t = el.WhichOneof("type") or "?"
                run.elements[path] = t
                self._last_elements[path] = el
                if t == "exception":
                    run.exceptions.append(f"{el.exception.type}: {el.exception.message}"[:300])
            elif which == "add_block":
                run.blocks[path] = msg.delta.add_block.WhichOneof("type") or "vertical"
        elif kind == "script_finished" and run is not None:
            status = msg.script_finished
            if status == EARLY:
                self.stats.early += 1
                run.elements.clear()
                run.blocks.clear()
                self._last_elements = {}
                return
            run.status, run.finished = status, time.perf_counter()
            self.last, self.run = run, None
            self._finish(run)
            self._done.set()

    def _finish(self, run: Run) -> None:
        """A run is over: its elements are the page; the widgets in it are movable."""
        if run.status == OK:
            self.stats.runs += 1
            now = run.finished
            self.stats.move_ms += [(now - t) * 1000 for t in self._pending]
            self.stats.move_sent_at += self._pending
            self._pending.clear()
        self.stats.exceptions += run.exceptions
        present = set()
        movables = []
        for path, t in run.elements.items():
            if t not in ("slider", "bidi_component"):
                continue
            el = self._element_at(path)
            if el is None:
                continue
            movables += self._movables(el)
            present.add(getattr(el, t).id)
        self.states = {k: v for k, v in self.states.items() if k in present}
        self.movables = movables
        if self.control is not None:  # follow the control into the new run's widget
            same = [
                m for m in movables if (m.kind, m.label) == (self.control.kind, self.control.label)
            ]
            self.control = same[0] if same else None

    def _element_at(self, path):
        return self._last_elements.get(path)

    def _movables(self, el) -> list[Movable]:
        t = el.WhichOneof("type")
        if t == "slider":
            s = el.slider
            if len(s.default) != 1 or s.options:  # ranges and select sliders: not moved
                return []
            value = s.value[0] if s.set_value and s.value else s.default[0]
            if s.id in self.states:
                value = self.states[s.id].double_array_value.data[0]
            is_int = s.data_type == s.INT
            return [Movable(s.id, "slider", s.label, s.min, s.max, s.step, value, is_int=is_int)]
        b = el.bidi_component
        if b.component_name != SCRUB:
            return []
        try:
            data = json.loads(b.json or b.mixed.json)
        except ValueError:
            return []
        out = []
        for c in data.get("controls", []):
            try:
                out.append(
                    Movable(
                        b.id,
                        "scrub",
                        c.get("label") or c["name"],
                        float(c["min"]),
                        float(c["max"]),
                        float(c["step"]),
                        float(c["value"]),
                        name=c["name"],
                    )
                )
            except (KeyError, TypeError, ValueError):
                continue
        return out

    # -- runs -----------------------------------------------------------------------
    async def _rerun(self, *, first: bool) -> Run:
        cs = BackMsg()
        c = cs.rerun_script
        c.query_string = self.query
        if first and not self.page_hash:
            c.page_name = self.page_name
        else:
            c.page_script_hash = self.page_hash
        c.widget_states.widgets.extend(self.states.values())
        c.cached_message_hashes.extend(self.cache)
        c.context_info.timezone = "UTC"
        c.context_info.url = f"{self.base}/{self.page_name}" + (
            f"?{self.query}" if self.query else ""
        )
        run = Run(time.perf_counter())
        self.run = run
        self._last_elements = {}
        self._done.clear()
        await self.ws.send(cs.SerializeToString())
        return run

    async def _wait(self, timeout: float = RUN_TIMEOUT_S) -> bool:
        try:
            await asyncio.wait_for(self._done.wait(), timeout)
        except TimeoutError:
            return False
        return self.run is None

    async def load(self) -> Run | None:
        """Connect, run the page once from its link; the page's elements, or None."""
        t0 = time.perf_counter()
        await self.connect()
        run = await self._rerun(first=True)
        return await self._await_run(run, t0)

    async def _await_run(self, run: Run, t0: float) -> Run | None:
        ok = await self._wait()
        if not ok:
            self.stats.failures.append(f"run not finished after {RUN_TIMEOUT_S:.0f} s")
            return None
        if run.status == OK and self.stats.load_ms is None:
            self.stats.load_ms = (run.finished - t0) * 1000
        return run

    async def move(self) -> bool:
        """Move the session's control one step and rerun; False if there is nothing to move
        or the connection is gone."""
        if self.ws is None or self._reader is None or self._reader.done():
            return False
        if self.control is None:
            if not self.movables:
                return False
            self.control = self.rng.choice(self.movables)
            self.stats.control = f"{self.control.kind}: {self.control.label}"
        m = self.control
        step = m.step or (m.hi - m.lo) / 100
        nxt = m.value + self.direction * step
        if nxt > m.hi + 1e-12 or nxt < m.lo - 1e-12:
            self.direction = -self.direction
            nxt = m.value + self.direction * step
        nxt = min(max(nxt, m.lo), m.hi)
        nxt = round(nxt) if m.is_int else round(nxt, 12)
        m.value = nxt
        ws = WidgetState(id=m.widget_id)
        if m.kind == "slider":
            ws.double_array_value.data.append(nxt)
        else:
            self.seq += 1
            commit = {"name": m.name, "value": nxt, "seq": self.seq}
            ws.json_value = json.dumps({"commit": commit, "want": None})
        self.states[m.widget_id] = ws
        self.stats.moves_sent += 1
        t = time.perf_counter()
        self._pending.append(t)
        await self._rerun(first=False)
        return True

    async def reconnect(self) -> bool:
        """After a dropped connection: connect again (any replica) and load the page from
        its current link, as the browser does; the session's widgets start anew."""
        self.stats.reconnects += 1
        if self._reader is not None:
            self._reader.cancel()
        self.page_hash, self.states, self.cache = "", {}, {}
        self.stats.lost_in_drop += len(self._pending)
        self._pending.clear()
        try:
            await self.connect()
            run = await self._rerun(first=True)
            ok = await self._wait()
        except (OSError, TimeoutError) as exc:
            self.stats.failures.append(f"reconnect: {type(exc).__name__}: {exc}"[:200])
            return False
        except Exception as exc:  # websockets' handshake errors
            self.stats.failures.append(f"reconnect: {type(exc).__name__}: {exc}"[:200])
            return False
        if ok and run.status == OK:
            self.stats.reconnect_ms.append((time.perf_counter() - self.dropped_at) * 1000)
            return True
        return False


def errors(sessions: list[SessionStats]) -> dict[str, int]:
    """What went wrong over sessions: exception elements, dropped connections, moves with
    no finished run, sessions with a failure (the load, soak and failover tables' keys)."""
    return {
        "exceptions": sum(len(s.exceptions) for s in sessions),
        "drops": sum(s.drops for s in sessions),
        "unfinished moves": sum(s.moves_unfinished for s in sessions),
        "failed sessions": sum(bool(s.failures) for s in sessions),
    }


@dataclass
class DriveResult:
    sessions: list[SessionStats]
    wall_s: float  # from the first load to the last move's finish
    move_s: float  # the moving phase only


async def _one(
    s: ProtoSession, period: float, ramp: float, barrier, clock: dict, duration: float
) -> None:
    from websockets.exceptions import ConnectionClosed

    await asyncio.sleep(s.rng.uniform(0, ramp))
    try:
        if await s.load() is None:
            s.stats.failures.append("load did not finish")
    except Exception as exc:
        s.stats.failures.append(f"load: {type(exc).__name__}: {exc}"[:200])
    try:
        await asyncio.wait_for(barrier.wait(), RUN_TIMEOUT_S * 2)
    except (TimeoutError, asyncio.BrokenBarrierError):
        pass
    stop = clock.setdefault("start", time.perf_counter()) + duration
    try:
        if s.ws is None:
            return
        while True:
            delay = s.rng.uniform(0.5, 1.5) * period
            if s._reader is not None and not s._reader.done():
                # A dropped connection wakes the session: a browser reconnects at once.
                await asyncio.wait({s._reader}, timeout=delay)
                if s._reader.done() and time.perf_counter() < stop:
                    if not await s.reconnect():
                        break
                    continue
            else:
                await asyncio.sleep(delay)
            if time.perf_counter() >= stop:
                break
            if s._reader is None or s._reader.done():  # dropped: reconnect once per drop
                if not await s.reconnect():
                    break
            elif s._pending and time.perf_counter() - s._pending[0] > RUN_TIMEOUT_S:
                s.stats.moves_unfinished += len(s._pending)
                s._pending.clear()
            try:
                moved = await s.move()
            except ConnectionClosed:
                # Closed under the send, before the reader saw it: it does now, and the
                # next turn reconnects (the move is counted lost with the drop).
                continue
            if not moved and not s.movables:
                s.stats.failures.append("nothing to move on the page")
                break
        if s._pending:  # the last moves: wait for their run
            await s._wait()
            s.stats.moves_unfinished += len(s._pending)
    finally:
        await s.close()


async def drive(
    base: str,
    links: list[str],
    sessions: int,
    *,
    duration_s: float = 30.0,
    period_s: float = 3.0,
    ramp_s: float = 5.0,
    seed: int = 0,
) -> DriveResult:
    """``sessions`` protocol sessions on ``base``: session *i* loads ``links[i % len]``
    (its start spread over ``ramp_s``), then, once all have loaded, each moves its control
    every ``period_s`` on average (uniform in ½–1½ of it) for ``duration_s``."""
    rng = random.Random(seed)
    ss = [
        ProtoSession(base, links[i % len(links)], rng=random.Random(rng.random()))
        for i in range(sessions)
    ]
    barrier = asyncio.Barrier(sessions)
    clock: dict[str, float] = {}
    t0 = time.perf_counter()
    await asyncio.gather(*(_one(s, period_s, ramp_s, barrier, clock, duration_s) for s in ss))
    t1 = time.perf_counter()
    return DriveResult([s.stats for s in ss], t1 - t0, t1 - clock.get("start", t1))
