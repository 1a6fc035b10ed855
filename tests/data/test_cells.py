"""Numbers as spreadsheet users type them: thousands separators only in groups of three."""

import pytest

from matcher.data.cells import CellError, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.250,50", "1250.50"),
        ("1,250.50", "1250.50"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("€ 25.000,00", "25000.00"),
        ("-1.234,5", "-1234.5"),
        ("1,250", "1.250"),  # a single comma is a decimal comma
        ("1.250", "1.250"),  # a single point is a decimal point
        ("56,5", "56.5"),
    ],
)
def test_thousands_separators_in_groups_of_three_are_read(text: str, value: str) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text", ["12,5,0.1", "1.25.0", "12,5,0", "1.23,5", "12.34.567", "1.2.3,4,5", "1,,5"]
)
def test_thousands_separators_not_in_groups_of_three_are_refused(text: str) -> None:
    with pytest.raises(CellError, match=rf"^'{text}' is not a number; thousands separators"):
        parse_number(text)
