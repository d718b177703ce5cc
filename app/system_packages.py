"""The Linux distribution here, and installing its packages (``make run``'s system steps).

:func:`detect_distro` reads the family (Debian/Ubuntu, Fedora, Arch) from
``/etc/os-release``; :func:`install_packages` installs packages without questions, as root
or through ``sudo -n``, and :func:`install_command` is the command people type to do it
themselves. Used by :mod:`app.system_check` (Qt's X11 libraries) and :mod:`app.cjk_font` (a
CJK font); never imports Qt.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ARCH", "DEBIAN", "FEDORA", "UNKNOWN", "Distro", "can_sudo", "detect_distro",
           "install_command", "install_packages", "is_root"]


@dataclass(frozen=True)
class Distro:
    """A family of Linux distributions and how it installs packages."""

    key: str  # "debian", "fedora", "arch" or "" (unknown)
    title: str  # shown to people: "Debian/Ubuntu", ...
    install: tuple[str, ...]  # the install command, without the package names
    non_interactive: tuple[str, ...]  # the same for a script (no questions)


DEBIAN = Distro("debian", "Debian/Ubuntu", ("apt-get", "install"),
                ("apt-get", "install", "-y", "-qq", "--no-install-recommends"))
FEDORA = Distro("fedora", "Fedora", ("dnf", "install"), ("dnf", "install", "-y", "-q"))
ARCH = Distro("arch", "Arch", ("pacman", "-S"), ("pacman", "-S", "--needed", "--noconfirm"))
UNKNOWN = Distro("", "", (), ())
_FAMILIES = {
    DEBIAN: {"debian", "ubuntu", "linuxmint", "pop", "raspbian", "elementary", "zorin", "kali"},
    FEDORA: {"fedora", "rhel", "centos", "rocky", "almalinux", "ol", "amzn"},
    ARCH: {"arch", "manjaro", "endeavouros", "garuda", "artix"},
}


def detect_distro(os_release: str | None = None) -> Distro:
    """The distribution family from ``/etc/os-release`` (its text may be passed for tests)."""
    if os_release is None:
        try:
            os_release = Path("/etc/os-release").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return UNKNOWN
    fields = {}
    for line in os_release.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            fields[key.strip()] = value.strip().strip("\"'").lower()
    ids = [fields.get("ID", ""), *fields.get("ID_LIKE", "").split()]
    for name in ids:  # ID first, then ID_LIKE in its order
        for distro, members in _FAMILIES.items():
            if name in members:
                return distro
    return UNKNOWN


def install_command(distro: Distro, packages: Sequence[str]) -> str:
    """The command that installs ``packages`` on ``distro``, as people type it."""
    sudo = [] if is_root() else ["sudo"]
    return " ".join([*sudo, *distro.install, *packages])


def is_root() -> bool:
    """True when this process runs as root."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def can_sudo() -> bool:
    """True when ``sudo -n`` works here (no password asked)."""
    if shutil.which("sudo") is None:
        return False
    try:
        return subprocess.run(["sudo", "-n", "true"], capture_output=True, timeout=10,
                              check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _run_quietly(command: list[str]) -> tuple[bool, str]:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False,
                              timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    lines = [ln.strip() for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
    return done.returncode == 0, (lines[-1] if lines else f"exit status {done.returncode}")


def install_packages(distro: Distro, packages: list[str]) -> tuple[bool, str]:
    """Install ``packages`` without questions, as root or through ``sudo -n``: whether it
    worked, and the last line the package manager wrote (why, when it did not)."""
    if is_root():
        prefix: list[str] = []
    elif can_sudo():
        prefix = ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"]
    else:
        return False, "not root, and sudo needs a password"
    if shutil.which(distro.non_interactive[0]) is None:
        return False, f"{distro.non_interactive[0]} not found"
    command = [*prefix, *distro.non_interactive, *packages]
    ok, why = _run_quietly(command)
    if not ok and distro is DEBIAN:  # a fresh machine may have empty package lists
        updated, why_update = _run_quietly([*prefix, "apt-get", "update", "-qq"])
        ok, why = _run_quietly(command) if updated else (False, why_update)
    return ok, why
