"""pyproject states ranges; constraints.txt pins the tested set inside them; make uses it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    reqs += [Requirement(r) for group in ("export", "tensorboard") for r in extras[group]]
    return reqs


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def test_no_dependency_is_pinned_to_one_release():
    for req in _requirements():
        assert not any(spec.operator == "==" for spec in req.specifier), str(req)


def test_the_tested_set_pins_every_dependency_inside_its_range():
    pins = _pins()
    for req in _requirements():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} has no tested version in constraints.txt"
        assert req.specifier.contains(pins[name], prereleases=True), (str(req), pins[name])


def test_the_pyside6_release_that_crashes_is_excluded():
    pyside = next(r for r in _requirements() if r.name == "PySide6-Essentials")
    assert not pyside.specifier.contains("6.12.0")
    assert pyside.specifier.contains("6.11.3")


def test_make_installs_with_the_tested_set():
    makefile = (ROOT / "Makefile").read_text()
    assert "-c constraints.txt" in makefile
