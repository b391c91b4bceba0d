"""A short soak in CI: waves of protocol sessions through HAProxy, memory bounded.

``python -m benchmarks soak`` runs the 5-minute version and prints RSS over time; this
is its small form: two waves of students on every page of the class's links, then
none. Nothing fails, the caches stay within their byte bound
(tests/test_cache_bytes.py), and the replica's resident memory once the sessions have
gone is within a bound of its warm size.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy_util import require_haproxy  # noqa: E402
from test_cache_bytes import BUDGET_BYTES  # noqa: E402

from benchmarks import soak  # noqa: E402

pytestmark = [pytest.mark.slow]

#: Growth allowed over the warm process. The 1-minute soak of 12 sessions a wave grew a
#: replica by ~50 MB with two malloc arenas (deploy/serve.py) and by ~190 MB without.
GROWTH_MB = 200


def test_a_short_soak_holds_memory_and_loses_nothing():
    require_haproxy()
    r = soak.run(0.75, sessions=10, wave_s=20, ttl_s=10)
    assert r.waves >= 2 and r.moves >= 40, (r.waves, r.moves)
    assert not any(r.errors.values()), r.errors
    warm, end = r.samples[0], r.samples[-1]
    assert end.phase == "sessions gone"
    assert end.cache_bytes <= BUDGET_BYTES
    assert end.rss_kb / 1024 <= warm.rss_kb / 1024 + GROWTH_MB, soak.table(r)
