"""deploy/: HAProxy in front of Streamlit replicas (issue 16).

One deployment per module (2 replicas + HAProxy on free loopback ports, stopped at the
end): the rendered configuration passes ``haproxy -c``; the affinity cookie pins a
browser's requests to one replica; protocol sessions through HAProxy spread over the
replicas and every move finishes; a replica that stops answering (SIGSTOP) is taken
out by the health check and comes back after SIGCONT. Then ``deploy/serve`` itself:
it starts, writes where each replica runs, and stops everything on SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy_util import HAPROXY, alive, require_haproxy, serve, wait_for  # noqa: E402

from benchmarks import capacity  # noqa: E402
from benchmarks.protocol import drive  # noqa: E402
from benchmarks.protocol import run as protocol_run  # noqa: E402

pytestmark = [pytest.mark.slow]

# Health check every 0.5 s, timeout 2 s, 2 failures take a replica out: a stopped replica
# is out within ~5 s here (deploy/serve's defaults, 2 s / 5 s / 3, take ~21 s).
INTER_MS, CHECK_TIMEOUT_MS, FALL = 500, 2000, 2


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    require_haproxy()
    d = serve.Deployment(
        2,
        run_dir=tmp_path_factory.mktemp("deploy"),
        inter_ms=INTER_MS,
        check_timeout_ms=CHECK_TIMEOUT_MS,
        fall=FALL,
    )
    try:
        yield d
    finally:
        d.stop()


def _get(url: str, cookie: str = "") -> tuple[int, str]:
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.headers.get("Set-Cookie") or ""


def _sessions_total(d) -> dict[str, int]:
    """Connections each replica has had (HAProxy's ``stot``)."""
    out = {}
    for line in d.admin("show stat").splitlines():
        f = line.split(",")
        if len(f) > 7 and f[0] == "replicas" and f[1] not in ("BACKEND", "FRONTEND"):
            out[f[1]] = int(f[7])
    return out


def test_rendered_config_is_valid_and_websocket_ready(deployment, tmp_path):
    text = deployment.cfg.read_text()
    for needle in (
        "timeout tunnel",
        "uri /_stcore/health",
        "cookie LOSSVIZ_REPLICA insert",
        "option redispatch",
        "on-marked-down shutdown-sessions",
        "balance leastconn",
    ):
        assert needle in text, needle
    for r in deployment.replicas:
        assert f"server {r['name']} {r['host']}:{r['port']} check cookie {r['name']}" in text
    assert "@" not in text  # every field rendered
    other = tmp_path / "x.cfg"
    other.write_text(serve.render("127.0.0.1:1", [("a", "127.0.0.1", 2)], tmp_path))
    check = subprocess.run([HAPROXY, "-c", "-f", str(other)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    state = json.loads((deployment.run_dir / "replicas.json").read_text())
    assert [r["port"] for r in state["replicas"]] == [r["port"] for r in deployment.replicas]
    assert state["haproxy"]["pid"] == deployment.haproxy.pid


def test_every_replica_healthy_and_up(deployment):
    for r in deployment.replicas:
        assert serve.healthy(r["url"]), r
    assert wait_for(lambda: set(deployment.server_states().values()) == {"UP"}, 10)
    assert _get(deployment.url + "/_stcore/health")[0] == 200


def test_affinity_cookie_pins_requests_to_one_replica(deployment):
    status, set_cookie = _get(deployment.url + "/")
    assert status == 200 and set_cookie.startswith("LOSSVIZ_REPLICA="), set_cookie
    cookie = set_cookie.split(";", 1)[0]
    name = cookie.split("=", 1)[1]
    assert name in {r["name"] for r in deployment.replicas}
    before = _sessions_total(deployment)
    for _ in range(6):
        status, again = _get(deployment.url + "/compare", cookie)
        assert status == 200 and not again  # the cookie is valid: not set anew
    after = _sessions_total(deployment)
    assert after[name] - before[name] == 6
    assert all(after[k] == before[k] for k in after if k != name)


def test_protocol_sessions_through_haproxy_use_both_replicas(deployment):
    before = _sessions_total(deployment)
    links = ["/?loss=huber", "/compare", "/metric", "/outliers"]
    r = protocol_run(
        drive(deployment.url, links, 8, duration_s=5.0, period_s=1.5, ramp_s=1.0, seed=2)
    )
    for st in r.sessions:
        assert st.load_ms is not None and not st.failures and not st.exceptions, st
        assert st.moves_sent >= 1 and len(st.move_ms) == st.moves_sent, st
        assert st.drops == 0, st
    after = _sessions_total(deployment)
    assert all(after[k] > before[k] for k in after), (before, after)


def test_stopped_replica_taken_out_by_health_check_then_rejoins(deployment):
    r2 = deployment.replica("r2")
    os.kill(r2["pid"], signal.SIGSTOP)
    try:
        t0 = time.monotonic()
        down = wait_for(lambda: deployment.server_states().get("r2") == "DOWN", 30)
        took = time.monotonic() - t0
        assert down, deployment.server_states()
        # fall × (inter + the check timeout): about 5 s here, not a minute
        assert took < 15, took
        # Meanwhile the class goes on: new visitors, even ones pinned to r2, get r1.
        for cookie in ("", "LOSSVIZ_REPLICA=r2"):
            status, set_cookie = _get(deployment.url + "/", cookie)
            assert status == 200 and "LOSSVIZ_REPLICA=r1" in set_cookie
    finally:
        os.kill(r2["pid"], signal.SIGCONT)
    assert wait_for(lambda: deployment.server_states().get("r2") == "UP", 15)


def test_killed_replica_under_load_its_sessions_reconnect_and_it_rejoins(deployment):
    # The small form of `python -m benchmarks load`'s failover: 8 protocol sessions
    # moving, r2 SIGKILLed 3 s into their moves, then restarted.
    f = capacity.failover(deployment, 8, duration=8.0, period=1.0, kill_after=3.0)
    assert f.victim == "r2"
    assert f.dropped, "leastconn put no session on r2"
    failures = [s.failures for s in f.result.sessions]
    assert all(v == 0 for v in f.errors.values()), (f.errors, failures)
    for s in f.dropped:  # each reconnected once, through HAProxy, and moved again
        assert s.drops == s.reconnects == len(s.reconnect_ms) == 1, s
        assert s.move_sent_at and max(s.move_sent_at) > f.result.sessions[0].move_sent_at[0], s
    assert f.after_kill_ms, "no move was timed after the kill"
    assert f.down_after_s is not None and f.down_after_s < 10, f.down_after_s
    assert f.rejoin_s is not None, "the restarted replica did not rejoin"
    assert deployment.server_states() == {"r1": "UP", "r2": "UP"}


def test_serve_command_starts_writes_state_and_stops_on_sigterm(tmp_path):
    require_haproxy()
    port = serve.free_port()
    run_dir = tmp_path / "run"
    proc = subprocess.Popen(
        [str(ROOT / "deploy" / "serve"), "--replicas", "1", "--port", str(port),
         "--run-dir", str(run_dir)],
        env={**os.environ, "PYTHON": sys.executable},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        state_file = run_dir / "replicas.json"
        assert wait_for(lambda: state_file.exists() or proc.poll() is not None, 120, 0.25)
        assert proc.poll() is None, proc.stdout.read()
        state = json.loads(state_file.read_text())
        assert state["url"] == f"http://127.0.0.1:{port}"
        assert len(state["replicas"]) == 1 and state["replicas"][0]["host"] == "127.0.0.1"
        assert _get(state["url"] + "/_stcore/health")[0] == 200
        pids = [state["haproxy"]["pid"], state["replicas"][0]["pid"]]
        assert all(alive(p) for p in pids)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        out = proc.stdout.read()
        assert "stopped" in out, out
        assert not any(alive(p) for p in pids)
        assert not serve.healthy(state["url"], timeout=1)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
