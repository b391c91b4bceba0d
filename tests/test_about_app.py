"""The About page lists every registered loss, each linked to its Explore view."""

from __future__ import annotations

import pytest
from _pages import assert_no_exception, run_page

from lossviz.compare import DOMAINS
from lossviz.registry import REGISTRY

pytestmark = pytest.mark.app


def test_every_loss_is_listed_with_its_explore_link_and_compare_domains():
    at = run_page("about")
    assert_no_exception(at)
    table = next(m.value for m in at.markdown if m.value.startswith("| loss |"))
    rows = table.splitlines()[2:]
    assert len(rows) == len(REGISTRY)
    for key, spec in REGISTRY.items():
        row = next(r for r in rows if f"(./?loss={key})" in r)
        assert f"[{spec.title}]" in row and spec.one_liner in row
        for dom in DOMAINS.values():
            if any(o.loss == key for o in dom.options):
                assert dom.title in row, (key, dom.key)
    assert f"The {len(REGISTRY)} losses" in [h.value for h in at.subheader]
