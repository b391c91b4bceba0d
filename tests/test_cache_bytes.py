"""Every cache of the app is bounded in bytes, not only in entries.

``st.cache_data`` keeps each entry pickled in memory and bounds a function's cache by
``max_entries``. For each cached function of lossviz.views this runs pages that fill
it (the largest data each page's sliders allow where a size is a slider), reads the
size of its entries (Streamlit's own per-entry byte counts, the numbers
``/_stcore/metrics`` serves), and checks that ``max_entries`` × the largest entry seen,
summed over all functions, stays within :data:`BUDGET_BYTES` per process.
"""

from __future__ import annotations

import importlib
import pkgutil

import streamlit as st
from _pages import assert_no_exception, run_link
from streamlit.runtime.caching import cache_data_api
from streamlit.runtime.caching.cache_utils import CachedFunc

import lossviz.views

#: What every cache of one replica may hold at most. With two replicas per 2-core
#: machine and ~250 MB of a warm process, this keeps a replica under ~0.5 GB.
BUDGET_BYTES = 256 * 2**20

# The views that fill each cache, at the largest sizes the sliders allow.
LINKS = [
    "/?loss=huber",
    "/?loss=focal",
    "/?loss=general_robust&3d=1",
    "/compare",
    "/compare?view=surfaces",
    "/outliers?n=400",
    "/outliers?kind=heteroscedastic",
    "/imbalance?n=2000",
    "/imbalance?view=probabilities",
    "/imbalance?view=calibration",
    "/preferences?items=50",
    "/preferences?view=sweep",
    "/preferences?view=policy",
    "/preferences?view=beta",
    "/kl-fit",
    "/metric",
    "/metric?view=training",
    "/noise",
    "/noise?view=poisson",
]


def _cached_functions() -> dict[str, CachedFunc]:
    out = {}
    for info in pkgutil.iter_modules(lossviz.views.__path__):
        mod = importlib.import_module(f"lossviz.views.{info.name}")
        for name, obj in vars(mod).items():
            if isinstance(obj, CachedFunc) and obj.__module__ == mod.__name__:
                out[f"{mod.__name__}.{name}"] = obj
    return out


def test_every_cache_is_bounded_in_bytes():
    st.cache_data.clear()
    for link in LINKS:
        assert_no_exception(run_link(link, timeout=300))
    largest: dict[str, int] = {}
    for stats in cache_data_api.get_data_cache_stats_provider().get_stats().values():
        for s in stats:
            largest[s.cache_name] = max(largest.get(s.cache_name, 0), s.byte_length)
    funcs = _cached_functions()
    assert len(funcs) >= 20, sorted(funcs)  # the scan found the page caches
    unbounded = [n for n, f in funcs.items() if f._info.max_entries is None]
    assert not unbounded, f"caches without max_entries: {unbounded}"
    bound = {n: f._info.max_entries * largest[n] for n, f in funcs.items() if n in largest}
    # Most caches were filled; the few a page fills only on a rare view must be small.
    assert len(bound) >= 0.7 * len(funcs), sorted(set(funcs) - set(bound))
    total = sum(bound.values())
    top = sorted(bound.items(), key=lambda kv: -kv[1])[:5]
    assert total <= BUDGET_BYTES, f"{total / 2**20:.0f} MB at most; the largest: {top}"
