"""What a zip may unpack to, for the zip uploads and for workbooks (an .xlsx is a zip).

The sizes in a zip's headers are the sender's word. Python's zip reader stops a member at
its declared size, but reading it whole first inflates up to 2 GB of what the data really
holds (a 4 MB zip declaring 100 bytes drove the app to 2.3 GB). Compression never makes
data much larger, so a compressed member whose data is larger than its declared size is
lying, and is refused before anything is inflated; the declared sizes together are bounded.
"""

import zipfile
from collections.abc import Iterable

MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a zip bomb stops here, not the disk
# Deflate, bzip2 and LZMA add at most a few bytes per block to data they cannot compress.
OVERHEAD_BYTES = 4096


class ZipLimitError(ValueError):
    """The zip would unpack to more than is allowed, or lies about its sizes."""


def check_members(members: Iterable[zipfile.ZipInfo], limit: int | None = None) -> None:
    """Refuse members that lie about their size, or that together exceed the limit."""
    limit = MAX_UNPACKED_BYTES if limit is None else limit
    total = 0
    for member in members:
        declared = member.file_size
        if member.compress_type != zipfile.ZIP_STORED and member.compress_size > (
            declared + declared // 50 + OVERHEAD_BYTES
        ):
            raise ZipLimitError(
                f"{member.filename} holds {member.compress_size:,} compressed bytes but declares "
                f"{declared:,}: the zip lies about its sizes"
            )
        total += declared
    if total > limit:
        raise ZipLimitError(f"it unpacks to more than {limit // (1024 * 1024)} MB")
