"""Replicas as hosts (issue 16): two replicas in network namespaces of their own.

Each replica runs in its own network namespace (``ip netns``), reached through a veth
pair with an address of its own (10.199.k.2/30, the root side 10.199.k.1), as a replica
on another machine would be; HAProxy in the root namespace fronts them on 127.0.0.1
with ``deploy/serve.py``'s ``--backends`` mode, the configuration a multi-machine
deployment uses. A few protocol sessions go through it: every move finishes, no
exception, both replicas serve. The namespaces (and so their veths) are deleted in a
``finally``. Needs root (CI runs as root); skipped with the reason where the machine
cannot create a namespace.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy_util import require_haproxy, serve  # noqa: E402

from benchmarks.protocol import drive  # noqa: E402
from benchmarks.protocol import run as protocol_run  # noqa: E402

pytestmark = [pytest.mark.slow]

IP = shutil.which("ip") or "/usr/sbin/ip"
PORT = 8501  # each replica has its own address: the same port on both, as on two hosts
TAG = f"lvz{os.getpid() % 100000}"


def _ip(*args: str, ns: str | None = None) -> subprocess.CompletedProcess:
    cmd = [IP, "netns", "exec", ns, IP, *args] if ns else [IP, *args]
    return subprocess.run(cmd, capture_output=True, text=True)


def _must(*args: str, ns: str | None = None) -> None:
    r = _ip(*args, ns=ns)
    assert r.returncode == 0, f"ip {' '.join(args)}: {r.stderr}"


def _capable() -> str | None:
    """Why namespaces cannot be made here, or None."""
    if not Path(IP).exists():
        return "the ip command (iproute2) is missing"
    if os.geteuid() != 0:
        return "network namespaces need root"
    probe = f"{TAG}probe"
    r = _ip("netns", "add", probe)
    if r.returncode:
        return f"ip netns add failed: {r.stderr.strip()}"
    _ip("netns", "del", probe)
    return None


@pytest.fixture(scope="module")
def hosts():
    require_haproxy()
    why = _capable()
    if why:
        pytest.skip(f"no network namespaces on this machine: {why}")
    namespaces, procs, logs = [], [], []
    secret = os.urandom(16).hex()
    try:
        addrs = []
        for k in (1, 2):
            ns, host_if, ns_if = f"{TAG}n{k}", f"{TAG}h{k}", f"{TAG}v{k}"
            _must("netns", "add", ns)
            namespaces.append(ns)
            _must("link", "add", host_if, "type", "veth", "peer", "name", ns_if)
            _must("link", "set", ns_if, "netns", ns)
            _must("addr", "add", f"10.199.{k}.1/30", "dev", host_if)
            _must("link", "set", host_if, "up")
            _must("addr", "add", f"10.199.{k}.2/30", "dev", ns_if, ns=ns)
            _must("link", "set", ns_if, "up", ns=ns)
            _must("link", "set", "lo", "up", ns=ns)
            addr = f"10.199.{k}.2"
            log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"{ns}.log", "wb")
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [IP, "netns", "exec", ns, *serve.replica_cmd(addr, PORT)],
                    cwd=ROOT,
                    env=serve.replica_env(secret),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            addrs.append(addr)
        for addr, p in zip(addrs, procs, strict=True):
            serve.wait_healthy(f"http://{addr}:{PORT}", 120, [p])
            assert serve.warm_pages(f"http://{addr}:{PORT}") == []
        d = serve.Deployment(backends=[(a, PORT) for a in addrs], cookie_secret=secret)
        try:
            yield d, addrs, procs
        finally:
            d.stop()
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for log in logs:
            log.close()
        for ns in namespaces:  # deleting a namespace deletes its end of the veth, and so both
            _ip("netns", "del", ns)
        for k in (1, 2):
            _ip("link", "del", f"{TAG}h{k}")


def test_haproxy_fronts_the_replicas_at_their_own_addresses(hosts):
    d, addrs, _ = hosts
    for a in addrs:
        assert serve.healthy(f"http://{a}:{PORT}")
    cfg = d.cfg.read_text()
    for i, a in enumerate(addrs):
        assert f"server r{i + 1} {a}:{PORT} check cookie r{i + 1}" in cfg
    assert set(d.server_states().values()) == {"UP"}


def test_protocol_sessions_through_haproxy_reach_both_hosts(hosts):
    d, _, _ = hosts

    def totals() -> dict[str, int]:
        out = {}
        for line in d.admin("show stat").splitlines():
            f = line.split(",")
            if len(f) > 7 and f[0] == "replicas" and f[1] not in ("BACKEND", "FRONTEND"):
                out[f[1]] = int(f[7])
        return out

    before = totals()
    links = ["/?loss=huber", "/compare", "/metric", "/outliers"]
    r = protocol_run(drive(d.url, links, 6, duration_s=5.0, period_s=1.5, ramp_s=1.0, seed=3))
    for st in r.sessions:
        assert st.load_ms is not None and not st.failures and not st.exceptions, st
        assert st.moves_sent >= 1 and len(st.move_ms) == st.moves_sent, st
        assert st.drops == 0 and st.moves_unfinished == 0, st
    after = totals()
    assert all(after[k] > before[k] for k in after), (before, after)
