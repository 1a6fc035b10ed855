"""End to end in a real browser: Debian's chromium, driven by Playwright, against the app
served by `streamlit run` on the demo region — the path a new user takes."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright

from matcher.data.reader import read_round
from matcher.services.access import Role
from matcher.services.accounts import add_account
from matcher.services.rounds import import_round, init_database
from tests.actors import ADMIN, STEWARD
from tests.paths import APP, DEMO, ROOT, SCREENSHOTS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the demo region, served on a free local port."""
    folder = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    init_database(url)
    import_round(DEMO, url, actor=STEWARD)
    demo = read_round(DEMO).round
    every_team = tuple(sorted({r.team_id for r in demo.requests}))
    for name, (role, details) in ACCOUNTS.items():
        if role is Role.REGISSEUR:
            details = {"teams": every_team}
        add_account(url, ADMIN, name, PASSWORD, role, **details)  # type: ignore[arg-type]
    with serve(url, folder / "server.log") as base_url:
        yield base_url


@contextmanager
def serve(url: str, log: Path) -> Iterator[str]:
    """`streamlit run app.py` on the database at url, on a free local port; its messages go
    to the log file (read it when a test fails)."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",  # no module reloads while a test drives the app
    ]  # fmt: skip
    env = {**os.environ, "MATCHER_DB": url}
    with (
        log.open("wb") as messages,
        subprocess.Popen(command, env=env, stdout=messages, stderr=messages) as server,
    ):
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}/_stcore/health", server)
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.terminate()
            server.wait(timeout=30)


# One account per role on the served demo (a regisseur of every team, two providers).
PASSWORD = "browser test password"
ACCOUNTS: dict[str, tuple[Role, dict[str, object]]] = {
    "regisseur": (Role.REGISSEUR, {}),
    "capacity": (Role.CAPACITY_MANAGER, {}),
    "steward": (Role.DATA_STEWARD, {}),
    "provider-P001": (Role.PROVIDER, {"provider_id": "P001"}),
    "provider-P002": (Role.PROVIDER, {"provider_id": "P002"}),
}


def open_as(page: Page, base_url: str, path: str, username: str) -> None:
    """Open a page of the app and log in on the form it shows first."""
    page.goto(base_url + path)
    expect(page.get_by_role("heading", name="Log in to matcher")).to_be_visible(timeout=60_000)
    page.get_by_label("User name").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # the page opened after the login may take long to draw (capacity analysis on the demo)
    expect(page.get_by_role("heading", name="Log in to matcher")).to_have_count(0, timeout=180_000)


def wait_until_healthy(health_url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise RuntimeError(f"streamlit stopped with exit code {server.returncode}")
        try:
            with urllib.request.urlopen(health_url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("streamlit did not become healthy within a minute")


def test_overview_page_shows_the_demo_region(served_demo: str) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make system-deps`"
    demo = read_round(DEMO).round
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            open_as(page, served_demo, "", "regisseur")
            expect(page.get_by_role("heading", name="Round overview")).to_be_visible(timeout=60_000)
            metric = page.get_by_test_id("stMetric").filter(has_text="Open requests")
            expect(metric).to_contain_text(f"{len(demo.requests):,}", timeout=60_000)
            expect(page.get_by_text("Open requests per municipality")).to_be_visible()
            expect(page.get_by_test_id("stException")).to_have_count(0)
            expect(page.get_by_test_id("stDataFrame").first.locator("canvas").first).to_be_visible()
            expect(page.get_by_text("Deploy")).to_have_count(0)
            page.wait_for_timeout(2500)  # let the charts and tables draw before the screenshot
            assert unreadable(page) == []
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "overview.png"), full_page=True)
        finally:
            browser.close()


# Where the tick boxes of the proposals table sit, from the table's top-left corner: the
# header row and each row are 35 px high; award, pin and forbid are the first three columns.
ROW_HEIGHT = 35
AWARD_X, PIN_X = 41, 113


def settle(page: Page) -> None:
    """Wait until the script run is over (Streamlit's running indicator is gone)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=180_000)
    page.wait_for_timeout(1000)


def tick(page: Page, grid: Locator, column_x: int, row: int) -> None:
    """Click the tick box of a data_editor cell (the grid is a canvas: click by position)."""
    settle(page)
    expect(grid).to_be_visible(timeout=60_000)
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + column_x, box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2)
    page.wait_for_timeout(800)


def screenshot(page: Page, name: str) -> None:
    page.wait_for_timeout(2000)  # let charts and tables draw
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def page(served_demo: str) -> Iterator[Page]:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make system-deps`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield browser.new_page(viewport={"width": 1500, "height": 1400})
        finally:
            browser.close()


# What a main table or the page's text must never show: a snake_case code, None / NaN, or a
# float with more decimals than anyone reads (977.0418).
CODE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
RAW_FLOAT = re.compile(r"(?<![\d.,])\d+\.\d{3,}(?!\d)")
EMPTY = re.compile(r"\b(None|nan|NaN)\b")
# € 2409.75 where € 2,409.75 is meant (in the text; the grids' accessible cells hold raw numbers)
UNGROUPED_EUROS = re.compile(r"€ ?\d{4,}")
# The text of the page without its icons (ligature names like keyboard_arrow_right) and
# tables; the tables are read cell by cell from the grid's accessible table.
PAGE_TEXT = """() => {
    const main = document.querySelector('[data-testid=stMain]').cloneNode(true);
    main.querySelectorAll('[data-testid=stIconMaterial], [data-testid=stDataFrame]')
        .forEach(e => e.remove());
    return main.innerText;
}"""


def unreadable(page: Page) -> list[str]:
    """Every code, None, raw float or ungrouped euro amount in the page's text or table cells."""
    cells = page.get_by_test_id("stDataFrame").locator("table td, table th").all_text_contents()
    texts = [*cells, page.evaluate(PAGE_TEXT)]
    return sorted(
        {
            m
            for t in texts
            for rx in (CODE, RAW_FLOAT, EMPTY, UNGROUPED_EUROS)
            for m in rx.findall(t)
        }
    )


def grid(page: Page, key: str) -> Locator:
    """The data editor whose key starts with ``key`` (Streamlit marks it st-key-<key>)."""
    return page.locator(f"[class*='st-key-{key}']").get_by_test_id("stDataFrame").first


# The metric values whose text is wider than their box (Streamlit then cuts them with "…").
CUT_METRICS = """() => [...document.querySelectorAll('[data-testid=stMetricValue]')]
    .filter(value => [...value.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth))
    .map(value => value.innerText)"""


def run_matching(page: Page) -> None:
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_text("Proposals (")).to_be_visible(timeout=180_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="Status")).to_contain_text(
        re.compile("Proven best|Best found")
    )
    # In a window 1,280 pixels wide (Playwright's default) no figure is cut: five equal
    # columns showed "Proven b…" there.
    size = page.viewport_size
    assert size is not None
    page.set_viewport_size({"width": 1280, "height": size["height"]})
    assert page.evaluate(CUT_METRICS) == []
    page.set_viewport_size(size)


def test_pin_award_run_again_remove_a_pin_revoke_and_see_it_in_the_history(
    served_demo: str, page: Page
) -> None:
    open_as(page, served_demo, "matching", "regisseur")
    expect(page.get_by_role("heading", name="Matching round")).to_be_visible(timeout=60_000)
    page.get_by_text("Advanced: solver and time limit").click()
    page.get_by_label("Time limit (s)").fill("5")
    page.keyboard.press("Enter")
    run_matching(page)
    page.wait_for_timeout(2000)
    assert unreadable(page) == []
    screenshot(page, "matching")

    proposals = grid(page, "proposals-")
    tick(page, proposals, PIN_X, 0)
    tick(page, proposals, PIN_X, 1)
    page.get_by_role("button", name="Re-solve with pins and forbids").click()
    expect(page.get_by_text("Active pins and forbids (2)")).to_be_visible(timeout=180_000)

    tick(page, grid(page, "proposals-"), AWARD_X, 0)
    page.get_by_label("Why (written in the audit").fill("client agreed by phone")
    page.keyboard.press("Enter")
    award = page.get_by_role("button", name="Award selected (1)")
    expect(award).to_be_enabled(timeout=30_000)
    award.click()
    expect(page.get_by_text(re.compile(r"Awarded: R\d+"))).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Active pins and forbids (1)")).to_be_visible()  # award settled one

    run_matching(page)  # the dead end of issue 16: this run used to be infeasible
    expect(page.get_by_text("infeasible")).to_have_count(0)
    expect(page.get_by_text("not open in this round")).to_have_count(0)

    tick(page, grid(page, "overrides-"), AWARD_X, 0)
    remove = page.get_by_role("button", name="Remove ticked (1)")
    expect(remove).to_be_enabled(timeout=30_000)
    remove.click()
    expect(page.get_by_text("Active pins and forbids")).to_have_count(0, timeout=30_000)

    # Streamlit can show the old and the new expander together for a moment after a rerun
    # (the panel above it has just gone): wait until one is left, then open it.
    revoke = page.get_by_text(re.compile(r"Awards made from the app in this scope \(1\)"))
    expect(revoke).to_have_count(1, timeout=30_000)
    revoke.click()
    page.get_by_label("Why is it revoked").fill("client moved away")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Revoke this award").click()
    expect(page.get_by_text("Revoke the award of")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Yes, revoke").click()
    expect(page.get_by_text(re.compile(r"Revoked: R\d+"))).to_be_visible(timeout=60_000)

    open_as(page, served_demo, "history", "regisseur")
    expect(page.get_by_role("heading", name="History and audit")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Awards (2)")).to_be_visible(timeout=30_000)
    # two pins, one settled by the award, one removed by hand
    expect(page.get_by_role("heading", name="Pins and forbids (4)")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"Runs \([3-9]"))).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.wait_for_timeout(2000)
    assert unreadable(page) == []
    screenshot(page, "history")


@pytest.mark.parametrize(
    ("path", "heading", "username"),
    [
        ("case", "One case", "regisseur"),
        ("provider", "Provider portal", "provider-P001"),
        ("data", "Data", "steward"),
    ],
)
def test_page_renders_on_the_demo(
    served_demo: str, page: Page, path: str, heading: str, username: str
) -> None:
    open_as(page, served_demo, path, username)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.wait_for_timeout(2000)
    assert unreadable(page) == []
    screenshot(page, path)


def test_capacity_page_shows_its_signals(served_demo: str, page: Page) -> None:
    open_as(page, served_demo, "capacity", "capacity")
    expect(page.get_by_role("heading", name="Capacity", exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="What matters first")).to_be_visible(timeout=120_000)
    waits = page.get_by_role("heading", name="Waiting time: simulation and formula")
    expect(waits).to_be_visible()
    metric = page.get_by_test_id("stMetric").filter(has_text="Signals")
    expect(metric).to_contain_text(re.compile(r"[1-9]"))
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    screenshot(page, "capacity")
    page.get_by_text(re.compile(r"^All [\d,]+ signals, largest impact first$")).click()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(4)  # summary, all, waits, HHI
    page.wait_for_timeout(1500)
    assert unreadable(page) == []
    waits.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SCREENSHOTS / "capacity-waits.png"))


def test_whatif_runs_a_provider_exit_side_by_side(served_demo: str, page: Page) -> None:
    open_as(page, served_demo, "whatif", "capacity")
    expect(page.get_by_role("heading", name="What-if", exact=True)).to_be_visible(timeout=60_000)
    page.get_by_text("Load a scenario").click()
    page.get_by_role("button", name="Load this file").click()  # the first file: exit.toml
    expect(page.get_by_text("Changes: P001 leaves")).to_be_visible(timeout=30_000)
    page.get_by_label("Time limit per run (s)").fill("5")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Run what-if").click()
    expect(
        page.get_by_role("heading", name="Baseline and 'P001 leaves' side by side")
    ).to_be_visible(timeout=180_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="Placed").first).to_contain_text("%")
    table = page.get_by_test_id("stDataFrame").filter(has=page.locator("canvas")).first
    expect(table).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.set_viewport_size({"width": 1500, "height": 2700})  # the controls and the results
    page.wait_for_timeout(1500)
    assert unreadable(page) == []
    screenshot(page, "whatif")


def test_whatif_uploaded_scenario_fills_the_controls(served_demo: str, page: Page) -> None:
    open_as(page, served_demo, "whatif", "capacity")
    expect(page.get_by_role("heading", name="What-if", exact=True)).to_be_visible(timeout=60_000)
    page.get_by_text("Load a scenario").click()
    upload = page.get_by_test_id("stFileUploaderDropzoneInput")
    upload.set_input_files(str(ROOT / "data" / "scenarios" / "growth10.toml"))
    expect(page.get_by_text("Changes: demand +10% (all)")).to_be_visible(timeout=30_000)
    expect(page.get_by_label("Scenario name")).to_have_value("demand +10%")
    expect(page.get_by_test_id("stException")).to_have_count(0)
