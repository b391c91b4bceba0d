"""Serve lossviz as N Streamlit replicas behind HAProxy, on one address.

    deploy/serve --replicas 2 --port 8501            # http://127.0.0.1:8501
    (deploy/serve runs this file: ``python deploy/serve.py`` is the same)
    deploy/serve --backends 10.0.0.2:8501,10.0.0.3:8501 --port 8501   # replicas elsewhere

Starts ``streamlit run app.py`` ``--replicas`` times on free ports of ``--host``
(127.0.0.1), with the settings a proxied Streamlit needs (one shared
``server.cookieSecret``, so the XSRF cookie one replica signed is valid on the
others; XSRF and CORS protection on, since the browser sees one origin, the proxy's;
a websocket ping inside HAProxy's tunnel timeout), renders deploy/haproxy.cfg.in
into the run directory and starts HAProxy on ``--host:--port``. With ``--backends``
it starts no replica: HAProxy fronts replicas already running on other hosts
(started there with the same ``--server.cookieSecret``; ``deploy/serve --print-replica-cmd``
prints the command line).

Writes ``<run dir>/replicas.json`` (each replica's name, address, port, pid and log;
HAProxy's pid, config and socket) and prints it; waits until every replica is healthy
through its own port and HAProxy answers. Stops everything it started on SIGINT or
SIGTERM (by pid), and exits non-zero if HAProxy dies.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TEMPLATE = HERE / "haproxy.cfg.in"
# Every page, loaded once on each replica before it takes students (``warm``): the
# imports and first script runs happen one at a time, not under a class's first loads.
WARM_LINKS = ["/", "/compare", "/outliers", "/imbalance", "/preferences", "/kl-fit", "/metric",
              "/about"]  # fmt: skip
PING_S = 30  # server.websocketPingInterval; HAProxy's tunnel timeout is far longer


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def replica_cmd(
    host: str, port: int, python: str = sys.executable, script: Path = ROOT / "app.py"
) -> list[str]:
    """The command line of one replica (run from the checkout's root, with the shared
    cookie secret in ``STREAMLIT_SERVER_COOKIE_SECRET``: Streamlit refuses it as a flag).
    ``script``: the app (the load benchmark serves its baseline app the same way)."""
    return [
        python, "-m", "streamlit", "run", str(script),
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--server.enableXsrfProtection", "true",
        "--server.enableCORS", "true",
        "--server.websocketPingInterval", str(PING_S),
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
    ]  # fmt: skip


def replica_env(cookie_secret: str) -> dict[str, str]:
    """A replica's environment: this checkout's lossviz first, the shared cookie secret,
    one BLAS thread and two malloc arenas unless told otherwise (replicas are one per core:
    a replica's NumPy spreading a matrix product over every core only takes them from the
    others)."""
    return {
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        # Streamlit runs each session's script in a thread of its own, and glibc gives
        # threads up to 8 malloc arenas per core, each keeping what it freed: in a
        # 1-minute soak (python -m benchmarks soak) RSS grew 237 -> 426 MB while the
        # caches held 19 MB; with 2 arenas 239 -> 285 MB (peak 550 -> 377 MB).
        "MALLOC_ARENA_MAX": "2",
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret,
    }


def render(
    bind: str,
    backends: list[tuple[str, str, int]],
    run_dir: Path,
    *,
    inter_ms: int = 2000,
    fall: int = 3,
    rise: int = 2,
    check_timeout_ms: int = 5000,
) -> str:
    """deploy/haproxy.cfg.in with its fields: ``backends`` are (name, host, port)."""
    servers = "\n".join(
        f"    server {name} {host}:{port} check cookie {name}" for name, host, port in backends
    )
    text = TEMPLATE.read_text()
    for k, v in {
        "BIND": bind,
        "RUN_DIR": str(run_dir),
        "SERVERS": servers,
        "INTER": f"{inter_ms}ms",
        "CHECK_TIMEOUT": f"{check_timeout_ms}ms",
        "FALL": str(fall),
        "RISE": str(rise),
        "PING_S": str(PING_S),
    }.items():
        text = text.replace(f"@{k}@", v)
    return text


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def wait_healthy(url: str, timeout: float, procs=()) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"{url}: its process exited with {p.returncode}")
        if healthy(url):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} not healthy after {timeout:.0f} s")


def warm_pages(url: str, links: list[str] = WARM_LINKS) -> list[str]:
    """Load each page once, in turn, at the protocol; the exceptions the pages showed.

    Concurrent first runs on a cold replica can fail: several script threads importing a
    module Streamlit imports lazily (pandas) at once see it partially initialized."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.protocol import ProtoSession

    async def go() -> list[str]:
        errors = []
        for link in links:
            s = ProtoSession(url, link)
            try:
                await s.load()
            finally:
                await s.close()
            errors += [f"{link}: {e}" for e in s.stats.exceptions + s.stats.failures]
        return errors

    # In a thread of its own: safe where this thread runs an event loop (Playwright's).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


def haproxy_cmd(haproxy: str, cfg: Path) -> list[str]:
    return [haproxy, "-db", "-f", str(cfg)]  # -db: foreground, no daemon


class Deployment:
    """Replicas + HAProxy, all started here and stopped by :meth:`stop` (by pid)."""

    def __init__(
        self,
        replicas: int = 2,
        port: int | None = None,
        *,
        host: str = "127.0.0.1",
        backends: list[tuple[str, int]] | None = None,
        run_dir: Path | None = None,
        haproxy: str | None = None,
        cookie_secret: str | None = None,
        inter_ms: int = 2000,
        fall: int = 3,
        rise: int = 2,
        check_timeout_ms: int = 5000,
        python: str = sys.executable,
        timeout: float = 90.0,
        warm: bool = True,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.url = f"http://{host}:{self.port}"
        self.run_dir = Path(run_dir or tempfile.mkdtemp(prefix="lossviz-deploy-"))
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.haproxy_bin = haproxy or shutil.which("haproxy") or "/usr/sbin/haproxy"
        self.cookie_secret = (
            cookie_secret or os.environ.get("LOSSVIZ_COOKIE_SECRET") or (secrets.token_hex(32))
        )
        self.python = python
        self.timeout = timeout
        self.replicas: list[dict] = []
        self.procs: dict[str, subprocess.Popen] = {}
        self.haproxy: subprocess.Popen | None = None
        self._logs: list = []
        self.warm_errors: list[str] = []
        try:
            if backends is None:
                for i in range(replicas):
                    self.start_replica(f"r{i + 1}")
                for r in self.replicas:
                    wait_healthy(r["url"], timeout, [self.procs[r["name"]]])
                    if warm:
                        self.warm_errors += warm_pages(r["url"])
            else:
                for i, (h, p) in enumerate(backends):
                    self.replicas.append(
                        {"name": f"r{i + 1}", "host": h, "port": p, "url": f"http://{h}:{p}",
                         "pid": None, "log": None}
                    )  # fmt: skip
            self.cfg = self.run_dir / "haproxy.cfg"
            self.cfg.write_text(
                render(
                    f"{host}:{self.port}",
                    [(r["name"], r["host"], r["port"]) for r in self.replicas],
                    self.run_dir,
                    inter_ms=inter_ms,
                    fall=fall,
                    rise=rise,
                    check_timeout_ms=check_timeout_ms,
                )
            )
            check = subprocess.run(
                [self.haproxy_bin, "-c", "-q", "-f", str(self.cfg)], capture_output=True, text=True
            )
            if check.returncode:
                raise RuntimeError(f"haproxy -c: {check.stdout}{check.stderr}")
            log = open(self.run_dir / "haproxy.log", "wb")
            self._logs.append(log)
            self.haproxy = subprocess.Popen(
                haproxy_cmd(self.haproxy_bin, self.cfg), stdout=log, stderr=subprocess.STDOUT
            )
            wait_healthy(self.url, timeout, [self.haproxy])
            self.write_state()
        except BaseException:
            self.stop()
            raise

    # -- replicas -------------------------------------------------------------------------
    def start_replica(self, name: str, port: int | None = None) -> dict:
        """Start (or restart, on its old port) replica ``name``."""
        old = next((r for r in self.replicas if r["name"] == name), None)
        port = port or (old["port"] if old else free_port(self.host))
        log_path = self.run_dir / f"{name}.log"
        log = open(log_path, "ab")
        self._logs.append(log)
        proc = subprocess.Popen(
            replica_cmd(self.host, port, self.python),
            cwd=ROOT,
            env=replica_env(self.cookie_secret),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs[name] = proc
        url = f"http://{self.host}:{port}"
        rec = {"name": name, "host": self.host, "port": port, "url": url,
               "pid": proc.pid, "log": str(log_path)}  # fmt: skip
        if old:
            old.update(rec)
        else:
            self.replicas.append(rec)
        return old or rec

    def replica(self, name: str) -> dict:
        return next(r for r in self.replicas if r["name"] == name)

    def write_state(self) -> Path:
        path = self.run_dir / "replicas.json"
        state = {
            "url": self.url,
            "replicas": self.replicas,
            "haproxy": {"pid": self.haproxy.pid if self.haproxy else None,
                        "config": str(self.cfg), "socket": str(self.run_dir / "haproxy.sock"),
                        "log": str(self.run_dir / "haproxy.log")},
        }  # fmt: skip
        path.write_text(json.dumps(state, indent=2))
        return path

    # -- HAProxy's runtime API ----------------------------------------------------------
    def admin(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(str(self.run_dir / "haproxy.sock"))
            s.sendall(command.encode() + b"\n")
            out = b""
            while chunk := s.recv(65536):
                out += chunk
        return out.decode()

    def server_states(self) -> dict[str, str]:
        """Each replica's state as HAProxy sees it: ``UP``, ``DOWN``, ``MAINT`` (its first
        word: ``UP 1/3`` is up with one failed check, ``DOWN 1/2`` down and rising)."""
        out = {}
        for line in self.admin("show stat").splitlines():
            f = line.split(",")
            if len(f) > 17 and f[0] == "replicas" and f[1] not in ("BACKEND", "FRONTEND"):
                out[f[1]] = f[17].split()[0] if f[17] else ""
        return out

    # -- stop -----------------------------------------------------------------------------
    def stop(self) -> None:
        procs = ([self.haproxy] if self.haproxy else []) + list(self.procs.values())
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)
        for log in self._logs:
            log.close()
        self._logs = []


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="deploy/serve", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--replicas", type=int, default=2, help="replicas to start here (2)")
    p.add_argument("--port", type=int, default=8501, help="HAProxy's port (8501)")
    p.add_argument("--host", default="127.0.0.1", help="the address to bind (127.0.0.1)")
    p.add_argument(
        "--backends", help="HOST:PORT,... of replicas running elsewhere: start none here"
    )
    p.add_argument(
        "--no-warm", action="store_true", help="do not load every page once on each replica"
    )
    p.add_argument("--run-dir", type=Path, help="config, logs and replicas.json (a temp dir)")
    p.add_argument(
        "--print-replica-cmd",
        metavar="HOST:PORT",
        help="print the command that starts one replica on HOST:PORT and exit",
    )
    args = p.parse_args(argv)
    if args.print_replica_cmd:
        h, _, port = args.print_replica_cmd.rpartition(":")
        print("STREAMLIT_SERVER_COOKIE_SECRET=<the same secret on every replica> PYTHONPATH=. "
              + " ".join(replica_cmd(h, int(port), "python")))  # fmt: skip
        return 0
    backends = None
    if args.backends:
        backends = [
            (h, int(pt)) for h, _, pt in (b.rpartition(":") for b in args.backends.split(","))
        ]
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    d = Deployment(
        args.replicas, args.port, host=args.host, backends=backends, run_dir=args.run_dir
    )
    try:
        print(json.dumps(json.loads(d.write_state().read_text()), indent=2))
        where = d.run_dir / "replicas.json"
        print(f"lossviz on {d.url} ({len(d.replicas)} replicas); state in {where}", flush=True)
        while not stopping:
            if d.haproxy.poll() is not None:
                print(f"haproxy exited with {d.haproxy.returncode}", file=sys.stderr)
                return 1
            time.sleep(0.2)
        return 0
    finally:
        d.stop()
        print("stopped", flush=True)


if __name__ == "__main__":
    sys.exit(main())
