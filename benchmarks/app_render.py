"""Render time of every app page on the demo region (AppTest, headless, one process).

Usage: python benchmarks/app_render.py [DB_URL]
A fresh SQLite database with the demo round is made when no URL is given. Reports the first
render (cold caches) and the median of five further renders (warm caches) per page.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from matcher.services.access import Actor, Role, command_line

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("overview", "matching", "case", "capacity", "whatif", "data", "history", "provider")


def actor_for(page: str, teams: tuple[str, ...]) -> Actor:
    """Each page is rendered for a role that sees it (the app shows nothing before a login)."""
    if page in ("capacity", "whatif"):
        return Actor("bench-capacity", Role.CAPACITY_MANAGER)
    if page == "data":
        return Actor("bench-steward", Role.DATA_STEWARD)
    if page == "provider":
        return Actor("bench-provider", Role.PROVIDER, provider_id="P001")
    return Actor("bench-regisseur", Role.REGISSEUR, teams=teams)


def main() -> None:
    from matcher.services.rounds import import_round, init_database

    if len(sys.argv) > 1:
        url = sys.argv[1]
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/demo.sqlite"
        init_database(url)
        import_round(ROOT / "data" / "demo", url, actor=command_line(Role.DATA_STEWARD))
    os.environ["MATCHER_DB"] = url
    from matcher.services.rounds import stored_round

    stored = stored_round(url)
    teams = tuple(sorted({r.team_id for r in stored.requests})) if stored else ()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    app.session_state["actor"] = actor_for("overview", teams)
    started = time.perf_counter()
    app.run()
    print(f"{'app start (loads the round)':32s} {time.perf_counter() - started:6.2f} s")
    for page in PAGES:
        app.session_state["actor"] = actor_for(page, teams)
        app.run()  # the navigation offers the pages of this role
        app.switch_page(f"app_pages/{page}.py")
        started = time.perf_counter()
        app.run()
        first = time.perf_counter() - started
        warm = []
        for _ in range(5):
            started = time.perf_counter()
            app.run()
            warm.append(time.perf_counter() - started)
        failed = " EXCEPTION" if app.exception else ""
        print(f"{page:32s} {first:6.2f} s first, {statistics.median(warm):6.2f} s warm{failed}")


if __name__ == "__main__":
    main()
