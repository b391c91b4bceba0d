"""Charts out of the page (issue 15), in Chromium, for every page: the main chart's
"PNG ×2" is opaque and at least twice its size on screen, its "CSV" holds exactly the
numbers the chart plots (checked against the chart's own ``gd.data``, decoded here), and
"Copy link" puts the page's URL on the clipboard. One page load per page serves all
three checks; the Explore map also checks that the "current δ" line is in its SVG and
that a dark page exports on its dark background.
"""

from __future__ import annotations

import base64
import csv
import io
import struct
import zlib

import numpy as np
import pytest
from _browser_checks import open_drawn
from conftest import AppPage

pytestmark = pytest.mark.browser

# One link per page (the pages of lossviz/views/__init__.py), the main chart first.
PAGES = [
    "/?loss=huber&3d=0",
    "/compare",
    "/outliers",
    "/imbalance",
    "/preferences",
    "/kl-fit",
    "/metric",
    "/noise",
]


@pytest.fixture(scope="module")
def export_page(browser, app_server):
    """One context for the module: downloads accepted, clipboard readable."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = context.new_page()
    try:
        yield AppPage(page, app_server.url)
    finally:
        context.close()


def _row(app_page, index: int = 0):
    """The export row of the page's ``index``-th chart."""
    return app_page.page.locator(".lvx").nth(index)


def _download(app_page, index: int, action: str) -> tuple[str, bytes]:
    with app_page.page.expect_download() as info:
        _row(app_page, index).locator(f"button[data-action={action}]").click()
    path = info.value.path()
    with open(path, "rb") as f:
        return info.value.suggested_filename, f.read()


def _png_alpha(png: bytes) -> tuple[int, int, np.ndarray, bytes]:
    """Width, height, the alpha channel (rows × columns) and the first pixel's RGB of an
    8-bit RGBA or RGB PNG, decoded with zlib (PNG spec, section 9: filters)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = header[:4]
    assert depth == 8 and colour in (2, 6), header
    bpp = 4 if colour == 6 else 3
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + width * bpp)
    first_rgb = bytes(raw[0, 1:4])  # no left or upper neighbour: every filter adds 0
    if colour == 2:
        return width, height, np.full((height, width), 255, np.uint8), first_rgb
    # Filters work byte by byte on the same channel (the neighbour bpp bytes to the left),
    # so the alpha channel is reconstructed on its own.
    alpha = np.zeros((height, width), dtype=np.int64)
    prev = np.zeros(width, dtype=np.int64)
    for r in range(height):
        kind, f = raw[r, 0], raw[r, 1 + 3 :: 4].astype(np.int64)
        if kind == 0:
            row = f
        elif kind == 1:  # Sub
            row = np.cumsum(f) % 256
        elif kind == 2:  # Up
            row = (f + prev) % 256
        else:
            row = np.zeros(width, dtype=np.int64)
            left = up_left = 0
            for i in range(width):
                up = int(prev[i])
                if kind == 3:  # Average
                    pred = (left + up) // 2
                else:  # Paeth
                    p = left + up - up_left
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                    pred = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                left = row[i] = (int(f[i]) + pred) % 256
                up_left = up
        alpha[r] = row
        prev = row
    return width, height, alpha, first_rgb


# The chart's traces as the browser holds them, typed arrays kept as Plotly's
# {dtype, bdata, shape} (what Streamlit sent) and decoded below, in Python.
_GD_DATA = """(i) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[i];
  const r = gd.getBoundingClientRect();
  return {data: JSON.parse(JSON.stringify(gd.data)), width: r.width, height: r.height};
}"""

_DTYPES = {"f4": "<f4", "f8": "<f8", "i1": "i1", "u1": "u1", "i2": "<i2", "u2": "<u2"}
_DTYPES |= {"i4": "<i4", "u4": "<u4"}


def _array(v) -> np.ndarray | None:
    if v is None:
        return None
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=_DTYPES[v["dtype"]])
        if "shape" in v:
            shape = [int(s) for s in str(v["shape"]).split(",")]
            a = a.reshape(shape)
        return a.astype(np.float64)
    return np.array(v, dtype=np.float64)


def _axis(trace: dict, axis: str, n: int) -> np.ndarray:
    a = _array(trace.get(axis))
    if a is not None:
        return a
    return float(trace.get(f"{axis}0", 0)) + float(trace.get(f"d{axis}", 1)) * np.arange(n)


def _expected_columns(data: list[dict]) -> list[np.ndarray]:
    """Every trace's plotted coordinates in the CSV's order: x, y (and z) per trace,
    surfaces as long form (x, y, z) row by row."""
    cols = []
    for t in data:
        z = _array(t.get("z"))
        if z is not None and z.ndim == 2:
            rows, ncols = z.shape
            x, y = _axis(t, "x", ncols), _axis(t, "y", rows)
            xs = x if x.ndim == 2 else np.broadcast_to(x[None, :], z.shape)
            ys = y if y.ndim == 2 else np.broadcast_to(y[:, None], z.shape)
            cols += [xs.ravel(), ys.ravel(), z.ravel()]
            continue
        if t.get("x") is None and t.get("y") is None:
            continue
        n = len(_array(t.get("y") if t.get("y") is not None else t.get("x")))
        cols += [_axis(t, "x", n), _axis(t, "y", n)]
        if t.get("type") == "scatter3d" and t.get("z") is not None:
            cols.append(_array(t["z"]))
    return cols


def _csv_columns(text: str) -> tuple[list[str], list[str], list[np.ndarray]]:
    lines = text.splitlines()
    comments = [line for line in lines if line.startswith("#")]
    rows = list(csv.reader(io.StringIO("\n".join(line for line in lines if line[:1] != "#"))))
    header, body = rows[0], rows[1:]
    cols = []
    for j in range(len(header)):
        vals = [r[j] for r in body]
        while vals and vals[-1] == "":  # a shorter column is padded at its end
            vals.pop()
        cols.append(np.array([float(v) if v != "" else np.nan for v in vals]))
    return comments, header, cols


@pytest.mark.parametrize("path", PAGES)
def test_main_chart_exports_png_csv_and_link(export_page, path):
    open_drawn(export_page, path)
    page = export_page.page
    drawn = page.evaluate(_GD_DATA, 0)

    # PNG: opaque (no pixel with alpha < 255) and at least 2× the chart on screen.
    name, png = _download(export_page, 0, "png")
    width, height, alpha, _ = _png_alpha(png)
    assert name.startswith("lossviz-") and name.endswith(".png"), name
    assert width >= 2 * drawn["width"] - 1 and height >= 2 * drawn["height"] - 1, (
        path,
        (width, height),
        drawn,
    )
    assert int((alpha < 255).sum()) == 0, (path, "transparent pixels", int((alpha < 255).sum()))

    # CSV: a header with the page and its parameters; columns equal to gd.data.
    name, raw = _download(export_page, 0, "csv")
    assert name.startswith("lossviz-") and name.endswith(".csv"), name
    comments, header, cols = _csv_columns(raw.decode("utf-8"))
    assert comments[0].startswith("# lossviz "), comments
    assert any(c.startswith("# parameters: ") for c in comments), comments
    expected = _expected_columns(drawn["data"])
    assert len(header) == len(expected) == len(cols), (path, header)
    for h, got, want in zip(header, cols, expected, strict=True):
        np.testing.assert_array_equal(got, want, err_msg=f"{path}: column {h!r}")

    # Copy link: the page's URL on the clipboard, and the button says so.
    button = _row(export_page, 0).locator("button[data-action=link]")
    button.click()
    page.wait_for_function("(b) => b.textContent === 'Copied'", arg=button.element_handle())
    assert page.evaluate("navigator.clipboard.readText()") == page.url


def test_explore_map_exports_its_current_value_line_and_dark_background(browser, app_server):
    """The δ line over Huber's (r, δ) map is drawn as HTML (level_line.py), not in the
    figure; the SVG export has it. A dark page (the system's dark setting, which
    Streamlit follows by default) exports on its own dark background."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, color_scheme="dark"
    )
    try:
        app_page = AppPage(context.new_page(), app_server.url)
        open_drawn(app_page, "/?loss=huber&3d=0&delta=1.5", min_plots=2)
        page = app_page.page
        page.wait_for_selector(".lossviz-level")
        label = page.locator(".lossviz-level").text_content()
        assert "1.5" in label, label
        _, svg = _download(app_page, 1, "svg")
        assert label in svg.decode("utf-8")
        bg = page.evaluate(
            "() => getComputedStyle(document.querySelector(\"[data-testid='stApp']\"))"
            ".backgroundColor"
        )
        rgb = tuple(int(v) for v in bg[bg.index("(") + 1 : bg.index(")")].split(",")[:3])
        assert sum(rgb) < 3 * 80, bg  # the dark theme is on
        _, png = _download(app_page, 1, "png")
        _, _, alpha, first = _png_alpha(png)
        assert int((alpha < 255).sum()) == 0
        assert tuple(first) == rgb, (first, bg)
    finally:
        context.close()
