"""Locations of the project's files, for tests that use them as a user would."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
TINY = ROOT / "tests" / "fixtures" / "rounds" / "tiny"
APP = ROOT / "app.py"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def files_of(directory: Path) -> dict[str, bytes]:
    """Every file of a round directory by name, with its bytes (not the hidden marker
    matcher writes next to them)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(directory.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }
