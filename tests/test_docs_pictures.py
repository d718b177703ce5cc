"""The README and the guides show only pictures the screenshot script takes, and the README
speaks to users."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOTS_DIR = ROOT / "docs" / "screenshots"


def _script():
    spec = importlib.util.spec_from_file_location("take_screenshots",
                                                  ROOT / "docs" / "take_screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _pictures(doc: Path) -> set[Path]:
    found = set()
    for target in re.findall(r"\]\(([^)\s]+\.png)\)", doc.read_text("utf-8")):
        found.add((doc.parent / target).resolve())
    return found


def test_every_picture_the_documents_show_is_one_the_script_takes():
    produced = _script().produced_files()
    for doc in _documents():
        for picture in _pictures(doc):
            assert picture.parent == SHOTS_DIR.resolve(), (doc.name, picture)
            assert picture.name in produced, f"{doc.name} shows {picture.name}, which " \
                                             "docs/take_screenshots.py does not take"
            assert picture.is_file(), f"{doc.name} shows {picture.name}, which is missing"


def test_the_script_lists_every_view_it_shoots():
    source = (ROOT / "docs" / "take_screenshots.py").read_text("utf-8")
    shot = set(re.findall(r'\.shoot\("([^"]+)"', source))
    assert shot == set(_script().SHOTS)


def test_no_stale_picture_is_kept():
    produced = _script().produced_files()
    kept = {p.name for p in SHOTS_DIR.glob("*.png")}
    assert kept <= produced, f"pictures no script takes: {sorted(kept - produced)}"


def test_the_readme_is_short_and_for_users():
    text = (ROOT / "README.md").read_text("utf-8")
    assert len(text.splitlines()) <= 250
    diary = r"\bstop \d+\b|\bhelpers?\b|\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}\b"
    assert not re.search(diary, text, re.IGNORECASE), "development notes in the README"
    assert "## Quick start" in text
    assert text.count("make run") >= 1 and text.count("make test") >= 1
