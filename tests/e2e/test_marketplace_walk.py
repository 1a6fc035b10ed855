"""The marketplace's acceptance walk in a real browser (Debian's chromium, Playwright) on the
tiny round: a provider logs in and bids, is refused a bid outside the band with the reason;
the regisseur closes the round, matches and awards the request to that provider; the
provider then sees that client's details and no other; a second provider sees none."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from matcher.data.reader import read_round
from matcher.services.access import Role
from matcher.services.accounts import add_account
from matcher.services.rounds import import_round, init_database
from tests.actors import ADMIN, STEWARD
from tests.e2e.test_browser import (
    AWARD_X,
    CHROMIUM,
    CHROMIUM_FLAGS,
    PASSWORD,
    grid,
    open_as,
    screenshot,
    serve,
    settle,
    tick,
)
from tests.paths import TINY

pytestmark = pytest.mark.browser

# The tiny round: HLM-CENTRUM's R001 (P001 and P002 bid) and R002 (only P001 may take it:
# the client excluded P002), both 02A01 with the band EUR 56 to 85. Proposals come by request.
R002_ROW = 1


@pytest.fixture(scope="module")
def served_tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("walk")
    url = f"sqlite:///{folder / 'tiny.sqlite'}"
    init_database(url)
    import_round(TINY, url, actor=STEWARD)
    add_account(url, ADMIN, "centrum", PASSWORD, Role.REGISSEUR, teams=("HLM-CENTRUM",))
    for pid in ("P001", "P002"):
        add_account(url, ADMIN, f"provider-{pid}", PASSWORD, Role.PROVIDER, provider_id=pid)
    with serve(url, folder / "server.log") as base_url:
        yield base_url


@pytest.fixture
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make system-deps`"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def fresh_page(browser: Browser) -> Page:
    """A page in its own browser context: another person at another desk."""
    return browser.new_context(viewport={"width": 1500, "height": 1400}).new_page()


def bid(page: Page, tariff: str) -> None:
    settle(page)
    page.get_by_role("textbox", name="Tariff (€ per unit)").fill(tariff)
    page.keyboard.press("Enter")
    settle(page)
    page.get_by_role("button", name="Place or change the bid").click()
    settle(page)


def shown_text(page: Page) -> str:
    """Every word of the page, table cells included."""
    cells = page.get_by_test_id("stDataFrame").locator("table td, table th").all_text_contents()
    return "\n".join([*cells, page.locator("[data-testid=stMain]").inner_text()])


def test_bid_close_match_award_and_only_the_awarded_provider_sees_the_client(
    served_tiny: str, browser: Browser, tmp_path: Path
) -> None:
    refs = {r.request_id: r.client_ref for r in read_round(TINY).round.requests}

    provider = fresh_page(browser)
    open_as(provider, served_tiny, "provider", "provider-P001")
    expect(provider.get_by_role("heading", name="Provider portal")).to_be_visible(timeout=60_000)
    provider.get_by_role("combobox", name="Request", exact=True).click()
    provider.get_by_role("option", name="R002").click()
    expect(provider.get_by_text("Tariff band of 02A01")).to_be_visible(timeout=30_000)
    bid(provider, "90")
    expect(provider.get_by_text("outside the band € 56.00 to € 85.00")).to_be_visible()
    bid(provider, "70")
    expect(provider.get_by_text("Your bid on R002 is placed")).to_be_visible(timeout=30_000)
    assert not set(refs.values()) & set(shown_text(provider).split())

    regisseur = fresh_page(browser)
    open_as(regisseur, served_tiny, "phase", "centrum")
    regisseur.get_by_role("button", name="Close the bidding").click()
    expect(regisseur.get_by_text("Closed: bids are frozen")).to_be_visible(timeout=30_000)
    regisseur.get_by_role("link", name="Matching round").click()
    expect(regisseur.get_by_role("heading", name="Matching round")).to_be_visible(timeout=60_000)
    regisseur.get_by_role("button", name="Run matching").click()
    expect(regisseur.get_by_text("Proposals (2)")).to_be_visible(timeout=180_000)
    tick(regisseur, grid(regisseur, "proposals-"), AWARD_X, R002_ROW)
    regisseur.get_by_label("Why (written in the audit").fill("bid of 70 accepted")
    regisseur.keyboard.press("Enter")
    award = regisseur.get_by_role("button", name="Award selected (1)")
    expect(award).to_be_enabled(timeout=30_000)
    award.click()
    expect(regisseur.get_by_text("Awarded: R002")).to_be_visible(timeout=60_000)

    open_as(provider, served_tiny, "provider", "provider-P001")
    expect(provider.get_by_text("since your last login: R002")).to_be_visible(timeout=60_000)
    expect(provider.get_by_role("heading", name="Awarded to you")).to_be_visible()
    provider.wait_for_timeout(2000)  # let the tables draw
    words = set(shown_text(provider).split())
    assert refs["R002"] in words
    assert not {ref for rid, ref in refs.items() if rid != "R002"} & words
    screenshot(provider, "provider-portal")

    other = fresh_page(browser)
    open_as(other, served_tiny, "provider", "provider-P002")
    expect(other.get_by_text("No open request of this round is awarded to you")).to_be_visible(
        timeout=60_000
    )
    other.wait_for_timeout(2000)
    assert not set(refs.values()) & set(shown_text(other).split())
