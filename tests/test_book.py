"""The HTML book: builds with warnings as errors, publishes no solution, and its framework
switch works in a real browser (Debian's headless Chromium driven by Selenium)."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def toc_pages() -> list[str]:
    """Every page named in _toc.yml, as the HTML path the build must produce."""
    import yaml

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                yield entry["file"] + ".html"
            for key in ("chapters", "sections", "parts"):
                yield from walk(entry.get(key, []))

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"] + ".html", *walk(toc["parts"])]


@pytest.fixture(scope="module")
def html(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("book")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jupyter_book), "build", str(ROOT), "--path-output", str(out),
                             "--warningiserror", "--nitpick", "--keep-going"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, f"book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    assert "WARNING" not in result.stdout + result.stderr
    return out / "_build" / "html"


@pytest.mark.slow
def test_book_has_every_page_with_outputs(html):
    pages = toc_pages()
    assert len(pages) >= 4
    for page in pages:
        assert (html / page).is_file(), page
    for notebook in ROOT.glob("book/**/*.ipynb"):
        assert (html / notebook.relative_to(ROOT).with_suffix(".html")).is_file(), f"{notebook} is not in _toc.yml"
    chapter = (html / "book/01_perceptron/perceptron.html").read_text()
    assert "mistakes per epoch" in chapter and "<img" in chapter, "executed outputs and figures are shown"
    assert "tag_pytorch" in chapter and "tag_keras" in chapter
    assert "Key terms" in chapter and "단층 퍼셉트론" in chapter
    assert "colab.research.google.com" in chapter, "Colab launch button"
    assert "def update(self, x" in re.sub(r"<[^>]+>", "", chapter), "library code shown with literalinclude"
    assert "absl::InitializeLog" not in chapter, "stderr is not published"


@pytest.mark.slow
def test_solutions_are_never_published(html):
    published = [p for p in html.rglob("*") if "solutions" in p.parts or "exercises" in p.parts]
    assert published == []
    for page in html.rglob("*.html"):
        assert "BEGIN SOLUTION" not in page.read_text(errors="ignore"), page


@pytest.fixture(scope="module")
def browser(html):
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail("Debian's chromium and chromium-driver are needed: run `make browser`")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    yield driver
    driver.quit()
    server.shutdown()


def _visible(driver, css):
    return [e.is_displayed() for e in driver.find_elements("css selector", css)]


@pytest.mark.slow
@pytest.mark.browser
def test_framework_switch_hides_cells_and_persists(browser):
    browser.get(browser.base_url + "book/01_perceptron/perceptron.html")
    assert all(_visible(browser, ".cell.tag_pytorch")) and all(_visible(browser, ".cell.tag_keras"))
    browser.find_element("css selector", ".framework-switch button[value='keras']").click()
    assert not any(_visible(browser, ".cell.tag_pytorch"))
    assert all(_visible(browser, ".cell.tag_keras"))
    assert browser.find_element("css selector", "button[value='keras']").get_attribute("aria-pressed") == "true"

    browser.get(browser.base_url + "book/01_perceptron/gradient_descent.html")
    assert _visible(browser, ".cell.tag_pytorch") == [False]
    assert _visible(browser, ".cell.tag_keras") == [True]
    assert _visible(browser, ".cell:not(.tag_pytorch):not(.tag_keras)")[0], "neutral cells stay visible"

    browser.find_element("css selector", ".framework-switch button[value='both']").click()
    assert all(_visible(browser, ".cell.tag_pytorch"))
