"""Awards and re-imports (issue 15, finding 7), on SQLite and PostgreSQL.

A proposal made before a re-import was still awarded after it, although the request had
since excluded that provider; and a replacing import (CLI or upload) dropped the awards made
in the app since the last import without a word.
"""

import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli.main import app
from matcher.data.db.awarding import AwardRefusedError
from matcher.data.db.engine import make_engine
from matcher.data.db.runs import stored_import_id
from matcher.data.db.store import AwardsWouldBeLostError
from matcher.data.writer import write_round
from matcher.domain import Round
from matcher.services.round_session import (
    RoundResult,
    award,
    round_day,
    scopes,
    solve_and_record,
)
from matcher.services.rounds import export_round, import_round, init_database, stored_round
from matcher.services.uploads import UploadError, import_upload
from tests.actors import ANNA, STEWARD
from tests.matching.builders import bid, capacity, make_round, provider, request
from tests.paths import files_of


def two_providers(excluded: tuple[str, ...] = ()) -> Round:
    """R1 bids from P1 (EUR 60) and P2 (EUR 70): P1 is proposed unless the client excludes it."""
    return make_round(
        [provider("P1"), provider("P2")],
        [request("R1", excluded_providers=excluded), request("R2")],
        [bid("R1", "P1", "60"), bid("R1", "P2", "70"), bid("R2", "P2", "70")],
        [capacity("P1", "10"), capacity("P2", "10")],
    )


def import_id(url: str) -> int | None:
    engine = make_engine(url)
    try:
        return stored_import_id(engine)
    finally:
        engine.dispose()


def imported(url: str, round_: Round, where: Path, **options: bool) -> None:
    if where.exists():
        for child in where.iterdir():
            child.unlink()
        where.rmdir()
    write_round(round_, where)
    import_round(where, url, **options, actor=STEWARD)


def awarded_once(url: str, where: Path, *requests: str) -> None:
    """A new database with the round imported and the requests awarded in the app."""
    init_database(url)
    imported(url, two_providers(), where)
    award(url, solved(url), list(requests), actor=ANNA, why="ok", on=round_day(two_providers()))


def solved(url: str) -> RoundResult:
    round_ = stored_round(url)
    assert round_ is not None
    return solve_and_record(
        url, round_, scopes(round_)["Whole round"], actor=ANNA, import_id=import_id(url)
    )


def test_a_proposal_made_before_a_re_import_is_refused_in_plain_words(
    db_url: str, tmp_path: Path
) -> None:
    init_database(db_url)
    imported(db_url, two_providers(), tmp_path / "round")
    result = solved(db_url)
    assert set(result.proposals.loc[result.proposals["request"] == "R1", "provider"]) == {"P1"}
    before = import_id(db_url)
    # Meanwhile the client excludes P1, and the round is imported again.
    imported(db_url, two_providers(excluded=("P1",)), tmp_path / "round", replace=True)

    with pytest.raises(AwardRefusedError) as refused:
        award(db_url, result, ["R1"], actor=ANNA, why="agreed", on=round_day(two_providers()))
    assert refused.value.problems == (
        f"the round was imported again after these proposals were made (import {before} "
        f"then, {import_id(db_url)} now); run the matching again before awarding",
    )
    stored = stored_round(db_url)
    assert stored is not None
    assert not stored.awards

    fresh = solved(db_url)  # solving again on the new round awards its own proposal
    awarded = award(db_url, fresh, ["R1"], actor=ANNA, why="agreed", on=round_day(stored))
    assert [(a.request_id, a.provider_id) for a in awarded] == [("R1", "P2")]


def test_a_replacing_import_refuses_to_drop_awards_made_since_unless_told(
    db_url: str, tmp_path: Path
) -> None:
    awarded_once(db_url, tmp_path / "round", "R1", "R2")
    awarded = stored_round(db_url)
    assert awarded is not None
    assert {a.request_id for a in awarded.awards or ()} == {"R1", "R2"}

    with pytest.raises(AwardsWouldBeLostError, match=r"^2 award\(s\) made since the last"):
        imported(db_url, two_providers(), tmp_path / "round", replace=True)
    assert stored_round(db_url) == awarded  # nothing was imported

    export_round(
        tmp_path / "export", db_url, actor=STEWARD
    )  # the export holds the awards: nothing lost
    import_round(tmp_path / "export", db_url, replace=True, actor=STEWARD)
    assert stored_round(db_url) == awarded

    imported(db_url, two_providers(), tmp_path / "round", replace=True, drop_awards=True)
    dropped = stored_round(db_url)
    assert dropped is not None
    assert not dropped.awards


def test_the_cli_and_the_upload_say_how_many_awards_and_how_to_drop_them(
    db_url: str, tmp_path: Path
) -> None:
    awarded_once(db_url, tmp_path / "round", "R1")

    cli = CliRunner().invoke(
        app,
        ["import", str(tmp_path / "round"), "--db", db_url, "--replace"],
        env={"COLUMNS": "300", "NO_COLOR": "1"},
    )
    assert cli.exit_code == 1, cli.output
    assert "Nothing was imported: 1 award(s) made since the last import" in cli.output
    assert "--replace --drop-awards" in cli.output

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files_of(tmp_path / "round").items():
            archive.writestr(name, content)
    with pytest.raises(UploadError, match=r"1 award\(s\) .* tick 'Drop the awards made since"):
        import_upload("round.zip", buffer.getvalue(), db_url, actor=STEWARD)
    outcome = import_upload("round.zip", buffer.getvalue(), db_url, drop_awards=True, actor=STEWARD)
    assert outcome.imported is not None
    after = stored_round(db_url)
    assert after is not None
    assert not after.awards
