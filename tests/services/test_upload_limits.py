"""Uploads that lie: a zip whose headers understate what it unpacks to (issue 15, finding 8).

The bomb is built by hand: one deflate block of a mebibyte of zeros, flushed so that every
repetition compresses to the same bytes, repeated 4,096 times (4 GiB unpacked from about
4 MB), under headers that declare 100 bytes.
"""

import io
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from matcher.data import zip_limits
from matcher.data.issues import RoundImportError
from matcher.data.reader import read_round
from matcher.data.writer import write_workbook
from matcher.services import uploads
from matcher.services.rounds import init_database, stored_round
from matcher.services.uploads import UploadError, import_upload
from tests.actors import STEWARD
from tests.paths import TINY

MIB = 1 << 20


def deflated_zeros(mebibytes: int) -> bytes:
    """A raw deflate stream of mebibytes MiB of zeros, without compressing them all."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert again == block  # a full flush resets the window: the same input, the same bytes
    return block * mebibytes + compressor.flush()


Member = tuple[str, bytes, int, int, int]  # name, data as stored, method, declared size, crc


def raw_zip(members: list[Member]) -> bytes:
    """A zip written by hand, so its headers may declare whatever the test wants."""
    body, directory = b"", b""
    for name, data, method, declared, crc in members:
        encoded = name.encode()
        sizes = (crc, len(data), declared, len(encoded))
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, *sizes, 0)
        central = struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, *sizes, 0, 0, 0, 0, 0,
            len(body),
        )  # fmt: skip
        body += local + encoded + data
        directory += central + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                      len(directory), len(body), 0)  # fmt: skip
    return body + directory + end


def lying_zip(name: str, stream: bytes, declared: int, crc: int) -> bytes:
    """A one-member zip whose headers declare `declared` bytes for the deflated stream."""
    return raw_zip([(name, stream, zipfile.ZIP_DEFLATED, declared, crc)])


def peak_bytes(action: Callable[[], object]) -> int:
    """The most memory Python held while action ran."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'u.sqlite'}"
    init_database(url)
    return url


def test_a_4_mb_zip_declaring_100_bytes_for_4_gb_is_refused_with_little_memory(url: str) -> None:
    bomb = lying_zip("interventions.csv", deflated_zeros(4096), declared=100, crc=0)
    assert len(bomb) < 5 * MIB

    def upload() -> None:
        with pytest.raises(UploadError, match="declares 100: the zip lies about its sizes"):
            import_upload("bomb.zip", bomb, url, actor=STEWARD)

    peak = peak_bytes(upload)
    assert peak < 32 * MIB, f"unpacking took {peak / MIB:.0f} MiB"
    assert stored_round(url) is None


def test_a_damaged_member_is_a_plain_upload_error(url: str) -> None:
    stream = deflated_zeros(1)
    damaged = lying_zip("interventions.csv", stream, declared=MIB, crc=12345)
    with pytest.raises(UploadError, match="not a valid zip file, or is damaged"):
        import_upload("damaged.zip", damaged, url, actor=STEWARD)


def test_a_workbook_with_a_lying_member_is_refused_with_little_memory(tmp_path: Path) -> None:
    """An .xlsx is a zip: its styles part declaring 100 bytes for 4 GB is refused too."""
    write_workbook(read_round(TINY).round, tmp_path / "honest.xlsx")
    members: list[Member] = []
    with zipfile.ZipFile(tmp_path / "honest.xlsx") as honest:
        for info in honest.infolist():
            data = honest.read(info)
            if info.filename == "xl/styles.xml":
                members.append((info.filename, deflated_zeros(4096), 8, len(data), 0))
            else:
                members.append((info.filename, data, 0, len(data), zlib.crc32(data)))
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(raw_zip(members))

    def read() -> None:
        with pytest.raises(RoundImportError) as refused:
            read_round(bomb)
        (issue,) = refused.value.errors
        assert issue.file == "bomb.xlsx"
        assert "xl/styles.xml holds 4,247,554 compressed bytes" in issue.message

    peak = peak_bytes(read)
    assert peak < 32 * MIB, f"reading took {peak / MIB:.0f} MiB"


def test_a_member_that_unpacks_to_more_than_it_declares_stops_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the zip library trusts, the bytes written are counted against the limit."""

    class Lying:
        """An archive whose member declares 100 bytes and streams 3 MiB."""

        member = zipfile.ZipInfo("round/interventions.csv")
        member.file_size = 100

        def infolist(self) -> list[zipfile.ZipInfo]:
            return [self.member]

        def open(self, member: zipfile.ZipInfo) -> io.BytesIO:
            return io.BytesIO(bytes(3 * MIB))

    monkeypatch.setattr(zip_limits, "MAX_UNPACKED_BYTES", 2 * MIB)
    with pytest.raises(UploadError, match="unpacks to more than"):
        uploads._extract(Lying(), tmp_path)  # type: ignore[arg-type]
    written = tmp_path / "round" / "interventions.csv"
    assert written.stat().st_size <= 2 * MIB


def test_an_honest_zip_over_the_limit_is_refused_before_unpacking(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("interventions.csv", bytes(3 * MIB))
    monkeypatch.setattr(zip_limits, "MAX_UNPACKED_BYTES", 2 * MIB)
    with pytest.raises(UploadError, match="unpacks to more than"):
        import_upload("big.zip", buffer.getvalue(), url, actor=STEWARD)
