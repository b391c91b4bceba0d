"""Every st.cache_data / st.cache_resource is bounded, so memory cannot grow without
limit when a classroom of sessions explores different settings."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cache_calls():
    for path in [ROOT / "app.py", *(ROOT / "lossviz").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for dec in node.decorator_list:
                    target = dec.func if isinstance(dec, ast.Call) else dec
                    if isinstance(target, ast.Attribute) and target.attr in (
                        "cache_data",
                        "cache_resource",
                    ):
                        call = isinstance(dec, ast.Call)
                        kwargs = {k.arg for k in dec.keywords} if call else set()
                        yield f"{path.relative_to(ROOT)}:{node.name}", kwargs


def test_there_are_caches_and_every_one_is_bounded():
    calls = list(_cache_calls())
    assert len(calls) >= 3
    unbounded = [where for where, kwargs in calls if "max_entries" not in kwargs]
    assert not unbounded, f"st.cache_* without max_entries: {unbounded}"
