"""Find the oldest version of each runtime dependency under which the fast suite passes.

Run from the repository root (on demand; it installs into throwaway venvs)::

    python -m benchmarks.floors [--venv /tmp/lossviz-floors] [--only streamlit]

For each dependency it bisects over the versions the index offers between the
declared floor (or an older candidate) and the installed version, with every
other dependency at its current version (so each search measures one package):
a candidate passes when ``python -m pytest tests/test_*_app.py
tests/test_layering.py`` passes under it. Then it installs all the found floors
together and runs the same subset once more. Prints one line per try and the
result; ``.ci/run`` then tests the floors found, which ``pyproject.toml`` declares.

Found on 2026-12-02 (Python 3.11): streamlit 1.66.0 (1.65.0, 1.63.0 and 1.58.0 fail:
"Component 'lossviz.scrub' is not registered"); numpy 1.26.4 (2.1.3, 2.0.2 and 1.26.4
pass); then streamlit 1.66.0 + numpy 1.26.4 + plotly 5.24.1 + scipy 1.11.4 together:
437 passed. Plotly and SciPy were not bisected: their oldest candidates pass.
"""

from __future__ import annotations

import argparse
import glob
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Candidates, oldest first, ending at a version known to pass (the one installed when
# the floors were set, 2026-12-02). Only the last patch release of each minor.
CANDIDATES = {
    "streamlit": [f"1.{m}.0" for m in range(50, 68)],
    "numpy": ["1.26.4", "2.0.2", "2.1.3", "2.2.6", "2.3.5", "2.4.6"],
    "plotly": ["5.24.1", "6.0.1", "6.1.2", "6.2.0", "6.3.1", "6.5.2", "7.1.0"],
    "scipy": ["1.11.4", "1.12.0", "1.13.1", "1.14.1", "1.15.3", "1.16.3", "1.17.1"],
}
TEST_EXTRA = ["pytest>=8", "hypothesis>=6.100"]


def subset() -> list[str]:
    files = sorted(glob.glob(str(ROOT / "tests" / "test_*_app.py")))
    return [*files, str(ROOT / "tests" / "test_layering.py")]


def sh(cmd: list[str], log) -> int:
    log.write(f"$ {' '.join(cmd)}\n")
    log.flush()
    return subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)


def venv(path: Path, log) -> Path:
    py = path / "bin" / "python"
    if not py.exists():
        sh([sys.executable, "-m", "venv", str(path)], log)
        sh([str(py), "-m", "pip", "install", "-q", *TEST_EXTRA], log)
    return py


def passes(py: Path, pins: dict[str, str], log) -> bool:
    spec = [f"{k}=={v}" for k, v in pins.items()]
    if sh([str(py), "-m", "pip", "install", "-q", *spec], log):
        return False  # does not install (no wheel for this Python, conflicts)
    cmd = [str(py), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *subset()]
    return sh(cmd, log) == 0


def bisect(py: Path, name: str, latest: dict[str, str], log) -> str:
    """The oldest candidate of ``name`` that passes, assuming pass/fail is monotone."""
    cands = CANDIDATES[name]
    lo, hi = 0, len(cands) - 1  # cands[hi] passes (the installed version)
    while lo < hi:
        mid = (lo + hi) // 2
        t0 = time.time()
        ok = passes(py, {**latest, name: cands[mid]}, log)
        print(f"{name}=={cands[mid]}: {'pass' if ok else 'FAIL'} ({time.time() - t0:.0f} s)")
        sys.stdout.flush()
        if ok:
            hi = mid
        else:
            lo = mid + 1
    return cands[lo]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.floors", description=__doc__)
    p.add_argument("--venv", default="/tmp/lossviz-floors")
    p.add_argument("--only", nargs="*", choices=sorted(CANDIDATES))
    args = p.parse_args(argv)
    log = open(Path(args.venv).with_suffix(".log"), "a")
    py = venv(Path(args.venv), log)
    latest = {k: v[-1] for k, v in CANDIDATES.items()}
    floors = {}
    for name in args.only or CANDIDATES:
        floors[name] = bisect(py, name, latest, log)
        print(f"floor {name}>={floors[name]}")
    ok = passes(py, floors, log)
    print(f"all floors together {floors}: {'pass' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()
