"""Pseudonymity rules: a client reference must never be a citizen service number."""

import re

_DIGITS = re.compile(r"\d{8,9}")


def is_valid_bsn(value: str) -> bool:
    """True when value is a Dutch citizen service number: 9 digits passing the eleven-test.

    Spaces and dots are ignored and an 8-digit number is read with its leading zero, as
    spreadsheets drop it. The eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11.
    """
    digits = value.replace(" ", "").replace(".", "")
    if not _DIGITS.fullmatch(digits):
        return False
    digits = digits.zfill(9)
    if int(digits) == 0:
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11 == 0
