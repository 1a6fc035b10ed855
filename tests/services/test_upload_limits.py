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
from pathlib import Path

import pytest

from matcher.services import uploads
from matcher.services.rounds import init_database, stored_round
from matcher.services.uploads import UploadError, import_upload

MIB = 1 << 20


def deflated_zeros(mebibytes: int) -> bytes:
    """A raw deflate stream of mebibytes MiB of zeros, without compressing them all."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert again == block  # a full flush resets the window: the same input, the same bytes
    return block * mebibytes + compressor.flush()


def lying_zip(name: str, stream: bytes, declared: int, crc: int) -> bytes:
    """A one-member zip whose local and central headers declare `declared` bytes."""
    encoded = name.encode()
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), declared, len(encoded), 0
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        20,
        20,
        0,
        8,
        0,
        0x21,
        crc,
        len(stream),
        declared,
        len(encoded),
        0,
        0,
        0,
        0,
        0,
        0,
    )
    body = local + encoded + stream
    directory = central + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), len(body), 0)
    return body + directory + end


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'u.sqlite'}"
    init_database(url)
    return url


def test_a_4_mb_zip_declaring_100_bytes_for_4_gb_is_refused_with_little_memory(url: str) -> None:
    bomb = lying_zip("interventions.csv", deflated_zeros(4096), declared=100, crc=0)
    assert len(bomb) < 5 * MIB
    tracemalloc.start()
    try:
        with pytest.raises(UploadError, match="not a valid zip file, or is damaged"):
            import_upload("bomb.zip", bomb, url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * MIB, f"unpacking took {peak / MIB:.0f} MiB"
    assert stored_round(url) is None


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

    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 2 * MIB)
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
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 2 * MIB)
    with pytest.raises(UploadError, match="unpacks to more than"):
        import_upload("big.zip", buffer.getvalue(), url)
