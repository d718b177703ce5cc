"""DigitLab's version, for ``digitlab-gui --version`` and About (no Qt, no torch)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

__all__ = ["version"]


def version() -> str:
    """The installed package's version, else the source tree's ``pyproject.toml``'s."""
    try:
        return metadata.version("digitlab")
    except metadata.PackageNotFoundError:
        import tomllib

        pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
        with pyproject.open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])
