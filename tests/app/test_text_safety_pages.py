"""Pages that stay whole and honest whatever text the round holds (issue 15)."""

from pathlib import Path

import pytest
from sqlalchemy import update

from matcher.data.db.engine import make_engine
from matcher.data.db.schema import round_tables
from matcher.services.rounds import import_round, init_database
from tests.actors import STEWARD
from tests.app.test_pages import database, open_page
from tests.paths import TINY


def rename_providers(url: str, name: str) -> None:
    """Give every stored provider name, as an import before these checks could have."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(update(round_tables["providers"]).values(name=name))
    finally:
        engine.dispose()


def test_a_stored_control_character_does_not_break_the_overview(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = database(tmp_path, TINY)
    rename_providers(url, "Buurt\x01kracht")

    app = open_page(monkeypatch, url, "overview")  # fails on any exception

    assert {d.proto.label for d in app.get("download_button")} == {"CSV", "Excel"}


def test_the_overview_never_shows_the_database_password(
    monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    url = postgres_url.replace("postgres@", "postgres:pw-s3cret@")  # trust: any password works
    init_database(url)
    import_round(TINY, url, actor=STEWARD)

    app = open_page(monkeypatch, url, "overview")

    captions = " ".join(c.value for c in app.caption)
    assert "pw-s3cret" not in captions
    assert "postgres:***@127.0.0.1" in captions


def test_provider_names_on_the_one_case_page_are_not_read_as_markdown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = database(tmp_path, TINY)
    rename_providers(url, "*Zorg* :red[BV]")

    app = open_page(monkeypatch, url, "case")

    [best] = app.success
    assert r"\*Zorg\* \:red\[BV\]" in best.value
