"""The ASCII shortcut of the text checks gives the answers of the character-by-character rule."""

import unicodedata

from matcher.domain.text import script_warning, text_problem


def test_every_ascii_control_is_refused_and_every_printable_ascii_character_passes() -> None:
    for code in range(128):
        char = chr(code)
        control = unicodedata.category(char) == "Cc"
        for identifier in (False, True):
            problem = text_problem(f"P0{char}1", identifier=identifier)
            assert (problem is not None) == control, (code, identifier)
            if control:
                assert f"U+{code:04X}" in (problem or "")


def test_ascii_letters_raise_no_script_warning_and_a_cyrillic_one_does() -> None:
    assert script_warning("".join(chr(c) for c in range(128))) is None
    assert "Cyrillic" in (script_warning("\u0420001") or "")
