"""DESIGN.md's layering: data → losses → landscape/fit → figures → views.

Only app.py and lossviz/views/ import streamlit; only lossviz/figures/ and
lossviz/views/ import plotly.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "lossviz"


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_views_import_streamlit_and_only_figures_and_views_import_plotly():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        roots = _imported_roots(path)
        in_views = rel.startswith("views/")
        if "streamlit" in roots and not in_views:
            offenders.append(f"{rel} imports streamlit")
        if "plotly" in roots and not (in_views or rel.startswith("figures/")):
            offenders.append(f"{rel} imports plotly")
    assert not offenders, offenders


def test_importing_the_library_loads_neither_streamlit_nor_plotly():
    code = (
        "import sys, importlib, pathlib, lossviz\n"
        "root = pathlib.Path(lossviz.__file__).parent\n"
        "for f in sorted(root.rglob('*.py')):\n"
        "    rel = f.relative_to(root).with_suffix('').parts\n"
        "    if rel[0] in ('views', 'figures'): continue\n"
        "    name = '.'.join(('lossviz', *rel)).removesuffix('.__init__')\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('streamlit', 'plotly'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
