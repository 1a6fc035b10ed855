"""Pseudonymity rules: an identifier a provider or a log can see must never be a citizen
service number (BSN)."""

import re

_DIGITS = re.compile(r"\d{8,9}")
# How a BSN is written in the wild: grouped by spaces, dots, dashes, slashes or underscores,
# and after a prefix such as `NL`, `BSN` or `BSN:`. Only these prefixes are stripped, so an
# id like `R123456782` (a letter and nine digits) stays an id.
_SEPARATORS = re.compile(r"[\s.\-/_]")
_PREFIX = re.compile(r"^(?:nl|bsn|bsn-?nr|bsnr)[:#]?", re.IGNORECASE)
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
BSN_REFUSAL = (
    "this looks like a citizen service number (BSN); use a pseudonymous reference instead, "
    "clients may not be identifiable"
)


def is_valid_bsn(value: str) -> bool:
    """True when value is a Dutch citizen service number: 9 digits passing the eleven-test.

    Separators and a `NL`/`BSN` prefix are ignored, and an 8-digit number is read with its
    leading zero, as spreadsheets drop it. The eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9
    is a multiple of 11.
    """
    if len(value) < 8:
        return False  # stripping only shortens: too short for 8 digits (most ids; fast)
    digits = _PREFIX.sub("", _SEPARATORS.sub("", value.strip()))
    if not _DIGITS.fullmatch(digits):
        return False
    digits = digits.zfill(9)
    if int(digits) == 0:
        return False
    return sum(w * int(d) for w, d in zip(_WEIGHTS, digits, strict=True)) % 11 == 0
