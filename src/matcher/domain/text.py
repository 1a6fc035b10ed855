"""Which text may enter a round, and how a value is shown back in a message.

A round's text travels to the database, to spreadsheets, to providers and into logs. A
control character (NUL, \\x01, a line break) breaks drivers and workbooks; an invisible one
(a zero-width space, a right-to-left override) makes two ids that look the same differ, or a
name read differently than it is stored. So every text value is refused when it holds one,
and an identifier is refused for any non-printing character at all. Letters of another
script (a Cyrillic `Р` in `Р001`) print, so they are only warned about: a look-alike id
refers to nothing, and the warning says why.
"""

import unicodedata
from typing import Any

from pydantic import ValidationInfo

# Joiners shape Arabic and Indic script and emoji: a name may hold them, an id may not.
_JOINERS = frozenset({"\u200c", "\u200d"})
# Categories no value may hold: controls, surrogates, private use, unassigned, line and
# paragraph separators. Format characters (Cf) are refused too, the joiners in names excepted.
_NEVER = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
SHOWN_LENGTH = 40
# Validation context for values read back from the database: they were checked when they
# came in, under the rules of that day, and are loaded as they were stored, so a tightened
# rule never makes a stored round unreadable (the next import applies it).
STORED: dict[str, Any] = {"stored": True}


def entering(info: ValidationInfo) -> bool:
    """True unless the value is being loaded from storage (context STORED)."""
    return not (info.context or {}).get("stored", False)


def text_problem(value: str, *, identifier: bool = False) -> str | None:
    """Why value may not be stored, in words (naming the character, not the value), or None."""
    if value.isascii() and value.isprintable():
        return None  # the common case, at once: printable ASCII is letters, digits, marks, space
    for char in value:
        category = unicodedata.category(char)
        refused = category in _NEVER or (category == "Cf" and (identifier or char not in _JOINERS))
        if identifier and not refused:
            refused = category == "Zs" and char != " "  # a no-break space looks like a space
        if refused:
            kind = "a control character" if category == "Cc" else "an invisible character"
            return f"contains {kind} ({_code(char)}); retype the value without it"
    return None


def script_warning(value: str) -> str | None:
    """A warning when an id holds letters of a script other than Latin (look-alikes), or None."""
    if value.isascii():
        return None  # every ASCII letter is Latin
    others = {c for c in value if c.isalpha() and _script(c) != "LATIN"}
    if not others:
        return None
    char = min(others)
    script = _script(char).capitalize()
    return (
        f"contains the {script} letter {_code(char)}, which may look like a Latin letter; "
        "ids that look alike but differ refer to nothing"
    )


def shown(value: str, limit: int = SHOWN_LENGTH) -> str:
    """value fit to repeat in a message: non-printing characters as codes, cut to limit."""
    visible = "".join(
        c if c == " " or (c.isprintable() and c not in _JOINERS) else f"<{_code(c)}>" for c in value
    )
    if len(visible) <= limit:
        return visible
    return f"{visible[:limit]}... ({len(value)} characters)"


def _script(char: str) -> str:
    """The script a letter belongs to, from the first word of its Unicode name."""
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"
