"""Every mail, as a phone and a desktop show it: headless Chromium lays out each HTML part
at 320, 375 and 600 px; nothing may be wider than the screen, and every decide button
must be on it, without scrolling sideways.

Chromium is Debian's package (``.ci/run`` installs it); without it this is skipped on a
developer's machine and fails under CI.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from workflows.preview import Sample, samples

WIDTHS = (320, 375, 600)
# Measures each mail in its own frame of the given width and writes what it found into
# the page, which Chromium then prints (--dump-dom).
MEASURE = """
<script>
window.addEventListener("load", () => {
  const found = [];
  for (const frame of document.querySelectorAll("iframe")) {
    const doc = frame.contentDocument;
    const width = frame.clientWidth;
    const buttons = [...doc.querySelectorAll("a.decide")].map((a) => a.getBoundingClientRect());
    const images = [...doc.images].map((img) => img.getBoundingClientRect().width);
    found.push({
      name: frame.dataset.name,
      width: width,
      scrollWidth: doc.documentElement.scrollWidth,
      buttons: buttons.length,
      buttonsOff: buttons.filter((r) => r.left < 0 || r.right > width || r.width < 44).length,
      widestImage: Math.max(0, ...images),
      fontSize: parseFloat(getComputedStyle(doc.querySelector("td")).fontSize),
    });
  }
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
});
</script>
"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs Debian's package)")
        pytest.skip("chromium is not installed: apt-get install chromium")
    return found


def harness(found: list[Sample], width: int) -> str:
    frames = "\n".join(
        f'<iframe data-name="{s.name}" width="{width}" height="2400" '
        f'style="border:0;display:block" srcdoc="{html.escape(s.viewable_html())}"></iframe>'
        for s in found
    )
    return f"<!DOCTYPE html><html><body style='margin:0'>{frames}{MEASURE}</body></html>"


def measure(browser: str, page: Path, profile: Path) -> list[dict[str, Any]]:
    result = subprocess.run(
        [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--window-size=1280,2000",
            "--virtual-time-budget=15000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    measured = re.search(r'<pre id="measured">(.*?)</pre>', result.stdout, re.S)
    assert measured is not None, result.stderr[-2000:]
    data: list[dict[str, Any]] = json.loads(html.unescape(measured.group(1)))
    return data


@pytest.mark.timeout(300)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_mail_fits_the_screen_and_its_buttons_are_on_it(width: int, tmp_path: Path) -> None:
    browser = chromium()
    found = samples()
    page = tmp_path / f"mails-{width}.html"
    page.write_text(harness(found, width), encoding="utf-8")
    results = measure(browser, page, tmp_path / "profile")
    assert len(results) == len(found)
    too_wide = [(r["name"], r["scrollWidth"]) for r in results if r["scrollWidth"] > width]
    assert too_wide == [], f"wider than {width} px"
    off_screen = [r["name"] for r in results if r["buttonsOff"]]
    assert off_screen == [], f"buttons off a {width} px screen"
    for r in results:
        assert r["widestImage"] <= width, r["name"]
        assert r["fontSize"] == 16, r["name"]  # readable on a phone without zooming
    with_buttons = {str(r["name"]) for r in results if r["buttons"]}
    for name in ("idea_notification", "reminder", "escalation"):
        assert any(n.startswith(name) for n in with_buttons), name
